"""The one seam between Vraagbaak and Whoosh's internals: every use of a private Whoosh name is here.

Vraagbaak writes and reads Whoosh's W3 format faster than Whoosh's own classes do, which takes
Whoosh's private methods and attributes. They are all in this package, behind a small API:

- `codec`: `VraagbaakCodec`, the W3 codec with packed postings blocks, named by every segment;
  `encode_positions`, a posting's value as Whoosh's `Positions` format stores it.
- `segment_writer`: `FastSegmentWriter`, writing a segment from postings gathered in memory
  (`indexer.termpool.TermPool`), each term's list whole.
- `reading`: `term_postings` (a term's postings whole), `field_length_bytes` (every document's
  length in a field), `column_bytes` (a column's raw values) and `bm25_b` (BM25F's B for a field).

Everything outside this package uses Whoosh's public API and these names only.
tests/test_whoosh_contract.py lists each private Whoosh name used here and checks that the
installed Whoosh still has it, with the expected signature or layout, so an upgrade of Whoosh fails
there first. The modules are imported one by one (this file imports none), so that opening an index,
which imports `codec`, does not import the writing machinery.
"""
