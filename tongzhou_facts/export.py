"""`facts export --format sqlite`: the base as a database any SQL tool or Datasette opens.

Unlike the cache (normalised search columns), this is a table of records with plain
columns, and `records_fts`, an FTS5 index over names, aliases and quotes with the
trigram tokenizer, so Chinese substrings are searchable (`WHERE records_fts MATCH '异质结'`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from .errors import UsageError
from .index import Index
from .model import FIELD_ORDER, Record

LIST_KEYS = {"aliases", "tags", "companies", "people", "related", "evidence", "qualifier"}


def write_sqlite(index: Index, path: str) -> int:
    """Write the database at `path` (a new or empty file: `files.writing` chooses it); the record count."""
    try:
        _write(index, (record for _, record in index.rows()), path)
    except sqlite3.Error as exc:
        raise UsageError(f"cannot write the database: {exc}") from None
    return index.count()


def _write(index: Index, records: Iterable[Record], path: str) -> None:
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA journal_mode=OFF")  # a temporary file: no journal to leave behind if killed
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
        db.execute(
            "CREATE VIRTUAL TABLE records_fts USING fts5(name, name_en, aliases, quote, content='records', tokenize='trigram')"
        )
        db.execute(
            "INSERT INTO records_fts(rowid, name, name_en, aliases, quote) "
            "SELECT rowid, name, name_en, aliases, quote FROM records"
        )
        db.commit()
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
