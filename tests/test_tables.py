"""Tables for reading, under a real pseudo-terminal of 40, 80, 90 and 160 columns.

Ids are for copying: each appears whole on one line at every width. Names get the width: at 80
columns every name of up to 14 Chinese characters is on one line. The kind column does not vanish.
At 40 columns each record is a short block: its name, its id, then its other fields. A Chinese
character takes two cells, and no line is wider than the terminal, except an id longer than it:
that one stands alone on its line, unindented and whole (the terminal wraps it as it wraps any
long line; facts never breaks it). Wrapped text never breaks inside a number with its unit
(6.5%, 1730亿元, 2023-12-13): the number goes to the next line whole.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from rich.cells import cell_len

from tongzhou_facts import render
from tongzhou_facts.env import Environment

from .conftest import ROOT
from .test_terminal import ANSI, FACTS, TIMEOUT, clean_env, on_tty

pytestmark = pytest.mark.usefixtures("module_cache")

LISTINGS = [["list"], ["metrics"], ["projects"], ["milestones"], ["search", "异质结"]]
WIDTHS = [40, 80, 160]
RULE = re.compile("^[─-]{10,}$", re.M)


def column(args: list[str], field: str) -> list[str]:
    """One field of every record a listing prints, as a pipe gets it."""
    done = subprocess.run(
        [FACTS, *args, "--format", "tsv", "--fields", field],
        capture_output=True,
        env=clean_env(),
        timeout=TIMEOUT,
        check=True,
    )
    return done.stdout.decode().splitlines()[1:]


def screen(*args: str, columns: int) -> list[str]:
    code, text, err = on_tty(*args, "--no-color", columns=columns)
    assert (code, err) == (0, ""), err
    return text.splitlines()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize("args", LISTINGS, ids=lambda a: " ".join(a))
def test_every_id_is_whole_on_one_line(args: list[str], columns: int, lang: str) -> None:
    lines = screen(*args, "--lang", lang, columns=columns)
    ids = column(args, "id")
    assert ids
    words = {word for line in lines for word in line.split()}
    broken = [i for i in ids if i not in words]
    assert not broken, f"ids not whole at {columns} columns: {broken[:5]}\n" + "\n".join(lines[:20])


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize("args", LISTINGS, ids=lambda a: " ".join(a))
def test_no_line_is_wider_than_the_terminal(args: list[str], columns: int) -> None:
    ids = set(column(args, "id"))
    for line in screen(*args, columns=columns):
        if line in ids and len(line) > columns:  # an id wider than the screen: alone on its line, whole
            continue
        assert cell_len(line.rstrip()) <= columns, f"{cell_len(line.rstrip())} cells at {columns}: {line!r}"


@pytest.mark.parametrize("args", LISTINGS, ids=lambda a: " ".join(a))
def test_names_get_the_width_at_80_columns(args: list[str]) -> None:
    lines = screen(*args, columns=80)
    text = "\n".join(lines)
    names = column(args, "name")
    short = [n for n in names if cell_len(n) <= 28]  # 14 characters: 8 names in 10 (it was 12 cells before)
    assert short
    wrapped = [n for n in short if n not in text]
    assert not wrapped, f"names of at most 28 cells wrapped at 80 columns: {wrapped[:5]}"


@pytest.mark.parametrize("args", LISTINGS, ids=lambda a: " ".join(a))
def test_at_160_columns_the_ids_have_their_own_column(args: list[str]) -> None:
    lines = screen(*args, columns=160)
    assert re.match(r"^\S*\s*ID\s", lines[0]) or " ID " in lines[0], lines[0]
    names = column(args, "name")
    for number, name in enumerate(column(args, "id")):
        row = next(line for line in lines if re.search(rf"(^|\s){re.escape(name)}(\s|$)", line))
        assert names[number] in row, f"{name} and its name are not on one row: {row!r}"


@pytest.mark.parametrize("columns", [80, 90, 100, 160])
def test_the_kind_column_stays(columns: int) -> None:
    lines = screen("list", columns=columns)
    assert "类型" in lines[0], lines[0]
    kinds = {"指标": 0, "项目": 0, "事件": 0}
    for line in lines:
        for kind in kinds:
            kinds[kind] += line.split()[:2].count(kind) if line.split() else 0
    expected = {"指标": "metric", "项目": "project", "事件": "milestone"}
    for kind, count in kinds.items():
        assert count == column(["list", "--kind", expected[kind]], "id").__len__(), (columns, kind, count)


def test_at_40_columns_each_record_is_a_short_block() -> None:
    lines = screen("list", columns=40)
    ids, names, figures = column(["list"], "id"), column(["list"], "name"), column(["list"], "figure")
    assert not RULE.search("\n".join(lines)), "no table at 40 columns"
    for record_id, name, shown in zip(ids, names, figures, strict=True):
        at = lines.index("  " + record_id if len(record_id) + 2 <= 40 else record_id)
        start = at
        while start > 0 and not lines[start - 1].startswith("  "):  # the name, wrapped at 40 columns
            start -= 1
        assert "".join(lines[start:at]) == name, (name, lines[start : at + 1])
        details = lines[at + 1]
        assert details.startswith("  ") and ("指标" in details or "项目" in details or "事件" in details), details
        if shown:
            assert shown.split(" · ")[0] in details, (shown, details)


def test_fields_asked_for_keep_the_id_column_and_their_order() -> None:
    lines = screen("list", "--fields", "id,name,value", columns=80)
    assert re.match(r"^ID\s+名称\s+数值", lines[0]), lines[0]
    assert any(line.startswith("gdp-2023 ") and "地区生产总值" in line and "1730" in line for line in lines)


def test_fields_asked_for_at_40_columns_are_a_block_with_the_id() -> None:
    lines = screen("list", "--fields", "id,name,value,unit", columns=40)
    at = lines.index("  gdp-2023")
    assert lines[at - 1] == "地区生产总值" and lines[at + 1].split() == ["1730", "·", "亿元"], lines[at - 1 : at + 2]


@pytest.mark.parametrize("columns", WIDTHS)
def test_a_card_fits_and_keeps_its_id(columns: int) -> None:
    lines = screen("show", "gdp-2023", columns=columns)
    assert any(" gdp-2023 " in line for line in lines)
    assert all(cell_len(line.rstrip()) <= columns for line in lines)


def test_chinese_characters_are_two_cells_wide() -> None:
    """The figures of names of different lengths line up in cells (a Chinese character is 2)
    under their header: measured as 1 cell, they would drift left by the names' length."""
    from tongzhou_facts import open_index
    from tongzhou_facts.load import bundled_path

    index = open_index([str(bundled_path())])
    records = [index.get(i) for i in ("gdp-2023", "gdp-growth-2023", "luban-awards-2023")]
    assert all(r is not None for r in records)
    for width in (80, 160):
        out = io.StringIO()
        render.table(records, ["id", "kind", "name", "figure", "when"], Environment(out, width=width))  # type: ignore[arg-type]
        lines = out.getvalue().splitlines()
        starts = {cell_len(lines[0][: lines[0].index("数据")])}
        for record in records:
            row = next(line for line in lines if record.name in line)  # type: ignore[union-attr]
            shown = render.cell(record, "figure")  # type: ignore[arg-type]
            starts.add(cell_len(row[: row.index(shown)]))
        assert len(starts) == 1, (width, starts, lines)
        assert all(cell_len(line) <= width for line in lines)


