"""Faults around the cache: corrupt, truncated or foreign cache files, a cache folder that
takes no writes, parallel first runs, a process killed while writing. Every run still
answers correctly, and no fact file is ever written to.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
from collections.abc import Callable, Collection
from pathlib import Path

import pytest

from tongzhou_facts import cache

from .conftest import SOURCE, cache_file, call, copy_base, facts_command, run, subprocess_env, temp_size, wait_for

QUERIES: list[tuple[str, ...]] = [
    ("search", "异质结", "--format", "json"),
    ("search", "yizhijie", "--format", "plain"),
    ("list", "--format", "plain"),
    ("show", "gdp-2023", "--format", "json"),
    ("get", "gdp-2023", "value"),
    ("metrics", "--min", "100亿元", "--format", "csv"),
]


# ---------------------------------------------------------------------------- helpers


def answers(capsys: pytest.CaptureFixture[str], base: Path) -> list[tuple[int, str, str]]:
    return [run(capsys, *query, "-f", base) for query in QUERIES]


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[int, str, str]]:
    """The answers to QUERIES on the bundled base, with no cache at all."""
    base = copy_base(tmp_path_factory.mktemp("expected"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FACTS_NO_CACHE", "1")
        found = [call(*query, "-f", base) for query in QUERIES]
    assert all(code == 0 and err == "" and out for code, out, err in found), found
    return found


def popen(*args: str | os.PathLike[str], cache_home: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*facts_command(), *(os.fspath(a) for a in args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=subprocess_env(XDG_CACHE_HOME=str(cache_home)),
    )


def assert_cache_sound(base: Path, records: int) -> None:
    """The cache file of `base`, when there is one, is whole and current."""
    path = cache_file(base)
    if not path.exists():
        return
    index = cache.open_cached(str(path), cache.file_key([str(base)]))
    assert index is not None, "a cache file is left that the tool cannot use"
    try:
        assert index.count() == records
        assert len(index.records()) == records
    finally:
        index.close()


def generate_base(path: Path, count: int) -> Path:
    """A valid base of `count` metrics; every name holds 指标 and a number."""
    parts = ['[[sources]]\nid = "src"\ntitle = "生成的来源"\n']
    for n in range(count):
        parts.append(
            f'[[metrics]]\nid = "m-{n}"\nname = "第{n}号指标异质结"\nname_en = "generated metric {n}"\n'
            f'aliases = ["别名{n}", "alias {n}"]\nyear = 2023\nvalue = {n}\nunit = "亿元"\n'
            f'source = "src"\nquote = "第{n}号指标达到{n}亿元"\n'
        )
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def snapshot(path: Path) -> tuple[bytes, int, int]:
    info = path.stat()
    return path.read_bytes(), info.st_mtime_ns, info.st_ino


# ---------------------------------------------------------------------------- broken cache files


def _random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(1).randbytes(path.stat().st_size))


def _zeros(path: Path) -> None:
    path.write_bytes(bytes(path.stat().st_size))


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _truncate(fraction: float) -> Callable[[Path], None]:
    def cut(path: Path) -> None:
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * fraction)])

    return cut


def _header_only(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:100])


def _corrupt_body(path: Path) -> None:
    """Keep the first pages (the SQLite header and the `meta` table), scramble the rest."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    noise = random.Random(2).randbytes(len(data) - 3 * page)
    data[3 * page :] = noise
    path.write_bytes(bytes(data))


def _flip_bytes(path: Path) -> None:
    """A few thousand bytes damaged here and there (a bad sector, a bad copy)."""
    data = bytearray(path.read_bytes())
    rng = random.Random(3)
    page = int.from_bytes(data[16:18], "big") or 65536
    for _ in range(4000):
        at = rng.randrange(3 * page, len(data))
        data[at] ^= 0xFF
    path.write_bytes(bytes(data))


def _foreign_database(path: Path) -> None:
    path.unlink()
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    db.execute("INSERT INTO photos VALUES (1, 'cat.jpg')")
    db.commit()
    db.close()


def _foreign_meta(path: Path) -> None:
    """Another program's database that happens to have a `meta` table."""
    path.unlink()
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute("INSERT INTO meta VALUES ('key', 'something else'), ('format', '1')")
    db.commit()
    db.close()


