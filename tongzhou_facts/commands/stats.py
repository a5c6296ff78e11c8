"""`facts stats`: how many facts there are, by kind, category, year and place."""

from __future__ import annotations

from collections import Counter

from ..env import Environment
from ..errors import ExitStatus
from ..output import write_counts
from .options import CountsOutput, FileOpt, open_base

GROUPS = ("kind", "category", "year", "place")


def stats(env: Environment, out: CountsOutput, file: FileOpt = None) -> ExitStatus:
    """How many facts there are, by kind, category, year and place.

    Examples:

    \b
      facts stats
      facts stats --format json
    """
    index = open_base(file)
    groups: dict[str, dict[str, int]] = {}
    for column in GROUPS:  # counted by SQLite: no record is read
        counted: Counter[str] = Counter()
        for value, n in index.counts(column).items():
            counted[str(value) if value is not None and value != "" else "-"] += n
        groups[column] = dict(sorted(counted.items(), key=lambda kv: (-kv[1], kv[0])))
    total = sum(groups["kind"].values())
    if not total:
        return ExitStatus.NOTHING
    shown = out.environment(env)
    fmt = out.format_for(shown)
    if fmt == "table":
        from .. import render

        render.counts(groups, shown)
    else:
        write_counts(groups, total, fmt, shown.stdout, csv_raw=out.csv_raw, terminal=shown.is_terminal)
    return ExitStatus.OK
