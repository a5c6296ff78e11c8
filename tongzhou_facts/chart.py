"""`facts chart`: metrics as horizontal bars, one titled panel per measure and unit.

A growth rate, a share and a decline are all written in %, but 82% 民生支出占比 beside 6.5%
GDP growth on one axis compares nothing. So metrics are grouped into panels: one per
measure (growth, share, …) and unit family (亿元 with 万元, 万人 with 名; a measure word such
as 个 or 家 is a family of its own), each on its own scale, under a title such as "增速 (%)".

The panels are plain data (`plan`), shared with the piped output, which lists the same rows
in the same order; only `draw` imports Rich, and only when it is called.
"""

from __future__ import annotations

import heapq
import itertools
import math
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from . import units
from .model import Record
from .output import cell, figure, safe

if TYPE_CHECKING:
    from rich.text import Text

    from .env import Environment
    from .query import Row

#: The measures of the schema, in the order their panels are drawn: (Chinese, English) titles.
#: A measure not listed here is titled as the base writes it, after these.
MEASURES: dict[str, tuple[str, str]] = {
    "growth": ("增速", "Growth rate"),
    "share": ("占比", "Share"),
    "decline": ("降幅", "Decline"),
    "level": ("总量", "Level"),
    "investment": ("投资额", "Investment"),
    "area": ("面积", "Area"),
    "count": ("数量", "Count"),
}
#: The title of the metrics that have no measure (drawn last).
NO_MEASURE = ("未注明", "No measure")

#: A row: two spaces, the name, a space, the bar, a space, the figure.
INDENT = 2
#: Bars get at least this many cells (else the rows stack, see `_Layout`) and at most this many.
MIN_BAR, MAX_BAR = 10, 60
#: A name cut shorter than this is no name: below it each row takes two lines.
MIN_LABEL = 8


class Panel(NamedTuple):
    """Metrics of one measure and one unit family, largest first."""

    measure: str | None
    units: tuple[str, ...]  # as the base writes them, in the order of the bars
    numbers: Sequence[int]  # the rows of the index, in the order of the bars (an array: 8 bytes each)
    values: list[float]  # each in its family's smallest unit (3.6万亩 is 36000), to scale the bars


def measure_named(text: str) -> str:
    """The schema's measure `text` names: the measure (`growth`) or its panel's title (`增速`,
    `Growth rate`), in any case. Anything else is returned as typed. `query.spelt` reads every
    --measure through it, with the base's own spellings."""
    folded = text.strip().casefold()
    for measure, titles in MEASURES.items():
        if folded in (measure, *(t.casefold() for t in titles)):
            return measure
    return text


def plan(rows: Iterable[Row], *, unit: str | None = None, measure: str | None = None, limit: int | None = None) -> list[Panel]:
    """The panels of these metric rows: with `unit`, only metrics that convert to it; with
    `measure`, only that measure; with `limit`, the `limit` largest of each panel. Reads each
    row once and keeps only numbers, in arrays (20 bytes a metric, not a tuple's 130: the
    600,000 metrics of a 1,000,000-record base), sorted in bounded memory (sorting.py)."""
    groups: dict[tuple[str | None, str], _Bars] = {}
    for n, record in rows:
        their_unit = str(record.unit or "")
        their_measure = str(record.get("measure") or "") or None
        if unit is not None and units.in_unit(1.0, their_unit, unit) is None:
            continue
        if measure is not None and their_measure != measure:
            continue
        value = units.to_base(float(record.value or 0), their_unit)
        key = (their_measure, units.family_of(their_unit))
        bars = groups.get(key) or groups.setdefault(key, _Bars())
        bars.add(value, n, their_unit)
    panels = []
    for (their_measure, _), bars in sorted(groups.items(), key=lambda item: _panel_order(item[0], len(item[1].numbers))):
        panels.append(bars.panel(their_measure, limit))
        bars.clear()  # each group's arrays go as its panel is made
    return panels


