"""The Typer app: `--help`, shell completion, and every command line the fast parser
hands over (argv.py), with click's own error messages.

Typer (0.28, which vendors click as `typer._click`) is imported only here, and only
when a run needs it: about 55 ms of start-up.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any

from . import __version__
from .argv import Opt, check_text, typer_function
from .commands import CACHE_COMMANDS, COMMANDS, command
from .commands.cache import HELP as CACHE_HELP
from .errors import ExitStatus

if TYPE_CHECKING:
    from .env import Environment

EPILOG = "Exit status: 0 results printed, 1 nothing matched (or check found problems), 2 usage error or unreadable/invalid base."

APP_HELP = (
    "Look up facts about 通州区 (Nantong) in 2023: metrics, projects, milestones, each with its source sentence.\n\n"
    "  facts search 异质结\n\n"
    "  facts metrics --year 2023 --min 100亿元\n\n"
    "  facts get gdp-2023 value\n\n"
    "  facts list --format json | jq '.[].name'\n\n"
    "Piped output is plain tab-separated lines; a terminal gets tables. The base is the bundled one, "
    "or each command's --file/-f PATH (repeatable), or FACTS_FILE (a list of paths separated like PATH)."
)

#: What a parsed command line is handed to: the command's function and its values.
Call = Callable[[Callable[..., Any], dict[str, Any]], Any]


def _print_version(value: bool) -> None:
    """--version: an eager option, so it only ever runs under Typer."""
    if value:
        import typer

        sys.stdout.write(f"facts {__version__}\n")
        raise typer.Exit(0)


def main_options(
    version: Annotated[
        bool, Opt("--version", help="Print the version and exit.", is_eager=True, callback=_print_version)
    ] = False,
) -> None:
    """Global options."""


def runner(env: Environment | None) -> Call:
    """Run a command on Typer's values; a non-zero status is Typer's Exit (so its own runners,
    as in tests, see it). No `env`: the environment is detected when the command runs."""

    def call(func: Callable[..., Any], values: dict[str, Any]) -> int:
        import typer

        from .cli import run_command
        from .env import Environment

        check_text(func, values)
        code = run_command(func, values, env if env is not None else Environment.detect())
        if code:
            raise typer.Exit(code)
        return code

    return call


def build_app(only: str | None = None, env: Environment | None = None, call: Call | None = None) -> Any:
    """The Typer app, with every command or only the one being run.

    Typer converts every command's parameters on each start (about 14 ms for all of them),
    so a run builds just its own command; help and completion get them all. `call` receives
    each parsed command line (default: run it); tests pass one that records the values.
    """
    import typer

    call = call or runner(env)
    application = typer.Typer(
        name="facts",
        help=APP_HELP,
        epilog=EPILOG,
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    application.callback()(typer_function(main_options, lambda *_: None))
    for name in COMMANDS:
        if only is None or only == name:
            application.command(name)(typer_function(_command(name, COMMANDS), call))
    if only is None or only == "cache":
        cache_app = typer.Typer(help=CACHE_HELP, no_args_is_help=True)
        for name in CACHE_COMMANDS:
            cache_app.command(name)(typer_function(_command(name, CACHE_COMMANDS), call))
        application.add_typer(cache_app, name="cache")
    return application


def _command(name: str, table: dict[str, tuple[str, str]]) -> Callable[..., Any]:
    func = command(name, table)
    assert func is not None, name
    return func


def run_typer(args: Sequence[str], env: Environment) -> int:
    """Run a command line under Typer; its usage errors as one `facts: error:` line."""
    import typer
    from typer._click.exceptions import NoArgsIsHelpError
    from typer._click.utils import PacifyFlushWrapper
    from typer.main import get_command

    name = next((a for a in args if not a.startswith("-")), None)
    completing = any(key.startswith("_FACTS_COMPLETE") for key in os.environ)
    known = name in COMMANDS or name == "cache"
    click_command = get_command(build_app(only=name if known and not completing else None, env=env))
    try:
        result = click_command.main(args=list(args), prog_name="facts", standalone_mode=False)
        return int(result) if isinstance(result, int) else 0
    except SystemExit as exc:  # click's own broken-pipe handling exits; we end quietly instead
        if isinstance(sys.stdout, PacifyFlushWrapper):
            raise BrokenPipeError from None
        return int(exc.code or 0) if isinstance(exc.code, int) or exc.code is None else int(ExitStatus.ERROR)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:  # click turns Ctrl-C (and SIGTERM, see cli._on_sigterm) into Abort
        raise KeyboardInterrupt from None
    except typer.TyperException as exc:  # click's usage errors
        if isinstance(exc, NoArgsIsHelpError):  # bare `facts`: the help, as click prints it
            env.say(exc.format_message(), escape=False)
            return int(ExitStatus.ERROR)
        if not hasattr(exc, "format_message"):
            raise
        env.error(_usage_message(exc))
        return int(ExitStatus.ERROR)


def _usage_message(exc: Any) -> str:
    message = " ".join(exc.format_message().split())
    context = getattr(exc, "ctx", None)
    path = context.command_path if context is not None else "facts"
    return f"{message} (see '{path} --help')"
