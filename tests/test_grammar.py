"""One grammar for every command (issue 11): global options before or after the command,
the same filters, -n and -o on every listing command, and values read in any case and as
tables print them.

Each command runs in-process (`conftest.call`: piped UTF-8 streams). What a filter should
keep is computed from the command's own unfiltered output (its JSON records), so a test
states the promise "--X V keeps exactly the records having V, in the same order", whatever
the base holds; each value is chosen so that the bundled base has records with it and
without it on the commands that list them.
"""

from __future__ import annotations

import collections
import csv
import datetime as dt
import io
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tongzhou_facts import argv
from tongzhou_facts.commands import CACHE_COMMANDS, COMMANDS, command
from tongzhou_facts.commands.options import FILTER_OPTIONS, Filters, global_flags

from .conftest import BASE, call, copy_base, error_line, facts_command, subprocess_env

#: One valid line of each command (its required arguments), run piped with each global option.
LINES: dict[str, list[str]] = {
    "search": ["search", "异质结"],
    "ask": ["ask", "通州2023年GDP是多少"],
    "list": ["list", "--kind", "project"],
    "metrics": ["metrics", "--unit", "%"],
    "projects": ["projects"],
    "milestones": ["milestones"],
    "timeline": ["timeline"],
    "chart": ["chart"],
    "show": ["show", "gdp-2023"],
    "get": ["get", "gdp-2023", "value"],
    "cite": ["cite", "gdp-2023"],
    "stats": ["stats"],
    "values": ["values", "status"],
    "check": ["check"],
    "export": ["export", "--format", "csv"],
}
#: A value for each global option that takes one (a new one without a value here is given none it could refuse).
VALUES = {"--format": "json", "--fields": "id,name", "--lang": "en", "--file": str(BASE), "-f": str(BASE), "--color": "never"}
#: Commands that list records: every filter that can apply, -n and -o.
LISTING = ("search", "list", "metrics", "projects", "milestones", "timeline", "chart")


def _globals_of(name: str) -> list[str]:
    """The global options (long names, and -f) a command takes."""
    func = command(name)
    assert func is not None
    taken = argv.flags_of(func)
    return sorted(flag for flag in global_flags() if flag in taken and (flag.startswith("--") or flag == "-f"))


def _written(flag: str, folder: Path, tag: str) -> list[str]:
    if flag in ("--output", "-o"):
        return [flag, str(folder / f"out-{tag}")]
    if global_flags()[flag]:
        return [flag, VALUES.get(flag, "x")]
    return [flag]


CASES = [(name, flag) for name in LINES for flag in _globals_of(name) if not (name == "export" and flag == "--format")]


def test_every_command_with_a_global_option_is_covered() -> None:
    assert set(LINES) | {"coverage", "serve", "help"} == set(COMMANDS)
    assert {name for name, _ in CASES} == set(LINES)


@pytest.mark.parametrize(("name", "flag"), CASES, ids=[f"{n} {f}" for n, f in CASES])
def test_a_global_option_means_the_same_before_the_command(name: str, flag: str, tmp_path: Path) -> None:
    line = LINES[name]
    code, out, err = call(*_written(flag, tmp_path, "before"), *line)
    before = (code, out, err.replace("out-before", "out-after"))  # `export -o` names the file it wrote
    after = call(*line, *_written(flag, tmp_path, "after"))
    assert before == after
    assert before[0] == 0, before
    if flag in ("--output", "-o"):
        assert (tmp_path / "out-before").read_bytes() == (tmp_path / "out-after").read_bytes()
        assert (tmp_path / "out-before").stat().st_size > 0


def test_several_global_options_before_the_command_and_after() -> None:
    before = call("-f", BASE, "--format", "json", "--fields", "id,name", "--lang", "en", "--no-color", "list", "--kind", "项目")
    after = call("list", "--kind", "项目", "-f", BASE, "--format", "json", "--fields", "id,name", "--lang", "en", "--no-color")
    assert before == after
    records = json.loads(before[1])
    assert records and all(set(r) == {"id", "name"} for r in records)


