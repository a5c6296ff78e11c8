"""Nothing stale, nothing foreign, nothing left behind: the cache's safety rules, and the
loading budgets (issue 13).

- Racily clean: an edit that keeps a file's size and (coarse) timestamps is still seen.
- Ownership: a cache folder or file someone else owns or may write is never read.
- Escaped SQLite URIs: any XDG_CACHE_HOME works, and nothing is created outside it.
- One cache file per package version and index format.
- Ctrl-C and SIGTERM during a parallel cold build: quiet, no temporary file, no worker left.
- FACTS_MAX_MB is one budget for all files; FACTS_MAX_RECORDS; both validated.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import json
import os
import re
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from tongzhou_facts import build, cache, limits, validate
from tongzhou_facts.files import SIDE_FILES
from tongzhou_facts.index import Index, sqlite_uri

from .conftest import BASE, ROOT, cache_file, copy_base, error_line, generated_base, run, subprocess_env, temp_size, wait_for

#: The module (`tongzhou_facts.load` is also the name of a function the package exports).
load = importlib.import_module("tongzhou_facts.load")
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
needs_root = pytest.mark.skipif(not IS_ROOT, reason="making a file owned by another uid (chown) needs root")
OTHER_UID = 12345
PLANTED = 9999


# ---------------------------------------------------------------------------- helpers


def value(capsys: pytest.CaptureFixture[str], base: Path) -> str:
    code, out, err = run(capsys, "get", "gdp-2023", "value", "-f", base)
    assert code == 0 and err == "", (code, out, err)
    return out.strip()


def rewrite(base: Path, old: int, new: int) -> None:
    """Rewrite the file in place (same inode) with gdp-2023's value changed, same size."""
    text = base.read_bytes()
    changed = text.replace(f"value = {old}\n".encode(), f"value = {new}\n".encode(), 1)
    assert changed != text and len(changed) == len(text)
    with open(base, "r+b") as handle:
        handle.write(changed)


def meta(path: Path) -> dict[str, str]:
    db = sqlite3.connect(path)
    try:
        return dict(db.execute("SELECT key, value FROM meta").fetchall())
    finally:
        db.close()


def set_meta(path: Path, **values: str) -> None:
    db = sqlite3.connect(path)
    try:
        db.executemany("UPDATE meta SET value = ? WHERE key = ?", [(v, k) for k, v in values.items()])
        db.commit()
    finally:
        db.close()


def plant(path: Path, new: int = PLANTED) -> None:
    """Change gdp-2023's value inside a cache file, as another user with write access could."""
    db = sqlite3.connect(path)
    try:
        changed = db.execute(
            "UPDATE entries SET json = replace(json, '\"value\": 1730', ?) WHERE id = 'gdp-2023'", (f'"value": {new}',)
        ).rowcount
        db.commit()
    finally:
        db.close()
    assert changed == 1


def info_lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    code, out, err = run(capsys, "cache", "info")
    assert code == 0, err
    return out.splitlines()


def count_builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the target of every Index.build from now on."""
    targets: list[str] = []
    original = Index.build.__func__  # type: ignore[attr-defined]

    def build(cls: type[Index], base: object, target: str = ":memory:") -> Index:
        targets.append(target)
        return original(cls, base, target)

    monkeypatch.setattr(Index, "build", classmethod(build))
    return targets


def files_under(folder: Path) -> set[str]:
    return {os.fsdecode(os.path.relpath(os.path.join(top, name), folder)) for top, _, names in os.walk(folder) for name in names}


# ---------------------------------------------------------------------------- 1. racily clean


def test_racy_same_size_edit_is_seen(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A same-size edit whose stat matches the cache's key (as with 1-second timestamps) and
    whose mtime is within 2 s of the build is checked by content."""
    base = copy_base(tmp_path)
    assert value(capsys, base) == "1730"
    path = cache_file(base)
    built = int(meta(path)["built"])
    rewrite(base, 1730, 1731)
    os.utime(base, ns=(built - 1_000_000_000, built - 1_000_000_000))  # written just before the build read it
    set_meta(path, key=cache.file_key([str(base)]))  # what coarse timestamps would leave: the stat matches
    assert [line.split("\t")[2] for line in info_lines(capsys)[2:]] == ["stale"]
    assert value(capsys, base) == "1731"
    assert [line.split("\t")[2] for line in info_lines(capsys)[2:]] == ["fresh"]
    assert value(capsys, base) == "1731"


