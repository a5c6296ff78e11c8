"""The fast parser (argv.parse) and Typer (app.build_app) agree on every command line.

Both read one set of declarations (argv.Opt/Arg/Options). For every command of COMMANDS and
CACHE_COMMANDS, command lines are generated from `argv.specs(func)` (so a new command or
option is covered without editing this file) and written by hand for the edge cases, and:

- whenever `parse` returns a dict, Typer accepts the same line and hands `call` exactly the
  same values (same keys, same values, same types);
- whenever Typer rejects a line (a click usage error) or prints the help, `parse` returns None;
- `parse` is not too shy: every plainly valid line parses to a dict. The classes of valid
  lines that go to Typer by design are asserted exactly (see BY_DESIGN_TO_TYPER).

Values are compared with no normalisation at all: Typer 0.28 already hands a repeatable
option or a variadic argument over as a list (and None when it is absent, like parse's
default), so a tuple-vs-list or None-vs-[] difference fails the comparison. Types are
compared too (`typed`), so True is not taken for 1.

Also: a declaration the fast parser could not read faithfully is an error when the command
is read (a wrapped function, an undeclared parameter, an Opt with a setting it does not
know), never a silent fallback.
"""

from __future__ import annotations

import contextlib
import functools
import io
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import pytest
import typer
import typer.main
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer._click.exceptions import UsageError as ClickUsageError

from tongzhou_facts import argv
from tongzhou_facts.app import build_app
from tongzhou_facts.argv import Arg, Opt
from tongzhou_facts.commands import CACHE_COMMANDS, COMMANDS, command
from tongzhou_facts.env import Environment

#: The words naming every registered command: ("search",) … ("cache", "info").
EVERY_COMMAND: list[tuple[str, ...]] = [*((name,) for name in COMMANDS), *(("cache", name) for name in CACHE_COMMANDS)]
COMMAND_IDS = [" ".join(words) for words in EVERY_COMMAND]

SETTINGS = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
VALID_EXAMPLES = 60
HOSTILE_EXAMPLES = 150


def function(words: Sequence[str]) -> Callable[..., Any]:
    table = CACHE_COMMANDS if words[0] == "cache" else COMMANDS
    func = command(words[-1], table)
    assert func is not None, words
    return func


# ---------------------------------------------------------------------------- Typer, recorded

_calls: list[tuple[Callable[..., Any], dict[str, Any]]] = []


def _record(func: Callable[..., Any], values: dict[str, Any]) -> int:
    _calls.append((func, dict(values)))
    return 0


@functools.cache
def click_command() -> Any:
    """Every command, built once, with a `call` that records the values instead of running."""
    return typer.main.get_command(build_app(call=_record))


def typer_outcome(words: Sequence[str], args: Sequence[str]) -> tuple[str, Any]:
    """What Typer does with `facts WORDS ARGS`: ("called", values), ("help", None) or ("usage", error).

    Anything else (an internal error of Typer or of the declarations) propagates and fails the test.
    """
    _calls.clear()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            click_command().main(args=[*words, *args], prog_name="facts", standalone_mode=False)
        except typer.Exit:
            return "help", None
        except ClickUsageError as exc:  # BadParameter, NoSuchOption, MissingParameter, BadOptionUsage…
            return "usage", exc
    if not _calls:
        return "help", None  # --help prints and returns normally under standalone_mode=False
    assert len(_calls) == 1, _calls
    func, values = _calls[0]
    assert func is function(words), (func, words)
    return "called", values


