"""The index database's tables and columns, and the version that names them.

Read by index.py (which queries these tables) and build.py (which writes them); the
cache keys its files by FORMAT_VERSION.
"""

from __future__ import annotations

#: Bump when the schema below or the search fields (match/fields.py) change: old cache
#: files are then ignored.
FORMAT_VERSION = "20"

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entries (
    n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, year INTEGER NOT NULL,
    category TEXT, place TEXT, date TEXT, unit TEXT, value REAL, json TEXT NOT NULL,
    investment REAL, capacity REAL
);
CREATE INDEX entries_value ON entries(value);
CREATE INDEX entries_investment ON entries(investment);
CREATE INDEX entries_capacity ON entries(capacity);
CREATE TABLE docs (
    n INTEGER PRIMARY KEY, name TEXT, en TEXT, aliases TEXT, tags TEXT, quote TEXT, extra TEXT,
    py TEXT, py_alias TEXT, py_tags TEXT, ini TEXT, ini_alias TEXT, ini_tags TEXT
);
CREATE VIRTUAL TABLE fts USING fts5(name, en, aliases, tags, quote, extra, content='', tokenize='trigram');
CREATE VIRTUAL TABLE fts_py USING fts5(py, py_alias, py_tags, ini, ini_alias, ini_tags, content='', tokenize='trigram');
CREATE VIRTUAL TABLE fts_vocab USING fts5vocab(fts, 'row');
CREATE VIRTUAL TABLE fts_columns USING fts5vocab(fts, 'col');
CREATE VIRTUAL TABLE fts_py_vocab USING fts5vocab(fts_py, 'row');
CREATE TABLE postings (
    col INTEGER NOT NULL, len INTEGER NOT NULL, first TEXT NOT NULL, last TEXT NOT NULL, vals TEXT NOT NULL,
    ends BLOB NOT NULL, rows BLOB NOT NULL
);
CREATE INDEX postings_values ON postings(col, len, first, last);
"""
#: `value`, `investment` and `capacity` are indexed: a search for a number reads the records
#: whose figure it is (Index.amounts_equal) without a scan.
#: The columns of `entries` a selection may filter on, count or list the values of.
FILTER_COLUMNS = ("kind", "category", "place", "unit", "year")
#: The search fields of a record: the columns of `docs` (match/fields.py fills them).
DOC_COLUMNS = ("name", "en", "aliases", "tags", "quote", "extra", "py", "py_alias", "py_tags", "ini", "ini_alias", "ini_tags")
#: The columns of the trigram index `fts` (the first of DOC_COLUMNS), and of `fts_py` (the rest:
#: pinyin and initials). Both are contentless and index each field *wrapped*: a SEPARATOR
#: before and after every value (build.py writes them so), so the index also answers "a value equals
#: X" (the phrase SEP X SEP) and "a value starts with X" (SEP X), even for a two-character X:
#: the first tiers of the ranking (match/rank.py) are index look-ups, not scans.
FTS_COLUMNS = ("name", "en", "aliases", "tags", "quote", "extra")
PINYIN_FTS_COLUMNS = ("py", "py_alias", "py_tags", "ini", "ini_alias", "ini_tags")
#: The index table that holds each search column (its trigrams: the table + "_vocab").
FTS_TABLE = {**dict.fromkeys(FTS_COLUMNS, "fts"), **dict.fromkeys(PINYIN_FTS_COLUMNS, "fts_py")}
#: The value index `postings` (postings.py writes it, index.py reads it): the values of these
#: columns (`col`: the column's place in DOC_COLUMNS) with the rows holding each, in blocks: a
#: block holds values of one length (`len`), consecutive in binary order, from `first` to `last`;
#: `vals` are they, joined by SEPARATOR; `rows` the rows of each in turn, ascending, and `ends`
#: where each one's rows end (both 4-byte unsigned integers, little-endian). It answers "a value
#: equals X" and "a value starts with X" in a field ranked whole (rank.py tiers 0 and 1) by a
#: B-tree range, length by length, shortest first, stopping at the limit: a common prefix
#: (川姜, chuanjiang) costs what a rare one does. The trigram tables answer "contains", and the
#: first tiers of the quote and extra text (long values, never the best match of a query that
#: many records share). An ordinary table with an index, not a WITHOUT ROWID one: a B-tree
#: whose cells hold the rows would read a cell's every overflow page to compare its key.
POSTING_COLUMNS = ("name", "en", "aliases", "tags", "py", "py_alias", "py_tags", "ini", "ini_alias")
#: POSTING_COLUMNS in the groups postings.py collects rows by: a name with its pinyin and
#: initials, the English name, the aliases with theirs, the tags with their pinyin.
POSTING_GROUPS = (("name", "py", "ini"), ("en",), ("aliases", "py_alias", "ini_alias"), ("tags", "py_tags"))
#: The `array` code of the value index's integers: 4-byte unsigned wherever CPython runs.
POSTING_CODE = "I"
#: The `meta` key of the lengths of each column's values in the value index, as JSON
#: ({col: [lengths, ascending]}): a look-up reads only lengths that exist.
POSTING_LENGTHS = "posting_lengths"


#: Between the values of a search field (match/normalize.py takes it from here, so reading an
#: index needs no text normalisation), and, in a text the index looks up, any one character
#: (index.py `_expressions`). Private-use characters no search field holds: normalising makes
#: the fields' own into spaces, and a query's too (match.normalize.query_text).
SEPARATOR = "\ue000"
GAP = "\ue002"
#: Before and after every number in the search fields that are looked up as typed (not the
#: pinyin ones), and in a query's numbers (match/normalize.py `numbered`): a number is then
#: found whole, never inside another (1730 is not in 17300, 100 not in 前1000).
NUMBER = "\ue003"