class _Bars:
    """One panel's metrics as `plan` reads them, in base order: value, row number, unit."""

    def __init__(self) -> None:
        self.values = array("d")
        self.numbers = array("q")
        self.units: dict[str, int] = {}  # each unit once, numbered
        self.unit_of = array("L")

    def add(self, value: float, number: int, unit: str) -> None:
        self.values.append(value)
        self.numbers.append(number)
        self.unit_of.append(self.units.setdefault(unit, len(self.units)))

    def clear(self) -> None:
        self.values, self.numbers, self.unit_of = array("d"), array("q"), array("L")

    def panel(self, measure: str | None, limit: int | None) -> Panel:
        """The panel: largest first, stable (equal values keep the base's order), the
        `limit` largest only when given."""
        values = self.values
        if limit is not None:  # nsmallest is stable, as sorted(...)[:limit]
            order: Iterable[int] = heapq.nsmallest(limit, range(len(values)), key=lambda at: -values[at])
        else:
            from .sorting import ordered

            order = ordered((-value, at) for at, value in enumerate(values))
        numbers, shown, used = array("q"), [], dict[int, None]()
        names = list(self.units)
        for at in order:
            numbers.append(self.numbers[at])
            shown.append(values[at])
            used[self.unit_of[at]] = None
        return Panel(measure, tuple(names[u] for u in used), numbers, shown)


def _panel_order(key: tuple[str | None, str], size: int) -> tuple[int, str, int, str]:
    """Known measures in MEASURES' order, then others by name, then none; within a measure
    the fuller panels first."""
    measure, family = key
    known = list(MEASURES)
    rank = known.index(measure) if measure in MEASURES else len(known) + (measure is None)
    return rank, measure or "", -size, family


def title(panel: Panel, lang: str = "zh") -> str:
    """`增速 (%)`, `Count (people)`: the measure and the units of the panel."""
    english = lang == "en"
    titles = NO_MEASURE if panel.measure is None else MEASURES.get(panel.measure, (panel.measure, panel.measure))
    name = titles[english]
    shown = [_unit_en(u) for u in panel.units] if english else list(panel.units)
    shown = [u for u in dict.fromkeys(shown) if u]
    return f"{name} ({(', ' if english else '、').join(shown)})" if shown else name


def _unit_en(unit: str) -> str:
    """A unit as the English figures write it: 万人 is people, 亿元 CNY billion; one English
    has no word for (a measure word such as 个) stays as the base writes it."""
    from .english import MULTIPLIERS, UNITS

    rule = UNITS.get(unit) or (UNITS.get(unit[1:]) if unit[:1] in MULTIPLIERS else None)
    return " ".join(rule[1].replace("{}", " ").split()) if rule else unit


# ---------------------------------------------------------------------------- drawing


class _Layout(NamedTuple):
    label: int  # cells of the name column (0: the name has a line of its own)
    bar: int
    figure: int


