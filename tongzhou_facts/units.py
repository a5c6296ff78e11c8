"""Units as written in the base, and the families in which they compare.

`--min 100亿元` must compare 万元 and 亿元 correctly, and refuse to compare 亿元 with
亩. A unit outside every family compares only with itself.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import NamedTuple

from .errors import UsageError

#: family -> {unit: factor to the family's base unit}
FAMILIES: dict[str, dict[str, float]] = {
    "money": {"元": 1, "万元": 1e4, "亿元": 1e8},
    "land": {"亩": 1, "万亩": 1e4},
    "floor area": {"平方米": 1, "万平方米": 1e4, "平方公里": 1e6},
    "people": {"人": 1, "名": 1, "万人": 1e4},
    "power": {"W": 1, "kW": 1e3, "MW": 1e6, "GW": 1e9},
    "percent": {"%": 1},
}
#: Spellings people type for a unit of the base.
UNIT_ALIASES: dict[str, str] = {"亿": "亿元", "万亩地": "万亩", "％": "%", "pct": "%", "gw": "GW", "mw": "MW", "kw": "kW"}

_QUANTITY = re.compile(r"\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*\Z")


class Quantity(NamedTuple):
    value: float
    unit: str  # "" for a bare number

    def __str__(self) -> str:
        return f"{self.value:g}{self.unit}"


def family_of(unit: str) -> str:
    for name, units in FAMILIES.items():
        if unit in units:
            return name
    return unit


def canonical_unit(unit: str) -> str:
    unit = unicodedata.normalize("NFKC", unit).strip()
    return UNIT_ALIASES.get(unit, UNIT_ALIASES.get(unit.lower(), unit))


def parse_quantity(text: str) -> Quantity:
    """`100亿元`, `1.5 万亩`, `１００亿`, `50` -> Quantity; a clear UsageError otherwise."""
    normal = unicodedata.normalize("NFKC", text).replace(",", "")
    found = _QUANTITY.match(normal)
    if not found:
        raise UsageError(f"not a quantity: {text!r} (write a number and a unit, e.g. 100亿元)")
    value = float(found.group(1))
    if not math.isfinite(value):
        raise UsageError(f"not a finite number: {text!r}")
    return Quantity(value, canonical_unit(found.group(2)))


def in_unit(value: float, unit: str, target: str) -> float | None:
    """`value` of `unit` expressed in `target`, or None when they do not compare."""
    if unit == target:
        return value
    family = family_of(unit)
    if family != family_of(target) or family == unit:
        return None
    factors = FAMILIES[family]
    return value * factors[unit] / factors[target]


def to_base(value: float, unit: str) -> float:
    """`value unit` in its family's smallest unit (3.6万亩 -> 36000), to order across 万 and 亿."""
    return value * FAMILIES.get(family_of(unit), {}).get(unit, 1)


def compare_key(value: float, unit: str, bound: Quantity) -> float:
    """`value unit` in the bound's unit, or a UsageError naming both units."""
    if not bound.unit:
        return value
    converted = in_unit(value, unit, bound.unit)
    if converted is None:
        raise UsageError(f"cannot compare {bound.unit} with {unit}")
    return converted


def comparable(unit: str, bound: Quantity) -> bool:
    return not bound.unit or in_unit(1.0, unit, bound.unit) is not None


def check_known(bound: Quantity, units_in_base: set[str]) -> None:
    """Refuse a bound no record of the base can be compared with."""
    if bound.unit and not any(comparable(unit, bound) for unit in units_in_base):
        known = "、".join(sorted(units_in_base))
        raise UsageError(f"cannot compare {bound.unit} with any unit of the base ({known})")
