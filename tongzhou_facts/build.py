"""Writing the index of a base: its records, their search fields and the trigram index.

`Index.build` (index.py) calls `write_index` and opens the result. Most of a cold build
is preparing the search fields of each record (match/fields.py); a big base is prepared
by forked workers while this process writes.
"""

from __future__ import annotations

import contextlib
import json
import operator
import os
import re
import sqlite3
from collections.abc import Generator
from typing import TYPE_CHECKING, Any, BinaryIO

from . import postings
from .index_schema import DOC_COLUMNS, FORMAT_VERSION, FTS_COLUMNS, PINYIN_FTS_COLUMNS, SCHEMA, SEPARATOR
from .load import gc_paused
from .match.fields import searchable
from .model import Base, Record

if TYPE_CHECKING:
    import signal

#: Records prepared and written at a time: a 100,000-record base stays within its memory budget.
BATCH = 2000


def write_index(base: Base, target: str = ":memory:") -> sqlite3.Connection:
    """Write the index of `base` to `target` (a new file, or memory); the open connection."""
    db = sqlite3.connect(target)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    tables, indexes = _schema_parts(SCHEMA)
    db.executescript(tables)
    meta = {
        "format": FORMAT_VERSION,
        "paths": json.dumps([os.path.abspath(p) for p in base.paths]),
        "sources": json.dumps([s.to_dict() for s in base.sources.values()], ensure_ascii=False, default=str),
    }
    db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    marks = ",".join("?" * (len(DOC_COLUMNS) + 1))
    for table in ("fts", "fts_py"):  # no merging while loading: at most FTS_SEGMENTS segments, or one at the end
        db.execute(f"INSERT INTO {table}({table}, rank) VALUES ('automerge', 0)")
        db.execute(f"INSERT INTO {table}({table}, rank) VALUES ('hashsize', {FTS_HASH_BYTES})")
    batches = _prepared(base.records)
    batches = postings.collected(batches, db)  # and the value index when they are through
    indexed = 0  # the rows of `docs` in the trigram tables so far
    try:
        for rows, docs in batches:  # in batches: a 100,000-record base stays in budget
            db.executemany("INSERT INTO entries VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
            db.executemany(f"INSERT INTO docs VALUES ({marks})", docs)
            if docs and docs[-1][0] - indexed >= FTS_BATCH:
                indexed = _index_docs(db, indexed, docs[-1][0])
        _index_docs(db, indexed, None)
        for statement in indexes:
            db.execute(statement)
    except BaseException:
        batches.close()  # Ctrl-C or SIGTERM while writing: stop the workers now, not at exit
        db.close()
        raise
    if len(base.records) > FTS_BATCH * FTS_SEGMENTS:  # many segments: merged into one
        db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
        db.execute("INSERT INTO fts_py(fts_py) VALUES ('optimize')")
    for table in ("fts", "fts_py"):  # the build's setting, not the index's: the file holds what it held before
        db.execute(f"DELETE FROM {table}_config WHERE k = 'hashsize'")
    db.commit()
    return db


def _schema_parts(schema: str) -> tuple[str, list[str]]:
    """The schema without its `CREATE INDEX` statements, and those statements: an index is made
    after the rows are in (one sort), not kept up row by row as they come (a tenth of writing
    `entries`). The same statements: the file's schema reads the same."""
    indexes = re.findall(r"CREATE INDEX [^;]*;", schema)
    for statement in indexes:
        schema = schema.replace(statement, "")
    return schema, indexes


#: Records added to the trigram tables at a time, then committed: FTS5 holds their terms in
#: memory until a commit, and fewer, bigger commits write fewer segments to merge.
FTS_BATCH = 10000
#: Segments (batches) a trigram table may keep unmerged: a look-up reads each, and reading 10
#: cost no more than reading one merged (measured at 100,000 records), while merging them costs
#: a tenth of the build. A bigger base is merged once, at the end.
FTS_SEGMENTS = 10
#: The terms FTS5 holds in memory before it writes them out as a segment (its 'hashsize'; 1 MB
#: by default): with the default, a batch of FTS_BATCH records was written as 2-4 segments
#: rather than one, and writing and then reading those cost a fifth of filling the tables.
#: The memory is what a batch's terms take (a few megabytes), not this bound. Set for the
#: build only: the setting is taken out of the file's config table at the end.
FTS_HASH_BYTES = 16 << 20


def _index_docs(db: sqlite3.Connection, after: int, last: int | None) -> int:
    """Add the rows of `docs` numbered after `after` (up to `last`, or all) to both trigram
    tables, each field wrapped in separators (index_schema.py), done in SQL; commit.
    The last row number added."""
    upto = last if last is not None else int(db.execute("SELECT coalesce(max(n), 0) FROM docs").fetchone()[0])
    for table, columns in (("fts", FTS_COLUMNS), ("fts_py", PINYIN_FTS_COLUMNS)):
        values = ", ".join(f"CASE WHEN {c} = '' THEN '' ELSE :sep || {c} || :sep END" for c in columns)
        sql = f"INSERT INTO {table}(rowid, {', '.join(columns)}) SELECT n, {values} FROM docs WHERE n > :after AND n <= :upto"
        db.execute(sql, {"sep": SEPARATOR, "after": after, "upto": upto})
    db.commit()  # FTS5 holds pending terms in memory until a commit
    return upto


#: The records being indexed, for forked workers (they inherit it; nothing is pickled out).
_RECORDS: list[Record] = []
PARALLEL_FROM = 20000  # records: below this a worker process costs more than it saves

Prepared = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]
#: One encoder for every record: json.dumps with an option builds a new one per call.
_to_json = json.JSONEncoder(ensure_ascii=False).encode


def _prepare(span: tuple[int, int]) -> Prepared:
    """The `entries` and `docs` rows of records[start:end] (numbered from start + 1)."""
    start, end = span
    rows = []
    docs = []
    for n, record in enumerate(_RECORDS[start:end], start + 1):
        data = record.to_dict()
        get = data.get
        rows.append(
            (
                n,
                record.id,
                record.kind,
                record.year,
                get("category"),
                get("place"),
                get("date"),
                get("unit"),
                get("value"),
                _to_json(data),
                get("investment"),
                get("capacity"),
            )
        )
        docs.append((n, *_in_columns(searchable(record))))
    return rows, docs


#: A record's search fields in the order of the `docs` columns (a tuple, taken in C).
_in_columns = operator.itemgetter(*DOC_COLUMNS)


def _prepared(records: list[Record]) -> Generator[Prepared, None, None]:
    """Batches of rows, in order. A big base is prepared by two forked workers while this
    process writes: normalising and spelling 100,000 records is most of a cold build."""
    global _RECORDS
    spans = [(start, min(start + BATCH, len(records))) for start in range(0, len(records), BATCH)]
    _RECORDS = records
    try:
        with gc_paused():  # see load.gc_paused
            workers = min(_usable_cpus(), 2)
            if len(records) >= PARALLEL_FROM and workers > 1 and hasattr(os, "fork"):
                yield from _forked(spans, workers)
            else:
                for span in spans:
                    yield _prepare(span)
    finally:
        _RECORDS = []


def _usable_cpus() -> int:
    """The CPUs this process may run on (`taskset -c 0`, a container's cpuset: one), not the
    machine's: on one CPU forked workers only add their pickling to the same core's work."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1  # pragma: no cover - macOS and Windows have no affinity call


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
