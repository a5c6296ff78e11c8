"""Help a newcomer can read: no click notation, whole summaries, and every help ending with
its exit statuses and environment variables (helpnotes.py), which are held to the code here.

Every section of the help (`facts`, each command, the cache group and its commands) is
rendered through Typer, as app.run_typer prints it, at 40, 80 and 160 columns; `facts help
CMD` is checked against `facts CMD --help` through cli.main, on the stored (fast) path and on
Typer's (a narrow terminal).
"""

from __future__ import annotations

import re
import sys

import pytest

from tongzhou_facts import argv, helpnotes, helptext
from tongzhou_facts.app import run_typer, summary
from tongzhou_facts.cli import main
from tongzhou_facts.commands import CACHE_COMMANDS, COMMANDS, command
from tongzhou_facts.commands.cache import HELP as CACHE_HELP
from tongzhou_facts.env import Environment
from tongzhou_facts.errors import ExitStatus

from .conftest import ROOT

SECTIONS = helptext.sections()
WIDTHS = [40, 80, 160]
#: click's notation, which says nothing to a newcomer: `{QUERY}`, `<str>`, `<int range>`,
#: `TEXT`, `INTEGER RANGE`, `[default: 20; x>=1]`, `[1<=x<=9999]`, `[required]`.
CLICK_NOTATION = re.compile(
    r"\{[A-Z_]+(\.\.\.)?\}|<[a-z ]+>|\bTEXT\b|\bINTEGER\b|\bRANGE\b|\[default:|\bx\s*[<>]=|[<>]=\s*x\b|\[required\]"
)


