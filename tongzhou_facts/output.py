"""Plain, TSV, CSV, JSON and JSON Lines: every listing command's output, without Rich.

One code path for every command (as sqlite-utils does): a command picks records and
fields; this module turns them into text. Rich tables live in render.py; how one value
is written (numbers, qualifiers) lives in figures.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from .errors import UsageError
from .escape import csv_safe, json_safe
from .escape import safe as safe  # re-exported
from .figures import figure as figure  # re-exported: how a value is written
from .figures import number as number  # re-exported
from .figures import text_of as text_of  # re-exported
from .model import ALL_FIELDS as ALL_FIELDS  # re-exported
from .model import FIELD_ORDER, VIRTUAL, Record

if TYPE_CHECKING:
    from .context import ContextParagraph
    from .match.located import Located

FORMATS = ("table", "plain", "tsv", "csv", "json", "jsonl")
#: Fields only a search's hits have: `match`, where the hit matched (match/located.py).
HIT_FIELDS = ("match",)

HEADERS_ZH = {
    "id": "ID",
    "kind": "类型",
    "name": "名称",
    "name_en": "英文名",
    "year": "年份",
    "date": "日期",
    "value": "数值",
    "unit": "单位",
    "qualifier": "限定",
    "measure": "度量",
    "status": "状态",
    "investment": "投资",
    "investment_unit": "投资单位",
    "investment_qualifier": "投资限定",
    "capacity": "产能",
    "capacity_unit": "产能单位",
    "phases": "期数",
    "phases_note": "分期说明",
    "category": "类别",
    "place": "地点",
    "project": "所属项目",
    "aliases": "别名",
    "tags": "标签",
    "companies": "企业",
    "people": "人物",
    "related": "相关",
    "source": "来源",
    "quote": "原文",
    "evidence": "佐证",
    "note": "备注",
    "figure": "数据",
    "when": "时间",
    "match": "匹配",
}
HEADERS_EN = {
    "id": "ID",
    "kind": "Kind",
    "name": "Name",
    "name_en": "English name",
    "year": "Year",
    "date": "Date",
    "value": "Value",
    "unit": "Unit",
    "qualifier": "Qualifier",
    "measure": "Measure",
    "status": "Status",
    "investment": "Investment",
    "investment_unit": "Investment unit",
    "investment_qualifier": "Investment qualifier",
    "capacity": "Capacity",
    "capacity_unit": "Capacity unit",
    "phases": "Phases",
    "phases_note": "Phases note",
    "category": "Category",
    "place": "Place",
    "project": "Project",
    "aliases": "Aliases",
    "tags": "Tags",
    "companies": "Companies",
    "people": "People",
    "related": "Related",
    "source": "Source",
    "quote": "Quote",
    "evidence": "Evidence",
    "note": "Note",
    "figure": "Figure",
    "when": "When",
    "match": "Match",
}


def parse_fields(raw: str | None, default: Sequence[str], extra: Sequence[str] = ()) -> list[str]:
    """The fields --fields names (else `default`); `extra`: the HIT_FIELDS this command has.
    A field is named in any case or by its header (`NAME`, `Value`, `名称`: lookup.field_named)."""
    if not raw:
        return list(default)
    # Each field once, where it first appears: `id,id,…` 10,000 times is one column, not a
    # table Rich takes a minute to lay out.
    fields = list(dict.fromkeys(f.strip() for f in raw.split(",") if f.strip()))
    unknown: list[str] = []
    if not all(f in ALL_FIELDS or f in HIT_FIELDS for f in fields):
        from .lookup import field_named, unknown_field

        named = {f: field_named(f, HIT_FIELDS) for f in fields}
        unknown = [f for f, field in named.items() if field is None]
        fields = list(dict.fromkeys(field or f for f, field in named.items()))  # NAME,name: one column
    elsewhere = [f for f in fields if f in HIT_FIELDS and f not in extra]
    if elsewhere:
        raise UsageError(f"field '{elsewhere[0]}' is only for search results (where the query matched): try facts search")
    if unknown:
        raise UsageError(unknown_field(unknown[0], extra))
    if not fields:
        raise UsageError("--fields names no field")
    return fields


def cell(record: Record, field: str, lang: str = "zh") -> str:
    """One field of a record as display text (lists joined, entities with roles)."""
    if field == "match":
        return match_text(getattr(record, "match", None), lang)
    if field == "figure":
        return figure(record, lang)
    if field == "when":
        return record.date or str(record.year)
    if field == "name" and lang == "en" and record.get("name_en"):
        return str(record.get("name_en"))
    if field == "status" and lang == "en":
        from .english import status_text

        return status_text(text_of(record.get(field)), lang)
    return text_of(record.get(field))


def json_value(record: Record, field: str, lang: str) -> Any:
    # A JSON object is data: its stored fields (value, unit, qualifier, status…) stay as the
    # base holds them in every language. Only the fields made for reading (figure, when) and,
    # with --lang en, the name follow the language.
    if field == "match":
        located = getattr(record, "match", None)
        return None if located is None else located.to_dict()
    if field in VIRTUAL or (field == "name" and lang == "en"):
        return cell(record, field, lang)
    return record.to_dict().get(field)


def match_label(located: Located, lang: str = "zh") -> str:
    """The field a hit matched in, for reading: 原文, 名称（拼音）; in English quote, name (pinyin)."""
    if lang == "en":
        return located.field + ("" if located.by in ("text", "figure") else f" ({located.by})")
    how = {"pinyin": "（拼音）", "sound": "（同音）", "typo": "（近似）"}.get(located.by, "")
    return HEADERS_ZH.get(located.field, located.field) + how


def match_text(located: Located | None, lang: str = "zh") -> str:
    """Where a hit matched as one line (`原文: …地区生产总值1730亿元`); '' when it has none."""
    return "" if located is None else f"{match_label(located, lang)}: {located.text}"


def record_object(record: Record, fields: Sequence[str] | None, lang: str = "zh") -> dict[str, Any]:
    if fields is None:
        data = record.to_dict()
        if lang == "en" and data.get("name_en"):  # --lang en: `name` is the English name in every format
            data["name"] = data["name_en"]
        return data
    return {field: json_value(record, field, lang) for field in fields}


def headers(fields: Sequence[str], lang: str) -> list[str]:
    labels = HEADERS_EN if lang == "en" else HEADERS_ZH
    return [labels.get(f, f) for f in fields]


def to_json(data: Any, indent: int | None = None) -> str:
    """JSON text for stdout or a file: UTF-8 (Chinese unescaped), and every character a
    terminal or a JavaScript parser would read as more than text (C1 controls, DEL,
    U+2028/2029, bidi controls) as a `\\u` escape. Parses back to the same data."""
    return json_safe(json.dumps(data, ensure_ascii=False, indent=indent, default=str))


def csv_text(rows: Iterable[Sequence[str]], *, raw: bool = False, bom: bool = False) -> str:
    """RFC 4180 CSV with CRLF line ends; unless `raw`, every cell a spreadsheet would run
    as a formula (`=…`, `+…`, `-…`, `@…`) starts with `'` (escape.csv_safe)."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row if raw else [csv_safe(c) for c in row])
    return ("\ufeff" if bom else "") + buffer.getvalue()


