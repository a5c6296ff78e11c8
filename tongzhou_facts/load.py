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

from .errors import BaseError
from .model import Record, Source

#: Bases larger than this are refused before parsing: tomllib needs about ten times a
#: file's size in memory, and the speed issue's budget is 300 MB. FACTS_MAX_MB raises it.
DEFAULT_MAX_MB = 64
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


def max_bytes() -> int:
    raw = os.environ.get("FACTS_MAX_MB", "")
    try:
        mb = float(raw) if raw else DEFAULT_MAX_MB
    except ValueError:
        mb = DEFAULT_MAX_MB
    return int(mb * 1024 * 1024)


def read_text(path: str | os.PathLike[str]) -> str:
    """The file's text, or a `BaseError` that says in one line why it cannot be read."""
    return decode(read_bytes(path), os.fspath(path))


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The file's bytes, or a `BaseError` when it is missing, not a file, unreadable or too big."""
    name = os.fspath(path)
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
    limit = max_bytes()
    if info.st_size > limit:
        raise BaseError(
            f"file too large ({info.st_size / 1048576:.0f} MB; the limit is "
            f"{limit / 1048576:.0f} MB, set FACTS_MAX_MB to raise it)",
            name,
        )
    try:
        with open(name, "rb") as handle:
            raw = handle.read(limit + 1)
    except PermissionError:
        raise BaseError("permission denied", name) from None
    except OSError as exc:
        raise BaseError(f"cannot read: {exc.strerror or exc}", name) from None
    return raw


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
    from .validate import validate_documents

    documents = [(os.fspath(p), read_text(p)) for p in paths]
    parsed = [(name, text, parse_toml(text, name)) for name, text in documents]
    base, problems = validate_documents(parsed)
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
