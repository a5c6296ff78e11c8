"""`facts chart`: one titled panel per measure and unit, never two measures on one axis.

The drawing is read back from what a reader sees: panels are separated by a blank line and
start with their title; each bar row ends with the figure as the base writes it. Which
measure and unit a row has is looked up from the base by its name (names are unique among
the bundled metrics). Terminal widths are tried in-process (COLUMNS) and on a real pty at
40, 80 and 160 columns; the piped form is tab-separated rows, panel by panel.
"""

from __future__ import annotations

import fcntl
import os
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path
from typing import NamedTuple

import pytest
from rich.cells import cell_len

from tongzhou_facts import units
from tongzhou_facts.chart import clip, measure_named, title

from .conftest import call, facts_command, run, subprocess_env, toml_string

pytestmark = pytest.mark.usefixtures("module_cache")

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
#: The panels of the bundled base, in the order drawn.
TITLES_ZH = [
    "增速 (%)",
    "占比 (%)",
    "降幅 (%)",
    "总量 (亿元)",
    "投资额 (亿元)",
    "面积 (万亩、亩)",
    "面积 (万平方米)",
    "数量 (个)",
    "数量 (家)",
    "数量 (万人、名)",
    "数量 (套)",
    "数量 (张)",
    "数量 (所)",
    "数量 (条)",
    "数量 (项)",
]


class Metric(NamedTuple):
    id: str
    name: str
    name_en: str
    measure: str
    unit: str
    value: float
    figure: str
    figure_en: str


@pytest.fixture(scope="module")
def metrics() -> dict[str, Metric]:
    """The bundled metrics, by id (read through `facts metrics`, as a script would)."""
    code, zh, _ = call("metrics", "--fields", "id,name,name_en,measure,unit,value,figure")
    assert code == 0
    figures_en = {record_id: shown for record_id, shown in _lines(call("metrics", "--fields", "id,figure", "--lang", "en")[1])}
    found = {}
    for record_id, name, name_en, measure, unit, value, shown in _lines(zh):
        found[record_id] = Metric(record_id, name, name_en, measure, unit, float(value), shown, figures_en[record_id])
    assert len({m.name for m in found.values()}) == len(found), "the tests read rows back by name"
    return found


def _lines(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.splitlines()]


class Panel(NamedTuple):
    title: str
    rows: list[str]


def panels(out: str) -> list[Panel]:
    """The drawing as panels: blank lines separate them, each starts with its title."""
    found = []
    for block in out.strip("\n").split("\n\n"):
        head, *rows = block.split("\n")
        assert not head.startswith(" "), f"a panel starts with its title: {block!r}"
        assert rows and all(row.startswith("  ") for row in rows), block
        found.append(Panel(head, rows))
    return found


def row_metric(row: str, metrics: dict[str, Metric], lang: str = "zh") -> Metric:
    """The metric of a bar row: its figure ends the row, its name (whole, or cut with …) starts it."""
    text = row.strip()
    candidates = []
    for metric in metrics.values():
        name, shown = (metric.name_en, metric.figure_en) if lang == "en" else (metric.name, metric.figure)
        if not text.endswith(" " + shown):
            continue
        if text.startswith(name) or ("…" in text and name.startswith(text.split("…")[0]) and text.split("…")[0]):
            candidates.append(metric)
    assert len(candidates) >= 1, f"no metric draws as {row!r}"
    return candidates[0]


def chart(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str, width: int = 100
) -> tuple[int, str, str]:
    monkeypatch.setenv("COLUMNS", str(width))
    return run(capsys, "chart", "--format", "table", *args)


# ---------------------------------------------------------------------------- panels


def test_every_metric_is_drawn_once_in_a_panel_of_its_own_measure_and_unit(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, metrics: dict[str, Metric]
) -> None:
    code, out, err = chart(capsys, monkeypatch)
    assert (code, err) == (0, "")
    drawn = panels(out)
    assert [p.title for p in drawn] == TITLES_ZH
    seen: list[str] = []
    for panel in drawn:
        inside = [row_metric(row, metrics) for row in panel.rows]
        assert len({m.measure for m in inside}) == 1, f"two measures in {panel.title}: {inside}"
        assert len({units.family_of(m.unit) for m in inside}) == 1, f"two unit families in {panel.title}: {inside}"
        assert panel.title == title_of(inside[0].measure, list(dict.fromkeys(m.unit for m in inside)))
        in_base_unit = [units.to_base(m.value, m.unit) for m in inside]
        assert in_base_unit == sorted(in_base_unit, reverse=True), f"{panel.title} is not largest first"
        seen += [m.id for m in inside]
    assert sorted(seen) == sorted(metrics), "each metric once"


