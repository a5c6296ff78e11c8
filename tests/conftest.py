"""Shared fixtures. No test touches the real ~/.cache: XDG_CACHE_HOME points at a tmp folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SOURCE = SHARED / "sources" / "tongzhou-2023-review.txt"
INVALID_CORPUS = SHARED / "corpus" / "toml-test-invalid"
BASE = ROOT / "facts.toml"

needs_shared = pytest.mark.skipif(
    not SOURCE.is_file(), reason="../shared (the source article and corpus) is not next to this checkout"
)


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
        pytest.skip("../shared/sources/tongzhou-2023-review.txt is absent")
    return SOURCE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def module_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("facts-cache")


@pytest.fixture
def module_cache(isolated_cache: Path, module_cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never ~/.cache, but one cache folder for a whole module, so the bundled base is indexed once.

    A module opts in with ``pytestmark = pytest.mark.usefixtures("module_cache")``.
    """
    monkeypatch.setenv("XDG_CACHE_HOME", str(module_cache_dir))
    return module_cache_dir


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


def subprocess_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACTS_")}
    env.update(extra)
    return env


def generated_base(path: Path, records: int) -> Path:
    """A valid base of `records` records from benchmarks/generate.py (seed 0), written at `path`."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("facts_generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path.write_text(module.generate(records, 0), encoding="utf-8")
    return path
