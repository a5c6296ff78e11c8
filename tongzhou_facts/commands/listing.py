"""`facts list`, `metrics`, `projects` and `milestones`: the base filtered and sorted.

Each takes the filters that can apply to what it lists (options.Filters: one declaration,
one reading of the values), `-n`, `--sort`, and the output options (`-o FILE` among them).
"""

from __future__ import annotations

from typing import Annotated

from .. import query
from ..argv import Opt
from ..env import Environment
from ..errors import ExitStatus
from .options import (
    AnyFilters,
    FileOpt,
    LimitOpt,
    MetricFilters,
    MilestoneFilters,
    OutputOpts,
    ProjectFilters,
    ReverseOpt,
    SortOpt,
    explaining,
    open_base,
)
from .results import LIST_FIELDS, explained, show_rows


def list_(
    env: Environment,
    where: AnyFilters,
    out: OutputOpts,
    sort: SortOpt = None,
    reverse: ReverseOpt = False,
    limit: LimitOpt = None,
    file: FileOpt = None,
) -> ExitStatus:
    """Every fact of the base, filtered and sorted.

    Examples:

    \b
      facts list --kind project
      facts list --kind 指标 --since 2023-12 -n 5
      facts list --category health --format csv --bom -o health.csv
    """
    index = open_base(file)
    criteria = where.criteria(index)
    rows = query.sort_rows(index, query.where(index, **criteria), sort, reverse, out.lang)
    status = show_rows(env, index, query.limited(rows, limit), LIST_FIELDS, out)
    return explained(env, status, index, **explaining(criteria))


def metrics(
    env: Environment,
    where: MetricFilters,
    out: OutputOpts,
    min_: Annotated[
        str | None, Opt("--min", help="At least this much: 100亿元, 1万人, 50%; a bare number: values as written.")
    ] = None,
    max_: Annotated[str | None, Opt("--max", help="At most this much, with a unit.")] = None,
    sort: SortOpt = None,
    reverse: ReverseOpt = False,
    limit: LimitOpt = None,
    file: FileOpt = None,
) -> ExitStatus:
    """Numbers: levels, growth rates, shares and counts, with their qualifiers (预计, 约, 以上…).

    Examples:

    \b
      facts metrics --year 2023
      facts metrics --unit % --sort value -r
      facts metrics --measure growth
      facts metrics --min 100亿元
    """
    index = open_base(file)
    criteria = where.criteria(index, kind="metric")
    rows = query.where(index, **criteria)
    base_units = index.units("metric")  # a bound is an error only if no metric of the base could compare
    if min_ is not None:
        rows = query.at_least(rows, min_, query.metric_value, base_units)
    if max_ is not None:
        rows = query.at_most(rows, max_, query.metric_value, base_units)
    fields = ("id", "name", "figure", "year", "category")
    rows = query.sort_rows(index, rows, sort, reverse, out.lang)
    status = show_rows(env, index, query.limited(rows, limit), fields, out)
    return explained(env, status, index, **explaining(criteria), at_least=min_, at_most=max_)


def projects(
    env: Environment,
    where: ProjectFilters,
    out: OutputOpts,
    min_investment: Annotated[str | None, Opt("--min-investment", help="At least this investment: 50亿元.")] = None,
    sort: SortOpt = None,
    reverse: ReverseOpt = False,
    limit: LimitOpt = None,
    file: FileOpt = None,
) -> ExitStatus:
    """Named projects and facilities with their status, investment and capacity.

    Examples:

    \b
      facts projects --status 开工
      facts projects --status "under construction"
      facts projects --min-investment 50亿元
    """
    index = open_base(file)
    criteria = where.criteria(index, kind="project")
    rows = query.where(index, **criteria)
    if min_investment is not None:
        rows = query.at_least(rows, min_investment, query.investment)
    fields = ("id", "name", "status", "figure", "when", "place")
    rows = query.sort_rows(index, rows, sort, reverse, out.lang)
    shown = show_rows(env, index, query.limited(rows, limit), fields, out)
    return explained(env, shown, index, **explaining(criteria), min_investment=min_investment)


def milestones(
    env: Environment,
    where: MilestoneFilters,
    out: OutputOpts,
    limit: LimitOpt = None,
    file: FileOpt = None,
) -> ExitStatus:
    """Events, honours and rankings in date order (a year-only fact sorts at its year's start).

    Examples:

    \b
      facts milestones --since 2023-12
      facts milestones --category honour
    """
    index = open_base(file)
    criteria = where.criteria(index, kind="milestone")
    rows = query.chronological(index, query.where(index, **criteria), None, None)
    status = show_rows(env, index, query.limited(rows, limit), ("when", "id", "name", "category", "place"), out)
    return explained(env, status, index, **explaining(criteria))
