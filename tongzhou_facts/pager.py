"""The pager, as git and gh have one: on a terminal, output taller than the screen goes
through `$FACTS_PAGER`, else `$PAGER`, else `less -FRX` (env.pager_command decides which,
and Environment.detect whether: only when stdout is a terminal).

What a drawing prints is collected first (a table is drawn whole anyway); when it is taller
than the terminal, it goes to the pager, else straight out. A pager that cannot start means
the text is written directly, quietly (a shell-style one too: its commands are looked up
first, so the shell's "not found" never reaches the screen); a reader who quits the pager
early ends the run quietly; the exit status stays the command's. `--no-pager`
(Output.environment) turns it off.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .env import Environment

if TYPE_CHECKING:
    import subprocess

#: A pager command with any of these is run by the shell; otherwise it is started directly,
#: so that one that does not exist is an error here (and the text is written directly).
SHELL_CHARACTERS = frozenset("|&;<>()$`\\\"'*?[#~=%")
#: The exit statuses of `sh -c` for a command it could not find or not run.
NOT_STARTED = (126, 127)
#: The shell's operators, as shlex reads them: those that start a command, and redirections
#: (whose next word is a file, not a command).
OPERATORS = frozenset("();<>|&")
#: A word before a command that sets a variable for it (`LESS=R less`). A pattern, compiled
#: (and cached by `re`) when a pager command is first read, not on every table's import.
ASSIGNMENT = r"[A-Za-z_][A-Za-z0-9_]*="
#: Run by `sh`: exit 127 when one of the words given is no command the shell can find (a
#: builtin such as `exec` is one).
LOOK_UP = 'for word do command -v "$word" >/dev/null 2>&1 || exit 127; done'


@contextlib.contextmanager
def paged(env: Environment) -> Iterator[Environment]:
    """An environment to draw in; what was drawn in it goes out through the pager when the
    run has one and the text is taller than the terminal, else to `env.stdout` as it is."""
    if env.pager is None or env.height <= 0:
        yield env
        return
    buffer = io.StringIO()
    yield env.replace(stdout=buffer)
    show(buffer.getvalue(), env)


def show(text: str, env: Environment) -> None:
    """`text` through the pager when it is taller than the terminal, else written directly."""
    if env.pager is None or text.count("\n") < env.height or not _through(env.pager, text, env):
        env.stdout.write(text)
        env.stdout.flush()


def _through(command: str, text: str, env: Environment) -> bool:
    """Run the pager on `text`; False when it could not start (nothing of it was shown)."""
    import shlex
    import subprocess

    shell = bool(SHELL_CHARACTERS & set(command))
    try:
        argv = ["/bin/sh", "-c", command] if shell else shlex.split(command)
    except ValueError:
        return False
    if not argv or (shell and not _found(command)):
        return False
    encoding = getattr(env.stdout, "encoding", None) or "utf-8"
    data = text.encode(encoding, "backslashreplace")
    variables = dict(os.environ)
    variables.setdefault("LESS", "FRX")  # as git: a bare `less` still passes colour and quits on a short text
    variables.setdefault("LV", "-c")
    with contextlib.suppress(OSError, ValueError):
        env.stdout.flush()  # what was written before goes first
    try:
        process = subprocess.Popen(argv, stdin=subprocess.PIPE, env=variables)
    except (OSError, ValueError):
        return False
    assert process.stdin is not None
    # BrokenPipeError: the reader quit the pager before the end. Ctrl-C is the pager's (less
    # stops reading, and stays): facts stops feeding it and waits, as git does.
    with contextlib.suppress(OSError, KeyboardInterrupt):
        process.stdin.write(data)
    with contextlib.suppress(OSError):
        process.stdin.close()
    # `sh -c` that found no such command exits 127: then nothing was shown (a pager that
    # read it all and failed so is not worth showing the text twice for).
    return _wait(process) not in NOT_STARTED


def _found(command: str) -> bool:
    """Whether the shell finds every command a shell-style pager names (`less -R | tr a b`
    names less and tr). Run without this, a missing one would have the shell print
    "sh: 1: x: not found" on the terminal before facts wrote the text itself: looked up first,
    a pager that cannot start is as quiet as a missing `less`. A command line shlex cannot
    read (an open quote) is one the shell would refuse too. Words made at run time (`$PAGER`,
    `*`, backquotes) are the shell's to find, and a failure then is the shell's to report."""
    import shlex
    import subprocess

    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        tokens = list(lexer)
    except ValueError:
        return False
    words, starting, target = [], True, False
    for at, token in enumerate(tokens):
        if set(token) <= OPERATORS:
            target = "<" in token or ">" in token
            starting = starting or not target
            continue
        redirected = token.isdigit() and at + 1 < len(tokens) and bool(set(tokens[at + 1]) & set("<>"))  # the 2 of 2>file
        if target or redirected or not starting or re.match(ASSIGNMENT, token):
            target = False
            continue
        starting = False
        if not set(token) & set("$`*?[~"):
            words.append(token)
    if not words:
        return True
    try:
        checked = subprocess.run(
            ["/bin/sh", "-c", LOOK_UP, "sh", *words],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, ValueError):
        return False
    return checked.returncode == 0


def _wait(process: subprocess.Popen[bytes]) -> int:
    """The pager's exit status. Ctrl-C while it runs is the pager's to handle (less stays), as in git."""
    while True:
        try:
            return process.wait()
        except KeyboardInterrupt:
            continue
