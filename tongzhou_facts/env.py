"""Terminal or pipe, colour or not, how wide, which encoding: decided once, here.

Like HTTPie's Environment: commands ask this object instead of probing streams, and
tests build one that plays a terminal or a pipe.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import TextIO

from .escape import safe


class Environment:
    __slots__ = ("color", "is_terminal", "stderr", "stdout", "unicode", "width")

    def __init__(
        self,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
        is_terminal: bool = False,
        color: bool = False,
        width: int = 100,
        unicode: bool = True,
    ) -> None:
        self.stdout = stdout if stdout is not None else sys.stdout
        self.stderr = stderr if stderr is not None else sys.stderr
        self.is_terminal = is_terminal
        self.color = color
        self.width = width
        self.unicode = unicode

    @classmethod
    def detect(cls, no_color: bool = False) -> Environment:
        stdout = sys.stdout
        try:
            is_terminal = stdout.isatty()
        except (AttributeError, ValueError):
            is_terminal = False
        term = os.environ.get("TERM", "")
        color = is_terminal and not no_color and "NO_COLOR" not in os.environ and term != "dumb"
        if os.environ.get("NO_COLOR", None) == "":
            color = is_terminal and not no_color and term != "dumb"  # NO_COLOR counts only when set to something
        width = _terminal_width()  # COLUMNS, else the terminal, else 100
        encoding = (getattr(stdout, "encoding", None) or "ascii").lower().replace("-", "")
        return cls(stdout, sys.stderr, is_terminal, color, max(width, 20), encoding.startswith("utf"))


def say(message: str, *, escape: bool = True) -> None:
    """One message on stderr, escaped unless it is our own text (help).

    Never on stdout: with stderr closed (`2>&-`), the message is dropped rather than
    mixed into the output a script is reading. A failing stderr is not an error either.
    """
    stream = sys.stderr
    if stream is None:
        return
    with contextlib.suppress(OSError, ValueError):
        stream.write((safe(message) if escape else message) + "\n")
        stream.flush()


def harden_streams() -> None:
    """A stdout that cannot encode Chinese (PYTHONIOENCODING=ascii) escapes it instead of crashing."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def _terminal_width() -> int:
    """COLUMNS, else the terminal's width, else 100 (shutil's logic, without importing shutil)."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 100
    except (AttributeError, ValueError, OSError):
        return 100
