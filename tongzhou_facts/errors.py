"""Exit statuses and the error types that carry them, in one place (as HTTPie does)."""

from __future__ import annotations

import enum


class ExitStatus(enum.IntEnum):
    """What a `facts` process tells its caller; documented in the README and `--help`."""

    OK = 0  # results printed / base clean
    NOTHING = 1  # nothing matched (like grep), or `check` found problems
    ERROR = 2  # usage error, or a base that cannot be read or is invalid
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT), as shells report it
    TERMINATED = 143  # SIGTERM (128 + SIGTERM)


class FactsError(Exception):
    """An error meant for the user: one line, no traceback.

    When it points into a file, `path`, `line` and `column` say where (0: not known);
    it prints as ``path:line:column: message`` so editors and terminals can jump there.
    """

    exit_status = ExitStatus.ERROR

    def __init__(self, message: str, path: str | None = None, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column

    @property
    def location(self) -> str | None:
        if self.path is None:
            return None
        return self.path + (f":{self.line}" if self.line else "") + (f":{self.column}" if self.line and self.column else "")

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class BaseError(FactsError):
    """A fact base that cannot be read, parsed or validated."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C's KeyboardInterrupt so that every `finally` and
    temporary-file cleanup runs; the process then exits 143 (128 + SIGTERM)."""


class OutputError(FactsError):
    """Standard output could not be written: closed (`>&-`), a full disk, an I/O error."""


class UsageError(FactsError):
    """Bad arguments: an unknown id, an empty query, incomparable units."""
