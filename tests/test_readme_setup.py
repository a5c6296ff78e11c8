"""The README's set-up leaves `facts` on the PATH: its block, run as written in a temporary
copy of this checkout, installs so that the next command, typed by name, finds `facts`.

The block runs verbatim in one `sh` (as a user types it into one shell), with a PATH that
holds no `facts`, so only the set-up can put one there. It is not made faster by changing
it: `--no-deps` saves nothing measurable (the time goes to the venv's own pip and to pip's
isolated build of the package with hatchling), and `--no-build-isolation` or `--no-index`
would need hatchling already in the new venv, which a user does not have. pip fetches from
whatever index it is configured with (here a local one, so this runs offline); when it
cannot reach one, the test skips and says so. About 15-25 s.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import ROOT, subprocess_env

#: What a checkout's copy leaves out: virtual environments, caches and build output.
IGNORED = shutil.ignore_patterns(".git", ".venv", "venv*", "__pycache__", "*_cache", ".hypothesis", "build", "dist", "*.egg-info")
#: pip's words when no index can be reached or holds the build backend.
OFFLINE = re.compile(
    r"No matching distribution found|Could not find a version that satisfies|Failed to establish a new connection"
)


def setup_block() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Set-up\n", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None, "no ```sh block in the README's Set-up"
    return block.group(1).splitlines()


def test_the_setup_block_installs_then_uses_facts_by_name() -> None:
    install, *after = setup_block()
    assert "pip install ." in install or "pipx install ." in install
    assert after and all(line.startswith("facts ") for line in after), after
    assert "activate" in install or "pipx" in install


def test_the_setup_block_is_said_plainly() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Set-up\n", 1)[1].split("\n## ", 1)[0]
    assert "puts `facts` on your PATH" in section
    assert "pipx install ." in section


def path_without_facts() -> str:
    """The PATH of this process less every folder that holds a `facts` (this venv's bin, say)."""
    folders = os.environ.get("PATH", "").split(os.pathsep)
    return os.pathsep.join(folder for folder in folders if folder and not os.path.exists(os.path.join(folder, "facts")))


def test_after_the_setup_facts_runs_by_name(tmp_path: Path) -> None:
    checkout = tmp_path / "facts-checkout"
    shutil.copytree(ROOT, checkout, ignore=IGNORED, symlinks=True)
    install, *after = setup_block()
    script = "\n".join(
        [
            "if command -v facts >/dev/null; then echo 'facts was on the PATH before the set-up'; exit 99; fi",
            install,
            *after,
            'echo "facts is $(command -v facts)"',
        ]
    )
    env = subprocess_env(PATH=path_without_facts(), XDG_CACHE_HOME=str(tmp_path / "cache"), LC_ALL="C.UTF-8")
    env.pop("VIRTUAL_ENV", None)
    result = subprocess.run(["sh", "-c", script], cwd=checkout, env=env, capture_output=True, text=True, timeout=600)
    said = f"(exit {result.returncode})\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    if result.returncode != 0 and OFFLINE.search(result.stderr):
        pytest.skip(f"pip could not reach a package index to build the package: {said[-500:]}")
    assert result.returncode == 0, said
    assert "lianshen-12gw-hjt-cell-project" in result.stdout, said  # `facts search 异质结`, by name
    assert f"facts is {checkout / '.venv' / 'bin' / 'facts'}" in result.stdout, said
    assert "Traceback" not in result.stderr, said