def test_files_older_than_the_build_are_trusted_without_hashing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fast path: a file last changed more than 2 s before the build is never read."""
    base = copy_base(tmp_path)
    assert value(capsys, base) == "1730"
    path = cache_file(base)
    info = base.stat()
    set_meta(path, built=str(max(info.st_mtime_ns, info.st_ctime_ns) + cache.RACY_NS + 1))
    builds = count_builds(monkeypatch)

    def no_hashing(_data: bytes) -> str:
        raise AssertionError("a file older than the build was hashed")

    monkeypatch.setattr(cache, "fingerprint", no_hashing)
    assert value(capsys, base) == "1730"
    assert builds == []


def test_a_warm_run_of_the_bundled_base_does_not_import_hashlib(tmp_path: Path) -> None:
    """The bundled base, installed long ago, is trusted by its stat: no hashing, no hashlib import."""
    script = (
        "import sys\n"
        "from tongzhou_facts.cli import main\n"
        "code = main(['search', '异质结', '--format', 'plain'])\n"
        "print(code, 'hashlib' in sys.modules, file=sys.stderr)\n"
    )
    env = subprocess_env(XDG_CACHE_HOME=str(tmp_path / "cache"))
    runs = [
        subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        for _ in range(2)
    ]
    assert [r.stderr for r in runs] == ["0 True\n", "0 False\n"]  # the first run builds (and fingerprints)


def test_a_content_check_moves_the_build_time_forward(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After one content check the cache is trusted by stat again, as git rewrites its index."""
    base = copy_base(tmp_path)
    assert value(capsys, base) == "1730"
    path = cache_file(base)
    assert int(meta(path)["built"]) >= base.stat().st_mtime_ns - cache.RACY_NS  # racy: built right after a write
    hashed: list[int] = []
    real_fingerprint = cache.fingerprint

    def counting(data: bytes) -> str:
        hashed.append(len(data))
        return real_fingerprint(data)

    monkeypatch.setattr(cache, "fingerprint", counting)
    later = SimpleNamespace(time_ns=lambda: time.time_ns() + 10 * cache.RACY_NS, time=time.time)
    with monkeypatch.context() as patch:
        patch.setattr(cache, "time", later)  # the next run, 20 s later
        assert value(capsys, base) == "1730"
    assert hashed == [base.stat().st_size]
    assert int(meta(path)["built"]) > base.stat().st_ctime_ns + cache.RACY_NS
    builds = count_builds(monkeypatch)
    assert value(capsys, base) == "1730"
    assert hashed == [base.stat().st_size] and builds == []


@pytest.fixture
def coarse_fs(tmp_path: Path) -> Iterator[Path]:
    """A loop-mounted ext4 with 128-byte inodes: timestamps in whole seconds."""
    if not IS_ROOT:
        pytest.skip("mounting an ext4 image with 1-second timestamps needs root")
    mkfs, mount, umount = shutil.which("mkfs.ext4"), shutil.which("mount"), shutil.which("umount")
    if not (mkfs and mount and umount):
        pytest.skip("mkfs.ext4, mount or umount is not installed")
    image = tmp_path / "coarse.img"
    with open(image, "wb") as handle:
        handle.truncate(8 << 20)
    made = subprocess.run([mkfs, "-q", "-F", "-I", "128", str(image)], capture_output=True, text=True, check=False)
    if made.returncode:
        pytest.skip(f"mkfs.ext4 -I 128 failed: {made.stderr.strip()}")
    point = tmp_path / "mnt"
    point.mkdir()
    mounted = subprocess.run([mount, "-o", "loop", str(image), str(point)], capture_output=True, text=True, check=False)
    if mounted.returncode:
        pytest.skip(f"cannot loop-mount an ext4 image: {mounted.stderr.strip()}")
    try:
        probe = point / "probe"
        probe.write_bytes(b"x")
        if probe.stat().st_mtime_ns % 1_000_000_000:
            pytest.skip("the loop-mounted ext4 keeps sub-second timestamps")
        yield point
    finally:
        if subprocess.run([umount, str(point)], capture_output=True, check=False).returncode:
            subprocess.run([umount, "-l", str(point)], capture_output=True, check=False)


