"""How a value is written as text: numbers as the base writes them, with qualifiers and units.

Shared by display (output.py, render.py), sorting (query.py) and search (match/fields.py,
which indexes numbers as they print), so a number reads the same everywhere. The English
forms (`figure(record, "en")`) live in english.py, loaded only when English is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .model import PREFIX_QUALIFIERS, SUFFIX_QUALIFIERS, Record

#: Floats in [PLAIN_LOW, PLAIN_HIGH) print as plain decimals; smaller and larger ones in the
#: shortest exponent form (1e-16, 1e+300) rather than as 0 or as 301 digits.
PLAIN_LOW, PLAIN_HIGH = 1e-6, 1e16


def number(value: Any) -> str:
    """1730, 6.5, 1.38, 0.00005: as written, no trailing .0; 1e-16 and 1e+300 in exponent form.

    Ints (as TOML gives them) print as written, whatever their size.
    """
    if isinstance(value, bool):
        return str(value).lower()
    if not isinstance(value, float):
        return str(value)
    if value == 0:
        return "0"
    text = repr(value)  # the shortest text that reads back as the same float
    if not PLAIN_LOW <= abs(value) < PLAIN_HIGH:
        return text  # 1e-16, 1e+300, nan, inf
    if value.is_integer():
        return str(int(value))
    if "e" in text:  # repr writes 1e-05 from 1e-4 down: the same digits, positionally
        mantissa, exponent = text.split("e")
        decimals = len(mantissa.partition(".")[2]) - int(exponent)
        return f"{value:.{decimals}f}"
    return text


def with_qualifiers(amount: str, qualifiers: Iterable[str]) -> str:
    """An amount with its qualifiers where Chinese writes them: 预计 before, 以上 after, 百余 in brackets."""
    qualifiers = list(qualifiers)
    before = "".join(q for q in qualifiers if q in PREFIX_QUALIFIERS)
    after = "".join(q for q in qualifiers if q in SUFFIX_QUALIFIERS)
    other = "".join(q for q in qualifiers if q not in PREFIX_QUALIFIERS and q not in SUFFIX_QUALIFIERS)
    return f"{before}{amount}{after}" + (f"({other})" if other else "")


def figure(record: Record, lang: str = "zh") -> str:
    """The headline number with its qualifiers and unit: 预计1730亿元, 预计6.5%以上, 约70亿元;
    with `lang` "en": expected CNY 173.0 billion, expected 6.5% or more, about CNY 7.0 billion."""
    amount: Callable[[Any, str], str] = _amount
    qualified: Callable[[str, Iterable[str]], str] = with_qualifiers
    if lang == "en":
        from .english import english_amount, english_qualified  # not on the path of a Chinese search

        amount, qualified = english_amount, english_qualified
    if record.value is not None:
        return qualified(amount(record.value, record.unit or ""), record.qualifiers)
    parts = []
    if record.get("investment") is not None:
        qualifier = record.get("investment_qualifier")
        invested = amount(record.get("investment"), str(record.get("investment_unit") or ""))
        parts.append(qualified(invested, [qualifier] if qualifier else []))
    if record.get("capacity") is not None:
        parts.append(amount(record.get("capacity"), str(record.get("capacity_unit") or "")))
    return " · ".join(parts)


def _amount(value: Any, unit: str) -> str:
    return number(value) + unit


def chinese_date(text: str) -> str:
    """An ISO date or partial date as Chinese writes it: 2023-12-13 → 2023年12月13日, 2023 → 2023年."""
    parts = text.split("-")
    return parts[0] + "年" + "".join(f"{int(p)}{unit}" for p, unit in zip(parts[1:], "月日", strict=False))


def text_of(value: Any) -> str:
    """A field's value as one line of text: lists joined with `; `, entities with their role."""
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
