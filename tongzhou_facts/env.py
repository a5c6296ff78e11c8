"""Terminal or pipe, colour or not, how wide, which encoding: decided once, here.

Like HTTPie's Environment: commands ask this object instead of probing streams, and
tests build one that plays a terminal or a pipe.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from typing import Any, TextIO

from .errors import OutputError
from .escape import safe

#: What `--color` accepts: auto (colour on a terminal unless NO_COLOR or TERM=dumb; FORCE_COLOR
#: turns it on even in a pipe), always, never.
COLOR_CHOICES = ("auto", "always", "never")
#: The pager when neither FACTS_PAGER nor PAGER names one: -F quits when the output fits the
#: screen, -R passes colour through, -X leaves the text on the screen afterwards (as git does).
DEFAULT_PAGER = "less -FRX"


class Environment:
    __slots__ = ("color", "height", "is_terminal", "pager", "stderr", "stdout", "unicode", "width")

    def __init__(
        self,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
        is_terminal: bool = False,
        color: bool = False,
        width: int = 100,
        unicode: bool = True,
        *,
        height: int = 0,
        pager: str | None = None,
    ) -> None:
        self.stdout: TextIO = stdout if stdout is not None else sys.stdout
        self.stderr: TextIO | None = stderr if stderr is not None else sys.stderr
        self.is_terminal = is_terminal
        self.color = color
        self.width = width
        self.unicode = unicode
        #: The terminal's height in lines (0: unknown, never page) and the pager command
        #: that output taller than that goes through (None: none; see pager.py).
        self.height = height
        self.pager = pager

    @classmethod
    def detect(cls, no_color: bool = False, color: str = "auto") -> Environment:
        stdout = sys.stdout
        try:
            is_terminal = stdout.isatty()
        except (AttributeError, ValueError):
            is_terminal = False
        width = terminal_width()  # COLUMNS, else the terminal, else 100
        encoding = (getattr(stdout, "encoding", None) or "ascii").lower().replace("-", "")
        return cls(
            stdout,
            sys.stderr,
            is_terminal,
            wants_color("never" if no_color else color, is_terminal),
            max(width, 20),
            encoding.startswith("utf"),
            height=terminal_height() if is_terminal else 0,
            pager=pager_command() if is_terminal else None,
        )

    def replace(self, *, stdout: TextIO | None = None, color: bool | None = None, pager: str | bool | None = True) -> Environment:
        """A copy with another stdout, colour setting (`--color`) or pager (`--no-pager`:
        `pager=None`; the default True keeps this one's)."""
        return Environment(
            self.stdout if stdout is None else stdout,
            self.stderr,
            self.is_terminal,
            self.color if color is None else color,
            self.width,
            self.unicode,
            height=self.height,
            pager=self.pager if pager is True else (pager or None),
        )

    def with_color(self, when: str) -> Environment:
        """This environment under `--color WHEN` (auto keeps what `detect` decided)."""
        if when == "auto":
            return self
        wanted = wants_color(when, self.is_terminal)
        return self if wanted == self.color else self.replace(color=wanted)

    def say(self, message: str, *, escape: bool = True) -> None:
        """One message on stderr, escaped unless it is our own text (help).

        Never on stdout: with stderr closed (`2>&-`), the message is dropped rather than
        mixed into the output a script is reading. A failing stderr is not an error either.
        """
        stream = self.stderr
        if stream is None:
            return
        with contextlib.suppress(OSError, ValueError):
            stream.write((safe(message) if escape else message) + "\n")
            stream.flush()

    def error(self, message: str) -> None:
        """An error, as every one is shown: `facts: error: …` on one line."""
        self.say(f"facts: error: {message}")


class GuardedOutput:
    """Standard output whose write failures are one `OutputError`, whoever writes.

    print(), the plain and JSON writers, Rich and click all write through `sys.stdout`;
    wrapping it once is the one error path for a closed, full or failing stdout. A
    broken pipe stays a `BrokenPipeError`: the reader left, which is not an error.
    """

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        #: Whether anything reached the stream: after that, a run cannot start over.
        self.written = False

    def write(self, text: str) -> int:
        if text == "":  # not b"": click probes with that whether a stream takes bytes
            return 0  # nothing to write is not a write: a closed stdout fails only a real one
        try:
            self.written = True
            return int(self.stream.write(text))
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as exc:
            raise _output_error(exc) from None

    def flush(self) -> None:
        try:
            self.stream.flush()
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as exc:
            raise _output_error(exc) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


class ClosedOutput:
    """What `sys.stdout` is when the process was started with it closed (`facts list >&-`)."""

    encoding = "utf-8"
    errors = "strict"
    closed_output = True  # files.writing asks, for `-o -`

    @property
    def buffer(self) -> Any:
        raise OSError(errno.EBADF, "standard output is closed")

    def write(self, _text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


def _output_error(exc: BaseException) -> OutputError:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return OutputError(f"cannot write to standard output: {reason}")


def occupy_standard_fds() -> None:
    """Put /dev/null on any of fds 0-2 the process was started without.

    Otherwise the next file opened (a cache database, an export) would get number 1 or 2,
    and anything written to "stdout" or "stderr" at the C level would land in it.
    """
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            with contextlib.suppress(OSError):
                opened = os.open(os.devnull, os.O_RDWR)
                if opened != fd:
                    os.dup2(opened, fd)
                    os.close(opened)


def silence_stdout() -> None:
    """Point fd 1 at /dev/null, so what is still buffered for a failed stdout goes nowhere
    when Python flushes it at exit (instead of a second error and exit status 120)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        fd = sys.stdout.fileno()  # not 1 itself: under a test's captured stdout there is no fd to touch
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)


def harden_streams() -> None:
    """A stdout that cannot encode Chinese (PYTHONIOENCODING=ascii) escapes it instead of crashing."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def terminal_width(fallback: int = 100) -> int:
    """COLUMNS, else the terminal's width, else `fallback` (shutil's logic, without importing shutil)."""
    return _terminal_size("COLUMNS", 0, fallback)


def _terminal_size(variable: str, which: int, fallback: int) -> int:
    """The positive number in `variable`, else the terminal's size (`which`: 0 columns, 1
    lines), else `fallback`."""
    try:
        size = int(os.environ.get(variable, "0"))
    except ValueError:
        size = 0
    if size > 0:
        return size
    try:
        return os.get_terminal_size(sys.__stdout__.fileno())[which] if sys.__stdout__ else fallback
    except (AttributeError, ValueError, OSError):
        return fallback


def wants_color(when: str, is_terminal: bool) -> bool:
    """Whether to draw in colour, decided here only. `always` and `never` are the user's word;
    `auto`, as CPython decides for its own tracebacks: NO_COLOR (set to anything but "")
    means none, else FORCE_COLOR (likewise) means colour even in a pipe, else a terminal whose
    TERM is not dumb gets colour."""
    if when != "auto":
        return when == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return is_terminal and os.environ.get("TERM", "") != "dumb"


def pager_command() -> str | None:
    """The pager for a terminal: $FACTS_PAGER, else $PAGER, else `less -FRX`; None when the
    one named is empty or `cat` (as git reads PAGER)."""
    for name in ("FACTS_PAGER", "PAGER"):
        value = os.environ.get(name)
        if value is not None:
            value = value.strip()
            return None if value in ("", "cat") else value
    return DEFAULT_PAGER


def terminal_height() -> int:
    """LINES, else the terminal's height, else 0 (unknown: never page)."""
    return _terminal_size("LINES", 1, 0)
