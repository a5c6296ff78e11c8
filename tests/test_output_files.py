"""`-o FILE` never destroys what it reads, never breaks what is at the path, never leaves litter.

Every case of the adversarial report: an output path that is (or resolves to) a base
being read, the bundled base or the cache; devices, FIFOs, `-`, symlinks and hard
links; modes; a process stopped mid-export.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tongzhou_facts import cache
from tongzhou_facts.load import bundled_path

from .conftest import BASE, generated_base, run, subprocess_env, wait_for

FACTS = [sys.executable, "-m", "tongzhou_facts"]
#: The records of the bundled base, facts.toml.
BUNDLED_RECORDS = 105


def completed(argv: list[str], tmp_path: Path, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess[bytes]:
    """`argv` run to its end with a private cache under `tmp_path`; stdout and stderr captured."""
    return subprocess.run(
        argv,
        cwd=cwd,
        env=subprocess_env(XDG_CACHE_HOME=str(tmp_path / "c"), **env),
        capture_output=True,
        timeout=60,
        check=False,
    )


def in_bash(script: str, *args: str) -> list[str]:
    """bash running `script` with "$@" the facts command line ARGS."""
    return ["bash", "-c", script, "bash", *FACTS, *args]


def facts_process(*args: str | os.PathLike[str], **options: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tongzhou_facts", *map(os.fspath, args)],
        stdout=options.pop("stdout", subprocess.PIPE),  # type: ignore[arg-type]
        stderr=subprocess.PIPE,
        env=subprocess_env(**options.pop("env", {})),  # type: ignore[arg-type]
        **options,  # type: ignore[arg-type]
    )


@pytest.fixture
def base(tmp_path: Path) -> Path:
    copy = tmp_path / "b.toml"
    shutil.copyfile(BASE, copy)
    return copy


def assert_refused(result: tuple[int, str, str], what: str) -> None:
    code, out, err = result
    assert code == 2, err
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("facts: error: refusing to write to ") and what in err, err


# ---------------------------------------------------------------------------- never over an input


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "sqlite"])
def test_export_over_its_own_base_is_refused(capsys: pytest.CaptureFixture[str], base: Path, fmt: str) -> None:
    before = base.read_bytes()
    assert_refused(run(capsys, "export", "--format", fmt, "-f", base, "-o", base), "fact base")
    assert base.read_bytes() == before
    assert run(capsys, "get", "gdp-2023", "value", "-f", base)[1] == "1730\n"


def test_export_over_a_base_named_by_facts_file(
    capsys: pytest.CaptureFixture[str], base: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("FACTS_FILE", str(base))
    before = base.read_bytes()
    monkeypatch.chdir(tmp_path)
    assert_refused(run(capsys, "export", "--format", "csv", "-o", "./b.toml"), "fact base")
    assert base.read_bytes() == before


def test_export_over_the_bundled_base_is_refused(capsys: pytest.CaptureFixture[str], base: Path) -> None:
    bundled = Path(bundled_path())
    before = bundled.read_bytes()
    assert_refused(run(capsys, "export", "-o", bundled), "fact base")  # it is the base being read
    assert_refused(run(capsys, "export", "-f", base, "-o", bundled), "fact base")  # every later run reads it
    assert bundled.read_bytes() == before


def test_export_through_a_symlink_or_hard_link_to_the_base(
    capsys: pytest.CaptureFixture[str], base: Path, tmp_path: Path
) -> None:
    soft = tmp_path / "soft.toml"
    soft.symlink_to(base)
    hard = tmp_path / "hard.toml"
    os.link(base, hard)
    before = base.read_bytes()
    assert_refused(run(capsys, "export", "-f", base, "-o", soft), "fact base")
    assert_refused(run(capsys, "export", "-f", soft, "-o", hard), "fact base")
    assert base.read_bytes() == before


def test_export_into_the_cache_folder_is_refused(capsys: pytest.CaptureFixture[str], base: Path) -> None:
    assert run(capsys, "get", "gdp-2023", "value", "-f", base)[0] == 0  # the cache exists now
    folder = cache.cache_dir()
    assert folder is not None
    cached = cache.cache_path([str(base)])
    assert cached is not None and os.path.isfile(cached)
    before = Path(cached).read_bytes()
    assert_refused(run(capsys, "export", "--format", "sqlite", "-f", base, "-o", cached), "cache folder")
    assert_refused(run(capsys, "export", "-f", base, "-o", os.path.join(folder, "x.json")), "cache folder")
    assert Path(cached).read_bytes() == before


# ---------------------------------------------------------------------------- what is at the path stays what it is


def test_dev_null_stays_a_device(capsys: pytest.CaptureFixture[str]) -> None:
    before = os.stat("/dev/null")
    for fmt in ("json", "csv", "sqlite"):
        code, out, err = run(capsys, "export", "--format", fmt, "-o", "/dev/null")
        assert code == 0, err
        assert out == ""
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino and after.st_mode == before.st_mode


def test_dash_is_standard_output(tmp_path: Path) -> None:
    def export(*args: str) -> bytes:
        done = completed([*FACTS, "export", *args, "-o", "-"], tmp_path, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert not (tmp_path / "-").exists()
        return done.stdout

    assert json.loads(export())[0]["id"] == "gdp-2023"
    assert export("--format", "sqlite").startswith(b"SQLite format 3\x00")


def test_dev_stdout_is_written_not_replaced(tmp_path: Path) -> None:
    link = os.readlink("/dev/stdout") if os.path.islink("/dev/stdout") else None
    done = completed([*FACTS, "export", "--format", "jsonl", "-o", "/dev/stdout"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == BUNDLED_RECORDS
    if link is not None:
        assert os.readlink("/dev/stdout") == link


def test_a_symlink_is_written_through(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target.name)
    assert run(capsys, "export", "-o", link)[0] == 0
    assert link.is_symlink() and os.readlink(link) == "real.json"
    assert json.loads(target.read_text(encoding="utf-8"))[0]["id"] == "gdp-2023"


def test_a_dangling_symlink_creates_its_target(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    link = tmp_path / "link.csv"
    link.symlink_to("made.csv")
    assert run(capsys, "export", "--format", "csv", "-o", link)[0] == 0
    assert link.is_symlink() and (tmp_path / "made.csv").read_text(encoding="utf-8").startswith("id,")


def test_hard_links_stay_linked(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    first = tmp_path / "a.json"
    first.write_text("x" * 100_000)  # longer than the export: the rest must be cut off
    second = tmp_path / "b.json"
    os.link(first, second)
    inode = first.stat().st_ino
    assert run(capsys, "export", "-o", first)[0] == 0
    assert first.stat().st_ino == inode == second.stat().st_ino and first.stat().st_nlink == 2
    assert json.loads(second.read_text(encoding="utf-8"))[0]["id"] == "gdp-2023"


def test_an_existing_file_keeps_its_mode(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for fmt, mode in (("json", 0o664), ("sqlite", 0o640), ("csv", 0o604)):
        target = tmp_path / f"out.{fmt}"
        target.write_text("old")
        target.chmod(mode)
        assert run(capsys, "export", "--format", fmt, "-o", target)[0] == 0
        assert stat.S_IMODE(target.stat().st_mode) == mode, fmt


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_a_new_file_honours_the_umask(tmp_path: Path, umask: int) -> None:
    target = tmp_path / "new.db"
    process = facts_process(
        "export",
        "--format",
        "sqlite",
        "-o",
        target,
        env={"XDG_CACHE_HOME": str(tmp_path / "c")},
        preexec_fn=lambda: os.umask(umask),
    )
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert sqlite3.connect(target).execute("SELECT count(*) FROM records").fetchone() == (BUNDLED_RECORDS,)


def test_a_fifo_is_written_as_a_stream(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as reader:
            received.append(reader.read())

    reader = threading.Thread(target=read)
    reader.start()
    code, _, err = run(capsys, "export", "--format", "jsonl", "-o", fifo)
    reader.join(timeout=60)
    assert code == 0, err
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert len(received[0].splitlines()) == BUNDLED_RECORDS


@pytest.mark.parametrize(
    ("target", "reason"),
    [("/dev/full", "No space left on device"), ("", "empty"), ("no/such/folder/x.json", "No such file or directory")],
)
def test_an_output_that_cannot_be_written_is_one_error(capsys: pytest.CaptureFixture[str], target: str, reason: str) -> None:
    code, out, err = run(capsys, "export", "-o", target)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("facts: error: ") and reason in err, err


def test_a_failed_export_leaves_the_old_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    broken = tmp_path / "broken.toml"
    broken.write_text("[[metrics]\n")
    assert run(capsys, "export", "-f", broken, "-o", target)[0] == 2
    assert target.read_text() == "old"
    assert {p.name for p in tmp_path.iterdir()} == {"out.json", "broken.toml"}


# ---------------------------------------------------------------------------- stopped mid-export


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_stopped_export_leaves_no_temporary_file(tmp_path: Path, signum: int) -> None:
    base = generated_base(tmp_path / "big.toml", 20000)
    out = tmp_path / "out"
    out.mkdir()
    cache_home = tmp_path / "cache"
    warm = facts_process("stats", "-f", base, env={"XDG_CACHE_HOME": str(cache_home)})
    assert warm.communicate(timeout=300)[0] != b""  # the base is indexed: the export starts writing at once
    process = facts_process(
        "export", "--format", "sqlite", "-f", base, "-o", out / "out.db", env={"XDG_CACHE_HOME": str(cache_home)}
    )
    try:
        wait_for(lambda: any(out.iterdir()), 120, "the export's temporary file", process)
    finally:
        process.send_signal(signum)
    _, err = process.communicate(timeout=120)
    if process.returncode == 0:
        pytest.fail("the export finished before it could be stopped: the test tested nothing")
    assert process.returncode == 128 + signum, err
    assert b"Traceback" not in err, err
    assert list(out.iterdir()) == []


# ---------------------------------------------------------------------------- descriptors, read-only files, full disks


def test_dev_stdout_appends_where_the_shell_points_it(tmp_path: Path) -> None:
    """`-o /dev/stdout >> log` writes to the open descriptor: the log keeps its lines and inode."""
    log = tmp_path / "app.log"
    log.write_text("keep\n")
    inode = log.stat().st_ino
    done = completed(in_bash('"$@" >> app.log', "export", "--format", "jsonl", "-o", "/dev/stdout"), tmp_path, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "keep" and len(lines) == 1 + BUNDLED_RECORDS
    assert log.stat().st_ino == inode


def test_dev_fd_is_the_descriptor_not_a_path(tmp_path: Path) -> None:
    script = 'exec 3> g.txt; rm g.txt; "$@"; ls'
    done = completed(in_bash(script, "export", "--format", "sqlite", "-o", "/dev/fd/3"), tmp_path, cwd=tmp_path)
    assert done.stderr.endswith(f"wrote {BUNDLED_RECORDS} records to /dev/fd/3\n".encode()), done.stderr
    assert done.stdout == b"c\n"  # no file named "g.txt (deleted)"


def test_a_base_open_as_a_descriptor_is_refused(tmp_path: Path, base: Path) -> None:
    before = base.read_bytes()
    done = completed(in_bash('exec 3>> "$BASE"; "$@"', "export", "-f", str(base), "-o", "/dev/fd/3"), tmp_path, BASE=str(base))
    assert done.returncode == 2 and b"refusing to write to /dev/fd/3: it is the fact base" in done.stderr
    assert base.read_bytes() == before


def test_dash_into_a_closed_stdout(tmp_path: Path) -> None:
    for fmt in ("json", "sqlite"):
        done = completed(in_bash('"$@" >&-', "export", "--format", fmt, "-o", "-"), tmp_path)
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith(b"facts: error: cannot write to standard output: ") and b"closed" in done.stderr
        assert done.stderr.count(b"\n") == 1


def as_unprivileged(argv: list[str]) -> list[str]:
    """`argv` without root's power to write files it has no permission for (as any user runs)."""
    if os.geteuid() != 0:
        return argv
    if shutil.which("setpriv") is None:
        pytest.skip("running as root and setpriv (util-linux) is absent: cannot drop CAP_DAC_OVERRIDE")
    return ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search,-fowner", *argv]


