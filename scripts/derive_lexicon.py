"""Rebuild the compound splitter's lexicon (indexer/data/lexicon_nl.txt) from OpenTaal's word list.

    python scripts/derive_lexicon.py PATH/TO/opentaal/wordlist.txt SEEDS_FOLDER

See indexer/compounds.py for what the lexicon holds.
"""

from __future__ import annotations

import sys
from pathlib import Path

from indexer.compounds import LEXICON_FILE, derive_lexicon
from indexer.textdata import DATA_DIR


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        sys.exit(__doc__)
    text = derive_lexicon(Path(argv[0]), Path(argv[1]))
    target = DATA_DIR / LEXICON_FILE
    target.write_text(text, encoding="utf-8")
    words, names = text.split("\n\n")
    print(f"{(words.count(' ') + words.count(chr(10)) + 1) // 2:,} words and "
          f"{names.count(' ') + names.count(chr(10)) + 1:,} names written to {target}")


if __name__ == "__main__":
    main(sys.argv[1:])
