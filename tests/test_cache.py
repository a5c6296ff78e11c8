"""The derived index between runs: never stale, never fatal, one file per base."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from tongzhou_facts import cache
from tongzhou_facts.cli import main
from tongzhou_facts.match import search

from .conftest import BASE, cache_file


@pytest.fixture
def base_copy(tmp_path: Path) -> Path:
    target = tmp_path / "base.toml"
    shutil.copyfile(BASE, target)
    return target


def test_first_run_writes_one_cache_file_and_reuses_it(base_copy: Path) -> None:
    index = cache.open_index([str(base_copy)])
    assert index.origin == str(cache_file(base_copy))
    first = cache_file(base_copy).stat().st_mtime_ns
    again = cache.open_index([str(base_copy)])
    assert again.origin == index.origin
    assert cache_file(base_copy).stat().st_mtime_ns == first  # read, not rewritten


def test_edit_is_seen_at_once(base_copy: Path) -> None:
    assert cache.open_index([str(base_copy)]).get("gdp-2023").value == 1730
    text = base_copy.read_text(encoding="utf-8").replace("value = 1730", "value = 1731", 1)
    base_copy.write_text(text, encoding="utf-8")
    assert cache.open_index([str(base_copy)]).get("gdp-2023").value == 1731


def test_touch_and_replace_rebuild(base_copy: Path) -> None:
    cache.open_index([str(base_copy)])
    key = cache.file_key([str(base_copy)])
    os.utime(base_copy, ns=(1, 1))
    assert cache.file_key([str(base_copy)]) != key
    replacement = base_copy.with_suffix(".new")
    shutil.copyfile(BASE, replacement)
    text = replacement.read_text(encoding="utf-8").replace('name = "地区生产总值"', 'name = "地区生产总值(新)"', 1)
    replacement.write_text(text, encoding="utf-8")
    os.replace(replacement, base_copy)
    assert cache.open_index([str(base_copy)]).get("gdp-2023").name == "地区生产总值(新)"


def test_key_includes_the_index_format(base_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache.open_index([str(base_copy)])
    old = cache.file_key([str(base_copy)])
    monkeypatch.setattr(cache, "FORMAT_VERSION", "older")
    assert cache.file_key([str(base_copy)]) != old
    assert cache.open_cached(str(cache_file(base_copy)), cache.file_key([str(base_copy)])) is None


def test_no_cache_variable(base_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTS_NO_CACHE", "1")
    index = cache.open_index([str(base_copy)])
    assert index.origin == ":memory:"
    assert not cache_file(base_copy).exists()


def test_cache_folder_that_cannot_be_made_means_no_cache(
    base_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker / "sub"))
    index = cache.open_index([str(base_copy)])
    assert index.origin == ":memory:"
    assert search(index, "异质结")[0].record.id == "lianshen-12gw-hjt-cell-project"


def test_corrupt_cache_is_rebuilt(base_copy: Path) -> None:
    cache.open_index([str(base_copy)])
    path = cache_file(base_copy)
    path.write_bytes(b"garbage" * 1000)
    index = cache.open_index([str(base_copy)])
    assert index.get("gdp-2023").value == 1730


def test_truncated_cache_is_dropped_mid_command(base_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cache.open_index([str(base_copy)])
    path = cache_file(base_copy)
    size = path.stat().st_size
    with open(path, "r+b") as handle:  # keep page 1 (the schema and meta) so it opens, lose the rest
        handle.truncate(size // 4)
    code = main(["list", "-f", str(base_copy), "--fields", "id"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "gdp-2023" in out.split()
    assert err == ""


def test_foreign_sqlite_file_is_ignored(base_copy: Path) -> None:
    path = cache_file(base_copy)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE other (x)")
    db.commit()
    db.close()
    assert cache.open_index([str(base_copy)]).get("gdp-2023") is not None


def test_info_and_clear(base_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cache.open_index([str(base_copy)])
    assert main(["cache", "info"]) == 0
    out = capsys.readouterr().out
    assert cache_file(base_copy).name in out and "fresh" in out and str(base_copy) in out
    assert main(["cache", "clear"]) == 0
    assert not cache_file(base_copy).exists()


def test_stale_temporary_files_are_swept(base_copy: Path) -> None:
    folder = Path(cache.cache_dir() or "")
    folder.mkdir(parents=True, exist_ok=True)
    leftover = folder / "killed-mid-write.tmp"
    leftover.write_bytes(b"half a database")
    os.utime(leftover, (1, 1))
    cache.open_index([str(base_copy)])
    assert not leftover.exists()
