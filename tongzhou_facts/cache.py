"""The derived index between runs: one SQLite file per base, never stale, never fatal.

A base is re-read whenever any of its files changed (size, mtime, ctime, inode) or
the code changed (its version or index format: each has its own file, so two versions
sharing a folder do not rebuild each other's). Files are written to a temporary name
and renamed, so parallel first runs and a process killed mid-write leave either the
old file or a whole new one. Anything wrong with the cache (corrupt, foreign, read-only
folder, full disk) means: no cache this time, never an error. FACTS_NO_CACHE=1 turns it off.

Racily clean (git's rule): a file's stat can stay the same across an edit. With
1-second timestamps (ext4 with 128-byte inodes, many network file systems; FAT has 2),
a same-size rewrite within the second the cache was built from keeps size, mtime and
ctime. So the cache also records when its build started (before the files were read)
and a fingerprint of the exact bytes it indexed. A file whose timestamps are older than
the build by more than RACY_NS cannot have changed unseen; a younger ("racily clean")
one is checked by content, and a match moves the build time forward so the next run
need not check again. The fast path never hashes: hashlib is imported only to build
or to check a racy file.

Ownership (cache_folder.py): the cache is used only when the folder and the file are the
user's own and nobody else can write them.

Limits: a run served from the cache keeps FACTS_MAX_MB (from the sizes in its key) and
FACTS_MAX_RECORDS (from the counts stored at build time), with a cold run's messages.

What changes things: `open_cached` (may move the build time forward), `store`, and in
cache_folder.py `claim_folder` and `clear`. `info` (what `facts cache info` shows) only
looks, and opens nothing that is not a regular file (a FIFO would block).

The folder's API is re-exported here: `cache_dir`, `clear`, `refusal`, `status`.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import __version__
from .cache_folder import SUFFIX, claim_folder, enabled, files, judge_folder, not_ours, regular_and_ours
from .cache_folder import cache_dir as cache_dir  # re-exported: the cache's API
from .cache_folder import clear as clear  # re-exported
from .cache_folder import refusal as refusal  # re-exported
from .cache_folder import status as status  # re-exported
from .files import SIDE_FILES, replacing
from .index import Index
from .index_schema import FORMAT_VERSION

if TYPE_CHECKING:
    from .model import Base

STALE_TEMP_SECONDS = 600
#: A file changed this long (or less) before a build started may look unchanged to stat:
#: 2 s covers 1-second timestamps and FAT's 2-second ones.
RACY_NS = 2_000_000_000
#: Cache files this process opened: dropped if one turns out broken mid-command (see `drop_opened`).
OPENED: list[str] = []


#: What the key holds of each file: realpath, size, mtime_ns, ctime_ns, inode, device.
_Stat = tuple[str, int, int, int, int, int]


def _stats(paths: Sequence[str]) -> list[_Stat]:
    """The `_Stat` of each file (OSError if one is missing)."""
    found: list[_Stat] = []
    for path in paths:
        info = os.stat(path)
        found.append((os.path.realpath(path), info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev))
    return found


def _key(stats: list[_Stat]) -> str:
    # ASCII: a path that is not UTF-8 (surrogate escapes) must still store
    return json.dumps([FORMAT_VERSION, __version__, *stats])


def file_key(paths: Sequence[str]) -> str:
    """What must not change for a cache file to stay valid."""
    return _key(_stats(paths))


def cache_path(paths: Sequence[str]) -> str | None:
    folder = cache_dir()
    if folder is None:
        return None
    # Named by the package version, the index format and the base's paths: each base has
    # one file per version, so two installed versions sharing the folder keep one each
    # instead of rebuilding each other's on every run. A clash only costs a rebuild: the key
    # is checked.
    raw = "\0".join([__version__, FORMAT_VERSION, *(os.path.realpath(p) for p in paths)])
    return os.path.join(folder, f"{_fnv1a(raw.encode('utf-8', 'surrogateescape')):016x}{SUFFIX}")


def _fnv1a(data: bytes) -> int:
    """The 64-bit FNV-1a hash of a few hundred bytes: a name, not a fingerprint. In Python
    (about 10 µs for a path) rather than hashlib (3 ms to import) or zlib's crc32 (a shared
    library to load: 0.25 ms of every run)."""
    found = 0xCBF29CE484222325
    for byte in data:
        found = ((found ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return found


def fingerprint(data: bytes) -> str:
    """The content fingerprint of a file's bytes (only on the build or check path: hashlib
    costs about 3 ms to import)."""
    import hashlib

    return hashlib.sha256(data).hexdigest()


def open_cached(path: str, key: str, fingerprints: list[str] | None = None) -> Index | None:
    """The cache file as a read-only Index, or None when it is missing, not ours, foreign,
    stale or broken. `fingerprints`: those of the bytes just read (after a build), which
    the file must hold; else the racily-clean rule decides (see the module docstring), and
    after a content check the file's build time is moved forward (the file is rewritten)."""
    found = _open_cached(path, key, fingerprints)
    return found[0] if found is not None else None


