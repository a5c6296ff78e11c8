"""The types of a fact base (records, sources, the base, its problems) and the keys each may carry.

The key tables here are the schema's single source of truth: the validator checks
against them and docs/schema.md documents them. A `Record` has one shape however it
was read (from TOML or from the index): dates as ISO strings, qualifiers as lists.

(Plain classes, not dataclasses: a dataclass pulls in `inspect`, 6 ms of start-up.)
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any

#: TOML table name -> record kind.
KINDS: dict[str, str] = {"metrics": "metric", "projects": "project", "milestones": "milestone"}
#: Record kind -> TOML table name.
TABLES: dict[str, str] = {kind: table for table, kind in KINDS.items()}
#: Record kind -> what a Chinese table prints for it (render.py's kind column).
KIND_LABELS: dict[str, str] = {"metric": "指标", "project": "项目", "milestone": "事件"}
#: Other names people type for a kind.
KIND_ALIASES: dict[str, str] = {"event": "milestone", "events": "milestone", "里程碑": "milestone"}


def kind_named(name: str) -> str | None:
    """The kind a name stands for, in any case: metric, Metrics, 指标, PROJECT; None for none."""
    wanted = name.strip().casefold()
    for table, kind in KINDS.items():
        if wanted in (kind, table, KIND_LABELS[kind]):
            return kind
    return KIND_ALIASES.get(wanted)


STR = "string"
INT = "integer"
NUM = "number"
STRS = "list of strings"
DATE = "date"
QUAL = "string or list of strings"
ENTITIES = "list of tables {name, role}"
IDS = "list of ids"
ID = "id"
SHA256 = "SHA-256 (64 hexadecimal digits)"

#: Keys every record must have.
REQUIRED: dict[str, str] = {"id": ID, "name": STR, "year": INT, "source": ID, "quote": STR}
#: Keys every record may have.
OPTIONAL: dict[str, str] = {
    "name_en": STR,
    "aliases": STRS,
    "qualifier": QUAL,
    "category": STR,
    "place": STR,
    "tags": STRS,
    "date": DATE,
    "note": STR,
    "evidence": STRS,
    "related": IDS,
    "companies": ENTITIES,
    "people": ENTITIES,
}
#: Keys of one kind only: (required, optional).
KIND_KEYS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "metric": (
        {"value": NUM, "unit": STR},
        {"measure": STR, "project": ID},
    ),
    "project": (
        {},
        {
            "status": STR,
            "investment": NUM,
            "investment_unit": STR,
            "investment_qualifier": STR,
            "capacity": NUM,
            "capacity_unit": STR,
            "phases": INT,
            "phases_note": STR,
        },
    ),
    "milestone": ({}, {}),
}
#: Keys of a [[sources]] table.
SOURCE_KEYS: dict[str, str] = {
    "id": ID,
    "title": STR,
    "title_en": STR,
    "subtitle": STR,
    "section": STR,
    "publisher": STR,
    "page": STR,
    "author": STR,
    "author_en": STR,
    "photos": STR,
    "date": DATE,
    "url": STR,
    "sha256": SHA256,
    "note": STR,
}
SOURCE_REQUIRED = ("id", "title")

#: The order of keys in every output format: stable, so scripts can rely on it.
FIELD_ORDER: tuple[str, ...] = (
    "id",
    "kind",
    "name",
    "name_en",
    "year",
    "date",
    "value",
    "unit",
    "qualifier",
    "measure",
    "status",
    "investment",
    "investment_unit",
    "investment_qualifier",
    "capacity",
    "capacity_unit",
    "phases",
    "phases_note",
    "category",
    "place",
    "project",
    "aliases",
    "tags",
    "companies",
    "people",
    "related",
    "source",
    "quote",
    "evidence",
    "note",
)
#: Fields computed from a record for display: `figure` (预计1730亿元) and `when` (its date, else its year).
VIRTUAL: tuple[str, ...] = ("figure", "when")
#: Every field a command can show, sort by or select with --fields.
ALL_FIELDS: tuple[str, ...] = (*FIELD_ORDER, *VIRTUAL)

_ORDER = {key: place for place, key in enumerate(FIELD_ORDER)}

#: Qualifiers written after the number (6.5%以上) and before it (约70亿元); any other
#: (百余, which the text writes instead of a number) follows in brackets: 100名(百余).
SUFFIX_QUALIFIERS = frozenset({"以上", "以下", "左右", "余", "多"})
PREFIX_QUALIFIERS = frozenset({"预计", "约", "近", "突破", "超", "超过", "逾", "计划", "不到", "不足", "最高", "最低"})

DateValue = dt.date | str


class Source:
    """A document facts are drawn from; `extra` holds its other keys (a date as an ISO string)."""

    __slots__ = ("extra", "id", "title")

    def __init__(self, id: str, title: str, extra: Mapping[str, Any] | None = None) -> None:
        self.id = id
        self.title = title
        self.extra = dict(extra or {})
        date = self.extra.get("date")
        if date is not None and not isinstance(date, str):
            self.extra["date"] = iso(date)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, **self.extra}

    def __repr__(self) -> str:
        return f"Source({self.id!r})"


class Record:
    """One fact: a metric, a project or a milestone.

    `data` holds every key of the record as written in the base, in one shape however
    the record was read: a date as an ISO string (``2023-12-13``, or ``2023-09`` for a
    partial one), `qualifier` as a list of strings (the base may write one string). A
    mapping that needs either changed is copied first: the caller's stays as it was. (The
    loader, which owns its tables, uses `Record.adopt`, which changes them in place.) The
    attributes are the ones code reads often, lifted out for typing.
    """

    __slots__ = ("data", "id", "kind", "line", "name", "path", "year")

    def __init__(self, kind: str, id: str, name: str, year: int, data: Mapping[str, Any], path: str = "", line: int = 0) -> None:
        self.kind = kind
        self.id = id
        self.name = name
        self.year = year
        self.data = _one_shape(data, in_place=False)
        self.path = path
        self.line = line

    @classmethod
    def adopt(cls, kind: str, id: str, name: str, year: int, data: Mapping[str, Any], path: str = "", line: int = 0) -> Record:
        """A record that takes over `data` (a table the caller made and no longer uses),
        normalising it in place: copying each record's table costs a 100,000-record load 5%."""
        record = cls.__new__(cls)
        record.kind, record.id, record.name, record.year = kind, id, name, year
        # Most records have neither key: nothing to reshape, and no call made.
        record.data = _one_shape(data, in_place=True) if "date" in data or "qualifier" in data else data
        record.path, record.line = path, line
        return record

    def __repr__(self) -> str:
        return f"Record({self.kind!r}, {self.id!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Record) and self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]  # unhashable: equal by content, and mutable

    def get(self, key: str, default: Any = None) -> Any:
        if key == "kind":
            return self.kind
        return self.data.get(key, default)

    @property
    def value(self) -> float | int | None:
        return self.data.get("value")

    @property
    def unit(self) -> str | None:
        return self.data.get("unit")

    @property
    def date(self) -> str | None:
        """The date as an ISO string (``2023-12-13`` or ``2023-09``), or None."""
        value = self.data.get("date")
        return None if value is None else iso(value)  # a date set on `data` after the fact reads the same

    @property
    def qualifiers(self) -> tuple[str, ...]:
        return as_tuple(self.data.get("qualifier"))

    def aliases(self) -> tuple[str, ...]:
        return as_tuple(self.data.get("aliases"))

    def tags(self) -> tuple[str, ...]:
        return as_tuple(self.data.get("tags"))

    def to_dict(self) -> dict[str, Any]:
        """The record as plain JSON-ready data, keys in FIELD_ORDER (others at the end)."""
        data = self.data
        out: dict[str, Any] = {}
        for key in _ordered(tuple(data)):
            value = self.kind if key == "kind" else data[key]
            if value is None:
                continue
            if key == "qualifier" and not isinstance(value, list):  # set on `data` after the fact
                value = list(as_tuple(value))
            elif isinstance(value, dt.date):
                value = iso(value)
            out[key] = value
        return out


