"""`facts timeline` and `facts chart`: milestones on a time axis, metrics as bars."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from .. import query
from ..argv import Opt
from ..env import Environment
from ..errors import ExitStatus
from ..model import Record
from .options import CategoryOpt, FileOpt, OutputOpts, SinceOpt, UntilOpt, YearOpt, open_base
from .results import explained, show_rows


def timeline(
    env: Environment,
    out: OutputOpts,
    year: YearOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    file: FileOpt = None,
) -> ExitStatus:
    """The dated milestones drawn on a time axis (plain date lines when piped).

    Examples:

    \b
      facts timeline
      facts timeline --since 2023-09
    """
    index = open_base(file)
    undated = 0

    def dated() -> Iterator[query.Row]:
        nonlocal undated
        for n, record in query.select(index, kind="milestone", year=year):
            if record.date:
                yield n, record
            else:
                undated += 1

    rows = query.chronological(index, dated(), since, until)  # reads them all (to sort): `undated` is final
    shown = out.environment(env)
    if out.format_for(shown) == "table" and out.fields is None:
        records = list(query.records(rows))
        if records:
            from .. import render

            render.timeline(records, shown, out.lang, undated=undated)
            return ExitStatus.OK
        rows = iter(())
    status = show_rows(env, index, rows, ("when", "id", "name"), out)
    return explained(env, status, index, kind="milestone", year=year, since=since, until=until, dated=True)


def chart(
    env: Environment,
    out: OutputOpts,
    unit: Annotated[str, Opt("--unit", help="Chart metrics of this unit (and ones that convert to it).")] = "%",
    measure: Annotated[str | None, Opt("--measure", help="Only growth, share, level, count, decline…")] = None,
    year: YearOpt = None,
    category: CategoryOpt = None,
    file: FileOpt = None,
) -> ExitStatus:
    """A bar chart of comparable metrics (one unit), largest first.

    Examples:

    \b
      facts chart
      facts chart --measure growth
      facts chart --unit 亿元
    """
    from .. import units

    index = open_base(file)
    wanted = units.canonical_unit(unit)

    def in_chart_unit(record: Record) -> float:
        return units.in_unit(float(record.value or 0), str(record.unit), wanted) or 0.0

    largest_first = sorted(
        (
            (-in_chart_unit(r), n)
            for n, r in query.select(index, kind="metric", year=year, category=category)
            if units.in_unit(1.0, str(r.unit), wanted) is not None and (measure is None or r.get("measure") == measure)
        ),
        key=lambda pair: pair[0],
    )
    rows = index.fetch([n for _, n in largest_first])
    shown = out.environment(env)
    if largest_first and out.format_for(shown) == "table" and out.fields is None:
        from .. import render

        render.chart(list(query.records(rows)), [-value for value, _ in largest_first], shown, out.lang)
        return ExitStatus.OK
    status = show_rows(env, index, rows, ("name", "value", "unit", "id"), out)
    filters = {"year": year, "category": category, "measure": measure}
    return explained(env, status, index, kind="metric", unit=wanted, unit_family=True, **filters)