def _open_cached(path: str, key: str, fingerprints: list[str] | None) -> tuple[Index, list[list[int]]] | None:
    """`open_cached`, and the (records, sources) of each file, stored at build time."""
    if not regular_and_ours(path):
        return None
    try:
        index = Index.open(path)
    except sqlite3.Error:
        return None
    try:
        meta = index.meta(("key", "built", "counts"))
        counts = _counts(meta, key)
        built = _current(index, meta, key, fingerprints) if meta.get("key") == key and counts is not None else None
        if counts is None or built is None:
            index.close()
            return None
        if built != int(meta["built"]):  # the fingerprints just checked, of the file open here
            _move_build_time(path, key, _fingerprints(index), built)
    except (sqlite3.Error, ValueError, TypeError, IndexError):
        index.close()
        return None
    OPENED.append(path)
    return index, counts


def _counts(meta: dict[str, str], key: str) -> list[list[int]] | None:
    """The (records, sources) of each file, as stored at build time (None if malformed)."""
    counts = json.loads(meta.get("counts", "null"))
    files = len(json.loads(key)) - 2
    if not isinstance(counts, list) or len(counts) != files:
        return None
    if not all(isinstance(c, list) and len(c) == 2 and all(type(n) is int for n in c) for c in counts):
        return None
    return counts


def _current(index: Index, meta: dict[str, str], key: str, fingerprints: list[str] | None) -> int | None:
    """None when a cache file whose stat key matches may not hold the files' present content;
    else its build time from now on: the one stored, or, after a content check that could
    move it (every file safely older than the check), the check's start. Changes nothing."""
    built = int(meta.get("built", "0"))
    if fingerprints is not None:
        return built if _fingerprints(index) == fingerprints else None
    files = json.loads(key)[2:]  # [realpath, size, mtime_ns, ctime_ns, inode, device] per file
    racy = [n for n, item in enumerate(files) if max(item[2], item[3]) >= built - RACY_NS]
    if not racy:
        return built  # the fast path: no file changed within RACY_NS of the build
    stored = _fingerprints(index)
    if not isinstance(stored, list) or len(stored) != len(files):
        return None
    started = time.time_ns()  # before reading, as for a build
    for n in racy:
        data = _read_regular(files[n][0], files[n][1] + 1)
        if data is None or fingerprint(data) != stored[n]:
            return None
    if all(max(item[2], item[3]) < started - RACY_NS for item in files):
        return started
    return built


def _read_regular(path: str, size: int) -> bytes | None:
    """Up to `size` bytes of a regular file; None when it is not one or cannot be read.
    Opened non-blocking: a FIFO put in its place would otherwise wait for a writer forever."""
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            return None
        os.set_blocking(handle, True)
        with open(handle, "rb", closefd=False) as reader:
            return reader.read(size)
    except OSError:
        return None
    finally:
        os.close(handle)


