"""The pager, as git and gh have one, under a real pseudo-terminal (100 x 40) and a fake pager:
a shell script that records what it was given.

Output taller than the terminal goes through $FACTS_PAGER, else $PAGER, else `less -FRX`:
listings, cards, charts, citations and help alike; shorter output, a pipe, `--no-pager`, an
empty PAGER or `cat` mean none; a pager that cannot start (a shell-style one included) means
the text is written directly, quietly; quitting it early is quiet; the exit status is the
command's; colour passes through.
"""

from __future__ import annotations

import io
import stat
import sys
from pathlib import Path

import pytest

from tongzhou_facts import pager
from tongzhou_facts.env import Environment, pager_command

from .test_terminal import ANSI, on_tty, piped

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty and shell"),
    pytest.mark.usefixtures("module_cache"),
]

TALL = ("list",)  # 101 records: far more than 40 lines
SHORT = ("search", "异质结")  # a dozen lines


@pytest.fixture
def fake(tmp_path: Path) -> tuple[str, Path, Path]:
    """A pager that saves its input and its LESS variable, and says so on the screen."""
    got, less = tmp_path / "got.txt", tmp_path / "less.txt"
    script = tmp_path / "fake-pager"
    script.write_text(f'#!/bin/sh\ncat > "{got}"\nprintf "%s" "${{LESS-unset}}" > "{less}"\necho PAGED\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script), got, less


def test_tall_output_goes_through_the_pager(fake: tuple[str, Path, Path]) -> None:
    script, got, less = fake
    code, screen, err = on_tty(*TALL, FACTS_PAGER=script)
    assert (code, err) == (0, "")
    assert screen.strip() == "PAGED", screen[:300]
    text = got.read_text()
    assert "gdp-2023" in ANSI.sub("", text) and text.count("\n") > 40
    assert ANSI.search(text), "colour passes through to the pager (less -R)"
    assert less.read_text() == "FRX", "a bare less still gets -FRX, as git sets it"


def test_facts_pager_comes_before_pager(fake: tuple[str, Path, Path]) -> None:
    script, got, _ = fake
    code, screen, _ = on_tty(*TALL, FACTS_PAGER=script, PAGER="false")
    assert code == 0 and screen.strip() == "PAGED" and got.exists()
    got.unlink()
    code, screen, _ = on_tty(*TALL, PAGER=script)
    assert code == 0 and screen.strip() == "PAGED" and got.exists()


def test_a_card_is_paged_when_taller_than_the_screen(fake: tuple[str, Path, Path]) -> None:
    script, got, _ = fake
    code, screen, _ = on_tty("show", "gdp-2023", FACTS_PAGER=script, LINES="10")  # LINES: the height
    assert code == 0 and screen.strip() == "PAGED" and "1730" in got.read_text()
    got.unlink()
    code, screen, _ = on_tty("show", "gdp-2023", FACTS_PAGER=script)  # 40 lines: it fits
    assert code == 0 and "1730" in screen and not got.exists()


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (SHORT, {"FACTS_PAGER": "SCRIPT"}),
        ((*TALL, "--no-pager"), {"FACTS_PAGER": "SCRIPT"}),
        (TALL, {"PAGER": ""}),
        (TALL, {"PAGER": "cat"}),
        (TALL, {"FACTS_PAGER": "", "PAGER": "SCRIPT"}),
    ],
    ids=["shorter than the screen", "--no-pager", "PAGER empty", "PAGER=cat", "FACTS_PAGER empty"],
)
def test_no_pager(fake: tuple[str, Path, Path], args: tuple[str, ...], env: dict[str, str]) -> None:
    script, got, _ = fake
    code, screen, err = on_tty(*args, **{k: script if v == "SCRIPT" else v for k, v in env.items()})
    assert (code, err) == (0, "")
    assert not got.exists(), f"the pager ran for {args} {env}"
    assert "PAGED" not in screen and "lianshen-12gw-hjt-cell-project" in screen


