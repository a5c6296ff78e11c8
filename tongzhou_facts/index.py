"""A validated base as an SQLite database: the records, and their search fields.

Every command reads a base through an `Index`: from the cache file when one is
fresh (cache.py), else built in memory from the TOML. One code path serves the
bundled base and a 100,000-record one alike; only the small rows a command needs
are decoded.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Generator, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, BinaryIO

from .escape import undecodable
from .model import Record, Source, record_from_dict

if TYPE_CHECKING:
    import signal

    from .load import Base

#: Bump when the schema below or the search fields change: old cache files are then ignored.
FORMAT_VERSION = "12"

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE records (
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
BATCH = 2000
#: The columns of the trigram index (the first of DOC_COLUMNS). The pinyin columns are not
#: in it: they triple the index's size and build time, and a Latin query scans them (in C).
FTS_COLUMNS = ("name", "en", "aliases", "tags", "quote", "extra")
DOC_COLUMNS = ("name", "en", "aliases", "tags", "quote", "extra", "py", "py_alias", "py_tags", "ini", "ini_alias")


class Index:
    """Read access to one (possibly merged) base."""

    def __init__(self, connection: sqlite3.Connection, origin: str = ":memory:") -> None:
        self.db = connection
        self.origin = origin
        self._sources: dict[str, Source] | None = None

    # ---------------------------------------------------------------- building

    @classmethod
    def build(cls, base: Base, target: str = ":memory:") -> Index:
        db = sqlite3.connect(target)
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.executescript(SCHEMA)
        meta = {
            "format": FORMAT_VERSION,
            "paths": json.dumps([os.path.abspath(p) for p in base.paths]),
            "sources": json.dumps([s.to_dict() for s in base.sources.values()], ensure_ascii=False, default=str),
        }
        db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        marks = ",".join("?" * (len(DOC_COLUMNS) + 1))
        fts_marks = ",".join("?" * (len(FTS_COLUMNS) + 1))
        batches = _prepared(base.records)
        try:
            for rows, docs in batches:  # in batches: a 100,000-record base stays in budget
                db.executemany("INSERT INTO records VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
                db.executemany(f"INSERT INTO docs VALUES ({marks})", docs)
                db.executemany(
                    f"INSERT INTO fts(rowid, {', '.join(FTS_COLUMNS)}) VALUES ({fts_marks})",
                    ((doc[0], *doc[1 : len(FTS_COLUMNS) + 1]) for doc in docs),
                )
                db.commit()  # FTS5 holds pending terms in memory until a commit
        except BaseException:
            batches.close()  # Ctrl-C or SIGTERM while writing: stop the workers now, not at exit
            db.close()
            raise
        db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
        db.commit()
        return cls(db, target)

    # ---------------------------------------------------------------- reading

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM records").fetchone()[0])

    def sources(self) -> dict[str, Source]:
        if self._sources is None:
            raw = self.db.execute("SELECT value FROM meta WHERE key='sources'").fetchone()
            items = json.loads(raw[0]) if raw else []
            self._sources = {
                s["id"]: Source(id=s["id"], title=s["title"], extra={k: v for k, v in s.items() if k not in ("id", "title")})
                for s in items
            }
        return self._sources

    def records(self, where: str = "", params: Sequence[Any] = ()) -> list[Record]:
        """Records in base order, optionally filtered by an SQL condition on `records`."""
        sql = "SELECT json FROM records" + (f" WHERE {where}" if where else "") + " ORDER BY n"
        return [record_from_dict(json.loads(row[0])) for row in self.db.execute(sql, params)]

    def rows(self, where: str = "", params: Sequence[Any] = ()) -> Iterator[tuple[int, Record]]:
        """(row number, record) pairs in base order, read as they are used: a million records
        never sit in memory together."""
        sql = "SELECT n, json FROM records" + (f" WHERE {where}" if where else "") + " ORDER BY n"
        for n, raw in self.db.execute(sql, params):
            yield n, record_from_dict(json.loads(raw))

    def fetch(self, numbers: Sequence[int]) -> Iterator[tuple[int, Record]]:
        """The rows with these numbers, in the order given (a sorted selection), read in chunks."""
        for chunk in _chunks(numbers, 500):
            found = self.by_numbers(chunk)
            for n in chunk:
                yield n, found[n]

    def counts(self, column: str) -> dict[Any, int]:
        """How many records have each value of a column (None: the record has none)."""
        if column not in ("kind", "category", "place", "unit", "year"):
            raise ValueError(column)
        return dict(self.db.execute(f"SELECT {column}, count(*) FROM records GROUP BY {column}").fetchall())

    def units(self, kind: str) -> set[str]:
        """The units the records of a kind are in."""
        return {
            row[0] for row in self.db.execute("SELECT DISTINCT unit FROM records WHERE kind = ? AND unit IS NOT NULL", (kind,))
        }

    def by_numbers(self, numbers: Sequence[int]) -> dict[int, Record]:
        found: dict[int, Record] = {}
        for chunk in _chunks(numbers, 500):
            marks = ",".join("?" * len(chunk))
            for n, raw in self.db.execute(f"SELECT n, json FROM records WHERE n IN ({marks})", chunk):
                found[n] = record_from_dict(json.loads(raw))
        return found

    def get(self, record_id: str) -> Record | None:
        if undecodable(record_id):
            return None  # a lone surrogate (an undecodable argument) is in no UTF-8 base
        row = self.db.execute("SELECT json FROM records WHERE id = ?", (record_id,)).fetchone()
        return record_from_dict(json.loads(row[0])) if row else None

    def ids_starting(self, prefix: str, limit: int) -> list[str]:
        """Up to `limit` ids that start with `prefix`, in id order (a range of the id index)."""
        from .nearest import after_prefix

        if undecodable(prefix):
            return []
        upper = after_prefix(prefix)
        sql = "SELECT id FROM records WHERE id >= ?" + (" AND id < ?" if upper is not None else "") + " ORDER BY id LIMIT ?"
        params = (prefix, upper, limit) if upper is not None else (prefix, limit)
        return [row[0] for row in self.db.execute(sql, params)]

    def existing_ids(self, candidates: Iterable[str]) -> list[str]:
        """Those of `candidates` that are ids of this base (an index look-up each)."""
        found: list[str] = []
        chosen = [c for c in candidates if not undecodable(c)]
        for start in range(0, len(chosen), 500):
            chunk = chosen[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found += [row[0] for row in self.db.execute(f"SELECT id FROM records WHERE id IN ({marks})", chunk)]
        return found

    def ids(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT id FROM records ORDER BY n")]

    def distinct(self, column: str) -> list[str]:
        if column not in ("kind", "category", "place", "unit", "year"):
            raise ValueError(column)
        sql = f"SELECT DISTINCT {column} FROM records WHERE {column} IS NOT NULL ORDER BY {column}"
        return [str(row[0]) for row in self.db.execute(sql)]

    def docs(self, numbers: Sequence[int]) -> Iterator[tuple[int, dict[str, str]]]:
        for chunk in _chunks(numbers, 500):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT n, {', '.join(DOC_COLUMNS)} FROM docs WHERE n IN ({marks})"
            for row in self.db.execute(sql, chunk):
                yield row[0], dict(zip(DOC_COLUMNS, row[1:], strict=True))

    def close(self) -> None:
        self.db.close()


#: The records being indexed, for forked workers (they inherit it; nothing is pickled out).
_RECORDS: list[Record] = []
PARALLEL_FROM = 20000  # records: below this a worker process costs more than it saves

Prepared = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]


def _prepare(span: tuple[int, int]) -> Prepared:
    """The `records` and `docs` rows of records[start:end] (numbered from start + 1)."""
    from .match.docs import searchable

    start, end = span
    rows = []
    docs = []
    for n, record in enumerate(_RECORDS[start:end], start + 1):
        data = record.to_dict()
        rows.append(
            (
                n,
                record.id,
                record.kind,
                record.year,
                data.get("category"),
                data.get("place"),
                data.get("date"),
                data.get("unit"),
                data.get("value"),
                json.dumps(data, ensure_ascii=False),
            )
        )
        fields = searchable(record)
        docs.append((n, *(fields[c] for c in DOC_COLUMNS)))
    return rows, docs


def _prepared(records: list[Record]) -> Generator[Prepared, None, None]:
    """Batches of rows, in order. A big base is prepared by two forked workers while this
    process writes: normalising and spelling 100,000 records is most of a cold build."""
    global _RECORDS
    spans = [(start, min(start + BATCH, len(records))) for start in range(0, len(records), BATCH)]
    _RECORDS = records
    try:
        workers = min(os.cpu_count() or 1, 2)
        if len(records) >= PARALLEL_FROM and workers > 1 and hasattr(os, "fork"):
            yield from _forked(spans, workers)
        else:
            for span in spans:
                yield _prepare(span)
    finally:
        _RECORDS = []


def _forked(spans: list[tuple[int, int]], workers: int) -> Generator[Prepared, None, None]:
    """`_prepare` of each span, in order, by `workers` forked processes: worker k prepares
    spans k, k + workers, … in turn and writes each batch to its own pipe as a pickle after
    its length; this process reads them back in span order.

    Plain fork and pipes rather than multiprocessing.Pool: a pool's workers share queue locks,
    and one killed while holding one (SIGTERM to the whole process group, as `kill %1`,
    systemd and `kill 0` send it) leaves Pool.terminate() waiting for the lock forever. Here
    nothing is shared: a worker that ends early is an end of file, and its spans are prepared
    here instead; when this process stops (an error, Ctrl-C, SIGTERM, or the consumer closing
    this generator) it kills and reaps every worker before the exception goes on.
    """
    import signal

    held = {signal.SIGINT, signal.SIGTERM}
    pids: list[int] = []
    readers: list[BinaryIO | None] = []
    try:
        # Ctrl-C and SIGTERM wait until every worker exists and is known (to be killed): a
        # worker never runs this process's handlers, and none is left unknown by a signal
        # that lands between fork() and the line that records its pid.
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
        try:
            for number in range(workers):
                readers.append(_fork_worker(spans[number::workers], readers, pids, held))
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)  # one held since is raised here
        for number, span in enumerate(spans):
            reader = readers[number % workers]
            batch = _receive(reader) if reader is not None else None
            if batch is None:  # no worker, or it ended early: its spans are prepared here
                if reader is not None:
                    reader.close()
                    readers[number % workers] = None
                batch = _prepare(span)
            yield batch
    finally:
        _end_workers(pids, readers, held)


def _fork_worker(
    spans: list[tuple[int, int]], readers: list[BinaryIO | None], pids: list[int], held: set[signal.Signals]
) -> BinaryIO | None:
    """Fork one worker for `spans` (called with Ctrl-C and SIGTERM blocked); the read end of
    its pipe, or None when no process could be made (its spans are then prepared here)."""
    import pickle
    import signal

    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the worker: it never returns, and never runs this process's cleanups
        status = 1
        try:
            # Ctrl-C reaches the whole process group: it is the parent's to handle (the
            # worker's KeyboardInterrupt would print a traceback). SIGTERM just ends it.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, held)
            os.close(read_end)
            for other in readers:  # the other workers' pipes are the parent's
                if other is not None:
                    os.close(other.fileno())
            with open(write_end, "wb") as out:
                for span in spans:
                    data = pickle.dumps(_prepare(span), pickle.HIGHEST_PROTOCOL)
                    out.write(len(data).to_bytes(8, "little"))
                    out.write(data)
            status = 0
        finally:
            os._exit(status)  # an error (the parent gone: a broken pipe) just ends the worker
    pids.append(pid)
    os.close(write_end)  # the worker's alone: its end of file is the pipe's
    return open(read_end, "rb")


def _receive(reader: BinaryIO) -> Prepared | None:
    """The next batch a worker wrote, or None when it ended before writing all of it."""
    import pickle

    header = reader.read(8)
    if len(header) < 8:
        return None
    size = int.from_bytes(header, "little")
    data = reader.read(size)
    if len(data) < size:
        return None
    batch: Prepared = pickle.loads(data)
    return batch


def _end_workers(pids: list[int], readers: list[BinaryIO | None], held: set[signal.Signals]) -> None:
    """Kill and reap every worker (done or not), with Ctrl-C and SIGTERM held meanwhile, so
    that a second signal cannot leave one running or unreaped; a held one is raised after."""
    import signal

    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        for pid in pids:
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)
        for reader in readers:
            if reader is not None:
                with contextlib.suppress(OSError):
                    reader.close()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _chunks(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
