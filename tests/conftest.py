"""Shared fixtures and helpers.

No test touches the real ~/.cache. For the whole session, collection included, HOME and
XDG_CACHE_HOME point at a temporary folder (`pytest_configure` below): module-scoped fixtures
and code run at import come before any function-scoped fixture. On top of that each test gets
a cache folder of its own (`isolated_cache`). tests/test_isolation.py proves both.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
#: The newspaper article the base quotes; only `facts check --source` tests need it (`source_text`).
SOURCE = SHARED / "sources" / "tongzhou-2023-review.txt"
#: toml-test's invalid documents, vendored with their LICENSE and SOURCE (MIT).
INVALID_CORPUS = ROOT / "tests" / "toml-test-invalid"
BASE = ROOT / "facts.toml"

#: The cache folder of whoever runs the tests, as it was before the session moved HOME away from it.
REAL_CACHE_HOME = Path(os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"))
#: Where HOME points for the session (pytest_configure); removed at its end.
SESSION_HOME = Path(tempfile.mkdtemp(prefix="facts-tests-home-"))
_SAVED_ENV: dict[str, str | None] = {}


def pytest_configure() -> None:
    # A shell without job control starts background commands with SIGINT ignored, and children
    # inherit that: the Ctrl-C tests' processes would shrug off SIGINT. A handler is reset at exec.
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    for name, value in (("HOME", SESSION_HOME), ("XDG_CACHE_HOME", SESSION_HOME / ".cache")):
        _SAVED_ENV[name] = os.environ.get(name)
        os.environ[name] = str(value)


def pytest_unconfigure() -> None:
    for name, value in _SAVED_ENV.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    shutil.rmtree(SESSION_HOME, ignore_errors=True)


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("xdg-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    monkeypatch.delenv("FACTS_FILE", raising=False)
    monkeypatch.delenv("FACTS_NO_CACHE", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    yield folder


@pytest.fixture
def source_text() -> str:
    if not SOURCE.is_file():
        pytest.skip("needs the source article, ../shared/sources/tongzhou-2023-review.txt beside this checkout")
    return SOURCE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def module_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("facts-cache")


@pytest.fixture
def module_cache(
    isolated_cache: Path,  # noqa: ARG001 - asked for so that its XDG_CACHE_HOME is set first, and replaced here
    module_cache_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    """Never ~/.cache, but one cache folder for a whole module, so the bundled base is indexed once.

    A module opts in with ``pytestmark = pytest.mark.usefixtures("module_cache")``.
    """
    monkeypatch.setenv("XDG_CACHE_HOME", str(module_cache_dir))
    return module_cache_dir


# ---------------------------------------------------------------------------- running facts


def run(capsys: pytest.CaptureFixture[str], *args: str | os.PathLike[str]) -> tuple[int, str, str]:
    """`facts ARGS` in this process: (exit status, stdout, stderr)."""
    from tongzhou_facts.cli import main

    code = main([os.fspath(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def call(*args: str | os.PathLike[str]) -> tuple[int, str, str]:
    """`facts ARGS` in this process without capsys (for module-scoped fixtures and Hypothesis),
    with UTF-8 streams that are not terminals."""
    import io

    from tongzhou_facts.cli import main

    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([os.fspath(a) for a in args])
    out.flush()
    err.flush()
    return code, out.buffer.getvalue().decode("utf-8"), err.buffer.getvalue().decode("utf-8")  # type: ignore[attr-defined]


def facts_command() -> list[str]:
    """The installed `facts` beside this Python, else `python -m tongzhou_facts`."""
    script = Path(sys.executable).with_name("facts")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "tongzhou_facts"]


def subprocess_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACTS_")}
    env.update(extra)
    return env


def error_line(code: int, out: str, err: str, *paths: str | os.PathLike[str]) -> str:
    """Assert the one-clear-error contract and return the message after `facts: error: `."""
    assert code == 2, (code, out, err)
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1, f"not one line: {err!r}"
    assert err.startswith("facts: error: "), err
    line = err[len("facts: error: ") : -1]
    assert "internal error" not in line and "Traceback" not in line, line
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in line), f"raw control character in {line!r}"
    for path in paths:
        assert os.fspath(path) in line, f"{path} not named in {line!r}"
    return line


def wait_for(condition: Callable[[], object], timeout: float, what: str, process: subprocess.Popen[Any] | None = None) -> bool:
    """Poll `condition` until it holds: True. False if `process` ends first; AssertionError after `timeout` s.

    Fault tests signal a process at a moment they can see (a file appearing, a size reached,
    workers forked), never after a fixed sleep that a slow or busy machine outlasts.
    """
    deadline = time.monotonic() + timeout
    while not condition():
        if process is not None and process.poll() is not None:
            return False
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.002)
    return True


def temp_size(folder: Path, ignore: Collection[Path] = ()) -> int:
    """The size of the temporary cache file being written in `folder` (-1 while there is none).

    `ignore`: temporary files left by processes killed earlier in the test.
    """
    sizes = [-1]
    for path in folder.glob("*.tmp"):
        if path not in ignore:
            with contextlib.suppress(OSError):
                sizes.append(path.stat().st_size)
    return max(sizes)


# ---------------------------------------------------------------------------- bases and caches


def copy_base(folder: Path, name: str = "base.toml") -> Path:
    """A copy of the bundled base in `folder`."""
    target = folder / name
    shutil.copyfile(BASE, target)
    return target


def cache_file(base: Path) -> Path:
    """Where the cache of the base at `base` lives (under the test's XDG_CACHE_HOME)."""
    from tongzhou_facts import cache

    found = cache.cache_path([str(base)])
    assert found is not None
    return Path(found)


def toml_string(text: str) -> str:
    """A TOML basic string holding exactly `text` (controls escaped), for bases written by tests."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif code < 0x20 or 0x7F <= code <= 0x9F:
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def generator() -> ModuleType:
    """benchmarks/generate.py as a module (benchmarks/ is no package): its `generate`, and the
    towns, industries and indicators it builds names from."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("facts_generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generated_base(path: Path, records: int) -> Path:
    """A valid base of `records` records from benchmarks/generate.py (seed 0), written at `path`."""
    path.write_text(generator().generate(records, 0), encoding="utf-8")
    return path