def present_fields(records: Iterable[Record]) -> list[str]:
    """Every key some record has, in schema order: the columns of an every-field CSV."""
    present: set[str] = set()
    for record in records:
        present.update(record.to_dict())
    return [key for key in FIELD_ORDER if key in present]


#: Records formatted per write: the output streams (a million records never sit in memory
#: as text), in pieces big enough that writing costs nothing per record.
CHUNK = 1000


def write(
    records: Iterable[Record],
    fmt: str,
    fields: Sequence[str],
    out: TextIO,
    *,
    lang: str = "zh",
    all_fields: bool = False,
    bom: bool = False,
    csv_raw: bool = False,
    columns: Sequence[str] | None = None,
    terminal: bool = False,
) -> None:
    """Write records in one of the non-table formats, as they come. `all_fields`: JSON/CSV get
    every key (CSV: the `columns` given, else every key present, which reads `records` first).
    `csv_raw`: CSV cells exactly as in the base, formulas included (see csv_text).
    `terminal`: CSV for a screen, its cells escaped like every other format's there."""
    if fmt == "csv":
        if all_fields and columns is None:
            records = list(records)
            columns = present_fields(records)
        chosen = list(columns if all_fields and columns is not None else fields)
        shown = safe if terminal else str
        out.write(csv_text([chosen], raw=csv_raw, bom=bom))
        for chunk in _chunks(records):
            out.write(csv_text(([shown(cell(record, f, lang)) for f in chosen] for record in chunk), raw=csv_raw))
        return
    if fmt in ("json", "jsonl"):
        subset = None if all_fields else fields
        if fmt == "jsonl":
            for chunk in _chunks(records):
                out.write("".join(to_json(record_object(r, subset, lang)) + "\n" for r in chunk))
            return
        # One array, written an element at a time: the same bytes as json.dumps(list, indent=2)
        # (an element's own lines indented two more; strings hold no raw newline).
        opened = False
        for chunk in _chunks(records):
            items = ("  " + to_json(record_object(r, subset, lang), indent=2).replace("\n", "\n  ") for r in chunk)
            out.write(("[\n" if not opened else ",\n") + ",\n".join(items))
            opened = True
        out.write("\n]\n" if opened else "[]\n")
        return
    if fmt == "tsv":
        out.write("\t".join(fields) + "\n")
    for chunk in _chunks(records):
        out.write("".join("\t".join(safe(cell(record, f, lang)) for f in fields) + "\n" for record in chunk))


