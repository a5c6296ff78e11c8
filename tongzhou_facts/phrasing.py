"""An answer as a sentence, in the question's language, and why `facts ask` did not answer.

Every figure is the base's own, written as figures.py writes it (with its qualifiers: 预计,
约, 以上); the English adds the figure in English (english.py) and keeps the Chinese one
in brackets, so nothing is lost in translation. Nothing here rounds or completes a fact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .figures import chinese_date, figure, number, with_qualifiers
from .model import Record, Source

if TYPE_CHECKING:
    from .match.answer import Reply


def language_of(text: str) -> str:
    """ "en" for a question in Latin letters without a Chinese character, else "zh" (1730 too)."""
    from .match.normalize import has_cjk

    return "en" if not has_cjk(text) and any("a" <= c.lower() <= "z" for c in text) else "zh"


def sentence(record: Record, lang: str, intents: Iterable[str] = ()) -> str:
    """The record as one sentence: 2023年地区生产总值预计1730亿元。 with its place when the name
    does not say it. A question that asks who or what something is called (`intents` holds
    "who" or "name") gets the people and companies the record names too."""
    said = _english(record) if lang == "en" else _chinese(record)
    named = [*record.data.get("people", ()), *record.data.get("companies", ())]
    if not named or not {"who", "name"} & set(intents):
        return said
    if lang == "zh":
        return said + "涉及：" + "、".join(e["name"] + (f"（{e['role']}）" if e.get("role") else "") for e in named) + "。"
    return f"{said} Named: " + "; ".join(e["name"] + (f" ({e['role']})" if e.get("role") else "") for e in named) + "."


def _place(record: Record) -> str:
    """The record's place, unless its name already says it."""
    place = str(record.get("place") or "")
    core = re.sub(r"(片区|园区|街道|镇|乡|区)$", "", place)  # 金沙湾片区 is said by 金沙湾医学综合体
    return "" if core and core in record.name else place


def _chinese(record: Record) -> str:
    when = _when_zh(record)
    where = _place(record)
    if record.kind == "metric":
        return f"{when}{where}{record.name}{figure(record)}。"
    if record.kind == "project":
        head = record.name + (f"（{where}）" if where else "") + (f"于{when}" if record.date else when)
        parts = [head + str(record.get("status") or ""), *_project_amounts(record, "zh")]
        return "，".join(parts) + "。"
    return f"{when}，{record.name}" + (f"（{where}）" if where else "") + "。"


def _english(record: Record) -> str:
    name = str(record.get("name_en") or record.name)
    when = _when_en(record)
    if when.split(" ", 1)[1] in name:  # "… started on 13 December 2023" says when already
        when = ""
    where = f" in {_place(record)}" if _place(record) else ""
    if record.kind == "metric":
        shown = figure(record, "en")
        original = figure(record)
        bracket = f" ({original})" if original != shown.replace(" ", "") else ""
        return f"{name}{where}{' ' + when if when else ''}: {shown}{bracket}."
    if record.kind == "project":
        from .english import status_text

        status = record.get("status")
        head = name + where + (f": {status_text(str(status), 'en')}" if status else "") + (f" {when}" if when else "")
        return "; ".join([head, *_project_amounts(record, "en")]) + "."
    return f"{when[0].upper()}{when[1:]}: {name}{where}." if when else f"{name}{where}."


def _project_amounts(record: Record, lang: str) -> list[str]:
    """A project's investment and capacity: 投资约70亿元 / investment about CNY 7.0 billion (约70亿元)."""
    out = []
    for key, label_zh, label_en in (("investment", "投资", "investment"), ("capacity", "产能", "capacity")):
        value = record.get(key)
        if value is None:
            continue
        unit = str(record.get(f"{key}_unit") or "")
        qualifiers = [str(q) for q in [record.get(f"{key}_qualifier")] if q]
        original = with_qualifiers(number(value) + unit, qualifiers)
        if lang == "zh":
            out.append(label_zh + original)
        else:
            from .english import english_amount, english_qualified

            shown = english_qualified(english_amount(value, unit), qualifiers)
            out.append(f"{label_en} {shown}" + (f" ({original})" if original != shown.replace(" ", "") else ""))
    return out


def _when_zh(record: Record) -> str:
    return chinese_date(record.date or str(record.year))


def _when_en(record: Record) -> str:
    """in 2023, in December 2023, on 28 December 2023."""
    if record.date is None:
        return f"in {record.year}"
    parts = record.date.split("-")
    if len(parts) == 1:
        return f"in {parts[0]}"
    from .english import MONTHS

    month = MONTHS[int(parts[1]) - 1]
    return f"in {month} {parts[0]}" if len(parts) == 2 else f"on {int(parts[2])} {month} {parts[0]}"


def brief(record: Record, lang: str) -> str:
    """A record in a few words for a message: 地区生产总值 预计1730亿元 (gdp-2023)."""
    name = str(record.get("name_en") or record.name) if lang == "en" else record.name
    shown = figure(record, lang) if lang == "en" else figure(record)
    return f"{name}{' ' + shown if shown else ''} ({record.id})"


def citation(source: Source | None, lang: str) -> str:
    """The source in one line: title · author · date."""
    if source is None:
        return ""
    title = str(source.extra.get("title_en") or source.title) if lang == "en" else source.title
    extra = [str(source.extra[k]) for k in ("author", "publisher", "date") if source.extra.get(k)]
    return " · ".join([title, *extra])


def abstention(reply: Reply, lang: str, years: Iterable[int]) -> str:
    """Why `reply` holds no answer, and the closest fact the base does hold (one line, English)."""
    closest = reply.closest
    near = f"; closest fact it holds: {brief(closest, lang)}" if closest is not None else ""
    if not reply.question.words or reply.wants == "topic":
        return "the question names nothing specific to look up (only question words, the district, a year)"
    if reply.unheld_year is not None:
        covered = ", ".join(str(y) for y in sorted(years))
        return f"the base has no facts for {reply.unheld_year}; it covers {covered}{near}"
    if reply.wants == "year":
        return f"the base has nothing on this for {reply.year}{near}"
    if reply.missing:
        return f"not in the base: nothing on {_quoted(reply.missing)}{near}"
    if reply.lacking and closest is not None:
        return f"not in the base: the closest fact says nothing of {_quoted(reply.lacking)}: {brief(closest, lang)}"
    if closest is not None and reply.wants in _WANTS:
        return f"{_WANTS[reply.wants]}: {brief(closest, lang)}"
    return "nothing in the base answers this question"


_WANTS = {
    "place": "the base does not say where; the closest fact has no place",
    "level": "the base holds a rate or a share, not the amount asked for",
    "growth": "the base holds the amount, not its growth",
    "figure": "the base gives no figure for it",
}


def _quoted(words: Iterable[str]) -> str:
    return ", ".join(repr(w) for w in words)
