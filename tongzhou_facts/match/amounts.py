"""A query that is a number, with or without a unit, and the records whose own figure it is.

`1730`, `6.5%`, `70亿`, `70亿元`, `7000000000元`, `12GW`, `1.38万`: a record whose value,
investment or capacity equals the number (in any unit of the query's unit family, units.py:
70亿 = 70亿元 = 7000000000元; a bare number in any unit) ranks before every record that only
holds the number in its text. The text match itself is whole-number (normalize.numbered):
1730 is never found inside 17300, nor 100 inside 1000.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from ..figures import number
from ..index import Index
from ..units import FAMILIES, canonical_unit, family_of
from .rank import DIRECT, Match

#: A number and what follows it, as normalize leaves a query: 1730, 6.5%, 70亿元, 12gw.
_QUANTITY = re.compile(r"([0-9]+(?:\.[0-9]+)?)([^\s0-9.:\-]{0,6})")
#: A multiplier written before a unit, or alone: 1.38万 (万人, 万元…), 70亿 (亿元).
_MULTIPLIERS = {"万": 1e4, "亿": 1e8}
#: Significant digits a converted amount is compared to: 1.38万 is 13800, not 13799.999999999998.
_DIGITS = 12


class Quantity(NamedTuple):
    """A number asked for: its digits as typed, its unit as the base writes it ('' for none:
    any unit), and the other units of the unit's family with the number it is in each."""

    digits: str
    unit: str
    converted: tuple[tuple[str, float], ...]


def quantity(terms: Sequence[str]) -> Quantity | None:
    """The query's terms (normalised) read as one number with an optional unit, else None."""
    found = _QUANTITY.fullmatch("".join(terms))
    if found is None:
        return None
    digits, unit = found.group(1), found.group(2)
    if not unit:
        return Quantity(digits, "", ())
    unit = canonical_unit(unit)
    return Quantity(digits, unit, _in_units(float(digits), unit))


def _in_units(value: float, unit: str) -> tuple[tuple[str, float], ...]:
    """The (unit, number) pairs `value unit` also is: the other units of its family, converted;
    for a multiplier alone (1.38万), each unit it begins (万人, 万元…) with the number as typed."""
    family = family_of(unit)
    if family in FAMILIES:
        base = value * FAMILIES[family][unit]
        return tuple((other, _rounded(base / factor)) for other, factor in FAMILIES[family].items() if other != unit)
    if unit in _MULTIPLIERS:
        return tuple((other, value) for units in FAMILIES.values() for other in units if other.startswith(unit))
    return ()


def _rounded(value: float) -> float:
    return float(f"{value:.{_DIGITS}g}")


def _equal(asked: Quantity, amount: float, unit: str) -> bool:
    """Whether a figure (`amount unit`) is the quantity asked: written with the same digits
    (3.0 is not 3个, which is written 3) in the unit asked or any when none is, or its
    conversion into another unit of the family (70亿元 for 7000000000元)."""
    unit = canonical_unit(unit)
    if number(amount) == asked.digits and (not asked.unit or unit == asked.unit):
        return True
    return (unit, amount) in asked.converted


def figure_matches(index: Index, terms: Sequence[str], allowed: set[int] | None) -> dict[int, Match]:
    """The rows whose value, investment or capacity is the quantity the terms write (none when
    they write none), each with its figure's match: the best any match can be (tier 0, before
    a name that equals the query), its field the record's (value, investment, capacity)."""
    asked = quantity(terms)
    if asked is None:
        return {}
    numbers = sorted({float(asked.digits), *(n for _, n in asked.converted)})
    found: dict[int, Match] = {}
    for n, field, amount, unit in index.amounts_equal(numbers):
        if (allowed is None or n in allowed) and _equal(asked, amount, unit):
            match = Match(0, 0, 0.0, 0, DIRECT, 0, field)
            if n not in found or match < found[n]:
                found[n] = match
    return found
