"""`facts check`: validate bases, and every quote against its source text."""

from __future__ import annotations

from typing import Annotated

from ..argv import Arg, Opt
from ..env import Environment
from ..errors import ExitStatus
from ..escape import safe
from .options import FileOpt, base_paths, not_onto_stdout


def check(
    env: Environment,
    paths: Annotated[
        list[str] | None,
        Arg(metavar="[PATH]...", help="Bases to check (default: --file, $FACTS_FILE or the bundled base)."),
    ] = None,
    source: Annotated[
        list[str] | None,
        Opt("--source", help="Check every quote against this text (ID=FILE for one source id; repeatable).", metavar="[ID=]FILE"),
    ] = None,
    file: FileOpt = None,
) -> ExitStatus:
    """Validate bases: TOML syntax, keys and types, ids, sources, dates, numbers, and quotes.

    Examples:

    \b
      facts check
      facts check facts.toml --source ../shared/sources/tongzhou-2023-review.txt

    Prints one line per problem, `path:line: id: message`.
    With --source, a source whose [[sources]] table records a sha256 gets one line on stderr:
    FILE is the text the base was checked against, or a warning that it differs (still exit 0
    when every quote is found in it).
    """
    from ..check import run_check

    targets = list(paths) if paths else base_paths(file)
    not_onto_stdout(targets)  # `facts check b.toml >> b.toml` (base_paths checks the others)
    problems, identities, summary = run_check(targets, source or [])
    for problem in problems:
        env.stdout.write(safe(str(problem)) + "\n")  # ids, keys and messages come from the file being checked
    for identity in identities:  # a text that differs is a warning: only its quotes can fail the check
        env.say(f"facts: {identity}")
    env.say(f"facts: {summary}")
    return ExitStatus.NOTHING if problems else ExitStatus.OK