def typed(value: Any) -> Any:
    """A value with the type of every part spelt out, so 1 == True or [1] == (1,) cannot pass."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [typed(item) for item in value])
    return (type(value).__name__, value)


def parity(words: Sequence[str], args: Sequence[str]) -> str:
    """Assert the two parsers agree on one command line; return which way it went:
    "fast" (parse's dict, Typer the same), "typer" (parse None, Typer accepts), "usage", "help"."""
    func = function(words)
    line = f"facts {' '.join([*words, *args])!s}  (argv {[*words, *args]!r})"
    parsed = argv.parse(func, list(args))
    outcome, got = typer_outcome(words, args)
    if parsed is not None:
        assert set(parsed) == {spec.name for spec in argv.specs(func)}, f"{line}: parse missed a parameter: {parsed!r}"
        assert outcome == "called", f"{line}: parse gave {parsed!r}, Typer: {outcome} {got!r}"
        assert typed(got) == typed(parsed), f"{line}:\n  parse: {parsed!r}\n  Typer: {got!r}"
        return "fast"
    if outcome == "called":
        return "typer"
    return outcome  # usage or help: parse said None, as it must


# ---------------------------------------------------------------------------- strategies from the specs

#: Text as people (and hostile scripts) type it: CJK, emoji, '=' and '-' first, spaces, empty.
AWKWARD = ["", "-", "--", "-x", "=", "=x", "a=b", "异质结", "川姜镇", "🎉", "👨‍👩‍👧", "a b", " ", "-5", "--help", "-h", "\t", "é"]
TEXT = st.one_of(st.text(max_size=6), st.sampled_from(AWKWARD))
#: A word that, outside `--`, is read as an argument and not as an option.
LOOSE = TEXT.filter(lambda word: word == "-" or not word.startswith("-"))


def _int_values(spec: argv.Spec) -> st.SearchStrategy[str]:
    low = spec.minimum if spec.minimum is not None else -(10**6)
    high = spec.maximum if spec.maximum is not None else 10**6
    return st.integers(low, high).map(str)


def _awkward_ints(spec: argv.Spec) -> st.SearchStrategy[str]:
    """Numbers at and beyond the bounds, and words that are not numbers (or are, to Python's int)."""
    edges = [-1, 0, 1, 10**6, -(10**6)]
    edges += [bound + step for bound in (spec.minimum, spec.maximum) if bound is not None for step in (-1, 0, 1)]
    words = ["", "five", "2023.0", "0x10", "1e3", "٥", " 7 ", "1_0", "+3", "-", "--"]
    return st.one_of(st.sampled_from([str(n) for n in edges] + words), st.integers().map(str), TEXT)


def _value(spec: argv.Spec, hostile: bool) -> st.SearchStrategy[str]:
    if spec.kind is not int:
        return TEXT
    return _awkward_ints(spec) if hostile else _int_values(spec)


@st.composite
def _occurrence(draw: st.DrawFn, spec: argv.Spec, hostile: bool) -> list[str]:
    """One option as written: `--opt value`, `--opt=value`, `-o value` (any of its names)."""
    flag = draw(st.sampled_from(spec.flags))
    if spec.kind is bool:
        return [flag]
    value = draw(_value(spec, hostile))
    if flag.startswith("--") and draw(st.booleans()):
        return [f"{flag}={value}"]
    return [flag, value]


@st.composite
def valid_line(draw: st.DrawFn, func: Callable[..., Any], hostile: bool = False) -> list[str]:
    """A plainly valid command line: options in any order and any spelling, single-valued
    options at most once (a flag maybe twice), repeatable ones up to three times, values in range,
    arguments interleaved, or after `--` (then they may look like options).

    `hostile`: the same shape, but numbers at or past their bounds, or not numbers at all.
    """
    chunks: list[list[str]] = []
    for spec in argv.specs(func):
        if spec.is_arg:
            continue
        times = draw(st.integers(0, 3 if spec.many else 2 if spec.kind is bool else 1))
        chunks.extend(draw(_occurrence(spec, hostile)) for _ in range(times))
    after_dashes = draw(st.booleans())
    words = TEXT if after_dashes else LOOSE
    loose: list[str] = []
    for spec in argv.specs(func):
        if not spec.is_arg:
            continue
        low = 1 if spec.required else 0
        count = draw(st.integers(low, 3 if spec.many else 1))
        loose.extend(draw(words) for _ in range(count))
        if count == 0:
            break  # a later argument would take this one's place
    if after_dashes:
        return [token for chunk in draw(st.permutations(chunks)) for token in chunk] + ["--", *loose]
    mixed = draw(st.permutations([*chunks, *([word] for word in loose)]))
    return [token for chunk in mixed for token in chunk]


def _pool(func: Callable[..., Any]) -> list[str]:
    """Tokens that make a command line interesting for this command."""
    tokens = ["--", "-", "--help", "-h", "--nope", "-z", "--version", "-5", "-1", "0", "1", "9999", "10000"]
    tokens += ["abc", "", "٥", " 7 ", "1_0", "+3", "1e3", "0x10", "2023.0", "=x", "异质结", "🎉"]
    for spec in argv.specs(func):
        if spec.is_arg:
            continue
        for flag in spec.flags:
            tokens.append(flag)
            if flag.startswith("--"):
                tokens += [f"{flag}=", f"{flag}=1", f"{flag}=-1", f"{flag}==x", flag[:-1]]  # and an abbreviation
            else:
                tokens += [f"{flag}=x", f"{flag}5", f"{flag}{flag[1]}", f"-r{flag[1]}"]  # -o=x, -n5, -rr, a cluster
    return tokens


@st.composite
def hostile_line(draw: st.DrawFn, func: Callable[..., Any]) -> list[str]:
    """Anything: random tokens of the command's own options and awkward values, or a valid
    line with awkward numbers and up to three mutations (a token dropped, doubled, inserted,
    or the line cut short)."""
    pool = st.one_of(st.sampled_from(_pool(func)), TEXT)
    if draw(st.booleans()):
        return draw(st.lists(pool, max_size=8))
    line = draw(valid_line(func, hostile=True))
    for _ in range(draw(st.integers(0, 3))):
        where = draw(st.integers(0, len(line)))
        mutation = draw(st.sampled_from(["drop", "double", "insert", "cut"]))
        if mutation == "insert" or not line:
            line.insert(where, draw(pool))
        elif mutation == "drop":
            del line[min(where, len(line) - 1)]
        elif mutation == "double":
            token = line[min(where, len(line) - 1)]
            line.insert(where, token)
        else:
            line = line[:where]
    return line


# ---------------------------------------------------------------------------- generated lines


@pytest.mark.parametrize("words", EVERY_COMMAND, ids=COMMAND_IDS)
def test_every_plainly_valid_line_is_parsed_fast_and_as_typer_does(words: tuple[str, ...]) -> None:
    func = function(words)
    seen: list[str] = []

    @settings(SETTINGS, max_examples=VALID_EXAMPLES)
    @given(valid_line(func))
    def check(args: list[str]) -> None:
        seen.append(parity(words, args))

    check()
    # Not too shy: every one of them took the fast path (and Typer agreed on each).
    assert seen and set(seen) == {"fast"}, {way: seen.count(way) for way in set(seen)}


@pytest.mark.parametrize("words", EVERY_COMMAND, ids=COMMAND_IDS)
def test_any_line_parse_accepts_typer_accepts_the_same(words: tuple[str, ...]) -> None:
    func = function(words)
    seen: list[str] = []

    @settings(SETTINGS, max_examples=HOSTILE_EXAMPLES)
    @given(hostile_line(func))
    def check(args: list[str]) -> None:
        seen.append(parity(words, args))

    check()
    # The generator reaches both sides: lines parse takes, and lines Typer refuses.
    assert "fast" in seen and "usage" in seen, {way: seen.count(way) for way in set(seen)}


# ---------------------------------------------------------------------------- hand-written edge cases

FAST, TYPER, USAGE, HELP = "fast", "typer", "usage", "help"

EDGE_CASES: list[tuple[str, list[str], str]] = [
    # any order, both spellings, short names, every output option
    ("search", ["异质结"], FAST),
    ("search", ["--year=2023", "异质结", "-n", "5", "chuanjiang"], FAST),
    (
        "search",
        [
            *("异质结", "--kind", "project", "--year", "2023", "-n", "5", "--format=json", "--fields", "id,name"),
            *("--lang", "en", "--no-color", "--bom", "--csv-raw", "-f", "a.toml", "--file=b.toml"),
        ],
        FAST,
    ),
    ("search", ["x", "--no-color", "--no-color"], FAST),  # a flag twice is still just on
    ("search", ["x", "-f", "a", "-f", "a", "--file", "b"], FAST),  # a list option repeated, in order
    # `--` and words that look like options
    ("search", ["--", "-5"], FAST),
    ("search", ["--", "--kind", "x", "-n", "--"], FAST),
    ("search", ["--", "--help"], FAST),
    ("search", ["x", "--"], FAST),
    ("get", ["a", "--", "-b"], FAST),
    ("check", ["--", "-x.toml", "--source"], FAST),
    ("search", ["-5"], USAGE),  # a negative number outside `--` is an unknown option
    # numbers at and beyond min/max, and non-numbers
    ("search", ["x", "-n", "1"], FAST),
    ("search", ["x", "-n", "0"], USAGE),
    ("search", ["x", "-n", "-1"], USAGE),
    ("search", ["x", "--year", "1"], FAST),
    ("search", ["x", "--year", "9999"], FAST),
    ("search", ["x", "--year", "0"], USAGE),
    ("search", ["x", "--year", "10000"], USAGE),
    ("search", ["x", "--year", "-5"], USAGE),
    ("search", ["x", "--year=-5"], USAGE),
    ("list", ["--year", "two"], USAGE),
    ("list", ["--year", ""], USAGE),
    ("list", ["--year", "2023.0"], USAGE),
    ("list", ["--year", "0x7e7"], USAGE),
    ("search", ["x", "-n", "٥"], FAST),  # both parsers read numbers with Python's int(): Unicode digits,
    ("search", ["x", "-n", " 5 "], FAST),  # spaces around,
    ("search", ["x", "-n", "1_0"], FAST),  # underscores
    ("search", ["x", "-n", "+5"], FAST),  # and a plus sign
    # unicode, emoji, empty strings, values starting with - or =
    ("search", ["🎉", "👨‍👩‍👧", "醫保"], FAST),
    ("search", [""], FAST),
    ("search", ["x", "--kind", ""], FAST),
    ("search", ["x", "--format="], FAST),
    ("search", ["x", "--kind", "-x"], FAST),
    ("search", ["x", "--kind", "--year"], FAST),  # an option's value is the next word, whatever it is
    ("search", ["x", "--kind", "--"], FAST),
    ("search", ["x", "--kind", "--help"], FAST),
    ("search", ["x", "--fields", "=id"], FAST),
    ("search", ["x", "--fields==id"], FAST),
    ("metrics", ["--min", "-5", "--max=-1%"], FAST),
    ("metrics", ["--min", "100亿元"], FAST),
    # what a C locale or a script can hand over: lone surrogates, NUL, look-alike dashes, wide digits
    ("search", ["\udcff"], FAST),
    ("search", ["x", "--kind", "\udce9"], FAST),
    ("search", ["x\x00y"], FAST),
    ("search", ["—kind", "a"], FAST),  # an em dash is not an option
    ("search", ["-é"], USAGE),
    ("search", ["---kind", "a"], USAGE),
    ("search", ["--=x", "a"], USAGE),
    ("search", ["x", "--KIND", "a"], USAGE),  # options are case-sensitive
    ("search", ["x", "-n", "１２"], FAST),
    ("search", ["x", "-n", "99999999999999999999999"], FAST),  # no maximum
    ("search", ["x", "--year", "０"], USAGE),
    ("export", ["-o", "--format"], FAST),  # the output file is called "--format"
    ("search", ["x", "-nn", "5"], USAGE),
    # `-` as a value or an argument
    ("search", ["-"], FAST),
    ("search", ["x", "-"], FAST),
    ("search", ["x", "-f", "-"], FAST),
    ("export", ["-o", "-"], FAST),
    # bool flags given a value, unknown options (no abbreviations), missing values
    ("search", ["x", "--no-color=1"], USAGE),
    ("search", ["x", "--no-color="], USAGE),
    ("list", ["--reverse=1"], USAGE),
    ("search", ["x", "--nope"], USAGE),
    ("search", ["x", "-z"], USAGE),
    ("search", ["x", "--form", "json"], USAGE),
    ("search", ["x", "--version"], USAGE),
    ("search", ["x", "-n"], USAGE),
    ("search", ["x", "--kind"], USAGE),
    ("export", ["-o"], USAGE),
    ("search", ["x", "-n=5"], USAGE),  # click reads "=5" as -n's value
    # missing required arguments, extra arguments
    ("search", [], USAGE),
    ("search", ["--kind", "project"], USAGE),
    ("get", [], USAGE),
    ("get", ["a", "b", "c"], FAST),  # ids and fields, as many as given
    ("show", [], USAGE),
    ("show", ["a", "b"], USAGE),
    ("export", ["extra"], USAGE),
    ("stats", ["extra"], USAGE),
    # options a command does not take
    ("show", ["gdp-2023", "--fields", "id"], FAST),
    ("show", ["gdp-2023", "--bom"], USAGE),
    ("stats", ["--fields", "x"], USAGE),
    ("get", ["gdp-2023", "--format", "json"], FAST),
    ("get", ["gdp-2023", "--fields", "id"], USAGE),
    # help
    ("search", ["--help"], HELP),
    ("search", ["x", "-h"], HELP),
    ("get", ["-h"], HELP),
    # one valid line per command family
    ("get", ["gdp-2023", "value"], FAST),
    ("get", ["gdp-2023"], FAST),
    ("get", ["-f", "x.toml", "gdp-2023"], FAST),
    ("show", ["gdp-2023", "--format", "json", "--lang", "en", "--no-color"], FAST),
    ("list", ["--kind", "project", "-r", "--sort", "year", "--category", "economy", "--place", "川姜镇"], FAST),
    ("metrics", ["--year", "2023", "--unit", "%", "--sort", "value", "-r"], FAST),
    ("projects", ["--min-investment", "50亿元", "--status", "开工"], FAST),
    ("milestones", ["--since", "2023-09", "--until", "2023-12", "--category", "honour"], FAST),
    ("timeline", ["--since", "2023-09"], FAST),
    ("chart", [], FAST),
    ("chart", ["--unit", "亿元", "--measure", "growth"], FAST),
    ("stats", ["--format", "json", "--csv-raw"], FAST),
    ("check", [], FAST),
    ("check", ["a.toml", "b.toml", "--source", "s.txt", "--source", "id=t.txt"], FAST),
    ("show", ["gdp-2023", "--source", "article.txt", "--format", "json"], FAST),
    ("show", ["gdp-2023", "--source"], USAGE),
    ("coverage", [], FAST),  # parsed; the command itself asks for --source
    ("coverage", ["--source", "a.txt", "--id", "s", "-f", "x.toml", "--format", "tsv"], FAST),
    ("coverage", ["--source", "a.txt", "--fields", "id"], USAGE),
    ("coverage", ["extra"], USAGE),
    ("export", ["--output=x.csv", "--format", "csv", "--bom"], FAST),
    ("export", ["--format", "sqlite", "-o", "x.db"], FAST),
    ("cache info", [], FAST),
    ("cache clear", [], FAST),
    ("cache info", ["x"], USAGE),
    ("cache clear", ["--format", "json"], USAGE),
    ("cache info", ["--help"], HELP),
    # the filters, -n and -o on every listing command (issue 11), each where it can apply
    ("list", ["-n", "5", "--status", "在建", "--since", "2023", "--until", "2023-12", "--measure", "growth"], FAST),
    ("list", ["--unit", "%", "-o", "x.csv", "--format", "csv", "--bom", "--place", "川姜镇"], FAST),
    ("list", ["-n", "0"], USAGE),
    ("metrics", ["--measure", "growth", "--place", "川姜镇", "-n", "3", "--since=2023", "--until", "2024"], FAST),
    ("metrics", ["--kind", "metric"], USAGE),  # not offered where it cannot apply
    ("metrics", ["--status", "开工"], USAGE),
    ("projects", ["--status", "under construction", "--place", "金沙湾片区", "-n", "2", "--output=p.json"], FAST),
    ("projects", ["--unit", "%"], USAGE),
    ("milestones", ["--year", "2023", "--place", "上海", "-n", "1", "-o", "-"], FAST),
    ("milestones", ["--status", "开工"], USAGE),
    ("timeline", ["--category", "honour", "--place", "x", "-n", "2", "--until", "2023-12"], FAST),
    ("timeline", ["--kind", "project"], USAGE),
    ("chart", ["--place", "x", "--since", "2023", "-n", "3", "--measure", "share", "--category", "economy"], FAST),
    ("search", ["x", "--status", "开工", "--since", "2023-12", "--unit", "亿元", "--measure", "level", "-o", "r.txt"], FAST),
    ("search", ["x", "--category", "health", "--place", "川姜镇", "--until", "2024"], FAST),
    ("values", ["status"], FAST),
    ("values", ["unit", "--format", "json", "-f", "a.toml", "--lang", "en", "--csv-raw", "--no-color"], FAST),
    ("values", [], FAST),  # parsed; the command itself lists the fields
    ("values", ["a", "b"], USAGE),
    ("values", ["status", "--fields", "x"], USAGE),
]


@pytest.mark.parametrize(("name", "args", "expected"), EDGE_CASES, ids=[f"{n} {' '.join(a)}" for n, a, _ in EDGE_CASES])
def test_edge_case(name: str, args: list[str], expected: str) -> None:
    assert parity(tuple(name.split()), args) == expected


#: Valid lines that go to Typer by design, each class with what Typer makes of it: parse
#: declines rather than guess (Typer keeps the last of a single option given twice; a short
#: option's glued value and clustered short flags are rare enough not to be worth a parser).
BY_DESIGN_TO_TYPER: list[tuple[str, list[str], dict[str, Any]]] = [
    ("search", ["-n", "5", "-n", "6", "x"], {"limit": 6}),  # a single-valued option given twice
    ("search", ["x", "--kind", "project", "--kind", "metric"], {"kind": "metric"}),
    ("export", ["-o", "a", "--output=b"], {"output": "b"}),
    ("search", ["x", "-n5"], {"limit": 5}),  # a short option with its value glued on
    ("export", ["-o=x"], {"output": "=x"}),  # ... which makes "-o=x" the value "=x", as click reads it
    ("export", ["-ox.csv"], {"output": "x.csv"}),
    ("list", ["-rr"], {"reverse": True}),  # clustered short flags
    ("list", ["-rf", "a.toml"], {"reverse": True, "file": ["a.toml"]}),
]


@pytest.mark.parametrize(
    ("name", "args", "values"), BY_DESIGN_TO_TYPER, ids=[f"{n} {' '.join(a)}" for n, a, _ in BY_DESIGN_TO_TYPER]
)
def test_lines_that_go_to_typer_by_design(name: str, args: list[str], values: dict[str, Any]) -> None:
    words = tuple(name.split())
    assert argv.parse(function(words), args) is None
    outcome, got = typer_outcome(words, args)
    assert outcome == "called"
    assert {key: got[key] for key in values} == values


@pytest.mark.parametrize("words", EVERY_COMMAND, ids=COMMAND_IDS)
def test_a_repeated_single_option_is_the_only_valid_repetition_typer_takes(words: tuple[str, ...]) -> None:
    """Every single-valued (non-flag) option, given twice: parse declines, Typer keeps the last."""
    func = function(words)
    required = ["x" for spec in argv.specs(func) if spec.is_arg and spec.required]
    for spec in argv.specs(func):
        if spec.is_arg or spec.many or spec.kind is bool:
            continue
        first, last = ("1", "2") if spec.kind is int else ("a", "b")
        args = [*required, spec.flags[0], first, spec.flags[-1], last]
        assert argv.parse(func, args) is None, args
        outcome, got = typer_outcome(words, args)
        assert outcome == "called", (args, got)
        assert got[spec.name] == (int(last) if spec.kind is int else last)


# ---------------------------------------------------------------------------- every command has a fast path

#: One representative valid line per registered command.
REPRESENTATIVE: dict[str, list[str]] = {
    "search": ["异质结"],
    "ask": ["通州2023年GDP是多少", "--related", "1"],
    "list": ["--kind", "project"],
    "metrics": ["--min", "100亿元"],
    "projects": ["--status", "开工"],
    "milestones": ["--since", "2023-12"],
    "timeline": [],
    "chart": ["--measure", "growth"],
    "show": ["gdp-2023", "--format", "json"],
    "get": ["gdp-2023", "value"],
    "cite": ["gdp-2023", "gdp-growth-2023", "--style", "apa"],
    "stats": [],
    "values": ["status"],
    "check": [],
    "coverage": ["--source", "../shared/sources/tongzhou-2023-review.txt", "--format", "json"],
    "export": ["--format", "csv"],
    "serve": ["--mcp"],
    "help": ["cache", "info"],
    "cache info": [],
    "cache clear": [],
}


def test_every_registered_command_has_a_representative_line() -> None:
    assert set(REPRESENTATIVE) == set(COMMAND_IDS)


@pytest.mark.parametrize("name", COMMAND_IDS)
def test_every_command_has_a_working_fast_path(name: str) -> None:
    words = tuple(name.split())
    args = REPRESENTATIVE.get(name)
    assert args is not None, f"no representative line for {name!r}: add one to REPRESENTATIVE"
    parsed = argv.parse(function(words), args)
    assert isinstance(parsed, dict), (name, args)
    assert parity(words, args) == FAST


@pytest.mark.parametrize("words", EVERY_COMMAND, ids=COMMAND_IDS)
def test_the_shortest_valid_line_of_every_command_is_fast(words: tuple[str, ...]) -> None:
    """Only the required arguments (whatever they are): parse takes it, every default filled in."""
    func = function(words)
    args = [f"word{i}" for i, spec in enumerate(argv.specs(func)) if spec.is_arg and spec.required]
    parsed = argv.parse(func, args)
    assert parsed is not None, args
    for spec in argv.specs(func):
        if not spec.required:
            assert parsed[spec.name] == spec.default, spec.name
    assert parity(words, args) == FAST


# ---------------------------------------------------------------------------- declarations rejected loudly


def _fake(
    env: Environment,
    name: Annotated[str, Arg(metavar="NAME")],
    count: Annotated[int, Opt("--count", "-c", min=1)] = 1,
) -> int:
    return len(f"{env}{name}") * count


@functools.wraps(_fake)
def _wrapped(*args: Any, **kwargs: Any) -> int:
    return _fake(*args, **kwargs)


def _undeclared(name: Annotated[str, Arg()], count: int = 1) -> int:
    return len(name) * count


def _unannotated(name: Annotated[str, Arg()], count=1) -> int:  # type: ignore[no-untyped-def]
    return len(name) * count


def _annotated_without_opt(name: Annotated[str, "just a note"]) -> int:
    return len(name)


def _two_declarations(name: Annotated[str, Arg(), Opt("--name")]) -> int:
    return len(name)


def _float(ratio: Annotated[float, Opt("--ratio")] = 0.5) -> int:
    return int(ratio)


def _shared_flag(a: Annotated[str, Opt("--x")] = "", b: Annotated[str, Opt("--x")] = "") -> int:
    return len(a + b)


def test_the_fake_command_itself_is_fine() -> None:
    """The control: the unwrapped command reads and parses (so the failures below are the wrapper's)."""
    assert [spec.name for spec in argv.specs(_fake)] == ["name", "count"]
    assert argv.parse(_fake, ["a", "-c", "2"]) == {"name": "a", "count": 2}


def test_a_wrapped_command_is_rejected_loudly() -> None:
    with pytest.raises(TypeError, match="wrapper"):
        argv.specs(_wrapped)
    with pytest.raises(TypeError):
        argv.parse(_wrapped, ["a"])


def _plain_wrapper(*args: Any, **kwargs: Any) -> int:
    """A decorator's wrapper without functools.wraps: no __wrapped__, and no parameters either."""
    return _fake(*args, **kwargs)


def _bool_argument(flag: Annotated[bool, Arg()] = False) -> int:
    return int(flag)


def _slash_flags(color: Annotated[bool, Opt("--color/--no-color")] = False) -> int:
    return int(color)


def _dashless(kind: Annotated[str | None, Opt("kind")] = None) -> int:
    return len(kind or "")


def _many_then_one(a: Annotated[list[str], Arg()], b: Annotated[str, Arg()] = "d") -> int:
    return len(a) + len(b)


def _wrong_default(n: Annotated[int, Opt("--n")] = "5") -> int:  # type: ignore[assignment]
    return int(n)


def _list_default(f: Annotated[list[str] | None, Opt("--f")] = ["a"]) -> int:  # noqa: B006 - the declaration under test
    return len(f or [])


def _env_as_option(env: Annotated[str, Opt("--env")] = "dev") -> int:
    return len(env)


@pytest.mark.parametrize(
    "func",
    [_plain_wrapper, _bool_argument, _slash_flags, _dashless, _many_then_one, _wrong_default, _list_default, _env_as_option],
)
def test_a_declaration_typer_would_read_differently_is_rejected(func: Callable[..., Any]) -> None:
    """Each of these parses differently in the fast parser and in Typer (or not at all in one)."""
    with pytest.raises(TypeError):
        argv.specs(func)


@pytest.mark.parametrize("func", [_undeclared, _unannotated, _annotated_without_opt, _two_declarations, _float, _shared_flag])
def test_a_parameter_the_parser_cannot_read_is_rejected(func: Callable[..., Any]) -> None:
    with pytest.raises(TypeError):
        argv.specs(func)


@pytest.mark.parametrize(
    "setting", ["rich_help_panel", "envvar", "hidden", "count", "flag_value", "prompt", "case_sensitive", "click_type", "parser"]
)
@pytest.mark.parametrize("kind", [Opt, Arg])
def test_an_unsupported_typer_setting_is_rejected_when_declared(kind: type[argv.Param], setting: str) -> None:
    with pytest.raises(TypeError, match=setting):
        kind("--x", **{setting: "a"}) if kind is Opt else kind(**{setting: "a"})


def test_an_argument_with_option_names_is_rejected() -> None:
    def named(name: Annotated[str, Arg("--name")]) -> int:
        return len(name)

    with pytest.raises(TypeError):
        argv.specs(named)


# ---------------------------------------------------------------------------- help-only settings


def _chooser(
    kind: Annotated[str | None, Opt("--kind", help="A kind.", choices=("metric", "project"))] = None,
    count: Annotated[int, Opt("--count", "-c", min=1, max=5)] = 2,
) -> int:
    return len(kind or "") * count


def _typer_on(func: Callable[..., Any], args: list[str]) -> tuple[str, Any]:
    """("called", values) or ("usage", message) of Typer running one fake command."""
    app = typer.Typer()
    app.command()(argv.typer_function(func, _record))
    _calls.clear()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            typer.main.get_command(app).main(args=args, prog_name="fake", standalone_mode=False)
        except ClickUsageError as exc:
            return "usage", exc.format_message()
    return "called", _calls[0][1]


@pytest.mark.parametrize("value", ["metric", "project", "指标", "METRICS", ""])
def test_choices_are_help_only_in_both_parsers(value: str) -> None:
    """`choices` shows values in help and completion; neither parser rejects another spelling
    (the command checks, and may accept 指标 or METRICS)."""
    parsed = argv.parse(_chooser, ["--kind", value])
    assert parsed == {"kind": value, "count": 2}
    assert _typer_on(_chooser, ["--kind", value]) == ("called", parsed)


@pytest.mark.parametrize(("value", "fast"), [("1", True), ("5", True), ("0", False), ("6", False), ("-1", False)])
def test_bounds_agree_and_typer_says_them_in_words(value: str, fast: bool) -> None:
    parsed = argv.parse(_chooser, ["-c", value])
    outcome, got = _typer_on(_chooser, ["-c", value])
    if fast:
        assert parsed == got == {"kind": None, "count": int(value)}
        assert outcome == "called"
    else:
        assert parsed is None
        assert outcome == "usage"
        assert f"{value} is not from 1 to 5" in got and "x<=" not in got


# ---------------------------------------------------------------------------- global options before the command


def _global_specs(func: Callable[..., Any]) -> list[argv.Spec]:
    """The global options a command takes (-f and the output options, commands.options.global_flags)."""
    from tongzhou_facts.commands.options import global_flags

    names = set(global_flags())
    return [spec for spec in argv.specs(func) if not spec.is_arg and set(spec.flags) & names]


@st.composite
def leading_options(draw: st.DrawFn, func: Callable[..., Any]) -> list[str]:
    """Global options as written before the command: any spelling, any value (also ones that
    look like options or commands), each at most once (a list option up to three times)."""
    chunks: list[list[str]] = []
    for spec in _global_specs(func):
        times = draw(st.integers(0, 3 if spec.many else 1))
        chunks.extend(draw(_occurrence(spec, False)) for _ in range(times))
    return [token for chunk in draw(st.permutations(chunks)) for token in chunk]


@pytest.mark.parametrize("words", EVERY_COMMAND, ids=COMMAND_IDS)
def test_global_options_before_the_command_are_read_as_after_it(words: tuple[str, ...]) -> None:
    """`facts OPTS CMD REST` is rewritten to `facts CMD OPTS REST` exactly (cli.options_after_command),
    and both parsers agree on the rewritten line: the options mean the same in either place."""
    from tongzhou_facts.cli import options_after_command

    func = function(words)
    seen: list[str] = []

    @settings(SETTINGS, max_examples=VALID_EXAMPLES)
    @given(leading_options(func), valid_line(func))
    def check(leading: list[str], rest: list[str]) -> None:
        assert options_after_command([*leading, *words, *rest]) == [*words, *leading, *rest]
        seen.append(parity(words, [*leading, *rest]))

    check()
    assert "fast" in seen, {way: seen.count(way) for way in set(seen)}


def test_every_listing_command_takes_every_global_option() -> None:
    """-f and every output option (-o among them) on every listing command."""
    from tongzhou_facts.commands.options import global_flags

    for name in ("search", "list", "metrics", "projects", "milestones", "timeline", "chart"):
        assert set(global_flags()) <= argv.flags_of(function((name,))), name
