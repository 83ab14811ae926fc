"""Where Vraagbaak looks when not told: the index folder and the folders of sources.

Light on purpose (no Whoosh): the command line declares its options' defaults from these before
any command runs, and `vraagbaak --help` needs nothing more."""

DEFAULT_INDEX_DIR = "index_data"
DEFAULT_SOURCES = ("seeds",)
