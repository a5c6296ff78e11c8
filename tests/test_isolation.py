"""No test touches the real ~/.cache: not a test, not a module-scoped fixture, not collection.

conftest.py points HOME and XDG_CACHE_HOME at a temporary folder before collection
(module-scoped fixtures, such as the indexes tests/test_search.py opens once, run before any
function-scoped fixture could), and `isolated_cache` gives each test a folder of its own.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import tongzhou_facts as tf

from .conftest import REAL_CACHE_HOME, SESSION_HOME, copy_base

#: The environment while this module was imported, at collection.
AT_COLLECTION = {name: os.environ.get(name) for name in ("HOME", "XDG_CACHE_HOME")}


def names_under(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*")} if folder.is_dir() else set()


def test_collection_runs_with_a_private_home() -> None:
    assert (AT_COLLECTION["HOME"], AT_COLLECTION["XDG_CACHE_HOME"]) == (str(SESSION_HOME), str(SESSION_HOME / ".cache"))
    assert not SESSION_HOME.resolve().is_relative_to(REAL_CACHE_HOME.resolve())


@pytest.fixture(scope="module")
def module_fixture_cache(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, set[str], set[str]]:
    """Open an index as tests/test_search.py's module fixture does, for a base no cache has seen.

    Returns XDG_CACHE_HOME as the fixture saw it, and the real cache folder's listing before and after."""
    base = copy_base(tmp_path_factory.mktemp("isolation"))
    real = REAL_CACHE_HOME / "tongzhou-facts"
    before = names_under(real)
    tf.open_index([str(base)]).close()
    return os.environ.get("XDG_CACHE_HOME", ""), before, names_under(real)


def test_a_module_fixture_writes_its_cache_in_the_session_folder(module_fixture_cache: tuple[str, set[str], set[str]]) -> None:
    seen, before, after = module_fixture_cache
    session_cache = SESSION_HOME / ".cache"
    assert seen == str(session_cache)
    assert list((session_cache / "tongzhou-facts").glob("*.sqlite")), "the index was not cached in the session folder"
    assert after == before, f"a module fixture wrote to the real cache folder: {sorted(after - before)}"


def test_each_test_has_a_cache_folder_of_its_own(isolated_cache: Path) -> None:
    assert os.environ["XDG_CACHE_HOME"] == str(isolated_cache)
    assert not isolated_cache.resolve().is_relative_to(REAL_CACHE_HOME.resolve())
