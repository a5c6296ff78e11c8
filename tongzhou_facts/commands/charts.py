"""`facts timeline` and `facts chart`: milestones on a time axis, metrics as bars."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from .. import query
from ..argv import Opt
from ..env import Environment
from ..errors import ExitStatus
from . import options
from .options import FileOpt, LimitOpt, MilestoneFilters, OutputOpts, explaining, filters, open_base
from .results import explained, show_rows

#: The chart's filters: its --unit is its own (a unit family: every unit by default).
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
    unit: Annotated[
        str | None, Opt("--unit", help="Only metrics of this unit and those that convert to it (亿元 takes 万元).")
    ] = None,
    limit: Annotated[
        int | None, Opt("--limit", "-n", help="At most N bars in each panel (its largest).", min=1, metavar="N")
    ] = None,
    file: FileOpt = None,
) -> ExitStatus:
    """Bar charts of the metrics: one titled panel per measure and unit, largest first.

    A growth rate and a share are both in % but never share an axis: each measure (growth,
    share, decline, level…) in each unit family (亿元 with 万元) is a panel of its own, on its
    own scale. With no option every metric is drawn; --measure (growth, or a title: 增速)
    and --unit (%, 亿元…) narrow the chart to their panels. Names too long for the terminal
    are cut with "…", figures never. Piped: one line per bar (measure, name, value, unit,
    id), panel by panel in the order drawn.

    Examples:

    \b
      facts chart
      facts chart --measure growth
      facts chart --unit % --lang en
      facts chart --unit 亿元 --format tsv
    """
    from .. import chart as charting
    from .. import units

    index = open_base(file)
    criteria = where.criteria(index, kind="metric")  # --measure by a panel's title too: 增速 (query.spelt)
    wanted = None if unit is None else units.canonical_unit(unit)
    panels = charting.plan(query.where(index, **criteria), unit=wanted, limit=limit)

    def rows() -> Iterator[query.Row]:
        return query.fetched(index, (n for panel in panels for n in panel.numbers))

    shown = out.environment(env)
    if panels and out.format_for(shown) == "table" and out.fields is None:
        charting.draw(panels, lambda: query.records(rows()), shown, out.lang)  # read twice, one record at a time
        return ExitStatus.OK
    status = show_rows(env, index, rows(), ("measure", "name", "value", "unit", "id"), out)
    return explained(env, status, index, **{**explaining(criteria), "unit": wanted}, unit_family=True)
