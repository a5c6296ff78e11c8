"""Figures and statuses in English (`--lang en`, issue 9 item 6): 预计1730亿元 is "expected CNY
173.0 billion", 封顶 is "topped out", and `--status "topped out"` finds it.

Every unit, qualifier and status of the bundled base has an English form; the English number
is the base's own digits moved by a power of ten (checked with Decimal, an oracle apart from
the module's string shifting); Chinese output does not change (tests/test_golden.py holds it
byte for byte); JSON keeps the stored fields as data.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tongzhou_facts as tf
from tongzhou_facts import query
from tongzhou_facts.english import (
    STATUSES,
    english_amount,
    english_qualified,
    status_from_english,
    status_text,
)
from tongzhou_facts.figures import figure
from tongzhou_facts.model import PREFIX_QUALIFIERS, SUFFIX_QUALIFIERS, Record

from .conftest import ROOT, error_line, run, subprocess_env

pytestmark = pytest.mark.usefixtures("module_cache")

CJK = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
#: The statuses docs/schema.md lists.
SCHEMA_STATUSES = (
    "签约",
    "引进",
    "开工",
    "在建",
    "封顶",
    "竣工",
    "竣工投产",
    "竣工通车",
    "投产",
    "投用",
    "交付使用",
    "全线贯通",
    "全面建成",
)


@pytest.fixture(scope="module")
def base() -> tf.Base:
    return tf.load()


def metric(value: float | int, unit: str, *qualifiers: str) -> Record:
    data = {"value": value, "unit": unit, "source": "s", "quote": "q", "qualifier": list(qualifiers)}
    return Record("metric", "m", "名", 2023, data)


def units_of(base: tf.Base) -> set[str]:
    return {str(r.get(key)) for r in base.records for key in ("unit", "investment_unit", "capacity_unit") if r.get(key)}


def qualifiers_of(base: tf.Base) -> set[str]:
    found = {q for r in base.records for q in r.qualifiers}
    return found | {str(r.get("investment_qualifier")) for r in base.records if r.get("investment_qualifier")}


# ---------------------------------------------------------------------------- coverage of the base


def test_every_figure_of_the_base_is_english(base: tf.Base) -> None:
    shown = 0
    for record in base.records:
        english = figure(record, "en")
        assert not CJK.search(english), f"{record.id}: {english!r}"
        assert bool(english) == bool(figure(record)), record.id
        shown += bool(english)
    assert shown >= 40


def test_every_unit_of_the_base_has_english(base: tf.Base) -> None:
    units = units_of(base)
    assert {"亿元", "%", "万人", "万亩", "亩", "万平方米", "GW", "个", "名"} <= units
    for unit in units:
        assert not CJK.search(english_amount(1, unit)), unit


def test_every_qualifier_has_english(base: tf.Base) -> None:
    qualifiers = qualifiers_of(base) | PREFIX_QUALIFIERS | SUFFIX_QUALIFIERS
    assert {"预计", "约", "近", "以上", "突破", "百余"} <= qualifiers
    for qualifier in qualifiers:
        english = english_qualified("5", [qualifier])
        assert not CJK.search(english) and english != "5", qualifier


def test_every_status_has_english_and_reads_back(base: tf.Base) -> None:
    statuses = {str(r.get("status")) for r in base.records if r.get("status")} | set(SCHEMA_STATUSES)
    assert len(statuses) >= 13
    for status in statuses:
        english = status_text(status, "en")
        assert not CJK.search(english) and english, status
        assert status_from_english(english) == status, status
    assert len(set(STATUSES.values())) == len(STATUSES), "two statuses share an English: --status could not tell them apart"


# ---------------------------------------------------------------------------- exact strings


@pytest.mark.parametrize(
    ("record", "english"),
    [
        (metric(1730, "亿元", "预计"), "expected CNY 173.0 billion"),
        (metric(6.5, "%", "预计", "以上"), "expected 6.5% or more"),
        (metric(1.38, "万人"), "13,800 people"),
        (metric(3.6, "万亩"), "36,000 mu"),
        (metric(0.35, "亿元"), "CNY 0.035 billion"),
        (metric(12.5, "亿元"), "CNY 1.25 billion"),
        (metric(18.18, "万平方米"), "181,800 m²"),
        (metric(10, "万平方米"), "100,000 m²"),
        (metric(500, "万元"), "CNY 5 million"),
        (metric(123456789, "元"), "CNY 123,456,789"),
        (metric(2600, "亿元", "突破"), "over CNY 260.0 billion"),
        (metric(150, "亿元", "近"), "nearly CNY 15.0 billion"),
        (metric(2000, "个", "近"), "nearly 2,000"),
        (metric(1000, "张"), "1,000"),
        (metric(100, "名", "百余"), "100 people (over a hundred)"),
        (metric(2100, "亩"), "2,100 mu"),
        (metric(5, "平方公里"), "5 km²"),
        (metric(12, "GW"), "12 GW"),
        (metric(-3.5, "%"), "-3.5%"),
        (metric(1e300, "亿元"), "CNY 1e+299 billion"),
        (metric(5, "立方米"), "5 立方米"),  # a unit without English is kept, never dropped
        (metric(5, "个", "大约估计"), "5 (大约估计)"),  # so is a qualifier
    ],
    ids=lambda x: x if isinstance(x, str) else f"{x.value}{x.unit}{''.join(x.qualifiers)}",
)
def test_english_figure(record: Record, english: str) -> None:
    assert figure(record, "en") == english


def test_project_figure_in_english(base: tf.Base) -> None:
    project = base.get("lianshen-12gw-hjt-cell-project")
    assert project is not None
    assert figure(project) == "约70亿元 · 12GW"
    assert figure(project, "en") == "about CNY 7.0 billion · 12 GW"


def test_helpers_for_an_answer_sentence() -> None:
    assert english_amount(1730, "亿元") == "CNY 173.0 billion"
    assert english_qualified(english_amount(6.5, "%"), ["预计", "以上"]) == "expected 6.5% or more"
    assert status_text("封顶", "en") == "topped out"
    assert status_text("封顶", "zh") == "封顶"
    assert status_text("规划中", "en") == "规划中"  # unknown: as it is


def test_chinese_figures_are_unchanged(base: tf.Base) -> None:
    gdp, growth = base.get("gdp-2023"), base.get("gdp-growth-2023")
    assert gdp is not None and growth is not None
    assert figure(gdp) == figure(gdp, "zh") == "预计1730亿元"
    assert figure(growth, "zh") == "预计6.5%以上"
    assert figure(metric(100, "名", "百余")) == "100名(百余)"


# ---------------------------------------------------------------------------- exact: the number reads back

#: unit -> (text before the number, text after it, what the English number is multiplied by
#: to give the value in the base): an oracle written apart from english.UNITS.
READ_BACK = {
    "亿元": ("CNY ", " billion", Decimal(10)),
    "万元": ("CNY ", " million", Decimal(100)),
    "元": ("CNY ", "", Decimal(1)),
    "万人": ("", " people", Decimal("0.0001")),
    "名": ("", " people", Decimal(1)),
    "万亩": ("", " mu", Decimal("0.0001")),
    "万平方米": ("", " m²", Decimal("0.0001")),
    "%": ("", "%", Decimal(1)),
    "个": ("", "", Decimal(1)),
    "GW": ("", " GW", Decimal(1)),
}
NUMBER = re.compile(r"-?(\d{1,3}(,\d{3})*(\.\d+)?|\d+(\.\d+)?e[-+]\d+)\Z")

values = st.one_of(
    st.integers(min_value=-(10**18), max_value=10**18),
    st.floats(allow_nan=False, allow_infinity=False),
    st.decimals(min_value=-10000, max_value=10000, places=4).map(float),
)


@settings(max_examples=400, deadline=None)
@given(value=values, unit=st.sampled_from(sorted(READ_BACK)))
def test_english_number_times_its_factor_is_the_value(value: float | int, unit: str) -> None:
    before, after, factor = READ_BACK[unit]
    text = english_amount(value, unit)
    assert text.startswith(before) and text.endswith(after), text
    shown = text[len(before) : len(text) - len(after)]
    assert NUMBER.match(shown), f"{value!r} {unit}: {shown!r}"
    exact = Decimal(shown.replace(",", "")) * factor
    assert exact == Decimal(repr(value) if isinstance(value, float) else value), f"{value!r} {unit}: {text!r}"
    if unit == "亿元" and "e" not in shown:
        assert "." in shown, "billions keep one decimal at least"


# ---------------------------------------------------------------------------- --status in English


def ids(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    code, out, err = run(capsys, *args, "--fields", "id")
    assert err == "" and code in (0, 1), err
    return out.split()


@pytest.mark.parametrize("typed", ["topped out", "Topped Out", "topped-out", "TOPPED_OUT", "toppedout"])
def test_status_in_english_finds_the_chinese_status(capsys: pytest.CaptureFixture[str], typed: str) -> None:
    assert ids(capsys, "projects", "--status", typed) == ["jinshawan-medical-complex"]


@pytest.mark.parametrize(
    ("english", "chinese"), [("completed", "竣工"), ("in production", "投产"), ("under construction", "在建"), ("in use", "投用")]
)
def test_english_status_finds_what_chinese_finds(capsys: pytest.CaptureFixture[str], english: str, chinese: str) -> None:
    found = ids(capsys, "projects", "--status", chinese)
    assert found
    assert ids(capsys, "projects", "--status", english) == found


def test_unknown_english_status_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    line = error_line(*run(capsys, "projects", "--status", "half built"))
    assert "half built" in line and "topped out" in line and "construction started" in line


def test_unknown_chinese_status_finds_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "projects", "--status", "烂尾") == (1, "", "")


def test_with_status_in_the_library(base: tf.Base) -> None:
    rows = list(enumerate(base.records))
    assert [r.id for r in query.records(query.with_status(rows, "Topped out"))] == ["jinshawan-medical-complex"]
    completed = [r.id for r in query.records(query.with_status(rows, "completed"))]
    assert completed == [r.id for r in query.records(query.with_status(rows, "竣工"))]
    with pytest.raises(tf.UsageError, match="topped out"):
        list(query.with_status(rows, "nonsense"))


# ---------------------------------------------------------------------------- the CLI in English


def test_metrics_lang_en_piped_shows_english_figures(capsys: pytest.CaptureFixture[str], base: tf.Base) -> None:
    code, out, err = run(capsys, "metrics", "--lang", "en")
    assert code == 0 and err == ""
    figures = {line.split("\t")[0]: line.split("\t")[2] for line in out.splitlines()}
    assert figures["gdp-2023"] == "expected CNY 173.0 billion"
    assert figures["gdp-growth-2023"] == "expected 6.5% or more"
    assert figures["new-urban-employment-2023"] == "13,800 people"
    assert len(figures) == sum(r.kind == "metric" for r in base.records)
    assert not any(CJK.search(shown) for shown in figures.values())


def test_projects_lang_en_table_shows_english_status_and_figure(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "projects", "--lang", "en", "--format", "table", "--fields", "id,status,figure")
    assert code == 0
    # a long figure wraps at a space, never between a number and its unit (linebreak.py)
    assert "topped out" in out and "1.849 billion" in out and "封顶" not in out
    assert "completed and" in out and "open to traffic" in out


@pytest.mark.parametrize("width", [80, 100])
def test_english_table_keeps_every_column_whole(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    """English statuses and figures are long: they wrap at their spaces instead of pushing the
    dates and places out of an 80-column terminal."""
    from rich.cells import cell_len

    monkeypatch.setenv("COLUMNS", str(width))
    code, out, _ = run(capsys, "projects", "--lang", "en", "--format", "table")
    assert code == 0
    assert all(cell_len(line) <= width for line in out.splitlines())
    assert "2023-12-13" in out and "2023-12-28" in out and "金沙湾片区" in out
    assert "construction" in out and "topped out" in out


def test_csv_and_json_figure_follow_the_language(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "projects", "--lang", "en", "--format", "csv", "--fields", "id,status,figure")
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(out, newline=""))}
    assert rows["jinshawan-medical-complex"]["status"] == "topped out"
    assert rows["jinshawan-medical-complex"]["figure"] == "about CNY 1.849 billion"
    _, out, _ = run(capsys, "projects", "--lang", "en", "--format", "json", "--fields", "id,status,figure")
    objects = {obj["id"]: obj for obj in json.loads(out)}
    assert objects["jinshawan-medical-complex"]["figure"] == "about CNY 1.849 billion"  # made for reading: English
    assert objects["jinshawan-medical-complex"]["status"] == "封顶"  # stored data: as the base holds it


def test_json_lang_en_keeps_stored_fields_raw(capsys: pytest.CaptureFixture[str]) -> None:
    zh = json.loads(run(capsys, "list", "--format", "json")[1])
    en = json.loads(run(capsys, "list", "--format", "json", "--lang", "en")[1])
    for before, after in zip(zh, en, strict=True):
        for key in ("value", "unit", "qualifier", "status", "investment", "investment_unit", "capacity_unit"):
            assert before.get(key) == after.get(key), (before["id"], key)
    gdp = next(obj for obj in en if obj["id"] == "gdp-2023")
    assert (gdp["value"], gdp["unit"], gdp["qualifier"]) == (1730, "亿元", ["预计"])


def test_show_card_and_chart_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    _, card, _ = run(capsys, "show", "jinshawan-medical-complex", "--format", "table", "--lang", "en")
    assert "about CNY 1.849 billion" in card and "topped out" in card
    _, chart, _ = run(capsys, "chart", "--unit", "亿元", "--format", "table", "--lang", "en")
    assert "expected CNY 173.0 billion" in chart and "预计" not in chart


def test_chinese_output_keeps_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "projects", "--fields", "id,status,figure")
    assert "jinshawan-medical-complex\t封顶\t约18.49亿元" in out.splitlines()


def test_a_chinese_figure_does_not_load_the_english_tables() -> None:
    script = (
        "import sys\n"
        "import tongzhou_facts as tf\n"
        "from tongzhou_facts.figures import figure\n"
        "[figure(r) for r in tf.load().records]\n"
        "assert 'tongzhou_facts.english' not in sys.modules\n"
        "[figure(r, 'en') for r in tf.load().records]\n"
        "assert 'tongzhou_facts.english' in sys.modules and 'decimal' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=Path(ROOT), env=subprocess_env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