B = str(BASE)
SPELLINGS = [
    (["--format=json", "search", "异质结"], ["search", "--format=json", "异质结"]),
    (["-f", B, "-f", B, "search", "异质结", "-n", "1"], ["search", "-f", B, "-f", B, "异质结", "-n", "1"]),
    ([f"-f{B}", "search", "异质结"], ["search", f"-f{B}", "异质结"]),
    (["--format", "json", "search", "--", "-5"], ["search", "--format", "json", "--", "-5"]),
    (["--format", "search", "search", "x"], ["search", "--format", "search", "x"]),  # a value is the next word
    (["--no-color", "-o", "-", "metrics"], ["metrics", "--no-color", "-o", "-"]),
]


@pytest.mark.parametrize(("args", "rewritten"), SPELLINGS, ids=[" ".join(a) for a, _ in SPELLINGS])
def test_spellings_of_global_options_before_the_command(args: list[str], rewritten: list[str]) -> None:
    from tongzhou_facts.cli import options_after_command

    assert options_after_command(args) == rewritten
    assert call(*args) == call(*rewritten)


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--lang", "en", "check"], "'facts check' does not take --lang"),
        (["--fields", "id", "stats"], "'facts stats' does not take --fields"),
        (["-o", "x.txt", "show", "gdp-2023"], "'facts show' does not take -o"),
        (["--bom", "get", "gdp-2023", "value"], "'facts get' does not take --bom"),
        (["-f", str(BASE), "--format"], "option '--format' requires an argument"),
        (["--fields", "id", "cache", "info"], "'facts cache info' does not take --fields"),
    ],
)
def test_a_global_option_before_a_command_that_does_not_take_it(args: list[str], named: str) -> None:
    assert named in error_line(*call(*args))


def test_help_version_and_bare_facts_keep_working() -> None:
    code, out, err = call("--version")
    assert code == 0 and out.startswith("facts ") and err == ""
    helped = call("--help")
    assert helped[0] == 0 and helped[1].startswith("Usage: facts")
    assert call("-f", BASE, "--help") == helped  # the options have nothing to apply to
    assert call("-f", BASE, "--format", "json", "--version") == (code, out, err)
    bare = call()
    assert bare[0] == 2 and "Usage: facts" in bare[2]
    searched = call("-f", BASE, "search", "--help")
    assert searched[0] == 0 and "Usage: facts search" in searched[1]


NO_COMMAND = "no command after the options (see 'facts --help')"
WITHOUT_A_COMMAND = [
    (["--format", "json"], NO_COMMAND),
    (["-f", str(BASE)], NO_COMMAND),
    (["--format=json", "--no-pager"], NO_COMMAND),
    (["-o", "out.txt"], NO_COMMAND),
    (["-f", "--help"], "option '-f' requires an argument"),  # the help is no file name
    (["-f", "--version"], "option '-f' requires an argument"),
    (["--format", "-h"], "option '--format' requires an argument"),
    (["--fields", "--format", "json"], "No such command 'json'"),  # --format is the value of --fields: click's reading
    (["-f", "-f"], "option '-f' requires an argument"),
    (["--format", "list"], "unknown format 'list' (formats: "),  # the command taken as the value
    (["--color", "list"], "unknown --color 'list' (choose auto, always, never)"),
    (["--lang", "fr"], "unknown language 'fr'"),
]


@pytest.mark.parametrize(("args", "named"), WITHOUT_A_COMMAND, ids=[" ".join(a) for a, _ in WITHOUT_A_COMMAND])
def test_global_options_without_a_command_are_one_error_line(args: list[str], named: str) -> None:
    """Not the 90 lines of help bare `facts` prints: the options say a command was meant."""
    assert named in error_line(*call(*args))


def test_no_command_after_the_options_from_the_console_script() -> None:
    import subprocess

    for args in (["--format", "json"], ["-f", "--help"], ["--color", "list"]):
        done = subprocess.run([*facts_command(), *args], capture_output=True, env=subprocess_env(), check=False)
        assert (done.returncode, done.stdout, done.stderr.count(b"\n")) == (2, b"", 1), done.stderr
        assert done.stderr.startswith(b"facts: error: ")