def test_never_in_a_pipe(fake: tuple[str, Path, Path]) -> None:
    script, got, _ = fake
    done = piped(*TALL, "--format", "table", FACTS_PAGER=script, PAGER=script)
    assert done.returncode == 0 and b"gdp-2023" in done.stdout and not got.exists()


@pytest.mark.parametrize("command", ["/nonexistent/pager", "no-such-pager-anywhere -R", "LESS=R no-such-pager-anywhere"])
def test_a_pager_that_cannot_start_means_the_text_is_written(command: str) -> None:
    code, screen, err = on_tty(*TALL, FACTS_PAGER=command)
    assert code == 0
    assert "facts:" not in err, err
    assert "gdp-2023" in screen and screen.count("\n") > 100, screen[:300]


def test_quitting_the_pager_early_is_quiet() -> None:
    code, screen, err = on_tty(*TALL, "--lang", "en", FACTS_PAGER="head -n 1")
    assert (code, err) == (0, "")
    assert screen.count("\n") <= 1, screen[:300]


def test_the_exit_status_is_the_commands(tmp_path: Path) -> None:
    failing = tmp_path / "failing-pager"
    failing.write_text("#!/bin/sh\ncat > /dev/null\nexit 3\n")
    failing.chmod(0o755)
    code, _, err = on_tty(*TALL, FACTS_PAGER=str(failing))
    assert (code, err) == (0, "")


