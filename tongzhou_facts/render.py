"""Everything drawn with Rich: tables, record cards, the timeline and the bar chart.

The only module that imports Rich, and only when a terminal (or --format table)
asks for a drawing: Rich costs about 60 ms of start-up. Text from the data goes
in as `Text` objects, never as markup, so `[bold]` in a name shows as typed.
"""

from __future__ import annotations

import datetime as dt
import errno
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Literal

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .env import Environment
from .model import Record, Source
from .output import cell, figure, headers, safe, text_of

if TYPE_CHECKING:
    from .context import ContextParagraph

MATCH_STYLE = "bold yellow"
KIND_ZH = {"metric": "指标", "project": "项目", "milestone": "事件"}  # short, so ids stay whole in 80 columns
KIND_STYLE = {"metric": "cyan", "project": "green", "milestone": "magenta"}
#: Short columns that never fold; the others (names, ids, quotes) share the rest and fold.
NARROW = {"id", "kind", "year", "date", "when", "value", "unit", "figure", "status", "category", "qualifier", "measure", "phases"}
#: How much of the free width each folding column gets.
SHARE = {"name": 3, "name_en": 3, "quote": 4, "match": 2}
#: In English a status or a figure is a phrase ("completed and open to traffic", "about CNY 7.0
#: billion · 12 GW"): past this width it wraps at its spaces instead of taking the names' room.
WRAP_EN = {"status": 15, "figure": 16}


class _Console(Console):
    """Rich's console, but a reader that went away (`facts list --format table | head -1`) is
    a BrokenPipeError for cli.main, which ends quietly with 0 as plain output does; Rich's
    own handling exits 1."""

    def on_broken_pipe(self) -> None:
        self.quiet = True  # drop whatever else this console is asked to print
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")


def console(env: Environment) -> Console:
    return _Console(
        file=env.stdout,
        force_terminal=env.color or None,
        no_color=not env.color,
        color_system="auto" if env.color else None,
        width=env.width,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
    )


def _box(env: Environment) -> box.Box:
    return box.SIMPLE_HEAD if env.unicode else box.ASCII


def _text(value: str, style: str = "", spans: Sequence[tuple[int, int]] = ()) -> Text:
    text = Text(safe(value), style=style)
    if spans and safe(value) == value:  # escaping moves positions: highlight only untouched text
        for start, end in spans:
            text.stylize(MATCH_STYLE, start, end)
    return text


def table(
    records: Sequence[Record],
    fields: Sequence[str],
    env: Environment,
    lang: str = "zh",
    highlights: Mapping[str, Mapping[str, Sequence[tuple[int, int]]]] | None = None,
) -> None:
    """`highlights`: record id -> field -> the (start, end) spans of its cell to highlight."""
    from rich.cells import cell_len

    def natural(field: str) -> int:
        label = headers([field], lang)[0]
        return max([cell_len(label), *(cell_len(cell(r, field, lang)) for r in records)])

    # Short columns never fold (in English a long status or figure wraps: WRAP_EN) and ids are
    # for copying: if they leave too little room for the names, drop the kind column first,
    # then let the ids fold.
    fields = list(fields)
    wrap = WRAP_EN if lang == "en" else {}
    capped = {f: min(natural(f), wrap[f]) for f in fields if f in wrap}
    folding = [f for f in fields if f in SHARE]
    fixed = sum(capped.get(f, natural(f)) + 1 for f in fields if f not in SHARE)
    room = env.width - fixed - len(folding)
    if folding and room < 12 * len(folding) and "kind" in fields and len(fields) > 2:
        fields.remove("kind")
        room += natural("kind") + 1
    fold_ids = bool(folding) and room < 12 * len(folding)
    grid = Table(
        box=_box(env),
        header_style="bold",
        pad_edge=False,
        show_edge=False,
        padding=(0, 1),
        collapse_padding=True,
    )
    for field, label in zip(fields, headers(fields, lang), strict=True):
        justify: Literal["left", "right"] = "right" if field in ("value", "investment", "capacity", "year") else "left"
        narrow = field in NARROW and field not in capped and not (field == "id" and fold_ids)
        grid.add_column(
            label,
            justify=justify,
            overflow="fold",
            no_wrap=narrow,
            ratio=SHARE.get(field),
            min_width=4,
            width=capped.get(field),
        )
    for record in records:
        row = []
        for field in fields:
            value = KIND_ZH.get(record.kind, record.kind) if field == "kind" and lang == "zh" else cell(record, field, lang)
            style = KIND_STYLE.get(record.kind, "") if field == "kind" else ("bold" if field == "figure" else "")
            spans = (highlights or {}).get(record.id, {}).get(field, ()) if field != "name" or lang != "en" else ()
            row.append(_text(value, style, spans))
        grid.add_row(*row)
    console(env).print(grid)