def _chunks(records: Iterable[Record]) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    for record in records:
        chunk.append(record)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def write_card(
    record: Record,
    source: Any,
    fmt: str,
    out: TextIO,
    *,
    lang: str = "zh",
    context: Sequence[ContextParagraph] | None = None,
    terminal: bool = False,
    fields: Sequence[str] | None = None,
) -> None:
    """One record with every field it has (`facts show` off a terminal); JSON adds its source
    document. With a `context` (`--source`), JSON adds it as data and the other formats a last
    field, `context`: the paragraphs with 【the quote】 and 〔evidence〕 marked. `fields`
    (`--fields`): those alone, in that order, and no source document."""
    if fmt in ("json", "jsonl"):
        obj = record_object(record, fields, lang) if fields is not None else record_object(record, None)
        if source is not None and fields is None:
            obj["source_document"] = source.to_dict()
        if context is not None:
            from .context import context_object

            obj["context"] = context_object(context)
        out.write(to_json(obj, indent=2 if fmt == "json" else None) + "\n")
        return
    if fields is None:
        present = record.to_dict()
        fields = [k for k in ALL_FIELDS if k in present]
    if context is None:
        write([record], fmt, fields, out, lang=lang, all_fields=False, terminal=terminal)
        return
    from .context import marked_context

    values = [*(cell(record, f, lang) for f in fields), marked_context(context)]
    if fmt == "csv":  # on a terminal escaped like every other format there: the context is any file's text
        out.write(csv_text([[*fields, "context"], [safe(v) for v in values] if terminal else values]))
        return
    header = "\t".join([*fields, "context"]) + "\n" if fmt == "tsv" else ""
    out.write(header + "\t".join(safe(value) for value in values) + "\n")


def write_field(record: Record, field: str | None, out: TextIO) -> bool:
    """One field's bare value (`facts get`): a list one item a line, an entity as name<TAB>role;
    no field: the record as JSON. False when the record has no such field (nothing written)."""
    if field is None:
        out.write(to_json(record.to_dict()) + "\n")
        return True
    if field in VIRTUAL:
        shown = cell(record, field)
        if not shown:
            return False
        out.write(safe(shown) + "\n")
        return True
    value = record.to_dict().get(field)
    if value is None:
        return False
    if isinstance(value, list):
        for item in value:
            parts = [item["name"], item.get("role", "")] if isinstance(item, dict) else [text_of(item)]
            out.write("\t".join(safe(str(part)) for part in parts) + "\n")  # a tab only between name and role
    else:
        out.write(safe(text_of(value)) + "\n")
    return True


def write_counts(
    groups: dict[str, dict[str, int]], total: int, fmt: str, out: TextIO, *, csv_raw: bool = False, terminal: bool = False
) -> None:
    """How many records have each value of each group (`facts stats`), in a non-table format."""
    if fmt in ("json", "jsonl"):
        out.write(to_json({"records": total, **groups}, indent=2 if fmt == "json" else None) + "\n")
        return
    rows = [(group, key, str(n)) for group, counts in groups.items() for key, n in counts.items()]
    if fmt == "csv":
        shown = [tuple(safe(part) for part in row) for row in rows] if terminal else rows
        out.write(csv_text([("group", "key", "count"), *shown], raw=csv_raw))
        return
    if fmt == "tsv":
        out.write("group\tkey\tcount\n")
    out.write("".join("\t".join(safe(part) for part in row) + "\n" for row in rows))
