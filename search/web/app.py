"""The web application: the search page, the document page and the JSON API, all on `Searcher`.

The routes only turn URL parameters into `Searcher` calls and results into JSON or HTML; ranking,
filtering, highlighting and pairing come from the library, exactly as for the `vraagbaak` command.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, AsyncIterator, Awaitable, Callable, Iterator

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from indexer.structure import pair_parts, question_intro

from .. import (
    DocumentNotFound, IndexNotFound, IndexOutdated, IndexProblem, QuerySyntaxError, Results, Searcher,
    document_to_dict,
)
from ..export import EXTENSIONS, MEDIA_TYPES, export_lines, export_rows
from ..filters import Filters
from ..options import TOP_PEOPLE, ExportFormat, Period, SortOrder
from ..timeline import Timeline, timeline_of
from .templating import templates

HERE = Path(__file__).parent
logger = logging.getLogger(__name__)
MAX_QUERY_CHARS = 500
MAX_LIMIT = 100
MAX_PAGE = 1000
"""Caps on what one request may ask for (the library allows more)."""
REFRESH_SECONDS = 1.0
"""How often, at most, the server checks whether the index was rebuilt."""
SIMILAR_ON_PAGE = 5
DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
SECURITY_HEADERS = {
    # Nothing on the pages needs scripts or anything from elsewhere; forbid both, so a mistake in
    # escaping cannot run code either.
    "Content-Security-Policy": "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
                               "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
FORM_PARAMS = ("thema", "minister", "van", "from", "to", "answered", "sort", "limit", "group")
"""URL parameters the search form carries along when the query changes."""


class ErrorBody(BaseModel):
    """Every error response: a message a user can act on."""

    error: str


ERROR_STATUS: dict[type[Exception], int] = {QuerySyntaxError: 400, DocumentNotFound: 404}
INDEX_MESSAGES: dict[type[IndexProblem], tuple[str, str]] = {
    IndexNotFound: ("There is no index to search yet. Build one with: vraagbaak index",
                    "Er is nog geen index om in te zoeken."),
    IndexOutdated: ("The index was built by another version of Vraagbaak. Rebuild the index: vraagbaak index --rebuild",
                    "De index is gebouwd door een andere versie van Vraagbaak en moet opnieuw gebouwd worden."),
    IndexProblem: ("The index cannot be read. Rebuild the index: vraagbaak index --rebuild",
                   "De index kan niet gelezen worden en moet opnieuw gebouwd worden."),
}
"""What a visitor is told when there is no usable index, for the API and for the pages: never the
library's message, which names the index's folder on the server (that goes to the server log)."""
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Malformed query"},
    404: {"model": ErrorBody, "description": "No document with this id"},
    422: {"model": ErrorBody, "description": "Bad parameters"},
    503: {"model": ErrorBody, "description": "The index is missing or must be rebuilt"},
}


@dataclass(frozen=True)
class SearchParams:
    """The parameters of a search, as in `vraagbaak search` (URL names: thema, van, from, to)."""

    q: str = ""
    page: int = 1
    limit: int = 10
    theme: str | None = None
    minister: str | None = None
    questioner: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    answered: bool | None = None
    sort: SortOrder = "relevance"
    facets: bool = False
    group: bool = True

    def timeline(self, searcher: Searcher, by: Period | None = None, top: int = TOP_PEOPLE) -> Timeline:
        return timeline_of(
            searcher, self.q, by=by, group=self.group, top=top, theme=self.theme, minister=self.minister,
            questioner=self.questioner, date_from=self.date_from, date_to=self.date_to, answered=self.answered,
        )

    def run(self, searcher: Searcher) -> Results:
        return searcher.search(
            self.q, limit=self.limit, page=self.page, sort=self.sort, facets=self.facets, group=self.group,
            theme=self.theme, minister=self.minister, questioner=self.questioner,
            date_from=self.date_from, date_to=self.date_to, answered=self.answered,
        )


def search_params(
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS, description="The query, in Vraagbaak's query syntax.")] = "",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Hits per page.")] = 10,
    thema: Annotated[str | None, Query(max_length=200, description="Only this theme.")] = None,
    minister: Annotated[str | None, Query(max_length=200, description="Only questions to this minister or office.")] = None,
    van: Annotated[str | None, Query(max_length=200, description="Only questions by this member.")] = None,
    date_from: Annotated[str | None, Query(alias="from", pattern=DATE_PATTERN, description="2024, 2024-04 or 2024-04-26.")] = None,
    date_to: Annotated[str | None, Query(alias="to", pattern=DATE_PATTERN, description="Up to this date, inclusive.")] = None,
    answered: Annotated[bool | None, Query(description="Only answered (true) or unanswered (false) questions.")] = None,
    sort: Annotated[SortOrder, Query(description="relevance, date (oldest first) or -date (newest first).")] = "relevance",
    facets: Annotated[bool, Query(description="Count all matches per theme, minister, questioner and year.")] = False,
    group: Annotated[bool, Query(description="One hit for a question sent to several ministers.")] = True,
) -> SearchParams:
    for name, value in (("from", date_from), ("to", date_to)):
        try:  # the right shape can still be no date (2024-13): that is a bad parameter too
            Filters(date_from=value).queries()
        except QuerySyntaxError as err:
            # Not the library's message, which names the command's option (--from).
            message = f"'{value}' is not a date; use 2024, 2024-04 or 2024-04-26"
            raise RequestValidationError([{"loc": ("query", name), "msg": message, "type": "value_error"}]) from err
    return SearchParams(q, page, limit, thema, minister, van, date_from, date_to, answered, sort, facets, group)


class SharedSearcher:
    """The process's one `Searcher`: opened on first use, refreshed at most every `refresh_seconds`.

    Whoosh searchers are not thread-safe and the routes run in a thread pool, so every use holds a
    lock. Searching is pure Python, so threads could not run searches in parallel anyway, and one
    searcher per request, which reopens the index each time, measured slower (benchmarks/README.md).
    """

    def __init__(self, index_dir: str | os.PathLike[str], refresh_seconds: float) -> None:
        self.index_dir = index_dir
        self.refresh_seconds = refresh_seconds
        self._lock = threading.Lock()
        self._searcher: Searcher | None = None
        self._checked = 0.0

    @contextlib.contextmanager
    def use(self) -> Iterator[Searcher]:
        """The searcher, up to date, for exclusive use; raises IndexProblem when there is no usable index."""
        with self._lock:
            now = time.monotonic()
            if self._searcher is None:
                self._searcher = Searcher(self.index_dir)
                self._checked = now
            elif now - self._checked >= self.refresh_seconds:
                try:
                    self._searcher.refresh()
                except IndexProblem:
                    # Removed, or rebuilt by another version: answer 503 until a usable index is back.
                    self._close()
                    raise
                self._checked = now
            yield self._searcher

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None


class HeadAsGet:
    """Answers HEAD as the GET of the same URL, without the body: monitors and link checkers use HEAD."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body"):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


