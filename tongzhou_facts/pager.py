"""The pager, as git and gh have one: on a terminal, output taller than the screen goes
through `$FACTS_PAGER`, else `$PAGER`, else `less -FRX` (env.pager_command decides which,
and Environment.detect whether: only when stdout is a terminal).

What a drawing prints is collected first (a table is drawn whole anyway); when it is taller
than the terminal, it goes to the pager, else straight out. A pager that cannot start means
the text is written directly; a reader who quits the pager early ends the run quietly; the
exit status stays the command's. `--no-pager` (Output.environment) turns it off.
"""

from __future__ import annotations

import contextlib
import io
import os
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

    try:
        argv = ["/bin/sh", "-c", command] if SHELL_CHARACTERS & set(command) else shlex.split(command)
    except ValueError:
        return False
    if not argv:
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


def _wait(process: subprocess.Popen[bytes]) -> int:
    """The pager's exit status. Ctrl-C while it runs is the pager's to handle (less stays), as in git."""
    while True:
        try:
            return process.wait()
        except KeyboardInterrupt:
            continue
