"""The searchable fields of a record, normalised once at index time (build.py stores them).

The fields looked up as typed (not pinyin) have their numbers marked (normalize.numbered), as
a query's are, so a number matches only a whole number.

Fields, strongest first: the name (Chinese and English), the aliases, the tags
(with category, place, status, companies and people), the quote (with the evidence),
and extra text (numbers with units, dates in ISO and Chinese form, the note).

Preparing these fields is most of a cold build, so each value is normalised on its own and
remembered: names, tags, places, units, dates and years repeat across a big base, and only
the quote, the evidence and the note are normalised every time. `normalize` treats the
separators like the edges of a text (no rule reaches across one), so a field is the same
whether its values are normalised together or one by one; tests/test_cold_build.py compares
every field with the straightforward form (one normalize() call over the whole record).
"""

from __future__ import annotations

import functools
from typing import Any

from ..figures import chinese_date, number
from ..index_schema import SEPARATOR
from ..model import Record
from .normalize import FIELD_SEPARATOR, has_cjk, normalize, numbered
from .pinyin import spellings

#: Values remembered with their searchable form: far more than the distinct names, tags and
#: places of a 1,000,000-record generated base, a few megabytes.
REMEMBERED = 1 << 16


def date_forms(text: str) -> list[str]:
    """A date (or partial date) as the reader may type it: 2023-12-13 and 2023年12月13日."""
    return [text, chinese_date(text)]


def _normal(value: str) -> str:
    """The searchable form of one value; the separators it holds (should the data hold these
    private-use characters) become spaces, as they must not split a field."""
    if SEPARATOR in value or FIELD_SEPARATOR in value:
        value = value.replace(SEPARATOR, " ").replace(FIELD_SEPARATOR, " ")
    return normalize(value)


@functools.lru_cache(maxsize=REMEMBERED)
def _term(value: str) -> tuple[str, bool]:
    """A value that repeats across records (a name, tag, place, unit, date): its searchable form
    and whether it holds Chinese (only those are spelled in pinyin)."""
    normal = _normal(value)
    return normal, has_cjk(normal)


@functools.lru_cache(maxsize=REMEMBERED)
def _marked(value: str) -> str:
    """A value that repeats across records, in a field looked up as typed (an English name, a
    year, a date, a role): its searchable form with its numbers marked (normalize.numbered),
    remembered, as marking costs as much as normalising."""
    return numbered(_term(value)[0])


@functools.lru_cache(maxsize=REMEMBERED)
def _dated(date: str) -> tuple[str, str]:
    """A date's two searchable forms (2023-12-13 and 2023年12月13日), numbers marked."""
    return _marked(date), _marked(chinese_date(date))


@functools.lru_cache(maxsize=REMEMBERED, typed=True)  # typed: 10**20 and 1e20 are equal keys, written apart
def _amount(value: Any, unit: str) -> str:
    """A number with its unit (6.5%, 1730亿元), searchable, numbers marked."""
    return _marked(number(value) + unit)


def _joined(values: list[str] | tuple[str, ...]) -> str:
    """Searchable values as one field, shortest first (a stable sort): the empty ones
    (punctuation only) dropped. Shortest first, the first value that starts with a text (or
    holds it) is the shortest that does, which is what ranking measures (rank.py): the index
    reads that length with SQL (index.py `matched_lengths`)."""
    if len(values) == 1:  # most quotes, names: nothing to order ('' stays '')
        return values[0]
    return SEPARATOR.join(sorted(filter(None, values), key=len))


def _typed(values: list[str] | tuple[str, ...]) -> str:
    """`_joined` for a field looked up as typed: each value's numbers marked (normalize.numbered)
    before the values are ordered by length, so the lengths ranking reads include the marks."""
    return _joined([numbered(value) for value in values])