def active_filters(params: SearchParams) -> list[tuple[str, str, str]]:
    """(URL parameter, label, value) of each filter in use, in the order of the sidebar."""
    answered = None if params.answered is None else "ja" if params.answered else "nee"
    shown = [("thema", "Thema", params.theme), ("minister", "Minister", params.minister),
             ("van", "Vraagsteller", params.questioner), ("from", "Vanaf", params.date_from),
             ("to", "Tot en met", params.date_to), ("answered", "Beantwoord", answered)]
    return [(name, label, value) for name, label, value in shown if value]


def create_app(index_dir: str | os.PathLike[str], *, refresh_seconds: float = REFRESH_SECONDS) -> FastAPI:
    """The web application serving the index in `index_dir`.

    The index is opened on the first request (so the server starts before the index is built) and
    a re-indexed index is picked up within `refresh_seconds`, without a restart.
    """
    shared = SharedSearcher(index_dir, refresh_seconds)
    pages = templates()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        shared.close()

    # No /docs or /redoc: they load their scripts from a CDN. /openapi.json describes the API.
    app = FastAPI(title="Vraagbaak", summary="Full-text search in Dutch parliamentary written questions.",
                  version="1", docs_url=None, redoc_url=None, lifespan=lifespan)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_middleware(HeadAsGet)

    def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        params = dict(request.query_params)
        form = {name: value for name, value in params.items() if name in FORM_PARAMS and value}
        html = pages.get_template(template).render(params=params, form=form, **context)
        return HTMLResponse(html, status_code=status_code)

    def is_api(request: Request) -> bool:
        return request.url.path.startswith("/api/") or request.url.path == "/healthz"

    def error(request: Request, status_code: int, message: str) -> Response:
        if is_api(request):
            return JSONResponse({"error": message}, status_code=status_code)
        return page(request, "error.html", status_code, status=status_code, message=message)

    def library_error(status_code: int) -> Callable[[Request, Exception], Awaitable[Response]]:
        async def handle(request: Request, exc: Exception) -> Response:
            return error(request, status_code, str(exc))
        return handle

    for error_type, status_code in ERROR_STATUS.items():
        app.add_exception_handler(error_type, library_error(status_code))

    @app.exception_handler(IndexProblem)
    async def no_usable_index(request: Request, exc: IndexProblem) -> Response:
        logger.warning("%s", exc)
        english, dutch = next(messages for kind, messages in INDEX_MESSAGES.items() if isinstance(exc, kind))
        return error(request, 503, english if is_api(request) else dutch)

    @app.exception_handler(RequestValidationError)
    async def bad_parameters(request: Request, exc: RequestValidationError) -> Response:
        message = "; ".join(f"{err['loc'][-1]}: {err['msg']}" for err in exc.errors())
        return error(request, 422, message)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        # A bug, not a user error: still an answer in the API's shape, never a bare traceback.
        return error(request, 500, "Internal error: the request failed; the server log has the details.")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return error(request, exc.status_code, str(exc.detail))

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.get("/healthz", responses={503: ERROR_RESPONSES[503]})
    def healthz() -> JSONResponse:
        """The server is up and its index can be searched."""
        with shared.use() as searcher:
            return JSONResponse({"status": "ok", "documents": searcher.document_count})

    @app.get("/api/search", responses=ERROR_RESPONSES)
    def api_search(params: Annotated[SearchParams, Depends(search_params)]) -> JSONResponse:
        """Search: one page of hits, as `vraagbaak search --json` prints it (see the README's JSON contract)."""
        with shared.use() as searcher:
            results = params.run(searcher)
        return JSONResponse(results.to_dict())

    # Before /api/documents/{id}: a document id may itself contain slashes.
    @app.get("/api/documents/{doc_id:path}/similar", responses=ERROR_RESPONSES)
    def api_similar(doc_id: str, limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 10) -> JSONResponse:
        """The documents most like this one, each with its `shared_terms`, as `vraagbaak similar --json`."""
        with shared.use() as searcher:
            results = searcher.similar(doc_id, limit=limit)
        return JSONResponse(results.to_dict())

    @app.get("/api/documents/{doc_id:path}", responses=ERROR_RESPONSES)
    def api_document(doc_id: str) -> JSONResponse:
        """One whole document with its question/answer pairs, as `vraagbaak show --json`."""
        with shared.use() as searcher:
            document = searcher.document(doc_id)
        return JSONResponse(document_to_dict(document))

    @app.get("/api/stats", responses={503: ERROR_RESPONSES[503]})
    def api_stats() -> JSONResponse:
        """What the index holds, as `vraagbaak stats --json`."""
        with shared.use() as searcher:
            stats = searcher.stats()
        return JSONResponse(stats.to_dict())

    @app.get("/api/timeline", responses=ERROR_RESPONSES)
    def api_timeline(
        params: Annotated[SearchParams, Depends(search_params)],
        by: Annotated[Period | None, Query(description="month, quarter or year (default: chosen by the span).")] = None,
        top: Annotated[int, Query(ge=0, le=MAX_LIMIT, description="Questioners and ministers named per period.")] = TOP_PEOPLE,
    ) -> JSONResponse:
        """Matches per period with the top questioners and ministers, as `vraagbaak timeline --json`."""
        with shared.use() as searcher:
            found = params.timeline(searcher, by, top)
        return JSONResponse(found.to_dict())

    @app.get("/api/export", responses=ERROR_RESPONSES, response_class=StreamingResponse)
    def api_export(
        params: Annotated[SearchParams, Depends(search_params)],
        export_format: Annotated[ExportFormat, Query(alias="format", description="csv, markdown or jsonl.")] = "csv",
    ) -> StreamingResponse:
        """Every match of the search (all pages: `page` and `limit` do not apply), one row per hit, as a download."""
        # A searcher of its own: a long export must not hold the shared one (and its lock) from other requests.
        searcher = Searcher(index_dir, preload=False)
        try:
            rows = export_rows(
                searcher, params.q, sort=params.sort, group=params.group, theme=params.theme, minister=params.minister,
                questioner=params.questioner, date_from=params.date_from, date_to=params.date_to,
                answered=params.answered,
            )
        except BaseException:
            searcher.close()
            raise

        def lines() -> Iterator[str]:
            try:
                yield from export_lines(rows, export_format)
            finally:
                searcher.close()

        disposition = f'attachment; filename="vraagbaak.{EXTENSIONS[export_format]}"'
        return StreamingResponse(lines(), media_type=MEDIA_TYPES[export_format],
                                 headers={"Content-Disposition": disposition})

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, params: Annotated[SearchParams, Depends(search_params)]) -> HTMLResponse:
        filters = active_filters(params)
        if not params.q.strip() and not filters:
            # Nothing asked yet (the library needs a query or a filter): offer themes and years to browse.
            with shared.use() as searcher:
                stats = searcher.stats()
            return page(request, "home.html", stats=stats)
        with shared.use() as searcher:
            results = dataclasses.replace(params, facets=True).run(searcher)
            chart = params.timeline(searcher)
        return page(request, "search.html", results=results, search=params, filters=filters, timeline=chart)

    @app.get("/pdf/{doc_id:path}", response_class=FileResponse, include_in_schema=False)
    def document_pdf(doc_id: str) -> FileResponse:
        # The path comes from the index's own table of files, never from the URL.
        with shared.use() as searcher:
            path = searcher.pdf_file(doc_id)
        return FileResponse(path, media_type="application/pdf")

    @app.get("/documents/{doc_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(request: Request, doc_id: str) -> HTMLResponse:
        with shared.use() as searcher:
            document = searcher.document(doc_id)
            similar = searcher.similar(doc_id, limit=SIMILAR_ON_PAGE)
        pairs = pair_parts(document.question, document.answer)
        return page(request, "document.html", document=document, pairs=pairs,
                    intro=question_intro(document.question, pairs), similar=similar)

    return app