def test_highlights_reach_any_column() -> None:
    from tongzhou_facts import open_index
    from tongzhou_facts.load import bundled_path

    index = open_index([str(bundled_path())])
    record = index.get("gdp-2023")
    assert record is not None
    out = io.StringIO()
    env = Environment(out, io.StringIO(), is_terminal=True, color=True, width=120)
    figure = render.cell(record, "figure")
    start = figure.index("1730")
    render.table([record], ["id", "name", "figure"], env, highlights={record.id: {"figure": [(start, start + 4)]}})
    drawn = out.getvalue()
    assert "\x1b[1;33m1730" in drawn or re.search(r"\x1b\[[0-9;]*33[0-9;]*m1730", drawn), drawn
    assert not re.search(r"\x1b\[[0-9;]*33[0-9;]*m地区", drawn), "only the figure's span is highlighted"


def test_search_highlights_the_match_in_the_name_on_a_terminal() -> None:
    code, text, err = on_tty("search", "异质结", columns=80)
    assert (code, err) == (0, "")
    assert re.search(r"\x1b\[[0-9;]*33[0-9;]*m异质结", text), text[:400]
    assert "lianshen-12gw-hjt-cell-project" in ANSI.sub("", text)


@pytest.mark.parametrize("width", [80, 120])
def test_a_second_folding_column_shares_the_room_and_ids_stay_whole(width: int) -> None:
    """Default fields with two folding columns (a search's `match` column will be one; here the
    quote): still a table at 80 columns, the ids whole under their rows."""
    from tongzhou_facts import open_index
    from tongzhou_facts.load import bundled_path

    index = open_index([str(bundled_path())])
    ids = ("gdp-2023", "lianshen-12gw-hjt-cell-project", "hjt-chain-enterprises-attracted-2023")
    records = [index.get(i) for i in ids]
    out = io.StringIO()
    render.table(records, ["id", "kind", "name", "quote", "when"], Environment(out, width=width))  # type: ignore[arg-type]
    lines = out.getvalue().splitlines()
    assert "名称 · ID" in lines[0] and "原文" in lines[0]
    assert all(cell_len(line) <= width for line in lines)
    for record_id in ids:
        assert any(line.split() == [record_id] for line in lines), record_id
    assert any(line.startswith("指标  地区生产总值") and "通州预计实现地区生产总值1730亿元" in line for line in lines)


