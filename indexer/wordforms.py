"""Word forms of one family that stemming leaves apart: verbs in -eren and their nouns in -atie.

Snowball's Dutch stemmer conflates "harmonisering" with "harmoniseren", but not "vaccinatie" with
"vaccineren" or "regularisatie" with "regulariseren". `related_stems` gives the stems of those
other forms of a query word: a query searches them too, with less weight than the word's own
stem, so documents with the typed form rank first. The forms are made by spelling rules alone,
not checked against a word list, so that they work on any collection: a form no document has
matches nothing, and a wrong relative ("situatie" is not the noun of "situeren") costs a little
ranking on the queries that hold it, never a word's own matches. The index is not changed.

Participles are not related to their verb or noun ("teruggekeerde" / "terugkeer"): their own
sense ("gedetacheerde werknemers" are posted workers, not postings) brought in more documents
than it found (benchmarks/relevance/RESULTS.md).
"""

from __future__ import annotations

from functools import lru_cache

from .analysis import STOP_WORDS, stem

MIN_LENGTH = 7
"""Shorter words in -atie or -eren are rarely of such a family ("natie", "leren", "eren")."""


@lru_cache(maxsize=20_000)
def related_stems(word: str) -> tuple[str, ...]:
    """The stems of the other forms of `word`'s family (folded, lower-case) that stem differently
    from `word`: the verb in -eren of a noun in -atie or -ering ("vaccinatie", "regularisering"),
    the noun in -atie of a verb in -eren or a noun in -ering, plurals included."""
    if len(word) < MIN_LENGTH or not word.isalpha() or word in STOP_WORDS:
        return ()
    singular = word[:-1] if word.endswith("aties") else word[:-2] if word.endswith("eringen") else word
    relatives = []
    if singular.endswith("atie"):
        relatives.append(singular[:-4] + "eren")
    elif singular.endswith("ering"):
        relatives.extend((singular[:-3] + "en", singular[:-5] + "atie"))
    elif singular.endswith("eren"):
        relatives.append(singular[:-4] + "atie")
    own = stem(word)
    return tuple(dict.fromkeys(related for related in map(stem, relatives) if related != own))
