"""The `facts` command line, run in-process: `main(argv)` with capsys (and Typer's CliRunner for help).

Each test states one promise of the CLI contract (issue "The whole CLI"): the commands,
the output formats and `--fields`, exit statuses 0/1/2, one-line errors, `--file` and
FACTS_FILE, units in `--min/--max`, dates in `--since/--until`, `show`, `get`, `stats`,
`check`, `export` and `cache`. Expected values come from the base itself (loaded with
the library) or from small bases written here, not from the CLI's own output.
Real terminals, pipes and encodings are in test_terminal.py; byte-exact snapshots in
test_golden.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sqlite3
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

import tongzhou_facts as tf
from tongzhou_facts.cli import build_app, main

from .conftest import BASE

ANSI = re.compile(r"\x1b\[")
BOX_DRAWING = re.compile("[\u2500-\u257f]")
ISO_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?\Z")

#: Every key a record may carry, in the order the contract promises (model.FIELD_ORDER, written out).
KEY_ORDER = [
    "id",
    "kind",
    "name",
    "name_en",
    "year",
    "date",
    "value",
    "unit",
    "qualifier",
    "measure",
    "status",
    "investment",
    "investment_unit",
    "investment_qualifier",
    "capacity",
    "capacity_unit",
    "phases",
    "phases_note",
    "category",
    "place",
    "project",
    "aliases",
    "tags",
    "companies",
    "people",
    "related",
    "source",
    "quote",
    "evidence",
    "note",
]
REQUIRED_KEYS = ("id", "kind", "name", "year", "source", "quote")

#: An independent oracle for unit conversion (not the tool's units module).
FACTORS = {"元": 1, "万元": 1e4, "亿元": 1e8, "亩": 1, "万亩": 1e4}

#: Listing commands: the ones that take both --format and --fields.
LISTING = {
    "search": ["search", "异质结"],
    "list": ["list"],
    "metrics": ["metrics"],
    "projects": ["projects"],
    "milestones": ["milestones"],
    "timeline": ["timeline"],
    "chart": ["chart"],
}
FORMATS = ("table", "plain", "tsv", "csv", "json", "jsonl")

pytestmark = pytest.mark.usefixtures("module_cache")


# ---------------------------------------------------------------------------- helpers


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()

    def json(self) -> object:
        return json.loads(self.out)


@pytest.fixture
def facts(capsys: pytest.CaptureFixture[str]):
    """Run `facts ARGS…` in-process; main() must return the status, never raise."""

    def run(*args: str | Path) -> Run:
        argv = [str(a) for a in args]
        capsys.readouterr()
        try:
            code = main(argv)
        except SystemExit as exc:  # pragma: no cover - only when the tool is wrong
            pytest.fail(f"main({argv}) raised SystemExit({exc.code!r}) instead of returning the exit status")
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def assert_one_error_line(result: Run, code: int = 2) -> str:
    assert result.code == code, result
    assert "Traceback" not in result.err
    assert result.err.endswith("\n") and result.err.count("\n") == 1, f"want one stderr line, got {result.err!r}"
    assert result.err.startswith("facts: error: "), result.err
    return result.err


@pytest.fixture(scope="module")
def base() -> tf.Base:
    return tf.load(BASE)


def start_of(when: str) -> dt.date:
    parts = [int(p) for p in when.split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


SOURCE = '[[sources]]\nid = "{sid}"\ntitle = "Test source {sid}"\n\n'


def metric(rid: str, name: str, value: float, unit: str, sid: str = "s1", **extra: str) -> str:
    lines = [f'id = "{rid}"', f"name = {json.dumps(name, ensure_ascii=False)}", "year = 2023", f"value = {value}"]
    lines += [f'unit = "{unit}"', f'source = "{sid}"', f'quote = "{rid} quote"']
    lines += [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in extra.items()]
    return "[[metrics]]\n" + "\n".join(lines) + "\n\n"


@pytest.fixture
def bases(tmp_path: Path) -> dict[str, Path]:
    """Small bases: `a` (万元 metric with Rich markup in its names, a dated milestone), `b` (one 亿元 metric),
    `dup` (reuses an id of `a`), `bad` (not TOML), `tricky` (comma, quotes, newline, tab in text)."""
    files = {
        "a": SOURCE.format(sid="s1")
        + metric("alpha-2023", "[bold red]阿尔法[/bold red]", 50000, "万元", name_en="Alpha [link=https://x]y[/link]")
        + '[[milestones]]\nid = "beta-event"\nname = "贝塔事件"\nname_en = "Beta event"\nyear = 2022\ndate = 2022-05-06\n'
        'source = "s1"\nquote = "贝塔"\n\n',
        "b": SOURCE.format(sid="s2") + metric("gamma-2023", "伽马", 3, "亿元", sid="s2"),
        "dup": SOURCE.format(sid="s3") + metric("alpha-2023", "重复的阿尔法", 1, "亿元", sid="s3"),
        "bad": "this is = not [toml\n",
        "tricky": SOURCE.format(sid="s1")
        + metric("comma-2023", '逗号,"引号"与\n换行', 12.5, "%", name_en='Comma, "quote" and\nnewline')
        + metric("tab-2023", "制表\t符", 1, "%"),
    }
    paths = {}
    for name, text in files.items():
        path = tmp_path / f"{name}.toml"
        path.write_text(text, encoding="utf-8")
        paths[name] = path
    return paths


# ---------------------------------------------------------------------------- version, help, typos


def test_version_matches_the_package(facts) -> None:
    result = facts("--version")
    assert (result.code, result.out, result.err) == (0, f"facts {tf.__version__}\n", "")


def test_version_through_clirunner() -> None:
    result = CliRunner().invoke(build_app(), ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"facts {tf.__version__}"


@pytest.mark.parametrize(
    ("args", "code", "output"),
    [
        (["get", "gdp-2023", "value"], 0, "1730\n"),
        (["search", "异质结", "--limit", "1", "--fields", "id"], 0, "lianshen-12gw-hjt-cell-project\n"),
        (["metrics", "--year", "1999"], 1, ""),
    ],
)
def test_the_typer_app_runs_commands_under_clirunner(args: list[str], code: int, output: str) -> None:
    result = CliRunner().invoke(build_app(), args)
    assert (result.exit_code, result.output) == (code, output), result.exception


def test_app_help_lists_every_command() -> None:
    result = CliRunner().invoke(build_app(), ["--help"])
    assert result.exit_code == 0
    for name in ("search", "ask", "list", "metrics", "projects", "milestones", "timeline", "chart", "show", "get", "stats"):
        assert re.search(rf"^\s+{name}\s", result.output, re.M), name
    for name in ("cite", "check", "coverage", "export", "cache"):
        assert re.search(rf"^\s+{name}\s", result.output, re.M), name


HELP_COMMANDS = [
    *[[name] for name in ("search", "ask", "list", "metrics", "projects", "milestones", "timeline", "chart", "show", "get")],
    *[[name] for name in ("cite", "stats", "check", "coverage", "export")],
    ["cache", "info"],
    ["cache", "clear"],
]


@pytest.mark.parametrize("command", HELP_COMMANDS, ids=" ".join)
def test_every_command_help_works_and_leads_with_examples(facts, command: list[str]) -> None:
    result = facts(*command, "--help")
    assert result.code == 0, result
    assert "Traceback" not in result.out + result.err
    lines = result.out.splitlines()
    assert lines[0].startswith(f"Usage: facts {' '.join(command)}"), lines[0]
    # The description: everything between the usage line and the first section heading.
    description = []
    for line in lines[1:]:
        if re.match(r"(Arguments|Options|Commands):", line):
            break
        description.append(line)
    example = f"facts {' '.join(command)}"
    assert any(example in line for line in description), f"no example like '{example} …' before the options:\n{result.out}"


def test_top_level_help_leads_with_examples(facts) -> None:
    result = facts("--help")
    assert result.code == 0
    before_options = result.out.split("Options:")[0]
    assert "facts search 异质结" in before_options


@pytest.mark.parametrize(("typo", "meant"), [("serch", "search"), ("metrcs", "metrics"), ("mlestones", "milestones")])
def test_mistyped_command_suggests_the_right_one(facts, typo: str, meant: str) -> None:
    err = assert_one_error_line(facts(typo, "x"))
    assert f"'{meant}'" in err or f" {meant}" in err, err


# ---------------------------------------------------------------------------- exit statuses and errors


def test_results_exit_0(facts) -> None:
    result = facts("search", "异质结")
    assert result.code == 0 and result.out and result.err == ""


@pytest.mark.parametrize("args", [["search", "zzzqqq"], ["metrics", "--year", "1999"], ["list", "--year", "1999"]])
def test_nothing_matched_exits_1_with_empty_stdout(facts, args: list[str]) -> None:
    result = facts(*args)
    assert result.code == 1, result
    assert result.out == ""
    assert "Traceback" not in result.err and "error" not in result.err


def test_nothing_matched_as_json_is_still_json(facts) -> None:
    result = facts("metrics", "--year", "1999", "--format", "json")
    assert result.code == 1
    assert result.out == "" or result.json() == []


ERRORS = {
    "unknown command": ["serch", "x"],
    "missing query": ["search"],
    "empty query": ["search", ""],
    "unknown option": ["list", "--bogus"],
    "option without its value": ["list", "--format"],
    "min without its value": ["metrics", "--min"],
    "unknown format": ["list", "--format", "xml"],
    "unknown field": ["list", "--fields", "id,bogus"],
    "unknown kind": ["list", "--kind", "foo"],
    "unknown language": ["list", "--lang", "fr"],
    "year not a number": ["list", "--year", "abc"],
    "limit zero": ["search", "异质结", "--limit", "0"],
    "limit negative": ["search", "异质结", "--limit", "-1"],
    "sort by unknown field": ["list", "--sort", "bogus"],
    "not a quantity": ["metrics", "--min", "abc"],
    "unrelated unit": ["metrics", "--min", "5GW"],
    "unrelated investment unit": ["projects", "--min-investment", "5GW"],
    "bad month": ["milestones", "--since", "2023-13"],
    "bad day": ["milestones", "--until", "2023-02-30"],
    "unknown id": ["show", "gdp-2022"],
    "unknown field of get": ["get", "gdp-2023", "bogus"],
    "sqlite without output": ["export", "--format", "sqlite"],
    "unknown export format": ["export", "--format", "xml"],
}


@pytest.mark.parametrize("args", list(ERRORS.values()), ids=list(ERRORS))
def test_usage_errors_are_one_line_exit_2(facts, args: list[str]) -> None:
    result = facts(*args)
    assert_one_error_line(result)
    assert result.out == ""


def test_missing_option_value_names_the_option_not_a_python_name(facts) -> None:
    err = assert_one_error_line(facts("list", "--format"))
    assert "--format" in err
    assert "No such option" not in err, err  # --format exists; its value is what is missing
    assert "--fmt" not in err, err


def test_limit_caps_the_results(facts) -> None:
    result = facts("search", "异质结", "--limit", "2")
    assert result.code == 0 and len(result.lines) == 2
    assert len(facts("search", "异质结", "-n", "1").lines) == 1


# ---------------------------------------------------------------------------- default output: plain


def test_piped_default_is_plain_lines_without_header_colour_or_box(facts, base: tf.Base) -> None:
    result = facts("list")
    assert result.code == 0
    assert not ANSI.search(result.out) and not BOX_DRAWING.search(result.out)
    assert [line.split("\t")[0] for line in result.lines] == [r.id for r in base.records]  # no header row
    assert all(line.count("\t") == 4 for line in result.lines)  # id, kind, name, figure, when


def test_plain_never_truncates(facts, base: tf.Base) -> None:
    result = facts("list", "--fields", "id,name,quote")
    rows = {line.split("\t")[0]: line.split("\t")[1:] for line in result.lines}
    for record in base.records:
        assert rows[record.id] == [record.get("name"), record.get("quote")], record.id
    longest = max(base.records, key=lambda r: len(str(r.get("quote"))))
    assert str(longest.get("quote")) in result.out


def test_plain_escapes_tabs_and_newlines_in_data(facts, bases: dict[str, Path]) -> None:
    result = facts("list", "-f", bases["tricky"], "--fields", "id,name")
    assert result.lines == ['comma-2023\t逗号,"引号"与\\n换行', "tab-2023\t制表\\t符"]


# ---------------------------------------------------------------------------- every format, with --fields


def _ids_in(fmt: str, out: str) -> list[str]:
    if fmt == "plain":
        return [line.split("\t")[0] for line in out.splitlines()]
    if fmt == "tsv":
        return [line.split("\t")[0] for line in out.splitlines()[1:]]
    if fmt == "csv":
        return [row[0] for row in list(csv.reader(io.StringIO(out)))[1:]]
    if fmt == "json":
        return [obj["id"] for obj in json.loads(out)]
    if fmt == "jsonl":
        return [json.loads(line)["id"] for line in out.splitlines()]
    raise AssertionError(fmt)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("command", list(LISTING))
def test_every_listing_command_takes_every_format_with_fields(facts, command: str, fmt: str) -> None:
    result = facts(*LISTING[command], "--format", fmt, "--fields", "name,id")
    assert result.code == 0, result
    assert result.err == ""
    reference = facts(*LISTING[command], "--format", "jsonl", "--fields", "id")
    ids = [json.loads(line)["id"] for line in reference.lines]
    assert ids, "the command should list something on the bundled base"
    if fmt == "table":
        assert "名称" in result.out and "ID" in result.out
        for other in ("类型", "数据", "时间", "年份", "类别"):  # the default columns are gone
            assert other not in result.out, other
        assert not ANSI.search(result.out)  # not a terminal: no colour
        return
    if fmt == "plain":
        assert all(line.count("\t") == 1 for line in result.lines)
        assert [line.split("\t")[1] for line in result.lines] == ids
    elif fmt == "tsv":
        assert result.lines[0] == "name\tid"
        assert [line.split("\t")[1] for line in result.lines[1:]] == ids
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(result.out, newline="")))
        assert rows[0] == ["name", "id"]
        assert [row[1] for row in rows[1:]] == ids
        assert all(len(row) == 2 for row in rows)
    elif fmt == "json":
        objects = result.json()
        assert isinstance(objects, list)
        assert all(list(obj) == ["name", "id"] for obj in objects)
        assert [obj["id"] for obj in objects] == ids
    elif fmt == "jsonl":
        objects = [json.loads(line) for line in result.lines]
        assert all(list(obj) == ["name", "id"] for obj in objects)
        assert [obj["id"] for obj in objects] == ids


@pytest.mark.parametrize("command", list(LISTING))
def test_formats_agree_on_the_records(facts, command: str) -> None:
    found = {
        fmt: _ids_in(fmt, facts(*LISTING[command], "--format", fmt, "--fields", "id").out) for fmt in FORMATS if fmt != "table"
    }
    assert len({tuple(ids) for ids in found.values()}) == 1, found


@pytest.mark.parametrize("fmt", FORMATS)
def test_show_and_stats_take_every_format(facts, fmt: str) -> None:
    shown = facts("show", "gdp-2023", "--format", fmt)
    assert shown.code == 0 and "gdp-2023" in shown.out and shown.err == ""
    counted = facts("stats", "--format", fmt)
    assert counted.code == 0 and "metric" in counted.out and counted.err == ""


# ---------------------------------------------------------------------------- JSON, JSON Lines, CSV


def test_json_is_an_array_of_records_with_stable_keys(facts, base: tf.Base) -> None:
    result = facts("list", "--format", "json")
    objects = result.json()
    assert isinstance(objects, list) and len(objects) == len(base.records)
    for obj in objects:
        assert all(key in obj for key in REQUIRED_KEYS), obj
        keys = list(obj)
        assert set(keys) <= set(KEY_ORDER), set(keys) - set(KEY_ORDER)
        assert keys == sorted(keys, key=KEY_ORDER.index), f"keys out of the stable order: {keys}"
        if obj["kind"] == "metric":
            assert "value" in obj and "unit" in obj
    gdp = next(obj for obj in objects if obj["id"] == "gdp-2023")
    assert (gdp["value"], gdp["unit"], gdp["year"], gdp["kind"]) == (1730, "亿元", 2023, "metric")


def test_json_keys_do_not_change_with_language(facts) -> None:
    zh = facts("list", "--format", "json").json()
    en = facts("list", "--format", "json", "--lang", "en").json()
    assert [list(obj) for obj in zh] == [list(obj) for obj in en]


def test_json_is_utf8_not_escaped(facts) -> None:
    out = facts("show", "gdp-2023", "--format", "json").out + facts("list", "--format", "json").out
    assert "地区生产总值" in out
    assert "\\u" not in out


def test_json_dates_are_iso(facts) -> None:
    objects = facts("list", "--format", "json").json()
    dated = [obj for obj in objects if "date" in obj]
    assert dated
    for obj in dated:
        assert isinstance(obj["date"], str) and ISO_DATE.match(obj["date"]), obj["date"]
    by_id = {obj["id"]: obj for obj in objects}
    assert by_id["lianshen-12gw-hjt-cell-project"]["date"] == "2023-12-13"
    assert by_id["livestream-festival-2023-09"]["date"] == "2023-09"


def test_jsonl_is_one_object_per_line_same_as_json(facts) -> None:
    array = facts("list", "--format", "json").json()
    result = facts("list", "--format", "jsonl")
    assert result.out.endswith("\n")
    lines = result.out.split("\n")[:-1]
    assert [json.loads(line) for line in lines] == array
    assert all(line.startswith("{") and line.endswith("}") for line in lines)


def test_csv_is_rfc4180_with_header_and_crlf(facts, bases: dict[str, Path]) -> None:
    result = facts("list", "-f", bases["tricky"], "--format", "csv", "--fields", "id,name,value,quote")
    assert result.code == 0
    assert result.out.startswith("id,name,value,quote\r\n")
    assert result.out.endswith("\r\n")
    assert not result.out.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(result.out, newline="")))
    assert rows == [
        ["id", "name", "value", "quote"],
        ["comma-2023", '逗号,"引号"与\n换行', "12.5", "comma-2023 quote"],
        ["tab-2023", "制表\t符", "1", "tab-2023 quote"],
    ]
    # Outside quoted fields, every record ends in CRLF.
    assert '"逗号,""引号""与\n换行"' in result.out


def test_csv_without_fields_has_every_key_as_header(facts, base: tf.Base) -> None:
    rows = list(csv.reader(io.StringIO(facts("list", "--format", "csv").out, newline="")))
    header = rows[0]
    assert header[:3] == ["id", "kind", "name"] and "quote" in header and "source" in header
    assert header == sorted(header, key=KEY_ORDER.index)
    assert len(rows) == len(base.records) + 1


@pytest.mark.parametrize("command", [["list"], ["metrics"], ["search", "异质结"], ["export"]])
def test_bom_prefixes_csv_once(facts, command: list[str]) -> None:
    result = facts(*command, "--format", "csv", "--bom")
    assert result.code == 0
    assert result.out.startswith("\ufeffid,")
    assert result.out.count("\ufeff") == 1


# ---------------------------------------------------------------------------- --lang en


def test_lang_en_table_has_english_headers_and_names(facts) -> None:
    result = facts("search", "异质结", "--format", "table", "--lang", "en", "--fields", "id,kind,name")
    assert result.code == 0
    for header in ("ID", "Kind", "Name"):
        assert header in result.out
    assert "名称" not in result.out and "类型" not in result.out
    assert "Jiangsu Liansheng" in result.out


def test_lang_en_plain_prints_english_names(facts, base: tf.Base) -> None:
    result = facts("list", "--lang", "en", "--fields", "id,name")
    names = dict(line.split("\t") for line in result.lines)
    for record in base.records:
        assert names[record.id] == record.get("name_en"), record.id


@pytest.mark.parametrize("fields", [None, "id,name"], ids=["default fields", "--fields id,name"])
def test_lang_en_gives_english_names_in_every_format(facts, base: tf.Base, fields: str | None) -> None:
    extra = ["--fields", fields] if fields else []
    english = {r.id: r.get("name_en") for r in base.records}
    as_json = {obj["id"]: obj["name"] for obj in facts("list", "--lang", "en", "--format", "json", *extra).json()}
    as_jsonl = {
        json.loads(line)["id"]: json.loads(line)["name"]
        for line in facts("list", "--lang", "en", "--format", "jsonl", *extra).lines
    }
    rows = list(csv.DictReader(io.StringIO(facts("list", "--lang", "en", "--format", "csv", *extra).out, newline="")))
    as_csv = {row["id"]: row["name"] for row in rows}
    assert as_csv == english
    assert as_json == english, "JSON 'name' under --lang en differs from the English name (CSV and plain give it)"
    assert as_jsonl == english


def test_lang_en_show_card(facts) -> None:
    result = facts("show", "gdp-2023", "--format", "table", "--lang", "en")
    assert result.code == 0
    assert "Gross domestic product (GDP)" in result.out
    assert "Quote" in result.out and "原文" not in result.out


# ---------------------------------------------------------------------------- Rich markup in data


def test_rich_markup_in_data_is_printed_literally(facts, bases: dict[str, Path]) -> None:
    for fmt in ("plain", "table"):
        result = facts("list", "-f", bases["a"], "--format", fmt)
        assert "[bold red]阿尔法[/bold red]" in result.out, fmt
    card = facts("show", "alpha-2023", "-f", bases["a"], "--format", "table")
    assert "[bold red]阿尔法[/bold red]" in card.out
    assert "Alpha [link=https://x]y[/link]" in card.out
    english = facts("list", "-f", bases["a"], "--format", "table", "--lang", "en")
    assert "[link=https://x]y[/link]" in english.out


# ---------------------------------------------------------------------------- bases: --file and FACTS_FILE


def test_file_option_reads_that_base(facts, bases: dict[str, Path]) -> None:
    result = facts("list", "--file", bases["a"], "--fields", "id")
    assert result.lines == ["alpha-2023", "beta-event"]


def test_repeated_file_options_merge(facts, bases: dict[str, Path]) -> None:
    result = facts("list", "-f", bases["a"], "-f", bases["b"], "--fields", "id")
    assert result.lines == ["alpha-2023", "beta-event", "gamma-2023"]


def test_same_id_in_two_files_is_an_error_naming_both(facts, bases: dict[str, Path]) -> None:
    err = assert_one_error_line(facts("list", "-f", bases["a"], "-f", bases["dup"]))
    assert "alpha-2023" in err
    assert "a.toml" in err and "dup.toml" in err


def test_facts_file_is_a_path_list(facts, bases: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setenv("FACTS_FILE", os.pathsep.join([str(bases["a"]), str(bases["b"])]))
    assert facts("list", "--fields", "id").lines == ["alpha-2023", "beta-event", "gamma-2023"]
    # --file wins over FACTS_FILE
    assert facts("list", "-f", bases["b"], "--fields", "id").lines == ["gamma-2023"]


def test_facts_file_missing_file_is_an_error(facts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTS_FILE", str(tmp_path / "absent.toml"))
    err = assert_one_error_line(facts("list"))
    assert "absent.toml" in err


def test_without_file_or_env_the_bundled_base_is_used(facts, base: tf.Base) -> None:
    assert facts("list", "--fields", "id").lines == [r.id for r in base.records]


@pytest.mark.parametrize("which", ["missing", "bad", "directory"])
def test_unreadable_base_exits_2_naming_the_path(facts, bases: dict[str, Path], tmp_path: Path, which: str) -> None:
    path = {"missing": tmp_path / "absent.toml", "bad": bases["bad"], "directory": tmp_path}[which]
    err = assert_one_error_line(facts("search", "x", "-f", path))
    assert str(path) in err or path.name in err


# ---------------------------------------------------------------------------- metrics: units, --min/--max, --sort


def _values(objects: list[dict]) -> dict[str, float]:
    return {obj["id"]: obj["value"] * FACTORS[obj["unit"]] for obj in objects}


def test_metrics_min_compares_across_wan_and_yi(facts, base: tf.Base) -> None:
    result = facts("metrics", "--min", "100亿元", "--format", "json")
    assert result.code == 0
    got = {obj["id"] for obj in result.json()}
    expected = {
        r.id
        for r in base.records
        if r.kind == "metric" and r.unit in ("万元", "亿元", "元") and r.value * FACTORS[r.unit] >= 1e10
    }
    assert got == expected
    assert {"gdp-2023", "construction-output-2023"} <= got and "budget-revenue-2023" not in got
    # The same bound written in 万元 selects the same records.
    assert {obj["id"] for obj in facts("metrics", "--min", "1000000万元", "--format", "json").json()} == got


def test_metrics_min_max_on_a_mixed_base(facts, bases: dict[str, Path]) -> None:
    both = ("-f", bases["a"], "-f", bases["b"])
    assert facts("metrics", *both, "--min", "4亿元", "--fields", "id").lines == ["alpha-2023"]  # 50000万元 = 5亿元
    assert facts("metrics", *both, "--max", "4亿元", "--fields", "id").lines == ["gamma-2023"]
    assert facts("metrics", *both, "--min", "40000万元", "--max", "6亿元", "--fields", "id").lines == ["alpha-2023"]
    assert facts("metrics", *both, "--min", "6亿元").code == 1


def test_metrics_min_in_mu(facts, base: tf.Base) -> None:
    got = {obj["id"] for obj in facts("metrics", "--min", "1万亩", "--format", "json").json()}
    expected = {
        r.id for r in base.records if r.kind == "metric" and r.unit in ("亩", "万亩") and r.value * FACTORS[r.unit] >= 1e4
    }
    assert got == expected and "high-standard-farmland-2023" in got
    assert "construction-land-freed-2023" not in got  # 2100亩
    assert "construction-land-freed-2023" in {obj["id"] for obj in facts("metrics", "--min", "2000亩", "--format", "json").json()}


def test_metrics_unrelated_unit_is_a_clear_error(facts, bases: dict[str, Path]) -> None:
    err = assert_one_error_line(facts("metrics", "-f", bases["b"], "--min", "5GW"))  # a base of 亿元 only
    assert "GW" in err and "亿元" in err


def test_metrics_unit_filter(facts, base: tf.Base) -> None:
    objects = facts("metrics", "--unit", "%", "--format", "json").json()
    assert {obj["id"] for obj in objects} == {r.id for r in base.records if r.kind == "metric" and r.unit == "%"}


def test_metrics_sort_value_compares_converted_amounts(facts, bases: dict[str, Path]) -> None:
    both = ("-f", bases["a"], "-f", bases["b"])
    assert facts("metrics", *both, "--sort", "value", "--fields", "id").lines == ["gamma-2023", "alpha-2023"]
    assert facts("metrics", *both, "--sort", "value", "-r", "--fields", "id").lines == ["alpha-2023", "gamma-2023"]
    money = _values(facts("metrics", "--min", "1亿元", "--sort", "value", "--format", "json").json())
    assert list(money.values()) == sorted(money.values())
    percent = [obj["value"] for obj in facts("metrics", "--unit", "%", "--sort", "value", "-r", "--format", "json").json()]
    assert percent == sorted(percent, reverse=True)


def test_metrics_year(facts, base: tf.Base) -> None:
    objects = facts("metrics", "--year", "2023", "--format", "json").json()
    assert {obj["id"] for obj in objects} == {r.id for r in base.records if r.kind == "metric" and r.year == 2023}


# ---------------------------------------------------------------------------- projects


def test_projects_status_matches_longer_statuses(facts, base: tf.Base) -> None:
    objects = facts("projects", "--status", "竣工", "--format", "json").json()
    assert {obj["id"] for obj in objects} == {
        r.id for r in base.records if r.kind == "project" and "竣工" in str(r.get("status") or "")
    }
    assert {"竣工投产", "竣工"} <= {obj["status"] for obj in objects}


def test_projects_min_investment(facts, base: tf.Base) -> None:
    objects = facts("projects", "--min-investment", "50亿元", "--format", "json").json()
    expected = {
        r.id
        for r in base.records
        if r.kind == "project"
        and r.get("investment") is not None
        and r.get("investment") * FACTORS[r.get("investment_unit")] >= 50e8
    }
    assert {obj["id"] for obj in objects} == expected
    assert "lianshen-12gw-hjt-cell-project" in expected and "jinshawan-medical-complex" not in expected
    assert facts("projects", "--min-investment", "500000万元", "--fields", "id").lines == ["lianshen-12gw-hjt-cell-project"]


def test_projects_only_projects(facts, base: tf.Base) -> None:
    objects = facts("projects", "--format", "json").json()
    assert [obj["id"] for obj in objects] == [r.id for r in base.records if r.kind == "project"]


# ---------------------------------------------------------------------------- milestones


def test_milestones_are_chronological(facts, base: tf.Base) -> None:
    objects = facts("milestones", "--format", "json", "--fields", "id,when").json()
    assert {obj["id"] for obj in objects} == {r.id for r in base.records if r.kind == "milestone"}
    starts = [start_of(obj["when"]) for obj in objects]
    assert starts == sorted(starts)


def test_milestones_since_a_month(facts, base: tf.Base) -> None:
    objects = facts("milestones", "--since", "2023-12", "--format", "json", "--fields", "id,when").json()
    expected = {r.id for r in base.records if r.kind == "milestone" and start_of(r.date or str(r.year)) >= dt.date(2023, 12, 1)}
    assert {obj["id"] for obj in objects} == expected
    assert "groundbreaking-ceremony-2023-12-13" in expected and "livestream-festival-2023-09" not in expected


def test_milestones_between_two_days_inclusive(facts) -> None:
    result = facts("milestones", "--since", "2023-12-13", "--until", "2023-12-28", "--fields", "when,id")
    assert result.lines == [
        "2023-12-13\tgroundbreaking-ceremony-2023-12-13",
        "2023-12-28\thospital-topping-out-2023-12-28",
    ]
    assert facts("milestones", "--since", "2023-12-14", "--until", "2023-12-27").code == 1


def test_milestones_until_a_month_covers_the_whole_month(facts) -> None:
    ids = facts("milestones", "--until", "2023-09", "--fields", "id").lines
    assert "livestream-festival-2023-09" in ids
    assert "groundbreaking-ceremony-2023-12-13" not in ids


# ---------------------------------------------------------------------------- show and get


def test_show_plain(facts) -> None:
    result = facts("show", "gdp-2023")
    assert result.code == 0 and result.err == ""
    assert "gdp-2023" in result.out and "通州预计实现地区生产总值1730亿元" in result.out
    assert not ANSI.search(result.out)


def test_show_card(facts) -> None:
    result = facts("show", "gdp-2023", "--format", "table")
    assert result.code == 0
    for text in ("地区生产总值", "1730", "亿元", "通州预计实现地区生产总值1730亿元", "通州 奋力争当全市高质量发展排头兵"):
        assert text in result.out, text
    assert BOX_DRAWING.search(result.out)


def test_show_json_has_the_record_and_its_source(facts) -> None:
    obj = facts("show", "gdp-2023", "--format", "json").json()
    assert obj["id"] == "gdp-2023" and obj["value"] == 1730
    assert obj["source_document"]["title"] == "通州 奋力争当全市高质量发展排头兵"


def test_show_unknown_id_suggests(facts) -> None:
    err = assert_one_error_line(facts("show", "gdp-2022"))
    assert "did you mean" in err and "gdp-2023" in err


@pytest.mark.parametrize(
    ("record_id", "field", "printed"),
    [
        ("gdp-2023", "value", "1730\n"),
        ("gdp-growth-2023", "value", "6.5\n"),
        ("new-urban-employment-2023", "value", "1.38\n"),
        ("gdp-2023", "unit", "亿元\n"),
        ("gdp-2023", "quote", "通州预计实现地区生产总值1730亿元\n"),
        ("lianshen-12gw-hjt-cell-project", "date", "2023-12-13\n"),
        ("lianshen-12gw-hjt-cell-project", "investment", "70\n"),
        ("gdp-2023", "year", "2023\n"),
    ],
)
def test_get_prints_the_bare_value(facts, record_id: str, field: str, printed: str) -> None:
    result = facts("get", record_id, field)
    assert (result.code, result.out, result.err) == (0, printed, "")


def test_get_unknown_id_exits_2(facts) -> None:
    err = assert_one_error_line(facts("get", "gdp-2022", "value"))
    assert "gdp-2023" in err


def test_get_missing_field_exits_1(facts) -> None:
    result = facts("get", "gdp-2023", "date")
    assert result.code == 1 and result.out == ""


# ---------------------------------------------------------------------------- stats and check


def test_stats_counts_match_the_base(facts, base: tf.Base) -> None:
    data = facts("stats", "--format", "json").json()
    assert data["records"] == len(base.records)
    assert data["kind"] == dict(Counter(r.kind for r in base.records))
    assert sum(data["category"].values()) == len(base.records)


def test_stats_plain_is_group_key_count(facts, base: tf.Base) -> None:
    result = facts("stats")
    kinds = {key: int(n) for group, key, n in (line.split("\t") for line in result.lines) if group == "kind"}
    assert kinds == dict(Counter(r.kind for r in base.records))


def test_check_bundled_base_is_clean(facts) -> None:
    result = facts("check")
    assert result.code == 0 and result.out == ""


def test_check_reports_problems_with_path_and_line(facts, bases: dict[str, Path]) -> None:
    result = facts("check", bases["a"], bases["dup"])
    assert result.code == 1
    assert re.search(r"dup\.toml:\d+: alpha-2023: ", result.out), result.out


# ---------------------------------------------------------------------------- export


def test_export_json_to_file(facts, tmp_path: Path, base: tf.Base) -> None:
    target = tmp_path / "facts.json"
    result = facts("export", "--format", "json", "-o", target)
    assert result.code == 0 and result.out == ""
    objects = json.loads(target.read_text(encoding="utf-8"))
    assert [obj["id"] for obj in objects] == [r.id for r in base.records]


def test_export_jsonl_and_csv_to_stdout(facts, base: tf.Base) -> None:
    lines = facts("export", "--format", "jsonl").lines
    assert [json.loads(line)["id"] for line in lines] == [r.id for r in base.records]
    rows = list(csv.reader(io.StringIO(facts("export", "--format", "csv").out, newline="")))
    assert [row[0] for row in rows[1:]] == [r.id for r in base.records]


def test_export_csv_with_bom_to_file(facts, tmp_path: Path) -> None:
    target = tmp_path / "facts.csv"
    assert facts("export", "--format", "csv", "--bom", "-o", target).code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid,kind,name,")
    assert raw.count(b"\xef\xbb\xbf") == 1
    assert b"\r\n" in raw and raw.endswith(b"\r\n")


def test_export_sqlite_opens_with_sqlite3(facts, tmp_path: Path, base: tf.Base) -> None:
    target = tmp_path / "facts.db"
    result = facts("export", "--format", "sqlite", "-o", target)
    assert result.code == 0 and result.out == ""
    with sqlite3.connect(target) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"records", "records_fts"} <= tables
        assert db.execute("SELECT count(*) FROM records").fetchone()[0] == len(base.records)
        assert db.execute("SELECT count(*) FROM records_fts").fetchone()[0] == len(base.records)
        (unit,) = db.execute("SELECT unit FROM records WHERE id = 'gdp-2023'").fetchone()
        assert unit == "亿元"
        assert db.execute("SELECT count(*) FROM records_fts WHERE records_fts MATCH 'GDP'").fetchone()[0] >= 1
    db.close()


def test_export_to_a_missing_folder_is_one_error(facts, tmp_path: Path) -> None:
    err = assert_one_error_line(facts("export", "--format", "json", "-o", tmp_path / "no" / "such" / "x.json"))
    assert "x.json" in err


# ---------------------------------------------------------------------------- cache


def test_cache_info_and_clear(facts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert facts("list").code == 0  # builds the index
    info = facts("cache", "info")
    assert info.code == 0
    assert str(tmp_path) in info.out
    assert len(info.lines) >= 3  # state, folder, at least one file
    cleared = facts("cache", "clear")
    assert cleared.code == 0 and cleared.out == ""
    assert re.search(r"removed [1-9]\d* cache file", cleared.err), cleared.err
    assert len(facts("cache", "info").lines) == 2  # no files any more
    assert facts("search", "异质结").code == 0  # and it is rebuilt when needed


# ---------------------------------------------------------------------------- broken pipe, in-process


class BrokenStdout(io.TextIOBase):
    """A stdout whose reader has gone away."""

    encoding = "utf-8"

    def write(self, _text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    def close(self) -> None:
        """Nothing to flush: without this, the finaliser's flush reports the broken pipe (Python 3.13)."""

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise io.UnsupportedOperation("no file descriptor")


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["list", "--format", "jsonl"],
        ["export", "--format", "jsonl"],
        ["list", "--format", "jsonl", "--format", "jsonl"],  # a command line left to Typer, not the fast parser
    ],
)
def test_main_returns_quietly_on_a_broken_pipe(capsys, monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    monkeypatch.setattr(sys, "stdout", BrokenStdout())
    try:
        code = main(args)
    except SystemExit as exc:
        pytest.fail(f"main({args}) raised SystemExit({exc.code!r}) on a broken pipe instead of returning")
    assert code == 0
    assert capsys.readouterr().err == ""
