"""Every example in the help runs as printed.

The examples are read from the live help (every section rendered through Typer, as
`facts CMD --help` prints it): the lines of each "Examples:" block. Each runs through
`sh -c`, exactly as printed (pipes, redirections and `# comments` included), with the
installed `facts` first on PATH, in a temporary folder laid out like a checkout: the
bundled base as facts.toml, and ../shared/sources/ (the source article) when it is beside
this checkout. The examples of one help run in order in one folder, so a later one may read
what an earlier one wrote (`facts export ... -o facts.db`, then `-f facts.db`).

Each must exit 0 or 1 (found, or nothing found) with no traceback and no error. Only two
kinds of line are skipped, each saying why: those piping into `jq` when jq is not installed,
and those reading ../shared when the source article is absent.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tongzhou_facts import helptext
from tongzhou_facts.app import run_typer
from tongzhou_facts.env import Environment

from .conftest import BASE, SHARED, subprocess_env


def live_help(section: str) -> str:
    """The help of a section as Typer prints it at 80 columns."""
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "80"
    buffer = io.StringIO()
    try:
        with contextlib.redirect_stdout(buffer):
            code = run_typer([*section.split(), "--help"], Environment(stdout=buffer, stderr=sys.stderr))
    finally:
        if saved is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = saved
    assert code == 0, section
    return buffer.getvalue()


def examples_in(text: str) -> list[str]:
    """The lines of every "Examples:" block of a help: after the heading and a blank line,
    the indented lines up to the next blank line."""
    found: list[str] = []
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if line.strip() != "Examples:":
            continue
        block = lines[number + 1 :]
        while block and not block[0].strip():
            block = block[1:]
        for example in block:
            if not example.strip():
                break
            found.append(example.strip())
    return found


EXAMPLES: dict[str, list[str]] = {section: examples_in(live_help(section)) for section in helptext.sections()}
CASES = [(section, number, line) for section, lines in EXAMPLES.items() for number, line in enumerate(lines)]


def test_every_help_has_examples() -> None:
    assert [section or "facts" for section, lines in EXAMPLES.items() if not lines] == []
    assert len(CASES) >= 40


def test_the_collection_reads_blocks_as_printed() -> None:
    """A control: the parser takes the block's lines whole, and stops at its end."""
    text = "Usage: x\n\n  Examples:\n\n    facts a | jq .  # note\n    facts b\n\n  Prose after.\n"
    assert examples_in(text) == ["facts a | jq .  # note", "facts b"]


def why_skipped(line: str) -> str | None:
    if re.search(r"\|\s*jq\b", line) and shutil.which("jq") is None:
        return "jq is not installed here"
    if "../shared" in line and not SHARED.is_dir():
        return "the source article (../shared/sources) is not beside this checkout"
    return None


Folders = dict[str, tuple[Path, set[int]]]


@pytest.fixture(scope="module")
def checkouts() -> Folders:
    """Section -> (its folder, the numbers of the examples already run there)."""
    return {}


def folder_for(section: str, checkouts: Folders, factory: pytest.TempPathFactory) -> tuple[Path, set[int]]:
    if section not in checkouts:
        top = factory.mktemp("examples")
        checkout = top / "checkout"
        checkout.mkdir()
        shutil.copyfile(BASE, checkout / "facts.toml")
        if SHARED.is_dir():
            (top / "shared").symlink_to(SHARED, target_is_directory=True)
        checkouts[section] = (checkout, set())
    return checkouts[section]


def run(line: str, folder: Path) -> subprocess.CompletedProcess[str]:
    bin_dir = os.path.dirname(sys.executable)
    env = subprocess_env(PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""), LC_ALL="C.UTF-8")
    return subprocess.run(
        ["sh", "-c", line], cwd=folder, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(("section", "number", "line"), CASES, ids=[f"{s or 'facts'}: {line}" for s, _, line in CASES])
def test_the_example_runs_as_printed(
    section: str,
    number: int,
    line: str,
    checkouts: Folders,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    reason = why_skipped(line)
    if reason:
        pytest.skip(reason)
    folder, done = folder_for(section, checkouts, tmp_path_factory)
    for earlier in range(number):  # what this one may read (run alone, as with -k)
        if earlier not in done and why_skipped(EXAMPLES[section][earlier]) is None:
            run(EXAMPLES[section][earlier], folder)
            done.add(earlier)
    result = run(line, folder)
    done.add(number)
    said = f"$ {line}\n(exit {result.returncode})\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
    assert result.returncode in (0, 1), said
    assert "Traceback" not in result.stdout + result.stderr, said
    assert "error" not in result.stderr.lower(), said


@pytest.mark.parametrize("line", ["facts get gdp-2023 value  →  1730", "facts get gdp-2023 (the record as JSON)"])
def test_the_check_fails_an_example_that_does_not_run_as_printed(line: str, tmp_path: Path) -> None:
    """A positive control, with the two examples `get`'s help once printed."""
    result = run(line, tmp_path)
    assert result.returncode not in (0, 1) or "error" in result.stderr.lower()
