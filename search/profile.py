"""Profiles: what a member asks about, or what a minister is asked about, and their most distinctive words.

The questions are the searcher's set of matches for the filters (`Searcher._matching`); themes,
years and people are counted from it as the facets are (`Columns.facets`, in the results'
unit). Distinctive words compare the question texts of these documents with those of every other
live document in the index. A word is the forms of one stem written in these texts ("politiezone",
"politiezones"), counted, here and elsewhere alike, from the postings of their exact forms in the
question field (`QueryScorer.docs`): documents (a copy of a question sent to several ministers
included) that have one of the forms as a whole word. Not the stem's own postings, which also hold
every compound the stem is a part of: "bank" would count each "rechtbank". Forms written only
elsewhere are not counted there, which leaves out rare variants. Words are ranked by Dunning's
log-likelihood ratio (G²), the usual keyness measure, among those more frequent here than
elsewhere.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from whoosh import query as wq

from indexer.analysis import EXACT_PREFIX, STOP_WORDS, stem
from indexer.textdata import fold

from .filters import Filters
from .scoring import QueryScorer
from .options import TOP_WORDS
from .searcher import Searcher

MIN_DOCUMENTS = 2
MIN_SHARE = 0.02
"""A word must occur in at least MIN_DOCUMENTS and this share of the profile's documents to be
distinctive: rarer words say little about hundreds of questions, and each costs a look-up."""
MIN_LETTERS = 3
WORD_RE = re.compile(r"[^\W\d_]+")
"""A word: a run of letters. Cut at every other character, as the index also finds the parts of
"Nederlands-Vlaamse" and of sentences glued together ("verstoord.Pas")."""


@dataclass(frozen=True)
class DistinctiveWord:
    """A word far more frequent in the profile's questions than in the others'."""

    word: str
    """The form most often written, lower-case ("politiezones")."""
    term: str
    """Its stem, as the index keeps it."""
    documents: int
    """How many of the profile's documents have it."""
    share: float
    """`documents` as a share of the profile's documents."""
    others_share: float
    """The share of every other document in the index that has it."""
    score: float
    """The log-likelihood ratio (G²): how surprising the difference of the shares is."""

    def to_dict(self) -> dict[str, Any]:
        return {"word": self.word, "term": self.term, "documents": self.documents, "share": round(self.share, 4),
                "others_share": round(self.others_share, 4), "score": round(self.score, 2)}


@dataclass(frozen=True)
class Profile:
    """What the questions by `questioner` and/or to `minister` are about."""

    questioner: str | None
    minister: str | None
    total: int
    """Questions (every copy, when not grouped)."""
    answered: int
    documents: int
    """Documents among the matches: a question sent to several ministers is one per minister."""
    themes: dict[str, int]
    years: dict[str, int]
    ministers: dict[str, int]
    questioners: dict[str, int]
    words: tuple[DistinctiveWord, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of `vraagbaak profile --json`."""
        return {"questioner": self.questioner, "minister": self.minister, "total": self.total,
                "answered": self.answered, "documents": self.documents, "themes": self.themes, "years": self.years,
                "ministers": self.ministers, "questioners": self.questioners,
                "words": [word.to_dict() for word in self.words]}


def profile_of(
    searcher: Searcher,
    *,
    questioner: str | None = None,
    minister: str | None = None,
    date_from: str | dt.date | None = None,
    date_to: str | dt.date | None = None,
    group: bool = True,
    words: int = TOP_WORDS,
) -> Profile:
    """The profile of the questions by `questioner` and/or to `minister` (matched as the search
    filters match them), within `date_from`..`date_to`: counts per theme, year, minister and
    questioner, and the `words` most distinctive words. Raises ValueError without a questioner or
    minister, or for `words` < 0; QuerySyntaxError for a malformed date."""
    if not (questioner or minister):
        raise ValueError("a profile needs a questioner or a minister")
    if words < 0:
        raise ValueError(f"words must be 0 or more, not {words}")
    _, scorer, matches = searcher._matching("", Filters(None, minister, questioner, date_from, date_to))
    _, _, answered = searcher._matching("", Filters(None, minister, questioner, date_from, date_to, True))
    facets = searcher._columns.facets(matches, group)
    count = searcher._columns.distinct_questions if group else len
    return Profile(
        questioner=questioner, minister=minister, total=count(matches), answered=count(answered),
        documents=len(matches), themes=facets["theme"], years=facets["year"], ministers=facets["minister"],
        questioners=facets["questioner"], words=tuple(_distinctive(searcher, scorer, matches, words)) if words else (),
    )


def _distinctive(searcher: Searcher, scorer: QueryScorer, matches: set[int], top: int) -> list[DistinctiveWord]:
    stems: Counter[str] = Counter()  # stem → documents written in
    written: Counter[tuple[str, str]] = Counter()  # (stem, word as written) → documents
    terms: dict[str, str | None] = {}  # word as written → its stem, None when it is no word to count
    for docnum in sorted(matches):  # in index order: the stored fields are read front to back
        found = set()
        for word in set(WORD_RE.findall(searcher._searcher.stored_fields(docnum).get("question", ""))):
            if word not in terms:
                terms[word] = _term(word)
            term = terms[word]
            if term is not None:
                found.add(term)
                written[term, word] += 1
        stems.update(found)
    mine, others = len(matches), max(searcher.document_count - len(matches), 1)
    least = max(MIN_DOCUMENTS, MIN_SHARE * mine)
    forms: dict[str, Counter[str]] = {}  # stem → its forms, lower-case, by documents (about: a
    for (term, word), count in written.items():  # document with "Politie" and "politie" counts twice)
        if stems[term] >= least:
            forms.setdefault(term, Counter())[word.lower()] += count
    # A stem's forms written in fewer documents are left out on both sides: each costs a look-up.
    # The queries are kept alive while the scorer is used: it remembers their matches by id().
    queries = {term: wq.Or([wq.Term("question", EXACT_PREFIX + fold(form))
                            for form, count in forms[term].items() if count >= least])
               for term in forms}
    ranked = []
    for term, query in queries.items():
        having = scorer.docs(query)
        here = len(having & matches)
        elsewhere = len(having) - here
        if here / mine <= elsewhere / others:
            continue
        score = _log_likelihood(here, mine - here, elsewhere, others - elsewhere)
        ranked.append(DistinctiveWord(forms[term].most_common(1)[0][0], term, here, here / mine, elsewhere / others, score))
    ranked.sort(key=lambda word: (-word.score, word.term))
    return ranked[:top]


def _term(word: str) -> str | None:
    """The stem a word counts as, or None for a stop word or a short one. Whole words: a compound's
    parts would repeat it."""
    lower = word.lower()
    if len(lower) < MIN_LETTERS or lower in STOP_WORDS:
        return None
    return stem(fold(lower))


def _log_likelihood(with_here: int, without_here: int, with_elsewhere: int, without_elsewhere: int) -> float:
    """Dunning's G² of a 2×2 table: documents with and without a word, here and elsewhere."""
    cells = (with_here, without_here, with_elsewhere, without_elsewhere)
    total = sum(cells)
    rows = (with_here + without_here, with_elsewhere + without_elsewhere)
    columns = (with_here + with_elsewhere, without_here + without_elsewhere)
    expected = (rows[0] * columns[0], rows[0] * columns[1], rows[1] * columns[0], rows[1] * columns[1])
    return 2 * sum(cell * math.log(cell * total / product) for cell, product in zip(cells, expected) if cell)
