"""Everything drawn with Rich: tables, record cards, the timeline (the bar chart is chart.py).

The only module that imports Rich, and only when a terminal (or --format table)
asks for a drawing: Rich costs about 60 ms of start-up. `rich.table` (with `fractions` and
`decimal`, about 3 ms) and `rich.box` are imported by the drawings that use them: a search's
table in the "under" and "blocks" layouts is drawn line by line, with `Text` alone. Text from the data goes
in as `Text` objects, never as markup, so `[bold]` in a name shows as typed.
"""

from __future__ import annotations

import datetime as dt
import errno
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Literal

from rich.console import Console
from rich.text import Text

from .env import Environment
from .model import Record, Source
from .output import cell, figure, headers, safe, text_of
from .pager import paged

if TYPE_CHECKING:
    from rich import box
    from rich.console import JustifyMethod, OverflowMethod
    from rich.containers import Lines
    from rich.table import Table

    from .context import ContextParagraph

MATCH_STYLE = "bold yellow"
KIND_ZH = {"metric": "指标", "project": "项目", "milestone": "事件"}  # short, so ids stay whole in 80 columns
KIND_STYLE = {"metric": "cyan", "project": "green", "milestone": "magenta"}
#: Short columns that never fold, ids among them (for copying); the others (names, quotes,
#: lists) share the rest of the width and fold.
NARROW = {
    *("id", "kind", "year", "date", "when", "value", "unit", "figure", "status", "category", "qualifier", "measure", "phases"),
    *("investment", "investment_unit", "investment_qualifier", "capacity", "capacity_unit", "place", "source"),
}
#: How much of the free width each folding column gets.
SHARE = {"name": 3, "name_en": 3, "quote": 4}
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
        color_system=_color_system() if env.color else None,
        width=env.width,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
    )


def _color_system() -> Literal["auto", "standard"]:
    """Rich's own detection, except on TERM=dumb, where it would draw no colour although
    env.wants_color chose some (--color always, FORCE_COLOR): then the 16 standard colours."""
    import os

    return "standard" if os.environ.get("TERM", "") in ("dumb", "unknown") else "auto"


def _box(env: Environment) -> box.Box:
    from rich import box

    return box.SIMPLE_HEAD if env.unicode else box.ASCII


def _wrap(text: Text, width: int) -> list[Text]:
    """`text` in lines of at most `width` cells, broken where linebreak.py allows: between
    words and Chinese characters, never inside a number with its unit (6.5%, 1730亿元)."""
    from rich.cells import cell_len

    from .linebreak import breaks

    lines = []
    for paragraph in text.split("\n", allow_blank=True) if "\n" in text.plain else [text]:
        cuts = breaks(paragraph.plain, width, cell_len)
        for line in paragraph.divide(cuts) if cuts else [paragraph.copy()]:
            line.rstrip()
            lines.append(line)
    return lines


class _Wrapped(Text):
    """Text that wraps as `_wrap` breaks it, at whatever width it is drawn: a table's folding
    column, a card's values (Rich would fold Chinese anywhere, a number among it). Otherwise
    a Text: Rich measures and draws it as one."""

    @classmethod
    def of(cls, text: Text) -> _Wrapped:
        wrapped = cls()
        wrapped.append_text(text)
        return wrapped

    def wrap(
        self,
        console: Console,
        width: int,
        *,
        justify: JustifyMethod | None = None,
        overflow: OverflowMethod | None = None,
        tab_size: int = 8,
        no_wrap: bool | None = None,
    ) -> Lines:
        justify, overflow = justify or self.justify, overflow or self.overflow
        if no_wrap or (no_wrap is None and self.no_wrap):
            return super().wrap(console, width, justify=justify, overflow=overflow, tab_size=tab_size, no_wrap=no_wrap)
        lines = Text("\n").join(_wrap(self, width))  # a plain Text: Rich's wrap, told not to break it again
        return lines.wrap(console, width, justify=justify, overflow=overflow, tab_size=tab_size, no_wrap=True)


def _text(value: str, style: str = "", spans: Sequence[tuple[int, int]] = ()) -> Text:
    text = Text(safe(value), style=style)
    if spans and safe(value) == value:  # escaping moves positions: highlight only untouched text
        for start, end in spans:
            text.stylize(MATCH_STYLE, start, end)
    return text