def render(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = run_typer(args, Environment(stdout=sys.stdout, stderr=sys.stderr))
    out = capsys.readouterr()
    return code, out.out, out.err


def facts(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(args, Environment(stdout=sys.stdout, stderr=sys.stderr))
    out = capsys.readouterr()
    return code, out.out, out.err


def help_of(section: str, width: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", str(width))
    code, out, err = render([*section.split(), "--help"], capsys)
    assert (code, err) == (0, ""), section
    return out


def sections_of(text: str) -> dict[str, str]:
    """A help's sections by title (`Options`, `Exit status`…), each its indented lines."""
    found: dict[str, str] = {}
    title = None
    for line in text.splitlines():
        heading = re.fullmatch(r"([A-Z][a-z ]+):", line)
        if heading:
            title = heading.group(1)
            found[title] = ""
        elif title is not None and line.startswith(" "):
            found[title] += line + "\n"
        elif line.strip():
            title = None
    return found


def rows(block: str) -> dict[str, str]:
    """The rows of a definition list (`  name  text`, text wrapped under itself) as name -> text."""
    found: dict[str, str] = {}
    name = None
    for line in block.splitlines():
        match = re.match(r"  (\S+(?: \S+)*?)(?:\s{2,}(.*))?$", line)
        if match and not line.startswith("   "):
            name = match.group(1)
            found[name] = match.group(2) or ""
        elif name is not None:
            found[name] = (found[name] + " " + line.strip()).strip()
    return found


def options_of(section: str) -> set[str]:
    """The option names of a command (none for a group)."""
    words = section.split()
    if not words or section == "cache":
        return set()
    func = command(words[-1], CACHE_COMMANDS if words[0] == "cache" else COMMANDS)
    assert func is not None
    return {flag for spec in argv.specs(func) if not spec.is_arg for flag in spec.flags}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s or "facts")
def test_no_click_notation_in_any_help(
    section: str, width: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = help_of(section, width, capsys, monkeypatch)
    assert CLICK_NOTATION.findall(text) == [], text
    assert not any(line.endswith("...") for line in sections_of(text).get("Commands", "").splitlines())  # cut to fit


def test_the_notation_check_can_fail() -> None:
    """A positive control: what click writes by itself is caught."""
    for sample in ("facts search [OPTIONS] {QUERY}", "--kind <str>", "--year <int range>", "[default: 20; x>=1]", "[1<=x<=9999]"):
        assert CLICK_NOTATION.search(sample), sample


@pytest.mark.parametrize("width", [80, 160])
def test_usage_lines_and_values_read_as_words(
    width: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    search = help_of("search", width, capsys, monkeypatch)
    assert search.startswith("Usage: facts search [OPTIONS] QUERY...\n")
    options = rows(sections_of(search)["Options"])
    assert "--kind [metric|project|milestone]" in options
    assert "--year YEAR" in options
    assert "-n, --limit N" in options and "Default: 20." in options["-n, --limit N"]
    assert "--format [table|plain|tsv|csv|json|jsonl]" in options
    assert help_of("get", width, capsys, monkeypatch).startswith("Usage: facts get [OPTIONS] ID... [FIELD]...\n")
    assert help_of("check", width, capsys, monkeypatch).startswith("Usage: facts check [OPTIONS] [PATH]...\n")


@pytest.mark.parametrize("width", [80, 160])
@pytest.mark.parametrize("group", ["", "cache"], ids=["facts", "facts cache"])
def test_the_command_list_gives_every_summary_whole(
    group: str, width: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    listed = rows(sections_of(help_of(group, width, capsys, monkeypatch))["Commands"])
    table = CACHE_COMMANDS if group else COMMANDS
    expected = {name: summary(getattr(command(name, table), "__doc__", "")) for name in table}
    if not group:
        expected["cache"] = summary(CACHE_HELP)
    assert listed == expected
    assert all(text.endswith((".", ")")) for text in listed.values()), listed


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s or "facts")
def test_every_help_ends_with_its_exit_statuses_and_environment(
    section: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = help_of(section, 80, capsys, monkeypatch)
    found = sections_of(text)
    assert list(found)[-2:] == ["Exit status", "Environment"], list(found)
    statuses = rows(found["Exit status"])
    assert statuses == dict(helpnotes.exit_rows(section))
    assert {"0", "2"} <= set(statuses)
    variables = rows(found["Environment"])
    assert variables == dict(helpnotes.environment_rows(section, options_of(section)))
    assert "FACTS_DEBUG" in variables and "COLUMNS" in variables
    options = options_of(section)
    if "--file" in options:
        assert {"FACTS_FILE", "FACTS_NO_CACHE", "FACTS_MAX_MB", "XDG_CACHE_HOME"} <= set(variables)
    if "--no-color" in options or "--color" in options:
        assert "NO_COLOR" in variables
    if "--color" in options:
        assert "FORCE_COLOR" in variables
    if "--no-pager" in options:
        assert {"PAGER", "FACTS_PAGER"} <= set(variables)
    if section.startswith("cache"):
        assert {"XDG_CACHE_HOME", "FACTS_NO_CACHE"} <= set(variables)


def test_the_top_level_help_lists_everything_and_the_global_options(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = help_of("", 80, capsys, monkeypatch)
    found = sections_of(text)
    assert set(rows(found["Environment"])) == set(helpnotes.ENVIRONMENT)
    assert set(rows(found["Exit status"])) == {str(int(status)) for status in ExitStatus}
    prose = " ".join(text.split("Options:")[0].split())
    assert "global options may come before or after the command" in prose
    for option in ("-f/--file", "--format", "--fields", "--lang", "--no-color"):
        assert option in prose, option
    assert "help" in rows(found["Commands"])


# ---------------------------------------------------------------------------- the tables hold to the code

#: How the package reads its environment: os.environ.get("X"), os.environ["X"], "X" in
#: os.environ, os.getenv("X"), and limits._setting("X", …).
READS = re.compile(
    r"""environ(?:\.get)?[\[(]\s*["']([A-Z][A-Z0-9_]*)["']|["']([A-Z][A-Z0-9_]*)["']\s+(?:not\s+)?in\s+os\.environ"""
    r"""|getenv\(\s*["']([A-Z][A-Z0-9_]*)["']|_setting\(\s*["']([A-Z][A-Z0-9_]*)["']"""
)
#: Read, but not a setting of facts: HOME only locates ~/.cache (told under XDG_CACHE_HOME).
NOT_SETTINGS = {"HOME"}


def package_sources() -> dict[str, str]:
    return {
        str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
        for path in (ROOT / "tongzhou_facts").rglob("*.py")
        if path.name != "helpnotes.py"
    }


def test_every_variable_the_code_reads_is_in_the_help() -> None:
    read = {name for text in package_sources().values() for match in READS.findall(text) for name in match if name}
    # The check sees what it must:
    assert {"FACTS_FILE", "FACTS_NO_CACHE", "FACTS_DEBUG", "FACTS_MAX_MB", "NO_COLOR", "XDG_CACHE_HOME"} <= read
    assert read - NOT_SETTINGS - set(helpnotes.ENVIRONMENT) == set()


def test_every_variable_the_help_names_is_in_the_code() -> None:
    """Named by the code outside helpnotes.py, or by an option help shows it with (FORCE_COLOR
    comes with --color, PAGER with --no-pager: where neither exists, no help lists it)."""
    text = "\n".join(package_sources().values())
    paths = [*COMMANDS, *(f"cache {name}" for name in CACHE_COMMANDS)]
    every_option = {flag for path in paths for flag in options_of(path)}
    for name, (_, affects) in helpnotes.ENVIRONMENT.items():
        shown = not affects or any(item in every_option or not item.startswith("-") for item in affects)
        if shown:
            assert re.search(rf"[\"']{name}[\"']", text), f"{name} is in the help but the code never reads it"


def test_the_exit_table_names_real_commands() -> None:
    known = {"", *COMMANDS, "cache", *(f"cache {name}" for name in CACHE_COMMANDS)}
    assert set(helpnotes.EXIT) <= known
    for meanings in [helpnotes.EXIT_DEFAULT, *helpnotes.EXIT.values()]:
        assert set(meanings) <= set(ExitStatus) and ExitStatus.OK in meanings and ExitStatus.ERROR in meanings


# ---------------------------------------------------------------------------- facts help


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s or "facts")
@pytest.mark.parametrize("width", [40, 80])
def test_facts_help_cmd_is_facts_cmd_help(
    section: str, width: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    asked = facts(["help", *section.split()], capsys)
    assert asked == facts([*section.split(), "--help"], capsys)
    assert asked[0] == 0 and asked[1].startswith(f"Usage: {' '.join(['facts', *section.split()])} ")
    if width >= helptext.WIDTH:
        assert asked[1] == helptext.stored(section)


@pytest.mark.parametrize("words", [["nosuch"], ["cache", "nosuch"], ["search", "extra"], ["-x"]], ids=" ".join)
def test_facts_help_of_no_command_is_a_usage_error(words: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = facts(["help", *words], capsys)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("facts: error: ") and "Traceback" not in err
