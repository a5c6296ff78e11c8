"""Hostile data and hostile queries: no crash, and nothing reaches a terminal that could drive it.

Records whose text holds Rich markup, ANSI escapes, other control characters, a
right-to-left override, zero-width characters, characters outside the BMP and
100,000-character strings; queries made of regex and SQL/FTS5 syntax, control
characters, nothing at all, or far too much.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tongzhou_facts.env import Environment
from tongzhou_facts.limits import MAX_TEXT

from .conftest import BASE, run, subprocess_env, toml_string

HOSTILE: dict[str, str] = {
    "markup": "[bold]粗体[/] [link=http://x]链接[/link] [red on white]",
    "ansi": "红\x1b[31m色\x1b[0m文字\x1b]0;title\x07",
    "controls": "控\x07制\x08字\x0b符\x0c\r回车\x7f删除\x85下一行\x9b31m",
    "newlines": "第一行\n第二行\r\n第三行\t制表",
    "bidi": "abc\u202edcba 反转\u2066隔离\u2069\u200f",
    "zero-width": "零\u200b宽\u200c字\u200d符\ufeff",
    "astral": "表情😀𠀀𝔘👨‍👩‍👧",
    "long": "长" * (MAX_TEXT - 10),  # as long as a string of a base may be, with the record's prefix
    "long-latin": "x" * (MAX_TEXT - 20) + "[bold]end",
}
#: A plain word in each record's name, so a search can find it.
TAGS = dict(zip(HOSTILE, ["苹果园", "向日葵", "大熊猫", "长颈鹿", "企鹅岛", "珊瑚礁", "火山口", "冰川湖", "骆驼队"], strict=True))
#: Output of these formats goes to terminals: it must hold no raw control or reordering character.
_UNSAFE_FOR_TERMINAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def record_id(key: str) -> str:
    return f"h-{key}"


def hostile_name(key: str) -> str:
    return TAGS[key] + HOSTILE[key]


def write_hostile_base(path: Path) -> Path:
    parts = ['[[sources]]\nid = "src"\ntitle = ' + toml_string("来源" + HOSTILE["ansi"] + HOSTILE["markup"]) + "\n"]
    for key, text in HOSTILE.items():
        parts.append(
            "[[metrics]]\n"
            f'id = "{record_id(key)}"\n'
            f"name = {toml_string(hostile_name(key))}\n"
            f"name_en = {toml_string('metric ' + text)}\n"
            f"aliases = [{toml_string(text)}, {toml_string('别名' + text)}]\n"
            'year = 2023\nvalue = 1.5\nunit = "亿元"\n'
            f"qualifier = {toml_string('约' + text[:3])}\n"
            f"place = {toml_string(text)}\n"
            'source = "src"\n'
            f"quote = {toml_string(text)}\n"
            f"note = {toml_string(text)}\n"
        )
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The hostile base, and a cache folder its tests share (indexing 100,000-character names takes seconds)."""
    folder = tmp_path_factory.mktemp("hostile")
    return write_hostile_base(folder / "hostile.toml"), folder / "cache"


