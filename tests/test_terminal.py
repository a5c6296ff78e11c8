"""`facts` as a real process: a pseudo-terminal, a shell pipe into `head -1`, odd encodings and locales.

A terminal (os.openpty, 100 columns unless a test says otherwise) gets a Rich table with
box drawing and ANSI colour, except under NO_COLOR, TERM=dumb or --no-color; a pipe gets
plain lines; a reader that goes away ends the run quietly; PYTHONIOENCODING=ascii and
LANG=C do not crash. POSIX only (pty, sh, head).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

import tongzhou_facts as tf

from .conftest import ROOT, subprocess_env

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty and shell"),
    pytest.mark.usefixtures("module_cache"),
]

FACTS = str(Path(sys.executable).with_name("facts"))
if not Path(FACTS).exists():  # pragma: no cover - a venv without the console script
    FACTS = str(ROOT / ".venv" / "bin" / "facts")

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
BOX_DRAWING = re.compile("[\u2500-\u257f]")
TIMEOUT = 30


@pytest.fixture(scope="module")
def big_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _big_base(tmp_path_factory.mktemp("big"))


def clean_env(**extra: str) -> dict[str, str]:
    """The test's environment (its isolated XDG_CACHE_HOME included) minus anything that steers colour or size."""
    env = subprocess_env()
    for name in ("NO_COLOR", "FORCE_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "COLUMNS", "LINES", "TERM", "PYTHONIOENCODING"):
        env.pop(name, None)
    env["TERM"] = "xterm-256color"
    env["PAGER"] = "cat"  # no pager unless a test asks for one (tests/test_tables.py does)
    env.update(extra)
    return env


def on_tty(*args: str, columns: int = 100, **env: str) -> tuple[int, str, str]:
    """Run facts with stdout on a pseudo-terminal of `columns` columns; (status, screen text, stderr)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    try:
        process = subprocess.Popen(
            [FACTS, *args], stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE, env=clean_env(**env)
        )
    finally:
        os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert process.stderr is not None
    err = process.stderr.read().decode("utf-8", "replace")
    process.stderr.close()
    code = process.wait(TIMEOUT)
    return code, b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n"), err


def piped(*args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([FACTS, *args], capture_output=True, env=clean_env(**env), timeout=TIMEOUT, check=False)


# ---------------------------------------------------------------------------- a terminal


def test_terminal_gets_a_table_with_colour() -> None:
    code, screen, err = on_tty("search", "异质结")
    assert (code, err) == (0, "")
    assert ANSI.search(screen), "a terminal should get colour"
    text = ANSI.sub("", screen)
    assert BOX_DRAWING.search(text), "a terminal should get a drawn table"
    assert "\t" not in text
    assert re.search(r"类型\s+名称 · ID", text), text  # at 100 columns the ids go under the names (test_tables.py)
    assert "lianshen-12gw-hjt-cell-project" in text


@pytest.mark.parametrize(
    ("args", "env"),
    [([], {"NO_COLOR": "1"}), ([], {"TERM": "dumb"}), (["--no-color"], {})],
    ids=["NO_COLOR=1", "TERM=dumb", "--no-color"],
)
def test_colour_off_keeps_the_table(args: list[str], env: dict[str, str]) -> None:
    code, screen, err = on_tty("search", "异质结", *args, **env)
    assert (code, err) == (0, "")
    assert not ANSI.search(screen), f"colour escapes despite {args or env}: {screen[:200]!r}"
    assert "\x1b" not in screen
    assert BOX_DRAWING.search(screen) or "---" in screen, "still a table"
    assert "lianshen-12gw-hjt-cell-project" in screen and "\t" not in screen


@pytest.mark.parametrize("args", [["list"], ["metrics", "--year", "2023"], ["milestones"], ["projects"], ["stats"]])
def test_every_listing_on_a_terminal_is_drawn_not_tab_separated(args: list[str]) -> None:
    code, screen, err = on_tty(*args, "--no-color")
    assert (code, err) == (0, "")
    assert "\t" not in screen
    assert BOX_DRAWING.search(screen) or re.search(r"^\s+\S+\s{2,}\S+", screen, re.M)


def test_terminal_card_for_show() -> None:
    code, screen, err = on_tty("show", "gdp-2023")
    assert (code, err) == (0, "")
    text = ANSI.sub("", screen)
    assert "╭" in text and "╰" in text
    assert "地区生产总值" in text and "通州预计实现地区生产总值1730亿元" in text


def test_terminal_explicit_plain_is_plain() -> None:
    code, screen, err = on_tty("search", "异质结", "--format", "plain")
    assert (code, err) == (0, "")
    assert not ANSI.search(screen) and not BOX_DRAWING.search(screen)
    assert screen.splitlines()[0].startswith("lianshen-12gw-hjt-cell-project\t")


def test_terminal_prints_rich_markup_in_data_literally(tmp_path: Path) -> None:
    base = tmp_path / "markup.toml"
    base.write_text(
        '[[sources]]\nid = "s"\ntitle = "t"\n\n[[metrics]]\nid = "m"\nname = "[bold red]红[/bold red] [link=https://x]y[/link]"\n'
        'year = 2023\nvalue = 1\nunit = "个"\nsource = "s"\nquote = "q"\n',
        encoding="utf-8",
    )
    code, screen, err = on_tty("list", "-f", str(base))
    assert (code, err) == (0, "")
    assert "[bold red]红[/bold red] [link=https://x]y[/link]" in ANSI.sub("", screen)
    assert "\x1b]8;" not in screen  # no hyperlink escape made from the data


@pytest.mark.parametrize("args", [["search", "异质结"], ["list"]])
def test_an_80_column_terminal_keeps_short_values_whole(args: list[str]) -> None:
    """Short columns keep their width (render.NARROW); folding them mid-word is unreadable.

    When the names would get too little room beside the ids, each id goes on a line of its
    own under its record's row (tests/test_tables.py); the kind column stays.
    """
    code, screen, err = on_tty(*args, "--no-color", columns=80)
    assert (code, err) == (0, "")
    assert max(len(line) for line in screen.splitlines()) <= 80
    records = {r.id: r for r in tf.load().records}
    lines = screen.splitlines()
    assert "类型" in lines[0]
    first = 2  # after the header and its rule
    seen = 0
    for number, line in enumerate(lines[2:], 2):
        if line.strip() not in records:
            continue
        record = records[line.strip()]
        row = lines[first].split()  # the record's first row: kind, name, figure, when
        first, seen = number + 1, seen + 1
        kind_label = {"metric": "指标", "project": "项目", "milestone": "事件"}[record.kind]
        assert row[0] == kind_label, f"kind of {record.id} folded: {row}"
        when = record.date or str(record.year)
        assert when in row, f"date of {record.id} folded: {row}"
    assert seen >= 5, screen


# ---------------------------------------------------------------------------- a pipe


def test_pipe_gets_plain_lines() -> None:
    result = piped("search", "异质结")
    assert result.returncode == 0 and result.stderr == b""
    out = result.stdout.decode("utf-8")
    assert "\x1b" not in out and not BOX_DRAWING.search(out)
    assert out.splitlines()[0].startswith("lianshen-12gw-hjt-cell-project\t")


def test_pipe_with_format_table_has_no_colour() -> None:
    result = piped("search", "异质结", "--format", "table")
    assert result.returncode == 0
    out = result.stdout.decode("utf-8")
    assert BOX_DRAWING.search(out) and "\x1b" not in out


def test_csv_bytes_on_a_pipe() -> None:
    result = piped("list", "--format", "csv", "--fields", "id,name", "--bom")
    assert result.stdout.startswith(b"\xef\xbb\xbfid,name\r\n")
    assert result.stdout.endswith(b"\r\n") and b"\r\r\n" not in result.stdout
    assert "地区生产总值".encode() in result.stdout


def test_version_of_the_installed_command() -> None:
    result = piped("--version")
    assert (result.returncode, result.stdout, result.stderr) == (0, f"facts {tf.__version__}\n".encode(), b"")


def _big_base(folder: Path, count: int = 1500) -> Path:
    """A base whose plain listing is far larger than a pipe buffer (64 KiB), so `head` closes it mid-write."""
    path = folder / "big.toml"
    parts = ['[[sources]]\nid = "s"\ntitle = "big"\n']
    for n in range(count):
        parts.append(
            f'[[milestones]]\nid = "event-{n:05d}"\nname = "第{n}个很长的里程碑名称，用来填满管道缓冲区的文字"\n'
            f'year = 2023\nsource = "s"\nquote = "第{n}个"\n'
        )
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def head_one(args: list[str], folder: Path) -> tuple[int, bytes, bytes]:
    """`facts ARGS | head -1` in a real shell; (facts's exit status, what head printed, facts's stderr)."""
    script = '"$0" "$@" 2>"$FACTS_ERR" | head -1; exit "${PIPESTATUS[0]}"'
    err_file = folder / "stderr.txt"
    env = clean_env(FACTS_ERR=str(err_file))
    result = subprocess.run(["bash", "-c", script, FACTS, *args], capture_output=True, env=env, timeout=TIMEOUT, check=False)
    return result.returncode, result.stdout, err_file.read_bytes() + result.stderr


def test_list_into_head_ends_quietly(tmp_path: Path) -> None:
    code, out, err = head_one(["list"], tmp_path)
    assert err == b"", err.decode("utf-8", "replace")
    assert out.decode("utf-8").startswith("gdp-2023\t") and out.count(b"\n") == 1
    assert code == 0


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--format", "jsonl"],
        ["export", "--format", "jsonl"],
        ["search", "2023", "--format", "jsonl", "--limit", "100"],
        ["list", "--format", "jsonl", "--format", "jsonl"],  # a command line left to Typer, not the fast parser
    ],
    ids=" ".join,
)
def test_longer_output_into_head_ends_quietly(args: list[str], tmp_path: Path) -> None:
    code, out, err = head_one(args, tmp_path)
    assert err == b"", err.decode("utf-8", "replace")
    assert out.count(b"\n") == 1
    assert code == 0, f"facts exited {code} after its reader left (1 means 'nothing matched')"


@pytest.mark.parametrize("fmt", ["plain", "jsonl", "csv"])
def test_output_much_larger_than_the_pipe_buffer_into_head(big_base: Path, tmp_path: Path, fmt: str) -> None:
    code, out, err = head_one(["list", "-f", str(big_base), "--format", fmt], tmp_path)
    assert err == b"", err.decode("utf-8", "replace")
    assert out.count(b"\n") == 1
    assert code == 0, f"facts exited {code} after its reader left"


# ---------------------------------------------------------------------------- encodings and locales


@pytest.mark.parametrize(
    "args",
    [
        ["search", "异质结"],
        ["search", "异质结", "--format", "table"],
        ["show", "gdp-2023", "--format", "table"],
        ["milestones", "--format", "tsv"],
        ["stats", "--format", "table"],
        ["timeline", "--format", "table"],
        ["chart", "--format", "table"],
        ["get", "gdp-2023", "quote"],
    ],
    ids=" ".join,
)
def test_ascii_stdout_does_not_crash(args: list[str]) -> None:
    result = piped(*args, PYTHONIOENCODING="ascii")
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    result.stdout.decode("ascii")  # nothing that ascii cannot carry
    assert b"Traceback" not in result.stdout


def test_ascii_stdout_json_still_parses_to_the_real_text() -> None:
    result = piped("show", "gdp-2023", "--format", "json", PYTHONIOENCODING="ascii")
    assert result.returncode == 0
    assert json.loads(result.stdout.decode("ascii"))["name"] == "地区生产总值"


def test_ascii_stderr_error_is_one_line() -> None:
    result = piped("show", "不存在的编号", PYTHONIOENCODING="ascii")
    assert result.returncode == 2
    err = result.stderr.decode("ascii")
    assert err.startswith("facts: error: ") and err.count("\n") == 1


def c_locale(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in clean_env().items() if not k.startswith("LC_") and k != "LANG"}
    env.update(LANG="C", LC_ALL="C")
    env.update(extra)
    return env


@pytest.mark.parametrize(
    "args",
    [
        ["search", "异质结"],
        ["search", "异质结", "--format", "table"],
        ["show", "gdp-2023", "--format", "table"],
        ["list", "--lang", "en"],
    ],
    ids=" ".join,
)
def test_c_locale_does_not_crash(args: list[str]) -> None:
    result = subprocess.run([FACTS, *args], capture_output=True, env=c_locale(), timeout=TIMEOUT, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    assert b"Traceback" not in result.stdout
    assert b"gdp-2023" in result.stdout or b"lianshen-12gw-hjt-cell-project" in result.stdout


def test_c_locale_error_is_one_line() -> None:
    result = subprocess.run([FACTS, "show", "不存在"], capture_output=True, env=c_locale(), timeout=TIMEOUT, check=False)
    assert result.returncode == 2
    assert result.stderr.startswith(b"facts: error: ") and result.stderr.count(b"\n") == 1
