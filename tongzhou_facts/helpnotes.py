"""The end of every command's help: the exit statuses it can end with and the environment
variables that affect it, each written once, here.

app.py writes them under each command's options (`Exit status:`, `Environment:`), and all
of them at the end of `facts --help`. tests/test_help.py holds the table to the code: every
variable the package reads is listed, and every one listed is named in the code.
"""

from __future__ import annotations

from collections.abc import Collection

from .errors import ExitStatus
from .limits import DEFAULT_MAX_MB, DEFAULT_MAX_RECORDS

#: What each exit status means for a command that prints results (search, list, …).
EXIT_DEFAULT: dict[int, str] = {
    ExitStatus.OK: "results printed",
    ExitStatus.NOTHING: "nothing matched",
    ExitStatus.ERROR: "usage error, or a base that cannot be read or is invalid",
}
_USAGE = "usage error, or a base that cannot be read or is invalid"
#: Commands whose statuses mean something else, by their words after `facts`.
EXIT: dict[str, dict[int, str]] = {
    "": {
        ExitStatus.OK: "results printed",
        ExitStatus.NOTHING: "nothing matched, or check/coverage found something to fix",
        ExitStatus.ERROR: _USAGE,
        ExitStatus.INTERRUPTED: "interrupted (Ctrl-C)",
        ExitStatus.TERMINATED: "terminated (SIGTERM)",
    },
    "ask": {
        ExitStatus.OK: "an answer printed",
        ExitStatus.NOTHING: "the base holds no answer: nothing on standard output, and standard error says what is closest",
        ExitStatus.ERROR: _USAGE,
    },
    "show": {ExitStatus.OK: "the card printed", ExitStatus.ERROR: "usage error, an unknown id, or a bad base"},
    "get": {
        ExitStatus.OK: "the value printed",
        ExitStatus.NOTHING: "the field is empty in this record (nothing on standard output)",
        ExitStatus.ERROR: "usage error, an unknown id or field, or a bad base",
    },
    "cite": {ExitStatus.OK: "the citations printed", ExitStatus.ERROR: "usage error, an unknown id, or a bad base"},
    "stats": {ExitStatus.OK: "the counts printed", ExitStatus.NOTHING: "the base is empty", ExitStatus.ERROR: _USAGE},
    "check": {
        ExitStatus.OK: "no problems",
        ExitStatus.NOTHING: "problems found (one line each on standard output)",
        ExitStatus.ERROR: "could not run: usage error, or a file that cannot be read",
    },
    "coverage": {
        ExitStatus.OK: "every figure of the text is covered",
        ExitStatus.NOTHING: "some figures are not covered (one line each)",
        ExitStatus.ERROR: "could not run: usage error, or a file that cannot be read",
    },
    "export": {ExitStatus.OK: "written", ExitStatus.NOTHING: "the base is empty", ExitStatus.ERROR: _USAGE},
    "serve": {ExitStatus.OK: "the assistant closed the connection", ExitStatus.ERROR: _USAGE},
    "cache": {ExitStatus.OK: "done", ExitStatus.ERROR: "usage error"},
    "cache info": {ExitStatus.OK: "done", ExitStatus.ERROR: "usage error"},
    "cache clear": {ExitStatus.OK: "done (also when there was nothing to delete)", ExitStatus.ERROR: "usage error"},
    "help": {ExitStatus.OK: "the help printed", ExitStatus.ERROR: "no such command"},
}

#: Every environment variable the package reads: what it does, and which commands it
#: affects: those with one of these options (`-...`) or of these names; () is every command.
ENVIRONMENT: dict[str, tuple[str, tuple[str, ...]]] = {
    "FACTS_FILE": ("bases to read when no -f is given (a list like PATH)", ("--file",)),
    "FACTS_NO_CACHE": ("1: keep no index between runs", ("--file", "cache", "cache info", "cache clear")),
    "XDG_CACHE_HOME": ("where the index is kept (default ~/.cache)", ("--file", "cache", "cache info", "cache clear")),
    "FACTS_MAX_MB": (f"the largest base read, in MB (default {DEFAULT_MAX_MB})", ("--file",)),
    "FACTS_MAX_RECORDS": (f"the most records a base may hold (default {DEFAULT_MAX_RECORDS})", ("--file",)),
    "NO_COLOR": ("set to anything: no colour, as --no-color", ("--no-color", "--color")),
    "FORCE_COLOR": ("set to anything: colour even when piped", ("--color",)),
    "TERM": ("dumb: no colour", ("--no-color", "--color")),
    "FACTS_PAGER": ("the pager for long output (before PAGER)", ("--no-pager",)),
    "PAGER": ("the pager for long output (default: less -FRX)", ("--no-pager",)),
    "LINES": ("the height that decides when to page (default: the terminal's)", ("--no-pager",)),
    "COLUMNS": ("the width of tables and help (default: the terminal's)", ()),
    "FACTS_DEBUG": ("1: a traceback instead of 'internal error'", ()),
}


def exit_rows(path: str) -> list[tuple[str, str]]:
    """(status, meaning) of the command `path` (its words after `facts`; "" for facts itself)."""
    return [(str(int(status)), meaning) for status, meaning in EXIT.get(path, EXIT_DEFAULT).items()]


def environment_rows(path: str, options: Collection[str]) -> list[tuple[str, str]]:
    """(variable, what it does) for the command `path`, which takes these options; every
    variable for facts itself ("")."""
    return [
        (name, what)
        for name, (what, affects) in ENVIRONMENT.items()
        if not path or not affects or path in affects or any(option in affects for option in options)
    ]
