"""`facts export --format sqlite`: the base as a database any SQL tool or Datasette opens, and
that `facts -f base.db` reads as a base with no TOML to parse (database.py).

The file holds two faces of the same records:

- for people and SQL tools, `records` (plain columns; lists as JSON), `sources`, and
  `records_fts`, an FTS5 index over names, aliases and quotes with the trigram tokenizer, so
  Chinese substrings are searchable (`WHERE records_fts MATCH '异质结'`); `datasette_metadata`
  describes them for Datasette (title, sources, licence, each column, full-text search);
- for `facts`, the index it searches (index_schema.py: `meta`, `entries`, `docs`, `fts`, `postings`),
  copied as it is, less the cache's notes about the files it was built from (their paths).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from typing import Any

from . import __version__
from .errors import UsageError
from .index import Index
from .model import FIELD_ORDER, Record

LIST_KEYS = {"aliases", "tags", "companies", "people", "related", "evidence", "qualifier"}
#: The cache's notes about the files an index was built from: not for publishing.
CACHE_NOTES = ("key", "built", "fingerprints", "counts", "paths")
#: The `meta` key that marks an export (its value: the version of facts that wrote it).
EXPORTED = "exported_by"
#: facts's own tables, which Datasette need not show.
INDEX_TABLES = ("meta", "entries", "docs", "postings")


def write_sqlite(index: Index, path: str) -> int:
    """Write the database at `path` (a new or empty file: `files.writing` chooses it); the record count."""
    try:
        index.copy_to(path)
        _write(index, (record for _, record in index.rows()), path)
    except sqlite3.Error as exc:
        raise UsageError(f"cannot write the database: {exc}") from None
    return index.count()


def _write(index: Index, records: Iterable[Record], path: str) -> None:
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA journal_mode=OFF")  # a temporary file: no journal to leave behind if killed
        for table in ("records_fts", "records", "sources"):  # a copy of an export has them: written anew
            db.execute(f"DROP TABLE IF EXISTS {table}")
        marks = ", ".join("?" * len(CACHE_NOTES))
        db.execute(f"DELETE FROM meta WHERE key IN ({marks})", CACHE_NOTES)
        db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (EXPORTED, __version__))
        columns = list(FIELD_ORDER)
        definitions = ", ".join(f"[{c}] {_sql_type(c)}" for c in columns)
        db.execute(f"CREATE TABLE records ({definitions})")
        db.execute("CREATE TABLE sources (id TEXT PRIMARY KEY, title TEXT, json TEXT)")
        marks = ", ".join("?" * len(columns))
        db.executemany(f"INSERT INTO records VALUES ({marks})", (_row(record, columns) for record in records))
        db.executemany(
            "INSERT INTO sources VALUES (?, ?, ?)",
            [(s.id, s.title, json.dumps(s.to_dict(), ensure_ascii=False, default=str)) for s in index.sources().values()],
        )
        # content="records" in double quotes: the form Datasette looks for to find a table's FTS index.
        db.execute(
            'CREATE VIRTUAL TABLE records_fts USING fts5(name, name_en, aliases, quote, content="records", tokenize="trigram")'
        )
        db.execute(
            "INSERT INTO records_fts(rowid, name, name_en, aliases, quote) "
            "SELECT rowid, name, name_en, aliases, quote FROM records"
        )
        db.commit()
        db.execute("VACUUM")  # the cache notes and the copy's free pages: a file to publish is compact
    finally:
        db.close()


def _row(record: Record, columns: list[str]) -> list[Any]:
    data = record.to_dict()
    return [
        json.dumps(data.get(c), ensure_ascii=False) if c in LIST_KEYS and data.get(c) is not None else data.get(c)
        for c in columns
    ]


def _sql_type(column: str) -> str:
    if column == "id":
        return "TEXT PRIMARY KEY"
    if column in ("value", "investment", "capacity"):
        return "REAL"
    if column in ("year", "phases"):
        return "INTEGER"
    return "TEXT"


# ---------------------------------------------------------------------------- Datasette


def metadata_path(database: str) -> str:
    """Where the Datasette metadata of the database at `database` goes: beside it, named after it
    (`base.db` -> `base.metadata.json`), so two exports in one folder keep one each."""
    stem, _ = os.path.splitext(database)
    return stem + ".metadata.json"


def datasette_metadata(index: Index, database: str, *, licence: str | None = None) -> dict[str, Any]:
    """Datasette's metadata for the export at `database`: the title, the sources, the licence
    (when known: the bundled base's), what each table and column holds, and the full-text
    search of `records`, so `datasette base.db -m base.metadata.json` is a searchable site."""
    sources = list(index.sources().values())
    name = os.path.splitext(os.path.basename(database))[0]
    records = {
        "description": (
            "One fact a row: a metric, a project or a milestone, each with its source and the source's own sentence (quote)."
        ),
        "label_column": "name",
        "fts_table": "records_fts",
        "fts_pk": "rowid",
        "columns": {column: text for column, text in _column_descriptions().items() if column in FIELD_ORDER},
    }
    tables: dict[str, Any] = {
        "records": records,
        "sources": {
            "description": (
                "The documents the facts are drawn from; `json` holds every key (author, date, SHA-256 of the text, notes)."
            ),
            "columns": {"id": "The source's id, as records.source names it", "title": "The title", "json": "Every key, as JSON"},
        },
        "records_fts": {"description": "The full-text index of records (trigram: any 3 characters of a Chinese word)."},
        **{table: {"hidden": True} for table in INDEX_TABLES},
    }
    metadata: dict[str, Any] = {
        "title": _title(sources),
        "description": f"{index.count()} facts, each with its source and a verbatim quote from it (facts {__version__}).",
        "source": "; ".join(s.title for s in sources),
    }
    urls = [str(s.extra["url"]) for s in sources if s.extra.get("url")]
    if len(urls) == 1:
        metadata["source_url"] = urls[0]
    if licence:
        metadata["license"] = licence
    metadata["databases"] = {name: {"tables": tables}}
    return metadata


def _title(sources: list[Any]) -> str:
    if len(sources) == 1:
        return str(sources[0].extra.get("title_en") or sources[0].title)
    return f"facts from {len(sources)} sources"


def _column_descriptions() -> dict[str, str]:
    from importlib.resources import files

    text = files("tongzhou_facts").joinpath("data").joinpath("columns.tsv").read_text(encoding="utf-8")
    pairs = (line.split("\t", 1) for line in text.splitlines() if line and not line.startswith("#"))
    return {name: description for name, description in pairs}