def _fingerprints(index: Index) -> object:
    """The fingerprints a cache file holds, one per base file (None: none)."""
    raw = index.meta(("fingerprints",)).get("fingerprints")
    return json.loads(raw) if raw is not None else None


def _move_build_time(path: str, key: str, stored: object, started: int) -> None:
    """After a content check, record `started` as the build time (as git rewrites its index),
    so the next run trusts the stat again. Into a copy renamed over the file: readers have
    it open as immutable. Skipped when the file was replaced meanwhile by one built from
    other bytes."""
    import shutil

    with contextlib.suppress(OSError, sqlite3.Error), replacing(path) as tmp:
        shutil.copyfile(path, tmp)
        copy = Index.open(tmp, writable=True)
        try:
            meta = copy.meta(("key", "fingerprints"))
            if meta.get("key") != key or json.loads(meta.get("fingerprints", "null")) != stored:
                raise OSError("replaced meanwhile")
            copy.set_meta({"built": str(started)})
        finally:
            copy.close()


def store(base: Base, path: str, key: str, built: int, fingerprints: Sequence[str], counts: Sequence[tuple[int, int]]) -> bool:
    """Write a new cache file atomically; False (and no file) when the folder will not take it
    or is not ours. `built`: when reading the base began (time.time_ns); `fingerprints`: of
    the bytes that were parsed, one per file; `counts`: their (records, sources), for
    FACTS_MAX_RECORDS on the runs the file serves."""
    try:
        folder = os.path.dirname(path)
        os.makedirs(folder, mode=0o700, exist_ok=True)
        if claim_folder(folder):
            return False
        _remove_stale_temps(folder)
        with replacing(path) as tmp:
            index = Index.build(base, tmp)
            index.set_meta(
                {
                    "key": key,
                    "built": str(built),
                    "fingerprints": json.dumps(list(fingerprints)),
                    "counts": json.dumps([list(count) for count in counts]),
                }
            )
            index.close()
        return True
    except (OSError, sqlite3.Error):
        return False


#: A temporary cache file, and what SQLite may leave beside it (files.SIDE_FILES).
_TEMP_ENDINGS = (".tmp", *(".tmp" + side for side in SIDE_FILES))


def _remove_stale_temps(folder: str) -> None:
    """Temporary files of processes killed mid-write (SIGKILL, a power cut), with their side files."""
    now = time.time()
    for name in os.listdir(folder):
        if name.endswith(_TEMP_ENDINGS):
            leftover = os.path.join(folder, name)
            with contextlib.suppress(OSError):
                if now - os.stat(leftover).st_mtime > STALE_TEMP_SECONDS:
                    os.unlink(leftover)


def open_index(paths: Sequence[str]) -> Index:
    """The index of these base files: from the cache when fresh, else built (and cached)."""
    from .limits import check_settings
    from .load import load_documents, load_files, read_documents

    check_settings()  # a malformed FACTS_MAX_MB is an error on a cached run too
    if not enabled():
        return _database(paths) or Index.build(load_files(paths))
    target = cache_path(paths)
    if target is not None and claim_folder(os.path.dirname(target)):
        target = None  # not our folder: no cache this run
    try:
        stats = _stats(paths)
        key = _key(stats)
    except OSError:
        stats, key = [], ""
    if target is not None and key:
        found = _open_cached(target, key, None)
        if found is not None:
            return _within_limits(found, paths, stats)
    found_database = _database(paths)  # never cached, so looked for only after the cache (a TOML base's fast path)
    if found_database is not None:
        return found_database
    built = time.time_ns()  # before the bytes are read: see RACY_NS
    documents = read_documents(paths)
    caching = target is not None and bool(key)
    # Fingerprinted as read, before parsing: parsing lets each file's bytes go once decoded.
    fingerprints = [fingerprint(raw) for _, raw in documents] if caching else []
    counts: list[tuple[int, int]] = []
    base = load_documents(documents, counts)  # raises BaseError with file:line when the base is bad
    if target is not None and caching:
        try:
            unchanged = file_key(paths) == key
        except OSError:
            unchanged = False
        if unchanged and store(base, target, key, built, fingerprints, counts):
            cached = open_cached(target, key, fingerprints)
            if cached is not None:
                return cached
    return Index.build(base)


