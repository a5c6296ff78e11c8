"""Read access to a base as an SQLite database: its records, and their search fields.

Every command reads a base through an `Index`: from the cache file when one is
fresh (cache.py), else built in memory from the TOML (build.py writes it). One code
path serves the bundled base and a 100,000-record one alike; only the small rows a
command needs are decoded. Every SQL query of the program is a method here (the
writing of the index is in build.py, and the cache's notes in `meta` are the one thing
written here): the callers ask for what they need by name, and pass no SQL.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .escape import undecodable
from .index_schema import (
    DOC_COLUMNS,
    FILTER_COLUMNS,
    FTS_COLUMNS,
    FTS_TABLE,
    GAP,
    POSTING_CODE,
    POSTING_COLUMNS,
    POSTING_LENGTHS,
    SEPARATOR,
)
from .model import Record, Source, record_from_dict

if TYPE_CHECKING:
    from array import array

    from .model import Base

#: Numbers (or ids) per `IN (…)` query: far below SQLite's limit on parameters.
CHUNK = 500
#: Bytes written as themselves in a `file:` URI; everything else is %XX (RFC 3986 unreserved, and `/`).
_URI_SAFE = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/"


class Index:
    """Read access to one (possibly merged) base."""

    def __init__(self, connection: sqlite3.Connection, origin: str = ":memory:") -> None:
        self._db = connection
        self.origin = origin
        self._sources: dict[str, Source] | None = None
        self._trigram_columns: dict[str, set[str]] = {}  # a trigram -> the columns of `fts` holding it
        self._lengths: dict[int, list[int]] = {}  # a column of the value index -> the lengths of its values

    # ---------------------------------------------------------------- opening

    @classmethod
    def build(cls, base: Base, target: str = ":memory:") -> Index:
        """The index of `base`, written to `target` (a new file, or memory) by build.py."""
        from .build import write_index

        return cls(write_index(base, target), target)

    @classmethod
    def open(cls, path: str, *, writable: bool = False) -> Index:
        """An index file as it is: read-only and immutable (SQLite then takes no lock and looks
        for no journal beside it, where a FIFO would block), or `writable` (a private copy).
        Raises sqlite3.Error when the file cannot be opened."""
        if writable:
            return cls(sqlite3.connect(path), path)
        return cls(sqlite3.connect(sqlite_uri(path, "mode=ro&immutable=1"), uri=True), path)

    def close(self) -> None:
        self._db.close()

    def copy_to(self, path: str) -> None:
        """Copy the whole index into the database file at `path` (SQLite's online backup: page by
        page, whatever this one was opened as: memory, a read-only cache file)."""
        target = sqlite3.connect(path)
        try:
            self._db.backup(target)
        finally:
            target.close()

    # ---------------------------------------------------------------- the cache's notes

    def meta(self, keys: Collection[str]) -> dict[str, str]:
        """The values of these keys of the `meta` table (what build.py and the cache note), those present."""
        marks = ",".join("?" * len(keys))
        return dict(self._db.execute(f"SELECT key, value FROM meta WHERE key IN ({marks})", tuple(keys)).fetchall())

    def set_meta(self, items: Mapping[str, str]) -> None:
        """Add or change keys of the `meta` table, and commit."""
        sql = "INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value"
        self._db.executemany(sql, items.items())
        self._db.commit()

    # ---------------------------------------------------------------- records

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM entries").fetchone()[0])

    def sources(self) -> dict[str, Source]:
        if self._sources is None:
            raw = self._db.execute("SELECT value FROM meta WHERE key='sources'").fetchone()
            items = json.loads(raw[0]) if raw else []
            self._sources = {
                s["id"]: Source(id=s["id"], title=s["title"], extra={k: v for k, v in s.items() if k not in ("id", "title")})
                for s in items
            }
        return self._sources

    def records(self) -> list[Record]:
        """Every record, in base order (all in memory: `rows` streams them)."""
        return [record for _, record in self.rows()]

    def rows(self) -> Iterator[tuple[int, Record]]:
        """(row number, record) pairs in base order, read as they are used: a million records
        never sit in memory together."""
        return self.select()

    def select(
        self,
        *,
        kind: str | None = None,
        year: int | None = None,
        category: str | None = None,
        place: str | None = None,
        unit: str | None = None,
    ) -> Iterator[tuple[int, Record]]:
        """The (row number, record) pairs matching every filter given, in base order, read as used."""
        where, params = _filters(kind=kind, year=year, category=category, place=place, unit=unit)
        for n, raw in self._db.execute(f"SELECT n, json FROM entries{where} ORDER BY n", params):
            yield n, record_from_dict(json.loads(raw))

    def numbers(self, *, kind: str | None = None, year: int | None = None) -> set[int]:
        """The row numbers of the records of this kind and year (either may be None: any)."""
        where, params = _filters(kind=kind, year=year)
        return {row[0] for row in self._db.execute(f"SELECT n FROM entries{where}", params)}

    def fetch(self, numbers: Sequence[int]) -> Iterator[tuple[int, Record]]:
        """The rows with these numbers, in the order given (a sorted selection), read in chunks."""
        for chunk in _chunks(numbers, CHUNK):
            found = self.by_numbers(chunk)
            for n in chunk:
                yield n, found[n]

    def by_numbers(self, numbers: Sequence[int]) -> dict[int, Record]:
        """The records with these row numbers, by number."""
        found: dict[int, Record] = {}
        for chunk in _chunks(numbers, CHUNK):
            marks = ",".join("?" * len(chunk))
            for n, raw in self._db.execute(f"SELECT n, json FROM entries WHERE n IN ({marks})", chunk):
                found[n] = record_from_dict(json.loads(raw))
        return found

    def amounts_equal(self, numbers: Sequence[float]) -> list[tuple[int, str, float, str]]:
        """(row, field, amount, unit) of every value, investment or capacity equal to one of
        `numbers` (the unit '' when none is given), in row order: a search's figures (match/amounts.py)."""
        marks = ",".join("?" * len(numbers))
        columns = ", ".join(f"{amount}, coalesce({unit}, '')" for amount, unit in _FIGURES.values())
        where = " OR ".join(f"{amount} IN ({marks})" for amount, _ in _FIGURES.values())
        sql = f"SELECT n, {columns} FROM entries WHERE {where} ORDER BY n"
        found = []
        for n, *pairs in self._db.execute(sql, list(numbers) * len(_FIGURES)):
            for field, amount, unit in zip(_FIGURES, pairs[::2], pairs[1::2], strict=True):
                if amount is not None and amount in numbers:
                    found.append((n, field, float(amount), str(unit)))
        return found

    def get(self, record_id: str) -> Record | None:
        if undecodable(record_id):
            return None  # a lone surrogate (an undecodable argument) is in no UTF-8 base
        row = self._db.execute("SELECT json FROM entries WHERE id = ?", (record_id,)).fetchone()
        return record_from_dict(json.loads(row[0])) if row else None

    # ---------------------------------------------------------------- columns and ids

    def counts(self, column: str) -> dict[Any, int]:
        """How many records have each value of a column (None: the record has none)."""
        _check_column(column)
        return dict(self._db.execute(f"SELECT {column}, count(*) FROM entries GROUP BY {column}").fetchall())

    def tally(self, name: str) -> list[tuple[Any, int]]:
        """Each value of a column (FILTER_COLUMNS) or a field (status, measure, source) and how
        many records have it, most first, then by value; records without one are not counted."""
        expression = _FIELDS.get(name) or _check_column(name)
        sql = (
            f"SELECT {expression}, count(*) FROM entries WHERE {expression} IS NOT NULL AND {expression} != ''"
            " GROUP BY 1 ORDER BY 2 DESC, 1"
        )
        return [(value, count) for value, count in self._db.execute(sql)]

    def distinct(self, column: str) -> list[str]:
        """The values of a column, sorted (as text)."""
        _check_column(column)
        sql = f"SELECT DISTINCT {column} FROM entries WHERE {column} IS NOT NULL ORDER BY {column}"
        return [str(row[0]) for row in self._db.execute(sql)]

    def units(self, kind: str) -> set[str]:
        """The units the records of a kind are in."""
        sql = "SELECT DISTINCT unit FROM entries WHERE kind = ? AND unit IS NOT NULL"
        return {row[0] for row in self._db.execute(sql, (kind,))}

    def ids(self) -> list[str]:
        return [row[0] for row in self._db.execute("SELECT id FROM entries ORDER BY n")]

    def ids_starting(self, prefix: str, limit: int) -> list[str]:
        """Up to `limit` ids that start with `prefix`, in id order (a range of the id index)."""
        from .nearest import after_prefix

        if undecodable(prefix):
            return []
        upper = after_prefix(prefix)
        sql = "SELECT id FROM entries WHERE id >= ?" + (" AND id < ?" if upper is not None else "") + " ORDER BY id LIMIT ?"
        params = (prefix, upper, limit) if upper is not None else (prefix, limit)
        return [row[0] for row in self._db.execute(sql, params)]

    def existing_ids(self, candidates: Iterable[str]) -> list[str]:
        """Those of `candidates` that are ids of this base (an index look-up each)."""
        found: list[str] = []
        chosen = [c for c in candidates if not undecodable(c)]
        for start in range(0, len(chosen), CHUNK):
            chunk = chosen[start : start + CHUNK]
            marks = ",".join("?" * len(chunk))
            found += [row[0] for row in self._db.execute(f"SELECT id FROM entries WHERE id IN ({marks})", chunk)]
        return found

    def id_prefixes(self, prefixes: Iterable[str]) -> list[str]:
        """Those of `prefixes` that begin an id of this base (a range probe of the id index each)."""
        from .nearest import after_prefix

        ranges = [(p, after_prefix(p)) for p in prefixes if p and not undecodable(p)]
        bounded = [(low, high) for low, high in ranges if high is not None]
        found: list[str] = []
        for start in range(0, len(bounded), CHUNK // 2):
            chunk = bounded[start : start + CHUNK // 2]
            values = ", ".join(["(?, ?)"] * len(chunk))
            sql = (
                f"SELECT column1 FROM (VALUES {values}) WHERE EXISTS (SELECT 1 FROM entries WHERE id >= column1 AND id < column2)"
            )
            found += [row[0] for row in self._db.execute(sql, [v for pair in chunk for v in pair])]
        return found

    # ---------------------------------------------------------------- search fields (match/)

    def search_fields(self, numbers: Sequence[int], columns: Sequence[str] = DOC_COLUMNS) -> Iterator[tuple[int, dict[str, str]]]:
        """(row number, {column: normalised text}) of these rows' search fields (match/fields.py)."""
        columns = tuple(_check_doc_column(c) for c in columns)
        for chunk in _chunks(numbers, CHUNK):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT n, {', '.join(columns)} FROM docs WHERE n IN ({marks})"
            for row in self._db.execute(sql, chunk):
                yield row[0], dict(zip(columns, row[1:], strict=True))

    def containing(self, text: str, columns: Iterable[str], limit: int) -> set[int]:
        """Rows whose given search fields contain `text`, at most `limit` from each look-up:
        the trigram indexes for 2+ characters, a scan (in C) for one."""
        columns = tuple(_check_doc_column(c) for c in columns)
        if len(text) >= 2:
            return self._phrases([text], columns, limit)
        return set().union(*self.containing_by_column(text, columns, limit).values())

    def containing_by_column(self, text: str, columns: Iterable[str], limit: int) -> dict[str, set[int]]:
        """For each of the given search fields, the rows whose field contains `text` (at most
        `limit` from each look-up): index look-ups for 2+ characters, one scan (in C) for one."""
        columns = tuple(_check_doc_column(c) for c in columns)
        if len(text) >= 2:
            return {c: self._phrases([text], (c,), limit) for c in columns}
        conditions = [f"instr({column}, ?) > 0" for column in columns]
        sql = f"SELECT n, {', '.join(conditions)} FROM docs WHERE {' OR '.join(conditions)} LIMIT ?"
        found: dict[str, set[int]] = {c: set() for c in columns}
        for row in self._db.execute(sql, (*([text] * (2 * len(columns))), limit)):
            for column, holds in zip(columns, row[1:], strict=True):
                if holds:
                    found[column].add(row[0])
        return found

    def valued(self, text: str, columns: Iterable[str], *, whole: bool, limit: int = -1) -> set[int]:
        """Rows where a value of one of the given search fields equals `text` (`whole`), or
        starts with it: for a whole value, the value index (`_posted`); else, and for the
        fields it does not hold, the phrase SEP text SEP (or SEP text) in the trigram indexes,
        which index every value between separators (index_schema.py). With `limit`, at least
        the `limit` first rows (both give rows in order)."""
        columns = tuple(_check_doc_column(c) for c in columns)
        found: set[int] = set()
        if whole:  # the value index has the rows of each value, in order
            for c in (c for c in columns if c in POSTING_COLUMNS):
                found.update(self._posted(text, c, None if limit < 0 else limit, exact=True))
            columns = tuple(c for c in columns if c not in POSTING_COLUMNS)
        if columns:
            found |= self._phrases([SEPARATOR + text + (SEPARATOR if whole else "")], columns, limit)
        return found

    def containing_any(self, texts: Sequence[str], columns: Iterable[str], limit: int) -> set[int]:
        """Rows whose given search fields contain one of `texts` (each of 2+ characters), at
        most `limit` from each trigram table: one look-up however many texts."""
        columns = tuple(_check_doc_column(c) for c in columns)
        return self._phrases(texts, columns, limit) if texts else set()

    def matched_lengths(
        self, text: str, columns: Sequence[str], tier: int, limit: int | None = None, rows: Collection[int] | None = None
    ) -> dict[int, int]:
        """For each row with a value in `columns` that starts with `text` (tier 1) or holds it
        (tier 2), the length of the shortest such value: what ranking measures (rank.py).
        With `limit`, only the first `limit` rows by (length, row number).

        Tier 1 in the fields of the value index (POSTING_COLUMNS) is read from it (`_posted`);
        the rest from `docs`, for the rows the trigram tables give:

        A field's values are stored shortest first (match/fields.py), so the first value that
        starts with `text` is the shortest: SQL reads its length. For a value that holds it,
        SQL reads the first value's length when the first holds it; the other rows' fields
        are read here, so `limit` is for tier 1, or for fields of one value (name, en).
        `rows`: the rows that hold it, when the caller knows them (one character is found by
        a scan: the caller scans once for every field)."""
        columns = tuple(_check_doc_column(c) for c in columns)
        if tier == 1 and rows is None and any(c in POSTING_COLUMNS for c in columns):
            return self._posted_lengths(text, columns, limit)
        measures: list[tuple[str, str]] = []  # (the length SQL reads, or the field when it cannot)
        for c in columns:
            if tier == 1:  # the value starts where SEP text stands in SEP + field; it ends at the next SEP
                starts = f"instr(:sep || {c}, :start)"
                measures.append((f"CASE WHEN {starts} > 0 THEN instr(substr({c} || :sep, {starts}), :sep) - 1 END", "NULL"))
            else:
                first = f"(instr({c} || :sep, :sep) - 1)"
                holds = f"instr({c}, :text)"
                measures.append(
                    (
                        f"CASE WHEN {holds} = 0 THEN NULL WHEN {holds} + length(:text) - 1 <= {first} THEN {first} END",
                        f"CASE WHEN {holds} > 0 AND {holds} + length(:text) - 1 > {first} THEN {c} END",
                    )
                )
        params: dict[str, object] = {"sep": SEPARATOR, "start": SEPARATOR + text, "text": text}
        phrase = SEPARATOR + text if tier == 1 else text
        selected = ", ".join(f"{length} AS m{i}, {field}" for i, (length, field) in enumerate(measures))
        order = ""
        if limit is not None:
            shortest = "min(" + ", ".join(f"coalesce(m{i}, 1e9)" for i in range(len(columns))) + ", 1e9)"
            order = f" ORDER BY {shortest}, n LIMIT {int(limit)}"
        found: dict[int, int] = {}
        if rows is None:
            holdings = self._holding(phrase, columns, params)
        else:
            holdings = [",".join(str(int(n)) for n in chunk) for chunk in _chunks(sorted(rows), 50000)]
        for holding in holdings:
            sql = f"SELECT n, {selected} FROM docs WHERE n IN ({holding}){order}"
            for row in self._db.execute(sql, params):
                lengths = [length for length in row[1::2] if length is not None]
                lengths += [min(len(v) for v in field.split(SEPARATOR) if text in v) for field in row[2::2] if field is not None]
                if lengths:
                    found[row[0]] = min(lengths)
        return found

    def starting_matches(self, text: str, ranks: Mapping[str, int], limit: int | None = None) -> dict[int, tuple[int, int, int]]:
        """For each row with a value starting with `text` in one of the fields of `ranks`
        (field -> its rank), its best (tier, rank, length): tier 0 when the value is `text`,
        1 when longer; the shortest value of the best rank. With `limit`, only the first
        `limit` rows in that order (then row number): one look-up for several fields, each
        row placed as ranking places it (tier, then rank, then length). The fields of the value
        index are read from it, each for its own first `limit` (`_posted`): a row among the
        first `limit` overall is among the first of the field of its best match."""
        columns = tuple(_check_doc_column(c) for c in ranks)
        if any(c in POSTING_COLUMNS for c in columns):
            return self._posted_starts(text, {c: int(ranks[c]) for c in columns}, limit)
        keys = []
        for c in columns:
            starts = f"instr(:sep || {c}, :start)"
            length = f"(instr(substr({c} || :sep, {starts}), :sep) - 1)"
            keys.append(f"CASE WHEN {starts} > 0 THEN ({length} > :size) * 100000000 + {int(ranks[c])} * 1000000 + {length} END")
        best = "min(" + ", ".join(f"coalesce({k}, 1e18)" for k in keys) + ", 1e18)"
        params: dict[str, object] = {"sep": SEPARATOR, "start": SEPARATOR + text, "size": len(text)}
        order = f" ORDER BY key, n LIMIT {int(limit)}" if limit is not None else ""
        found: dict[int, tuple[int, int, int]] = {}
        for holding in self._holding(SEPARATOR + text, columns, params):
            sql = f"SELECT n, {best} AS key FROM docs WHERE n IN ({holding}){order}"
            for n, key in self._db.execute(sql, params):
                key = int(key)
                found[n] = (key // 100000000, key // 1000000 % 100, key % 1000000)
        return found

    def _posted_lengths(self, text: str, columns: Sequence[str], limit: int | None) -> dict[int, int]:
        """`matched_lengths` of tier 1: the fields of the value index read from it (`_posted`),
        the others from `docs`, each for its own first `limit`; a row among the first `limit`
        overall is among the first of the field of its shortest value."""
        rest = [c for c in columns if c not in POSTING_COLUMNS]
        found = self.matched_lengths(text, rest, 1, limit) if rest else {}
        for c in (c for c in columns if c in POSTING_COLUMNS):
            for n, length in self._posted(text, c, limit).items():
                if n not in found or length < found[n]:
                    found[n] = length
        return _first(found, limit, lambda n: (found[n], n))

    def _posted_starts(self, text: str, ranks: dict[str, int], limit: int | None) -> dict[int, tuple[int, int, int]]:
        """`starting_matches` with fields of the value index, as `_posted_lengths`."""
        rest = {c: rank for c, rank in ranks.items() if c not in POSTING_COLUMNS}
        found = self.starting_matches(text, rest, limit) if rest else {}
        for c in (c for c in ranks if c in POSTING_COLUMNS):
            for n, length in self._posted(text, c, limit).items():
                key = (int(length > len(text)), ranks[c], length)
                if n not in found or key < found[n]:
                    found[n] = key
        return _first(found, limit, lambda n: (found[n], n))

    def _posted(self, text: str, column: str, limit: int | None, *, exact: bool = False) -> dict[int, int]:
        """For each row with a value of `column` (one of POSTING_COLUMNS) that starts with
        `text` (`exact`: that is `text`), the length of its shortest such value; with `limit`,
        only the first `limit` rows by (length, row), and at most these.

        Read from the value index (index_schema.py) shortest values first (`_posted_rows`). A
        row already found at a shorter length keeps it; the first `limit` rows of each value
        of a length hold the first `limit` of them all, so a length adds rows in row order
        until `limit` are found, and the longer lengths are never read."""
        found: dict[int, int] = {}
        for length, held in self._posted_rows(text, column, limit, exact):
            for n in sorted(set(held)) if len(held) > 1 else held:
                if n not in found:
                    if limit is not None and len(found) >= limit:
                        return found
                    found[n] = length
            if limit is not None and len(found) >= limit:
                return found
        return found

    def _posted_rows(self, text: str, column: str, limit: int | None, exact: bool) -> Iterator[tuple[int, list[int]]]:
        """(length, the rows of the values of that length starting with `text`: the first
        `limit` of each) for each length, shortest first, read as used: for each length, the
        blocks running from at most `text` to at least it, up to the end of the values that
        start with it, that hold one (SQL looks for SEP text in their values)."""
        from bisect import bisect_left  # here: a search that reads no value index needs neither

        from .nearest import after_prefix

        if undecodable(text):
            return
        col = DOC_COLUMNS.index(column)
        lengths = [len(text)] if exact else [n for n in self._posting_lengths(col) if n >= len(text)]
        upper = after_prefix(text)
        bounded = " AND p.first < :upper" if upper is not None and not undecodable(upper) else ""
        sql = (
            "SELECT p.len, p.vals, p.ends, p.rows FROM json_each(:lengths) AS l CROSS JOIN postings AS p"
            " WHERE p.col = :col AND p.len = l.value AND p.first >= coalesce((SELECT max(first) FROM postings"
            f" WHERE col = :col AND len = l.value AND first <= :text), ''){bounded} AND p.last >= :text"
            " AND instr(:sep || p.vals, :start) > 0"
        )  # CROSS JOIN: length by length, in the order given
        params = {"col": col, "text": text, "upper": upper, "lengths": json.dumps(lengths), "sep": SEPARATOR}
        params["start"] = SEPARATOR + text
        current = 0
        held: list[int] = []
        for length, vals, ends_blob, rows_blob in self._db.execute(sql, params):
            if length != current:
                if length < current:  # pragma: no cover - SQLite keeps a CROSS JOIN's order
                    raise AssertionError("value index read out of order")
                if held:
                    yield current, held
                current, held = length, []
            values = vals.split(SEPARATOR)
            ends, rows = _integers(ends_blob), _integers(rows_blob)
            for i in range(bisect_left(values, text), len(values)):
                if not values[i].startswith(text):
                    break
                first = ends[i - 1] if i else 0
                held.extend(rows[first : ends[i] if limit is None else min(ends[i], first + limit)])
        if held:
            yield current, held

    def _posting_lengths(self, col: int) -> list[int]:
        """The lengths of the values of a column in the value index, ascending: noted in `meta`
        by the build, read once (else read from the index: a hop from each to the next)."""
        if not self._lengths:
            noted = self.meta([POSTING_LENGTHS]).get(POSTING_LENGTHS)
            self._lengths = {int(c): lengths for c, lengths in json.loads(noted).items()} if noted else {-1: []}
        if col not in self._lengths and -1 in self._lengths:
            sql = (
                "WITH RECURSIVE hop(len) AS (SELECT min(len) FROM postings WHERE col = :col"
                " UNION ALL SELECT (SELECT min(len) FROM postings WHERE col = :col AND len > hop.len)"
                " FROM hop WHERE hop.len IS NOT NULL) SELECT len FROM hop WHERE len IS NOT NULL"
            )
            self._lengths[col] = [row[0] for row in self._db.execute(sql, {"col": col})]
        return self._lengths.get(col, [])

    def _holding(self, phrase: str, columns: Sequence[str], params: dict[str, object]) -> list[str]:
        """Subqueries for the rows whose `columns` hold `phrase`: the trigram tables' look-ups,
        or for one character a scan; their parameters are added to `params`."""
        if len(phrase) < 2:
            params["scanned"] = phrase
            return ["SELECT n FROM docs WHERE " + " OR ".join(f"instr({c}, :scanned) > 0" for c in columns)]
        out = []
        for number, (table, expression) in enumerate(self._expressions([phrase], columns)):
            params[f"match{number}"] = expression
            out.append(f"SELECT rowid FROM {table} WHERE {table} MATCH :match{number}")
        return out

    def _phrases(self, texts: Sequence[str], columns: Sequence[str], limit: int) -> set[int]:
        """Rows whose columns (of one or both trigram tables) hold one of `texts` (2+ characters)."""
        found: set[int] = set()
        for table, expression in self._expressions(texts, columns):
            sql = f"SELECT rowid FROM {table} WHERE {table} MATCH ? LIMIT ?"
            found |= {row[0] for row in self._db.execute(sql, (expression, limit))}
        return found

    def _expressions(self, texts: Sequence[str], columns: Sequence[str]) -> list[tuple[str, str]]:
        """(table, MATCH expression) for the rows whose columns hold one of `texts`: each of
        3+ characters, or of 2, or a pattern "a?c" (`?` any one character, written GAP).

        Two characters are shorter than a trigram: they are the trigrams that start with them
        (every value is followed by a separator in the index, so each place they stand is the
        start of one); "a?c" is the trigrams that start with a and end with c. Both are read
        from the table's vocabulary, a range of its term index. No expression for a table
        whose vocabulary holds none of them."""
        out: list[tuple[str, str]] = []
        for table in dict.fromkeys(FTS_TABLE[c] for c in columns):
            wanted: list[str] = []
            for text in texts:
                if len(text) >= 3 and GAP not in text:
                    wanted.append(text)
                elif len(text) == 2:
                    wanted += self._trigrams_starting(table, text)
                else:  # a?c
                    wanted += [t for t in self._trigrams_starting(table, text[0]) if len(t) == 3 and t[2] == text[2]]
            mine = [c for c in columns if FTS_TABLE[c] == table]
            letters = wanted[0].replace(SEPARATOR, "") if len(wanted) == 1 else ""
            if table == "fts" and letters.isascii() and letters.isalpha() and len(mine) < len(FTS_COLUMNS):
                mine = self._columns_with_trigrams(wanted[0], mine)
            if wanted and mine:
                quoted = " OR ".join('"' + w.replace('"', '""') + '"' for w in dict.fromkeys(wanted))
                out.append((table, "{" + " ".join(mine) + "} : (" + quoted + ")"))
        return out

    def _columns_with_trigrams(self, text: str, columns: list[str]) -> list[str]:
        """Those of `columns` (of `fts`) whose vocabulary holds every trigram of `text`: the
        others cannot hold it. Latin trigrams are common and a look-up of them costs a few
        milliseconds, so a Latin text (pinyin, English) is not looked up where no field of
        that column could hold it (Chinese names); the per-column vocabulary says so at a
        fraction of that. (Not for `fts_py`: there every column holds Latin trigrams, and
        its per-column vocabulary is slow to read. Nor for a look-up in every column of `fts`:
        a phrase reads the same doclists whatever columns it is limited to, and a phrase
        that no row holds leaps through them faster than the vocabulary reads them whole:
        at 1,000,000 records the vocabulary of `chuanjiang` takes 7-10 ms, the phrase under 1.)"""
        trigrams = {text[i : i + 3] for i in range(len(text) - 2)}
        unknown = sorted(trigrams - self._trigram_columns.keys())
        if unknown:
            for trigram in unknown:
                self._trigram_columns[trigram] = set()
            sql = f"SELECT term, col FROM fts_columns WHERE term IN ({','.join('?' * len(unknown))})"
            for term, column in self._db.execute(sql, unknown):
                self._trigram_columns[term].add(column)
        return [c for c in columns if all(c in self._trigram_columns[t] for t in trigrams)]

    def _trigrams_starting(self, table: str, prefix: str) -> list[str]:
        from .nearest import after_prefix

        upper = after_prefix(prefix)
        sql = f"SELECT term FROM {table}_vocab WHERE term >= ?" + (" AND term < ?" if upper else "")
        return [row[0] for row in self._db.execute(sql, (prefix, upper) if upper else (prefix,))]

    def containing_patterns(self, columns: Iterable[str], patterns: Iterable[Sequence[str]], limit: int) -> set[int]:
        """Up to `limit` rows where a given search field contains one of `patterns`.

        A pattern is a sequence of literal pieces with any one character between each two:
        ("ab", "d") matches "abcd" and "abxd"; ("abd",) only "abd". Each is checked (LIKE)
        only on the rows that hold its longest piece, or for ("a", "c") a trigram a?c, found
        in the trigram indexes; a pattern with neither (a single character) scans the table.
        """

        def like(pieces: Sequence[str]) -> str:
            escaped = (p.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for p in pieces)
            return "%" + "_".join(escaped) + "%"

        columns = tuple(_check_doc_column(c) for c in columns)
        by_anchor: dict[str, set[str]] = {}
        for pieces in patterns:
            longest = max(pieces, key=len)
            if len(longest) >= 2:
                anchor = longest
            elif len(pieces) == 2 and len(pieces[0]) == len(pieces[1]) == 1:
                anchor = pieces[0] + GAP + pieces[1]
            else:
                anchor = ""
            by_anchor.setdefault(anchor, set()).add(like(pieces))
        found: set[int] = set()
        anchored: list[tuple[str, str, set[str]]] = []  # (table, the rows holding an anchor, its patterns)
        for anchor, likes in by_anchor.items():
            if anchor:
                anchored += [(table, expression, likes) for table, expression in self._expressions([anchor], columns)]
            else:
                found |= self._rows_like(columns, likes, None, limit)
        # One look-up for every anchor, each row checked for every pattern: a row that matches a
        # pattern holds its anchor, so these are the rows of the look-ups anchor by anchor (a
        # query each, 14 for a typo of 13 letters), unless it stops at `limit` (then those).
        for table in dict.fromkeys(table for table, _, _ in anchored):
            mine = [(expression, likes) for name, expression, likes in anchored if name == table]
            every = set().union(*(likes for _, likes in mine))
            together = self._rows_like(columns, every, (table, " OR ".join(f"({e})" for e, _ in mine)), limit)
            if len(mine) > 1 and len(together) >= limit:
                together = set().union(*(self._rows_like(columns, likes, (table, e), limit) for e, likes in mine))
            found |= together
        return found

    def has_row(self, number: int) -> bool:
        """Whether the base has a row numbered `number` (rows are numbered 1, 2, …: it has that many)."""
        return self._db.execute("SELECT 1 FROM docs WHERE n = ?", (number,)).fetchone() is not None

    def names_with(self, keys: Iterable[str], limit: int, upto: int | None = None) -> list[tuple[int, str, str]]:
        """Up to `limit` (row number, name, English name) of the rows whose normalised name or
        English name contains one of `keys`, in base order; only rows numbered up to `upto`
        when given (a scan: its cost grows with the rows it reads)."""
        keys = sorted(keys)
        condition = " OR ".join("instr(name, ?) > 0 OR instr(en, ?) > 0" for _ in keys)
        params: list[object] = [k for key in keys for k in (key, key)]
        bound = ""
        if upto is not None:
            bound, params = "n <= ? AND ", [upto, *params]
        sql = f"SELECT n, name, en FROM docs WHERE {bound}({condition}) LIMIT {int(limit)}"
        return [(n, name, en) for n, name, en in self._db.execute(sql, params)]

    def names_with_filters(
        self, keys: Iterable[str], limit: int, *, kind: str | None = None, year: int | None = None
    ) -> list[tuple[int, str, str]]:
        """`names_with` among the records of this kind and year only (either None: any): a
        'did you mean' never offers a record the filters leave out."""
        if kind is None and year is None:
            return self.names_with(keys, limit)
        keys = sorted(keys)
        condition = " OR ".join("instr(docs.name, ?) > 0 OR instr(docs.en, ?) > 0" for _ in keys)
        where, params = _filters(kind=kind, year=year)
        sql = (
            f"SELECT docs.n, docs.name, docs.en FROM docs JOIN entries ON entries.n = docs.n"
            f"{where} AND ({condition}) ORDER BY docs.n LIMIT {int(limit)}"
        )
        return [(n, name, en) for n, name, en in self._db.execute(sql, [*params, *(k for key in keys for k in (key, key))])]

    # ---------------------------------------------------------------- what a selection could hold (explain.py)

    def holds(self, **filters: Any) -> bool:
        """Whether any record matches `filters` (see `_selection`): stops at the first."""
        where, params = _selection(**filters)
        return self._db.execute(f"SELECT 1 FROM entries{where} LIMIT 1", params).fetchone() is not None

    def values_in(self, name: str, limit: int, **filters: Any) -> tuple[list[Any], int]:
        """Up to `limit` values of a column (FILTER_COLUMNS) or a field (status, measure) among
        the records matching `filters` (see `_selection`), sorted, and how many there are."""
        expression = _FIELDS.get(name) or _check_column(name)
        where, params = _selection(**filters)
        where += (" AND " if where else " WHERE ") + f"{expression} IS NOT NULL"
        sql = (
            f"SELECT value, count(*) OVER () FROM (SELECT DISTINCT {expression} AS value FROM entries{where})"
            " ORDER BY value LIMIT ?"
        )
        rows = self._db.execute(sql, (*params, limit)).fetchall()
        return [row[0] for row in rows], rows[0][1] if rows else 0

    def amount_ranges(self, amount: str, **filters: Any) -> list[tuple[str, float, float]]:
        """(unit, smallest, largest) of an amount ("value" of a metric, "investment" of a
        project) over the records matching `filters`, for each unit it is given in."""
        value, unit = _AMOUNTS[amount]
        where, params = _selection(**filters)
        where += (" AND " if where else " WHERE ") + f"{value} IS NOT NULL"
        sql = f"SELECT coalesce({unit}, ''), min({value}), max({value}) FROM entries{where} GROUP BY 1 ORDER BY 1"
        return [(str(u), float(low), float(high)) for u, low, high in self._db.execute(sql, params)]

    def date_range(self, **filters: Any) -> tuple[str, str] | None:
        """The first and last date (a year for an undated record) of the records matching
        `filters`, as written: `2023`, `2023-12`, `2023-12-28`; None when there are none."""
        when = "coalesce(date, CAST(year AS TEXT))"
        where, params = _selection(**filters)
        first, last = self._db.execute(f"SELECT min({when}), max({when}) FROM entries{where}", params).fetchone()
        return (str(first), str(last)) if first is not None else None

    def _rows_like(self, columns: Sequence[str], likes: Collection[str], holding: tuple[str, str] | None, limit: int) -> set[int]:
        """Up to `limit` rows where one of `columns` is LIKE one of `likes` (containing_patterns),
        among the rows of `holding` (a trigram table and a MATCH expression), or all rows."""
        conditions = " OR ".join(f"{column} LIKE ? ESCAPE '\\'" for column in columns for _ in likes)
        params: list[object] = [pattern for _ in columns for pattern in sorted(likes)]
        if holding is None:
            sql = f"SELECT n FROM docs WHERE ({conditions}) LIMIT ?"
            return {row[0] for row in self._db.execute(sql, (*params, limit))}
        table, expression = holding
        sql = f"SELECT n FROM docs WHERE n IN (SELECT rowid FROM {table} WHERE {table} MATCH ?) AND ({conditions}) LIMIT ?"
        return {row[0] for row in self._db.execute(sql, (expression, *params, limit))}

    def names_near(self, keys: Iterable[str], pieces: Sequence[str], limit: int, scanned: int) -> list[tuple[int, str, str]]:
        """`names_with(keys, limit)` in a time that does not grow with the base: the names of
        the rows numbered up to `scanned` are scanned for the keys (all of them, on a base of
        that many rows: then this is `names_with`); when those hold fewer than `limit` and
        the base goes on, the next come from the trigram index, in row order: the rows after
        them whose name or English name holds one of `pieces` (each of 2+ characters: parts of
        the query, likelier near than a name sharing one character). A scan of every name
        costs 5-10 ms on 100,000 records, ten times that on a million when few names hold a key."""
        keys = sorted(keys)
        condition = " OR ".join("instr(name, ?) > 0 OR instr(en, ?) > 0" for _ in keys)
        params = [k for key in keys for k in (key, key)]
        sql = f"SELECT n, name, en FROM docs WHERE n <= ? AND ({condition}) LIMIT ?"
        found = [(n, name, en) for n, name, en in self._db.execute(sql, (scanned, *params, limit))]
        if len(found) >= limit or not pieces:
            return found
        if self._db.execute("SELECT 1 FROM docs WHERE n > ? LIMIT 1", (scanned,)).fetchone() is None:
            return found  # the scan read every name
        for table, expression in self._expressions(pieces, ("name", "en")):  # one table: `fts`
            holding = f"SELECT rowid FROM {table} WHERE {table} MATCH ? AND rowid > ? ORDER BY rowid LIMIT ?"
            sql = f"SELECT n, name, en FROM docs WHERE n IN ({holding}) ORDER BY n"
            found += [(n, name, en) for n, name, en in self._db.execute(sql, (expression, scanned, limit - len(found)))]
        return found


def sqlite_uri(path: str, query: str) -> str:
    """An SQLite `file:` URI for `path`, escaped: a `#` or `?` in a folder name would end the
    path (SQLite then opens or creates a file elsewhere), and `%41` would be read as `A`.
    Every byte of the path (also one that is not UTF-8) outside the unreserved set is %XX;
    `file://` + an absolute path keeps a path starting with `//` from being read as a host."""
    raw = os.fsencode(os.path.abspath(path))
    if os.sep == "\\":  # pragma: no cover - Windows: file:///C:/folder
        raw = b"/" + raw.replace(b"\\", b"/")
    if raw.translate(None, _URI_SAFE):  # some byte needs escaping (the usual path needs none)
        return "file://" + "".join(chr(byte) if byte in _URI_SAFE else f"%{byte:02X}" for byte in raw) + "?" + query
    return "file://" + raw.decode("ascii") + "?" + query


def _filters(**values: object) -> tuple[str, list[object]]:
    """` WHERE column = ? AND …` for the values given (not None), and its parameters."""
    clauses: list[str] = []
    params: list[object] = []
    for column, value in values.items():
        if value is not None:
            clauses.append(f"{_check_column(column)} = ?")
            params.append(value)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


#: Fields of a record's JSON that a selection may filter on or list (explain.py).
_FIELDS = {
    "status": "json_extract(json, '$.status')",
    "measure": "json_extract(json, '$.measure')",
    "source": "json_extract(json, '$.source')",
}
#: An amount and the unit it is in: columns of `entries`, or fields of the JSON.
_AMOUNTS = {
    "value": ("value", "unit"),
    "investment": ("json_extract(json, '$.investment')", "json_extract(json, '$.investment_unit')"),
}


#: The figures of a record a number in a search may equal, and their units.
_FIGURES = {
    "value": ("value", "unit"),
    "investment": ("investment", "json_extract(json, '$.investment_unit')"),
    "capacity": ("capacity", "json_extract(json, '$.capacity_unit')"),
}


def _selection(
    *,
    units: Sequence[str] | None = None,
    status: str | None = None,
    measure: str | None = None,
    dated: bool = False,
    **columns: Any,
) -> tuple[str, list[object]]:
    """`_filters` of the columns given, and: a unit among `units`, a status that holds `status`
    (竣工 matches 竣工投产, as query.with_status), this `measure`, a date (`dated`)."""
    where, params = _filters(**columns)
    clauses = [where[len(" WHERE ") :]] if where else []
    if units is not None:
        clauses.append(f"unit IN ({','.join('?' * len(units))})")
        params += units
    if status is not None:
        clauses.append(f"instr({_FIELDS['status']}, ?) > 0")
        params.append(status)
    if measure is not None:
        clauses.append(f"{_FIELDS['measure']} = ?")
        params.append(measure)
    if dated:
        clauses.append("date IS NOT NULL")
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _check_column(column: str) -> str:
    if column not in FILTER_COLUMNS:
        raise ValueError(column)
    return column


def _check_doc_column(column: str) -> str:
    if column not in DOC_COLUMNS:
        raise ValueError(column)
    return column


def _chunks(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _integers(data: bytes) -> array[int]:
    """Row numbers as the value index stores them (postings.py): 4-byte unsigned, little-endian."""
    from array import array

    out = array(POSTING_CODE)
    out.frombytes(data)
    if sys.byteorder != "little":  # pragma: no cover - big-endian machines
        out.byteswap()
    return out


def _first(found: dict[int, Any], limit: int | None, key: Any) -> dict[int, Any]:
    """`found`, or with `limit` only its first `limit` rows in the order of `key`."""
    if limit is None or len(found) <= limit:
        return found
    return {n: found[n] for n in sorted(found, key=key)[:limit]}