def _text_file(path: Path) -> None:
    path.write_text("this is not a database\n" * 100, encoding="utf-8")


def _directory(path: Path) -> None:
    path.unlink()
    path.mkdir()
    (path / "inside").write_text("x")


def _symlink_to_nowhere(path: Path) -> None:
    path.unlink()
    path.symlink_to(path.parent / "gone.sqlite")


CORRUPTIONS: dict[str, Callable[[Path], None]] = {
    "random-bytes": _random_bytes,
    "zeros": _zeros,
    "empty-file": _empty,
    "header-only": _header_only,
    "truncated-90": _truncate(0.9),
    "truncated-50": _truncate(0.5),
    "truncated-10": _truncate(0.1),
    "corrupt-body": _corrupt_body,
    "flipped-bytes": _flip_bytes,
    "foreign-database": _foreign_database,
    "foreign-meta-table": _foreign_meta,
    "text-file": _text_file,
    "directory": _directory,
    "dangling-symlink": _symlink_to_nowhere,
}


@pytest.mark.parametrize("corrupt", list(CORRUPTIONS.values()), ids=list(CORRUPTIONS))
def test_broken_cache_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, expected: list[tuple[int, str, str]], corrupt: Callable[[Path], None]
) -> None:
    base = copy_base(tmp_path)
    assert answers(capsys, base) == expected  # builds the cache file
    path = cache_file(base)
    assert path.is_file()
    corrupt(path)
    assert answers(capsys, base) == expected, "a broken cache file changed the answer"
    assert answers(capsys, base) == expected, "the second run after the damage is wrong"
    if path.is_file() and not path.is_symlink():
        assert_cache_sound(base, records=len(expected[2][1].splitlines()))


def test_cache_of_another_base_under_this_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, expected: list[tuple[int, str, str]]
) -> None:
    base = copy_base(tmp_path)
    other = generate_base(tmp_path / "other.toml", 5)
    run(capsys, "list", "-f", other)
    shutil.copyfile(cache_file(other), cache_file(base))  # as a name clash would leave it
    assert answers(capsys, base) == expected


def test_broken_cache_file_in_a_real_process(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, expected: list[tuple[int, str, str]]
) -> None:
    base = copy_base(tmp_path)
    cache_home = Path(os.environ["XDG_CACHE_HOME"])
    run(capsys, "list", "-f", base)
    _corrupt_body(cache_file(base))
    process = popen(*QUERIES[0], "-f", base, cache_home=cache_home)
    out, err = process.communicate(timeout=60)
    assert (process.returncode, out.decode(), err.decode()) == expected[0]


