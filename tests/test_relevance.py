"""Ranking that holds on collections it was not tuned on: untitled records, unknown compounds, word forms."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer import build_index
from indexer.parse import parse_record
from indexer.wordforms import related_stems
from search import Searcher

# Real questions (Belgian Chamber, 2017, CC0), shortened, as a new user's collection often comes:
# JSON Lines records with an id and the text, no title.
RECORDS = [
    {"id": "media", "question": "Werven op de sociale media in de bouwsector.\nBouwbedrijven zoeken steeds "
                                "vaker personeel via Twitter en Facebook. Welke richtlijnen gelden voor de "
                                "vacatures? Hoeveel werkzoekenden vonden zo een baan?"},
    {"id": "dumping", "question": "Ik verwijs naar het akkoord over de detachering van werknemers.\nDe "
                                  "bouw lijdt onder sociale dumping door schijnzelfstandigen en "
                                  "gedetacheerde werknemers met lage lonen. Hoeveel controles op sociale "
                                  "dumping werden uitgevoerd?"},
    {"id": "mystery", "question": "De inspectie voert praktijktesten uit om discriminatie op te sporen.\n"
                                  "Hoeveel mysterycalls heeft de inspectie in 2016 uitgevoerd bij "
                                  "uitzendkantoren? Tot welke vaststellingen leidden die mysterycalls?"},
    {"id": "calls", "question": "De wachttijden bij de callcenters van de FOD Financiën lopen op.\nHoeveel "
                                "calls werden beantwoord? Waarom blijft de mystery van de lange wachttijd "
                                "onopgelost?"},
    {"id": "vaccinatie", "question": "De vaccinatiegraad daalt.\nHoeveel kinderen kregen in 2016 geen "
                                     "vaccinatie tegen mazelen? Overweegt u een verplichte vaccinatie?"},
    {"id": "vaccineren", "question": "Apothekers willen zelf vaccineren.\nMogen apothekers in andere lidstaten "
                                     "vaccineren tegen griep? Wanneer mogen zij dat hier?"},
    {"id": "bodycam", "question": "Camera's op het uniform van de politie.\nDe politie registreert elke "
                                  "interventie met een camera in de wagen. Antwerpen test de body-cam. Welke "
                                  "resultaten gaf de test?"},
    {"id": "taxshelter", "question": "De film- en podiumsector en de fiscale steun.\nHoeveel bedrijven gebruikten "
                                     "in 2016 de taxshelterregeling voor de audiovisuele sector?"},
    {"id": "agenda", "question": "De digitale agenda van de regering.\nWelke punten staan op de agenda van de "
                                 "volgende Ministerraad? Hoeveel digitale loketten zijn er? Wanneer wordt de "
                                 "digitale agenda geëvalueerd?"},
]


def index_of(records: list[dict], folder: Path) -> Path:
    """An index of `records` as a JSON Lines file in `folder`."""
    source = folder / "records.jsonl"
    source.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    build_index([source], folder / "ix")
    return folder / "ix"


@pytest.fixture(scope="module")
def untitled_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return index_of(RECORDS, tmp_path_factory.mktemp("untitled"))


def test_a_record_without_title_shows_its_first_line_as_title():
    document = parse_record(RECORDS[0], "records.jsonl:1")
    assert (document.title, document.title_from_text) == ("Werven op de sociale media in de bouwsector.", True)
    titled = parse_record({**RECORDS[0], "title": "Sociale media"}, "records.jsonl:1")
    assert (titled.title, titled.title_from_text) == ("Sociale media", False)


def test_a_first_line_shown_as_title_is_not_weighted_as_a_title(untitled_index: Path):
    with Searcher(untitled_index) as searcher:
        results = searcher.search("sociale dumping bouwsector")
        assert [hit.id for hit in results.hits][:2] == ["dumping", "media"]
        assert results.hits[1].title == "Werven op de sociale media in de bouwsector."
        assert searcher.document("media").title_from_text is True
        # It is not a title to search for; as question text it is found.
        assert searcher.search("titel:bouwsector").total == 0
        assert [hit.id for hit in searcher.search("vraag:bouwsector").hits] == ["media"]


def test_words_typed_apart_find_the_compound_written_as_one(untitled_index: Path):
    # No word list knows "mysterycalls": the query's adjacent words are also searched joined, and
    # the document with the compound outranks the one that has both words apart.
    with Searcher(untitled_index) as searcher:
        assert [hit.id for hit in searcher.search("mystery calls").hits] == ["mystery", "calls"]
        assert [hit.id for hit in searcher.search("de mystery calls").hits] == ["mystery", "calls"]
        assert [hit.id for hit in searcher.search("Mystery calls?").hits] == ["mystery", "calls"]
        # A compound led by an unknown loanword: its modifier is a part of its own.
        assert [hit.id for hit in searcher.search("tax shelter").hits] == ["taxshelter"]
        # A hyphenated word is indexed joined too: "body cam" finds "body-cam".
        assert [hit.id for hit in searcher.search("body cam").hits] == ["bodycam"]
        # Words with a stop word or an operator between them are not joined.
        assert [hit.id for hit in searcher.search("mystery van calls").hits] == ["calls"]
        assert [hit.id for hit in searcher.search("mystery OR calls").hits] == ["calls"]


def test_nouns_in_atie_and_verbs_in_eren_find_each_other():
    assert related_stems("vaccinatie") == related_stems("vaccinaties") == ("vacciner",)
    assert related_stems("regulariseren") == ("regularisatie",)
    assert related_stems("harmonisering") == ("harmonisatie",)  # Snowball joins it with harmoniseren
    # By spelling alone, whether or not a collection has the word.
    assert related_stems("fumigatie") == ("fumiger",)
    assert related_stems("teruggekeerde") == related_stems("gedetacheerde") == ()
    assert related_stems("natie") == related_stems("leren") == ()


def test_a_word_finds_its_family_but_ranks_its_own_form_first(untitled_index: Path):
    with Searcher(untitled_index) as searcher:
        assert [hit.id for hit in searcher.search("vaccineren").hits] == ["vaccineren", "vaccinatie"]
        assert [hit.id for hit in searcher.search("vaccinatie").hits] == ["vaccinatie", "vaccineren"]
        # A quoted phrase keeps the exact form.
        assert [hit.id for hit in searcher.search('"vaccinatie"').hits] == ["vaccinatie"]


def marked(passage) -> list[str]:
    return [passage.text[start:end] for start, end in passage.highlights]


def test_passages_show_the_decisive_words_first(untitled_index: Path):
    # The sentence with "politie" and "interventie" holds more of the query's words, but the
    # hit was found through the rare "body-cam": that sentence comes first.
    with Searcher(untitled_index) as searcher:
        hit = searcher.search("body cam politie interventie").hits[0]
    assert hit.id == "bodycam"
    assert marked(hit.passages[0]) == ["body-cam"]
    assert marked(hit.passages[1]) == ["politie", "interventie"]


def test_a_quoted_phrase_is_marked_only_where_it_stands_whole(untitled_index: Path):
    with Searcher(untitled_index) as searcher:
        hit = searcher.search('"digitale agenda"').hits[0]
    assert hit.id == "agenda"
    assert [marked(passage) for passage in hit.passages] == [["digitale agenda"], ["digitale agenda"]]
    # With a free word beside it, the free word is marked wherever it stands.
    with Searcher(untitled_index) as searcher:
        hit = searcher.search('"digitale agenda" loketten').hits[0]
    assert [marked(passage) for passage in hit.passages][:2] == [["digitale agenda"], ["digitale agenda"]]
    assert ["digitale", "loketten"] not in [marked(passage) for passage in hit.passages]
    assert ["loketten"] in [marked(passage) for passage in hit.passages]


def test_a_document_about_a_word_outranks_one_naming_it_in_passing_in_its_question(tmp_path: Path):
    # BM25F: a word's frequencies in the question (weight 3) and the answer (1), weighted, are
    # added before they saturate. Saturated section by section, the one passing mention in the
    # question would outrank three in an answer about the word.
    filler = "De minister antwoordde uitvoerig op de vragen over het beleid van de regering."
    records = [
        {"id": "passing", "question": "Het gebruik van chloorpyrifos vormt een risico. Net zoals voor "
                                      "neonicotinoïden moeten de fabrikanten nieuwe studies voorleggen. Welke "
                                      "maatregelen neemt u tegen chloorpyrifos? Welke maatregelen neemt u tegen "
                                      "chloorpyrifos?",
         "answer": "De Europese evaluatie van chloorpyrifos loopt nog."},
        {"id": "about", "question": "Welke maatregelen neemt u tegen de insecticiden die bijen doden?",
         "answer": "Het gebruik van neonicotinoïden valt onder mijn collega. Drie neonicotinoïden zijn beperkt. "
                   "Biociden met neonicotinoïden volgen de Europese evaluatie. De evaluatie loopt nog. De "
                   "evaluatie loopt nog."},
        {"id": "other", "question": f"Hoeveel bijenvolken gingen in 2016 verloren? {filler}",
         "answer": f"Volgens de telling van de imkers ging ongeveer een derde van de bijenvolken verloren. {filler}"},
        {"id": "more", "question": f"Welke pesticiden vindt men in het grondwater? {filler}",
         "answer": f"De gewesten meten de kwaliteit van het grondwater in vele meetpunten. {filler}"},
    ]
    with Searcher(index_of(records, tmp_path)) as searcher:
        assert [hit.id for hit in searcher.search("neonicotinoïde").hits] == ["about", "passing"]


HYPHENATED = [
    {"id": "joined", "question": "Hoeveel email werd er verstuurd?"},
    {"id": "hyphen", "question": "Hoeveel e-mail werd er verstuurd?"},
    {"id": "apart", "question": "Hoeveel e mail werd er verstuurd?"},
    {"id": "reversed", "question": "Hoeveel mail e werd er verstuurd?"},
    {"id": "rigid", "question": "Waarom zijn de regels zo niet-plooibare voorschriften?"},
    {"id": "pliable", "question": "Zijn de plooibare regels een succes?"},
    {"id": "sections", "question": "Hoeveel fietsen zijn er gestolen?", "answer": "In de treinen werden er veel gestolen."},
]


@pytest.fixture(scope="module")
def hyphenated_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return index_of(HYPHENATED, tmp_path_factory.mktemp("hyphenated"))


def test_a_hyphenated_word_finds_its_joined_form_first_then_its_words_in_order(hyphenated_index: Path):
    with Searcher(hyphenated_index) as searcher:
        hits = searcher.search("e-mail").hits
        # Its joined form is the word itself, the words in order count as a compound's parts.
        assert {hit.id for hit in hits[:2]} == {"joined", "hyphen"}
        assert [hit.id for hit in hits[2:]] == ["apart"]
        assert hits[2].score < hits[1].score
        # A stop word before the hyphen keeps its place in the order: not "plooibare" alone.
        assert [hit.id for hit in searcher.search("niet-plooibare").hits] == ["rigid"]


def test_glued_words_are_all_required_anywhere_in_the_document(hyphenated_index: Path):
    with Searcher(hyphenated_index) as searcher:
        assert [hit.id for hit in searcher.search("fietsen/treinen").hits] == ["sections"]
        assert searcher.search("fietsen/bussen").total == 0
