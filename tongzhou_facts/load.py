"""Read fact-base files: bytes -> TOML -> validated records, with file:line in every error.

Loading is strict: a base with any problem raises `BaseError` naming the first one
(`facts check` lists them all). The limits on size and counts are in limits.py, the
schema rules in validate.py; the derived index in `cache.py` sits in front of this.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import stat
import sys
import types
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .errors import BaseError
from .limits import base_too_large, check_counts, count_entries, file_too_large, max_bytes
from .model import Base

BUNDLED_NAME = "facts.toml"

_TOML_POSITION = r"\s*\(at line (\d+), column (\d+)\)$"  # patterns: re caches them when first used
_TOML_END = r"\s*\(at end of document\)$"


def bundled_path() -> str:
    """The base shipped inside the package (in a checkout: the repo's facts.toml)."""
    here = os.path.dirname(os.path.abspath(__file__))
    packaged = os.path.join(here, BUNDLED_NAME)
    return packaged if os.path.isfile(packaged) else os.path.join(os.path.dirname(here), BUNDLED_NAME)


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


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The file's bytes, or a `BaseError` when it is missing, not a file, unreadable or
    larger than FACTS_MAX_MB."""
    name = os.fspath(path)
    limit = max_bytes()
    try:
        return _read(name, _stat_file(name), limit)
    except _TooLarge as exc:
        raise file_too_large(name, exc.size, limit) from None


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
        raise base_too_large(len(names), max(total, used + exc.size), limit) from None
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


def decode(raw: bytes, name: str) -> str:
    if raw.startswith(b"SQLite format 3\x00"):  # an export (database.py): commands that read TOML cannot use it
        said = "an SQLite base (facts export --format sqlite): this reads TOML; give the TOML it was exported from"
        raise BaseError(said, name)
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
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise BaseError("binary data (a NUL byte); a fact base is UTF-8 TOML", name, line)
    reader = _reader()
    try:
        data: dict[str, Any] = reader.loads(text)
        return data
    except reader.TOMLDecodeError:
        pass  # read again below, outside this handler: no chained traceback, no second copy held
    except (RecursionError, MemoryError):
        raise BaseError("invalid TOML: nested too deeply to read", name) from None
    return _reference_loads(text, name)


def _reference_loads(text: str, name: str) -> dict[str, Any]:
    """`text` read by the standard library's tomllib (tomli on Python 3.10), whose messages and
    positions are the ones `facts` reports: a document the fast reader refused is read again
    here (errors are rare, and cheap to read twice), so the error is the same whichever read it."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised only on Python 3.10
        import tomli as tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc.args[0]) if exc.args else str(exc)
        line = column = 0
        found = re.search(_TOML_POSITION, message)
        if found:
            message = message[: found.start()]
            line, column = int(found.group(1)), int(found.group(2))
        elif re.search(_TOML_END, message):
            message = re.sub(_TOML_END, "", message) + " at end of file"
            line = text.count("\n") + 1
        raise BaseError(f"invalid TOML: {message}", name, line, column) from None
    except (RecursionError, MemoryError):
        raise BaseError("invalid TOML: nested too deeply to read", name) from None


@functools.cache
def _reader() -> types.ModuleType:
    """The TOML reader of a cold run: tomli when it is the compiled (mypyc) build of the TOML 1.0
    line, which parses a big base 1.8 times faster than tomllib (benchmarks/cold_build.py),
    else the standard library's tomllib (tomli on Python 3.10, where there is no tomllib).

    Imported here, not at the top: a cached run never parses TOML. Both accept exactly the
    same documents (tomli 2.2 is the release tomllib follows; the invalid toml-test corpus
    gives the same errors): the pin in pyproject.toml keeps tomli below 2.3, which reads
    TOML 1.1, and a tomli that reads it anyway (installed by hand) is not used. A pure-Python
    tomli is no faster than tomllib, so it is not used either.
    """
    if sys.version_info >= (3, 11):
        import tomllib

        return _compiled_tomli() or tomllib
    import tomli  # pragma: no cover - exercised only on Python 3.10

    return tomli  # pragma: no cover


def _compiled_tomli() -> types.ModuleType | None:
    """tomli, if it is installed, compiled, and reads TOML 1.0 only; else None."""
    try:
        import tomli
    except ImportError:
        return None
    if isinstance(tomli.loads, types.FunctionType):  # pure Python: a function, not a builtin
        return None
    try:
        tomli.loads("a = {b = 1,}")  # a trailing comma in an inline table: TOML 1.1 only
    except tomli.TOMLDecodeError:
        return tomli
    return None


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

    with gc_paused():
        base, problems = validate_documents(parse_documents(documents, counts))
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more; run 'facts check')" if len(problems) > 1 else ""
        message = f"{first.id}: {first.message}" if first.id else first.message
        raise BaseError(message + more, first.path, first.line)
    return base


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection meanwhile: parsing, validating and indexing a big base make
    millions of containers, and each new batch of them sets off a collection that walks all
    those still alive (a tenth of a 100,000-record cold build, a third of its validation). They
    make no reference cycles (TOML is a tree), so nothing waits for the collector: memory is
    the same, and collection resumes after.

    What the pause made and kept (the base, the index's remembered values) is then moved to the
    oldest generation at once (gc.freeze, then gc.unfreeze, which puts the frozen objects there):
    left in the youngest, the first allocation after the pause set off a collection that walked
    all of them, and a second one moved them on (half a second of a 100,000-record cold build).
    Nothing is left out of collection: the oldest generation is collected as usual."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def load(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None) -> Base:
    """Load one base, several (merged), or with no argument the bundled one."""
    if paths is None:
        return load_files([bundled_path()])
    if isinstance(paths, (str, os.PathLike)):
        return load_files([paths])
    return load_files(list(paths))
