"""The `facts` entry point: parse the command line, run the command, map every way a run
can end to an exit status.

Exit statuses (errors.ExitStatus): 0 results printed; 1 nothing matched (like grep)
or `check` found problems; 2 a usage error or a base that cannot be read or is invalid;
130 Ctrl-C; 143 SIGTERM. Errors are one line on stderr, `facts: error: …`;
FACTS_DEBUG=1 shows the traceback.

A valid command line runs without Typer (argv.parse → the command in commands/);
anything else (help, completion, a usage error) goes to the Typer app (app.py).
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NoReturn

from .argv import ENVIRONMENT, Leading, bind, check_text, flags_of, leading_options, parse
from .commands import CACHE_COMMANDS, COMMANDS, command
from .env import ClosedOutput, Environment, GuardedOutput, harden_streams, occupy_standard_fds, silence_stdout
from .errors import BaseError, ExitStatus, FactsError, OutputError, Terminated, UsageError

_terminated = False
#: The console script's threshold of the garbage collector's youngest generation (see `run`).
GC_YOUNG = 50_000


def _on_sigterm(_signum: int, _frame: object) -> None:
    """SIGTERM ends a run the way Ctrl-C does: cleanups run, temporary files go, exit 143."""
    global _terminated
    _terminated = True
    raise Terminated()


def main(argv: Sequence[str] | None = None, env: Environment | None = None) -> int:
    """Run `facts` with these arguments (default: the process's) in this environment
    (default: the process's streams and terminal); return the exit status."""
    global _terminated
    _terminated = False
    _on_terminate(_on_sigterm)
    occupy_standard_fds()
    if env is None:
        harden_streams()
        env = Environment.detect()
    args = [_utf8(arg) for arg in (sys.argv[1:] if argv is None else argv)]
    # Every writer (print, Rich, click) reaches stdout through one guard: one error path.
    guarded = GuardedOutput(env.stdout if env.stdout is not None else ClosedOutput())
    original = sys.stdout
    sys.stdout = guarded  # click and Rich write to sys.stdout
    try:
        return _main(args, env.replace(stdout=guarded))  # type: ignore[arg-type]
    finally:
        sys.stdout = original


def _on_terminate(handler: Callable[[int, Any], None]) -> None:
    """Install the SIGTERM handler through the C module when there is one: `signal` builds
    three enums of every signal when imported (0.6 ms of each run)."""
    try:
        from _signal import SIGTERM, signal  # type: ignore[import-not-found]  # no stub: the signal module is its face
    except ImportError:  # another Python than CPython
        from signal import SIGTERM, signal
    with contextlib.suppress(ValueError):  # only the main thread may set handlers (tests run main in others)
        signal(SIGTERM, handler)


def _main(args: list[str], env: Environment) -> int:
    """`main` with standard output guarded: every way a run can end, as an exit status."""
    try:
        code = _run(args, env)
    except OutputError as exc:
        return _stdout_failed(env, str(exc))
    except FactsError as exc:
        env.error(str(exc))
        code = int(exc.exit_status)
    except BrokenPipeError:
        return _quiet_pipe()
    except KeyboardInterrupt:
        return int(ExitStatus.TERMINATED if _terminated else ExitStatus.INTERRUPTED)
    except Exception as exc:
        if isinstance(exc, OSError) and exc.errno == errno.EPIPE:
            return _quiet_pipe()
        if os.environ.get("FACTS_DEBUG"):
            raise
        if isinstance(exc, OSError):  # our own file errors are FactsErrors: this is a stream's
            return _stdout_failed(env, f"input/output error: {exc.strerror or exc}")
        env.error(f"internal error: {type(exc).__name__}: {exc} (set FACTS_DEBUG=1 for a traceback)")
        code = int(ExitStatus.ERROR)
    try:
        env.stdout.flush()
    except BrokenPipeError:
        return _quiet_pipe()
    except OutputError as exc:
        return _stdout_failed(env, str(exc))
    return code


def _stdout_failed(env: Environment, message: str) -> int:
    """Standard output cannot be written: say so, and let what is still buffered go nowhere."""
    env.error(message)
    silence_stdout()
    return int(ExitStatus.ERROR)


def _quiet_pipe() -> int:
    """The reader went away (`facts list | head -1`): stop quietly, like cat does."""
    silence_stdout()
    return 0


def _run(args: list[str], env: Environment) -> int:
    """Run once; if a cache file proves broken mid-command (a truncated file reads fine at
    first), delete it and run again from the TOML: a bad cache is never an error.

    Only before anything was printed: a listing streams, and starting over after its first
    lines would print them twice. Then the broken file is deleted and the run ends with an
    error, so the next run rebuilds it.
    """
    args = options_after_command(args)
    for attempt in (1, 2):
        try:
            code = _run_fast(args, env)
            if code is None:
                from .app import run_typer

                return run_typer(args, env)
            return code
        except Exception as exc:
            # sqlite3 and the cache are imported by the runs that open a base (help and
            # --version do not): an SQLite error can only come from a run that imported them.
            sqlite3 = sys.modules.get("sqlite3")
            if sqlite3 is None or not isinstance(exc, sqlite3.DatabaseError):
                raise
            from . import cache

            if attempt == 2 or not _broken_file(exc):
                raise
            if not cache.drop_opened():  # no cache file was open: the base is a damaged SQLite export
                raise BaseError(f"cannot read the database: {exc}") from None
            if getattr(env.stdout, "written", False):
                raise FactsError("the cache file broke while this answer was being printed; it was removed: run again") from None
    raise AssertionError("unreachable")


#: SQLite's primary result codes for a file that is damaged or not a database (IOERR,
#: CORRUPT, CANTOPEN, NOTADB), and their messages for Python 3.10 (no `sqlite_errorcode`).
_BROKEN_CODES = (10, 11, 14, 26)
_BROKEN_MESSAGES = (
    "malformed",
    "not a database",
    "disk i/o error",
    "unable to open",
    "no such table",
    "no such column",
    "vtable constructor failed",
    "could not decode to utf-8",  # a flipped byte inside a text column
)


def _broken_file(exc: Exception) -> bool:
    """Whether an SQLite error means a damaged cache file rather than a query it refused."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and (code & 0xFF) in _BROKEN_CODES:
        return True
    text = str(exc).lower()
    return any(message in text for message in _BROKEN_MESSAGES)


#: Words that, right after the global options, ask for help or the version rather than a command.
_HELP_OR_VERSION = ("--help", "-h", "--version")


def options_after_command(args: list[str]) -> list[str]:
    """The command line with the global options written before the command moved after it:
    `facts -f x --format json search y` is `facts search -f x --format json y`, so both
    parsers (and their errors) read one form. Global: `-f/--file` and the output options
    (commands.options.global_flags). A usage error when the command does not take one, and
    when no command follows (`facts --format json`: one line, not the help; `_no_command`);
    `facts -f x --help` is `facts --help`. Anything else (an unknown option first) is left
    as it is, for Typer to report."""
    if not args or not args[0].startswith("-") or args[0] in _HELP_OR_VERSION:
        return args
    if any(key.startswith("_FACTS_COMPLETE") for key in os.environ):
        return args
    from .commands.options import global_flags

    flags = global_flags()
    words, given, start = leading_options(args, flags)
    rest = args[start:]
    if rest and rest[0] in flags:  # a value missing at the end: `facts -f x --format`
        raise UsageError(f"option '{rest[0]}' requires an argument")
    if not words:
        return args
    if not rest:
        raise _no_command(given, flags)
    if rest[0] in _HELP_OR_VERSION:
        return rest  # the help: the options have nothing to apply to
    if rest[0].startswith("-"):
        return args  # an option no command takes first: Typer's "No such option"
    group = rest[0] == "cache" and len(rest) > 1 and not rest[1].startswith("-")
    path = rest[:2] if group else rest[:1]
    func = command(path[-1], CACHE_COMMANDS if group else COMMANDS)
    if func is not None:
        taken = flags_of(func)
        for leading in given:
            name = leading.name
            if name not in taken:
                line = " ".join(["facts", *path])
                raise UsageError(f"'{line}' does not take {name} (given before the command; see '{line} --help')")
    return [*path, *words, *rest[len(path) :]]


def _no_command(given: Sequence[Leading], flags: Mapping[str, bool]) -> UsageError:
    """Why a line of global options and no command (`facts --format json`) is an error: an
    option that took the help (`facts -f --help`) or the next option as its value has none,
    a value no command takes is named (`facts --format list`), else the command is missing."""
    from .commands.options import OUTPUT_OPTIONS, Output

    for leading in given:
        value = leading.value
        if leading.next_word and value is not None and (value in _HELP_OR_VERSION or value.partition("=")[0] in flags):
            return UsageError(f"option '{leading.name}' requires an argument")
    members = {flag: member for member, (_, opt, _) in OUTPUT_OPTIONS.items() for flag in opt.decls}
    for leading in given:
        if leading.value is not None and leading.name in members:
            # The usage error of a value the option refuses: unknown format 'list'.
            Output(**{members[leading.name]: leading.value})  # type: ignore[arg-type]  # each value-taking member takes a str
    return UsageError("no command after the options (see 'facts --help')")


def _run_fast(args: list[str], env: Environment) -> int | None:
    """A valid command line, run without Typer; None hands it to Typer (see argv.py)."""
    if any(key.startswith("_FACTS_COMPLETE") for key in os.environ):
        return None
    if not args or args[-1] in ("--help", "-h", "--version") or args == ["cache"]:
        return _help_or_version(args, env)
    name, rest = (args[1], args[2:]) if args[0] == "cache" and len(args) > 1 else (args[0], args[1:])
    func = command(name, CACHE_COMMANDS if args[0] == "cache" else COMMANDS)
    if func is None:
        return None
    values = parse(func, rest)
    if values is None:
        return None
    check_text(func, values)
    return run_command(func, values, env)


def run_command(func: Callable[..., Any], values: dict[str, Any], env: Environment) -> int:
    """Run a command on its parsed values (either parser's): with `-o FILE`, in an
    environment writing into FILE, which appears when the command is done (Output.writing),
    and is left as it was when the command found nothing (exit 1) and wrote nothing."""
    kwargs = bind(func, values, env)
    out = kwargs.get("out")
    if getattr(out, "output", None) is None:
        return int(func(**kwargs))
    with out.writing(env, values.get("file")) as redirected:  # type: ignore[union-attr]  # an Output: it has an `output`
        kwargs[ENVIRONMENT] = redirected.env
        code = int(func(**kwargs))
        redirected.found_nothing = code == ExitStatus.NOTHING
    return code


def _help_or_version(args: list[str], env: Environment) -> int | None:
    """`--version`, and help as Typer would print it (helptext.py), without Typer; None when
    the line asks for something else or the terminal is too narrow for the stored help."""
    if args == ["--version"]:
        from . import __version__

        env.stdout.write(f"facts {__version__}\n")
        return int(ExitStatus.OK)
    from .env import terminal_width
    from .helptext import requested, stored, wide_enough, write

    found = requested(args)
    text = stored(found[0]) if found is not None and wide_enough(terminal_width(fallback=80)) else None
    if found is None or text is None:
        return None
    if found[1]:
        write(text, env)  # paged when taller than the terminal
        return int(ExitStatus.OK)
    env.say(text.removesuffix("\n"), escape=False)  # a group run bare: click's usage error is its help
    return int(ExitStatus.ERROR)


def _utf8(arg: str) -> str:
    """Arguments decoded under a C locale (surrogate escapes) read as the UTF-8 they are."""
    if any("\udc80" <= char <= "\udcff" for char in arg):
        try:
            return os.fsencode(arg).decode("utf-8")
        except UnicodeDecodeError:  # not UTF-8 at all (a Latin-1 file name): keep it as the OS gave it
            return arg
    return arg


def run() -> NoReturn:
    """The console script: `main`, then out of the process without tearing Python down.

    When `main` returns, the run is over: files were closed by their `with` blocks, the
    cache renamed into place, and stdout and stderr are flushed here. What Python does next
    (free every module and object: about 5 ms after a search, more after Rich) changes nothing
    anyone can see, so the process ends with os._exit. When something may still be owed at
    exit (an atexit callback, another thread, a flush that fails), it exits the ordinary way.

    The cyclic garbage collector looks at young objects every GC_YOUNG allocations instead of
    every 700 (Python 3.11's default; 3.12's is 2000): importing a command's modules, and
    Rich's for a table, allocates tens of thousands of objects (classes, functions, their
    dicts) that all live until the end, and scanning them again and again cost about 0.2 ms
    of a piped search and 1.5 ms of a table. Cycles are still collected, only in larger
    batches (a long build's memory is unchanged within a few MB). A process-wide setting,
    so the console script makes it, not `main`, which tests and programs call.
    """
    import gc  # built in

    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])
    code = main()
    if _nothing_owed_at_exit():
        os._exit(code)
    sys.exit(code)


def _nothing_owed_at_exit() -> bool:
    """No atexit callback, no other thread, and stdout and stderr flushed."""
    import atexit  # built in: nothing to load

    threading = sys.modules.get("threading")
    if atexit._ncallbacks() or (threading is not None and threading.active_count() > 1):
        return False
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        return False
    return True


def __getattr__(name: str) -> Any:
    if name in ("app", "build_app"):  # the Typer app, for tests and tools; built on demand
        from . import app

        return app.build_app() if name == "app" else app.build_app
    raise AttributeError(name)
