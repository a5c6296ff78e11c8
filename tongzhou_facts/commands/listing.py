"""`facts list`, `metrics`, `projects` and `milestones`: the base filtered and sorted."""

from __future__ import annotations

from typing import Annotated

from .. import query
from ..argv import Opt
from ..env import Environment
from ..errors import ExitStatus
from ..lookup import check_kind
from .options import (
    CategoryOpt,
    FileOpt,
    KindOpt,
    OutputOpts,
    PlaceOpt,
    ReverseOpt,
    SinceOpt,
    SortOpt,
    UnitOpt,
    UntilOpt,
    YearOpt,
    open_base,
)
from .results import LIST_FIELDS, explained, show_rows


def list_(
    env: Environment,
    out: OutputOpts,
    kind: KindOpt = None,
    year: YearOpt = None,
    category: CategoryOpt = None,
    place: PlaceOpt = None,
    sort: SortOpt = None,
    reverse: ReverseOpt = False,
    file: FileOpt = None,
) -> ExitStatus:
    """Every fact of the base, filtered and sorted.

    Examples:

    \b
      facts list --kind project
      facts list --category health --format csv --bom > health.csv
    """
    check_kind(kind)
    index = open_base(file)
    rows = query.select(index, kind=kind, year=year, category=category, place=place)
    status = show_rows(env, index, query.sort_rows(index, rows, sort, reverse), LIST_FIELDS, out)
    return explained(env, status, index, kind=kind, year=year, category=category, place=place)


def metrics(
    env: Environment,
    out: OutputOpts,
    year: YearOpt = None,
    category: CategoryOpt = None,
    unit: UnitOpt = None,
    min_: Annotated[
        str | None, Opt("--min", help="At least this much: 100亿元, 1万人, 50%; a bare number: values as written.")
    ] = None,
    max_: Annotated[str | None, Opt("--max", help="At most this much, with a unit.")] = None,
    sort: SortOpt = None,
    reverse: ReverseOpt = False,
    file: FileOpt = None,
) -> ExitStatus:
    """Numbers: levels, growth rates, shares and counts, with their qualifiers (预计, 约, 以上…).

    Examples:

    \b
      facts metrics --year 2023
      facts metrics --unit % --sort value -r
      facts metrics --min 100亿元
    """
    from .. import units

    index = open_base(file)
    wanted = units.canonical_unit(unit) if unit is not None else None
    rows = query.select(index, kind="metric", year=year, category=category, unit=wanted)
    base_units = index.units("metric")  # a bound is an error only if no metric of the base could compare
    if min_ is not None:
        rows = query.at_least(rows, min_, query.metric_value, base_units)
    if max_ is not None:
        rows = query.at_most(rows, max_, query.metric_value, base_units)
    fields = ("id", "name", "figure", "year", "category")
    status = show_rows(env, index, query.sort_rows(index, rows, sort, reverse), fields, out)
    return explained(env, status, index, kind="metric", year=year, category=category, unit=wanted, at_least=min_, at_most=max_)


def projects(
    env: Environment,
    out: OutputOpts,
    year: YearOpt = None,
    status: Annotated[
        str | None, Opt("--status", help="e.g. 开工, 竣工 (matches 竣工投产 too), 在建, or in English: topped out, completed.")
    ] = None,
    min_investment: Annotated[str | None, Opt("--min-investment", help="At least this investment: 50亿元.")] = None,
    category: CategoryOpt = None,
    place: PlaceOpt = None,
    sort: SortOpt = None,
    reverse: ReverseOpt = False,
    file: FileOpt = None,
) -> ExitStatus:
    """Named projects and facilities with their status, investment and capacity.

    Examples:

    \b
      facts projects --status 开工
      facts projects --min-investment 50亿元
    """
    index = open_base(file)
    rows = query.select(index, kind="project", year=year, category=category, place=place)
    if status:
        rows = query.with_status(rows, status)
    if min_investment is not None:
        rows = query.at_least(rows, min_investment, query.investment)
    fields = ("id", "name", "status", "figure", "when", "place")
    shown = show_rows(env, index, query.sort_rows(index, rows, sort, reverse), fields, out)
    if status:
        from ..english import status_from_english

        status = status_from_english(status) or status  # explained as the status it stands for
    filters = {"year": year, "category": category, "place": place, "status": status or None, "min_investment": min_investment}
    return explained(env, shown, index, kind="project", **filters)


def milestones(
    env: Environment,
    out: OutputOpts,
    year: YearOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    category: CategoryOpt = None,
    file: FileOpt = None,
) -> ExitStatus:
    """Events, honours and rankings in date order (a year-only fact sorts at its year's start).

    Examples:

    \b
      facts milestones --since 2023-12
      facts milestones --category honour
    """
    index = open_base(file)
    rows = query.chronological(index, query.select(index, kind="milestone", year=year, category=category), since, until)
    status = show_rows(env, index, rows, ("when", "id", "name", "category", "place"), out)
    return explained(env, status, index, kind="milestone", year=year, category=category, since=since, until=until)
