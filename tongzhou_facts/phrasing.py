"""An answer as a sentence, in the question's language, and why `facts ask` did not answer.

Every figure is the base's own, written as figures.py writes it (with its qualifiers: 预计,
约, 以上); the English adds the figure in English (english.py) and keeps the Chinese one
in brackets, so nothing is lost in translation. Nothing here rounds or completes a fact.
"""

from __future__ import annotations

from collections.abc import Iterable

from .figures import figure, number, with_qualifiers
from .model import Record, Source

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def language_of(text: str) -> str:
    """ "en" for a question in Latin letters without a Chinese character, else "zh" (1730 too)."""
    from .match.normalize import has_cjk

    return "en" if not has_cjk(text) and any("a" <= c.lower() <= "z" for c in text) else "zh"


def sentence(record: Record, lang: str, intents: Iterable[str] = ()) -> str:
    """The record as one sentence: 2023年地区生产总值预计1730亿元。 A question that asks who
    (`intents` holds "who") gets the people and companies the record names too."""
    said = _english(record) if lang == "en" else _chinese(record)
    if "who" not in intents:
        return said
    named = [*record.data.get("people", ()), *record.data.get("companies", ())]
    if not named:
        return said
    if lang == "zh":
        return said + "涉及：" + "、".join(e["name"] + (f"（{e['role']}）" if e.get("role") else "") for e in named) + "。"
    return f"{said} Named: " + "; ".join(e["name"] + (f" ({e['role']})" if e.get("role") else "") for e in named) + "."


def _chinese(record: Record) -> str:
    when = _when_zh(record)
    if record.kind == "metric":
        return f"{when}{record.name}{figure(record)}。"
    if record.kind == "project":
        head = record.name + (f"于{when}" if record.date else "") + str(record.get("status") or "")
        parts = [head, *_project_amounts(record, "zh")]
        return "，".join(parts) + "。"
    return f"{when}，{record.name}。"


def _english(record: Record) -> str:
    name = str(record.get("name_en") or record.name)
    when = _when_en(record)
    if record.kind == "metric":
        shown = figure(record, "en")
        original = figure(record)
        return f"{name} {when}: {shown}" + (f" ({original})" if original != shown.replace(" ", "") else "") + "."
    if record.kind == "project":
        from .english import status_text

        status = record.get("status")
        head = name + (f": {status_text(str(status), 'en')}" if status else "") + (f" {when}" if record.date else "")
        return "; ".join([head, *_project_amounts(record, "en")]) + "."
    return f"{when[0].upper()}{when[1:]}: {name}."


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
    if record.date is None:
        return f"{record.year}年"
    parts = record.date.split("-")
    return parts[0] + "年" + "".join(f"{int(p)}{u}" for p, u in zip(parts[1:], "月日", strict=False))


def _when_en(record: Record) -> str:
    """in 2023, in December 2023, on 28 December 2023."""
    if record.date is None:
        return f"in {record.year}"
    parts = record.date.split("-")
    if len(parts) == 1:
        return f"in {parts[0]}"
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


def abstention(
    *,
    lang: str,
    unheld_year: int | None,
    years: Iterable[int],
    missing: Iterable[str],
    wants: str | None,
    closest: Record | None,
    has_words: bool = True,
) -> str:
    """Why there is no answer, and the closest fact the base does hold (one line, English).
    `has_words`: False when the question had nothing to look up (only question words, a year)."""
    if not has_words:
        return "the question names nothing to look up (only question words, the district or a year)"
    near = f"; closest fact it holds: {brief(closest, lang)}" if closest is not None else ""
    if unheld_year is not None:
        covered = ", ".join(str(y) for y in sorted(years))
        return f"the base has no facts for {unheld_year}; it covers {covered}{near}"
    unknown = list(missing)
    if unknown:
        quoted = ", ".join(repr(w) for w in unknown)
        return f"not in the base: nothing on {quoted}{near}"
    if wants == "place" and closest is not None:
        return f"the base does not say where: {brief(closest, lang)} has no place"
    if wants == "level" and closest is not None:
        return f"the base holds a rate of change, not the amount asked for: {brief(closest, lang)}"
    if wants == "growth" and closest is not None:
        return f"the base holds the amount, not its growth: {brief(closest, lang)}"
    return "nothing in the base answers this question"