def test_same_second_same_size_rewrite_on_a_one_second_filesystem(capsys: pytest.CaptureFixture[str], coarse_fs: Path) -> None:
    base = copy_base(coarse_fs)
    for _attempt in range(5):
        wait_for(lambda: time.time() % 1 < 0.3, 2, "the start of a second")
        base.write_bytes(BASE.read_bytes())  # value 1730, timestamps of this second
        before = base.stat()
        assert value(capsys, base) == "1730"  # builds the cache within this second
        rewrite(base, 1730, 1731)
        after = base.stat()
        if (after.st_mtime_ns, after.st_ctime_ns) == (before.st_mtime_ns, before.st_ctime_ns):
            break  # the rewrite is invisible to stat
    else:
        pytest.fail("could not rewrite the base within one second in 5 attempts")
    assert meta(cache_file(base))["key"] == cache.file_key([str(base)]), "the stat should match the cache's key"
    states = [line.split("\t")[2] for line in info_lines(capsys)[2:]]
    assert states == ["stale"], "cache info calls a stale cache fresh"
    assert value(capsys, base) == "1731"
    assert [line.split("\t")[2] for line in info_lines(capsys)[2:]] == ["fresh"]


# ---------------------------------------------------------------------------- 2. ownership


def test_new_cache_folder_is_private_whatever_the_umask(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = copy_base(tmp_path)
    old = os.umask(0)
    try:
        assert value(capsys, base) == "1730"
    finally:
        os.umask(old)
    assert stat.S_IMODE(cache_file(base).parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(cache_file(base).stat().st_mode) & 0o077 == 0


def test_our_loose_folder_is_tightened_and_still_used(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = copy_base(tmp_path)
    assert value(capsys, base) == "1730"
    folder = cache_file(base).parent
    folder.chmod(0o777)  # as an older version under umask 0 made it
    builds = count_builds(monkeypatch)
    assert value(capsys, base) == "1730"
    assert builds == []  # served from the cache
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_cache_file_writable_by_others_is_not_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = copy_base(tmp_path)
    assert value(capsys, base) == "1730"
    path = cache_file(base)
    plant(path)
    path.chmod(0o666)
    assert [line.split("\t")[2] for line in info_lines(capsys)[2:]] == ["unused (file is writable by group or others)"]
    assert value(capsys, base) == "1730"  # not the planted value
    assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0  # replaced by a file of our own
    builds = count_builds(monkeypatch)
    assert value(capsys, base) == "1730" and builds == []


@needs_root
def test_cache_folder_of_another_user_is_not_used(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Another user ran facts first in a shared XDG_CACHE_HOME and planted a value."""
    base = copy_base(tmp_path)
    assert value(capsys, base) == "1730"
    path = cache_file(base)
    folder = path.parent
    plant(path)
    os.chown(folder, OTHER_UID, OTHER_UID)
    folder.chmod(0o777)
    os.chown(path, OTHER_UID, OTHER_UID)
    path.chmod(0o666)
    before = files_under(folder)
    assert value(capsys, base) == "1730"
    lines = info_lines(capsys)
    assert lines[0] == f"cache: off (folder {folder} is owned by uid {OTHER_UID}, not by you)"
    assert "fresh" not in "\n".join(lines)
    code, _out, err = run(capsys, "cache", "clear")
    assert code == 0
    assert f"is owned by uid {OTHER_UID}, not by you" in err
    assert files_under(folder) == before  # nothing written, nothing deleted
    assert stat.S_IMODE(folder.stat().st_mode) == 0o777  # not ours to tighten
    assert path.stat().st_uid == OTHER_UID


@needs_root
def test_cache_file_of_another_user_in_our_folder_is_not_read(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = copy_base(tmp_path)
    assert value(capsys, base) == "1730"
    path = cache_file(base)
    plant(path)
    os.chown(path, OTHER_UID, OTHER_UID)
    assert [line.split("\t")[2] for line in info_lines(capsys)[2:]] == [f"unused (file is owned by uid {OTHER_UID}, not by you)"]
    assert value(capsys, base) == "1730"
    assert path.stat().st_uid == os.getuid()  # replaced by ours (the folder is ours)
    assert [line.split("\t")[2] for line in info_lines(capsys)[2:]] == ["fresh"]


# ---------------------------------------------------------------------------- 3. escaped URIs


@pytest.mark.parametrize("name", [b"hash#sign", b"question?mark", b"percent%41", b"a space", b"not-utf8-\xe9\xff"], ids=repr)
def test_any_cache_home_is_served_from_the_cache(
    name: bytes, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = copy_base(tmp_path)
    parent = tmp_path / "parent"
    home = os.path.join(os.fsencode(parent), name)
    os.makedirs(home)
    monkeypatch.setenv("XDG_CACHE_HOME", os.fsdecode(home))
    builds = count_builds(monkeypatch)
    assert value(capsys, base) == "1730"
    path = cache_file(base)
    first = path.stat()
    assert value(capsys, base) == "1730"
    assert len(builds) == 1, builds  # the second run read the cache file
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (first.st_ino, first.st_mtime_ns)
    assert info_lines(capsys)[2].split("\t")[2] == "fresh"
    expected = {os.path.relpath(path, parent)}
    assert files_under(parent) == expected  # nothing beside the cache folder
    assert sorted(os.listdir(tmp_path)) == ["base.toml", "parent"]


def test_uri_escapes_every_byte_outside_the_unreserved_set() -> None:
    uri = sqlite_uri(os.fsdecode(b"//srv/a#b?c%41 d\xff/x.sqlite"), "mode=ro")
    assert uri == "file:////srv/a%23b%3Fc%2541%20d%FF/x.sqlite?mode=ro"  # empty authority, then the path //srv/…


# ---------------------------------------------------------------------------- 4. one file per version


@pytest.mark.parametrize("setting", ["__version__", "FORMAT_VERSION"])
def test_two_versions_keep_one_cache_file_each(setting: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = copy_base(tmp_path)
    builds = count_builds(monkeypatch)
    original = getattr(cache, setting)
    first = cache.open_index([str(base)]).origin
    monkeypatch.setattr(cache, setting, "9.9.9-other")
    second = cache.open_index([str(base)]).origin
    assert second != first and os.path.isfile(first) and os.path.isfile(second)
    assert len(builds) == 2
    kept = Path(first).stat()
    builds.clear()
    for _ in range(2):  # each version, in turn, is served from its own file
        monkeypatch.setattr(cache, setting, original)
        assert cache.open_index([str(base)]).origin == first
        monkeypatch.setattr(cache, setting, "9.9.9-other")
        assert cache.open_index([str(base)]).origin == second
    assert builds == []
    assert (Path(first).stat().st_ino, Path(first).stat().st_mtime_ns) == (kept.st_ino, kept.st_mtime_ns)


# ---------------------------------------------------------------------------- 5. Ctrl-C and SIGTERM in a cold build


@pytest.fixture(scope="module")
def big_base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A 25,000-record base (parallel indexing starts at 20,000) and the id of its last record."""
    path = generated_base(tmp_path_factory.mktemp("big") / "big.toml", 25000)
    return path, re.findall(r'^id = "([^"]+)"', path.read_text(encoding="utf-8"), re.M)[-1]


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def _start_cold_build(big_base: tuple[Path, str], home: Path) -> subprocess.Popen[str]:
    path, record_id = big_base
    return subprocess.Popen(
        [sys.executable, "-m", "tongzhou_facts", "get", record_id, "value", "-f", str(path)],
        cwd=ROOT,
        env=subprocess_env(XDG_CACHE_HOME=str(home)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's job is
    )


def _rss_kb(pid: int) -> int:
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


#: Moments of a cold build of the 25,000-record base (about 30 MB of temporary file when whole),
#: each a condition on the running process: parsing (memory growing, before any worker),
#: the workers just forked, a third and five sixths of the index written.
MOMENTS: dict[str, Callable[[int, Path], bool]] = {
    "parsing": lambda pid, _folder: _rss_kb(pid) > 40_000,
    "workers-forked": lambda pid, _folder: len(_children(pid)) >= 2,
    "mid-build": lambda pid, folder: temp_size(folder) >= 10_000_000 and len(_children(pid)) >= 2,
    "late-build": lambda _pid, folder: temp_size(folder) >= 25_000_000,
}


@pytest.mark.skipif(
    not os.path.isdir("/proc") or not hasattr(os, "fork") or build._usable_cpus() < 2,
    reason="needs fork, two CPUs (else no worker processes) and /proc (Linux)",
)
@pytest.mark.parametrize(
    ("signum", "whole_group", "moment"),
    [
        # `kill %1`, systemd and `kill 0` signal the whole group; a hang there was a race
        # (about 1 in 4 runs of the old pool), hence three tries at each moment.
        *(
            pytest.param(signal.SIGTERM, True, moment, id=f"sigterm-group-{moment}-{attempt}")
            for moment in MOMENTS
            for attempt in (1, 2, 3)
        ),
        # a terminal's Ctrl-C reaches the whole foreground group
        pytest.param(signal.SIGINT, True, "workers-forked", id="ctrl-c-group-workers-forked"),
        pytest.param(signal.SIGINT, True, "late-build", id="ctrl-c-group-late-build"),
        # `kill PID`: the parent alone
        pytest.param(signal.SIGTERM, False, "workers-forked", id="sigterm-parent-workers-forked"),
        pytest.param(signal.SIGTERM, False, "late-build", id="sigterm-parent-late-build"),
    ],
)
def test_interrupted_cold_build_is_quiet_and_leaves_nothing(
    signum: int, whole_group: bool, moment: str, big_base: tuple[Path, str], tmp_path: Path
) -> None:
    """Exit 130/143 (a group SIGTERM kills the workers outright; the parent still ends with
    143), no traceback, no temporary file, no worker left, and never a hang: a worker killed by
    the group's SIGTERM once left multiprocessing's Pool.terminate() waiting for a lock forever."""
    home = tmp_path / "cache"
    folder = home / "tongzhou-facts"
    process = _start_cold_build(big_base, home)
    try:

        def reached() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"finished before it could be interrupted: {process.communicate()}")
            return MOMENTS[moment](process.pid, folder)

        wait_for(reached, 120, f"the build to reach the moment {moment!r}")
        if whole_group:
            os.killpg(process.pid, signum)
        else:
            os.kill(process.pid, signum)
        try:
            out, err = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running 60 s after the signal ({moment}): hung")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    assert process.returncode == (130 if signum == signal.SIGINT else 143), err
    assert "Traceback" not in err and "Error" not in err, err
    assert out == ""
    assert not _group_alive(process.pid), "a worker outlived the process that forked it"
    leftovers = [name for name in os.listdir(folder) if name.endswith((".tmp", *SIDE_FILES))] if folder.is_dir() else []
    assert not leftovers, leftovers


@pytest.mark.skipif(not hasattr(os, "fork"), reason="parallel indexing needs fork")
def test_a_parallel_cold_build_is_quiet(big_base: tuple[Path, str], tmp_path: Path) -> None:
    """The workers are ended by SIGTERM when the pool closes: silently, not by the parent's handler."""
    process = _start_cold_build(big_base, tmp_path / "cache")
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0 and err == "", err
    assert out.strip()
    assert [p.name.endswith(".sqlite") for p in (tmp_path / "cache" / "tongzhou-facts").iterdir()] == [True]


# ---------------------------------------------------------------------------- 6. loading budgets


def padded(folder: Path, count: int, size: int) -> list[Path]:
    """`count` TOML files of `size` bytes of comments each (no records)."""
    paths = []
    for n in range(count):
        path = folder / f"part{n}.toml"
        path.write_bytes((b"#" + b"x" * 98 + b"\n") * (size // 100))
        paths.append(path)
    return paths


def entries(base: Path) -> int:
    """The records of a base file: what FACTS_MAX_RECORDS counts."""
    return len(re.findall(r"^\[\[(?:metrics|projects|milestones)\]\]", base.read_text(encoding="utf-8"), re.M))


def test_max_mb_is_the_total_of_all_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts = padded(tmp_path, 5, 300_000)  # 0.29 MB each, 1.43 MB in all
    base = copy_base(tmp_path)
    files = [arg for path in [base, *parts] for arg in ("-f", str(path))]
    monkeypatch.setenv("FACTS_MAX_MB", "1")
    line = error_line(*run(capsys, "get", "gdp-2023", "value", *files))
    assert (
        line
        == "base too large: its 6 files come to 1.5 MB (the limit is 1 MB for all files together, set FACTS_MAX_MB to raise it)"
    )
    code, _out, err = run(capsys, "check", base, *parts)
    assert code == 2 and "base too large: its 6 files" in err
    monkeypatch.setenv("FACTS_MAX_MB", "1.5")
    code, out, err = run(capsys, "get", "gdp-2023", "value", *files)
    assert (code, out, err) == (0, "1730\n", "")


def test_max_mb_for_one_file(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTS_MAX_MB", "0.01")
    line = error_line(*run(capsys, "get", "gdp-2023", "value", "-f", BASE))
    assert re.fullmatch(
        rf"{re.escape(str(BASE))}: file too large \(0\.0[2-9] MB; the limit is 0\.01 MB, set FACTS_MAX_MB to raise it\)", line
    ), line


def test_a_huge_max_mb_does_not_ask_for_that_much_memory(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FACTS_MAX_MB", "1000000")  # 1 TB: a read must not allocate the limit
    code, out, err = run(capsys, "get", "gdp-2023", "value", "-f", BASE)
    assert (code, out, err) == (0, "1730\n", "")


def test_max_records_stops_before_validation(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = copy_base(tmp_path)
    records = entries(base)
    monkeypatch.setenv("FACTS_MAX_RECORDS", str(records - 1))

    def no_validation(*_args: object) -> object:
        raise AssertionError("validated a base with too many records")

    real_validation = validate.validate_documents
    monkeypatch.setattr(validate, "validate_documents", no_validation)
    builds = count_builds(monkeypatch)
    line = error_line(*run(capsys, "get", "gdp-2023", "value", "-f", base))
    limit = f"(the limit is {records - 1:,}, set FACTS_MAX_RECORDS to raise it)"
    assert line == f"base too large: {records:,} records {limit}"
    extra = padded(tmp_path, 1, 200)[0]
    line = error_line(*run(capsys, "list", "-f", base, "-f", extra))
    assert line == f"base too large: {records:,} records or more {limit}"
    assert "FACTS_MAX_RECORDS" in error_line(*run(capsys, "check", base))
    assert builds == []
    monkeypatch.setattr(validate, "validate_documents", real_validation)
    monkeypatch.setenv("FACTS_MAX_RECORDS", str(records))
    assert value(capsys, base) == "1730"


@pytest.mark.parametrize("variable", ["FACTS_MAX_MB", "FACTS_MAX_RECORDS"])
@pytest.mark.parametrize("setting", ["inf", "nan", "1e308", "0", "-1", "abc", "-inf", "1.5e9", "1e-300", "0.0009"])
def test_bad_limit_settings_are_usage_errors(
    variable: str, setting: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, setting)
    line = error_line(*run(capsys, "get", "gdp-2023", "value"))
    assert line.startswith(f"{variable} must be ") and repr(setting) in line, line


def test_limit_settings_on_a_cached_run_and_their_defaults(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = copy_base(tmp_path)
    for variable in ("FACTS_MAX_MB", "FACTS_MAX_RECORDS"):
        monkeypatch.setenv(variable, "")  # empty: the default
    assert value(capsys, base) == "1730"
    monkeypatch.setenv("FACTS_MAX_RECORDS", "1.5")  # not a whole number, even when the cache answers
    assert "FACTS_MAX_RECORDS must be a whole number" in error_line(*run(capsys, "get", "gdp-2023", "value", "-f", base))
    monkeypatch.setenv("FACTS_MAX_RECORDS", " 2000 ")
    monkeypatch.setenv("FACTS_MAX_MB", "0.5")
    assert value(capsys, base) == "1730"


def test_max_mb_below_a_kilobyte_is_refused_and_says_the_least(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """1e-300 MB is not a limit anyone means (it printed "the limit is 0 MB"): 0.001 is the least."""
    monkeypatch.setenv("FACTS_MAX_MB", "1e-300")
    line = error_line(*run(capsys, "get", "gdp-2023", "value"))
    assert line == "FACTS_MAX_MB must be a number of megabytes from 0.001 to 1000000000, not '1e-300' (e.g. FACTS_MAX_MB=200)"
    monkeypatch.setenv("FACTS_MAX_MB", "0.001")
    line = error_line(*run(capsys, "get", "gdp-2023", "value", "-f", BASE))
    assert line.endswith("MB; the limit is 0.001 MB, set FACTS_MAX_MB to raise it)"), line
    monkeypatch.setenv("FACTS_MAX_RECORDS", "0")
    line = error_line(*run(capsys, "get", "gdp-2023", "value"))
    assert line.startswith("FACTS_MAX_RECORDS must be a whole number of records from 1 to 1000000000, not '0'"), line


def two_file_base(folder: Path) -> list[Path]:
    """The bundled base, and a second file of 40 KB of comments."""
    return [copy_base(folder), *padded(folder, 1, 40_000)]


@pytest.mark.parametrize("files", [1, 2])
@pytest.mark.parametrize(("variable", "setting"), [("FACTS_MAX_RECORDS", "10"), ("FACTS_MAX_MB", "0.01")])
def test_limits_hold_on_a_cached_run(
    variable: str, setting: str, files: int, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run served from the cache keeps both limits, with a cold run's very message, and
    without reading the base: the sizes come from the cache key's stats, the counts from the
    cache's meta."""
    paths = two_file_base(tmp_path)[:files]
    args = ["get", "gdp-2023", "value", *(arg for path in paths for arg in ("-f", str(path)))]
    assert run(capsys, *args) == (0, "1730\n", "")  # builds the cache
    path = cache.cache_path([str(p) for p in paths])
    assert path is not None and os.path.isfile(path)
    monkeypatch.setenv(variable, setting)

    def no_reading(*_args: object) -> object:
        raise AssertionError("a cached run read the base")

    with monkeypatch.context() as patch:
        patch.setattr(load, "read_documents", no_reading)
        builds = count_builds(patch)
        warm = error_line(*run(capsys, *args))
        assert builds == []
    monkeypatch.setenv("FACTS_NO_CACHE", "1")
    cold = error_line(*run(capsys, *args))
    assert warm == cold
    assert ("FACTS_MAX_RECORDS to raise it" if variable == "FACTS_MAX_RECORDS" else "FACTS_MAX_MB to raise it") in warm
    if files == 2 and variable == "FACTS_MAX_RECORDS":
        assert " or more " in warm  # the second file was not parsed: as the cold run says
    monkeypatch.delenv("FACTS_NO_CACHE")
    monkeypatch.delenv(variable)
    assert run(capsys, *args) == (0, "1730\n", "")  # the cache file is still there and used
    assert os.path.isfile(path)


def test_too_many_sources_stop_before_validation(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """[[sources]] tables have their own limit (1.5 million tiny ones took 18 s and 1.2 GB),
    counted before validation, on a cold run and from the cache alike; records are not
    pushed over FACTS_MAX_RECORDS by them."""
    base = copy_base(tmp_path)
    extra = tmp_path / "sources.toml"
    extra.write_text("".join(f'[[sources]]\nid = "extra-{n}"\ntitle = "t"\n' for n in range(300)), encoding="utf-8")
    files = ["-f", str(base), "-f", str(extra)]
    monkeypatch.setenv("FACTS_MAX_RECORDS", str(entries(base)))  # exactly the records: sources do not count
    assert run(capsys, "get", "gdp-2023", "value", *files)[:2] == (0, "1730\n")
    monkeypatch.setattr(limits, "MAX_SOURCES", 300)
    expected = "base too large: 301 [[sources]] tables (at most 300 in a base)"
    assert error_line(*run(capsys, "get", "gdp-2023", "value", *files)) == expected  # from the cache
    monkeypatch.setattr(validate, "validate_documents", lambda *_args: pytest.fail("validated a base over the limit"))
    monkeypatch.setenv("FACTS_NO_CACHE", "1")
    assert error_line(*run(capsys, "get", "gdp-2023", "value", *files)) == expected
    assert error_line(*run(capsys, "check", str(base), str(extra))) == expected
    records_only = tmp_path / "three.toml"
    records_only.write_text("".join(f'[[metrics]]\nid = "m{n}"\n' for n in range(3)), encoding="utf-8")
    monkeypatch.setenv("FACTS_MAX_RECORDS", "2")
    line = error_line(*run(capsys, "list", "-f", records_only))
    assert line == "base too large: 3 records (the limit is 2, set FACTS_MAX_RECORDS to raise it)"


def test_each_file_is_fingerprinted_as_read_and_its_bytes_let_go_before_parsing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file's bytes are not kept beside its parse (about ten times their size): a cold
    100,000-record build held 31 MB more for it."""
    paths = two_file_base(tmp_path)
    freed: list[int] = []
    events: list[str] = []

    class Tracked(bytes):
        def __del__(self) -> None:
            freed.append(len(self))

    real_read, real_parse, real_fingerprint = load._read, load.parse_toml, cache.fingerprint

    def read(name: str, info: os.stat_result, limit: int) -> bytes:
        return Tracked(real_read(name, info, limit))

    def parse(text: str, name: str) -> object:
        events.append(f"parse {len(freed)} freed")
        return real_parse(text, name)

    def fingerprint(data: bytes) -> str:
        events.append("fingerprint")
        return real_fingerprint(data)

    monkeypatch.setattr(load, "_read", read)
    monkeypatch.setattr(load, "parse_toml", parse)
    monkeypatch.setattr(cache, "fingerprint", fingerprint)
    assert run(capsys, "get", "gdp-2023", "value", "-f", paths[0], "-f", paths[1]) == (0, "1730\n", "")
    assert events == ["fingerprint", "fingerprint", "parse 1 freed", "parse 2 freed"]
    import hashlib

    stored = json.loads(meta(Path(str(cache.cache_path([str(p) for p in paths]))))["fingerprints"])
    assert stored == [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]


# ---------------------------------------------------------------------------- 7. cache info only looks


def test_cache_info_skips_a_fifo_and_never_blocks(tmp_path: Path) -> None:
    """A FIFO named like a cache file (or like SQLite's journal beside one) once made `cache
    info` wait for a writer forever, deaf to SIGTERM (SQLite retries an interrupted open)."""
    home = tmp_path / "cache"
    env = subprocess_env(XDG_CACHE_HOME=str(home))
    command = [sys.executable, "-m", "tongzhou_facts"]
    built = subprocess.run([*command, "get", "gdp-2023", "value"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert built.stdout == "1730\n", built.stderr
    folder = home / "tongzhou-facts"
    (real,) = [name for name in os.listdir(folder) if name.endswith(".sqlite")]
    os.mkfifo(folder / "zz.sqlite", 0o600)
    os.mkfifo(folder / (real + "-journal"), 0o600)
    try:
        shown = subprocess.run([*command, "cache", "info"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("cache info blocked on a FIFO")
    assert shown.returncode == 0 and shown.stderr == "", shown.stderr
    assert [line.split("\t")[:3] for line in shown.stdout.splitlines()[2:]] == [
        [real, str((folder / real).stat().st_size), "fresh"]
    ]


def test_reading_a_base_for_a_content_check_never_blocks(tmp_path: Path) -> None:
    """A FIFO where a base file was (a race with the stat) is refused, not waited on."""
    fifo = tmp_path / "base.toml"
    os.mkfifo(fifo, 0o600)
    script = f"from tongzhou_facts import cache; print(cache._read_regular({str(fifo)!r}, 100))"
    try:
        done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("reading a FIFO for a content check blocked")
    assert (done.stdout, done.stderr) == ("None\n", "")


def test_cache_info_changes_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`cache info` neither tightens a loose folder of ours nor moves a build time (it
    rewrote the cache file after a content check): it says what the next run will do."""
    base = copy_base(tmp_path)
    assert value(capsys, base) == "1730"
    path = cache_file(base)
    before = (path.stat().st_ino, path.stat().st_mtime_ns, meta(path)["built"])
    later = SimpleNamespace(time_ns=lambda: time.time_ns() + 10 * cache.RACY_NS, time=time.time)
    with monkeypatch.context() as patch:
        patch.setattr(cache, "time", later)  # 20 s later: a content check would move the build time
        assert [line.split("\t")[2] for line in info_lines(capsys)[2:]] == ["fresh"]
    assert (path.stat().st_ino, path.stat().st_mtime_ns, meta(path)["built"]) == before
    folder = path.parent
    folder.chmod(0o777)
    lines = info_lines(capsys)
    assert lines[0] == f"cache: on (folder {folder} is writable by group or others: the next run makes it 0700)"
    assert [line.split("\t")[2] for line in lines[2:]] == ["unchecked (the folder is not private yet)"]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o777
    assert value(capsys, base) == "1730"  # a run tightens it, and uses the file
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert [line.split("\t")[2] for line in info_lines(capsys)[2:]] == ["fresh"]
    assert cache.refusal.__doc__ and "Only looks" in cache.refusal.__doc__


# ---------------------------------------------------------------------------- 8. side files


def test_stale_temporary_side_files_are_swept_and_cleared(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Every side file SQLite may leave (files.SIDE_FILES: -journal, -wal, -shm) is swept with
    its temporary file when stale, and removed by `cache clear`."""
    base = copy_base(tmp_path)
    assert value(capsys, base) == "1730"
    folder = cache_file(base).parent
    old = time.time() - cache.STALE_TEMP_SECONDS - 60
    stale = [f"x.sqlite.old{n}.tmp{side}" for n, side in enumerate(("", *SIDE_FILES))]
    fresh = [f"x.sqlite.new{n}.tmp{side}" for n, side in enumerate(("", *SIDE_FILES))]
    for name in stale + fresh:
        (folder / name).write_bytes(b"left by a killed process")
    for name in stale:
        os.utime(folder / name, (old, old))
    cache_file(base).unlink()
    assert value(capsys, base) == "1730"  # a build sweeps the stale leftovers
    assert sorted(os.listdir(folder)) == sorted([cache_file(base).name, *fresh])
    for side in SIDE_FILES:
        (folder / (cache_file(base).name + side)).write_bytes(b"")
    code, _out, err = run(capsys, "cache", "clear")
    assert code == 0 and err == f"facts: removed {2 + 2 * len(SIDE_FILES)} cache files\n"
    assert os.listdir(folder) == []
