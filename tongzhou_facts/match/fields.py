"""The searchable fields of a record, normalised once at index time (build.py stores them).

Fields, strongest first: the name (Chinese and English), the aliases, the tags
(with category, place, status, companies and people), the quote (with the evidence),
and extra text (numbers with units, dates in ISO and Chinese form, the note).
"""

from __future__ import annotations

from ..figures import chinese_date, number
from ..model import Record
from .normalize import FIELD_SEPARATOR, SEPARATOR, has_cjk, normalize
from .pinyin import initials, variants


def date_forms(text: str) -> list[str]:
    """A date (or partial date) as the reader may type it: 2023-12-13 and 2023年12月13日."""
    return [text, chinese_date(text)]


def searchable(record: Record) -> dict[str, str]:
    """The normalised text of each field, values joined by SEPARATOR."""
    data = record.data
    tags = [*record.tags()]
    for key in ("category", "place", "status", "measure"):
        if data.get(key):
            tags.append(str(data[key]))
    for key in ("companies", "people"):
        tags.extend(entry["name"] for entry in data.get(key, ()))
    extra: list[str] = []
    for number_key, unit_key in (("value", "unit"), ("investment", "investment_unit"), ("capacity", "capacity_unit")):
        value = data.get(number_key)
        if value is None:
            continue
        unit = str(data.get(unit_key) or "")
        extra.append(number(value) + unit)
    if data.get("phases"):
        extra.append(f"{data['phases']}期")
    if record.date is not None:
        extra.extend(date_forms(record.date))
    extra.append(f"{record.year}年")
    if data.get("note"):
        extra.append(str(data["note"]))
    for entry in (*data.get("companies", ()), *data.get("people", ())):
        if entry.get("role"):
            extra.append(entry["role"])
    quote = [data["quote"], *data.get("evidence", ())]

    # One normalize() call for the whole record: it is the index build's main cost.
    groups = ([record.name], [str(data.get("name_en") or "")], list(record.aliases()), tags, quote, extra)
    # The separators are private-use characters; should the data hold them, they become spaces.
    raw = FIELD_SEPARATOR.join(
        SEPARATOR.join(v.replace(SEPARATOR, " ").replace(FIELD_SEPARATOR, " ") for v in values) for values in groups
    )
    pieces = normalize(raw).split(FIELD_SEPARATOR)
    fields = {
        key: SEPARATOR.join(filter(None, piece.split(SEPARATOR)))
        for key, piece in zip(("name", "en", "aliases", "tags", "quote", "extra"), pieces, strict=True)
    }
    cjk_aliases = [v for v in fields["aliases"].split(SEPARATOR) if has_cjk(v)]
    cjk_tags = [v for v in fields["tags"].split(SEPARATOR) if has_cjk(v)]
    fields["py"] = SEPARATOR.join(variants(fields["name"]))
    fields["ini"] = SEPARATOR.join(initials(fields["name"]))
    fields["py_alias"] = SEPARATOR.join(v for alias in cjk_aliases for v in variants(alias))
    fields["ini_alias"] = SEPARATOR.join(v for alias in cjk_aliases for v in initials(alias))
    fields["py_tags"] = SEPARATOR.join(v for tag in cjk_tags for v in variants(tag))
    return fields
