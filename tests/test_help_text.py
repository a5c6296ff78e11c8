"""`--help` and `--version` without Typer (helptext.py), and proof that they say what Typer says.

The stored help (tongzhou_facts/data/help.txt) is rendered here through the Typer app, the
way `app.run_typer` runs any command line, at 80 columns; the test fails when one section
differs, and `FACTS_UPDATE_HELP=1 .venv/bin/python -m pytest tests/test_help_text.py`
rewrites the file (review the diff). The other tests run `cli.main` and compare what the
user sees with Typer's own output, on the fast path and on the paths that must still go to
Typer (a narrow terminal, a line that is not just a help request, a missing file).
Whether a run imported Typer is checked in test_startup.py.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

import tongzhou_facts as tf
from tongzhou_facts import helptext
from tongzhou_facts.app import run_typer
from tongzhou_facts.cli import main
from tongzhou_facts.env import Environment

SECTIONS = helptext.sections()


def typer_says(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Exit status, stdout and stderr of Typer running this command line (never the fast path)."""
    capsys.readouterr()
    code = run_typer(args, Environment(stdout=sys.stdout, stderr=sys.stderr))
    out = capsys.readouterr()
    return code, out.out, out.err


def facts_says(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The same through `cli.main`, which answers help and --version itself when it can."""
    capsys.readouterr()
    code = main(args, Environment(stdout=sys.stdout, stderr=sys.stderr))
    out = capsys.readouterr()
    return code, out.out, out.err


def render(capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """Every section's help as Typer prints it today (`--help`, at 80 columns)."""
    texts = {}
    for section in SECTIONS:
        code, out, err = typer_says([*section.split(), "--help"], capsys)
        assert (code, err) == (0, ""), section
        assert "\n==> " not in out, f"{section}: a help text may not hold the section marker"
        texts[section] = out
    return texts


def test_the_stored_help_is_what_typer_prints(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    texts = render(capsys)
    whole = "".join(helptext.header(section) + text for section, text in texts.items())
    path = Path(helptext.HELP_FILE)
    if os.environ.get("FACTS_UPDATE_HELP"):
        path.write_text(whole, encoding="utf-8")
    stale = [section or "facts" for section, text in texts.items() if helptext.stored(section) != text]
    assert not stale, f"the help of {stale} changed: run FACTS_UPDATE_HELP=1 pytest {__file__} and review the diff"
    assert path.read_text(encoding="utf-8") == whole


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s or "facts")
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_is_typers_byte_for_byte(
    section: str, flag: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "120")  # any width of 80 or more wraps at 78
    args = [*section.split(), flag]
    assert helptext.requested(args) == (section, True)
    found = facts_says(args, capsys)
    assert found == typer_says(args, capsys)
    assert found == (0, helptext.stored(section), "")


@pytest.mark.parametrize("args", [[], ["cache"]], ids=["facts", "facts cache"])
def test_a_bare_group_prints_its_help_on_stderr_and_exits_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    found = facts_says(args, capsys)
    assert found == typer_says(args, capsys)
    assert found == (2, "", helptext.stored(" ".join(args)))


def test_version_without_typer(capsys: pytest.CaptureFixture[str]) -> None:
    assert facts_says(["--version"], capsys) == typer_says(["--version"], capsys) == (0, f"facts {tf.__version__}\n", "")


def test_a_narrow_terminal_gets_typers_narrower_help(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    found = facts_says(["search", "--help"], capsys)
    assert found == typer_says(["search", "--help"], capsys)
    assert found[1] != helptext.stored("search")  # proof that the fast path stepped aside
    assert max(len(line) for line in found[1].splitlines()) <= 58


@pytest.mark.parametrize(
    "args",
    [["search", "异质结", "--help"], ["cache", "info", "extra", "--help"], ["nosuch", "--help"], ["--version", "search"]],
    ids=" ".join,
)
def test_lines_that_are_not_just_a_help_request_go_to_typer(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert helptext.requested(args) is None or args[0] == "--version"
    assert facts_says(args, capsys) == typer_says(args, capsys)


def test_without_the_help_file_typer_answers(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(helptext, "HELP_FILE", os.devnull + "/missing")
    monkeypatch.setenv("COLUMNS", "80")
    expected = typer_says(["get", "--help"], capsys)
    assert facts_says(["get", "--help"], capsys) == expected
    assert expected[0] == 0 and expected[1].startswith("Usage: facts get")
