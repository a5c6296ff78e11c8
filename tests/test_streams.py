"""Standard output and error that fail: closed, full, or a reader that left.

One error path for all of them: a one-line message on stderr where there is one, exit
status 2 (0 for a reader that left, like cat), never a traceback, and never an error
message in the output a script is reading.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import generated_base, subprocess_env

COMMANDS = [
    ["list"],
    ["list", "--format", "table"],
    ["search", "异质结"],
    ["get", "gdp-2023", "value"],
    ["show", "gdp-2023"],
    ["stats", "--format", "json"],
    ["export", "--format", "csv"],
    ["timeline", "--format", "table"],
    ["--version"],
    ["--help"],
    ["search", "--help"],
]


def shell(script: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """`script` in bash, with "$@" the facts command line (python -m tongzhou_facts ARGS)."""
    return subprocess.run(
        ["bash", "-c", script, "bash", sys.executable, "-m", "tongzhou_facts", *args],
        capture_output=True,
        env=subprocess_env(XDG_CACHE_HOME=str(tmp_path / "cache")),
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_closed_stdout(tmp_path: Path, args: list[str]) -> None:
    done = shell('"$@" >&-', tmp_path, *args)
    assert done.returncode == 2, done.stderr
    assert done.stderr == b"facts: error: cannot write to standard output: standard output is closed\n"


@pytest.mark.parametrize("stdout", [">&-", "> /dev/full"])
def test_a_command_with_nothing_to_print_does_not_fail_on_a_closed_stdout(tmp_path: Path, stdout: str) -> None:
    """`facts check` on a clean base prints only its summary, on stderr: stdout is never written."""
    done = shell(f'"$@" {stdout}', tmp_path, "check")
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith(b"facts: checked ") and done.stderr.endswith(b": no problems\n")


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_full_disk(tmp_path: Path, args: list[str]) -> None:
    done = shell('"$@" > /dev/full', tmp_path, *args)
    assert done.returncode == 2, done.stderr
    assert done.stderr == b"facts: error: cannot write to standard output: No space left on device\n"


def test_a_large_output_into_a_full_disk(tmp_path: Path) -> None:
    """Past the stream's buffer the write fails mid-command, not at the final flush."""
    done = shell('"$@" > /dev/full', tmp_path, "export", "--format", "jsonl")
    assert done.returncode == 2
    assert done.stderr == b"facts: error: cannot write to standard output: No space left on device\n"


@pytest.mark.parametrize(
    "args",
    [["get", "nope"], ["search", "zzzqqq"], ["list", "--kind", "nope"], ["serch", "x"], ["get", "gdp-2023", "value"]],
    ids=" ".join,
)
def test_closed_stderr_never_falls_back_to_stdout(tmp_path: Path, args: list[str]) -> None:
    done = shell('"$@" 2>&- > out.txt; echo $? > status.txt', tmp_path, *args)
    assert done.returncode == 0
    printed = (tmp_path / "out.txt").read_bytes()
    assert b"error" not in printed and b"facts:" not in printed
    status = int((tmp_path / "status.txt").read_text())
    if args == ["get", "gdp-2023", "value"]:
        assert (status, printed) == (0, b"1730\n")
    else:
        assert status in (1, 2) and printed == b""


def test_closed_stdin_and_stdout_do_not_let_a_file_take_their_place(tmp_path: Path) -> None:
    """With fds 0-2 closed, the cache database would be opened as fd 1: /dev/null holds it instead."""
    done = shell('"$@" <&- >&- 2>&-; echo $?', tmp_path, "get", "gdp-2023", "value")
    assert done.stdout == b"2\n"
    again = shell('"$@"', tmp_path, "get", "gdp-2023", "value")
    assert again.stdout == b"1730\n" and again.stderr == b""


@pytest.fixture(scope="module")
def big_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,000 records: every listing is larger than a pipe's buffer (64 KB), so the writer
    really meets the closed pipe (the bundled base's output fits in it whole)."""
    return generated_base(tmp_path_factory.mktemp("big") / "big.toml", 2000)


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["list", "--format", "table"],
        ["list", "--format", "json"],
        ["export", "--format", "csv"],
        ["search", "-n1000", "指标"],
    ],
    ids=" ".join,
)
def test_a_reader_that_leaves(tmp_path: Path, big_base: Path, args: list[str]) -> None:
    done = shell('"$@" | head -c 1 > /dev/null; echo "${PIPESTATUS[0]}"', tmp_path, *args, "-f", str(big_base))
    assert done.stdout == b"0\n", done.stderr
    assert done.stderr == b""


def test_no_traceback_when_a_pipe_reader_is_gone_before_the_start(tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    done = subprocess.run(
        [sys.executable, "-m", "tongzhou_facts", "list"],
        stdout=write_end,
        stderr=subprocess.PIPE,
        env=subprocess_env(XDG_CACHE_HOME=str(tmp_path / "cache")),
        timeout=60,
        check=False,
    )
    os.close(write_end)
    assert done.returncode == 0
    assert done.stderr == b""