def title_of(measure: str, shown_units: list[str]) -> str:
    names = {
        "growth": "增速",
        "share": "占比",
        "decline": "降幅",
        "level": "总量",
        "investment": "投资额",
        "area": "面积",
        "count": "数量",
    }
    return f"{names[measure]} ({'、'.join(shown_units)})"


def test_a_growth_rate_never_shares_an_axis_with_a_share(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bug of issue 11: 82% 民生支出占比 beside 6.5% GDP growth on one axis."""
    drawn = {p.title: p.rows for p in panels(chart(capsys, monkeypatch, "--unit", "%")[1])}
    assert list(drawn) == ["增速 (%)", "占比 (%)", "降幅 (%)"]
    assert any("民生支出占比" in row for row in drawn["占比 (%)"])
    assert not any("民生支出占比" in row for row in drawn["增速 (%)"])
    assert any(row.endswith("预计6.5%以上") for row in drawn["增速 (%)"])
    # each panel on its own scale: the largest of each has the longest bar a panel can draw
    longest = {t: max(row.count("█") for row in rows) for t, rows in drawn.items()}
    assert len(set(longest.values())) == 1, longest


@pytest.mark.parametrize("named", ["growth", "GROWTH", "增速", "growth rate", "Growth Rate"])
def test_measure_keeps_one_titled_panel(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, metrics: dict[str, Metric], named: str
) -> None:
    code, out, err = chart(capsys, monkeypatch, "--measure", named)
    assert (code, err) == (0, "")
    (panel,) = panels(out)
    assert panel.title == "增速 (%)"
    assert {row_metric(r, metrics).id for r in panel.rows} == {m.id for m in metrics.values() if m.measure == "growth"}


def test_unit_narrows_to_its_family_and_keeps_a_panel_per_measure(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, metrics: dict[str, Metric]
) -> None:
    drawn = panels(chart(capsys, monkeypatch, "--unit", "元")[1])  # 元 takes 亿元: same family
    assert [p.title for p in drawn] == ["总量 (亿元)", "投资额 (亿元)"]
    drawn = panels(chart(capsys, monkeypatch, "--unit", "亩")[1])
    assert [p.title for p in drawn] == ["面积 (万亩、亩)"]
    assert [row_metric(r, metrics).figure for r in drawn[0].rows] == ["3.6万亩", "2100亩", "124亩"]  # 3.6万亩 = 36000亩
    (panel,) = panels(chart(capsys, monkeypatch, "--unit", "亿元", "--measure", "level")[1])
    assert panel.title == "总量 (亿元)" and len(panel.rows) == 3


def test_nothing_to_chart_is_exit_1(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert chart(capsys, monkeypatch, "--measure", "nosuch") == (1, "", "")
    assert chart(capsys, monkeypatch, "--unit", "GW") == (1, "", "")


def test_english_titles_and_figures(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, metrics: dict[str, Metric]
) -> None:
    code, out, err = chart(capsys, monkeypatch, "--lang", "en", width=200)
    assert (code, err) == (0, "")
    drawn = panels(out)
    assert [p.title for p in drawn] == [
        "Growth rate (%)",
        "Share (%)",
        "Decline (%)",
        "Level (CNY billion)",
        "Investment (CNY billion)",
        "Area (mu)",
        "Area (m²)",
        "Count (个)",  # a measure word has no English: the figures are bare numbers
        "Count (家)",
        "Count (people)",  # 万人 and 名
        "Count (套)",
        "Count (张)",
        "Count (所)",
        "Count (条)",
        "Count (项)",
    ]
    growth = next(p for p in drawn if p.title == "Growth rate (%)")
    assert row_metric(growth.rows[-1], metrics, "en").id == "gdp-growth-2023"
    assert growth.rows[-1].endswith("expected 6.5% or more")


def test_title_of_a_measure_the_schema_does_not_list_and_of_none() -> None:
    from tongzhou_facts.chart import Panel as ChartPanel

    assert title(ChartPanel("speed", ("km",), [1], [1.0])) == "speed (km)"
    assert title(ChartPanel(None, ("%",), [1], [1.0]), "en") == "No measure (%)"
    assert title(ChartPanel("count", ("万人", "名"), [1, 2], [1.0, 1.0]), "en") == "Count (people)"
    assert measure_named("Share") == "share" and measure_named("占比") == "share" and measure_named("speed") == "speed"


def test_a_base_with_mixed_measures_and_negative_values(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Negative growth beside a share: two panels, the zero axis only where there is a negative value."""
    base = tmp_path / "mixed.toml"
    rows = [
        ("g1", "产值增速", 8.5, "growth"),
        ("g2", "出口增速", -4.2, "growth"),
        ("s1", "民生占比", 80, "share"),
        ("x1", "无度量", 3, None),
    ]
    text = '[[sources]]\nid = "s"\ntitle = "T"\n'
    for record_id, name, value, measure in rows:
        text += f'\n[[metrics]]\nid = "{record_id}"\nname = {toml_string(name)}\nyear = 2023\nvalue = {value}\nunit = "%"\n'
        text += 'source = "s"\nquote = "一句话"\n'
        text += f'measure = "{measure}"\n' if measure else ""
    base.write_text(text, encoding="utf-8")
    code, out, err = chart(capsys, monkeypatch, "-f", str(base), width=60)
    assert (code, err) == (0, "")
    drawn = panels(out)
    assert [p.title for p in drawn] == ["增速 (%)", "占比 (%)", "未注明 (%)"]
    growth, share, none = drawn
    assert all("│" in row for row in growth.rows) and not any("│" in row for row in share.rows + none.rows)
    assert growth.rows[0].endswith("8.5%") and growth.rows[1].endswith("-4.2%")
    assert "80%" in share.rows[0] and "3%" in none.rows[0]
    piped = run(capsys, "chart", "-f", str(base))[1]
    assert (
        piped == "growth\t产值增速\t8.5\t%\tg1\ngrowth\t出口增速\t-4.2\t%\tg2\nshare\t民生占比\t80\t%\ts1\n\t无度量\t3\t%\tx1\n"
    )


# ---------------------------------------------------------------------------- widths


@pytest.mark.parametrize("width", [20, 30, 40, 60, 80, 100, 160])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_width_fits_with_whole_figures(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, metrics: dict[str, Metric], width: int, lang: str
) -> None:
    code, out, err = chart(capsys, monkeypatch, "--lang", lang, width=width)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    widest_figure = max(cell_len(m.figure_en if lang == "en" else m.figure) for m in metrics.values())
    text = "\n".join(lines)
    if widest_figure + 4 > width:  # a figure wider than the room wraps, at its spaces only
        assert all(word in text.split() for m in metrics.values() for word in m.figure_en.split())
        return
    assert max(cell_len(line) for line in lines) <= width
    for metric in metrics.values():
        assert (metric.figure_en if lang == "en" else metric.figure) in text


def test_names_are_cut_with_an_ellipsis_at_40_columns_and_whole_at_160(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, metrics: dict[str, Metric]
) -> None:
    narrow = chart(capsys, monkeypatch, width=40)[1]
    assert "“一主一新一智”三大主导产业产值占比" not in narrow and "…" in narrow
    for panel in panels(narrow):
        for row in panel.rows:
            row_metric(row, metrics)  # each row still names its metric (a prefix, then …)
    wide = chart(capsys, monkeypatch, width=160)[1]
    assert "…" not in wide
    assert all(m.name in wide for m in metrics.values())


def test_clip_counts_cells_not_characters() -> None:
    assert clip("民生支出占比", 12) == "民生支出占比"
    assert clip("民生支出占比", 14) == "民生支出占比  "
    assert clip("民生支出占比", 11) == "民生支出占…"  # 8 cells + … + the cell a 占 would split, as space
    assert cell_len(clip("民生支出占比", 11)) == 11
    assert clip("民生支出占比", 10) == "民生支出… "  # 占 would leave no room for …: a space instead
    assert clip("GDP growth rate", 8) == "GDP gro…"
    assert clip("abc", 1, "...") == "."
    for width in range(0, 16):
        assert cell_len(clip("地区生产总值增速ab", width)) == width


# ---------------------------------------------------------------------------- a real terminal


def on_tty(*args: str, columns: int) -> tuple[int, str, str]:
    """`facts ARGS` with stdout on a pseudo-terminal `columns` wide and tall enough for any
    chart (no pager); (status, screen without colour, stderr)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 500, columns, 0, 0))
    env = {k: v for k, v in subprocess_env().items() if k not in ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR")}
    env.update(TERM="xterm-256color", PAGER="cat")
    try:
        process = subprocess.Popen(
            [*facts_command(), *args], stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE, env=env
        )
    finally:
        os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert process.stderr is not None
    err = process.stderr.read().decode("utf-8", "replace")
    process.stderr.close()
    code = process.wait(30)
    return code, ANSI.sub("", b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")), err


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
@pytest.mark.parametrize("columns", [40, 80, 160])
def test_on_a_terminal_no_name_breaks_one_character_a_line(columns: int, metrics: dict[str, Metric]) -> None:
    code, screen, err = on_tty("chart", columns=columns)
    assert (code, err) == (0, "")
    lines = screen.rstrip("\n").split("\n")
    assert max(cell_len(line) for line in lines) <= columns
    drawn = panels("\n".join(lines))
    assert [p.title for p in drawn] == TITLES_ZH
    for panel in drawn:
        for row in panel.rows:
            assert len(row.strip()) > 2, f"a broken name at {columns} columns: {row!r}"
            assert re.search(r"[█▌]", row), f"a row without its bar: {row!r}"
            row_metric(row, metrics)
    assert sum(len(p.rows) for p in drawn) == len(metrics)  # one line a bar: nothing folded onto a second line


# ---------------------------------------------------------------------------- piped


def test_piped_rows_carry_their_measure_panel_by_panel(capsys: pytest.CaptureFixture[str], metrics: dict[str, Metric]) -> None:
    code, out, err = run(capsys, "chart")
    assert (code, err) == (0, "")
    rows = _lines(out)
    assert all(len(row) == 5 for row in rows)
    assert sorted(row[4] for row in rows) == sorted(metrics)
    panel_keys = [(measure, units.family_of(unit)) for measure, _, _, unit, _ in rows]
    runs = [key for n, key in enumerate(panel_keys) if n == 0 or panel_keys[n - 1] != key]
    assert len(runs) == len(set(runs)) == len(TITLES_ZH), "each panel's rows together, each panel once"
    for measure, name, value, unit, record_id in rows:
        metric = metrics[record_id]
        assert (measure, name, unit) == (metric.measure, metric.name, metric.unit)
        assert value == run(capsys, "get", record_id, "value")[1].strip()  # as the base writes it
    assert [row[0] for row in rows[:5]] == ["growth"] * 5


def test_piped_measure_and_unit_narrow_the_rows(capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, "chart", "--measure", "share")[1]
    assert out == (
        "share\t民生支出占比\t82\t%\tlivelihood-spending-share-2023\n"
        "share\t高新技术产业产值占比\t55.1\t%\thigh-tech-output-share-2023\n"
        "share\t“一主一新一智”三大主导产业产值占比\t42.1\t%\tleading-industries-share-2023\n"
    )
    out = run(capsys, "chart", "--unit", "%", "--fields", "measure")[1]
    assert out.split() == ["growth"] * 5 + ["share"] * 3 + ["decline"] * 2
    header = run(capsys, "chart", "--unit", "亿元", "--format", "tsv")[1].splitlines()[0]
    assert header == "measure\tname\tvalue\tunit\tid"


def test_piped_chart_does_not_import_rich() -> None:
    """The panels are plain data: only drawing them imports Rich (a positive control draws)."""
    program = (
        "import sys; from tongzhou_facts.cli import main; code = main(sys.argv[1:]); "
        "print(code, 'rich' in sys.modules, file=sys.stderr)"
    )
    for args, imports_rich in ((["chart"], False), (["chart", "--format", "table"], True)):
        done = subprocess.run(
            [sys.executable, "-c", program, *args], capture_output=True, text=True, env=subprocess_env(), timeout=60, check=False
        )
        assert done.stderr.split() == ["0", str(imports_rich)], done.stderr


def test_plan_keeps_the_largest_of_each_panel() -> None:
    """`plan(limit=N)`: the N largest bars of each panel (for a shared -n/--limit)."""
    from tongzhou_facts import open_index, query
    from tongzhou_facts.chart import plan

    index = open_index()
    every = plan(query.select(index, kind="metric"))
    cut = plan(query.select(index, kind="metric"), limit=2)
    assert [p.measure for p in cut] == [p.measure for p in every] and len(every) == len(TITLES_ZH)
    for whole, part in zip(every, cut, strict=True):
        assert part.numbers == whole.numbers[:2] and part.values == whole.values[:2]
    assert sum(len(p.numbers) for p in plan(query.select(index, kind="metric"), limit=None)) == 43
    (growth,) = plan(query.select(index, kind="metric"), unit="%", measure="growth", limit=1)
    assert growth.units == ("%",) and growth.values == [36.0]
