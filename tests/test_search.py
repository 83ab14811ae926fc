"""End to end: index the fixture corpus, search it, check ranking, filters, highlighting and the API."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from indexer import build_index
from search import DocumentNotFound, IndexNotFound, IndexOutdated, IndexProblem, QuerySyntaxError, Searcher

from .conftest import FIXTURE_SEEDS, FLEMISH_SEED

FLEMISH_ID = "vlaams/000_e61c5a0f903231aa"


def ids(results) -> list[str]:
    return [hit.id for hit in results.hits]


def marked(passage) -> list[str]:
    return [passage.text[start:end] for start, end in passage.highlights]


def test_flemish_question_ranks_first_for_the_flagship_query(searcher: Searcher):
    results = searcher.search("leerkrachten digitale competenties")
    assert results.hits[0].id == FLEMISH_ID
    hit = results.hits[0]
    assert (hit.number, hit.date, hit.questioner, hit.minister, hit.theme) == (
        "385", dt.date(2024, 4, 26), "Karolien Grosemans", "Ben Weyts", "Onderwijs en Vorming",
    )
    assert 1 <= len(hit.passages) <= 3
    words = {word.lower() for passage in hit.passages for word in marked(passage)}
    assert {"digitale", "competenties", "leerkrachten"} <= words


def test_documents_with_all_words_rank_above_those_with_some(searcher: Searcher):
    results = searcher.search("fietsen ongevallen", limit=50)
    with_both = [h.id for h in results.hits if h.score >= 10_000]
    assert with_both and ids(results)[: len(with_both)] == with_both
    assert results.total > len(with_both)  # documents with one of the words are still found


def test_a_word_no_document_uses_does_not_empty_the_results(searcher: Searcher):
    assert searcher.search("fietsen xylofoonbouwer").total == searcher.search("fietsen").total


def test_required_and_excluded_words(searcher: Searcher):
    both = set(ids(searcher.search("+fietsen +ongevallen", limit=50)))
    assert both == set(ids(searcher.search("fietsen AND ongevallen", limit=50)))
    without = set(ids(searcher.search("fietsen -ongevallen", limit=50)))
    assert without == set(ids(searcher.search("fietsen NOT ongevallen", limit=50)))
    assert both.isdisjoint(without)
    assert both | without == set(ids(searcher.search("fietsen", limit=50)))


def test_or_and_grouping(searcher: Searcher):
    either = set(ids(searcher.search("kopieren OR fietsen", limit=50)))
    assert either == set(ids(searcher.search("kopieren", limit=50))) | set(ids(searcher.search("fietsen", limit=50)))
    grouped = ids(searcher.search("(kopieren OR fietsen) +namaak", limit=50))
    assert grouped == ["kamer/kamer-2017-187703"]


def test_phrase_matches_exact_words_in_order(searcher: Searcher):
    assert ids(searcher.search('"digitale competenties"'))[0] == FLEMISH_ID
    assert searcher.search('"competenties digitale"').total == 0
    # The stem matches "leerkrachten" too; the quoted exact word does not.
    assert FLEMISH_ID in ids(searcher.search("leerkracht"))
    assert FLEMISH_ID not in ids(searcher.search('"leerkracht"'))


def test_phrase_keeps_stop_words(searcher: Searcher):
    assert ids(searcher.search('"Ministerie van Onderwijs"')) == [FLEMISH_ID]
    assert searcher.search('"Ministerie Onderwijs"').total == 0


def test_inflection_and_diacritics_match_both_ways(searcher: Searcher):
    assert FLEMISH_ID in ids(searcher.search("leerkracht"))
    assert set(ids(searcher.search("kopieren"))) == set(ids(searcher.search("kopiëren")))
    assert FLEMISH_ID in ids(searcher.search("kopieren"))


def test_hyphenated_words_match_whole_and_parts(searcher: Searcher):
    assert ids(searcher.search("Nederlands-Vlaamse")) == [FLEMISH_ID]
    assert FLEMISH_ID in ids(searcher.search("nederlandsvlaamse"))


def test_numbers_as_written(searcher: Searcher):
    found = ids(searcher.search('"700.000 euro"', limit=20))
    assert FLEMISH_ID in found
    assert "kamer/kamer-2017-188608" in found


def test_glued_word_is_found(searcher: Searcher):
    # "verstoord.Pas" in the source: the last word of the sentence is findable.
    assert "kamer/kamer-2017-184501" in ids(searcher.search("verstoord"))


def test_field_filters(searcher: Searcher):
    assert ids(searcher.search("minister:weyts")) == [FLEMISH_ID]
    assert ids(searcher.search("van:grosemans", limit=20)) == ids(searcher.search("van:Grosemans", limit=20))
    assert set(ids(searcher.search("van:grosemans", limit=20))) == {FLEMISH_ID, "kamer-2017-192262"}
    assert ids(searcher.search("nr:385")) == [FLEMISH_ID]
    assert ids(searcher.search('thema:"onderwijs en vorming"')) == [FLEMISH_ID]
    transport = searcher.search("thema:vervoerbeleid", limit=50)
    assert transport.total == 7 and {h.theme for h in transport.hits} == {"Vervoerbeleid"}
    justice = searcher.search("minister:justitie", limit=50)
    assert justice.total > 0 and all("Justitie" in h.minister for h in justice.hits)


def test_filter_only_query_lists_newest_first(searcher: Searcher):
    hits = searcher.search("minister:mobiliteit", limit=50).hits
    dates = [h.date for h in hits]
    assert len(set(dates)) > 1
    assert dates == sorted(dates, reverse=True)
    assert all(h.score == 0.0 for h in hits)


def test_filter_narrows_a_word_query(searcher: Searcher):
    all_hits = searcher.search("trein", limit=50)
    narrowed = searcher.search("trein datum:2017-05..", limit=50)
    assert 0 < narrowed.total < all_hits.total
    assert all(h.date >= dt.date(2017, 5, 1) for h in narrowed.hits)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("datum:2024", {FLEMISH_ID}),
        ("datum:2024-04", {FLEMISH_ID}),
        ("datum:2024-04-26", {FLEMISH_ID}),
        ("datum:2024-04-27..", set()),
        ("datum:2020..", {FLEMISH_ID}),
        ("datum:>=2024-04-26", {FLEMISH_ID}),
        ("datum:>2024-04-26", set()),
    ],
)
def test_date_filters(searcher: Searcher, query: str, expected: set[str]):
    assert set(ids(searcher.search(query, limit=50))) == expected


def test_date_range_covers_whole_months(searcher: Searcher):
    results = searcher.search("datum:2017-01..2017-02", limit=100)
    assert results.total > 0
    assert all(dt.date(2017, 1, 1) <= h.date <= dt.date(2017, 2, 28) for h in results.hits)


def test_section_scoping(searcher: Searcher):
    in_answer = ids(searcher.search('antwoord:"digitale competenties"'))
    assert FLEMISH_ID in in_answer
    assert FLEMISH_ID not in ids(searcher.search('vraag:"digitale competenties"'))
    assert FLEMISH_ID in ids(searcher.search("titel:onderwijstop"))
    hit = searcher.search("vraag:leerkrachten").hits[0]
    assert {p.section for p in hit.passages} == {"question"}


def test_highlighting_is_stem_and_diacritic_aware(searcher: Searcher):
    hit = searcher.search("leerkracht").hits[0]
    assert any("leerkrachten" in marked(p) for p in hit.passages)
    hit = searcher.search("kopieren").hits[0]
    assert hit.id == FLEMISH_ID
    assert any("kopiëren" in marked(p) for p in hit.passages)


def test_highlight_offsets_point_at_matched_words(searcher: Searcher):
    hits = searcher.search("treinen vertraging", limit=10).hits
    assert hits and all(p.highlights for hit in hits for p in hit.passages)
    for hit in hits:
        for passage in hit.passages:
            for start, end in passage.highlights:
                word = passage.text[start:end].lower()
                assert word.startswith(("trein", "vertraging")), word


def test_excluded_words_are_not_highlighted(searcher: Searcher):
    # Excluded from the title only, so the word is still in the passages shown.
    passages = [p for hit in searcher.search("trein -titel:vertraging", limit=10).hits for p in hit.passages]
    assert any("vertraging" in p.text for p in passages)
    assert [w for p in passages for w in marked(p) if w.lower().startswith("vertraging")] == []
    assert any(w.lower().startswith("trein") for p in passages for w in marked(p))


def test_hit_without_text_match_shows_the_question_opening(searcher: Searcher):
    hit = searcher.search("nr:385").hits[0]
    assert hit.passages[0].section == "question"
    assert hit.passages[0].text.startswith("Op maandag 23 januari 2024")
    assert hit.passages[0].highlights == ()


def test_paging(searcher: Searcher):
    everything = ids(searcher.search("trein", limit=50))
    assert len(everything) > 4
    first = searcher.search("trein", limit=2, page=1)
    second = searcher.search("trein", limit=2, page=2)
    assert ids(first) + ids(second) == everything[:4]
    assert first.total == len(everything)
    assert searcher.search("trein", limit=2, page=999).hits == ()


def test_json_contract(searcher: Searcher):
    data = json.loads(json.dumps(searcher.search("leerkrachten digitale competenties", limit=3).to_dict()))
    assert set(data) >= {"query", "total", "hits", "suggestion"}
    assert data["suggestion"] is None
    assert data["query"] == "leerkrachten digitale competenties"
    hit = data["hits"][0]
    assert list(hit) == [
        "id", "score", "title", "number", "date", "questioner", "minister", "theme", "source", "passages",
        "also_asked_to",
    ]
    assert hit["date"] == "2024-04-26"
    for passage in hit["passages"]:
        assert list(passage) == ["section", "text", "highlights"] + (["subquestion"] if passage["section"] == "answer" else [])
        assert passage["section"] in ("title", "question", "answer")
        for start, end in passage["highlights"]:
            assert 0 <= start < end <= len(passage["text"])

def test_json_gives_absent_values_as_null(searcher: Searcher):
    data = json.loads(json.dumps(searcher.search("vertraging", limit=10).to_dict()))
    [hit] = [h for h in data["hits"] if h["id"] == "kamer/kamer-2017-184523"]
    assert (hit["theme"], hit["number"]) == (None, "184523")


@pytest.mark.parametrize(
    "query, message",
    [
        ('"digitale competenties', "Missing closing quote"),
        ("(trein", "Missing ')'"),
        ("trein)", "Unmatched ')'"),
        ("trein AND", "'AND' at the end"),
        ("OR trein", "'OR' needs a word on both sides"),
        ("NOT", "'NOT' at the end"),
        ("foo:bar", "Unknown field 'foo:'"),
        ("datum:2024-13", "Cannot read the date"),
        ("datum:2024..2023", "ends before it starts"),
        ("thema:(a OR b)", "groups are not supported"),
        ("de het", "only stop words"),
        ("   ", "empty"),
        ("trein*", "Wildcards are not supported: 'trein*'"),
        ("a () b", "Empty brackets '()'"),
    ],
)
def test_malformed_queries_raise_one_line_errors_in_strict_mode(searcher: Searcher, query: str, message: str):
    with pytest.raises(QuerySyntaxError, match=message.replace("(", r"\(").replace(")", r"\)").replace("*", r"\*")) as info:
        searcher.search(query, strict=True)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "query, same_as, notice",
    [
        ('"digitale competenties', "digitale competenties", "Unmatched '\"' read as plain text."),
        ("(trein", "trein", "Unmatched '(' read as plain text."),
        ("trein)", "trein", "Unmatched ')' read as plain text."),
        ("zie (bijlage vertraging) trein) en (", "zie (bijlage vertraging) trein en",
         "Unmatched ')' and '(' read as plain text."),
        ("trein () vertraging", "trein vertraging", "Empty brackets '()' read as plain text."),
        ('thema:"vervoerbeleid trein', "thema:vervoerbeleid trein", "Unmatched '\"' read as plain text."),
        ("trein*", "trein", "'*' is not a wildcard: searched trein, which finds other forms of the word too."),
    ],
)
def test_unmatched_brackets_and_quotes_are_plain_text_with_a_notice(searcher: Searcher, query: str, same_as: str,
                                                                    notice: str):
    results = searcher.search(query, limit=50)
    expected = searcher.search(same_as, limit=50)
    assert results.total > 0
    assert [(h.id, h.score) for h in results.hits] == [(h.id, h.score) for h in expected.hits]
    assert (results.notice, expected.notice) == (notice, None)
    assert results.to_dict()["notice"] == notice


@pytest.mark.parametrize("query, field", [
    ("thema:", "thema:"), ("trein minister: weyts", "minister:"), ("nr:", "nr:"), ('van:""', "van:"),
    ("(datum:) trein", "datum:"), ("Titel: trein", "Titel:"),
])
def test_a_field_without_value_is_an_error_naming_the_field(searcher: Searcher, query: str, field: str):
    with pytest.raises(QuerySyntaxError, match=f"^'{field}' has no value; write it right after the colon"):
        searcher.search(query)


def test_a_word_with_a_colon_that_is_no_field_is_a_word(searcher: Searcher):
    assert searcher.search("Opmerking: trein").total == searcher.search("opmerking trein").total > 0
    # Pasted text holds web addresses and "Bron:NOS": words, not unknown fields.
    pasted = searcher.search("zie https://www.dekamer.be/x (trein", limit=100)
    assert pasted.notice == "Unmatched '(' read as plain text."
    assert {hit.id for hit in searcher.search("trein", limit=100).hits} <= {hit.id for hit in pasted.hits}
    assert searcher.search("Bron:NOS trein").total == searcher.search("bron nos trein").total > 0


@pytest.mark.parametrize("query, message", [
    ("+", "The query '+' has no word to search for: '+' goes right before a word that must occur (+fietsen)."),
    ("-", "The query '-' has no word to search for: '-' goes right before a word to leave out (-trein)."),
    ("*", "The query '*' has no word to search for: '*' is not a wildcard (a word finds its other forms by itself)."),
    ("\\", "The query '\\' has no word to search for: '\\' escapes nothing (put text in quotes to search it as written)."),
    (")", "The query ')' has no word to search for: brackets group words: (trein OR bus)."),
    ("?!", "The query '?!' has no word to search for."),
])
def test_a_query_of_symbols_only_says_what_the_symbols_are_for(searcher: Searcher, query: str, message: str):
    with pytest.raises(QuerySyntaxError) as info:
        searcher.search(query)
    assert str(info.value) == message


def test_an_error_repeats_at_most_the_start_of_a_long_query(searcher: Searcher):
    with pytest.raises(QuerySyntaxError) as info:
        searcher.search("de " * 2000)
    assert str(info.value).startswith("The query '" + "de " * 19 + "de…' has only stop words")


def test_a_long_query_gets_no_spelling_suggestion(searcher: Searcher):
    assert searcher.search("leerkrachtn").suggestion == "leerkrachten"
    pasted = "leerkrachtn " + "trein vertraging " * 300
    results = searcher.search(pasted)
    assert results.total > 0
    assert results.suggestion is None


def test_document_by_id(searcher: Searcher):
    document = searcher.document(FLEMISH_ID)
    assert document.title == "Nederlands-Vlaamse onderwijstop - Vervolg"
    assert document.answer.startswith("1+3.")
    assert document.extra["pdf link"] == "https://docs.vlaamsparlement.be/pfile?id=2063647"
    assert searcher.document("kamer/kamer-2017-184505").answer is None
    with pytest.raises(DocumentNotFound, match="no-such-id"):
        searcher.document("no-such-id")


def test_missing_index_says_how_to_build_one(tmp_path: Path):
    with pytest.raises(IndexNotFound, match="vraagbaak index"):
        Searcher(tmp_path / "nothing")


def _remove(path: Path) -> None:
    path.unlink()


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _zero(path: Path) -> None:
    path.write_bytes(bytes(path.stat().st_size))


def _empty(path: Path) -> None:
    path.write_bytes(b"")


@pytest.mark.parametrize("pattern, damage, reason", [
    ("*.toc", _remove, "it has no index files"),                    # whoosh's EmptyIndexError
    ("*.toc", _truncate, "a file of it is damaged (UnpicklingError"),
    ("*.toc", _empty, "a file of it is damaged (TypeError"),
    ("*.seg", _remove, "No such file or directory: MAIN_"),         # OSError
    ("*.seg", _truncate, "a file of it is damaged (EOFError"),
    ("*.seg", _zero, "a file of it is damaged (UnpicklingError"),
])
@pytest.mark.parametrize("preload", [True, False])
def test_an_empty_or_damaged_index_is_an_index_problem_saying_rebuild(tmp_path: Path, pattern: str, damage, reason: str,
                                                                      preload: bool):
    index_dir = tmp_path / "ix"
    build_index([FLEMISH_SEED], index_dir)
    for path in index_dir.glob(f"gen-*/{pattern}"):
        damage(path)
    with pytest.raises(IndexProblem) as info:
        Searcher(index_dir, preload=preload)
    assert str(info.value).startswith(f"Cannot read the index in '{index_dir}': {reason}")
    assert str(info.value).endswith(f". Rebuild it: vraagbaak index --rebuild --index-dir {index_dir}")
    report = build_index([FLEMISH_SEED], index_dir)
    assert report.rebuilt.startswith(f"the index could not be read: {reason}")
    assert (report.added, report.documents) == (1, 1)
    with Searcher(index_dir, preload=preload) as searcher:
        assert searcher.search("onderwijstop").total == 1


def test_index_from_another_analysis_version_is_refused(tmp_path: Path):
    build_index([FLEMISH_SEED], tmp_path / "ix")
    manifest = next((tmp_path / "ix").glob("gen-*/manifest.json"))
    data = json.loads(manifest.read_text())
    data["analysis_version"] = "0-old"
    manifest.write_text(json.dumps(data))
    with pytest.raises(IndexOutdated, match="Rebuild the index"):
        Searcher(tmp_path / "ix")


def test_rebuild_replaces_the_index_and_refresh_sees_it(tmp_path: Path):
    build_index([FLEMISH_SEED], tmp_path / "ix")
    with Searcher(tmp_path / "ix") as searcher:
        assert searcher.search("fietsen").total == 0
        build_index([FIXTURE_SEEDS], tmp_path / "ix", rebuild=True)
        assert searcher.search("fietsen").total == 0  # still reading the old generation
        searcher.refresh()
        assert searcher.search("fietsen").total > 0


def test_versions_are_checked_wherever_the_manifest_lists_them(tmp_path: Path):
    build_index([FLEMISH_SEED], tmp_path / "ix")
    manifest = next((tmp_path / "ix").glob("gen-*/manifest.json"))
    data = json.loads(manifest.read_text())
    versions = {key: data.pop(key) for key in ("analysis_version", "schema_version")}
    manifest.write_text(json.dumps({**data, **versions}, indent=1))
    with Searcher(tmp_path / "ix") as searcher:
        assert searcher.stats().files == 1
    manifest.write_text(json.dumps({**data, **versions, "schema_version": 1}))
    with pytest.raises(IndexOutdated, match="schema version 1"):
        Searcher(tmp_path / "ix")
    manifest.write_text('{"analysis_version": ')
    with pytest.raises(IndexNotFound):
        Searcher(tmp_path / "ix")


def test_a_searcher_that_does_not_preload_finds_the_same(fixture_index: Path, searcher: Searcher):
    with Searcher(fixture_index, preload=False) as unloaded:
        for query in ("leerkrachten digitale competenties", "fietsen -ongevallen", '"van de"'):
            assert unloaded.search(query, facets=True) == searcher.search(query, facets=True)
        assert unloaded.similar(FLEMISH_ID) == searcher.similar(FLEMISH_ID)
        assert unloaded.stats() == searcher.stats()


def test_failed_build_leaves_the_previous_index_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    build_index([FLEMISH_SEED], tmp_path / "ix")

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("indexer.sourcepass.parse_source", explode)
    with pytest.raises(RuntimeError):
        build_index([FIXTURE_SEEDS], tmp_path / "ix")
    with Searcher(tmp_path / "ix") as searcher:
        assert ids(searcher.search("onderwijstop")) == [FLEMISH_ID.split("/")[1]]
    assert len(list((tmp_path / "ix").glob("gen-*"))) == 1


def test_duplicate_ids_keep_the_first_and_report_the_rest(tmp_path: Path):
    second = tmp_path / "other"
    second.mkdir()
    (second / "000_e61c5a0f903231aa.txt").write_text("title: Kopie\nSCHRIFTELIJKE VRAAG\nnr. 1\nAndere tekst.\n")
    report = build_index([FLEMISH_SEED.parent, second], tmp_path / "ix")
    assert report.documents == 1
    assert [p.reason for p in report.problems] == [
        f"duplicate id '000_e61c5a0f903231aa' (first indexed from {FLEMISH_SEED})"
    ]
    with Searcher(tmp_path / "ix") as searcher:
        assert searcher.document("000_e61c5a0f903231aa").title == "Nederlands-Vlaamse onderwijstop - Vervolg"


def test_a_compound_is_found_by_its_parts_and_marked(searcher: Searcher):
    hit = searcher.search("top onderwijs").hits[0]
    assert hit.id == FLEMISH_ID
    assert any("onderwijstop" in [w.lower() for w in marked(p)] for p in hit.passages)


def test_a_compound_query_finds_its_parts_written_apart(searcher: Searcher):
    # kamer-2017-189366 writes "de opvang van de kinderen" and 184505 "kinderen" ... "opvang",
    # never "kinderopvang".
    found = ids(searcher.search("kinderopvang", limit=20))
    assert {"kamer/kamer-2017-189366", "kamer/kamer-2017-184505"} <= set(found)


def test_the_compound_itself_ranks_above_its_parts_found_apart(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "apart.txt").write_text("title: Opvang\nSCHRIFTELIJKE VRAAG\nnr. 1\nDe opvang van kinderen.\n")
    (seeds / "compound.txt").write_text("title: Opvang\nSCHRIFTELIJKE VRAAG\nnr. 2\nDe kinderopvang in Gent.\n")
    build_index([seeds], tmp_path / "ix")
    with Searcher(tmp_path / "ix") as searcher:
        assert ids(searcher.search("kinderopvang")) == ["compound", "apart"]


def test_a_part_finds_the_compound(searcher: Searcher):
    # "samenwerkingsproject" in the Flemish answer; the word "samenwerkingsproject" is nowhere else.
    assert FLEMISH_ID in ids(searcher.search("antwoord:project"))


def test_misspelled_words_get_a_suggestion_from_the_index_vocabulary(searcher: Searcher):
    results = searcher.search("leerkrachen digitale competenties")
    assert results.suggestion == "leerkrachten digitale competenties"
    assert searcher.search(results.suggestion).hits[0].id == FLEMISH_ID


def test_transposed_letters_are_corrected(searcher: Searcher):
    assert searcher.search("onderwijstpo").suggestion == "onderwijstop"


def test_known_words_get_no_suggestion(searcher: Searcher):
    assert searcher.search("leerkrachten digitale competenties").suggestion is None
    assert searcher.search('"digitale competenties" -fietsen').suggestion is None


def test_a_word_that_finds_documents_gets_no_suggestion(tmp_path: Path):
    # "mentoringprogramma" is nowhere as typed, one edit from "mentoringprogramma's", and finds
    # that document through its stem and parts: correcting it would only narrow the search.
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "school.txt").write_text("title: Scholen\nSCHRIFTELIJKE VRAAG\nnr. 2\nDe mentoringprogramma's van de scholen.\n")
    build_index([seeds], tmp_path / "ix")
    with Searcher(tmp_path / "ix") as searcher:
        results = searcher.search("mentoringprogramma", facets=True)
        assert ids(results) == ["school"] and results.suggestion is None
        assert searcher.search("mentoringprogramma").suggestion is None
        assert searcher.search("mentoringprogramas").suggestion == "mentoringprogramma's"
        # Found by one of its occurrences, in whichever order; in the title only, it finds nothing.
        assert searcher.search("titel:mentoringprogramma mentoringprogramma").suggestion is None
        assert searcher.search("mentoringprogramma titel:mentoringprogramma").suggestion is None
        assert searcher.search("titel:mentoringprogramma OR titel:mentoringprogramma").suggestion == \
            "titel:mentoringprogramma's OR titel:mentoringprogramma's"  # each corrected once


def test_a_bracketed_group_takes_a_modifier(searcher: Searcher):
    either = set(ids(searcher.search("trein OR kopieren", limit=50)))
    without = set(ids(searcher.search("fietsen -(trein OR kopieren)", limit=50)))
    assert without == set(ids(searcher.search("fietsen", limit=50))) - either != set()
    assert set(ids(searcher.search("+(trein OR kopieren) fietsen", limit=50))) == either


def test_an_excluded_word_excludes_every_document_with_it(searcher: Searcher):
    # Whoosh's AndNot kept "Fiets op de trein" here, when the excluded side started earlier.
    with_train = set(ids(searcher.search("trein", limit=50)))
    assert set(ids(searcher.search("fietsen -trein", limit=50))).isdisjoint(with_train)
    assert "kamer/kamer-2017-185261" in set(ids(searcher.search("fietsen", limit=50))) & with_train


def test_filters_joined_by_or_still_narrow(searcher: Searcher):
    either = searcher.search("trein thema:vervoerbeleid OR thema:strafrecht", limit=50, group=False)
    assert 0 < either.total <= searcher.search("trein", limit=50, group=False).total
    assert {h.theme for h in either.hits} <= {"Vervoerbeleid", "Strafrecht"}


@pytest.mark.parametrize("query", ["datum:<0001", "datum:>9999-12-31"])
def test_dates_at_the_edge_of_the_calendar_are_clear_errors(searcher: Searcher, query: str):
    with pytest.raises(QuerySyntaxError, match="Cannot read the date"):
        searcher.search(query)


def test_deeply_nested_brackets_are_refused(searcher: Searcher):
    with pytest.raises(QuerySyntaxError, match="nests brackets"):
        searcher.search("(" * 100 + "trein" + ")" * 100)


@pytest.mark.parametrize("query", [
    "fietsen ongevallen", "trein vertraging reizigers", "kinderopvang", "leerkrachten digitale competenties",
    "+trein vertraging", "trein -fietsen", "fiets OR trein", "thema:vervoerbeleid trein", '"de trein"',
])
@pytest.mark.parametrize("group", [True, False])
def test_every_page_is_a_slice_of_the_ranking_of_all_matches(fixture_index: Path, query: str, group: bool):
    # Every match scored by the one ranking path (its scores are tested node by node against
    # Whoosh and a BM25F reference in test_scoring.py), best first, ties in index order, one per
    # question when grouped: page by page, Searcher shows the same hits with the same scores, and
    # counts them all.
    from search.query import parse_query
    from search.scoring import QueryScorer

    with Searcher(fixture_index) as searcher:
        whoosh_searcher = searcher._searcher
        scores = QueryScorer(whoosh_searcher, parse_query(query).query, whoosh_searcher.weighting).scores()
        expected, questions = [], set()
        for docnum, score in sorted(scores.items(), key=lambda item: (-item[1], item[0])):
            stored = whoosh_searcher.stored_fields(docnum)
            key = stored.get("question_key") or stored["id"]
            if not group or key not in questions:
                questions.add(key)
                expected.append((stored["id"], score))
        assert expected  # the comparison means nothing for a query that matches no document
        for limit in (1, 3, 10):
            shown = []
            for page in range(1, len(expected) // limit + 2):
                results = searcher.search(query, limit=limit, page=page, group=group, highlight=False)
                assert results.total == len(expected)
                shown += [(hit.id, hit.score) for hit in results.hits]
            assert shown == expected


def test_an_index_of_an_empty_corpus_answers_every_query_with_nothing(tmp_path: Path):
    (tmp_path / "corpus").mkdir()
    build_index([tmp_path / "corpus"], tmp_path / "ix")
    with Searcher(tmp_path / "ix") as empty:
        for query in ("fiets", "fiets -trein", "-trein", '"fiets trein"'):
            results = empty.search(query)
            assert (results.total, list(results.hits)) == (0, []), query
            assert empty.search(query, facets=True, sort="-date").total == 0
        assert empty.stats().documents == 0
