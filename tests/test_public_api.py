"""The packages' public surfaces: explicit, sorted, and every name importable."""

from __future__ import annotations

import importlib

import pytest


@pytest.mark.parametrize("package", ["indexer", "search"])
def test_all_is_sorted_and_every_name_resolves(package: str):
    module = importlib.import_module(package)
    assert module.__all__ == sorted(module.__all__)
    for name in module.__all__:
        assert getattr(module, name) is not None, name


def test_search_lists_every_lazily_imported_name():
    import search

    assert set(search.__all__) == set(search._PUBLIC)


def test_indexer_lists_every_lazily_imported_name():
    import indexer

    assert set(indexer.__all__) == set(indexer._PUBLIC)


def test_every_error_derives_from_vraagbaak_error():
    import indexer

    for name in indexer.__all__:
        value = getattr(indexer, name)
        if isinstance(value, type) and issubclass(value, Exception):
            assert issubclass(value, indexer.VraagbaakError), name


def test_searching_does_not_import_the_build_modules():
    import subprocess
    import sys

    modules = ("indexer.build", "indexer.sourcepass", "indexer.sources", "indexer.parse")
    code = f"import sys, search.cli; print([m for m in {modules!r} if m in sys.modules])"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "[]"


def test_searching_needs_neither_the_web_extra_nor_whoosh_query_parser():
    import subprocess
    import sys

    # The web extra is optional, and `vraagbaak search` parses queries itself.
    unwanted = ("fastapi", "starlette", "jinja2", "uvicorn", "whoosh.qparser", "search.web")
    code = f"import sys, search.cli; print([m for m in {unwanted!r} if m in sys.modules])"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "[]"


def test_the_command_line_loads_only_what_a_command_needs():
    import subprocess
    import sys

    # `vraagbaak --help` and `vraagbaak index` never query, rank or highlight; `--help` needs
    # neither Whoosh nor the analysis chain.
    searching = ("search.query", "search.searcher", "search.highlight", "search.scoring", "search.present",
                 "whoosh", "indexer.analysis", "indexer.store")
    code = f"import sys, search.cli; print([m for m in {searching!r} if m in sys.modules])"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "[]"
