"""Tables for reading, under a real pseudo-terminal of 40, 80, 90 and 160 columns.

Ids are for copying: each appears whole on one line at every width. Names get the width: at 80
columns every name of up to 14 Chinese characters is on one line. The kind column does not vanish.
At 40 columns each record is a short block: its name, its id, then its other fields. A Chinese
character takes two cells, and no line is wider than the terminal (except an id longer than it,
which the terminal wraps as it wraps any long line, never broken by facts).
"""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from rich.cells import cell_len

from tongzhou_facts import render
from tongzhou_facts.env import Environment

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
        if line.strip() in ids:  # an id line: whole, even when longer than a 40-column screen
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
        at = lines.index("  " + record_id)
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
