"""Colour: `--color auto|always|never` (`--no-color` is never), NO_COLOR, FORCE_COLOR and
TERM=dumb, decided once (env.wants_color), on a real pseudo-terminal and in a pipe.

auto: a terminal gets colour unless NO_COLOR (non-empty) or TERM=dumb; FORCE_COLOR (non-empty)
gives colour even in a pipe (to a table; plain lines have none to give); NO_COLOR beats
FORCE_COLOR, as in CPython. `--color always` beats NO_COLOR; `--color never` beats everything.
"""

from __future__ import annotations

import sys

import pytest

from tongzhou_facts.env import wants_color

from .conftest import error_line
from .test_terminal import ANSI, on_tty, piped

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty"),
    pytest.mark.usefixtures("module_cache"),
]

SEARCH = ("search", "异质结")


@pytest.mark.parametrize(
    ("args", "env", "coloured"),
    [
        ((), {}, True),
        (("--color", "never"), {}, False),
        (("--no-color",), {}, False),
        ((), {"NO_COLOR": "1"}, False),
        ((), {"NO_COLOR": ""}, True),
        (("--color", "always"), {"NO_COLOR": "1"}, True),
        (("--color", "ALWAYS"), {"NO_COLOR": "1"}, True),
        (("--color", "auto"), {"TERM": "dumb"}, False),
        ((), {"TERM": "dumb", "FORCE_COLOR": "1"}, True),
        (("--color", "never"), {"FORCE_COLOR": "1"}, False),
    ],
)
def test_on_a_terminal(args: tuple[str, ...], env: dict[str, str], coloured: bool) -> None:
    code, screen, err = on_tty(*SEARCH, *args, **env)
    assert (code, err) == (0, "")
    assert bool(ANSI.search(screen)) == coloured, screen[:200]
    assert "lianshen-12gw-hjt-cell-project" in ANSI.sub("", screen)


@pytest.mark.parametrize(
    ("args", "env", "coloured"),
    [
        (("--format", "table"), {}, False),
        (("--format", "table"), {"FORCE_COLOR": "1"}, True),
        (("--format", "table"), {"FORCE_COLOR": ""}, False),
        (("--format", "table"), {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        (("--format", "table", "--color", "always"), {}, True),
        (("--format", "table", "--color=always"), {"NO_COLOR": "1"}, True),
        ((), {"FORCE_COLOR": "1"}, False),  # plain lines: nothing to colour
        (("--color", "always"), {}, False),
    ],
)
def test_in_a_pipe(args: tuple[str, ...], env: dict[str, str], coloured: bool) -> None:
    done = piped(*SEARCH, *args, **env)
    assert (done.returncode, done.stderr) == (0, b"")
    text = done.stdout.decode()
    assert bool(ANSI.search(text)) == coloured, text[:200]
    assert "lianshen-12gw-hjt-cell-project" in text


def test_an_unknown_when_is_a_usage_error() -> None:
    done = piped(*SEARCH, "--color", "sometimes")
    line = error_line(done.returncode, done.stdout.decode(), done.stderr.decode())
    assert "sometimes" in line and "auto, always, never" in line


def test_the_decision(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert wants_color("auto", True) and not wants_color("auto", False)
    assert wants_color("always", False) and not wants_color("never", True)
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert wants_color("auto", False)
    monkeypatch.setenv("NO_COLOR", "1")
    assert not wants_color("auto", True) and wants_color("always", True)