#: Columns a table's names may share their room with before the ids make way: below this
#: (16 Chinese characters, longer than 9 names in 10), the ids leave their column.
NAME_ROOM = 32
#: The least a folding column (name, quote) is given before a table becomes blocks.
FOLD_MIN = 16
#: Cells between two columns: a column's padding and the box's divider.
GAP = 2
#: Where a table's record id goes: its own column, a dim line under the record's row starting
#: where the name does, or (too narrow for either) each record as a short block.
Layout = Literal["columns", "under", "blocks"]


def table(
    records: Sequence[Record],
    fields: Sequence[str],
    env: Environment,
    lang: str = "zh",
    highlights: Mapping[str, Mapping[str, Sequence[tuple[int, int]]]] | None = None,
    *,
    explicit: bool = False,
) -> None:
    """Records as a table for reading, its layout chosen by the width (see `layout`).

    `highlights`: record id -> field -> spans (start, end) of the text that field's cell shows,
    drawn in MATCH_STYLE (a search's matches). `explicit`: the fields were asked for
    (`--fields`): they stay columns, in that order, as long as they fit.
    """
    fields = list(fields)
    widths = _Widths(records, lang)
    chosen = layout(fields, widths, env.width, explicit)
    with paged(env) as shown:
        if chosen == "under":
            _under(records, [f for f in fields if f != "id"], widths, shown, lang, highlights or {})
        elif chosen == "blocks":
            _blocks(records, fields, shown, lang, highlights or {})
        else:
            _grid(records, fields, widths, shown, lang, highlights or {})


class _Widths:
    """Each field's widest cell, in terminal cells (a Chinese character is 2), header included."""

    def __init__(self, records: Sequence[Record], lang: str) -> None:
        self.records, self.lang = records, lang
        self.measured: dict[str, int] = {}

    def natural(self, field: str) -> int:
        if field not in self.measured:
            from rich.cells import cell_len

            label = headers([field], self.lang)[0]
            self.measured[field] = max([cell_len(label), *(cell_len(safe(_shown(r, field, self.lang))) for r in self.records)])
        return self.measured[field]

    def fixed(self, field: str) -> int:
        """The width a column that does not share the free room takes."""
        cap = WRAP_EN.get(field) if self.lang == "en" else None
        return min(self.natural(field), cap) if cap else self.natural(field)


def layout(fields: Sequence[str], widths: _Widths, width: int, explicit: bool = False) -> Layout:
    """How a table of these fields fits `width` cells.

    - "columns": every field a column. Short columns (ids among them) never fold; names and
      quotes share the rest. Chosen when the names get NAME_ROOM cells (or all they need),
      or, for fields asked for with --fields, FOLD_MIN cells each.
    - "under": the id leaves its column for a dim line under its record's row, from where the
      name starts to the right edge (which must hold the widest id); the names (and any other
      folding column, such as a search's match) share the rest. Only for the default fields.
    - "blocks": one record as a short block: the name, then the id, then the other fields.
      Below the width the other two need (about 60 columns for a listing).
    The kind column is never dropped: 4 cells in Chinese (指标/项目/事件).
    """
    folding = [f for f in fields if f not in NARROW]
    if _fits(fields, folding, widths, width, FOLD_MIN if explicit else NAME_ROOM):
        return "columns"
    host = next((f for f in fields if f in ("name", "name_en")), None)
    if not explicit and "id" in fields and host is not None:
        columns = [f for f in fields if f != "id"]
        allotted = _allot(columns, widths, width)
        if allotted is not None:
            before = sum(allotted[f] + GAP for f in columns[: columns.index(host)])
            if width - before >= widths.natural("id"):
                return "under"
    return "blocks"


