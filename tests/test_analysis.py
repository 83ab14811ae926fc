"""The Dutch analysis chain against the phenomena table of ../shared/docs/ARCHITECTURE.md."""

from __future__ import annotations

import pickle

import pytest

from indexer.analysis import dutch_analyzer, index_terms, name_analyzer, stem
from indexer.compounds import split_compound

from .conftest import FIXTURES


def stems(text: str) -> list[str]:
    return [t for t in index_terms(text) if not t.startswith("=")]


def exact(text: str) -> list[str]:
    return [t[1:] for t in index_terms(text) if t.startswith("=")]


@pytest.mark.parametrize(
    "forms",
    [
        ("leerkrachten", "leerkracht"),
        ("scholen", "school"),
        ("competenties", "competentie"),
        ("ideeën", "ideeen", "idee"),
        ("technologieën", "technologie"),
        ("bedrijven", "bedrijf"),
        ("gevangenissen", "gevangenis"),
        ("auto's", "auto"),
        ("maatregelen", "maatregel"),
        ("gemeenten", "gemeente"),
        ("drones", "drone"),  # -s after a vowel, when the lexicon knows the singular
        ("kerncentrales", "kerncentrale"),
        ("nagelstudio's", "nagelstudios", "nagelstudio"),
        ("centra", "centrum"),
    ],
)
def test_inflected_forms_share_a_stem(forms: tuple[str, ...]):
    assert len({stem(index_terms(f)[0][1:]) for f in forms}) == 1


def test_stemming_does_not_conflate_minister_with_mini():
    assert stems("minister mini") == ["minister", "mini"]


def test_stem_overrides_fiets_and_kind():
    assert stems("fiets fietsen") == ["fiets", "fiets"]
    assert stems("kind kinderen") == ["kinder", "kinder"]


def test_diacritics_fold_both_ways():
    assert stems("kopiëren België coöperatie") == stems("kopieren Belgie cooperatie")
    assert exact("ideeën") == ["ideeen"]


def test_one_with_accents_is_not_the_stop_word_een():
    assert stems("één") == ["een"]
    assert stems("een") == []


def test_stop_words_keep_only_their_exact_form():
    assert index_terms("de minister van onderwijs") == [
        "=de", "=minister", "minister", "=van", "=onderwijs", "onderwijs",
    ]


def test_glued_sentences_are_split():
    assert exact("verbeteren.Het") == ["verbeteren", "het"]
    assert exact("verstoord.Pas na") == ["verstoord", "pas", "na"]
    assert exact("hoe?2. Zou") == ["hoe", "2", "zou"]


def test_numbers_and_codes_stay_as_written():
    assert exact("700.000 euro") == ["700.000", "euro"]
    assert exact("2019/C/42") == ["2019/c/42"]
    assert exact("3,5 procent") == ["3,5", "procent"]
    assert exact("art. 275") == ["art", "275"]


def test_abbreviations_are_kept():
    assert exact("o.a. de NMBS en de VRT") == ["o.a", "de", "nmbs", "en", "de", "vrt"]


def test_hyphenated_word_gives_parts_and_whole_at_the_first_position():
    tokens = [(t.text, t.pos, t.whole) for t in dutch_analyzer()("Nederlands-Vlaamse top", positions=True)]
    assert ("=nederlands", 0, False) in tokens
    assert ("=vlaamse", 1, False) in tokens
    assert ("=nederlandsvlaamse", 0, True) in tokens
    assert ("=top", 2, False) in tokens


def test_suspended_hyphen_keeps_both_words():
    assert exact("brievenpost- en pakjesdienst") == ["brievenpost", "en", "pakjesdienst"]


def test_slash_between_words_splits():
    assert exact("en/of") == ["en", "of"]


def test_character_offsets_point_into_the_original_text():
    text = "De ideeën.Het kopiëren"
    spans = {t.text: text[t.startchar:t.endchar] for t in dutch_analyzer()(text, positions=True, chars=True)}
    assert spans["=ideeen"] == "ideeën"
    assert spans["=het"] == "Het"
    assert spans["kopier"] == "kopiëren"


def test_names_are_folded_not_stemmed():
    assert [t.text for t in name_analyzer()("Jan Peumans Gezondheidsbeleid")] == ["jan", "peumans", "gezondheidsbeleid"]


