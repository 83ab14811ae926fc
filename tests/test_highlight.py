"""Highlighting: the words a passage marks are exactly those the index-time analysis matches."""

from __future__ import annotations

import unicodedata

import pytest

from indexer.analysis import words
from indexer.wordterms import word_terms
from indexer.errors import QuerySyntaxError
from indexer.sources import discover, read_source
from search.highlight import _sentences, match_spans
from search.query import parse_query

from .conftest import FIXTURE_SEEDS, FIXTURES


def full_analysis_spans(text: str, terms: set[str]) -> list[tuple[int, int]]:
    """What marks when every word of the text goes through the whole analysis chain."""
    return merge([(start, end) for start, end, analysed in analysed_words(text) if terms & analysed])


def analysed_words(text: str) -> list[tuple[int, int, set[str]]]:
    return [(start, end, set(word_terms(word, whole))) for word, _, start, end, whole in words(text)]


def merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@pytest.fixture(scope="module")
def fixture_texts() -> list[str]:
    documents = [doc for source in discover([FIXTURE_SEEDS, FIXTURES / "records.jsonl"])[0]
                 for doc in read_source(source)[0]]
    return [text for doc in documents for text in (doc.title, doc.question, doc.answer) if text]


def marked(text: str, query: str) -> list[str]:
    return [text[start:end] for start, end in match_spans(text, parse_query(query).highlight["question"])]


def test_marks_equal_the_full_analysis_for_every_word_of_the_fixtures(fixture_texts: list[str]):
    # Every word of the fixtures in a query (four at a time, as the marks of a query are those of
    # its words together), some as phrases (exact forms, stop words too), plus compounds, their
    # parts, plurals and diacritics.
    vocabulary = sorted({word for text in fixture_texts for word, *_ in words(text)})
    queries = [" ".join(vocabulary[i:i + 4]) for i in range(0, len(vocabulary), 4)]
    queries += [f'"{word}"' for word in vocabulary[::7]] + [
        "kinderopvang", "opvang kinderen", "onderwijstop", "onderwijs", "leerkracht", "leerkrachten",
        "ideeën", "ideeen", "kopieren", "fietsenstalling", "Nederlands-Vlaamse", "nederlandsvlaamse",
        "gelegenheden", "bedrijven", "reizen", "steden", "kinderen", "700.000", "covid-19",
    ]
    analysed = [(text, analysed_words(text)) for text in fixture_texts]
    differences = []
    for query in queries:
        try:
            terms = parse_query(query).highlight.get("question", set())
        except QuerySyntaxError:  # a stop word alone: nothing to search, nothing to mark
            continue
        for text, text_words in analysed:
            expected = merge([(start, end) for start, end, word_terms_ in text_words if terms & word_terms_])
            if match_spans(text, terms) != expected:
                differences.append((query, text[:60]))
    assert differences == []


def test_plural_and_singular_mark_each_other():
    assert marked("De leerkrachten en één leerkracht.", "leerkracht") == ["leerkrachten", "leerkracht"]
    assert marked("De leerkrachten en één leerkracht.", "leerkrachten") == ["leerkrachten", "leerkracht"]


def test_diacritics_mark_both_ways():
    assert marked("Nieuwe ideeën, oude ideeen.", "ideeen") == ["ideeën", "ideeen"]
    assert marked("Nieuwe ideeën, oude IDEEEN.", "ideeën") == ["ideeën", "IDEEEN"]


def test_a_compound_is_marked_for_its_part():
    assert marked("De kinderopvang en de onderwijstop.", "opvang") == ["kinderopvang"]
    assert marked("De kinderopvang en de onderwijstop.", "onderwijs") == ["onderwijstop"]


def test_a_hyphenated_word_is_marked_for_its_joined_form():
    assert marked("De Nederlands-Vlaamse samenwerking.", "nederlandsvlaamse") == ["Nederlands-Vlaamse"]
    # Hyphens before, between and after: each joined form is found where the hyphens are.
    text = "Een Frans-Duits-Nederlandse en -Vlaamse of Nederlands-Vlaamse-Waalse samenwerking."
    assert marked(text, "fransduitsnederlandse nederlandsvlaamsewaalse samenwerking") == [
        "Frans-Duits-Nederlandse", "Nederlands-Vlaamse-Waalse", "samenwerking"]
    assert marked(text, "vlaamse") == ["Vlaamse", "Vlaamse"]
    # A word with a digit keeps its hyphen when joined: its terms hold one ("f-16", "=covid-19").
    for text, terms in (("De F-16 vliegt", {"f-16"}), ("De F-16 vliegt", {"=f-16"}), ("covid-19 en zo", {"covid-19"})):
        assert match_spans(text, terms) == full_analysis_spans(text, terms) != []
    for query in ("fransduitsnederlandse nederlandsvlaamsewaalse", "vlaamse duits"):
        terms = parse_query(query).highlight["question"]
        assert match_spans(text, terms) == full_analysis_spans(text, terms)


def test_text_with_characters_that_fold_to_several_still_marks():
    # "ß" folds to "ss" and a decomposed accent to nothing, so this text is read word by word.
    text = "Die Straße, " + unicodedata.normalize("NFD", "ideeën") + " en nieuwe ideeën van IDEEEN."
    terms = parse_query("ideeen").highlight["question"]
    assert [text[start:end] for start, end in match_spans(text, terms)] == ["ideeën", "IDEEEN"]
    assert match_spans(text, terms) == full_analysis_spans(text, terms)


@pytest.mark.parametrize("text, sentences", [
    ("Dat moet verbeteren. Het kan.", ["Dat moet verbeteren.", "Het kan."]),
    ("Dat moet verbeteren.Het kan", ["Dat moet verbeteren.Het kan"]),  # glued: one sentence
    ("Het kost 700.000 euro; de helft nu?  Ja!", ["Het kost 700.000 euro;", "de helft nu?", "Ja!"]),
    ("Vraag 1\n\n  Antwoord.\n", ["Vraag 1", "  Antwoord."]),  # a line break ends a sentence too
])
def test_sentences_end_at_punctuation_before_whitespace_or_at_a_line_break(text: str, sentences: list[str]):
    assert [text[start:end] for start, end in _sentences(text)] == sentences
    # Asked to stop at an offset, it still gives every sentence up to the one holding it.
    assert [text[start:end] for start, end in _sentences(text, 0)] == sentences[:1]
