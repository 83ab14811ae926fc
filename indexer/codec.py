"""How Vraagbaak's index segments are read: Whoosh's codec, with a sound matcher for inlined postings.

Kept apart from writer.py so that opening an index (which unpickles the codec named by each
segment) does not import the writing machinery.
"""

from __future__ import annotations

from typing import Any

from whoosh.codec.whoosh3 import W3Codec
from whoosh.matching import ListMatcher, NullMatcher


class InlinedPostings(ListMatcher):
    """Whoosh's matcher over inlined postings, behaving as its matcher over a postings file does
    (`W3LeafMatcher`) where `ListMatcher` differs:

    - `replace` never drops the matcher for its quality: Whoosh's boosting wrapper passes its own
      threshold down unscaled, so a boosted term (title^5) would be dropped while it can still
      reach the top (a wrong top 10, not just a slower one);
    - a copy keeps the term statistics that block-quality skipping reads;
    - a field without values (an ID) gives None for a value.
    """

    def replace(self, minquality: float = 0) -> Any:
        return self if self.is_active() else NullMatcher()

    def value(self) -> Any:
        return super().value() if self._values else None

    def copy(self) -> "InlinedPostings":
        return InlinedPostings(self._ids, self._weights, self._values, self._format, self._scorer, self._i,
                               self._all_weights, term=self._term, terminfo=self._terminfo)


class VraagbaakCodec(W3Codec):
    """Whoosh's `W3Codec`, reading inlined postings with `InlinedPostings`.

    Segments written by `writer.FastSegmentWriter` name this codec (Whoosh pickles a segment's codec
    into the index), so their readers use it; older segments keep `W3Codec`.
    """

    def postings_reader(self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None) -> Any:
        if terminfo.is_inlined():
            ids, weights, values = terminfo.inlined_postings()
            return InlinedPostings(ids, weights, values, format_, scorer=scorer, term=term, terminfo=terminfo)
        return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