def test_analyzer_survives_pickling_into_a_whoosh_schema():
    analyzer = pickle.loads(pickle.dumps(dutch_analyzer()))
    assert [t.text for t in analyzer("fietsen")] == ["=fietsen", "fiets"]


@pytest.mark.parametrize(
    "compound, parts",
    [
        ("kinderopvang", ("kind", "opvang")),  # linking -er-
        ("vervoersplan", ("vervoer", "plan")),  # linking -s-
        ("lerarentekort", ("leraren", "tekort")),
        ("leerkrachtentekort", ("leerkrachten", "tekort")),  # fewest, longest parts
        ("onderwijstop", ("onderwijs", "top")),
        ("verkeersveiligheid", ("verkeer", "veiligheid")),
        ("samenwerkingsproject", ("samenwerking", "project")),
        ("ontwikkelingssamenwerking", ("ontwikkeling", "samenwerking")),
        ("kinderbijslag", ("kind", "bijslag")),
        ("schoolgebouwen", ("school", "gebouwen")),
        # An unknown modifier (loanwords and new coinages no word list has) splits off a known head.
        ("taxshelterregeling", ("taxshelter", "regeling")),
        ("mysteryshoppingcampagnes", ("mysteryshopping", "campagnes")),
        ("skypegesprek", ("skype", "gesprek")),
        ("fintechbedrijven", ("fintech", "bedrijven")),
    ],
)
def test_compounds_split_into_their_parts(compound: str, parts: tuple[str, ...]):
    assert split_compound(compound) == parts


@pytest.mark.parametrize(
    "word",
    [
        "onderwijs",  # protected: not onder + wijs
        "minister",  # protected: not mini + ster
        "maatregelen",  # protected: not maat + regelen
        "leerkracht",  # protected: not leer + kracht
        "verschillende",  # common on its own: not verschil + lende
        "ziekenhuis",  # lexicalised: more frequent than zieken and huis together
        "achterstand",  # achter is a particle, and acht + er + stand is no split
        "dergelijke",  # der is a stop word
        "kortrijk",  # a place name
        "belastingen",  # no garbage cut into belas + tin + gen
        "fietsen",  # too short to be a compound
    ],
)
def test_words_that_are_not_split(word: str):
    assert split_compound(word) == ()


@pytest.mark.parametrize("word", [
    "vloerpartikels",  # "vloer" is a word: the cut is vloer + partikels (unknown), not vloerp + artikels
    "tegenexpertise",  # particles and stop words are no parts: not tegen + expertise
    "overbevraging",
    "tussenevaluatie",
])
def test_an_unknown_word_is_not_cut_where_no_unknown_modifier_ends(word: str):
    assert split_compound(word) == ()


def test_the_lexicon_file_is_what_derive_lexicon_writes(tmp_path):
    # Words are looked up in the group of their first letters: a word or name filed under another
    # group would never be found.
    from indexer.compounds import Lexicon, derive_lexicon

    wordlist = tmp_path / "wordlist.txt"
    wordlist.write_text("kind\nkinderen\nopvang\nKortrijk\nKorea\nkorf\nbrood\nx\n", encoding="utf-8")
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.txt").write_text("De kinderen, het kind en de opvang; kind.", encoding="utf-8")
    lexicon = Lexicon(derive_lexicon(wordlist, tmp_path / "seeds"))
    assert sorted(lexicon.words()) == ["kind", "kinderen", "opvang"]  # only words the seeds use
    assert [round(lexicon.weight(w), 3) for w in ("kind", "opvang", "brood", "kortrijk")] == [1.099, 0.693, 0, 0]
    assert lexicon.beginning_with("kin") == ({"kind": "2", "kinderen": "1"}, 8)
    assert sorted(lexicon.names()) == ["korea", "kortrijk"]
    assert [lexicon.is_name(name) for name in ("kortrijk", "korea", "kortrij", "korf")] == [True, True, False, False]


def test_the_lexicon_finds_each_of_its_words_and_names():
    from indexer.compounds import _lexicon

    lexicon = _lexicon()
    words, names = list(lexicon.words()), list(lexicon.names())
    assert len(words) > 30_000 and len(names) > 40_000
    assert all(lexicon.weight(word) > 0 for word in words)
    assert all(lexicon.is_name(name) for name in names)
    assert not lexicon.is_name("kortrijkk") and lexicon.weight("kinderopvangg") == 0