@functools.lru_cache(maxsize=REMEMBERED)
def _name_fields(name: str) -> tuple[str, str, str]:
    """A name's fields: name, py and ini."""
    normal = _term(name)[0]
    spelled, firsts = spellings(normal)
    return numbered(normal), _joined(spelled), _joined(firsts)


@functools.lru_cache(maxsize=REMEMBERED)
def _alias_fields(aliases: tuple[str, ...]) -> tuple[str, str, str]:
    """A list of aliases' fields: aliases, py_alias and ini_alias."""
    terms = [_term(v) for v in aliases]
    spelled = [spellings(normal) for normal, cjk in terms if cjk and normal]
    return (
        _typed([normal for normal, _ in terms]),
        _joined([v for variants, _ in spelled for v in variants]),
        _joined([v for _, initials in spelled for v in initials]),
    )


@functools.lru_cache(maxsize=REMEMBERED)
def _tag_fields(tags: tuple[str, ...]) -> tuple[str, str, str]:
    """The tags' fields (with category, place, status, measure, companies and people): tags,
    py_tags and ini_tags (initials: only loose pinyin reads them, rank.spelled_match, whose
    look-up finds a tag like 川姜镇 by them)."""
    terms = [_term(v) for v in tags]
    spelled = [spellings(normal) for normal, cjk in terms if cjk and normal]
    return (
        _typed([normal for normal, _ in terms]),
        _joined([v for variants, _ in spelled for v in variants]),
        _joined([v for _, initials in spelled for v in initials]),
    )


#: The keys whose value is a tag too, and the figures written with their unit.
_TAGGED = ("category", "place", "status", "measure")
_AMOUNTS = (("value", "unit"), ("investment", "investment_unit"), ("capacity", "capacity_unit"))


def searchable(record: Record) -> dict[str, str]:
    """The normalised text of each field, values joined by SEPARATOR.

    Run once per record of a base (100,000 at a time), so it does nothing twice: the values
    that repeat come from the caches above, already marked and spelled; only the quote, the
    evidence and the note are normalised here."""
    data = record.data
    get = data.get
    companies = get("companies", ())
    people = get("people", ())
    tagged = [*record.tags()]
    for key in _TAGGED:
        if get(key):
            tagged.append(str(data[key]))
    if companies or people:
        tagged.extend(entry["name"] for entry in companies)
        tagged.extend(entry["name"] for entry in people)
    quote = [numbered(_normal(data["quote"]))]
    evidence = get("evidence", ())
    if evidence:
        quote.extend(numbered(_normal(v)) for v in evidence)

    name, py, ini = _name_fields(record.name)
    aliases, py_alias, ini_alias = _alias_fields(record.aliases())
    tags, py_tags, ini_tags = _tag_fields(tuple(tagged))
    return {
        "name": name,
        "en": _marked(str(get("name_en") or "")),
        "aliases": aliases,
        "tags": tags,
        "quote": _joined(quote),
        "extra": _extra(record, companies, people),
        "py": py,
        "ini": ini,
        "py_alias": py_alias,
        "ini_alias": ini_alias,
        "py_tags": py_tags,
        "ini_tags": ini_tags,
    }


def _extra(record: Record, companies: Any, people: Any) -> str:
    """The extra field: figures with their units, phases, dates, the year, the note, roles."""
    data = record.data
    get = data.get
    extra: list[str] = []  # values with their numbers marked already: `_joined`, not `_typed`
    for number_key, unit_key in _AMOUNTS:
        value = get(number_key)
        if value is not None:
            extra.append(_amount(value, str(get(unit_key) or "")))
    if get("phases"):
        extra.append(_marked(f"{data['phases']}期"))
    date = record.date
    if date is not None:
        extra.extend(_dated(date))
    extra.append(_marked(f"{record.year}年"))
    if get("note"):
        extra.append(numbered(_normal(str(data["note"]))))
    if companies or people:
        for entry in (*companies, *people):
            if entry.get("role"):
                extra.append(_marked(entry["role"]))
    return _joined(extra)