# ---------------------------------------------------------------------------- ids wider than the screen

#: An id of 60 characters, wider than a 40-column terminal and, indented, than a 60-column one.
LONG_ID = "industrial-output-value-of-the-new-energy-industry-chain-2023"[:60]


@pytest.fixture(scope="module")
def long_id_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled base, plus a metric with a 60-character id and a quote with numbers."""
    base = tmp_path_factory.mktemp("long-id") / "facts.toml"
    shutil.copy(ROOT / "facts.toml", base)
    with base.open("a", encoding="utf-8") as handle:
        handle.write(
            "\n[[metrics]]\n"
            f'id = "{LONG_ID}"\n'
            'name = "新能源产业链产值增速"\n'
            'year = 2023\nvalue = 6.5\nunit = "%"\n'
            'qualifier = ["预计", "以上"]\nmeasure = "growth"\ncategory = "economy"\n'
            'source = "tongzhou-2023-review"\n'
            'quote = "预计实现地区生产总值1730亿元,同比增长6.5%以上"\n'
        )
    return base


@pytest.mark.parametrize("columns", [40, 59, 60, 61, 62, 80])
def test_an_id_wider_than_the_screen_is_whole_on_a_line_of_its_own(long_id_base: Path, columns: int) -> None:
    assert len(LONG_ID) == 60
    lines = screen("list", "-f", str(long_id_base), "--kind", "metric", columns=columns)
    holding = [line for line in lines if LONG_ID in line]
    assert len(holding) == 1, holding
    line = holding[0]
    assert line.split() == [LONG_ID], f"the id shares its line at {columns} columns: {line!r}"
    if len(LONG_ID) + 2 > columns:  # the indent would push it past the edge: dropped
        assert line == LONG_ID, f"{line!r} at {columns} columns"
    for other in lines:
        if other != LONG_ID:
            assert cell_len(other.rstrip()) <= columns, f"{cell_len(other.rstrip())} cells at {columns}: {other!r}"


def test_an_id_that_fits_only_without_its_indent_loses_it() -> None:
    """At 40 columns the bundled id of 44 characters stands alone, the ids of 39 and 40
    lose their indent, and the others keep it."""
    lines = screen("list", columns=40)
    ids = column(["list"], "id")
    for record_id in ids:
        wanted = "  " + record_id if len(record_id) + 2 <= 40 else record_id
        assert wanted in lines, (record_id, [line for line in lines if record_id in line])
    assert any(len(i) > 40 for i in ids) and any(38 < len(i) <= 40 for i in ids), "the widths this test is about"


# ---------------------------------------------------------------------------- numbers are never split

#: A number with its unit, as a reader must see it on one line: 6.5%, 1730亿元, 12GW, 2023-12-13.
NUMBER = re.compile(r"[0-9]+(?:[.,:-][0-9]+)*(?:%|[万亿]?元|万人|万亩|GW|MW|个|家|名|项|条|所|套|张|亩|人|年|月|日)?")


def _fragments(lines: list[str], field_start: int | None, record_id: str) -> list[str]:
    """The pieces of a record's quote as wrapped on the screen: in a block, the indented lines
    after its id; in a table, each line's text from the quote column's first cell, from the
    record's row to the next row."""
    if field_start is None:
        at = next(n for n, line in enumerate(lines) if line.strip() == record_id)
        pieces = []
        for line in lines[at + 1 :]:
            if not line.startswith("  "):
                break
            pieces.append(line.strip())
        return pieces
    at = next(n for n, line in enumerate(lines) if line.startswith(record_id + " "))
    pieces = [_from_cell(lines[at], field_start)]
    for line in lines[at + 1 :]:
        if not line.startswith(" "):  # the next record's row (or the end)
            break
        pieces.append(_from_cell(line, field_start))
    return [piece for piece in pieces if piece]


