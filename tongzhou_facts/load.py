"""Read fact-base files: bytes -> TOML -> validated records, with file:line in every error.

Loading is strict: a base with any problem raises `BaseError` naming the first one
(`facts check` lists them all). The derived index in `cache.py` sits in front of this.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from .errors import BaseError, UsageError
from .model import KINDS, Record, Source

#: Bases larger than this (all their files together) are refused before parsing: tomllib
#: needs about ten times a file's size in memory, and the speed issue's budget is 300 MB.
#: FACTS_MAX_MB raises it. A total, not a per-file limit: five files of 6 MB hold as much
#: memory as one of 30 MB.
DEFAULT_MAX_MB = 64
#: Bases with more records than this are refused right after parsing, before validation and
#: indexing (which cost far more per record than parsing). FACTS_MAX_RECORDS raises it.
DEFAULT_MAX_RECORDS = 1_000_000
#: [[sources]] tables a base may have (a source is a document the facts come from: thousands
#: are a library). Checked with the records, right after parsing: 1.5 million tiny tables in
#: 59 MB took 18 s and 1.2 GB to validate and index, and every `show` reads them all.
MAX_SOURCES = 10_000
#: The largest setting taken seriously (1 PB; 1e15 records): anything above is a typo, and
#: 1e308 MB overflows when turned into bytes.
_MAX_SETTING = 1e9
#: The smallest FACTS_MAX_MB (about 1 KB): below it a limit reads as "0 MB" and no base fits.
MIN_MB = 0.001
BUNDLED_NAME = "facts.toml"

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_END = re.compile(r"\s*\(at end of document\)$")


class Problem:
    """One thing wrong with a base, as `path:line: id: message`."""

    __slots__ = ("id", "line", "message", "path")

    def __init__(self, path: str, line: int, id: str, message: str) -> None:
        self.path, self.line, self.id, self.message = path, line, id, message

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.id}: {self.message}" if self.id else f"{where}: {self.message}"

    def __repr__(self) -> str:
        return f"Problem({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and str(self) == str(other)

    __hash__ = None  # type: ignore[assignment]


class Base:
    """A loaded, validated fact base: records in file order, and their sources.

    (Plain classes here and in model.py: dataclasses pull in `inspect`, 6 ms of start-up.)
    """

    __slots__ = ("paths", "records", "sources")

    def __init__(
        self,
        records: list[Record] | None = None,
        sources: dict[str, Source] | None = None,
        paths: list[str] | None = None,
    ) -> None:
        self.records = records if records is not None else []
        self.sources = sources if sources is not None else {}
        self.paths = paths if paths is not None else []

    def get(self, record_id: str) -> Record | None:
        for record in self.records:
            if record.id == record_id:
                return record
        return None


def bundled_path() -> str:
    """The base shipped inside the package (in a checkout: the repo's facts.toml)."""
    here = os.path.dirname(os.path.abspath(__file__))
    packaged = os.path.join(here, BUNDLED_NAME)
    return packaged if os.path.isfile(packaged) else os.path.join(os.path.dirname(here), BUNDLED_NAME)


def _setting(name: str, default: float, integer: bool) -> float:
    """A finite number from the environment, at least 1 (a whole number) or MIN_MB; empty or
    unset: the default.

    Anything else is a usage error naming the variable: a limit silently ignored (`abc`),
    one that overflows (`inf`, `1e308`) or one too small to state (`1e-300`) is worse than a
    clear refusal.
    """
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        number = int(raw) if integer else float(raw)
    except ValueError:
        number = -1.0
    least = 1 if integer else MIN_MB
    # `not (least <= x <= max)` rather than `x < least or x > max`: also true for nan.
    if not (least <= number <= _MAX_SETTING):
        kind, example = ("a whole number of records", "2000000") if integer else ("a number of megabytes", "200")
        raise UsageError(f"{name} must be {kind} from {least:g} to {_MAX_SETTING:.0f}, not {raw!r} (e.g. {name}={example})")
    return number


def max_bytes() -> int:
    """The most bytes a base may have, all its files together (FACTS_MAX_MB, in MB)."""
    return int(_setting("FACTS_MAX_MB", DEFAULT_MAX_MB, integer=False) * 1048576)


def max_records() -> int:
    """The most records a base may have, all its files together (FACTS_MAX_RECORDS)."""
    return int(_setting("FACTS_MAX_RECORDS", DEFAULT_MAX_RECORDS, integer=True))


def check_settings() -> None:
    """Raise `UsageError` for a malformed FACTS_MAX_MB or FACTS_MAX_RECORDS, on every run
    (also one served from the cache), so a typo never depends on whether a cache exists."""
    max_bytes()
    max_records()


def _megabytes(size: float, other: float | None = None) -> str:
    """Bytes as MB for a message (`6.3`, `200`, `0.05`), with as many decimals as it takes
    not to read as 0 or as equal to `other` (the limit a total exceeds)."""
    text = ""
    for decimals in range(1, 7):
        text = f"{size / 1048576:.{decimals}f}"
        if float(text) and (other is None or text != f"{other / 1048576:.{decimals}f}"):
            break
    return text.rstrip("0").rstrip(".")


def read_text(path: str | os.PathLike[str]) -> str:
    """The file's text, or a `BaseError` that says in one line why it cannot be read."""
    return decode(read_bytes(path), os.fspath(path))


def _stat_file(name: str) -> os.stat_result:
    """The stat of a regular file, or a `BaseError` saying why it is not one."""
    try:
        info = os.stat(name)
    except FileNotFoundError:
        raise BaseError("no such file", name) from None
    except PermissionError:
        raise BaseError("permission denied", name) from None
    except OSError as exc:
        raise BaseError(f"cannot read: {exc.strerror or exc}", name) from None
    if stat.S_ISDIR(info.st_mode):
        raise BaseError("is a directory, not a fact base", name)
    if not stat.S_ISREG(info.st_mode):
        raise BaseError("not a regular file", name)
    return info


def _too_large(name: str, size: float, limit: int) -> BaseError:
    return BaseError(
        f"file too large ({_megabytes(size, limit)} MB; the limit is {_megabytes(limit)} MB, set FACTS_MAX_MB to raise it)",
        name,
    )


def _base_too_large(files: int, size: float, limit: int) -> BaseError:
    return BaseError(
        f"base too large: its {files} files come to {_megabytes(size, limit)} MB "
        f"(the limit is {_megabytes(limit)} MB for all files together, set FACTS_MAX_MB to raise it)"
    )


def check_sizes(names: Sequence[str], sizes: Sequence[int]) -> None:
    """The FACTS_MAX_MB error a cold run would give for regular files of these sizes, if any.

    For a run served from the cache: the limit holds there too, from the sizes the cache's
    key already has (no reading)."""
    limit = max_bytes()
    total = sum(sizes)
    if total > limit:
        raise _too_large(names[0], total, limit) if len(names) == 1 else _base_too_large(len(names), total, limit)


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The file's bytes, or a `BaseError` when it is missing, not a file, unreadable or
    larger than FACTS_MAX_MB."""
    name = os.fspath(path)
    limit = max_bytes()
    try:
        return _read(name, _stat_file(name), limit)
    except _TooLarge as exc:
        raise _too_large(name, exc.size, limit) from None


def read_documents(paths: Sequence[str | os.PathLike[str]]) -> list[tuple[str, bytes]]:
    """Each file's (name, bytes), within one FACTS_MAX_MB budget for all of them together.

    Every file is checked (exists, is a file) and the sizes added up before any is read,
    so a base of many files that is too large in total is refused before its bytes are held.
    """
    names = [os.fspath(p) for p in paths]
    if len(names) == 1:
        return [(names[0], read_bytes(names[0]))]
    limit = max_bytes()
    infos = [_stat_file(name) for name in names]
    total = sum(info.st_size for info in infos)
    documents = []
    used = 0
    try:
        if total > limit:
            raise _TooLarge(total)
        for name, info in zip(names, infos, strict=True):
            raw = _read(name, info, limit - used)
            used += len(raw)
            documents.append((name, raw))
    except _TooLarge as exc:  # (from _read: a file grew since it was measured)
        raise _base_too_large(len(names), max(total, used + exc.size), limit) from None
    return documents


class _TooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def _read(name: str, info: os.stat_result, limit: int) -> bytes:
    """The bytes of a file known to be regular; `_TooLarge` past `limit` bytes.

    Read in pieces, never into a buffer of the limit's size (FACTS_MAX_MB=1000000 must not
    ask for a terabyte): one read of st_size + 1 normally, more only if the file grew.
    """
    if info.st_size > limit:
        raise _TooLarge(info.st_size)
    chunks = []
    total = 0
    try:
        with open(name, "rb") as handle:
            while chunk := handle.read(max(info.st_size + 1 - total, 1 << 20)):
                chunks.append(chunk)
                total += len(chunk)
                if total > limit:
                    raise _TooLarge(total)
    except PermissionError:
        raise BaseError("permission denied", name) from None
    except OSError as exc:
        raise BaseError(f"cannot read: {exc.strerror or exc}", name) from None
    return b"".join(chunks)  # one chunk: that very object, not a copy


def count_entries(data: dict[str, Any]) -> tuple[int, int]:
    """(records, sources) of one parsed file: its [[metrics]], [[projects]] and [[milestones]],
    and its [[sources]] tables (FACTS_MAX_RECORDS limits the first, MAX_SOURCES the second)."""
    records = sum(len(value) for key in KINDS if isinstance(value := data.get(key), list))
    sources = data.get("sources")
    return records, len(sources) if isinstance(sources, list) else 0


def too_many_records(count: int, limit: int, more: bool = False) -> BaseError:
    """`more`: files are left unread, so there are at least `count`."""
    records = f"{count:,} records" + (" or more" if more else "")
    return BaseError(f"base too large: {records} (the limit is {limit:,}, set FACTS_MAX_RECORDS to raise it)")


def check_counts(counts: Sequence[Sequence[int]], files: int) -> None:
    """The FACTS_MAX_RECORDS (or MAX_SOURCES) error for files with these (records, sources), in order, if any.

    `counts` may cover only the first of `files` files (those parsed so far): the total is
    checked after each, as a cold run parses them, so a cached run (which stored the counts
    at build time) gives the very same message."""
    limit = max_records()
    total = sources = 0
    for number, (records, tables) in enumerate(counts, 1):
        total += records
        sources += tables
        if total > limit:
            raise too_many_records(total, limit, number < files)
        if sources > MAX_SOURCES:
            raise BaseError(f"base too large: {sources:,} [[sources]] tables (at most {MAX_SOURCES:,} in a base)")


def decode(raw: bytes, name: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):  # Windows editors write a byte-order mark
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise BaseError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); a fact base is UTF-8 TOML",
            name,
            line,
            column,
        ) from None


def parse_toml(text: str, name: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):  # imported here: a cached run never parses TOML
        import tomllib
    else:  # pragma: no cover - exercised only on Python 3.10
        import tomli as tomllib

    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise BaseError("binary data (a NUL byte); a fact base is UTF-8 TOML", name, line)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc.args[0]) if exc.args else str(exc)
        line = column = 0
        found = _TOML_POSITION.search(message)
        if found:
            message = message[: found.start()]
            line, column = int(found.group(1)), int(found.group(2))
        elif _TOML_END.search(message):
            message = _TOML_END.sub("", message) + " at end of file"
            line = text.count("\n") + 1
        raise BaseError(f"invalid TOML: {message}", name, line, column) from None
    except (RecursionError, MemoryError):
        raise BaseError("invalid TOML: nested too deeply to read", name) from None


def load_files(paths: Sequence[str | os.PathLike[str]]) -> Base:
    """Load and merge bases; raise `BaseError` on the first problem of any of them."""
    return load_documents(read_documents(paths))


def parse_documents(
    documents: list[tuple[str, bytes]], counts: list[tuple[int, int]] | None = None
) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, text, data) of each file's bytes; `BaseError` when one is not UTF-8 TOML, or
    when the records of all of them together pass FACTS_MAX_RECORDS (counted as
    each file is parsed: a base of two million records stops before validation, the costly
    part). `counts`, when given, receives each file's (records, sources).

    `documents` is emptied as it goes: each file's bytes are let go once decoded, before its
    TOML (ten times their size in memory) is parsed."""
    files = len(documents)
    documents.reverse()
    found = [] if counts is None else counts
    parsed = []
    while documents:
        name, raw = documents.pop()
        text = decode(raw, name)
        del raw
        data = parse_toml(text, name)
        found.append(count_entries(data))
        check_counts(found, files)
        parsed.append((name, text, data))
    return parsed


def load_documents(documents: list[tuple[str, bytes]], counts: list[tuple[int, int]] | None = None) -> Base:
    """Parse and validate the bytes of files already read (name, bytes), as one merged base.

    Split from `load_files` so the cache can fingerprint exactly the bytes it indexes (before
    this call, which empties `documents`) and store the `counts` (see `parse_documents`).
    """
    from .validate import validate_documents

    base, problems = validate_documents(parse_documents(documents, counts))
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more; run 'facts check')" if len(problems) > 1 else ""
        message = f"{first.id}: {first.message}" if first.id else first.message
        raise BaseError(message + more, first.path, first.line)
    return base


def load(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None) -> Base:
    """Load one base, several (merged), or with no argument the bundled one."""
    if paths is None:
        return load_files([bundled_path()])
    if isinstance(paths, (str, os.PathLike)):
        return load_files([paths])
    return load_files(list(paths))