def test_stale_cache_after_an_edit_of_the_same_size(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """An edit that keeps the size, the inode and even the mtime (`touch -r`) is still seen."""
    base = copy_base(tmp_path)
    assert run(capsys, "get", "gdp-2023", "value", "-f", base)[:2] == (0, "1730\n")
    before = base.stat()
    text = base.read_text(encoding="utf-8").replace("value = 1730\n", "value = 1731\n", 1)
    with open(base, "r+", encoding="utf-8") as handle:  # in place: same inode
        handle.write(text)
    os.utime(base, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert base.stat().st_size == before.st_size and base.stat().st_ino == before.st_ino
    assert run(capsys, "get", "gdp-2023", "value", "-f", base)[:2] == (0, "1731\n")


def test_stale_cache_after_the_file_is_replaced(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = copy_base(tmp_path)
    assert run(capsys, "get", "gdp-2023", "value", "-f", base)[:2] == (0, "1730\n")
    new = tmp_path / "new.toml"
    new.write_text(base.read_text(encoding="utf-8").replace("value = 1730\n", "value = 1731\n", 1), encoding="utf-8")
    os.replace(new, base)  # as editors save
    assert run(capsys, "get", "gdp-2023", "value", "-f", base)[:2] == (0, "1731\n")


def test_a_base_that_becomes_broken_is_not_answered_from_the_cache(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = copy_base(tmp_path)
    assert run(capsys, "list", "-f", base)[0] == 0
    with open(base, "a", encoding="utf-8") as handle:
        handle.write("\n[[metrics]\n")
    code, out, err = run(capsys, "list", "-f", base)
    assert (code, out) == (2, "")
    assert err.startswith(f"facts: error: {base}:") and err.count("\n") == 1


def test_a_deleted_base_is_not_answered_from_the_cache(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = copy_base(tmp_path)
    assert run(capsys, "list", "-f", base)[0] == 0
    base.unlink()
    code, out, err = run(capsys, "list", "-f", base)
    assert (code, out) == (2, "")
    assert err.startswith(f"facts: error: {base}") and err.count("\n") == 1


# ---------------------------------------------------------------------------- a cache folder that takes no writes


def test_read_only_cache_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path, expected: list[tuple[int, str, str]]) -> None:
    base = copy_base(tmp_path)
    folder = cache_file(base).parent
    folder.mkdir(parents=True)
    folder.chmod(0o500)
    try:
        assert answers(capsys, base) == expected
        if not os.access(folder, os.W_OK):  # not root: nothing could be written
            assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_read_only_cache_folder_with_a_stale_cache(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = copy_base(tmp_path)
    assert run(capsys, "get", "gdp-2023", "value", "-f", base)[:2] == (0, "1730\n")
    path = cache_file(base)
    text = base.read_text(encoding="utf-8").replace("value = 1730\n", "value = 1800\n", 1)
    base.write_text(text, encoding="utf-8")
    path.chmod(0o400)
    path.parent.chmod(0o500)
    try:
        assert run(capsys, "get", "gdp-2023", "value", "-f", base)[:2] == (0, "1800\n")
        assert run(capsys, "get", "gdp-2023", "value", "-f", base)[:2] == (0, "1800\n")
    finally:
        path.parent.chmod(0o700)


@pytest.mark.parametrize("where", ["under-a-file", "is-a-file", "under-dev-null"])
def test_cache_folder_cannot_be_created(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    expected: list[tuple[int, str, str]],
    where: str,
) -> None:
    """XDG_CACHE_HOME below a regular file: mkdir fails even for root."""
    base = copy_base(tmp_path)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    home = {"under-a-file": blocker / "cache", "is-a-file": blocker, "under-dev-null": Path(os.devnull) / "cache"}[where]
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    assert answers(capsys, base) == expected
    assert run(capsys, *QUERIES[0], "-f", base) == expected[0]
    assert blocker.read_text() == "not a folder\n"


def test_cache_folder_cannot_be_created_in_a_real_process(tmp_path: Path) -> None:
    base = copy_base(tmp_path)
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    process = popen("search", "异质结", "-f", base, cache_home=blocker / "cache")
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert err == b""
    assert "lianshen-12gw-hjt-cell-project" in out.decode()


def test_cache_commands_with_a_broken_cache(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = copy_base(tmp_path)
    run(capsys, "list", "-f", base)
    _corrupt_body(cache_file(base))
    (cache_file(base).parent / "junk.sqlite").write_bytes(b"\x00" * 10)
    code, out, err = run(capsys, "cache", "info")
    assert code == 0 and "internal error" not in err
    assert "junk.sqlite" in out
    code, _out, err = run(capsys, "cache", "clear")
    assert code == 0 and "internal error" not in err
    assert not list(cache_file(base).parent.glob("*.sqlite"))


# ---------------------------------------------------------------------------- processes at once, and killed


def test_ten_first_runs_at_once(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = generate_base(tmp_path / "gen.toml", 400)
    query = ("search", "第399号", "--format", "json")
    with monkeypatch.context() as patch:
        patch.setenv("FACTS_NO_CACHE", "1")
        expected = run(capsys, *query, "-f", base)
    assert expected[0] == 0
    cache_home = tmp_path / "cache"
    processes = [popen(*query, "-f", base, cache_home=cache_home) for _ in range(10)]
    results = [process.communicate(timeout=120) for process in processes]
    for process, (out, err) in zip(processes, results, strict=True):
        assert (process.returncode, out.decode(), err.decode()) == expected
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    files = list(cache_file(base).parent.iterdir())
    assert files == [cache_file(base)], files  # one cache file, no temporary leftovers
    assert_cache_sound(base, records=400)
    assert run(capsys, *query, "-f", base) == expected


def cold_build_reached(moment: str, folder: Path, leftovers: Collection[Path] = ()) -> Callable[[], bool]:
    """A moment of a cold run to kill it at, as a condition on its cache folder: `started` (at
    once), `temporary-file` (its temporary cache file made), `rows-written` (that file past the
    few pages of an empty index: the rows are going in). `leftovers`: files of earlier kills."""
    least = {"started": -1, "temporary-file": 0, "rows-written": 100_000}[moment]
    return lambda: temp_size(folder, leftovers) >= least


def test_a_process_killed_while_writing_the_cache(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = generate_base(tmp_path / "big.toml", 3000)
    query = ("search", "第2999号指标", "--format", "json")
    cache_home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    folder = cache_file(base).parent
    killed_while_writing = 0
    for moment in ("temporary-file", "rows-written"):
        leftovers = set(folder.glob("*.tmp")) if folder.is_dir() else set()
        process = popen(*query, "-f", base, cache_home=cache_home)
        try:
            wait_for(cold_build_reached(moment, folder, leftovers), 60, f"the cold build to reach {moment!r}", process)
        finally:
            process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        if process.returncode == -signal.SIGKILL:
            killed_while_writing += 1
        assert_cache_sound(base, records=3000)  # never a half-written cache file under the real name
    assert killed_while_writing, "every process finished before it could be killed: the test tested nothing"
    with monkeypatch.context() as patch:
        patch.setenv("FACTS_NO_CACHE", "1")
        expected = run(capsys, *query, "-f", base)
    assert expected[0] == 0 and "m-2999" in expected[1]
    assert run(capsys, *query, "-f", base) == expected
    assert_cache_sound(base, records=3000)
    assert run(capsys, *query, "-f", base) == expected


def test_killed_at_random_moments(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = generate_base(tmp_path / "mid.toml", 1500)
    query = ("search", "第1499号指标", "--format", "plain")
    for moment in ("started", "temporary-file", "rows-written"):
        cache_home = tmp_path / f"cache-{moment}"  # each kill meets a cold build
        monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
        process = popen(*query, "-f", base, cache_home=cache_home)
        try:
            wait_for(cold_build_reached(moment, cache_file(base).parent), 60, f"the cold build to reach {moment!r}", process)
        finally:
            process.kill()
        process.communicate(timeout=60)
        assert_cache_sound(base, records=1500)
        code, out, _ = run(capsys, *query, "-f", base)
        assert code == 0 and out.startswith("m-1499\t"), out


# ---------------------------------------------------------------------------- fact files are read, never written


def test_no_command_writes_to_a_fact_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = copy_base(tmp_path)
    extra = generate_base(tmp_path / "extra.toml", 3)
    base.chmod(0o444)
    before = {path: snapshot(path) for path in (base, extra)}
    commands: list[tuple[str, ...]] = [
        *QUERIES,
        ("list", "--format", "table"),
        ("list", "--sort", "value", "-r"),
        ("projects", "--status", "开工"),
        ("milestones", "--since", "2023-12"),
        ("timeline",),
        ("chart",),
        ("stats", "--format", "json"),
        ("show", "gdp-2023"),
        ("search", "不存在的东西"),
        ("search", " "),
        ("show", "no-such-id"),
        ("export", "--format", "json", "-o", str(tmp_path / "out.json")),
        ("export", "--format", "csv", "-o", str(tmp_path / "out.csv")),
        ("export", "--format", "sqlite", "-o", str(tmp_path / "out.db")),
    ]
    for command in commands:
        run(capsys, *command, "-f", base)
        run(capsys, *command, "-f", base, "-f", extra)
    run(capsys, "check", str(base), str(extra))
    if SOURCE.is_file():
        run(capsys, "check", str(base), "--source", str(SOURCE))
    _corrupt_body(cache_file(base))
    run(capsys, "list", "-f", base)
    monkeypatch.setenv("FACTS_FILE", os.pathsep.join([str(base), str(extra)]))
    run(capsys, "list")
    run(capsys, "cache", "info")
    run(capsys, "cache", "clear")
    process = popen("search", "异质结", "-f", base, cache_home=tmp_path / "other-cache")
    process.communicate(timeout=60)
    assert {path: snapshot(path) for path in (base, extra)} == before
    base.chmod(0o644)