def _from_cell(line: str, start: int) -> str:
    used = 0
    for at, char in enumerate(line):
        if used >= start:
            return line[at:].strip()
        used += cell_len(char)
    return ""


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("columns", [40, 60, 80])
def test_wrapped_quotes_never_break_inside_a_number(columns: int, lang: str) -> None:
    """`--fields id,name,quote`: blocks at 40 and 60 columns, a table with a folding quote
    column at 80. Every quote is on the screen whole, and no line ends inside a number."""
    args = ["list", "--fields", "id,name,quote", "--lang", lang]
    lines = screen(*args, columns=columns)
    quote_at = next((cell_len(lines[0][: lines[0].index(h)]) for h in ("原文", "Quote") if h in lines[0]), None)
    checked = 0
    for record_id, quote in zip(column(args, "id"), column(args, "quote"), strict=True):
        pieces = _fragments(lines, quote_at, record_id)
        assert "".join(pieces) == quote.replace(" ", ""), (record_id, pieces)
        cuts = [sum(len(p) for p in pieces[: n + 1]) for n in range(len(pieces) - 1)]
        for number in NUMBER.finditer("".join(pieces)):
            inside = [cut for cut in cuts if number.start() < cut < number.end()]
            assert not inside, f"{number.group()!r} broken at {columns} columns: {pieces}"
        checked += len(cuts)
    assert checked >= 5, "quotes wrapped: the check saw line breaks"


def test_the_line_breaks_keep_every_number_of_the_base_whole() -> None:
    """linebreak.breaks, which render.py wraps block lines and table cells with, on every name
    and quote of the bundled base at every width from 6 to 80 cells: the lines put together
    are the text, none is wider than the width, and no break falls inside a number with its
    unit (one no wider than the width: a wider one can only be folded)."""
    from tongzhou_facts import linebreak

    texts = {t for field in ("name", "quote", "name_en") for t in column(["list"], field) if t}
    assert sum(bool(NUMBER.search(t)) for t in texts) > 30
    for text in texts:
        numbers = [(m.start(), m.end()) for m in NUMBER.finditer(text)]
        for width in range(6, 81):
            cuts = linebreak.breaks(text, width, cell_len)
            pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
            assert "".join(pieces) == text
            assert all(cell_len(piece.rstrip()) <= width for piece in pieces), (width, pieces)
            for start, end in numbers:
                if cell_len(text[start:end]) <= width:
                    assert not [c for c in cuts if start < c < end], (text[start:end], width, pieces)


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("预计实现地区生产总值1730亿元,同比增长6.5%以上", 40, ["预计实现地区生产总值1730亿元,同比增长", "6.5%以上"]),
        ("预计实现地区生产总值1730亿元,同比增长6.5%以上", 20, ["预计实现地区生产总值", "1730亿元,同比增长", "6.5%以上"]),
        ("连申12GW异质结电池项目于2023-12-13开工", 12, ["连申12GW异质", "结电池项目于", "2023-12-13开", "工"]),
        ("面积达3.6平方公里", 14, ["面积达", "3.6平方公里"]),
        ("3.6平方公里", 8, ["3.6平方", "公里"]),  # wider than the line: folded, the only way
        ("expected CNY 173.0 billion", 16, ["expected CNY ", "173.0 billion"]),
        ("about 12 GW", 8, ["about ", "12 GW"]),
        ("（约70亿元）", 8, ["（约", "70亿元）"]),  # a bracket stays with its words
        ("shanghai-hometown-talents", 10, ["shanghai-h", "ometown-ta", "lents"]),  # a word wider: folded
    ],
)
def test_where_lines_break(text: str, width: int, lines: list[str]) -> None:
    from tongzhou_facts.linebreak import breaks

    cuts = breaks(text, width, cell_len)
    assert [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)] == lines
