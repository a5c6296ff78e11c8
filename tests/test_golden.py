"""Byte-for-byte snapshots of `facts` output on the bundled base, in tests/golden/.

Each case runs the installed `facts` in a pipe (COLUMNS=100, NO_COLOR=1, UTF-8) twice:
as plain lines (the piped default) and as `--format table`, and compares stdout with
tests/golden/<case>.<plain|table>.txt exactly. A change in ranking, wording, columns
or table layout shows up here as a diff.

When a change of output is intended, regenerate the snapshots and review the diff:

    FACTS_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
    git diff tests/golden/

With FACTS_UPDATE_GOLDEN=1 every case rewrites its file and is reported as skipped.
"""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, subprocess_env

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("FACTS_UPDATE_GOLDEN", "") not in ("", "0")

FACTS = str(Path(sys.executable).with_name("facts"))
if not Path(FACTS).exists():  # pragma: no cover - a venv without the console script
    FACTS = str(ROOT / ".venv" / "bin" / "facts")

CASES = {
    "search-heterojunction": ["search", "异质结"],
    "search-1730-match": ["search", "1730", "--fields", "id,name,figure,match"],
    "metrics-2023": ["metrics", "--year", "2023"],
    "milestones": ["milestones"],
    "show-gdp-2023": ["show", "gdp-2023"],
    "chart": ["chart"],
}
STYLES = {"plain": [], "table": ["--format", "table"]}

pytestmark = pytest.mark.usefixtures("module_cache")


def run_facts(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    env = subprocess_env(COLUMNS="100", LINES="40", NO_COLOR="1", TERM="xterm-256color", PYTHONIOENCODING="utf-8")
    for name in ("FORCE_COLOR", "CLICOLOR_FORCE"):
        env.pop(name, None)
    # XDG_CACHE_HOME (the module's own cache folder, set above) is inherited here.
    return subprocess.run([FACTS, *args], capture_output=True, env=env, timeout=30, check=False)


@pytest.mark.parametrize("style", list(STYLES))
@pytest.mark.parametrize("case", list(CASES))
def test_golden(case: str, style: str) -> None:
    args = [*CASES[case], *STYLES[style]]
    result = run_facts(args)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert result.stderr == b""
    path = GOLDEN / f"{case}.{style}.txt"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_bytes(result.stdout)
        pytest.skip(f"FACTS_UPDATE_GOLDEN: wrote {path.relative_to(ROOT)}")
    assert path.is_file(), f"{path} is missing: run FACTS_UPDATE_GOLDEN=1 pytest tests/test_golden.py"
    expected = path.read_bytes()
    if result.stdout != expected:
        diff = difflib.unified_diff(
            expected.decode("utf-8", "replace").splitlines(keepends=True),
            result.stdout.decode("utf-8", "replace").splitlines(keepends=True),
            fromfile=f"golden/{path.name}",
            tofile=f"facts {' '.join(args)}",
        )
        pytest.fail("output differs from the snapshot (FACTS_UPDATE_GOLDEN=1 to accept):\n" + "".join(diff), pytrace=False)


def test_golden_folder_has_no_stray_files() -> None:
    expected = {f"{case}.{style}.txt" for case in CASES for style in STYLES}
    present = {p.name for p in GOLDEN.glob("*.txt")}
    assert present <= expected, f"snapshots without a case: {sorted(present - expected)}"
