"""The Typer app: `--help`, shell completion, and every command line the fast parser
hands over (argv.py), with click's own error messages.

Typer (0.28, which vendors click as `typer._click`) is imported only here, and only
when a run needs it: about 55 ms of start-up.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any

from . import __version__
from .argv import EMPTY, Opt, Spec, check_text, typer_function
from .commands import CACHE_COMMANDS, COMMANDS, command
from .commands.cache import HELP as CACHE_HELP
from .errors import ExitStatus

if TYPE_CHECKING:
    from .env import Environment

APP_HELP = (
    "Look up facts about 通州区 (Nantong) in 2023: metrics, projects, milestones, each with its source sentence.\n\n"
    "Examples:\n\n\b\n"
    "  facts search 异质结\n"
    "  facts metrics --year 2023 --min 100亿元\n"
    "  facts get gdp-2023 value\n"
    "  facts list --format json | jq '.[].name'\n"
    "  facts help search\n\n"
    "Piped output is plain tab-separated lines; a terminal gets tables. The base is the bundled one, "
    "or each command's -f/--file PATH (repeatable), or FACTS_FILE (a list of paths separated like PATH).\n\n"
    "These global options may come before or after the command ('facts --format json search 异质结' "
    "is 'facts search 异质结 --format json'):\n\n\b\n"
    "  -f/--file PATH, --format, --fields, --lang, --no-color, --color WHEN,\n"
    "  --no-pager, --bom, --csv-raw, -o/--output FILE\n\n"
    "'facts help COMMAND' (or 'facts COMMAND --help') shows a command's options."
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


def typer_settings(settings: Mapping[str, Any], spec: Spec) -> dict[str, Any]:
    """What Typer's Option/Argument get for a declaration (argv.Param.to_typer), its help
    written for a reader rather than in click's notation: the value as a word or its choices
    (`--year YEAR`, `--kind [metric|project|milestone]`, never `<int range>`), the default as
    a sentence ("Default: 20."), bounds checked but not printed (`[x>=1]`). The command
    class (help_classes) writes the usage line and the Arguments section from `metavar`."""
    found = {key: value for key, value in settings.items() if key not in _HELP_ONLY}
    found["help"] = _help_with_default(settings, spec)
    found["show_default"] = False
    found["metavar"] = _display_metavar(settings, spec)
    choices = settings.get("choices")
    if choices and "autocompletion" not in found:
        found["autocompletion"] = _offer(tuple(choices))
    if spec.minimum is not None or spec.maximum is not None:
        found["click_type"] = _bounded(spec.minimum, spec.maximum)
    return found


#: Declared settings Typer is not given as they are: typer_settings writes them into the help and the type.
_HELP_ONLY = frozenset({"choices", "min", "max", "show_default"})


def _help_with_default(settings: Mapping[str, Any], spec: Spec) -> str | None:
    """The declared help, and the default as a sentence when it says something (not for a
    flag, nothing, or a help that already speaks of its default)."""
    text: str | None = settings.get("help")
    shown = settings.get("show_default", True)
    if shown is False or spec.is_arg or spec.kind is bool:
        return text
    default = shown if isinstance(shown, str) else spec.default
    if default is None or default is EMPTY or (text and "default" in text.lower()):
        return text
    sentence = f"Default: {default}."
    return f"{text.rstrip()} {sentence}" if text else sentence


def _display_metavar(settings: Mapping[str, Any], spec: Spec) -> str | None:
    """How help writes the value: an argument as `QUERY...`, `[FIELD]` (optional), `[PATH]...`;
    an option's value as its declared word, its choices `[a|b]`, or its name (`--year YEAR`)."""
    declared: str | None = settings.get("metavar")
    if spec.is_arg:
        if declared and " " in declared:  # written out whole: `ID... [FIELD]...`
            return declared
        word = (declared or spec.name.upper()).strip("[].")
        word = word if spec.required else f"[{word}]"
        return word + "..." if spec.many else word
    if spec.kind is bool:
        return None
    choices = settings.get("choices")
    if declared:
        return declared
    if choices:
        return f"[{'|'.join(choices)}]"
    return max(spec.flags, key=len).lstrip("-").split("-")[-1].upper()  # --min-investment INVESTMENT


def _offer(choices: tuple[str, ...]) -> Callable[[str], list[str]]:
    """Shell completion of an option's choices (Typer reads the parameter's name)."""

    def complete(incomplete: str) -> list[str]:
        return [choice for choice in choices if choice.startswith(incomplete)]

    return complete


