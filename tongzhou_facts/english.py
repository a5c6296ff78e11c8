"""Figures and statuses in English, for `--lang en`: 预计1730亿元 is "expected CNY 173.0 billion".

The numbers are the base's own digits moved by powers of ten (1730亿 = 173.0 billion,
1.38万人 = 13,800 people), never float arithmetic, so nothing is rounded and nothing is
invented: multiply the English number back and it is the value in the base.

Imported only when English is asked for (figures.figure, output.cell, query.with_status):
`facts search` in Chinese never loads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .figures import number

#: The months, for dates written in English (phrasing.py, cite.py).
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

#: Unit -> (the power of ten its value moves by, the English with {} for the number).
UNITS: dict[str, tuple[int, str]] = {
    "亿元": (-1, "CNY {} billion"),  # 1730亿元 = CNY 173.0 billion
    "万元": (-2, "CNY {} million"),  # 500万元 = CNY 5 million
    "元": (0, "CNY {}"),
    "人": (0, "{} people"),
    "名": (0, "{} people"),
    "亩": (0, "{} mu"),
    "平方米": (0, "{} m²"),
    "平方公里": (0, "{} km²"),
    "公里": (0, "{} km"),
    "千米": (0, "{} km"),
    "米": (0, "{} m"),
    "吨": (0, "{} tonnes"),
    "千瓦": (0, "{} kW"),
    "%": (0, "{}%"),
}
#: Written before a unit above, 万 and 亿 multiply it: 1.38万人 = 13,800 people, 3.6万亩 = 36,000 mu.
MULTIPLIERS: dict[str, int] = {"万": 4, "亿": 8}
#: Measure words: what they count is in the record's name, so the English is the bare number
#: (15个 -> 15, 1000张 -> 1,000). Each is one character.
MEASURE_WORDS = frozenset("个家所张条项套座只台辆次户件位处场批块栋间届支种篇部本份例棵株")
#: Units whose English keeps at least this many decimals: 1730亿元 is CNY 173.0 billion.
MIN_DECIMALS: dict[str, int] = {"亿元": 1}
#: Any other unit follows the number as written, after a space: 12 GW, 5 MW, 3 吨 (never dropped).

#: Qualifiers English writes before the amount: "expected CNY 173.0 billion", "about 50".
BEFORE: dict[str, str] = {
    "预计": "expected",
    "约": "about",
    "近": "nearly",
    "突破": "over",
    "超": "more than",
    "超过": "more than",
    "逾": "more than",
    "计划": "planned",
    "不到": "less than",
    "不足": "less than",
    "最高": "up to",
    "最低": "at least",
    "左右": "about",  # 50左右: "about 50"
    "余": "more than",  # 100余: "more than 100"
    "多": "more than",
}
#: Qualifiers English writes after it: "expected 6.5% or more".
AFTER: dict[str, str] = {"以上": "or more", "以下": "or less"}
#: Qualifiers the text writes instead of a number: in brackets after it, as in Chinese
#: (100名(百余) -> 100 people (over a hundred)). An unknown qualifier goes there as written.
ASIDE: dict[str, str] = {
    "百余": "over a hundred",
    "上百": "hundreds",
    "数百": "several hundred",
    "千余": "over a thousand",
    "上千": "thousands",
    "数千": "several thousand",
    "数十": "dozens",
    "万余": "over ten thousand",
}

#: Project statuses: 开工 is "construction started". One English per status and back, so
#: `--status "topped out"` finds 封顶.
STATUSES: dict[str, str] = {
    "签约": "signed",
    "引进": "brought in",
    "开工": "construction started",
    "在建": "under construction",
    "封顶": "topped out",
    "竣工": "completed",
    "投产": "in production",
    "投用": "in use",
    "竣工投产": "completed and in production",
    "竣工通车": "completed and open to traffic",
    "交付使用": "handed over for use",
    "全线贯通": "fully connected",
    "全面建成": "fully built",
}
#: Other English people type for a status.
STATUS_ALIASES: dict[str, str] = {
    "started": "开工",
    "broke ground": "开工",
    "complete": "竣工",
    "finished": "竣工",
}


def english_amount(value: Any, unit: str) -> str:
    """`value` of `unit` in English, without qualifiers: (1730, 亿元) -> "CNY 173.0 billion",
    (1.38, 万人) -> "13,800 people", (15, 个) -> "15", (12, GW) -> "12 GW"."""
    shift, template = _unit_rule(unit)
    return template.format(_shifted(number(value), shift, MIN_DECIMALS.get(unit, 0)))


def english_qualified(amount_text: str, qualifiers: Iterable[str]) -> str:
    """An English amount with its qualifiers in words: "expected 6.5% or more", "about CNY 7.0
    billion", "100 people (over a hundred)"; an unknown qualifier in brackets as written."""
    qualifiers = list(qualifiers)
    before = dict.fromkeys(BEFORE[q] for q in qualifiers if q in BEFORE)
    after = dict.fromkeys(AFTER[q] for q in qualifiers if q in AFTER)
    aside = [ASIDE.get(q, q) for q in qualifiers if q not in BEFORE and q not in AFTER]
    text = " ".join([*before, amount_text, *after])
    return text + (f" ({', '.join(aside)})" if aside else "")


