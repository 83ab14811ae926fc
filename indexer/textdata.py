"""Shared by the analysis modules: diacritic folding and the word lists in `indexer/data/`."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

_FOLD_EXTRA = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "đ": "d", "’": "'"})


@lru_cache(maxsize=100_000)
def fold(text: str) -> str:
    """Text without diacritics: "ideeën" → "ideeen", "coöperatie" → "cooperatie"."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_EXTRA))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# A plain folder beside this module (setuptools installs the package unzipped): reading it directly
# spares every command importlib.resources and zipfile, ~5 ms of each start.
DATA_DIR = Path(__file__).with_name("data")


def data_bytes(name: str) -> bytes:
    return (DATA_DIR / name).read_bytes()


def read_data(name: str) -> list[str]:
    """The entries of a word-list file in `indexer/data/`: one a line, `#` starts a comment."""
    lines = (line.split("#", 1)[0].strip() for line in data_bytes(name).decode("utf-8").splitlines())
    return [line for line in lines if line]
