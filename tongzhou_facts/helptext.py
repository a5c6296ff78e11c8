"""`--version` and the help Typer would print, answered without importing Typer.

Typer (with click) costs about 35 ms to import and build the app: more than the rest of a
search. Yet `facts --help` and `facts search --help` print text that changes only with the
code, so it is rendered ahead of time into data/help.txt, one section per command, and a run
that asks for exactly that help prints the section. tests/test_help_text.py renders every
section through Typer and fails when one differs (`FACTS_UPDATE_HELP=1` rewrites the file).

Click wraps help to min(terminal width, 80) - 2 columns, so the stored text is what a pipe or
a terminal of 80 columns or more gets; a narrower terminal (or COLUMNS below 80) goes to
Typer, as does every command line this module does not recognise exactly.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .commands import CACHE_COMMANDS, COMMANDS

if TYPE_CHECKING:
    from .env import Environment

HELP_FLAGS = ("--help", "-h")
#: The narrowest terminal the stored text was wrapped for (click's max_width).
WIDTH = 80
HELP_FILE = os.path.join(os.path.dirname(__file__), "data", "help.txt")


def requested(args: Sequence[str]) -> tuple[str, bool] | None:
    """The help section a command line asks for and nothing else, and whether it is asked
    for (`--help`: stdout, exit 0) or a group run bare (`facts`, `facts cache`: stderr, exit 2)."""
    asked = bool(args) and args[-1] in HELP_FLAGS
    path = list(args[:-1] if asked else args)
    if path in ([], ["cache"]):
        return " ".join(path), asked
    if not asked:
        return None
    if len(path) == 1 and path[0] in COMMANDS:
        return path[0], True
    if len(path) == 2 and path[0] == "cache" and path[1] in CACHE_COMMANDS:
        return " ".join(path), True
    return None


def sections() -> list[str]:
    """Every section of the help file, in order: the app, its commands, the cache group and its commands."""
    return ["", *COMMANDS, "cache", *(f"cache {name}" for name in CACHE_COMMANDS)]


def header(section: str) -> str:
    """The line that opens a section of the help file (like `head`'s between files)."""
    return f"==> {' '.join(['facts', *section.split(), '--help'])} <==\n"


def stored(section: str) -> str | None:
    """The stored help of a section, or None (no file, or no such section)."""
    try:
        with open(HELP_FILE, encoding="utf-8") as handle:
            text = handle.read()
    except OSError:
        return None
    opening = header(section)
    start = text.find(opening)
    if start < 0:
        return None
    start += len(opening)
    end = text.find("\n==> ", start)
    return text[start : end + 1 if end >= 0 else len(text)]


def wide_enough(columns: int) -> bool:
    """Whether click would wrap at the width the stored text was wrapped at."""
    return columns >= WIDTH


def write(text: str, env: Environment) -> None:
    """Help on stdout; on a terminal, taller than it, through the pager (pager.py), as git
    pages `git help`. A pipe never pages: then the pager module is not even imported."""
    if env.pager is None or text.count("\n") < env.height:
        env.stdout.write(text)
        return
    from .pager import show

    show(text, env)
