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
    """A number asked for: its value, and the units it may be in (empty: any unit), each
    with the number it is in that unit."""

    value: float
    units: tuple[tuple[str, float], ...]


def quantity(terms: Sequence[str]) -> Quantity | None:
    """The query's terms (normalised) read as one number with an optional unit, else None."""
    text = "".join(terms)
    found = _QUANTITY.fullmatch(text)
    if found is None:
        return None
    value = float(found.group(1))
    unit = found.group(2)
    if not unit:
        return Quantity(value, ())
    return Quantity(value, _in_units(value, canonical_unit(unit)))


def _in_units(value: float, unit: str) -> tuple[tuple[str, float], ...]:
    """The (unit, number) pairs `value unit` is: every unit of its family, converted."""
    family = family_of(unit)
    if family in FAMILIES:
        base = value * FAMILIES[family][unit]
        return tuple((other, _rounded(base / factor)) for other, factor in FAMILIES[family].items())
    multiplier = _MULTIPLIERS.get(unit[:1])
    if multiplier is not None:  # 1.38万 (of people), 3万亩 not a family's: the unit as written with 万
        pairs = [(unit, value)] if len(unit) > 1 else []
        return tuple(pairs + [(other, value) for family in FAMILIES.values() for other in family if other.startswith(unit)])
    return ((unit, value),)


def _rounded(value: float) -> float:
    return float(f"{value:.{_DIGITS}g}")


def figure_matches(index: Index, terms: Sequence[str], allowed: set[int] | None) -> dict[int, Match]:
    """The rows whose value, investment or capacity is the quantity the terms write (none when
    they write none), each with its figure's match: the best any match can be (tier 0, before
    a name that equals the query), its field the record's (value, investment, capacity)."""
    asked = quantity(terms)
    if asked is None:
        return {}
    numbers = sorted({asked.value, *(number for _, number in asked.units)})
    found: dict[int, Match] = {}
    for n, field, amount, unit in index.amounts_equal(numbers):
        if allowed is not None and n not in allowed:
            continue
        if asked.units and (canonical_unit(unit), amount) not in asked.units:
            continue
        if not asked.units and amount != asked.value:
            continue
        match = Match(0, 0, 0.0, 0, DIRECT, 0, field)
        if n not in found or match < found[n]:
            found[n] = match
    return found
