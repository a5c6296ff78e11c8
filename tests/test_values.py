"""`facts values FIELD`: each value a filter can take, with how many facts have it (issue 11,
"Discoverable values"), and the shell completion of every filter option.

Expected counts come from the base loaded with the library (`tf.load`), never from the
command's own output.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import tongzhou_facts as tf
from tongzhou_facts.cli import main
from tongzhou_facts.commands.options import FILTER_OPTIONS
from tongzhou_facts.env import Environment
from tongzhou_facts.query import VALUE_FIELDS

from .conftest import BASE, call, error_line, toml_string

FIELDS = ("kind", "year", "category", "place", "status", "unit", "measure", "source")


@pytest.fixture(scope="module")
def records() -> list[tf.Record]:
    return list(tf.load([str(BASE)]).records)


def expected(records: list[tf.Record], field: str) -> list[tuple[str, int]]:
    """Each value of `field` in the base and its count, most first, then by value."""
    counted = Counter(str(r.get(field)) for r in records if r.get(field) not in (None, ""))
    return sorted(counted.items(), key=lambda pair: (-pair[1], pair[0]))


def test_the_fields_are_the_ones_documented() -> None:
    assert VALUE_FIELDS == FIELDS


@pytest.mark.parametrize("field", FIELDS)
def test_piped_each_value_and_its_count_most_common_first(field: str, records: list[tf.Record]) -> None:
    code, out, err = call("values", field)
    assert (code, err) == (0, "")
    lines = [tuple(line.split("\t")) for line in out.splitlines()]
    assert [(value, int(count)) for value, count in lines] == expected(records, field)
    assert len(lines) > 1 or field == "source"


def test_statuses_are_what_projects_carry(records: list[tf.Record]) -> None:
    statuses = {str(r.get("status")) for r in records if r.get("status")}
    code, out, _ = call("values", "status")
    assert code == 0
    assert {line.split("\t")[0] for line in out.splitlines()} == statuses
    # and every one of them is a value --status takes back
    for status in statuses:
        found = json.loads(call("projects", "--status", status, "--format", "json")[1])
        assert found and all(status in str(r["status"]) for r in found)


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv", "plain"])
def test_formats(fmt: str, records: list[tf.Record]) -> None:
    code, out, _ = call("values", "unit", "--format", fmt)
    assert code == 0
    want = expected(records, "unit")
    if fmt == "json":
        assert json.loads(out) == [{"value": value, "count": count} for value, count in want]
    elif fmt == "jsonl":
        assert [json.loads(line) for line in out.splitlines()] == [{"value": v, "count": n} for v, n in want]
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert rows == [["value", "count"], *([v, str(n)] for v, n in want)]
    else:
        lines = out.splitlines()
        if fmt == "tsv":
            assert lines.pop(0) == "value\tcount"
        assert lines == [f"{v}\t{n}" for v, n in want]


def test_json_keeps_numbers_as_numbers() -> None:
    found = json.loads(call("values", "year", "--format", "json")[1])
    assert all(isinstance(item["value"], int) and isinstance(item["count"], int) for item in found)


def test_a_table_on_a_terminal(records: list[tf.Record]) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(["values", "category"], Environment(out, err, is_terminal=True, color=False, width=80))
    assert code == 0 and err.getvalue() == ""
    text = out.getvalue()
    assert "\t" not in text
    assert text.splitlines()[0].strip() == "category"
    for value, count in expected(records, "category"):
        assert any(value in line and line.rstrip(" │|").endswith(str(count)) for line in text.splitlines()), value


def test_english_statuses_with_lang_en() -> None:
    from tongzhou_facts.english import STATUSES

    code, out, _ = call("values", "status", "--lang", "en")
    assert code == 0
    english = [line.split("\t")[0] for line in out.splitlines()]
    assert english and set(english) <= set(STATUSES.values())
    for status in english:  # each is what --status takes
        assert call("projects", "--status", status)[0] == 0


@pytest.mark.parametrize("typed", ["Status", "statuses", " STATUS "])
def test_the_field_in_any_case_or_plural(typed: str) -> None:
    assert call("values", typed) == call("values", "status")


def test_an_unknown_field_is_a_usage_error_listing_the_fields() -> None:
    line = error_line(*call("values", "colour"))
    assert "colour" in line
    for field in FIELDS:
        assert field in line


def test_no_field_is_a_usage_error_listing_the_fields() -> None:
    line = error_line(*call("values"))
    assert all(field in line for field in FIELDS)


def test_another_base_with_f(tmp_path: Path) -> None:
    base = tmp_path / "small.toml"
    base.write_text(
        "[[sources]]\n"
        'id = "s"\ntitle = "t"\n\n'
        "[[metrics]]\n"
        'id = "a"\nname = "A"\nyear = 2023\nvalue = 1\nunit = "GW"\nmeasure = "level"\ncategory = "energy"\n'
        f'source = "s"\nquote = {toml_string("A 1 GW")}\n\n'
        "[[metrics]]\n"
        'id = "b"\nname = "B"\nyear = 2022\nvalue = 2\nunit = "GW"\nmeasure = "level"\ncategory = "energy"\n'
        f'source = "s"\nquote = {toml_string("B 2 GW")}\n',
        encoding="utf-8",
    )
    assert call("check", "-f", base)[0] == 0, call("check", "-f", base)
    assert call("values", "unit", "-f", base) == (0, "GW\t2\n", "")
    assert call("-f", base, "values", "year") == (0, "2022\t1\n2023\t1\n", "")
    assert call("values", "status", "-f", base) == (1, "", "")  # no metric has a status


# ---------------------------------------------------------------------------- -n and -o, as the listing commands


@pytest.mark.parametrize("fmt", ["plain", "tsv", "csv", "json"])
def test_limit_keeps_the_most_common(fmt: str) -> None:
    every = call("values", "place", "--format", fmt)[1]
    code, out, _ = call("values", "place", "-n", "2", "--format", fmt)
    assert code == 0
    if fmt == "json":
        assert json.loads(out) == json.loads(every)[:2]
    else:
        header = 1 if fmt in ("tsv", "csv") else 0
        assert out.splitlines() == every.splitlines()[: header + 2]
    assert call("values", "place", "--limit", "1000", "--format", fmt)[1] == every


def test_limit_zero_is_a_usage_error() -> None:
    error_line(*call("values", "place", "-n", "0"))


@pytest.mark.parametrize("fmt", ["plain", "csv", "json"])
def test_output_file_is_what_a_pipe_gets(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / "values.txt"
    assert call("values", "status", "--format", fmt, "-o", target) == (0, "", "")
    assert target.read_bytes().decode("utf-8") == call("values", "status", "--format", fmt)[1]
    assert call("-o", target, "values", "status", "-n", "1", "--format", fmt) == (0, "", "")  # before the command too
    assert target.read_bytes().decode("utf-8") == call("values", "status", "-n", "1", "--format", fmt)[1]


def test_csv_with_a_bom(tmp_path: Path, records: list[tf.Record]) -> None:
    target = tmp_path / "units.csv"
    assert call("values", "unit", "--format", "csv", "--bom", "-o", target) == (0, "", "")
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["value", "count"], *([v, str(n)] for v, n in expected(records, "unit"))]


def test_output_file_never_over_the_base(tmp_path: Path) -> None:
    base = tmp_path / "b.toml"
    base.write_bytes(BASE.read_bytes())
    assert "refusing" in error_line(*call("values", "status", "-f", base, "-o", base))
    assert base.read_bytes() == BASE.read_bytes()


# ---------------------------------------------------------------------------- completion


class _Context:
    def __init__(self, params: dict[str, Any]) -> None:
        self.params = params


def _complete(option: str, incomplete: str) -> list[str]:
    opt = FILTER_OPTIONS[option][1]
    complete = opt.settings.get("autocompletion")
    assert complete is not None, f"--{option} has no completion"
    try:
        return list(complete(_Context({"file": None}), incomplete))
    except TypeError:  # the callbacks that need no context take only what is typed
        return list(complete(incomplete))


@pytest.mark.parametrize("option", [name for name in FILTER_OPTIONS if name not in ("since", "until")])
def test_every_filter_option_completes_its_values(option: str, records: list[tf.Record]) -> None:
    if option == "kind":
        assert _complete("kind", "") == ["metric", "project", "milestone"]
        assert _complete("kind", "m") == ["metric", "milestone"]
        return
    values = [value for value, _ in expected(records, option)]
    assert _complete(option, "") == values
    prefix = values[0][:1]
    assert _complete(option, prefix) == [v for v in values if v.startswith(prefix)]


def test_completion_through_the_shell_protocol() -> None:
    """Click's completion, as bash asks for it, offers the base's statuses for --status."""
    import os
    import subprocess

    from .conftest import facts_command, subprocess_env

    env = subprocess_env(_FACTS_COMPLETE="complete_bash", COMP_WORDS="facts projects --status 在", COMP_CWORD="3")
    done = subprocess.run(facts_command(), capture_output=True, env=env, check=False, text=True, cwd=os.getcwd())
    assert "在建" in done.stdout, (done.stdout, done.stderr)


def test_the_values_argument_completes_the_fields() -> None:
    from tongzhou_facts.commands.values import _complete_fields

    assert _complete_fields("") == list(FIELDS)
    assert _complete_fields("s") == ["status", "source"]
