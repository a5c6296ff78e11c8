"""Writing files: whole or not at all, never over an input, never breaking what is at the path.

`replacing` serves the cache (ten processes may build it at once; one may be killed
mid-write). `writing` serves every `-o FILE`: it refuses a path that is a base being
read or the cache, or a block device; writes `-`, `/dev/stdout` and `/dev/fd/N` to the
descriptor itself (so `>> log` appends), a character device or FIFO as a stream, a
symlink through to its target, a file with hard links in place (space reserved first,
signals held while it is rewritten); keeps an existing file's mode and owner, refuses
a read-only one, gives a new file the umask's mode; and removes its temporary file on
any failure, Ctrl-C or SIGTERM included.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import sys
from collections.abc import Iterator, Sequence

from .errors import OutputError, UsageError

#: What SQLite may leave beside a database file while writing it.
SIDE_FILES = ("-journal", "-wal", "-shm")
#: Names of open descriptors: what the shell means by them is the descriptor, not a file.
_DESCRIPTOR = r"/dev/fd/(\d+)|/proc/(self|\d+)/fd/(\d+)"  # a pattern: re caches it when first used
_STANDARD = {"-": 1, "/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}


@contextlib.contextmanager
def replacing(target: str, mode: int | None = None) -> Iterator[str]:
    """A temporary path beside `target`, renamed over it when the block succeeds, removed when it fails.

    The temporary file is created 0600 (no reader sees a half-written file); `mode`,
    when given, is set just before the rename.
    """
    if os.path.isdir(target):
        raise IsADirectoryError(errno.EISDIR, "is a directory", target)
    folder = os.path.dirname(os.path.abspath(target))
    # A name near the 255-byte limit must leave room for the random part and ".tmp".
    prefix = os.fsencode(os.path.basename(target))[:200].decode("utf-8", "ignore") + "."
    with _temporary(prefix, folder) as tmp:
        yield tmp
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)


@contextlib.contextmanager
def _temporary(prefix: str, folder: str | None) -> Iterator[str]:
    """A new empty file (0600) named `prefix`….tmp in `folder`, removed with what SQLite left
    beside it when the block ends. Ctrl-C and SIGTERM are held while it is made: one that
    lands just after the file exists (a user, or a test, stopping the run the moment it
    appears) is raised only where its removal is certain."""
    import signal
    import tempfile  # only when writing: a few ms of start-up otherwise

    hold = getattr(signal, "pthread_sigmask", None)  # None on Windows
    previous = hold(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM}) if hold else set()
    try:
        handle, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=folder)
    except BaseException:
        if hold:
            hold(signal.SIG_SETMASK, previous)
        raise
    try:
        if hold:
            hold(signal.SIG_SETMASK, previous)  # a signal held meanwhile is raised here, inside the try
        os.close(handle)
        yield tmp
    finally:
        remove(tmp)


def remove(path: str) -> None:
    """Delete a temporary file and whatever SQLite left beside it; missing ones are fine."""
    for leftover in (path, *(path + side for side in SIDE_FILES)):
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
    """A usage error when writing `target` would overwrite a fact base or the cache."""
    for path in inputs:
        if same_file(target, path):
            raise UsageError(f"refusing to write to {target}: it is the fact base {path}")
    real = os.path.realpath(target)
    for folder in folders:
        inside = os.path.realpath(folder)
        if real == inside or real.startswith(inside.rstrip(os.sep) + os.sep):
            raise UsageError(f"refusing to write to {target}: it is inside the cache folder {folder}")


def refuse_stdout(opened: os.stat_result, inputs: Sequence[str]) -> None:
    """A usage error when standard output (`opened`: its fstat) is a regular file that is one
    of `inputs` (the same device and inode: `facts -f b.toml list >> b.toml`), before anything
    is written to it, as `cat f >> f` refuses."""
    if not stat.S_ISREG(opened.st_mode):
        return
    for path in inputs:
        try:
            if os.path.samestat(opened, os.stat(path)):
                raise UsageError(f"refusing to write to standard output: it is the fact base {path}")
        except OSError:
            continue


def is_file_or_nothing(target: str) -> bool:
    """Whether `target` names a regular file, or nothing yet (not a descriptor, a device,
    a FIFO or a folder): what `writing` puts a new file at, which it may also leave alone."""
    if descriptor(target) is not None:
        return False
    try:
        return stat.S_ISREG(os.stat(target).st_mode)
    except FileNotFoundError:
        return True
    except OSError:
        return False


def descriptor(target: str) -> int | None:
    """The open descriptor a path names (`-`, /dev/stdout, /dev/fd/3, /proc/self/fd/3), else None."""
    if target in _STANDARD:
        return _STANDARD[target]
    found = re.fullmatch(_DESCRIPTOR, target)
    if found is None:
        return None
    if found.group(1) is not None:
        return int(found.group(1))
    if found.group(2) not in ("self", str(os.getpid())):
        return None  # another process's descriptor: a path like any other
    return int(found.group(3))


@contextlib.contextmanager
def writing(target: str, inputs: Sequence[str] = (), folders: Sequence[str] = ()) -> Iterator[str]:
    """A temporary path to write the output into; when the block succeeds it becomes `target`.

    Errors are one-line `UsageError`s naming the path (`OutputError` for standard output).
    """
    if not target:
        raise UsageError("cannot write to an empty path")
    fd = descriptor(target)
    if fd is not None:
        _refuse_descriptor(target, fd, inputs)
        with _scratch() as tmp:
            yield tmp
            _copy_to_descriptor(tmp, fd, target)
        return
    refuse_inputs(target, inputs, folders)
    try:  # the kernel follows the links
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from None
    real = os.path.realpath(target)  # a symlink's target (also a dangling one's) is what gets written
    try:
        with _into(target, real, info) as tmp:
            yield tmp
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from None


@contextlib.contextmanager
def _into(target: str, real: str, info: os.stat_result | None) -> Iterator[str]:
    """`writing` to a path: how depends on what is there (`info`: its stat, None if nothing)."""
    if info is None or stat.S_ISDIR(info.st_mode):
        with replacing(real, 0o666 & ~_umask()) as tmp:
            yield tmp
    elif stat.S_ISBLK(info.st_mode):
        raise UsageError(f"refusing to write to {target}: it is a block device (a disk)")
    elif not stat.S_ISREG(info.st_mode):  # a character device, a FIFO: written as a stream
        with _scratch() as tmp:
            yield tmp
            _copy_into(tmp, target)
    elif not os.access(real, os.W_OK):
        raise UsageError(f"cannot write {target}: permission denied")
    elif info.st_nlink > 1 or not os.access(os.path.dirname(real) or ".", os.W_OK):
        with _scratch() as tmp:  # linked, or no room for a new file beside it: rewritten in place
            yield tmp
            _rewrite_in_place(tmp, real)
    else:
        with replacing(real, stat.S_IMODE(info.st_mode)) as tmp:
            yield tmp
            if hasattr(os, "chown") and os.geteuid() == 0:
                with contextlib.suppress(OSError):  # root rewriting a user's file leaves it theirs
                    os.chown(tmp, info.st_uid, info.st_gid)


def _refuse_descriptor(target: str, fd: int, inputs: Sequence[str]) -> None:
    try:
        opened = os.fstat(fd)
    except OSError:
        if fd == 1:
            raise OutputError("cannot write to standard output: it is closed") from None
        raise UsageError(f"cannot write {target}: no such open descriptor") from None
    for path in inputs:
        with contextlib.suppress(OSError):
            if os.path.samestat(opened, os.stat(path)):
                raise UsageError(f"refusing to write to {target}: it is the fact base {path}")
    if stat.S_ISBLK(opened.st_mode):
        raise UsageError(f"refusing to write to {target}: it is a block device (a disk)")


@contextlib.contextmanager
def _scratch(folder: str | None = None) -> Iterator[str]:
    """A temporary file (with SQLite's side files) that is always removed."""
    with _temporary("facts-output.", folder) as tmp:
        yield tmp


def _chunks(path: str) -> Iterator[bytes]:
    with open(path, "rb") as reader:
        while chunk := reader.read(1 << 20):
            yield chunk


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _copy_to_descriptor(source: str, fd: int, target: str) -> None:
    """Write the bytes of `source` to an open descriptor, where it points now (`>> log` appends)."""
    if fd == 1:
        stream = sys.stdout
        if stream is None or getattr(stream, "closed_output", False):
            raise OutputError("cannot write to standard output: it is closed")
        try:
            stream.flush()
            for chunk in _chunks(source):
                _write_all(1, chunk)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(f"cannot write to standard output: {exc.strerror or exc}") from None
        return
    try:
        for chunk in _chunks(source):
            _write_all(fd, chunk)
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from None


def _copy_into(source: str, target: str) -> None:
    """Write the bytes of `source` into a device or FIFO as a stream."""
    with open(target, "wb") as out:
        for chunk in _chunks(source):
            out.write(chunk)


def _rewrite_in_place(source: str, target: str) -> None:
    """Rewrite `target` with the bytes of `source`, keeping its inode (every hard link sees it).

    Space is reserved first, so a full disk fails before anything changes; Ctrl-C and
    SIGTERM wait until the file is whole (they take effect right after).
    """
    import signal

    size = os.path.getsize(source)
    fd = os.open(target, os.O_WRONLY)
    try:
        if hasattr(os, "posix_fallocate") and size:
            try:
                os.posix_fallocate(fd, 0, size)
            except OSError as exc:
                if exc.errno not in (errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL):
                    raise
        held = {signal.SIGINT, signal.SIGTERM}
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            for chunk in _chunks(source):
                _write_all(fd, chunk)
            os.ftruncate(fd, size)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    finally:
        os.close(fd)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