def test_cache_info_with_a_file_option_is_still_refused_as_before() -> None:
    assert "-f" in error_line(*call("cache", "info", "-f", str(BASE)))
    assert "-f" in error_line(*call("-f", str(BASE), "cache", "info"))


def test_an_unknown_option_before_the_command_is_typers_error() -> None:
    assert "No such option: --nope" in error_line(*call("--nope", "list"))


def test_typer_reads_the_rewritten_line_too() -> None:
    """A line the fast parser hands to Typer (a glued short value) with options before the command."""
    assert call("--format", "json", "search", "异质结", "-n1") == call("search", "异质结", "-n1", "--format", "json")
    assert len(json.loads(call("--format", "json", "search", "异质结", "-n1")[1])) == 1


# ---------------------------------------------------------------------------- the filters


def _start(record: dict[str, Any]) -> dt.date:
    when = str(record.get("date") or record["year"])
    parts = [int(p) for p in when.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


def _status_has(wanted: str) -> Callable[[dict[str, Any]], bool]:
    return lambda record: wanted in str(record.get("status") or "")


#: Each filter: the value typed (in a case or spelling the base does not use), and what it keeps.
FILTERS: dict[str, tuple[str, Callable[[dict[str, Any]], bool]]] = {
    "kind": ("项目", lambda r: r["kind"] == "project"),
    "year": ("2024", lambda r: r["year"] == 2024),
    "category": ("Health", lambda r: r.get("category") == "health"),
    "place": ("金沙湾片区", lambda r: r.get("place") == "金沙湾片区"),
    "status": ("Under Construction", _status_has("在建")),
    "unit": ("％", lambda r: r.get("unit") == "%"),
    "measure": ("GROWTH", lambda r: r.get("measure") == "growth"),
    "since": ("2023-12", lambda r: _start(r) >= dt.date(2023, 12, 1)),
    "until": ("2023", lambda r: _start(r) <= dt.date(2023, 12, 31)),
}
#: The command line of each listing command whose output every filter is checked against.
LISTED = {
    "search": ["search", "2023", "-n", "1000"],
    "list": ["list"],
    "metrics": ["metrics"],
    "projects": ["projects"],
    "milestones": ["milestones"],
    "timeline": ["timeline"],
    "chart": ["chart"],
}


def _offered(name: str) -> list[str]:
    """The filters of a command's Filters group (chart's own --unit is not one)."""
    func = command(name)
    assert func is not None
    return [spec.name for spec in argv.specs(func) if spec.options is not None and spec.options.build is Filters]


FILTER_CASES = [(name, filter_) for name in LISTED for filter_ in _offered(name)]


def _ids(*args: str) -> tuple[int, list[str], list[dict[str, Any]]]:
    code, out, err = call(*args, "--format", "json")
    assert "error" not in err, err
    records = json.loads(out) if out else []
    return code, [r["id"] for r in records], records


def test_every_listing_command_offers_the_filters_that_can_apply() -> None:
    offered = {name: set(_offered(name)) for name in LISTED}
    assert offered["list"] == offered["search"] == set(FILTER_OPTIONS)
    assert offered["metrics"] == set(FILTER_OPTIONS) - {"kind", "status"}
    assert offered["projects"] == set(FILTER_OPTIONS) - {"kind", "unit", "measure"}
    assert offered["milestones"] == offered["timeline"] == {"year", "category", "place", "since", "until"}
    assert offered["chart"] == {"year", "category", "place", "measure", "since", "until"}  # and its own --unit


@pytest.mark.parametrize(("name", "filter_"), FILTER_CASES, ids=[f"{n} --{f}" for n, f in FILTER_CASES])
def test_every_filter_on_every_listing_command(name: str, filter_: str) -> None:
    line = LISTED[name]
    code, everything, records = _ids(*line)
    assert code == 0 and everything
    typed, keeps = FILTERS[filter_]
    expected = [r["id"] for r in records if keeps(r)]
    code, found, _ = _ids(*line, f"--{filter_}", typed)
    if name == "chart":  # panels come by their number of bars, which a filter changes: the same bars
        assert sorted(found) == sorted(expected)
    else:
        assert found == expected
    assert code == (0 if expected else 1)


def test_the_filters_choose_something_and_leave_something_on_list() -> None:
    """The values FILTERS types are real ones: each keeps some of the base and leaves some out."""
    _, everything, records = _ids("list")
    for filter_, (typed, keeps) in FILTERS.items():
        kept = _ids("list", f"--{filter_}", typed)[1]
        assert kept and len(kept) < len(everything), filter_
        assert kept == [r["id"] for r in records if keeps(r)]


def test_filters_combine() -> None:
    _, _, records = _ids("list")
    expected = [r["id"] for r in records if r["kind"] == "metric" and r.get("measure") == "growth" and r["year"] == 2023]
    assert _ids("list", "--kind", "metrics", "--measure", "growth", "--year", "2023")[1] == expected
    assert expected


MEASURE_SPELLINGS = ["growth", "GROWTH", " Growth ", "增速", "Growth rate", "growth RATE"]


@pytest.mark.parametrize("name", ["search", "list", "metrics", "chart"])
@pytest.mark.parametrize("typed", MEASURE_SPELLINGS)
def test_a_measure_by_its_name_or_its_chart_title_on_every_command(name: str, typed: str) -> None:
    """`--measure 增速` is what `facts chart` titles the growth panel: every command reads it so."""
    line = LISTED[name]
    expected = _ids(*line, "--measure", "growth")
    assert expected[0] == 0 and expected[1]
    assert _ids(*line, "--measure", typed)[:2] == expected[:2]


def test_a_measure_is_read_in_one_place(tmp_path: Path) -> None:
    """query.spelt: the base's own spelling first (a base may write its measures in Chinese,
    or capitalised), then a chart title, then the base's spelling in another case."""
    from tongzhou_facts import open_index, query

    base = tmp_path / "measures.toml"
    text = BASE.read_text(encoding="utf-8").replace('measure = "growth"', 'measure = "增速"')
    text = text.replace('measure = "share"', 'measure = "Share"')
    base.write_text(text, encoding="utf-8")
    index = open_index([str(base)])
    assert query.spelt(index, "measure", "增速") == "增速"
    assert query.spelt(index, "measure", "占比") == "Share" == query.spelt(index, "measure", "share")
    assert query.spelt(index, "measure", "growth") == "growth"  # the base has none: finds nothing
    assert query.spelt(index, "measure", "speed") == "speed"
    code, found, _ = _ids("metrics", "-f", base, "--measure", "占比")
    assert code == 0 and found == _ids("metrics", "--measure", "share")[1]


def test_chart_unit_is_its_own() -> None:
    assert _ids("chart", "--unit", "亿元")[1] == _ids("chart", "--unit", "亿")[1] != _ids("chart")[1]


# ---------------------------------------------------------------------------- -n


@pytest.mark.parametrize("name", list(LISTED))
def test_limit_on_every_listing_command(name: str) -> None:
    line = LISTED[name]
    everything = _ids(*line)[1]
    assert len(everything) > 2
    if name == "chart":  # -n is the largest N bars of each panel (a measure in one unit family)
        _, found, records = _ids(*line, "-n", "2")
        assert set(found) < set(everything)
        per_panel = collections.Counter((r.get("measure"), r.get("unit")) for r in records)
        assert max(per_panel.values()) == 2, per_panel
        return
    assert _ids(*line, "-n", "2")[1] == everything[:2]
    assert _ids(*line, "--limit", "1")[1] == everything[:1]


def test_search_keeps_its_default_of_20_and_the_others_list_all() -> None:
    assert len(_ids("search", "2023")[1]) == 20
    assert len(_ids("list")[1]) == len(_ids("search", "2023", "-n", "1000")[1]) > 20


def test_limit_zero_is_a_usage_error() -> None:
    error_line(*call("list", "-n", "0"))


# ---------------------------------------------------------------------------- -o


@pytest.mark.parametrize("name", list(LISTED))
def test_output_file_on_every_listing_command(name: str, tmp_path: Path) -> None:
    line = LISTED[name]
    piped = call(*line, "--format", "tsv")
    target = tmp_path / "out.tsv"
    code, out, err = call(*line, "--format", "tsv", "-o", target)
    assert (code, out, err) == (0, "", "")
    assert target.read_text(encoding="utf-8") == piped[1]


def test_list_csv_with_bom_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "x.csv"
    assert call("list", "--format", "csv", "--bom", "-o", target) == (0, "", "")
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [row["id"] for row in rows] == _ids("list")[1]


def test_output_to_standard_output_as_a_dash() -> None:
    """`-o -` is standard output (the descriptor itself: a real process)."""
    import subprocess

    def run(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([*facts_command(), *args], capture_output=True, env=subprocess_env(), check=False)

    dash, plain = run("list", "-n", "3", "-o", "-"), run("list", "-n", "3")
    assert (dash.returncode, dash.stdout, dash.stderr) == (plain.returncode, plain.stdout, plain.stderr)
    assert plain.stdout.count(b"\n") == 3


def _unchanged(path: Path) -> Callable[[], None]:
    before = path.read_bytes()
    stat = path.stat()

    def check() -> None:
        assert path.read_bytes() == before
        assert path.stat().st_ino == stat.st_ino

    return check


def test_output_never_onto_a_base_given_with_f(tmp_path: Path) -> None:
    base = copy_base(tmp_path)
    check = _unchanged(base)
    line = error_line(*call("list", "-f", base, "-o", base), base)
    assert "refusing" in line
    check()
    assert "refusing" in error_line(*call("-f", base, "-o", tmp_path / "." / "base.toml", "metrics"))
    check()


def test_output_never_onto_a_linked_base(tmp_path: Path) -> None:
    base = copy_base(tmp_path)
    link = tmp_path / "link.toml"
    os.link(base, link)
    check = _unchanged(base)
    assert "refusing" in error_line(*call("list", "-f", base, "-o", link))
    check()


def test_output_never_onto_facts_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = copy_base(tmp_path)
    monkeypatch.setenv("FACTS_FILE", str(base))
    check = _unchanged(base)
    assert "refusing" in error_line(*call("search", "异质结", "-o", base))
    check()


def test_output_never_onto_the_bundled_base_or_the_cache() -> None:
    from tongzhou_facts import cache
    from tongzhou_facts.load import bundled_path

    bundled = Path(bundled_path())
    check = _unchanged(bundled)
    assert "refusing" in error_line(*call("list", "-o", bundled))
    check()
    call("list")  # builds the cache
    folder = cache.cache_dir()
    assert folder
    assert "cache" in error_line(*call("list", "-o", Path(folder) / "x.txt"))
    assert not (Path(folder) / "x.txt").exists()


def test_output_is_whole_or_not_at_all(tmp_path: Path) -> None:
    """An error once the listing has begun (an unknown English status is known only when the
    rows run out) leaves the file as it was."""
    target = tmp_path / "out.txt"
    target.write_text("before\n", encoding="utf-8")
    line = error_line(*call("list", "--status", "half built", "-o", target))
    assert "unknown status" in line
    assert target.read_text(encoding="utf-8") == "before\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_output_of_nothing_found_is_an_empty_file(tmp_path: Path) -> None:
    target = tmp_path / "none.json"
    assert call("list", "--year", "1999", "--format", "json", "-o", target) == (1, "", "")
    assert json.loads(target.read_text(encoding="utf-8")) == []


# ---------------------------------------------------------------------------- values in any case, as tables print them


@pytest.mark.parametrize("typed", ["metric", "metrics", "Metric", "METRICS", "指标", " metric "])
def test_kind_in_any_spelling(typed: str) -> None:
    assert call("list", "--kind", typed) == call("list", "--kind", "metric")


def test_every_kind_label_a_table_prints_is_accepted() -> None:
    from tongzhou_facts import render

    for kind, label in render.KIND_ZH.items():
        assert call("list", "--kind", label) == call("list", "--kind", kind)
        assert call("search", "2023", "--kind", label) == call("search", "2023", "--kind", kind)


def test_format_and_lang_in_any_case() -> None:
    assert call("list", "--format", "JSON") == call("list", "--format", "json")
    assert call("metrics", "--lang", "EN") == call("metrics", "--lang", "en")
    assert call("--format", "Csv", "list") == call("list", "--format", "csv")


@pytest.mark.parametrize("typed", ["在建", "under construction", "Under Construction", "under-construction"])
def test_status_in_chinese_or_english(typed: str) -> None:
    found = _ids("projects", "--status", typed)[1]
    assert found and found == _ids("projects", "--status", "在建")[1]


@pytest.mark.parametrize(
    ("option", "typed", "as_base"),
    [("--category", "ECONOMY", "economy"), ("--measure", "Share", "share"), ("--unit", "％", "%"), ("--unit", "GW", "GW")],
)
def test_data_values_in_any_case(option: str, typed: str, as_base: str) -> None:
    assert _ids("list", option, typed) == _ids("list", option, as_base)


@pytest.mark.parametrize(
    ("args", "listed"),
    [
        (["list", "--kind", "city"], ["metric", "project", "milestone", "指标", "项目", "事件"]),
        (["--kind", "city", "search", "x"], None),
        (["list", "--format", "xml"], ["table", "plain", "tsv", "csv", "json", "jsonl"]),
        (["list", "--lang", "fr"], ["zh", "en"]),
        (["projects", "--status", "half built"], ["topped out", "under construction"]),
        (["list", "--sort", "bogus"], ["year", "name"]),
    ],
)
def test_an_unknown_value_error_lists_the_valid_ones(args: list[str], listed: list[str] | None) -> None:
    code, out, err = call(*args)
    if listed is None:  # --kind is no global option
        assert "No such option: --kind" in error_line(code, out, err)
        return
    line = error_line(code, out, err)
    for value in listed:
        assert value in line, (value, line)


def test_lookup_check_kind_keeps_its_signature() -> None:
    """tools.py (the MCP tools) calls it: the canonical names pass, anything else is one error."""
    from tongzhou_facts.errors import UsageError
    from tongzhou_facts.lookup import check_kind

    for kind in ("metric", "project", "milestone", None):
        assert check_kind(kind) is None
    with pytest.raises(UsageError):
        check_kind("city")


def test_cache_commands_take_no_global_option() -> None:
    for name in CACHE_COMMANDS:
        func = command(name, CACHE_COMMANDS)
        assert func is not None
        assert not argv.flags_of(func) & set(global_flags())


# ---------------------------------------------------------------------------- why a filtered search found nothing


def _on(terminal: bool, *args: str) -> tuple[int, str, str]:
    from tongzhou_facts.cli import main
    from tongzhou_facts.env import Environment

    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), Environment(out, err, is_terminal=terminal, color=False, width=100))
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["异质结", "--category", "health"], "'异质结' matches 5 facts, none of them in category health"),
        (["异质结", "--kind", "指标", "--place", "上海"], "'异质结' matches 5 facts, none of them metrics in 上海"),
        (["异质结", "--status", "Under construction"], "none of them with status 在建"),
        (["异质结", "--since", "2024"], "none of them from 2024 on"),
    ],
)
def test_a_filtered_search_that_finds_nothing_says_what_the_filters_took_away(args: list[str], said: str) -> None:
    assert len(_ids("search", "异质结")[1]) == 5
    code, out, err = _on(True, "search", *args)
    assert (code, out) == (1, "")
    assert said in err and "did you mean" not in err
    assert _on(False, "search", *args) == (1, "", "")  # a pipe: the exit status alone


def test_the_commands_own_formats_in_any_case(tmp_path: Path) -> None:
    source = tmp_path / "s.txt"
    source.write_text("2023年,通州新增1730家企业。\n", encoding="utf-8")
    pairs = [
        (["export", "--format", "CSV"], ["export", "--format", "csv"]),
        (["cite", "gdp-2023", "--format", "JSON", "--lang", "EN"], ["cite", "gdp-2023", "--format", "json", "--lang", "en"]),
        (
            ["ask", "通州2023年GDP是多少", "--lang", "EN", "--kind", "指标"],
            ["ask", "通州2023年GDP是多少", "--lang", "en", "--kind", "metric"],
        ),
        (["coverage", "--source", str(source), "--format", "JSON"], ["coverage", "--source", str(source), "--format", "json"]),
    ]
    for typed, canonical in pairs:
        expected = call(*canonical)
        assert expected[0] in (0, 1) and expected[1], canonical
        assert call(*typed) == expected, typed