def test_a_read_only_file_is_not_replaced(tmp_path: Path) -> None:
    target = tmp_path / "ro.json"
    target.write_text("keep")
    target.chmod(0o444)
    done = completed(as_unprivileged([*FACTS, "export", "-o", str(target)]), tmp_path)
    assert done.returncode == 2
    assert done.stderr == f"facts: error: cannot write {target}: permission denied\n".encode()
    assert target.read_text() == "keep"


def test_a_file_in_a_read_only_folder_is_rewritten_in_place(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    target = folder / "out.json"
    target.write_text("old")
    folder.chmod(0o555)
    try:
        done = completed(as_unprivileged([*FACTS, "export", "-o", str(target)]), tmp_path)
    finally:
        folder.chmod(0o755)
    assert done.returncode == 0, done.stderr
    assert json.loads(target.read_text(encoding="utf-8"))[0]["id"] == "gdp-2023"


def test_a_block_device_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    devices = [f"/dev/{name}" for name in ("loop0", "loop1", "sda", "vda", "nvme0n1") if os.path.exists(f"/dev/{name}")]
    block = next((d for d in devices if stat.S_ISBLK(os.stat(d).st_mode)), None)
    if block is None:
        pytest.skip("no block device under /dev to point -o at")
    code, _, err = run(capsys, "export", "-o", block)
    assert code == 2 and err == f"facts: error: refusing to write to {block}: it is a block device (a disk)\n"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs (root only), for a full disk that is not /dev/full."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_leaves_hard_linked_files_as_they_were(capsys: pytest.CaptureFixture[str], small_disk: Path) -> None:
    first = small_disk / "t.json"
    first.write_text("keep")
    os.link(first, small_disk / "t2.json")
    filler = os.open(small_disk / "filler", os.O_WRONLY | os.O_CREAT)  # fill the disk, then free less than needed
    try:
        with contextlib.suppress(OSError):
            while True:
                os.write(filler, b"\0" * 4096)
        os.ftruncate(filler, os.lseek(filler, 0, os.SEEK_CUR) - 16 * 1024)
    finally:
        os.close(filler)
    code, _, err = run(capsys, "export", "-o", first)
    assert code == 2 and "No space left on device" in err, err
    assert first.read_text() == "keep" == (small_disk / "t2.json").read_text()
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "t.json", "t2.json"]