def status_text(status: str, lang: str) -> str:
    """A project's status in `lang`: 封顶 -> "topped out" in English; Chinese, or a status
    without an English form, as it is."""
    return STATUSES.get(status, status) if lang == "en" else status


def status_from_english(text: str) -> str | None:
    """The Chinese status English words name ("Topped out", "topped-out", "IN USE"), or None."""
    wanted = _letters(text)
    for chinese, english in STATUSES.items():
        if _letters(english) == wanted:
            return chinese
    for english, chinese in STATUS_ALIASES.items():
        if _letters(english) == wanted:
            return chinese
    return None


def _letters(text: str) -> str:
    """Only the letters, case-folded: "Topped-out" and "topped out" read the same."""
    return "".join(char for char in text.casefold() if char.isalpha())


def _unit_rule(unit: str) -> tuple[int, str]:
    """(power of ten, English template) for a unit; 万 and 亿 before a known unit multiply it."""
    if unit in UNITS:
        return UNITS[unit]
    if unit == "" or unit in MEASURE_WORDS:
        return 0, "{}"
    if unit[0] in MULTIPLIERS:
        rest = unit[1:]
        if rest == "" or rest in UNITS or rest in MEASURE_WORDS:
            shift, template = _unit_rule(rest)
            return shift + MULTIPLIERS[unit[0]], template
    return 0, "{} " + unit.replace("{", "{{").replace("}", "}}")


def _shifted(text: str, places: int, min_decimals: int = 0) -> str:
    """A number's text times 10**places, exactly, with thousands separators: ("1730", -1, 1)
    -> "173.0", ("1.38", 4) -> "13,800", ("0.35", -1) -> "0.035". Exponent forms keep their
    digits ("1e+300", -1 -> "1e+299"); text that is not a number (nan) stays as it is."""
    sign = "-" if text.startswith("-") else ""
    mantissa, _, exponent = text.lstrip("+-").partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    if not digits.isdigit() or not digits.isascii():
        return text
    if exponent:
        return f"{sign}{mantissa}e{int(exponent) + places:+03d}"
    point = len(whole) + places
    if point <= 0:
        digits, point = "0" * (1 - point) + digits, 1
    digits = digits.ljust(point, "0")
    whole, fraction = digits[:point].lstrip("0") or "0", digits[point:].rstrip("0")
    fraction = fraction.ljust(min_decimals, "0")
    return sign + _grouped(whole) + (f".{fraction}" if fraction else "")


def _grouped(whole: str) -> str:
    """Digits in threes with commas: 13800 -> 13,800."""
    head = len(whole) % 3 or 3
    return ",".join([whole[:head], *(whole[i : i + 3] for i in range(head, len(whole), 3))])
