"""The `facts` commands: one module per command or family, each a short read.

A command is a function whose parameters are declared with `argv.Opt`/`argv.Arg` (the
output options as one `options.Output`), which takes the run's `Environment` as `env`,
and returns an `ExitStatus`; it raises `FactsError` for anything the user must fix.
`cli.py` parses the command line into it (argv.parse, or Typer via app.py).

Only the module of the command being run is imported: start-up is the tool's speed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

#: Command name -> (module, function), in the order `facts --help` lists them.
COMMANDS: dict[str, tuple[str, str]] = {
    "search": ("search", "search"),
    "ask": ("ask", "ask"),
    "list": ("listing", "list_"),
    "metrics": ("listing", "metrics"),
    "projects": ("listing", "projects"),
    "milestones": ("listing", "milestones"),
    "timeline": ("charts", "timeline"),
    "chart": ("charts", "chart"),
    "show": ("record", "show"),
    "get": ("record", "get"),
    "cite": ("cite", "cite"),
    "stats": ("stats", "stats"),
    "values": ("values", "values"),
    "check": ("check", "check"),
    "coverage": ("coverage", "coverage"),
    "export": ("export", "export"),
    "serve": ("serve", "serve"),
    "help": ("help", "help_"),
}
#: `facts cache <name>`.
CACHE_COMMANDS: dict[str, tuple[str, str]] = {
    "info": ("cache", "info"),
    "clear": ("cache", "clear"),
}


def command(name: str, table: dict[str, tuple[str, str]] = COMMANDS) -> Callable[..., Any] | None:
    """The function of a command, importing only its module; None for an unknown name.

    (`__import__` and sys.modules, which is what importlib.import_module does: the importlib
    package is not otherwise imported by a run, and costs 0.1 ms.)"""
    found = table.get(name)
    if found is None:
        return None
    module, function = found
    __import__(f"{__name__}.{module}")
    func: Callable[..., Any] = getattr(sys.modules[f"{__name__}.{module}"], function)
    return func
