"""The index build.py writes holds exactly what the obvious, slow build would write (issue 14).

The cold build was made faster (remembered values, one pass for pinyin and initials, FTS5's
terms held in memory for a whole batch, the trigram tables filled in SQL by batches): none of
that may change what the index holds. Here a reference index is written the straightforward
way, one record at a time (its search fields from tests/reference_fields.py, each row added to
the trigram tables by its own INSERT), and every table is compared with build.write_index's:
the rows of `entries`, `docs` and `meta`, the trigram tables' every term, row, column and
offset (fts5vocab 'instance'), their row sizes and totals, and their configuration. The value
index (`postings`, and its lengths in `meta`) is written from `docs`, which is compared here;
tests/test_index.py checks it holds every value of every row, and only those.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from tongzhou_facts.build import write_index
from tongzhou_facts.index_schema import DOC_COLUMNS, FORMAT_VERSION, FTS_COLUMNS, PINYIN_FTS_COLUMNS, SCHEMA, SEPARATOR
from tongzhou_facts.load import load
from tongzhou_facts.model import Base

from .test_cold_build import reference_searchable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402


def reference_index(base: Base, path: Path) -> sqlite3.Connection:
    """The index of `base`, written one record at a time, as plainly as it can be."""
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    for table in ("fts", "fts_py"):  # the index has always kept this setting of its build
        db.execute(f"INSERT INTO {table}({table}, rank) VALUES ('automerge', 0)")
    sources = json.dumps([s.to_dict() for s in base.sources.values()], ensure_ascii=False, default=str)
    db.executemany("INSERT INTO meta VALUES (?, ?)", [("format", FORMAT_VERSION), ("sources", sources)])
    for n, record in enumerate(base.records, 1):
        data = record.to_dict()
        columns = ("category", "place", "date", "unit", "value")
        row = (n, record.id, record.kind, record.year, *(data.get(c) for c in columns), json.dumps(data, ensure_ascii=False))
        db.execute("INSERT INTO entries VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", (*row, data.get("investment"), data.get("capacity")))
        fields = reference_searchable(record)
        db.execute(f"INSERT INTO docs VALUES ({','.join('?' * (len(DOC_COLUMNS) + 1))})", (n, *(fields[c] for c in DOC_COLUMNS)))
        for table, names in (("fts", FTS_COLUMNS), ("fts_py", PINYIN_FTS_COLUMNS)):
            wrapped = [SEPARATOR + fields[c] + SEPARATOR if fields[c] else "" for c in names]
            db.execute(f"INSERT INTO {table}(rowid, {', '.join(names)}) VALUES (?{',?' * len(names)})", (n, *wrapped))
    db.commit()
    return db


def contents(db: sqlite3.Connection) -> dict[str, list[Any]]:
    """Every table's rows, in a fixed order (the trigram tables' through fts5vocab)."""
    for table in ("fts", "fts_py"):
        db.execute(f"CREATE VIRTUAL TABLE temp.{table}_instances USING fts5vocab(main, {table}, 'instance')")
    queries = {
        "schema": "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name",
        "meta": "SELECT * FROM meta WHERE key NOT IN ('paths', 'posting_lengths') ORDER BY key",
        "entries": "SELECT * FROM entries ORDER BY n",
        "docs": "SELECT * FROM docs ORDER BY n",
        "by value": "SELECT n FROM entries INDEXED BY entries_value WHERE value IS NOT NULL ORDER BY value, n",
    }
    for table in ("fts", "fts_py"):
        queries[f"{table} config"] = f"SELECT * FROM {table}_config ORDER BY k"
        queries[f"{table} sizes"] = f"SELECT * FROM {table}_docsize ORDER BY id"
        queries[f"{table} totals"] = f"SELECT block FROM {table}_data WHERE id = 1"  # rows and tokens, by column
        queries[f"{table} terms"] = f"SELECT * FROM temp.{table}_instances ORDER BY term, doc, col, offset"
    return {name: db.execute(sql).fetchall() for name, sql in queries.items()}


def assert_same_index(base: Base, tmp_path: Path) -> None:
    built = write_index(base, str(tmp_path / "built.db"))
    reference = reference_index(base, tmp_path / "reference.db")
    try:
        found, expected = contents(built), contents(reference)
        for name, rows in expected.items():
            assert found[name] == rows, name
    finally:
        built.close()
        reference.close()


def test_the_bundled_base_is_indexed_as_the_reference_indexes_it(tmp_path: Path) -> None:
    assert_same_index(load(), tmp_path)


@pytest.mark.parametrize("seed", [0, 5])
def test_a_generated_base_is_indexed_as_the_reference_indexes_it(tmp_path: Path, seed: int) -> None:
    path = tmp_path / "base.toml"
    path.write_text(generate(2000, seed), encoding="utf-8")
    assert_same_index(load(path), tmp_path)
