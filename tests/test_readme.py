"""The README's examples are real: every `console` block is run and must print what it shows.

A block is a series of `$ command` lines, each followed by its exact output. Commands run
in bash with the installed `facts` first on PATH, from the repository root.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, subprocess_env

BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def examples() -> list[tuple[str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = []
    for block in BLOCK.findall(text):
        command, output = None, []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    found.append((command, "\n".join(output)))
                command, output = line[2:], []
            else:
                output.append(line)
        if command is not None:
            found.append((command, "\n".join(output)))
    return found


EXAMPLES = examples()


def test_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize(("command", "expected"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_readme_example(command: str, expected: str, tmp_path: Path) -> None:
    if "jq " in command and shutil.which("jq") is None:
        pytest.skip("jq is not installed here")
    bin_dir = os.path.dirname(sys.executable)
    env = subprocess_env(PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""), XDG_CACHE_HOME=str(tmp_path), LC_ALL="C.UTF-8")
    result = subprocess.run(["bash", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.stderr == ""
    assert result.stdout.rstrip("\n") == expected.rstrip("\n")