def test_the_pager_is_chosen_as_git_chooses(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FACTS_PAGER", "PAGER"):
        monkeypatch.delenv(name, raising=False)
    assert pager_command() == "less -FRX"
    monkeypatch.setenv("PAGER", "more")
    assert pager_command() == "more"
    monkeypatch.setenv("FACTS_PAGER", " cat ")
    assert pager_command() is None
    monkeypatch.setenv("FACTS_PAGER", "")
    assert pager_command() is None


def test_short_text_and_no_pager_are_written_directly() -> None:
    out = io.StringIO()
    env = Environment(out, io.StringIO(), is_terminal=True, height=5, pager="/nonexistent/pager")
    pager.show("one\ntwo\n", env)
    assert out.getvalue() == "one\ntwo\n"
    pager.show("".join(f"{n}\n" for n in range(10)), env)  # taller, but the pager cannot start
    assert out.getvalue().count("\n") == 12
    with pager.paged(Environment(out, is_terminal=True, height=5)) as same:  # no pager: no buffer
        assert same.stdout is out


def test_a_pager_that_stops_reading_is_no_error() -> None:
    """A megabyte, to a pager that closes its input at once: the write fails with EPIPE, which
    is the reader leaving, not an error; the text is not written again."""
    out = io.StringIO()
    env = Environment(out, io.StringIO(), is_terminal=True, height=5, pager="exec <&-; sleep 0.2")
    pager.show(("x" * 99 + "\n") * 10_000, env)
    assert out.getvalue() == ""


def test_json_on_a_terminal_is_paged_too(fake: tuple[str, Path, Path]) -> None:
    script, got, _ = fake
    code, screen, err = on_tty("list", "--format", "json", FACTS_PAGER=script)
    assert (code, err) == (0, "")
    assert screen.strip() == "PAGED"
    assert got.read_text().startswith("[") and "gdp-2023" in got.read_text()
    code, screen, _ = on_tty("list", "--format", "jsonl", "--no-pager", FACTS_PAGER=script)
    assert code == 0 and screen.startswith('{"id": "gdp-2023"') and "PAGED" not in screen


# ---------------------------------------------------------------------------- every tall output

CITED = (
    "gdp-2023",
    "gdp-growth-2023",
    "budget-revenue-2023",
    "budget-revenue-growth-2023",
    "industrial-output-growth-2023",
    "industrial-value-added-growth-2023",
    "lianshen-12gw-hjt-cell-project",
    "shanghai-hometown-talents-meeting-2024-01-01",
)
#: Outputs that were written straight out however tall: (arguments, LINES, a word of the output).
TALL_IDS = ["chart", "chart en growth", "cite 8 ids", "cite 8 ids json", "help list", "list --help", "--help"]
TALL_OUTPUTS = [
    (("chart",), "20", "增速"),
    (("chart", "--lang", "en", "--measure", "growth"), "5", "Growth rate"),
    (("cite", *CITED), "5", "1730"),
    (("cite", *CITED, "--format", "json"), "5", '"citation"'),
    (("help", "list"), "10", "Usage: facts list"),
    (("list", "--help"), "10", "Usage: facts list"),
    (("--help",), "10", "Usage: facts"),
]


@pytest.mark.parametrize(("args", "lines", "word"), TALL_OUTPUTS, ids=TALL_IDS)
def test_every_tall_output_goes_through_the_pager(
    fake: tuple[str, Path, Path], args: tuple[str, ...], lines: str, word: str
) -> None:
    script, got, _ = fake
    code, screen, err = on_tty(*args, FACTS_PAGER=script, LINES=lines)
    assert (code, err) == (0, "")
    assert screen.strip() == "PAGED", screen[:300]
    assert word in ANSI.sub("", got.read_text()) and got.read_text().count("\n") >= int(lines)


@pytest.mark.parametrize(("args", "lines", "word"), TALL_OUTPUTS, ids=TALL_IDS)
def test_a_tall_output_is_written_when_the_pager_is_off_or_the_screen_tall(
    fake: tuple[str, Path, Path], args: tuple[str, ...], lines: str, word: str
) -> None:
    script, got, _ = fake
    for env in ({"FACTS_PAGER": "cat", "LINES": lines}, {"FACTS_PAGER": script, "LINES": "500"}):
        code, screen, err = on_tty(*args, **env)
        assert (code, err) == (0, "")
        assert word in ANSI.sub("", screen) and "PAGED" not in screen
    assert not got.exists()
    done = piped(*args, FACTS_PAGER=script)  # a pipe never pages (a chart is then tab-separated lines)
    assert done.returncode == 0 and done.stdout.count(b"\n") >= 5 and not got.exists()


def test_no_pager_turns_the_chart_s_pager_off(fake: tuple[str, Path, Path]) -> None:
    script, got, _ = fake
    code, screen, err = on_tty("chart", "--no-pager", FACTS_PAGER=script, LINES="5")
    assert (code, err) == (0, "")
    assert "增速" in screen and not got.exists()


# ---------------------------------------------------------------------------- a shell-style pager


@pytest.mark.parametrize("command", ["nosuchpager | x", "no-such-pager-anywhere | cat", "cat | no-such-pager-anywhere", "less '"])
def test_a_shell_pager_that_cannot_start_is_as_quiet_as_a_missing_one(command: str) -> None:
    """No "sh: 1: x: not found" on the screen before facts writes the text itself."""
    code, screen, err = on_tty(*TALL, FACTS_PAGER=command)
    assert (code, err) == (0, "")
    assert "not found" not in screen and "gdp-2023" in screen and screen.count("\n") > 100, screen[:300]


def test_a_shell_pager_that_starts_is_used(fake: tuple[str, Path, Path]) -> None:
    script, got, _ = fake
    code, screen, err = on_tty(*TALL, FACTS_PAGER=f"LESS=R cat | {script} 2>/dev/null")
    assert (code, err) == (0, "")
    assert screen.strip() == "PAGED" and "gdp-2023" in got.read_text()


@pytest.mark.parametrize(
    ("command", "found"),
    [
        ("less -R | cat", True),
        ("LESS=R less", True),
        ("exec <&-; sleep 0.2", True),  # a builtin, a redirection's target is no command
        ("less 2>/dev/null", True),
        ("2>/dev/null less", True),
        ("(cat)", True),
        ("$HOME/bin/pager", True),  # made at run time: the shell's to find
        ("nosuchpager | x", False),
        ("cat && no-such-pager-anywhere", False),
        ("LESS=R no-such-pager-anywhere", False),
        ("less '", False),  # an open quote: the shell would refuse it
    ],
)
def test_the_commands_of_a_shell_pager_are_looked_up_first(command: str, found: bool) -> None:
    assert pager._found(command) is found