def _database(paths: Sequence[str]) -> Index | None:
    """The index of an SQLite base (database.py), when one of `paths` is a database."""
    from .database import is_database, open_database

    return open_database(paths) if any(is_database(p) for p in paths) else None


def _within_limits(found: tuple[Index, list[list[int]]], paths: Sequence[str], stats: list[_Stat]) -> Index:
    """The cached index, if the base is within FACTS_MAX_MB and FACTS_MAX_RECORDS as they are
    set now, else the error a cold run would give: the sizes are those of the key (no more
    system calls), the counts those the build stored."""
    from .limits import check_counts, check_sizes

    index, counts = found
    try:
        check_sizes(paths, [item[1] for item in stats])
        check_counts(counts, len(paths))
    except BaseException:
        index.close()
        raise
    return index


def drop_opened() -> bool:
    """Delete the cache files this process opened (one was found broken); True if there were any."""
    dropped = False
    while OPENED:
        with contextlib.suppress(OSError):
            os.unlink(OPENED.pop())
            dropped = True
    return dropped


class CacheFile:
    """One file of the cache folder, as `facts cache info` lists it. `state`: fresh, stale,
    or unused (and why: not ours, or in a folder that is not)."""

    __slots__ = ("bases", "fresh", "path", "size", "state")

    def __init__(self, path: str, size: int, bases: list[str], fresh: bool, state: str = "") -> None:
        self.path, self.size, self.bases, self.fresh = path, size, bases, fresh
        self.state = state or ("fresh" if fresh else "stale")


def info() -> tuple[str | None, list[CacheFile]]:
    """The cache folder and its cache files; fresh by the same rules as opening (racily
    clean included). Only looks: it neither tightens the folder nor moves a build time, and
    opens only regular files of ours, never in a way that can block (a FIFO named like a
    cache file is left out, as a run leaves it unused)."""
    folder = cache_dir()
    if folder is None or not os.path.isdir(folder):
        return folder, []
    why, ours = judge_folder(folder)
    found = []
    for path in files(folder, SUFFIX):
        try:
            details = os.stat(path)
        except OSError:
            continue
        if not stat.S_ISREG(details.st_mode):
            continue
        if why:  # not to be opened: others may replace a file with a FIFO at any moment
            state = "unchecked (the folder is not private yet)" if ours else "unused (folder not yours)"
            found.append(CacheFile(path, details.st_size, [], False, state))
            continue
        unusable = not_ours(details, "file")
        if unusable:
            found.append(CacheFile(path, details.st_size, [], False, f"unused ({unusable})"))
            continue
        bases, fresh = _judge_file(path)
        found.append(CacheFile(path, details.st_size, bases, fresh))
    return folder, found


def _judge_file(path: str) -> tuple[list[str], bool]:
    """The bases a cache file holds, and whether it is fresh. Opened immutable: SQLite then
    looks for no journal beside it (a FIFO there would block) and takes no lock."""
    bases: list[str] = []
    try:
        index = Index.open(path)
    except sqlite3.Error:
        return bases, False
    try:
        meta = index.meta(("key", "built", "paths", "counts"))
        bases = json.loads(meta.get("paths", "[]"))
        key = file_key(bases)
        fresh = meta.get("key") == key and _counts(meta, key) is not None and _current(index, meta, key, None) is not None
        return bases, fresh
    except (OSError, sqlite3.Error, ValueError, TypeError, IndexError):
        return bases if isinstance(bases, list) else [], False
    finally:
        index.close()
