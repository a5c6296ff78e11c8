"""Writing files: whole or not at all, never over an input, never breaking what is at the path.

`replacing` serves the cache (ten processes may build it at once; one may be killed
mid-write). `writing` serves every `-o FILE`: it refuses a path that is a base being
read or the cache, writes through a symlink to its target, writes a device, a FIFO
or `-` as a stream, keeps an existing file's mode, owner and hard links, gives a new
file the umask's mode, and removes its temporary file on any failure, Ctrl-C or
SIGTERM included.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from collections.abc import Iterator, Sequence

from .errors import UsageError

#: What SQLite may leave beside a database file while writing it.
SIDE_FILES = ("-journal", "-wal", "-shm")


@contextlib.contextmanager
def replacing(target: str, mode: int | None = None) -> Iterator[str]:
    """A temporary path beside `target`, renamed over it when the block succeeds, removed when it fails.

    The temporary file is created 0600 (no reader sees a half-written file); `mode`,
    when given, is set just before the rename.
    """
    import tempfile  # only when writing: a few ms of start-up otherwise

    if os.path.isdir(target):
        raise IsADirectoryError(errno.EISDIR, "is a directory", target)
    folder = os.path.dirname(os.path.abspath(target))
    handle, tmp = tempfile.mkstemp(prefix=os.path.basename(target) + ".", suffix=".tmp", dir=folder)
    os.close(handle)
    try:
        yield tmp
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    finally:
        for leftover in (tmp, *(tmp + side for side in SIDE_FILES)):
            with contextlib.suppress(OSError):
                os.unlink(leftover)


def same_file(a: str, b: str) -> bool:
    """The same file by path after symlinks, or by device and inode (a hard link)."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def refuse_inputs(target: str, inputs: Sequence[str], folders: Sequence[str] = ()) -> None:
    """A usage error when writing `target` would overwrite a file being read or the cache."""
    for path in inputs:
        if same_file(target, path):
            raise UsageError(f"refusing to write to {target}: it is the fact base {path} being read")
    real = os.path.realpath(target)
    for folder in folders:
        inside = os.path.realpath(folder)
        if real == inside or real.startswith(inside.rstrip(os.sep) + os.sep):
            raise UsageError(f"refusing to write to {target}: it is inside the cache folder {folder}")


@contextlib.contextmanager
def writing(target: str, inputs: Sequence[str] = (), folders: Sequence[str] = ()) -> Iterator[str]:
    """A temporary path to write the output into; when the block succeeds it becomes `target`.

    `target` may be `-` (standard output), a device or FIFO (written as a stream), a
    symlink (its target is written), a file with hard links (rewritten in place, so
    every link sees it) or a plain path (renamed into place atomically). Errors are
    one-line `UsageError`s naming the path.
    """
    if not target:
        raise UsageError("cannot write to an empty path")
    if target != "-":
        refuse_inputs(target, inputs, folders)
    try:  # the kernel follows the links (/dev/stdout is a link to a pipe that has no path)
        info: os.stat_result | None = os.stat(target) if target != "-" else None
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from None
    real = os.path.realpath(target)  # a symlink's target (also a dangling one's) is what gets replaced
    try:
        if target == "-" or (info is not None and not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode)):
            with _scratch() as tmp:
                yield tmp
                _copy_into(tmp, target)
        elif info is not None and stat.S_ISREG(info.st_mode) and info.st_nlink > 1:
            with _scratch(os.path.dirname(real)) as tmp:
                yield tmp
                _copy_into(tmp, real)
        else:
            mode = stat.S_IMODE(info.st_mode) if info is not None else 0o666 & ~_umask()
            with replacing(real, mode) as tmp:
                yield tmp
                if info is not None and hasattr(os, "chown") and os.geteuid() == 0:
                    with contextlib.suppress(OSError):  # root rewriting a user's file leaves it theirs
                        os.chown(tmp, info.st_uid, info.st_gid)
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from None


@contextlib.contextmanager
def _scratch(folder: str | None = None) -> Iterator[str]:
    """A temporary file (with SQLite's side files) that is always removed."""
    import tempfile

    handle, tmp = tempfile.mkstemp(prefix="facts-output.", suffix=".tmp", dir=folder)
    os.close(handle)
    try:
        yield tmp
    finally:
        for leftover in (tmp, *(tmp + side for side in SIDE_FILES)):
            with contextlib.suppress(OSError):
                os.unlink(leftover)


def _copy_into(source: str, target: str) -> None:
    """Write the bytes of `source` into `target` as a stream (`-` is standard output)."""
    with open(source, "rb") as reader:
        if target == "-":
            if sys.stdout is None:
                raise OSError(errno.EBADF, "standard output is closed")
            sys.stdout.flush()
            out = sys.stdout.buffer
            while chunk := reader.read(1 << 20):
                out.write(chunk)
            out.flush()
            return
        with open(target, "r+b" if os.path.isfile(target) else "wb") as out:
            while chunk := reader.read(1 << 20):
                out.write(chunk)
            if os.path.isfile(target):
                out.truncate()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