# ---------------------------------------------------------------------------- standard output onto a base


STDOUT_ONTO_A_BASE = {
    "-f, appended": ('"$@" -f b.toml >> b.toml', ["list", "-n1"]),
    "a hard link": ('"$@" -f b.toml >> b.toml.link', ["list", "-n1"]),  # the same inode
    "FACTS_FILE": ('FACTS_FILE=b.toml "$@" >> b.toml', ["search", "异质结"]),
    "check": ('"$@" -f b.toml >> b.toml', ["check"]),
    "check, the base named": ('"$@" b.toml >> b.toml', ["check"]),
    "export": ('"$@" -f b.toml >> b.toml', ["export", "--format", "jsonl"]),
    "values": ('"$@" -f b.toml >> b.toml', ["values", "status"]),
    "a second base": ('"$@" -f other.toml -f b.toml >> b.toml', ["list"]),
}


@pytest.mark.parametrize(("script", "args"), STDOUT_ONTO_A_BASE.values(), ids=list(STDOUT_ONTO_A_BASE))
def test_standard_output_onto_a_base_is_refused(tmp_path: Path, script: str, args: list[str]) -> None:
    """`facts -f b.toml list >> b.toml` is refused before anything is written, as `cat f >> f`."""
    base = tmp_path / "b.toml"
    shutil.copyfile(BASE, base)
    os.link(base, tmp_path / "b.toml.link")
    (tmp_path / "other.toml").write_text('[[metrics]]\nid = "x"\n', encoding="utf-8")
    before = base.read_bytes()
    done = completed(in_bash(script, *args), tmp_path, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr == b"facts: error: refusing to write to standard output: it is the fact base b.toml\n"
    assert base.read_bytes() == before


def test_standard_output_onto_the_bundled_base_is_refused(tmp_path: Path) -> None:
    """Opened read-only, so that a run which did not refuse could not write it either."""
    bundled = Path(bundled_path())
    before = bundled.read_bytes()
    for script in ('"$@" 1< "$BUNDLED"', '"$@" -f b.toml 1< "$BUNDLED"'):
        shutil.copyfile(BASE, tmp_path / "b.toml")
        done = completed(in_bash(script, "list", "-n1"), tmp_path, cwd=tmp_path, BUNDLED=str(bundled))
        assert done.returncode == 2, done.stderr
        assert done.stderr == f"facts: error: refusing to write to standard output: it is the fact base {bundled}\n".encode()
    assert bundled.read_bytes() == before


@pytest.mark.usefixtures("base")
def test_standard_output_into_another_file_a_pipe_or_dev_null(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    out.write_text("kept\n", encoding="utf-8")
    appended = completed(in_bash('"$@" -f b.toml >> out.txt', "list", "-n1"), tmp_path, cwd=tmp_path)
    assert appended.returncode == 0, appended.stderr
    assert out.read_text(encoding="utf-8").startswith("kept\n") and out.read_text(encoding="utf-8").count("\n") == 2
    for script in ('"$@" -f b.toml | cat', '"$@" -f b.toml > /dev/null'):
        assert completed(in_bash(script, "list", "-n1"), tmp_path, cwd=tmp_path).returncode == 0


# ---------------------------------------------------------------------------- -o when nothing was found


NOTHING_FOUND = [
    ["search", "zzzzqqq"],
    ["list", "--year", "1999"],
    ["list", "--year", "1999", "--format", "csv", "--bom"],
    ["chart", "--measure", "x"],
]


@pytest.mark.parametrize("args", NOTHING_FOUND)
def test_nothing_found_leaves_an_existing_file_as_it_was(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str]
) -> None:
    target = tmp_path / "res.txt"
    target.write_text("old\n", encoding="utf-8")
    inode = target.stat().st_ino
    code, out, err = run(capsys, *args, "-o", target)
    assert (code, out) == (1, ""), err
    assert target.read_text(encoding="utf-8") == "old\n" and target.stat().st_ino == inode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res.txt"]  # no temporary file left


def test_nothing_found_makes_no_new_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run(capsys, "search", "zzzzqqq", "-o", tmp_path / "new.txt")[0] == 1
    assert list(tmp_path.iterdir()) == []


def test_nothing_found_in_json_is_written_as_an_empty_array(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "res.json"
    target.write_text("old\n", encoding="utf-8")
    assert run(capsys, "search", "zzzzqqq", "--format", "json", "-o", target)[0] == 1
    assert json.loads(target.read_text(encoding="utf-8")) == []


def test_nothing_found_into_a_fifo_still_ends_the_stream(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A reader of a FIFO is waiting: it gets its end of file, not a wait forever."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as reader:
            received.append(reader.read())

    reader = threading.Thread(target=read)
    reader.start()
    code, _, err = run(capsys, "search", "zzzzqqq", "-o", fifo)
    reader.join(timeout=60)
    assert code == 1, err
    assert received == [b""]


def test_something_found_replaces_the_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "res.txt"
    target.write_text("old\n", encoding="utf-8")
    assert run(capsys, "search", "异质结", "-n", "1", "-o", target)[0] == 0
    assert target.read_text(encoding="utf-8").count("\n") == 1 and "old" not in target.read_text(encoding="utf-8")
