"""Plain, TSV, CSV, JSON and JSON Lines: every listing command's output, without Rich.

One code path for every command (as sqlite-utils does): a command picks records and
fields; this module turns them into text. Rich tables live in render.py.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from .errors import UsageError
from .escape import safe
from .model import FIELD_ORDER, PREFIX_QUALIFIERS, SUFFIX_QUALIFIERS, Record

FORMATS = ("table", "plain", "tsv", "csv", "json", "jsonl")
VIRTUAL = ("figure", "when")
ALL_FIELDS = (*FIELD_ORDER, *VIRTUAL)

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
}


def parse_fields(raw: str | None, default: Sequence[str]) -> list[str]:
    if not raw:
        return list(default)
    fields = [f.strip() for f in raw.split(",") if f.strip()]
    unknown = [f for f in fields if f not in ALL_FIELDS]
    if unknown:
        raise UsageError(f"unknown field '{unknown[0]}' (fields: {', '.join(ALL_FIELDS)})")
    if not fields:
        raise UsageError("--fields names no field")
    return fields


def number(value: Any) -> str:
    """1730, 6.5, 1.38: as written, never in exponent form or with a trailing .0."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        text = repr(value)
        if "e" in text:
            text = f"{value:.15f}".rstrip("0").rstrip(".")
        return text
    return str(value)


def with_qualifiers(amount: str, qualifiers: Iterable[str]) -> str:
    qualifiers = list(qualifiers)
    before = "".join(q for q in qualifiers if q in PREFIX_QUALIFIERS)
    after = "".join(q for q in qualifiers if q in SUFFIX_QUALIFIERS)
    other = "".join(q for q in qualifiers if q not in PREFIX_QUALIFIERS and q not in SUFFIX_QUALIFIERS)
    return f"{before}{amount}{after}" + (f"({other})" if other else "")


def figure(record: Record) -> str:
    """The headline number with its qualifiers and unit: 预计1730亿元, 预计6.5%以上, 约70亿元."""
    if record.value is not None:
        return with_qualifiers(number(record.value) + (record.unit or ""), record.qualifiers)
    parts = []
    if record.get("investment") is not None:
        qualifier = record.get("investment_qualifier")
        amount = number(record.get("investment")) + str(record.get("investment_unit") or "")
        parts.append(with_qualifiers(amount, [qualifier] if qualifier else []))
    if record.get("capacity") is not None:
        parts.append(number(record.get("capacity")) + str(record.get("capacity_unit") or ""))
    return " · ".join(parts)


def cell(record: Record, field: str, lang: str = "zh") -> str:
    """One field of a record as display text (lists joined, entities with roles)."""
    if field == "figure":
        return figure(record)
    if field == "when":
        return record.date or str(record.year)
    if field == "name" and lang == "en" and record.get("name_en"):
        return str(record.get("name_en"))
    return text_of(record.get(field))


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(text_of(v) for v in value)
    if isinstance(value, dict):
        name = str(value.get("name", ""))
        return f"{name} ({value['role']})" if value.get("role") else name
    if isinstance(value, (int, float)):
        return number(value)
    return str(value)


def json_value(record: Record, field: str, lang: str) -> Any:
    if field in VIRTUAL or (field == "name" and lang == "en"):
        return cell(record, field, lang)
    return record.to_dict().get(field)


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


def write(
    records: Sequence[Record],
    fmt: str,
    fields: Sequence[str],
    out: TextIO,
    *,
    lang: str = "zh",
    all_fields: bool = False,
    bom: bool = False,
) -> None:
    """Write records in one of the non-table formats. `all_fields`: JSON/CSV get every key."""
    if fmt in ("json", "jsonl"):
        chosen = None if all_fields else fields
        objects = [record_object(r, chosen, lang) for r in records]
        if fmt == "json":
            out.write(json.dumps(objects, ensure_ascii=False, indent=2) + "\n")
        else:
            for obj in objects:
                out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        return
    if fmt == "csv":
        columns = list(fields)
        if all_fields:
            present = {key for r in records for key in r.to_dict()}
            columns = [key for key in FIELD_ORDER if key in present]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(columns)
        for record in records:
            writer.writerow([cell(record, f, lang) for f in columns])
        out.write(("\ufeff" if bom else "") + buffer.getvalue())
        return
    lines = []
    if fmt == "tsv":
        lines.append("\t".join(fields))
    for record in records:
        lines.append("\t".join(safe(cell(record, f, lang)) for f in fields))
    if lines:
        out.write("\n".join(lines) + "\n")