def card(
    record: Record,
    source: Source | None,
    env: Environment,
    lang: str = "zh",
    context: Sequence[ContextParagraph] | None = None,
) -> None:
    """One record with every field, its quote and its source; with a `context` (`--source`),
    the paragraphs around the quote, the quote and the evidence highlighted."""
    labels = dict(zip(record.to_dict(), headers(list(record.to_dict()), lang), strict=True))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    shown = record.to_dict()
    headline = figure(record, lang)
    if headline:
        grid.add_row(_text("数据" if lang == "zh" else "Figure"), _text(headline, "bold"))
    for key, value in shown.items():
        if key in ("name", "quote"):
            continue
        grid.add_row(_text(labels[key]), _text(cell(record, key, lang) if key == "status" else text_of(value)))
    grid.add_row(_text(labels["quote"]), _text("「" + str(shown["quote"]) + "」", "italic"))
    if context is not None:
        grid.add_row(_text("上下文" if lang == "zh" else "Context"), _context(context, env))
    if source is not None:
        described = source.title + "".join(f" · {v}" for k, v in source.extra.items() if k in ("author", "publisher", "date"))
        grid.add_row(_text("出处" if lang == "zh" else "Source document"), _text(described))
    from rich.panel import Panel

    title = cell(record, "name", lang)
    style = KIND_STYLE.get(record.kind, "")
    panel = Panel(
        grid, title=_text(title, "bold " + style), title_align="left", box=box.ROUNDED if env.unicode else box.ASCII, expand=False
    )
    console(env).print(panel)


#: How a card shows a record's spans in its paragraphs, in colour; without, they are marked 【】 〔〕.
CONTEXT_STYLE = {"quote": "bold reverse", "evidence": "underline", "": ""}


def _context(context: Sequence[ContextParagraph], env: Environment) -> Text:
    from .context import marked, runs

    shown = Text()
    for number, paragraph in enumerate(context):
        if number:
            shown.append("\n")
        if not env.color:
            shown.append(safe(marked(paragraph)))
            continue
        for words, field in runs(paragraph):
            shown.append(safe(words), style=CONTEXT_STYLE[field])
    return shown


