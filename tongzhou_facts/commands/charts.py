"""`facts timeline` and `facts chart`: milestones on a time axis, metrics as bars."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from .. import query
from ..argv import Opt
from ..env import Environment
from ..errors import ExitStatus
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
    unit: Annotated[
        str | None, Opt("--unit", help="Only metrics of this unit and those that convert to it (亿元 takes 万元).")
    ] = None,
    measure: Annotated[
        str | None, Opt("--measure", help="Only this measure: growth, share, decline, level, investment, area, count…")
    ] = None,
    year: YearOpt = None,
    category: CategoryOpt = None,
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
    wanted = None if unit is None else units.canonical_unit(unit)
    named = None if measure is None else charting.measure_named(measure)
    panels = charting.plan(query.select(index, kind="metric", year=year, category=category), unit=wanted, measure=named)
    rows = index.fetch([n for panel in panels for n in panel.numbers])
    shown = out.environment(env)
    if panels and out.format_for(shown) == "table" and out.fields is None:
        charting.draw(panels, list(query.records(rows)), shown, out.lang)
        return ExitStatus.OK
    status = show_rows(env, index, rows, ("measure", "name", "value", "unit", "id"), out)
    filters = {"year": year, "category": category, "measure": named}
    return explained(env, status, index, kind="metric", unit=wanted, unit_family=True, **filters)
