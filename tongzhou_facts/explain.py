"""Why a selection or a search found nothing, and what the base holds instead; how many a
search left out at its limit. One line of text each, or None: the commands say it on a
terminal's stderr (`facts: no facts for 2019; the base covers 2023-2024`), a pipe stays quiet.

    >>> import tongzhou_facts as tf
    >>> from tongzhou_facts import explain
    >>> index = tf.open_index()
    >>> explain.nothing(index, explain.Filters(year=2019))
    'no facts for 2019; the base covers 2023-2024'
    >>> explain.nothing(index, explain.Filters(kind="project", place="上海"))
    "no projects in 上海; the base's projects have places 川姜镇, 金沙湾片区"
    >>> explain.nothing_found(index, "异质结", year=2019)
    "'异质结' matches 5 facts, none of them for 2019 (the base covers 2023-2024)"
    >>> explain.cut(20, 57)
    'showing 20 of 57 (use -n to see more)'

It runs only for a result that is empty (or cut), and asks the index a few small questions
(a DISTINCT, a min and max, over the records the other filters leave), never for the records
themselves: a fraction of a second on a million records.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .index import Index

#: Values listed before "… (N in all)".
SHOWN = 8
#: Values read whole: every year a base can hold (written as ranges), the units of a family.
ALL_VALUES = 10000
PLURAL = {None: "facts", "metric": "metrics", "project": "projects", "milestone": "milestones"}
SINGULAR = {None: "", "metric": "a metric", "project": "a project", "milestone": "a milestone"}
#: The filters that choose records by a value, in the order one is blamed: the option, what
#: it says of a record ("for 2019"), and what the base holds instead ("categories").
SELECTORS = {
    "year": ("--year", "for {}", "years"),
    "category": ("--category", "in category {}", "categories"),
    "place": ("--place", "in {}", "places"),
    "unit": ("--unit", "in {}", "units"),
    "measure": ("--measure", "of measure {}", "measures"),
    "status": ("--status", "with status {}", "statuses"),
}


class Filters:
    """What a listing selected by (None: not given), as its command's options say.

    A plain slotted class, not a NamedTuple: with this module's string annotations a
    NamedTuple of 14 fields cost about 1 ms to define, on every search that finds nothing."""

    #: In the constructor's order: equality and the repr read the fields through it.
    __slots__ = (  # noqa: RUF023
        "kind", "year", "category", "place", "unit", "measure", "status", "at_least", "at_most", "min_investment",
        "since", "until", "dated", "unit_family",
    )  # fmt: skip

    def __init__(
        self,
        kind: str | None = None,
        year: int | None = None,
        category: str | None = None,
        place: str | None = None,
        unit: str | None = None,
        measure: str | None = None,
        status: str | None = None,  # a part of the status: 竣工 matches 竣工投产
        at_least: str | None = None,  # --min: a metric's value, "100亿元" or a bare number
        at_most: str | None = None,  # --max
        min_investment: str | None = None,  # a project's investment
        since: str | None = None,  # a date or partial date: 2023, 2023-12, 2023-12-13
        until: str | None = None,
        dated: bool = False,  # only records with a date (the timeline)
        unit_family: bool = False,  # --unit takes every unit that converts to it (the chart)
    ) -> None:
        self.kind, self.year, self.category, self.place, self.unit = kind, year, category, place, unit
        self.measure, self.status, self.at_least, self.at_most = measure, status, at_least, at_most
        self.min_investment, self.since, self.until = min_investment, since, until
        self.dated, self.unit_family = dated, unit_family

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Filters):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    __hash__ = None  # type: ignore[assignment]  # equal by value, and changeable

    def __repr__(self) -> str:
        given = ", ".join(
            f"{name}={getattr(self, name)!r}" for name in self.__slots__ if getattr(self, name) not in (None, False)
        )
        return f"Filters({given})"


def nothing(index: Index, filters: Filters) -> str:
    """Why nothing has all of `filters`, and what there is instead: the years, categories,
    places, units or statuses that the other filters leave, or the range of values or dates."""
    subject = ("dated " if filters.dated else "") + PLURAL[filters.kind]
    where = _where(index, filters)
    if not index.holds(**where):
        return _blame(index, filters, where, subject) or f"the base has no {subject}"
    context = _context(filters, set(SELECTORS))
    if filters.at_least is not None or filters.at_most is not None:
        condition = _between(filters.at_least, filters.at_most)
        return _range(index, "value", filters.at_least or filters.at_most or "", where, f"no {subject} {condition}{context}")
    if filters.min_investment is not None:
        condition = f"investing at least {filters.min_investment}"
        return _range(index, "investment", filters.min_investment, where, f"no {subject} {condition}{context}")
    if filters.since is not None or filters.until is not None:
        return _dates(index, filters, where, f"no {subject} {_period(filters.since, filters.until)}{context}")
    return f"no {subject} match{context}"


def nothing_found(index: Index, query: str, *, kind: str | None = None, year: int | None = None, **others: str | None) -> str:
    """Why a search found nothing: what the filters (`kind`, `year`, and any other filter of
    a listing: category, place, status, unit, measure, since, until) took away, else the
    names nearest to the query among the records they leave ("did you mean")."""
    given = _other_filters(others)
    if kind is not None or year is not None or given:
        from .match.engine import search_counted

        unfiltered = search_counted(index, query, limit=0)
        if unfiltered.total:
            count = ("" if unfiltered.exact else "at least ") + _facts(unfiltered.total)
            many = unfiltered.total > 1
            wanted = ["none of them" if many else "not"]
            if kind is not None:
                wanted.append(PLURAL[kind] if many else SINGULAR[kind])
            wanted += [SELECTORS[name][1].format(value) for name, value in given.items() if name in SELECTORS]
            if "since" in given or "until" in given:
                wanted.append(_period(given.get("since"), given.get("until")))
            if year is not None:
                covered = f"({_scope(PLURAL[kind], kind, False)} {_verb('cover', kind, False)} {_years(index, kind=kind)})"
                wanted += [f"for {year}", covered]
            return f"{query!r} matches {count}, {' '.join(wanted)}"
    asked = _asked_year(index, query) if year is None else None
    if asked is not None and not index.holds(kind=kind, year=asked):
        covered = f"{_scope(PLURAL[kind], kind, False)} {_verb('cover', kind, False)} {_years(index, kind=kind)}"
        return f"{query!r} asks about {asked}; {covered}"
    return did_you_mean(index, query, kind=kind, year=year) or f"nothing matched {query!r}"


def did_you_mean(
    index: Index, query: str, *, kind: str | None = None, year: int | None = None, **others: str | None
) -> str | None:
    """The line `nothing matched 'X'; did you mean: …?`, with the nearest names of the records
    of this kind and year (either None: any; a question's own year, 2023年 or 去年, counts as
    one); None when no name is near, or when another filter is given (`others`: a name it
    would offer might be one that filter leaves out)."""
    if _other_filters(others):
        return None
    from .match.engine import suggestions

    near = suggestions(index, query, kind=kind, year=year if year is not None else _asked_year(index, query))
    return f"nothing matched {query!r}; did you mean: {', '.join(near)}?" if near else None


#: The filters of a listing other than kind and year, which a search applies to its hits.
OTHER_FILTERS = ("category", "place", "status", "unit", "measure", "since", "until")


def _other_filters(others: dict[str, str | None]) -> dict[str, str]:
    """The other filters given (not None), in OTHER_FILTERS order; a TypeError for a name that is none."""
    unknown = set(others) - set(OTHER_FILTERS)
    if unknown:
        raise TypeError(f"no filter {sorted(unknown)[0]!r}")
    return {name: value for name in OTHER_FILTERS if (value := others.get(name)) is not None}


def _asked_year(index: Index, query: str) -> int | None:
    """The year a question asks about (2023年, 去年), which its search filtered on; None for
    a query that is not a question (nothing of it is dropped, as match.engine reads it)."""
    from .match.questions import read

    question = read(query)
    if not question.dropped or not question.words:
        return None
    from .match.engine import asked_year

    return asked_year(index, question)


def cut(shown: int, total: int, exact: bool = True) -> str | None:
    """`showing 20 of 57` when a limit left matches out (`of at least 60` when `total` is a
    lower bound); None when nothing was left out."""
    if total <= shown:
        return None
    return f"showing {shown} of {'' if exact else 'at least '}{total} (use -n to see more)"


# ---------------------------------------------------------------------------- the selection


def _where(index: Index, filters: Filters) -> dict[str, Any]:
    """The filters as `Index` selects by them (a unit family: the units of the base in it)."""
    where: dict[str, Any] = {name: getattr(filters, name) for name in ("kind", *SELECTORS)}
    where["dated"] = filters.dated
    if filters.unit_family and filters.unit is not None:
        from .units import in_unit

        wanted = filters.unit
        present = index.values_in("unit", ALL_VALUES, kind=filters.kind)[0]
        where["unit"] = None
        where["units"] = [u for u in present if in_unit(1.0, str(u), wanted) is not None] or [wanted]
    return where


def _blame(index: Index, filters: Filters, where: dict[str, Any], subject: str) -> str | None:
    """The line for a selection that holds nothing: the first filter whose value is not among
    those the others leave, with those values (or, when the others leave nothing either, the
    first filter, with the values of the whole base); None when the base has no `subject`."""
    given = [name for name in SELECTORS if getattr(filters, name) is not None]
    for name in given:
        others = dict(where, **{name: None}, **({"units": None} if name == "unit" else {}))
        message = _instead(index, filters, name, others, subject, _context(filters, set(given) - {name}))
        if message is not None:
            return message
    bare = {"kind": filters.kind, "dated": filters.dated}
    return _instead(index, filters, given[0], bare, subject, "") if given else None


def _instead(index: Index, filters: Filters, name: str, others: dict[str, Any], subject: str, context: str) -> str | None:
    """`no X for 2019; the base covers 2023`: `name`'s value, and the values the records of
    `others` have; None when they have none."""
    _, condition, what = SELECTORS[name]
    value = getattr(filters, name)
    if name == "year":
        years = _years(index, **others)
        if not years:
            return None
        found = f"{_verb('cover', filters.kind, bool(context))} {years}"
    else:
        values, count = index.values_in(name, SHOWN, **others)
        if not count:
            return None
        more = f", … ({count} in all)" if count > len(values) else ""
        found = f"{_verb('have', filters.kind, bool(context))} {what} {', '.join(map(str, values))}{more}"
    return f"no {subject} {condition.format(value)}{context}; {_scope(subject, filters.kind, bool(context))} {found}"


def _context(filters: Filters, names: set[str]) -> str:
    """` with --year 2023 --category health`: the options among `names` that were given."""
    given = [f"{SELECTORS[n][0]} {getattr(filters, n)}" for n in SELECTORS if n in names and getattr(filters, n) is not None]
    return " with " + " ".join(given) if given else ""


def _scope(subject: str, kind: str | None, narrowed: bool) -> str:
    """Who holds the values: `those` the other filters leave, the base's metrics, the base."""
    if narrowed:
        return "those"
    return f"the base's {subject}" if kind else "the base"