def _layout(width: int, widest_label: int, widest_figure: int) -> _Layout:
    """Figures whole; the bar at least MIN_BAR and a third of the room; names in what is left,
    cut with "…" when longer. Below MIN_LABEL cells of name, each name takes a line of its own
    and the bar what the figures leave (a figure wider than the terminal wraps at its spaces).
    The widths are the cells of the widest name and figure of the whole chart."""
    room = width - INDENT - widest_figure - 2  # two spaces: after the name, after the bar
    bar = min(MAX_BAR, max(MIN_BAR, room // 3, room - widest_label))
    label = min(widest_label, room - bar)
    if label >= min(MIN_LABEL, widest_label):
        return _Layout(label, bar, widest_figure)
    return _Layout(0, max(min(MAX_BAR, width - INDENT - widest_figure - 1), 1), widest_figure)


def clip(text: str, width: int, ellipsis: str = "…") -> str:
    """`text` in exactly `width` terminal cells: cut with `ellipsis` when longer (a Chinese
    character is two cells, never split), padded with spaces when shorter."""
    from rich.cells import cell_len

    if cell_len(text) > width:
        room = width - cell_len(ellipsis)
        kept, used = [], 0
        for char in text:
            used += cell_len(char)
            if used > room:
                break
            kept.append(char)
        text = "".join(kept) + ellipsis if room >= 0 else ellipsis[:width]
    return text + " " * (width - cell_len(text))


def draw(panels: Sequence[Panel], records: Callable[[], Iterable[Record]], env: Environment, lang: str = "zh") -> None:
    """Each panel: its title, then a bar for each metric, largest first, with the figure as
    the base writes it (预计6.5%以上). `records()` gives the panels' records, in their order;
    it is called twice (the widest name and figure, then the drawing), so that a chart of
    600,000 bars holds one record at a time, not all. Taller than the terminal, the chart
    goes through the pager (pager.py), as every listing does."""
    from .pager import paged

    with paged(env) as shown:
        _draw(panels, records, shown, lang)


def _draw(panels: Sequence[Panel], records: Callable[[], Iterable[Record]], env: Environment, lang: str) -> None:
    from rich.cells import cell_len
    from rich.text import Text

    from .render import console

    out = console(env)
    widest_label = widest_figure = 0
    for record in records():
        widest_label = max(widest_label, cell_len(safe(cell(record, "name", lang))))
        widest_figure = max(widest_figure, cell_len(safe(figure(record, lang))))
    layout = _layout(env.width, widest_label, widest_figure)
    ellipsis = "…" if env.unicode else "~"
    drawn = iter(records())
    for number, panel in enumerate(panels):
        if number:
            out.print()
        out.print(Text(safe(title(panel, lang)), style="bold"))
        for record, bar in zip(itertools.islice(drawn, len(panel.numbers)), _bars(panel.values, layout.bar, env), strict=True):
            label, shown = safe(cell(record, "name", lang)), safe(figure(record, lang))
            row = Text(" " * INDENT)
            if layout.label:
                row.append(clip(label, layout.label, ellipsis) + " ")
            else:
                out.print(Text(" " * INDENT + clip(label, env.width - INDENT, ellipsis).rstrip()))
            row.append_text(bar)
            # figures right-aligned beside their names; under a name, straight after the bar
            row.append(" " + (shown.rjust(layout.figure - _wide(shown)) if layout.label else shown), style="bold")
            out.print(row)


def _wide(text: str) -> int:
    """How many more cells than characters `text` takes (its double-width characters)."""
    from rich.cells import cell_len

    return cell_len(text) - len(text)


def bars(values: Sequence[float], width: int, env: Environment) -> list[Text]:
    """A bar of exactly `width` cells for each value, on one scale.

    With negative values there is a zero axis: negative bars grow leftwards from it (red),
    positive ones rightwards. A value that is not zero gets a sliver at least, so that no
    value looks like zero.
    """
    return list(_bars(values, width, env))


def _bars(values: Sequence[float], width: int, env: Environment) -> Iterator[Text]:
    """`bars`, made as they are drawn (a panel may have 600,000)."""
    from rich.text import Text

    full, half = ("█", "▌") if env.unicode else ("#", "+")
    biggest = _biggest(values)
    proportions = (_proportion(value, biggest) for value in values)
    lowest = min(_proportion(value, biggest) for value in values)
    if lowest >= 0:
        top = max(_proportion(value, biggest) for value in values) or 1.0
        for value in proportions:
            yield Text((_bar(value / top * width, full, half) or (half if value else "")).ljust(width), style="cyan")
        return
    axis, left_half = ("│", "▐") if env.unicode else ("|", "+")
    highest = max(max(_proportion(value, biggest) for value in values), 0.0)
    room = width - 1  # one column for the axis
    left = min(max(round(room * -lowest / (highest - lowest)), 1), room - (1 if highest > 0 else 0))
    right = room - left
    scale = min(left / -lowest, right / highest if highest > 0 else math.inf)
    for value in proportions:
        if value < 0:
            bar = Text((_bar(-value * scale, full, left_half) or left_half)[::-1].rjust(left), style="red")
            bar.append(axis, style="dim")
            bar.append(" " * right)
        else:
            bar = Text(" " * left)
            bar.append(axis, style="dim")
            bar.append((_bar(value * scale, full, half) or (half if value else "")).ljust(right), style="cyan")
        yield bar


def _bar(cells: float, full: str, half: str) -> str:
    whole = int(cells)
    return full * whole + (half if cells - whole >= 0.5 else "")


def _biggest(values: Iterable[float]) -> float:
    """The largest finite magnitude of `values` (1.0 when none is finite and not zero)."""
    return max((abs(v) for v in values if math.isfinite(v)), default=0.0) or 1.0


def _proportion(value: float, biggest: float) -> float:
    """A value as a share of the largest finite magnitude, in [-1, 1]: bars are drawn from
    these, so 1e308 beside -1e308 (whose difference is infinite) or an infinite value after
    a unit conversion draws full bars instead of failing on inf/inf."""
    return value / biggest if math.isfinite(value) else (0.0 if math.isnan(value) else math.copysign(1.0, value))
