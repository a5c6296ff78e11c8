"""The index database's tables and columns, and the version that names them.

Read by index.py (which queries these tables) and build.py (which writes them); the
cache keys its files by FORMAT_VERSION.
"""

from __future__ import annotations

#: Bump when the schema below or the search fields (match/fields.py) change: old cache
#: files are then ignored.
FORMAT_VERSION = "13"

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entries (
    n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, year INTEGER NOT NULL,
    category TEXT, place TEXT, date TEXT, unit TEXT, value REAL, json TEXT NOT NULL
);
CREATE TABLE docs (
    n INTEGER PRIMARY KEY, name TEXT, en TEXT, aliases TEXT, tags TEXT, quote TEXT, extra TEXT,
    py TEXT, py_alias TEXT, py_tags TEXT, ini TEXT, ini_alias TEXT
);
CREATE VIRTUAL TABLE fts USING fts5(
    name, en, aliases, tags, quote, extra,
    content='docs', content_rowid='n', tokenize='trigram'
);
"""
#: The columns of `entries` a selection may filter on, count or list the values of.
FILTER_COLUMNS = ("kind", "category", "place", "unit", "year")
#: The search fields of a record: the columns of `docs` (match/fields.py fills them).
DOC_COLUMNS = ("name", "en", "aliases", "tags", "quote", "extra", "py", "py_alias", "py_tags", "ini", "ini_alias")
#: The columns of the trigram index (the first of DOC_COLUMNS). The pinyin columns are not
#: in it: they triple the index's size and build time, and a Latin query scans them (in C).
FTS_COLUMNS = ("name", "en", "aliases", "tags", "quote", "extra")
