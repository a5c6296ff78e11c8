"""`facts help [COMMAND]`: the help of facts or of one command, as `--help` prints it."""

from __future__ import annotations

from typing import Annotated

from ..argv import Arg
from ..env import Environment
from ..errors import ExitStatus, UsageError
from . import CACHE_COMMANDS, COMMANDS


def _complete_command(incomplete: str) -> list[str]:
    return [name for name in [*COMMANDS, "cache", *CACHE_COMMANDS] if name.startswith(incomplete)]


def help_(
    env: Environment,
    command: Annotated[
        list[str] | None,
        Arg(
            metavar="COMMAND",
            help="A command, e.g. search or cache info (default: facts itself).",
            autocompletion=_complete_command,
        ),
    ] = None,
) -> ExitStatus:
    """The help of facts or of one command: `facts help search` is `facts search --help`.

    Examples:

    \b
      facts help
      facts help search
      facts help cache info
    """
    from ..env import terminal_width
    from ..helptext import HELP_FLAGS, requested, stored, wide_enough, write

    words = list(command or [])
    asked = [*words, HELP_FLAGS[0]]
    if any(word.startswith("-") for word in words) or requested(asked) is None:
        names = ", ".join([*COMMANDS, "cache", *(f"cache {name}" for name in CACHE_COMMANDS)])
        raise UsageError(f"no command '{' '.join(words)}' (commands: {names})")
    text = stored(" ".join(words)) if wide_enough(terminal_width(fallback=80)) else None
    if text is None:  # a narrow terminal, or no stored help: Typer wraps it
        from ..app import run_typer

        return ExitStatus(run_typer(asked, env))
    write(text, env)
    return ExitStatus.OK