@pytest.fixture
def hostile(hostile_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    path, cache = hostile_files
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    return path


def assert_terminal_safe(text: str) -> None:
    found = _UNSAFE_FOR_TERMINAL.search(text)
    assert found is None, f"raw {found.group()!r} at {found.start()}: {text[max(found.start() - 30, 0) : found.start() + 30]!r}"


def assert_clean_stderr(err: str) -> None:
    assert "internal error" not in err and "Traceback" not in err, err
    assert_terminal_safe(err)


def assert_one_line_error(code: int, out: str, err: str) -> None:
    assert code == 2, (code, out, err)
    assert out == ""
    assert err.startswith("facts: error: ") and err.count("\n") == 1 and err.endswith("\n"), err
    assert_clean_stderr(err)


def read_csv(text: str) -> list[list[str]]:
    csv.field_size_limit(max(csv.field_size_limit(), 1_000_000))
    return list(csv.reader(io.StringIO(text, newline="")))


def check_output(fmt: str, out: str, keys: list[str]) -> None:
    """The output of `fmt` holds these hostile records, faithfully where the format can, safely where it must."""
    if fmt in ("plain", "tsv", "table"):
        assert_terminal_safe(out)
    if fmt in ("plain", "tsv"):
        lines = out.split("\n")
        assert lines.pop() == ""
        assert len(lines) == len(keys) + (fmt == "tsv")
        assert [line.split("\t")[0] for line in lines[fmt == "tsv" :]] == [record_id(k) for k in keys]
    elif fmt == "json":
        objects = json.loads(out)
        assert [o["name"] for o in objects] == [hostile_name(k) for k in keys]
    elif fmt == "jsonl":
        objects = [json.loads(line) for line in out.split("\n")[:-1]]
        assert [o["name"] for o in objects] == [hostile_name(k) for k in keys]
    elif fmt == "csv":
        rows = read_csv(out)
        assert len(rows) == len(keys) + 1
        column = rows[0].index("name")
        assert [row[column] for row in rows[1:]] == [hostile_name(k) for k in keys]
    elif fmt == "table":
        for key in keys:
            assert record_id(key) in out
        if "markup" in keys:
            assert "[bold]" in out and "[/]" in out and "[link=http://x]" in out
        if "ansi" in keys:
            assert "\\u001b[31m" in out  # the escape shown as text
    else:  # pragma: no cover
        raise AssertionError(fmt)


FORMATS = ["plain", "tsv", "json", "jsonl", "csv", "table"]


# ---------------------------------------------------------------------------- hostile records


@pytest.mark.parametrize("fmt", FORMATS)
def test_list(capsys: pytest.CaptureFixture[str], hostile: Path, fmt: str) -> None:
    code, out, err = run(capsys, "list", "-f", hostile, "--format", fmt)
    assert code == 0, err
    assert_clean_stderr(err)
    check_output(fmt, out, list(HOSTILE))


EVERY_FIELD = "id,name,name_en,aliases,qualifier,place,quote,note,figure"


@pytest.mark.parametrize("fmt", ["plain", "tsv", "json", "jsonl", "csv"])
def test_list_every_field(capsys: pytest.CaptureFixture[str], hostile: Path, fmt: str) -> None:
    code, out, err = run(capsys, "list", "-f", hostile, "--format", fmt, "--fields", EVERY_FIELD, "--lang", "en")
    assert code == 0, err
    assert_clean_stderr(err)
    if fmt in ("plain", "tsv"):
        assert_terminal_safe(out)
        assert out.count("\n") == len(HOSTILE) + (fmt == "tsv")


@pytest.mark.parametrize("key", [k for k in HOSTILE if not k.startswith("long")])
def test_table_of_every_field(capsys: pytest.CaptureFixture[str], hostile: Path, key: str) -> None:
    code, out, err = run(capsys, "search", TAGS[key], "-f", hostile, "--format", "table", "--fields", EVERY_FIELD)
    assert code == 0, err
    assert_clean_stderr(err)
    assert_terminal_safe(out)
    assert "h-" in out  # ids may fold in so many columns, but they are there


@pytest.mark.parametrize("key", list(HOSTILE))
@pytest.mark.parametrize("fmt", FORMATS)
def test_search(capsys: pytest.CaptureFixture[str], hostile: Path, key: str, fmt: str) -> None:
    code, out, err = run(capsys, "search", TAGS[key], "-f", hostile, "--format", fmt)
    assert code == 0, err
    assert_clean_stderr(err)
    check_output(fmt, out, [key])


@pytest.mark.parametrize("key", list(HOSTILE))
@pytest.mark.parametrize("fmt", ["plain", "json", "csv", "table"])
def test_show(capsys: pytest.CaptureFixture[str], hostile: Path, key: str, fmt: str) -> None:
    code, out, err = run(capsys, "show", record_id(key), "-f", hostile, "--format", fmt)
    assert code == 0, err
    assert_clean_stderr(err)
    if fmt in ("plain", "table"):
        assert_terminal_safe(out)
    if fmt == "json":
        shown = json.loads(out)
        assert shown["name"] == hostile_name(key)
        assert shown["quote"] == HOSTILE[key]
    if fmt == "csv":
        rows = read_csv(out)
        assert rows[1][rows[0].index("quote")] == HOSTILE[key]
    if fmt == "table":
        assert record_id(key) in out
        assert "[bold]" in out  # the source title's markup, as typed
        if key == "markup":
            assert "[link=http://x]" in out


@pytest.mark.parametrize("key", ["markup", "ansi", "controls", "bidi", "astral"])
def test_get(capsys: pytest.CaptureFixture[str], hostile: Path, key: str) -> None:
    code, out, err = run(capsys, "get", record_id(key), "-f", hostile)
    assert code == 0, err
    assert json.loads(out)["note"] == HOSTILE[key]
    code, out, err = run(capsys, "get", record_id(key), "name", "-f", hostile)
    assert code == 0, err
    assert_clean_stderr(err)


def test_table_in_a_colour_terminal(capsys: pytest.CaptureFixture[str], hostile: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With colour on, Rich styles the table; the data's own escapes still show as text."""

    def terminal(_cls: type[Environment], no_color: bool = False) -> Environment:  # noqa: ARG001 - Environment.detect's signature
        return Environment(sys.stdout, sys.stderr, is_terminal=True, color=True, width=120, unicode=True)

    monkeypatch.setattr(Environment, "detect", classmethod(terminal))
    for args in (["list"], ["search", TAGS["ansi"]], ["show", record_id("ansi")], ["search", TAGS["markup"]]):
        code, out, err = run(capsys, *args, "-f", hostile)
        assert code == 0, err
        assert "\x1b[" in out, "no colour at all: the test does not test a terminal"
        assert "\x1b[31m色" not in out and "\x1b]0;" not in out and "\x07" not in out
        assert "\u202e" not in out and "\x9b" not in out
        if args[0] != "list":
            assert "\\u001b[31m" in out or "[bold]粗体[/]" in out  # the data, shown as typed
        if args[-1] in (TAGS["markup"], record_id("ansi")):
            assert "[bold]" in out  # a name, or the source title: markup shown, not applied


def test_hostile_base_through_a_real_process(hostile_files: tuple[Path, Path]) -> None:
    path, cache = hostile_files
    for args in (["list"], ["search", TAGS["bidi"]], ["show", record_id("controls")]):
        done = subprocess.run(
            [sys.executable, "-m", "tongzhou_facts", *args, "-f", str(path), "--format", "table"],
            capture_output=True,
            env=subprocess_env(XDG_CACHE_HOME=str(cache), COLUMNS="80"),
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert_terminal_safe(done.stdout.decode("utf-8"))
        assert done.stderr == b""


# ---------------------------------------------------------------------------- hostile queries


@pytest.fixture(scope="module")
def all_records() -> list[dict[str, object]]:
    import tongzhou_facts as tf

    return [r.to_dict() for r in tf.load(BASE).records]


@pytest.fixture(scope="module")
def all_ids(all_records: list[dict[str, object]]) -> list[str]:
    return [str(r["id"]) for r in all_records]


def search_json(capsys: pytest.CaptureFixture[str], query: str, *more: str) -> tuple[int, list[dict[str, object]] | None, str]:
    code, out, err = run(capsys, "search", "--format", "json", *more, "--", query)
    if code == 2:
        assert_one_line_error(code, out, err)
        return code, None, err
    assert code in (0, 1), (code, out, err)
    assert_clean_stderr(err)
    return code, json.loads(out), err


PATTERN_ONLY = [".*", "(", "[", ")", "]", "+", "?", "|", "\\", "^$", ".", "(.*)", "[^]*", "$", "*?"]
#: (query with regex syntax, the same words without it)
PATTERN_WITH_WORDS = [
    ("(通州段)", "通州段"),
    ("异质结.*", "异质结"),
    ("^异质结$", "异质结"),
    ("[医院]", "医院"),
    ("hosp.*al", "hosp al"),
    ("医|院", "医 院"),
    ("[^a]*", "a"),
    ("\\d+", "d"),
    ("3.0.*", "3.0"),
]


@pytest.mark.parametrize("query", PATTERN_ONLY)
def test_regex_metacharacters_are_not_a_pattern(capsys: pytest.CaptureFixture[str], query: str, all_ids: list[str]) -> None:
    code, hits, _ = search_json(capsys, query, "--limit", "1000")
    if code == 2:
        return  # refused as a query of nothing but punctuation: fine
    assert hits is not None
    assert len(hits) < len(all_ids), f"{query!r} matched every record: read as a pattern"
    for hit in hits:
        assert query in json.dumps(hit, ensure_ascii=False), (query, hit["id"])


@pytest.mark.parametrize(("query", "words"), PATTERN_WITH_WORDS)
def test_regex_metacharacters_around_words_are_literal(
    capsys: pytest.CaptureFixture[str], query: str, words: str, all_records: list[dict[str, object]]
) -> None:
    """Syntax never widens a search (as `医|院` or `.*` would), and text holding the query literally is found."""
    _, hits, _ = search_json(capsys, query, "--limit", "1000")
    _, plain, _ = search_json(capsys, words, "--limit", "1000")
    found = {str(h["id"]) for h in hits or []}
    assert found <= {str(h["id"]) for h in plain or []}
    literal = {str(r["id"]) for r in all_records if query in str(r["name"])}
    assert literal <= found


def test_a_dot_inside_a_number_is_literal(capsys: pytest.CaptureFixture[str]) -> None:
    code, hits, _ = search_json(capsys, "3.0")
    assert code == 0 and hits
    assert "3.0" in hits[0]["name"]


SQL_QUERIES = [
    "' OR 1=1 --",
    "' OR '1'='1",
    '" OR ""="',
    '"',
    "'",
    '"异质结',
    'a"b',
    "NEAR(",
    "NEAR(a b)",
    "*",
    "异质*",
    "name:x",
    "name:异质结",
    "{name quote}: 异质结",
    "异质结 OR 医院",
    "NOT 异质结",
    "AND",
    "^异质结",
    "'; DROP TABLE records; --",
    "%",
    "_",
    "%%%_",
    "\\%",
    "1; SELECT * FROM meta",
    "rowid = 1",
    "fts MATCH '*'",
]


@pytest.mark.parametrize("query", SQL_QUERIES)
def test_sql_and_fts_syntax_is_text(capsys: pytest.CaptureFixture[str], query: str, all_ids: list[str]) -> None:
    _code, hits, _ = search_json(capsys, query, "--limit", "1000")
    if hits is not None:
        assert len(hits) < len(all_ids), f"{query!r} matched every record"


def test_the_base_survives_sql_looking_queries(capsys: pytest.CaptureFixture[str]) -> None:
    before = run(capsys, "search", "异质结", "--format", "json")
    for query in SQL_QUERIES:
        run(capsys, "search", "--", query)
    assert run(capsys, "search", "异质结", "--format", "json") == before
    assert before[0] == 0


@pytest.mark.parametrize("query", ["", " ", "   ", "\t", "\n", "\u3000", " \u3000 \t "])
def test_empty_query_is_a_usage_error(capsys: pytest.CaptureFixture[str], query: str) -> None:
    assert_one_line_error(*run(capsys, "search", "--", query))


def test_no_query_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "search")
    assert code == 2 and out == ""
    assert_clean_stderr(err)


@pytest.mark.parametrize("size", [200, 500, 1000, 1001, 100_000])
@pytest.mark.parametrize("char", ["异", "x", "0"])
def test_huge_query(capsys: pytest.CaptureFixture[str], size: int, char: str) -> None:
    code, out, err = run(capsys, "search", char * size)
    if code == 2:
        assert_one_line_error(code, out, err)
    else:
        assert code in (0, 1)
        assert_clean_stderr(err)


def test_huge_query_in_a_real_process(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tongzhou_facts", "search", "a" * 100_000],
        capture_output=True,
        text=True,
        env=subprocess_env(XDG_CACHE_HOME=str(tmp_path)),
        timeout=60,
        check=False,
    )
    assert done.returncode in (1, 2), done.stderr
    if done.returncode == 2:
        assert done.stdout == "" and done.stderr.count("\n") == 1 and done.stderr.startswith("facts: error: ")


CONTROL_QUERIES = [
    "\x1b[31m",
    "\x1b[31m异质结",
    "\x07",
    "a\x00b",
    "\x9b2J",
    "\u202e结质异",
    "异质\u200b结",
    "\r",
    "\x7f",
    "😀",
    "𠀀",
]


@pytest.mark.parametrize("query", CONTROL_QUERIES)
@pytest.mark.parametrize("fmt", ["plain", "table", "json"])
def test_control_characters_in_queries(capsys: pytest.CaptureFixture[str], query: str, fmt: str) -> None:
    code, out, err = run(capsys, "search", "--format", fmt, "--", query)
    if code == 2:
        assert_one_line_error(code, out, err)
        return
    assert code in (0, 1), (code, err)
    assert_clean_stderr(err)
    if fmt != "json":
        assert_terminal_safe(out)


@pytest.mark.parametrize("record", ["\x1b[31mgdp", "gdp\u202e", "[bold]gdp", "gdp-2023\n", "\udcff", "gdp-2023\udcff"])
@pytest.mark.parametrize("command", ["show", "get"])
def test_hostile_record_ids(capsys: pytest.CaptureFixture[str], command: str, record: str) -> None:
    """An id that is not in the base (control characters, undecodable bytes): one line saying so."""
    assert_one_line_error(*run(capsys, command, record))


def test_undecodable_command_line_in_a_real_process(tmp_path: Path) -> None:
    """Bytes that are not UTF-8 on the command line (Python hands them over as surrogates)."""
    env = subprocess_env(XDG_CACHE_HOME=str(tmp_path), LC_ALL="C.UTF-8")
    for args in ([b"show", b"\xff"], [b"get", b"gdp\xfe", b"value"], [b"search", b"\xff\xfe"], [b"search", b"\xe5\xbc"]):
        done = subprocess.run(
            [sys.executable.encode(), b"-m", b"tongzhou_facts", *args], capture_output=True, env=env, timeout=60, check=False
        )
        assert done.returncode in (1, 2), (args, done.stderr)
        assert b"internal error" not in done.stderr, (args, done.stderr)
        assert done.stdout == b""


def test_base_at_an_undecodable_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A valid base whose file name is not UTF-8 (a Latin-1 file system, an old archive) still works."""
    folder = os.fsencode(tmp_path)
    name = os.path.join(folder, b"caf\xe9.toml")
    with open(name, "wb") as handle:
        handle.write(BASE.read_bytes())
    code, out, err = run(capsys, "show", "gdp-2023", "-f", os.fsdecode(name), "--format", "json")
    assert code == 0, err
    assert json.loads(out)["value"] == 1730


def test_cli_module_has_no_state_between_runs(capsys: pytest.CaptureFixture[str], hostile: Path) -> None:
    """In-process runs (as this file does) do not leak: a hostile run, then a normal one, as if alone."""
    first = run(capsys, "search", "异质结", "--format", "plain")
    run(capsys, "search", TAGS["ansi"], "-f", hostile, "--format", "table")
    run(capsys, "search", "\x1b[31m", "--format", "table")
    assert run(capsys, "search", "异质结", "--format", "plain") == first