class Base:
    """A loaded, validated fact base: records in file order, and their sources."""

    __slots__ = ("paths", "records", "sources")

    def __init__(
        self,
        records: list[Record] | None = None,
        sources: dict[str, Source] | None = None,
        paths: list[str] | None = None,
    ) -> None:
        self.records = records if records is not None else []
        self.sources = sources if sources is not None else {}
        self.paths = paths if paths is not None else []

    def get(self, record_id: str) -> Record | None:
        for record in self.records:
            if record.id == record_id:
                return record
        return None


class Problem:
    """One thing wrong with a base, as `path:line: id: message`."""

    __slots__ = ("id", "line", "message", "path")

    def __init__(self, path: str, line: int, id: str, message: str) -> None:
        self.path, self.line, self.id, self.message = path, line, id, message

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.id}: {self.message}" if self.id else f"{where}: {self.message}"

    def __repr__(self) -> str:
        return f"Problem({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and str(self) == str(other)

    __hash__ = None  # type: ignore[assignment]  # unhashable: equal by content, and mutable


@functools.lru_cache(maxsize=1024)  # records of a base share a few sets of keys: sorted once each
def _ordered(keys: tuple[str, ...]) -> tuple[str, ...]:
    """`kind` and `keys` in FIELD_ORDER (others at the end, as they came)."""
    return tuple(sorted(("kind", *keys), key=lambda k: _ORDER.get(k, len(_ORDER))))


def _one_shape(data: Mapping[str, Any], *, in_place: bool) -> Mapping[str, Any]:
    """`data` with its date as an ISO string and its qualifier as a list: `data` itself when
    nothing changes, else a copy (or, `in_place` for a dict, `data` changed)."""
    date = data.get("date")
    qualifier = data.get("qualifier")
    new_date = date is not None and not isinstance(date, str)
    new_qualifier = isinstance(qualifier, (str, tuple))
    if not (new_date or new_qualifier):
        return data
    fixed = data if in_place and isinstance(data, dict) else dict(data)
    if date is not None and new_date:
        fixed["date"] = iso(date)
    if isinstance(qualifier, str):
        fixed["qualifier"] = [qualifier]
    elif isinstance(qualifier, tuple):
        fixed["qualifier"] = list(qualifier)
    return fixed


def iso(value: DateValue) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def record_from_dict(data: Mapping[str, Any]) -> Record:
    """Rebuild a record from its `to_dict` form (the JSON export, the cache)."""
    body = {k: v for k, v in data.items() if k != "kind"}
    return Record.adopt(
        kind=str(data["kind"]),
        id=str(data["id"]),
        name=str(data["name"]),
        year=int(data["year"]),
        data=body,
    )