def test_compound_parts_are_indexed_at_the_compound_position():
    tokens = [(t.text, t.pos, t.part) for t in dutch_analyzer()("de kinderopvang", positions=True)]
    assert tokens == [
        ("=de", 0, False),
        ("=kinderopvang", 1, False),
        ("kinder", 1, True),  # "kind" stems like "kinderen"
        ("opvang", 1, True),
        ("kinderopvang", 1, False),
    ]


def test_compound_parts_share_stems_with_the_separate_words():
    assert set(stems("opvang van kinderen")) <= set(stems("kinderopvang"))
    assert set(stems("tekort aan leraren")) <= set(stems("lerarentekort"))


def test_fast_indexing_path_gives_the_analyzer_s_terms_and_positions():
    from indexer.schema import build_schema

    field = build_schema()["question"]
    for path in sorted(FIXTURES.rglob("*.txt")):
        text = path.read_text(encoding="utf-8")
        expected: dict[str, list[int]] = {}
        for token in dutch_analyzer()(text, positions=True, mode="index"):
            expected.setdefault(token.text, []).append(token.pos)
        fast = {term.decode(): field.format.decode_positions(value) for term, _, _, value in field.index(text)}
        assert fast == expected, path.name


def test_words_ending_in_s_that_are_no_plural_keep_it():
    assert stem("adres") == stem("adressen") == "adres"
    assert stem("proces") == stem("processen") == "proces"


def test_possessive_s_goes_from_codes_too():
    assert "f-16" in stems("de F-16's")


def test_a_plural_compound_splits_like_its_singular():
    assert split_compound("kerncentrales") == split_compound("kerncentrale") == ("kern", "centrale")


def test_every_word_begins_with_a_key_of_its_stem():
    # Highlighting looks for a query term's words by these keys: a word not beginning with one
    # would never be marked. Every lexicon word (the possible compound parts) and every word of
    # the fixtures.
    from indexer.analysis import fold, stem_keys, words
    from indexer.compounds import _lexicon

    vocabulary = set(_lexicon().words())
    for path in sorted(FIXTURES.rglob("*.txt")):
        vocabulary.update(fold(word.lower()) for word, *_ in words(path.read_text(encoding="utf-8")))
    missed = [word for word in sorted(vocabulary) if stem(word) and not word.startswith(stem_keys(stem(word)))]
    assert len(vocabulary) > 30_000 and missed == []
    assert stem_keys("weg") == ("wee", "weg")  # "weeg" stems to "weg" too
    assert stem_keys("mogelijkheid") == ("mogelijkhed", "mogelijkhei")  # mogelijkheden
    assert set(stem_keys("bedrijf")) == {"bedrijf", "bedrijv"}


@pytest.mark.parametrize("word, terms", [
    ("toegangswegen", {"weg"}),  # through a part only
    ("wereldwijd", {"weg"}),  # holds a key, no part stemming to it
    ("kinderopvang", {"opvang", "kind"}),
    ("kinderopvang", {"=kinderopvang"}),
    ("Kinderopvang", {"kinderopvang"}),
    ("onderwijstop", {"top"}),
    ("ideeën", {"idee"}),
    ("de", {"=de"}),  # a stop word: its exact form only
    ("de", {"de"}),
    ("nederlandsvlaams", {"vlaams"}),
    ("taxshelterregeling", {"taxshelter"}),  # through an unknown first part, no lexicon word
])
def test_yields_any_is_the_full_analysis(word: str, terms: set[str]):
    from indexer.wordterms import word_terms, yields_any

    for whole in (False, True):
        assert yields_any(word, whole, frozenset(terms)) == (not terms.isdisjoint(word_terms(word, whole)))


def test_a_word_without_a_possible_part_is_not_split():
    from indexer.wordterms import word_terms, yields_any

    split_compound.cache_clear()
    word_terms.cache_clear()  # a word seen before is not split again
    assert not yields_any("wereldwijd", False, frozenset({"weg", "=weg"}))
    assert split_compound.cache_info().misses == 0  # "wereld" does not stem to "weg": nothing to split
    assert yields_any("toegangswegen", False, frozenset({"weg"}))
    assert split_compound.cache_info().misses == 1
