"""The record types of a fact base and the keys each may carry.

The key tables here are the schema's single source of truth: the validator checks
against them and docs/schema.md documents them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

#: TOML table name -> record kind.
KINDS: dict[str, str] = {"metrics": "metric", "projects": "project", "milestones": "milestone"}
#: Record kind -> TOML table name.
TABLES: dict[str, str] = {kind: table for table, kind in KINDS.items()}

STR = "string"
INT = "integer"
NUM = "number"
STRS = "list of strings"
DATE = "date"
QUAL = "string or list of strings"
ENTITIES = "list of tables {name, role}"
IDS = "list of ids"
ID = "id"

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
    "author": STR,
    "photos": STR,
    "date": DATE,
    "url": STR,
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

_ORDER = {key: place for place, key in enumerate(FIELD_ORDER)}

#: Qualifiers written after the number (6.5%以上) and before it (约70亿元); any other
#: (百余, which the text writes instead of a number) follows in brackets: 100名(百余).
SUFFIX_QUALIFIERS = frozenset({"以上", "以下", "左右", "余", "多"})
PREFIX_QUALIFIERS = frozenset({"预计", "约", "近", "突破", "超", "超过", "逾", "计划", "不到", "不足", "最高", "最低"})

DateValue = dt.date | str


class Source:
    """A document facts are drawn from."""

    __slots__ = ("extra", "id", "title")

    def __init__(self, id: str, title: str, extra: Mapping[str, Any] | None = None) -> None:
        self.id = id
        self.title = title
        self.extra = dict(extra or {})

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, **self.extra}

    def __repr__(self) -> str:
        return f"Source({self.id!r})"


class Record:
    """One fact: a metric, a project or a milestone.

    `data` holds every key of the record exactly as written in the base (dates
    as `datetime.date` or partial-date strings); the attributes are the ones code
    reads often, lifted out for typing. (A plain class: a dataclass costs start-up.)
    """

    __slots__ = ("data", "id", "kind", "line", "name", "path", "year")

    def __init__(self, kind: str, id: str, name: str, year: int, data: Mapping[str, Any], path: str = "", line: int = 0) -> None:
        self.kind = kind
        self.id = id
        self.name = name
        self.year = year
        self.data = data
        self.path = path
        self.line = line

    def __repr__(self) -> str:
        return f"Record({self.kind!r}, {self.id!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Record) and self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

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
        return None if value is None else iso(value)

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
        for key in sorted(("kind", *data), key=lambda k: _ORDER.get(k, len(_ORDER))):
            value = self.kind if key == "kind" else data[key]
            if value is None:
                continue
            if key == "qualifier":  # a string or a list in the base; always a list out, for stable types
                value = list(as_tuple(value))
            elif isinstance(value, dt.date):
                value = iso(value)
            out[key] = value
        return out


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
    return Record(
        kind=str(data["kind"]),
        id=str(data["id"]),
        name=str(data["name"]),
        year=int(data["year"]),
        data=body,
    )
