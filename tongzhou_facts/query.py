"""Choosing records: filters, date ranges, unit-aware bounds and sorting, over a stream.

What `facts list`, `metrics`, `projects`, `milestones` and `chart` do, for Python callers::

    >>> import tongzhou_facts as tf
    >>> from tongzhou_facts import query
    >>> index = tf.open_index()
    >>> rows = query.select(index, kind="metric", unit="亿元")
    >>> rows = query.at_least(rows, "100亿元", query.metric_value)
    >>> [r.id for r in query.records(query.sort_rows(index, rows, "value", reverse=True))][:2]
    ['construction-output-2023', 'gdp-2023']

A selection is an iterator of rows, `(row number, Record)`, read lazily from the
index: listing a 1,000,000-record base holds one record at a time instead of a
million (2.3 GB). Sorting keeps only `(key, row number)` pairs, a bounded number of
them in memory (sorting.py spills the rest to a temporary file), and reads the
records again in the sorted order. Filters and bounds take rows and give rows, so
they chain; `records` turns rows into records at the end.

Every listing command takes the same filters (commands.options.Filters): `where` applies
them all to a base, `refine` to rows from elsewhere (a search's hits). `tally` counts the
values a field takes (`facts values`), and `spelt` reads a typed value as the base spells it.

The API: `Row`, `select`, `where`, `refine`, `with_status`, `within`, `limited`, `records`,
`sort_rows`, `chronological`, `fetched`, `at_least`, `at_most`, and the amounts they compare,
`metric_value` and `investment`; `tally`, `spelt` and `VALUE_FIELDS`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .errors import UsageError
from .figures import figure, text_of
from .index import Index
from .model import ALL_FIELDS, Record

#: One selected record and its row number in the index (what `Index.fetch` reads back).
Row = tuple[int, Record]
#: What a bound compares of a record: (amount, unit), or None when it has none.
Amount = Callable[[Record], tuple[float, str] | None]

__all__ = [
    "VALUE_FIELDS",
    "Amount",
    "Row",
    "at_least",
    "at_most",
    "chronological",
    "fetched",
    "investment",
    "limited",
    "metric_value",
    "records",
    "refine",
    "select",
    "sort_rows",
    "spelt",
    "tally",
    "where",
    "with_status",
    "within",
]
#: The fields whose values `tally` counts (`facts values FIELD`): each a small set, as the
#: filters take them (a source's id is its short name).
VALUE_FIELDS = ("kind", "year", "category", "place", "status", "unit", "measure", "source")
#: The filters `refine` checks by equality, and how each is read off a record.
_EQUAL: dict[str, Callable[[Record], Any]] = {
    "kind": lambda record: record.kind,
    "year": lambda record: record.year,
    "category": lambda record: record.get("category"),
    "place": lambda record: record.get("place"),
    "unit": lambda record: record.unit,
    "measure": lambda record: record.get("measure"),
}


def select(
    index: Index,
    *,
    kind: str | None = None,
    year: int | None = None,
    category: str | None = None,
    place: str | None = None,
    unit: str | None = None,
) -> Iterator[Row]:
    """The rows matching every filter given (None: any), in base order, read as they are used."""
    return index.select(kind=kind, year=year, category=category, place=place, unit=unit)


def where(
    index: Index,
    *,
    kind: str | None = None,
    year: int | None = None,
    category: str | None = None,
    place: str | None = None,
    unit: str | None = None,
    status: str | None = None,
    measure: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Iterator[Row]:
    """The rows having every filter given (None: any), in base order: the columns through
    the index (`select`), then a status (`with_status`), a measure and a date range (`within`)."""
    rows = select(index, kind=kind, year=year, category=category, place=place, unit=unit)
    return refine(rows, status=status, measure=measure, since=since, until=until)


def refine(
    rows: Iterable[Row], *, status: str | None = None, since: str | None = None, until: str | None = None, **equal: Any
) -> Iterator[Row]:
    """Rows from anywhere (a search's hits) having every filter given, as `where` reads them:
    kind, year, category, place, unit and measure by equality (`equal`), a status as
    `with_status`, a date range as `within`."""
    wanted = {name: value for name, value in equal.items() if value is not None}
    unknown = set(wanted) - set(_EQUAL)
    if unknown:
        raise TypeError(f"refine: no filter {sorted(unknown)[0]!r}")
    found: Iterator[Row] = iter(rows)
    if wanted:
        found = (row for row in found if all(_EQUAL[name](row[1]) == value for name, value in wanted.items()))
    if status:
        found = with_status(found, status)
    if since or until:
        found = within(found, since, until)
    return found


def limited(rows: Iterable[Row], limit: int | None) -> Iterator[Row]:
    """The first `limit` rows (None: all), read no further (`-n`)."""
    return itertools.islice(rows, limit) if limit is not None else iter(rows)


def tally(index: Index, field: str) -> list[tuple[Any, int]]:
    """Each value a field takes in the base and how many records have it, most first (then
    by value); records without the field are not counted. A `UsageError` listing
    VALUE_FIELDS for any other field."""
    if field not in VALUE_FIELDS:
        raise UsageError(f"no values to list for '{field}' (fields: {', '.join(VALUE_FIELDS)})")
    return index.tally(field)


def spelt(index: Index, field: str, value: str | None) -> str | None:
    """A typed value of a field (one of VALUE_FIELDS) as the base spells it: itself when the
    base holds it, else the base's value that differs only in case (Economy -> economy),
    else as typed (it finds nothing). A measure may also be named by its chart panel's
    title, in Chinese or English (增速, Growth rate: `chart.measure_named`): every filter
    reads --measure here, `facts chart`'s too."""
    if value is None:
        return None
    value = value.strip()
    if index.holds(**{field: value}):
        return value
    if field == "measure":
        from .chart import measure_named

        named = measure_named(value)
        if named != value and index.holds(measure=named):
            return named
        value = named
    folded = value.casefold()
    return next((str(v) for v, _ in tally(index, field) if str(v).casefold() == folded), value)


def with_status(rows: Iterable[Row], status: str) -> Iterator[Row]:
    """Rows whose status holds `status`: 竣工 matches 竣工投产 too. English words stand for
    their status, in any case, spaced or hyphenated: "topped out" is 封顶, "completed" is 竣工.

    A Chinese status the base does not hold just finds nothing. An ASCII word that is no
    English status and that no row's status holds is a `UsageError` listing the English
    statuses (raised as the rows run out, like a bound no unit compares with).
    """
    from .english import status_from_english

    chinese = status_from_english(status)
    if chinese is not None:  # a base that writes its statuses in English is matched as typed too
        return ((n, r) for n, r in rows if any(w in str(r.get("status") or "") for w in (chinese, status)))
    if not status.isascii():
        return ((n, r) for n, r in rows if status in str(r.get("status") or ""))
    return _with_unknown_status(rows, status)


def _with_unknown_status(rows: Iterable[Row], status: str) -> Iterator[Row]:
    from .english import STATUSES

    found = False
    for n, record in rows:
        if status in str(record.get("status") or ""):
            found = True
            yield n, record
    if not found:
        raise UsageError(
            f"unknown status '{status}' (in English: {', '.join(STATUSES.values())}; or as the base writes it: 开工, 封顶…)"
        )


def records(rows: Iterable[Row]) -> Iterator[Record]:
    """The records of these rows, in their order."""
    return (record for _, record in rows)


def sort_key(field: str, lang: str = "zh") -> Callable[[Record], tuple[int, Any]]:
    """(0, key) for a record that has the field, (1, "") for one that does not (sorted last).
    Names sort as spoken (collate.py: Chinese by pinyin); with `lang` "en", `name` is the
    English name, as --lang en shows it (the Chinese name's pinyin for a record without one)."""
    from . import units

    def key(record: Record) -> tuple[int, Any]:
        if field == "value" and record.value is not None:
            return (0, units.to_base(float(record.value), str(record.unit)))
        if field == "when":
            return (0, record.date or str(record.year))
        if field in ("name", "name_en"):  # pinyin order for Chinese (collate.py), not code points
            from .collate import packed  # collate.key as compact bytes: a million fit on disk, not in RAM

            name = _name_sorted(record, field, lang)
            return (0, packed(name)) if name else (1, "")
        value = record.to_dict().get(field) if field != "figure" else figure(record)
        if value is None or value == "":
            return (1, "")
        if isinstance(value, (int, float)):
            return (0, float(value))
        return (0, text_of(value))

    return key


def _name_sorted(record: Record, field: str, lang: str) -> str:
    """The name a sort by `field` compares: `name_en` as stored; `name` as `lang` shows it
    (output.cell): with "en" the English name, else, or when there is none, the Chinese."""
    english = str(record.get("name_en") or "")
    if field == "name_en":
        return english
    return (english if lang == "en" else "") or record.name


def sort_rows(index: Index, rows: Iterable[Row], field: str | None, reverse: bool = False, lang: str = "zh") -> Iterator[Row]:
    """Rows sorted by a field (any of model.ALL_FIELDS, in any case or by its header: `NAME`,
    `名称`; `value` compares across 万/亿; `name` in `lang`, see `sort_key`), stable, records
    without the field last; or, with no field, in reverse order when `reverse`.

    A `UsageError` for a field that does not exist."""
    from array import array

    if field is None:
        if not reverse:
            return iter(rows)
        backwards = array("q", (n for n, _ in rows))  # 8 bytes a row, not a list's 36
        backwards.reverse()
        return index.fetch(backwards)
    if field not in ALL_FIELDS:
        from .lookup import field_named, unknown_field

        named = field_named(field)
        if named is None:
            raise UsageError(unknown_field(field, doing="cannot sort by"))
        field = named
    from .sorting import ordered

    key = sort_key(field, lang)
    missing = array("q")

    def present() -> Iterator[tuple[Any, int]]:
        for n, record in rows:
            has, value = key(record)
            if has == 0:
                yield value, n
            else:
                missing.append(n)

    # numbers and text in one field compare as text; a name's key is always bytes
    found = ordered(present(), reverse=reverse, text_if_mixed=field not in ("name", "name_en"))
    return fetched(index, itertools.chain(found, missing))


def fetched(index: Index, numbers: Iterable[int]) -> Iterator[Row]:
    """The rows with these numbers, in their order, read a batch at a time as they are used."""
    from .index import CHUNK

    it = iter(numbers)
    while batch := list(itertools.islice(it, CHUNK)):
        yield from index.fetch(batch)


def interval(text: str, label: str) -> tuple[dt.date, dt.date]:
    """A date or partial date as the first and last day it covers; a `UsageError` naming
    `label` when it is not one."""
    import calendar

    parts = text.strip().split("-")
    try:
        numbers = [int(p) for p in parts]
        if len(numbers) == 1:
            return dt.date(numbers[0], 1, 1), dt.date(numbers[0], 12, 31)
        if len(numbers) == 2:
            last = calendar.monthrange(numbers[0], numbers[1])[1]
            return dt.date(numbers[0], numbers[1], 1), dt.date(numbers[0], numbers[1], last)
        if len(numbers) == 3:
            day = dt.date(*numbers)
            return day, day
    except (ValueError, OverflowError):
        pass
    raise UsageError(f"{label}: not a date: {text!r} (write 2023, 2023-12 or 2023-12-13)")


def chronological(index: Index, rows: Iterable[Row], since: str | None, until: str | None) -> Iterator[Row]:
    """Rows in date order within [since, until] (`2023`, `2023-12` or `2023-12-13`; None: open);
    a fact dated by month or year only counts from its first day, an undated one by its year."""
    from .sorting import ordered

    kept = ((_start(record).toordinal(), n) for n, record in within(rows, since, until))
    return fetched(index, ordered(kept))


def within(rows: Iterable[Row], since: str | None, until: str | None) -> Iterator[Row]:
    """Rows dated within [since, until], in their order: as `chronological`, unsorted."""
    low = interval(since, "--since")[0] if since else dt.date.min  # a usage error now, not when read
    high = interval(until, "--until")[1] if until else dt.date.max
    return ((n, record) for n, record in rows if low <= _start(record) <= high)


def _start(record: Record) -> dt.date:
    """The first day a record is dated by (an undated one: its year's)."""
    return interval(record.date or str(record.year), record.id)[0]


def at_least(rows: Iterable[Row], amount: str, value: Amount, known: set[str] | None = None) -> Iterator[Row]:
    """Rows whose amount (`value` of the record: `metric_value`, `investment`) is at least
    `amount` ("100亿元"), comparing across 万/亿; rows without an amount are left out.

    An amount no unit of the base can compare with (GW against 亿元) is a usage error:
    checked against `known` units now, else against the units met, when none compared.
    """
    return _bounded(rows, amount, value, known, lambda a, b: a >= b)


def at_most(rows: Iterable[Row], amount: str, value: Amount, known: set[str] | None = None) -> Iterator[Row]:
    """Rows whose amount is at most `amount`: as `at_least`."""
    return _bounded(rows, amount, value, known, lambda a, b: a <= b)


def _bounded(
    rows: Iterable[Row],
    amount: str,
    value: Amount,
    known: set[str] | None,
    keep: Callable[[float, float], bool],
) -> Iterator[Row]:
    from . import units

    bound = units.parse_quantity(amount)  # a usage error now, not when the stream is read
    if known is not None:
        units.check_known(bound, known)

    def kept() -> Iterator[Row]:
        met: set[str] = set()
        compared = False
        for n, record in rows:
            found = value(record)
            if found is None:
                continue
            met.add(found[1])
            if units.comparable(found[1], bound):
                compared = True
                if keep(units.compare_key(found[0], found[1], bound), bound.value):
                    yield n, record
        if not compared and known is None:
            units.check_known(bound, met or {"亿元"})

    return kept()


def metric_value(record: Record) -> tuple[float, str] | None:
    """A metric's (value, unit); None for a record without a unit."""
    return (float(record.value or 0), str(record.unit)) if record.unit is not None else None


def investment(record: Record) -> tuple[float, str] | None:
    """A project's (investment, its unit); None for a record without one."""
    amount = record.get("investment")
    return (float(amount), str(record.get("investment_unit") or "")) if amount is not None else None
