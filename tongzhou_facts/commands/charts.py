"""`facts timeline` and `facts chart`: milestones on a time axis, metrics as bars."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from .. import query
from ..argv import Opt
from ..env import Environment
from ..errors import ExitStatus
from ..model import Record
from . import options
from .options import FileOpt, LimitOpt, MilestoneFilters, OutputOpts, explaining, filters, open_base
from .results import explained, show_rows

#: The chart's filters: its --unit is its own (a unit family, % by default).
ChartFilters = Annotated[options.Filters, filters("year", "category", "place", "measure", "since", "until")]


def timeline(
    env: Environment,
    where: MilestoneFilters,
    out: OutputOpts,
    limit: LimitOpt = None,
    file: FileOpt = None,
) -> ExitStatus:
    """The dated milestones drawn on a time axis (plain date lines when piped).

    Examples:

    \b
      facts timeline
      facts timeline --since 2023-09
    """
    index = open_base(file)
    criteria = where.criteria(index, kind="milestone")
    undated = 0

    def dated() -> Iterator[query.Row]:
        nonlocal undated
        for n, record in query.where(index, **{**criteria, "since": None, "until": None}):
            if record.date:
                yield n, record
            else:
                undated += 1

    rows = query.chronological(index, dated(), criteria["since"], criteria["until"])  # reads them all: `undated` is final
    rows = query.limited(rows, limit)
    shown = out.environment(env)
    if out.format_for(shown) == "table" and out.fields is None:
        records = list(query.records(rows))
        if records:
            from .. import render

            render.timeline(records, shown, out.lang, undated=undated)
            return ExitStatus.OK
        rows = iter(())
    status = show_rows(env, index, rows, ("when", "id", "name"), out)
    return explained(env, status, index, **explaining(criteria), dated=True)


def chart(
    env: Environment,
    where: ChartFilters,
    out: OutputOpts,
    unit: Annotated[str, Opt("--unit", help="Chart metrics of this unit (and ones that convert to it).")] = "%",
    limit: Annotated[int | None, Opt("--limit", "-n", help="At most N bars (the largest).", min=1, metavar="N")] = None,
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
    criteria = where.criteria(index, kind="metric")
    wanted = units.canonical_unit(unit)

    def in_chart_unit(record: Record) -> float:
        return units.in_unit(float(record.value or 0), str(record.unit), wanted) or 0.0

    largest_first = sorted(
        (
            (-in_chart_unit(r), n)
            for n, r in query.where(index, **criteria)
            if units.in_unit(1.0, str(r.unit), wanted) is not None
        ),
        key=lambda pair: pair[0],
    )[:limit]
    rows = index.fetch([n for _, n in largest_first])
    shown = out.environment(env)
    if largest_first and out.format_for(shown) == "table" and out.fields is None:
        from .. import render

        render.chart(list(query.records(rows)), [-value for value, _ in largest_first], shown, out.lang)
        return ExitStatus.OK
    status = show_rows(env, index, rows, ("name", "value", "unit", "id"), out)
    return explained(env, status, index, **{**explaining(criteria), "unit": wanted}, unit_family=True)