@functools.cache
def _bounded(minimum: int | None, maximum: int | None) -> Any:
    """A click integer type that checks the bounds as `parse` does, and says them in words
    (click's IntRange prints `[1<=x<=9999]` in every help)."""
    from typer._click.types import IntParamType

    class Bounded(IntParamType):
        def convert(self, value: Any, param: Any, ctx: Any) -> Any:
            number = super().convert(value, param, ctx)
            low = minimum is not None and number < minimum
            high = maximum is not None and number > maximum
            if low or high:
                if minimum is not None and maximum is not None:
                    self.fail(f"{number} is not from {minimum} to {maximum}.", param, ctx)
                self.fail(f"{number} is not {minimum} or more." if low else f"{number} is not {maximum} or less.", param, ctx)
            return number

    return Bounded()


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

    command_class, group_class = help_classes()
    call = call or runner(env)
    application = typer.Typer(
        name="facts",
        cls=group_class,
        help=APP_HELP,
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    application.callback()(typer_function(main_options, lambda *_: None))
    for name in COMMANDS:
        if only is None or only == name:
            func = _command(name, COMMANDS)
            application.command(name, cls=command_class, short_help=summary(func.__doc__))(typer_function(func, call))
    if only is None or only == "cache":
        cache_app = typer.Typer(cls=group_class, help=CACHE_HELP, no_args_is_help=True, rich_markup_mode=None)
        for name in CACHE_COMMANDS:
            func = _command(name, CACHE_COMMANDS)
            cache_app.command(name, cls=command_class, short_help=summary(func.__doc__))(typer_function(func, call))
        application.add_typer(cache_app, name="cache", short_help=summary(CACHE_HELP))
    return application


def summary(doc: str | None) -> str:
    """A command's line in the list of commands: its help's first paragraph, whole (click
    cuts it to fit with "…")."""
    return " ".join((doc or "").strip().split("\n\n")[0].split())


@functools.cache
def help_classes() -> tuple[Any, Any]:
    """Typer's command and group classes, writing help for a reader rather than in click's
    notation: `facts search [OPTIONS] QUERY...` (not `{QUERY}`), arguments without
    `[required]`, and every help ending with its exit statuses and environment (helpnotes.py).
    The parameters' own help (metavars, defaults) come from typer_settings."""
    from typer.core import TyperCommand, TyperGroup

    class Command(TyperCommand):
        def collect_usage_pieces(self, ctx: Any) -> list[str]:
            pieces = [self.options_metavar] if self.options_metavar else []
            return pieces + [str(param.metavar) for param in self.get_params(ctx) if param.param_type_name == "argument"]

        def format_options(self, ctx: Any, formatter: Any) -> None:
            params: list[Any] = self.get_params(ctx)
            arguments = [(str(p.metavar), str(p.help or "")) for p in params if p.param_type_name == "argument"]
            options = [p.get_help_record(ctx) for p in params if p.param_type_name == "option"]
            for title, rows in (("Arguments", arguments), ("Options", [row for row in options if row])):
                if rows:
                    with formatter.section(title):
                        formatter.write_dl(rows, col_max=_first_column(rows))

        def format_epilog(self, ctx: Any, formatter: Any) -> None:
            super().format_epilog(ctx, formatter)
            _notes(ctx, formatter, [flag for param in self.params for flag in param.opts])

    class Group(TyperGroup):
        def format_epilog(self, ctx: Any, formatter: Any) -> None:
            super().format_epilog(ctx, formatter)
            _notes(ctx, formatter, [])

    return Command, Group


#: The widest first column of a help's list: a longer one (`--format [table|plain|…]`) gets a
#: line of its own rather than pushing every description to the right (click allows 30).
NAMES_WIDTH = 24


def _first_column(rows: list[tuple[str, str]]) -> int:
    return max([len(name) for name, _ in rows if len(name) <= NAMES_WIDTH] or [NAMES_WIDTH])


def _notes(ctx: Any, formatter: Any, options: list[str]) -> None:
    """The end of a help: the exit statuses and the environment variables of this command."""
    from .helpnotes import environment_rows, exit_rows

    words = []
    while ctx.parent is not None:
        words.append(ctx.info_name)
        ctx = ctx.parent
    path = " ".join(reversed(words))
    for title, rows in (("Exit status", exit_rows(path)), ("Environment", environment_rows(path, options))):
        with formatter.section(title):
            formatter.write_dl(rows)


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