def _day(iso_date: str) -> dt.date:
    parts = [int(p) for p in iso_date.split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def timeline(records: Sequence[Record], env: Environment, lang: str = "zh", undated: int = 0) -> None:
    """Dated milestones on a horizontal time axis, numbered, with a legend below."""
    out = console(env)
    days = [_day(r.date or str(r.year)) for r in records]
    first, last = min(days), max(days)
    span = max((last - first).days, 1)
    width = max(min(env.width - 4, 100), 20)
    axis = ["─" if env.unicode else "-"] * width
    marks = [" "] * width
    for number, day in enumerate(days, 1):
        at = round((day - first).days / span * (width - 1))
        axis[at] = "●" if env.unicode else "o"
        label = str(number)
        while at < width and marks[at] != " ":
            at += 1
        for offset, char in enumerate(label):
            if at + offset < width:
                marks[at + offset] = char
    out.print(Text(first.isoformat()[:7] + " " * max(width - 14, 1) + last.isoformat()[:7], style="dim"))
    out.print(Text("".join(axis), style="cyan"))
    out.print(Text("".join(marks).rstrip(), style="bold"))
    legend = Table(box=None, show_header=False, padding=(0, 1))
    legend.add_column(justify="right", style="bold")
    legend.add_column(style="cyan", no_wrap=True)
    legend.add_column(overflow="fold")
    for number, record in enumerate(records, 1):
        legend.add_row(str(number), record.date or str(record.year), _text(cell(record, "name", lang)))
    out.print(legend)
    if undated:
        note = (
            f"{undated} milestones have only a year and are not on the axis"
            if lang == "en"
            else f"另有 {undated} 个里程碑只有年份，未画在轴上"
        )
        out.print(Text(note, style="dim"))


def _bar(cells: float, full: str, half: str) -> str:
    whole = int(cells)
    return full * whole + (half if cells - whole >= 0.5 else "")


def chart(records: Sequence[Record], values: Sequence[float], env: Environment, lang: str = "zh") -> None:
    """Horizontal bars for metrics of one unit, largest first; `values` are in that unit (3.6万亩 is 36000亩).

    With negative values there is a zero axis: negative bars grow leftwards from it (red),
    positive ones rightwards, on one scale. Bars never take more than the terminal has
    left after the figures and a few columns of name.
    """
    from rich.cells import cell_len

    out = console(env)
    figures = [figure(record, lang) for record in records]
    widest = max(cell_len(safe(f)) for f in figures)
    # name (at least 8) + bar + figure, each padded by one column on either side
    bar_width = max(min(env.width // 2, 60, env.width - widest - 8 - 6), 10)
    grid = Table(box=None, show_header=False, padding=(0, 1))
    grid.add_column(overflow="fold", ratio=2)
    grid.add_column(no_wrap=True, ratio=3)
    grid.add_column(justify="right", no_wrap=True, style="bold")
    full, half = ("█", "▌") if env.unicode else ("#", "+")
    values = _proportions(values)
    lowest = min(values)
    if lowest >= 0:
        top = max(values) or 1.0
        for record, value, shown in zip(records, values, figures, strict=True):
            cells = _bar(value / top * bar_width, full, half)
            grid.add_row(_text(cell(record, "name", lang)), Text(cells or half, style="cyan"), _text(shown))
        out.print(grid)
        return
    axis, left_half = ("│", "▐") if env.unicode else ("|", "+")
    highest = max(max(values), 0.0)
    room = bar_width - 1  # one column for the axis
    left = min(max(round(room * -lowest / (highest - lowest)), 1), room - (1 if highest > 0 else 0))
    right = room - left
    scale = min(left / -lowest, right / highest if highest > 0 else float("inf"))
    for record, value, shown in zip(records, values, figures, strict=True):
        if value < 0:  # a sliver at least, so no value looks like zero
            bar = Text((_bar(-value * scale, full, left_half) or left_half)[::-1].rjust(left), style="red")
            bar.append(axis, style="dim")
            bar.append(" " * right)
        else:
            bar = Text(" " * left)
            bar.append(axis, style="dim")
            bar.append((_bar(value * scale, full, half) or (half if value else "")).ljust(right), style="cyan")
        grid.add_row(_text(cell(record, "name", lang)), bar, _text(shown))
    out.print(grid)


def _proportions(values: Sequence[float]) -> list[float]:
    """Values as shares of the largest finite magnitude, in [-1, 1]: bars are drawn from
    these, so 1e308 beside -1e308 (whose difference is infinite) or an infinite value after
    a unit conversion draws full bars instead of failing on inf/inf."""
    import math

    biggest = max((abs(v) for v in values if math.isfinite(v)), default=0.0) or 1.0
    return [v / biggest if math.isfinite(v) else (0.0 if math.isnan(v) else math.copysign(1.0, v)) for v in values]


def counts(groups: Mapping[str, Mapping[str, int]], env: Environment) -> None:
    out = console(env)
    for title, rows in groups.items():
        grid = Table(title=title, title_justify="left", box=_box(env), show_header=False)
        grid.add_column(overflow="fold")
        grid.add_column(justify="right", style="bold")
        for key, count in rows.items():
            grid.add_row(_text(key), str(count))
        out.print(grid)


def answer_card(answer: str, record: Record, source: str, related: Sequence[Record], env: Environment, lang: str = "zh") -> None:
    """`facts ask`'s answer: the sentence, the quote it rests on, the source, the record's id;
    below it, the related facts, one line each."""
    zh = lang == "zh"
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(_text("答" if zh else "Answer"), _text(answer, "bold"))
    grid.add_row(_text("原文" if zh else "Quote"), _text("「" + str(record.get("quote")) + "」", "italic"))
    if source:
        grid.add_row(_text("出处" if zh else "Source"), _text(source))
    grid.add_row(_text("ID"), _text(record.id, "dim"))
    from rich.panel import Panel

    style = KIND_STYLE.get(record.kind, "")
    title = _text(cell(record, "name", lang), "bold " + style)
    out = console(env)
    out.print(Panel(grid, title=title, title_align="left", box=box.ROUNDED if env.unicode else box.ASCII, expand=False))
    if not related:
        return
    rows = Table(box=None, show_header=False, padding=(0, 1), title="相关" if zh else "Related", title_justify="left")
    rows.add_column(overflow="fold", ratio=3)
    rows.add_column(style="bold", overflow="fold", ratio=2)
    rows.add_column(style="dim", overflow="fold", ratio=2)
    for other in related:
        rows.add_row(_text(cell(other, "name", lang)), _text(cell(other, "figure", lang)), _text(other.id))
    out.print(rows)