def _allot(columns: Sequence[str], widths: _Widths, width: int) -> dict[str, int] | None:
    """Each column's width in `width` cells: short ones their own, the folding ones (names, a
    search's match, quotes) the rest by their SHARE, none more than it needs; None when a
    folding column would get less than FOLD_MIN."""
    allotted = {f: widths.fixed(f) for f in columns if f in NARROW}
    folding = [f for f in columns if f not in NARROW]
    room = width - sum(allotted.values()) - GAP * (len(columns) - 1)
    if room < FOLD_MIN * len(folding):
        return None
    while folding:  # the columns that need less than their share take that, the rest share what is left
        total = sum(SHARE.get(f, 3) for f in folding)
        modest = [f for f in folding if widths.natural(f) <= room * SHARE.get(f, 3) // total]
        if not modest:
            for f in folding:
                allotted[f] = max(room * SHARE.get(f, 3) // total, FOLD_MIN)
            break
        for f in modest:
            allotted[f] = widths.natural(f)
            room -= widths.natural(f)
        folding = [f for f in folding if f not in modest]
    return allotted


def _fits(fields: Sequence[str], folding: Sequence[str], widths: _Widths, width: int, least: int) -> bool:
    room = width - sum(widths.fixed(f) for f in fields if f in NARROW) - GAP * (len(fields) - 1)
    return room >= sum(min(widths.natural(f), least) for f in folding) and room >= 0


def _shown(record: Record, field: str, lang: str) -> str:
    """The text a cell shows: the kind in Chinese as a short word, else `output.cell`."""
    if field == "kind" and lang == "zh":
        return KIND_ZH.get(record.kind, record.kind)
    return cell(record, field, lang)


def _cell(
    record: Record, field: str, lang: str, highlights: Mapping[str, Mapping[str, Sequence[tuple[int, int]]]], style: str = ""
) -> Text:
    value = _shown(record, field, lang)
    if not style:
        style = KIND_STYLE.get(record.kind, "") if field == "kind" else ("bold" if field == "figure" else "")
    # The spans of `name` were found in the Chinese name: an English one shows no highlight.
    spans = () if field == "name" and lang == "en" else highlights.get(record.id, {}).get(field, ())
    return _text(value, style, [(a, b) for a, b in spans if 0 <= a < b <= len(value)])


def _grid(
    records: Sequence[Record],
    fields: Sequence[str],
    widths: _Widths,
    env: Environment,
    lang: str,
    highlights: Mapping[str, Mapping[str, Sequence[tuple[int, int]]]],
) -> None:
    from rich.table import Table

    grid = Table(
        box=_box(env),
        header_style="bold",
        pad_edge=False,
        show_edge=False,
        padding=(0, 1),
        collapse_padding=True,
    )
    for field, label in zip(fields, headers(fields, lang), strict=True):
        grid.add_column(
            label,
            justify=_justify(field),
            overflow="fold",
            no_wrap=not _wraps(field, widths),
            ratio=SHARE.get(field),
            min_width=4,
            width=WRAP_EN[field] if _capped(field, widths) else None,
        )
    for record in records:
        cells = (_cell(record, field, lang, highlights) for field in fields)
        grid.add_row(*(_Wrapped.of(c) if _wraps(f, widths) else c for c, f in zip(cells, fields, strict=True)))
    console(env).print(grid)


def _justify(field: str) -> Literal["left", "right"]:
    return "right" if field in ("value", "investment", "capacity", "year") else "left"


def _capped(field: str, widths: _Widths) -> bool:
    """An English status or figure longer than WRAP_EN: wrapped at its spaces."""
    return widths.lang == "en" and field in WRAP_EN and widths.natural(field) > WRAP_EN[field]


def _wraps(field: str, widths: _Widths) -> bool:
    return field not in NARROW or _capped(field, widths)


def _under(
    records: Sequence[Record],
    columns: Sequence[str],
    widths: _Widths,
    env: Environment,
    lang: str,
    highlights: Mapping[str, Mapping[str, Sequence[tuple[int, int]]]],
) -> None:
    """The table with each record's id on a dim line below its row, from where the name
    column starts to the right edge (the row's other cells are done by then), so the name
    column need not be as wide as the ids. Drawn line by line: Rich's tables have no cell
    spanning columns. The lines are printed as one Text (joined by newlines, as Rich joins a
    text's lines itself): one `print`, one write, rather than Rich's pipeline once a line."""
    host = next(f for f in columns if f in ("name", "name_en"))
    width = _allot(columns, widths, env.width)
    assert width is not None  # layout() chose "under" because it is not
    offset = sum(width[f] + GAP for f in columns[: columns.index(host)])
    gap = " " * GAP

    def line(cells: Sequence[Text]) -> Text:
        joined = Text(gap).join(cells)
        joined.rstrip()
        return joined

    labels = []
    for field, label in zip(columns, headers(columns, lang), strict=True):
        header = Text(label, style="bold")
        if field == host:
            header.append(" · " if env.unicode else " / ", style="bold")
            header.append(headers(["id"], lang)[0], style="bold dim")
        labels.append(_fit(header, width[field], _justify(field)))
    lines = [line(labels)]
    total = sum(width.values()) + GAP * (len(columns) - 1)
    lines.append(Text(("─" if env.unicode else "-") * total))
    for record in records:
        wrapped = []
        for field in columns:
            text = _cell(record, field, lang, highlights)
            wrapped.append(_wrap(text, width[field]) if _wraps(field, widths) else [text])
        for number in range(max(len(lines) for lines in wrapped)):
            cells = [lines[number] if number < len(lines) else Text() for lines in wrapped]
            lines.append(line([_fit(c, width[f], _justify(f)) for c, f in zip(cells, columns, strict=True)]))
        lines.append(Text(" " * offset) + _text(record.id, "dim"))
    console(env).print(Text("\n").join(lines), soft_wrap=True)


def _fit(text: Text, width: int, justify: Literal["left", "right"]) -> Text:
    """`text` padded to `width` cells (never cut: a cell is at most its column's width)."""
    from rich.cells import cell_len

    pad = " " * max(width - cell_len(text.plain), 0)
    return Text(pad) + text if justify == "right" else text + Text(pad)


def _blocks(
    records: Sequence[Record],
    fields: Sequence[str],
    env: Environment,
    lang: str,
    highlights: Mapping[str, Mapping[str, Sequence[tuple[int, int]]]],
) -> None:
    """Each record as a short block for a narrow terminal: its name (or first field) in bold,
    then, indented, its id (dim, never broken), the short fields joined by " · ", and each
    long one (a quote). No line is wider than the terminal but an id wider than it."""
    out = console(env)
    head = next((f for f in fields if f in ("name", "name_en")), fields[0])
    dot = " · " if env.unicode else " | "
    for record in records:
        style = "bold " + KIND_STYLE.get(record.kind, "")
        _lines(out, _cell(record, head, lang, highlights, style.strip()), env.width, "")
        if "id" in fields and head != "id":
            _id_line(out, record.id, env.width, "  ")
        short = Text()
        for field in fields:
            if field in (head, "id") or field not in NARROW or not _shown(record, field, lang):
                continue
            if short:
                short.append(dot, style="dim")
            short.append(_cell(record, field, lang, highlights))
        if short:
            _lines(out, short, env.width, "  ")
        for field in fields:
            if field != head and field not in NARROW and _shown(record, field, lang):
                _lines(out, _cell(record, field, lang, highlights), env.width, "  ")


def _lines(out: Console, text: Text, width: int, indent: str) -> None:
    """`text` wrapped (`_wrap`) to fit `width` cells after `indent`, each line indented."""
    for line in _wrap(text, max(width - len(indent), 1)):
        out.print(Text(indent) + line, soft_wrap=True)


def _id_line(out: Console, record_id: str, width: int, indent: str) -> None:
    """A record's id on a line of its own, after `indent` when the two fit in `width` cells,
    else at the start of the line. An id is never broken, not even when it is wider than the
    terminal: it is the one thing a reader must be able to copy whole (the terminal wraps the
    line where it must, but no break or indent of ours lands inside it)."""
    from rich.cells import cell_len

    shown = _text(record_id, "dim")
    out.print(Text(indent) + shown if cell_len(shown.plain) + len(indent) <= width else shown, soft_wrap=True)


def card(
    record: Record,
    source: Source | None,
    env: Environment,
    lang: str = "zh",
    context: Sequence[ContextParagraph] | None = None,
    fields: Sequence[str] | None = None,
) -> None:
    """One record with every field, its quote and its source; with a `context` (`--source`),
    the paragraphs around the quote, the quote and the evidence highlighted. `fields`
    (`--fields`): those rows alone, in that order (a field the record lacks, empty)."""
    from rich import box
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    if fields is not None:
        for key, label in zip(fields, headers(fields, lang), strict=True):
            text = cell(record, key, lang)
            quoted = key == "quote" and bool(text)
            grid.add_row(_text(label), _Wrapped.of(_text("「" + text + "」" if quoted else text, "italic" if quoted else "")))
    else:
        _card_rows(grid, record, lang)
    if context is not None:
        grid.add_row(_text("上下文" if lang == "zh" else "Context"), _Wrapped.of(_context(context, env)))
    if source is not None and fields is None:
        described = source.title + "".join(f" · {v}" for k, v in source.extra.items() if k in ("author", "publisher", "date"))
        grid.add_row(_text("出处" if lang == "zh" else "Source document"), _Wrapped.of(_text(described)))
    from rich.panel import Panel

    title = cell(record, "name", lang)
    style = KIND_STYLE.get(record.kind, "")
    panel = Panel(
        grid, title=_text(title, "bold " + style), title_align="left", box=box.ROUNDED if env.unicode else box.ASCII, expand=False
    )
    with paged(env) as drawn:
        console(drawn).print(panel)


def _card_rows(grid: Table, record: Record, lang: str) -> None:
    """A card's rows: the figure, every field the record has, and its quote."""
    labels = dict(zip(record.to_dict(), headers(list(record.to_dict()), lang), strict=True))
    shown = record.to_dict()
    headline = figure(record, lang)
    if headline:
        grid.add_row(_text("数据" if lang == "zh" else "Figure"), _Wrapped.of(_text(headline, "bold")))
    for key, value in shown.items():
        if key in ("name", "quote"):
            continue
        grid.add_row(_text(labels[key]), _Wrapped.of(_text(cell(record, key, lang) if key == "status" else text_of(value))))
    grid.add_row(_text(labels["quote"]), _Wrapped.of(_text("「" + str(shown["quote"]) + "」", "italic")))


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
    with paged(env) as shown:
        _timeline(records, shown, lang, undated)


def _timeline(records: Sequence[Record], env: Environment, lang: str, undated: int) -> None:
    from rich.table import Table

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
        legend.add_row(str(number), record.date or str(record.year), _Wrapped.of(_text(cell(record, "name", lang))))
    out.print(legend)
    if undated:
        note = (
            f"{undated} milestones have only a year and are not on the axis"
            if lang == "en"
            else f"另有 {undated} 个里程碑只有年份，未画在轴上"
        )
        out.print(Text(note, style="dim"))


def counts(groups: Mapping[str, Mapping[str, int]], env: Environment) -> None:
    from rich.table import Table

    with paged(env) as shown:
        out = console(shown)
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
    from rich import box
    from rich.table import Table

    zh = lang == "zh"
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(_text("答" if zh else "Answer"), _Wrapped.of(_text(answer, "bold")))
    grid.add_row(_text("原文" if zh else "Quote"), _Wrapped.of(_text("「" + str(record.get("quote")) + "」", "italic")))
    if source:
        grid.add_row(_text("出处" if zh else "Source"), _Wrapped.of(_text(source)))
    grid.add_row(_text("ID"), _text(record.id, "dim"))
    from rich.panel import Panel

    style = KIND_STYLE.get(record.kind, "")
    title = _text(cell(record, "name", lang), "bold " + style)
    with paged(env) as shown:
        out = console(shown)
        out.print(Panel(grid, title=title, title_align="left", box=box.ROUNDED if env.unicode else box.ASCII, expand=False))
        if related:
            _related(related, out, shown, lang)


def _related(related: Sequence[Record], out: Console, env: Environment, lang: str) -> None:
    """The related facts, one row each (name, figure, id); where the ids would not fit whole
    beside names of 8 cells, each is a short block: name and figure, then the dim id."""
    from rich.cells import cell_len
    from rich.table import Table

    out.print(Text("相关" if lang == "zh" else "Related", style="italic"))
    figures = [cell(other, "figure", lang) for other in related]
    widest = max(cell_len(f) for f in figures) + max(cell_len(other.id) for other in related)
    if env.width - widest - 2 * 2 - 2 >= 8:
        rows = Table(box=None, show_header=False, padding=(0, 1))
        rows.add_column(overflow="fold", ratio=1)
        rows.add_column(style="bold", no_wrap=True)
        rows.add_column(style="dim", no_wrap=True)
        for other, shown in zip(related, figures, strict=True):
            rows.add_row(_Wrapped.of(_text(cell(other, "name", lang))), _text(shown), _text(other.id))
        out.print(rows)
        return
    for other, shown in zip(related, figures, strict=True):
        line = _text(cell(other, "name", lang))
        if shown:
            line.append(" · " if env.unicode else " | ", style="dim")
            line.append(_text(shown, "bold"))
        _lines(out, line, env.width, " ")
        _id_line(out, other.id, env.width, "   ")
