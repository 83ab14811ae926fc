"""Rebuild the compound splitter's lexicon (indexer/data/lexicon_nl.txt.gz) from OpenTaal's word list.

    python scripts/derive_lexicon.py PATH/TO/opentaal/wordlist.txt SEEDS_FOLDER

See indexer/compounds.py for what the lexicon holds.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

from indexer.compounds import LEXICON_FILE, derive_lexicon
from indexer.textdata import DATA_DIR


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        sys.exit(__doc__)
    text = derive_lexicon(Path(argv[0]), Path(argv[1]))
    target = DATA_DIR / LEXICON_FILE
    with gzip.open(target, "wt", encoding="utf-8", compresslevel=9) as out:
        out.write(text)
    words, _, names = text.split("\n")
    print(f"{words.count(' ') + 1:,} words and {names.count(' ') + 1:,} names written to {target}")


if __name__ == "__main__":
    main(sys.argv[1:])