def _verb(verb: str, kind: str | None, narrowed: bool) -> str:
    """`cover` or `covers`: the scope is plural but for the base itself."""
    return verb if narrowed or kind else {"have": "has"}.get(verb, verb + "s")


def _years(index: Index, **where: Any) -> str:
    """The years of these records as ranges: `2016-2019, 2023`."""
    years = sorted(int(y) for y in index.values_in("year", ALL_VALUES, **where)[0])
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    text = [str(a) if a == b else f"{a}-{b}" for a, b in runs]
    return ", ".join(text[:SHOWN]) + (f", … ({len(years)} years)" if len(text) > SHOWN else "")


def _facts(count: int) -> str:
    return f"{count} fact" + ("" if count == 1 else "s")


# ---------------------------------------------------------------------------- amounts and dates


def _between(at_least: str | None, at_most: str | None) -> str:
    if at_least is not None and at_most is not None:
        return f"between {at_least} and {at_most}"
    return f"of at least {at_least}" if at_least is not None else f"of at most {at_most}"


def _range(index: Index, amount: str, bound: str, where: dict[str, Any], said: str) -> str:
    """`said`, and the range of the amount in the bound's unit (as written for a bare number)."""
    from .figures import number
    from .units import in_unit, parse_quantity

    unit = parse_quantity(bound).unit
    low: float | None = None
    high: float | None = None
    for their_unit, smallest, largest in index.amount_ranges(amount, **where):
        pair = (smallest, largest) if not unit else (in_unit(smallest, their_unit, unit), in_unit(largest, their_unit, unit))
        if pair[0] is None or pair[1] is None:
            continue
        low = pair[0] if low is None else min(low, pair[0])
        high = pair[1] if high is None else max(high, pair[1])
    what = "their investments" if amount == "investment" else "their values"
    if low is None or high is None:
        return f"{said}; none has an amount in a unit that compares with {unit}"
    where_unit = f"in {unit}" if unit else "as written"
    if low == high:
        return f"{said}; {where_unit} {what} are all {number(_round(low))}"
    return f"{said}; {where_unit} {what} range from {number(_round(low))} to {number(_round(high))}"


def _round(value: float) -> float:
    """10 significant digits: 0.1 + 0.2 prints as 0.3."""
    return float(f"{value:.10g}")


def _period(since: str | None, until: str | None) -> str:
    if since is not None and until is not None:
        return f"from {since} to {until}"
    return f"from {since} on" if since is not None else f"up to {until}"


def _dates(index: Index, filters: Filters, where: dict[str, Any], said: str) -> str:
    span = index.date_range(**where)
    if span is None:  # pragma: no cover - the selection holds records (checked first)
        return said
    subject = ("dated " if filters.dated else "") + PLURAL[filters.kind]
    scope = _scope(subject, filters.kind, any(getattr(filters, n) is not None for n in SELECTORS))
    if span[0] == span[1]:
        return f"{said}; {scope} all date from {span[0]}"
    return f"{said}; {scope} run from {span[0]} to {span[1]}"
