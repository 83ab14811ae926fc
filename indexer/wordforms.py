"""Word forms of one family that stemming leaves apart: verbs in -eren and their nouns in -atie.

Snowball's Dutch stemmer conflates "harmonisering" with "harmoniseren", but not "vaccinatie" with
"vaccineren" or "regularisatie" with "regulariseren". `related_stems` gives the stems of those
other forms of a query word that the lexicon knows: a query searches them too, with less weight
than the word's own stem, so documents with the typed form still rank first. The index is not
changed: a wrong relative ("situatie" is not the noun of "situeren") costs a little ranking on
the queries that hold it, never a word's own matches.

Participles were measured too ("teruggekeerde" with "terugkeer", "gedetacheerde" with
"detachering", "geïnterneerden" with "internering") and left out: on the relevance benchmark they
brought in more documents about the participle's own sense (internees, posted workers) than
documents about the need (benchmarks/relevance/RESULTS.md).
"""

from __future__ import annotations

from functools import lru_cache

from .analysis import STOP_WORDS, stem
from .compounds import is_known_word


@lru_cache(maxsize=20_000)
def related_stems(word: str) -> tuple[str, ...]:
    """The stems of the other forms of `word`'s family (folded, lower-case) that the lexicon knows
    and that stem differently from `word`: the verb in -eren of a noun in -atie or -ing
    ("vaccinatie", "regularisering"), the noun in -atie of a verb in -eren or a noun in -ing."""
    if len(word) < 7 or not word.isalpha() or word in STOP_WORDS:
        return ()
    singular = word[:-1] if word.endswith("aties") else word[:-2] if word.endswith("ingen") else word
    relatives = []
    if singular.endswith("atie"):
        relatives.append(singular[:-4] + "eren")
    elif singular.endswith("ering"):
        relatives.extend((singular[:-3] + "en", singular[:-5] + "atie"))
    elif singular.endswith("eren"):
        relatives.append(singular[:-4] + "atie")
    own = stem(word)
    found: list[str] = []
    for relative in relatives:
        related = stem(relative)
        if is_known_word(relative) and related != own and related not in found:
            found.append(related)
    return tuple(found)
