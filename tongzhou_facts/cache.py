"""The derived index between runs: one SQLite file per base, never stale, never fatal.

A base is re-read whenever any of its files changed (size, mtime, inode, ctime) or
the code's index format changed. Files are written to a temporary name and renamed,
so parallel first runs and a process killed mid-write leave either the old file or
a whole new one. Anything wrong with the cache (corrupt, foreign, read-only folder,
full disk) means: no cache this time, never an error. FACTS_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import __version__
from .files import replacing
from .index import FORMAT_VERSION, Index

if TYPE_CHECKING:
    from .load import Base

SUFFIX = ".sqlite"
STALE_TEMP_SECONDS = 600
#: Cache files this process opened: dropped if one turns out broken mid-command (see `drop_opened`).
OPENED: list[str] = []


def cache_dir() -> str | None:
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    if base and os.path.isabs(base):
        return os.path.join(base, "tongzhou-facts")
    home = os.environ.get("HOME", "").strip()
    return os.path.join(home, ".cache", "tongzhou-facts") if home else None


def enabled() -> bool:
    return os.environ.get("FACTS_NO_CACHE", "").strip().lower() in ("", "0", "false", "no")


def file_key(paths: Sequence[str]) -> str:
    """What must not change for a cache file to stay valid."""
    parts: list[object] = [FORMAT_VERSION, __version__]
    for path in paths:
        info = os.stat(path)
        parts.append([os.path.realpath(path), info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev])
    return json.dumps(parts)  # ASCII: a path that is not UTF-8 (surrogate escapes) must still store


def cache_path(paths: Sequence[str]) -> str | None:
    folder = cache_dir()
    if folder is None:
        return None
    # Named by the base's paths, so each base has one file; crc32+adler32 rather than
    # hashlib, whose import costs 3 ms. A clash only costs a rebuild: the key is checked.
    raw = "\0".join(os.path.realpath(p) for p in paths).encode("utf-8", "surrogateescape")
    return os.path.join(folder, f"{zlib.crc32(raw):08x}{zlib.adler32(raw):08x}{SUFFIX}")


def open_cached(path: str, key: str) -> Index | None:
    """The cache file as a read-only Index, or None when it is missing, foreign, stale or broken."""
    if not os.path.isfile(path):
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        return None
    try:
        row = db.execute("SELECT value FROM meta WHERE key = 'key'").fetchone()
        if row is None or row[0] != key:
            db.close()
            return None
    except sqlite3.Error:
        db.close()
        return None
    OPENED.append(path)
    return Index(db, path)


def store(base: Base, path: str, key: str) -> bool:
    """Write a new cache file atomically; False (and no file) when the folder will not take it."""
    try:
        folder = os.path.dirname(path)
        os.makedirs(folder, exist_ok=True)
        _remove_stale_temps(folder)
        with replacing(path) as tmp:
            built = Index.build(base, tmp)
            built.db.execute("INSERT INTO meta VALUES ('key', ?)", (key,))
            built.db.commit()
            built.close()
        return True
    except (OSError, sqlite3.Error):
        return False


def _remove_stale_temps(folder: str) -> None:
    """Temporary files of processes killed mid-write."""
    now = time.time()
    for name in os.listdir(folder):
        if name.endswith(".tmp"):
            leftover = os.path.join(folder, name)
            with contextlib.suppress(OSError):
                if now - os.stat(leftover).st_mtime > STALE_TEMP_SECONDS:
                    os.unlink(leftover)


def open_index(paths: Sequence[str]) -> Index:
    """The index of these base files: from the cache when fresh, else built (and cached)."""
    from .load import load_files

    if not enabled():
        return Index.build(load_files(paths))
    target = cache_path(paths)
    try:
        key = file_key(paths)
    except OSError:
        key = ""
    if target is not None and key:
        cached = open_cached(target, key)
        if cached is not None:
            return cached
    base = load_files(paths)  # raises BaseError with file:line when the base is bad
    if target is not None and key:
        try:
            unchanged = file_key(paths) == key
        except OSError:
            unchanged = False
        if unchanged and store(base, target, key):
            cached = open_cached(target, key)
            if cached is not None:
                return cached
    return Index.build(base)


def drop_opened() -> bool:
    """Delete the cache files this process opened (one was found broken); True if there were any."""
    dropped = False
    while OPENED:
        with contextlib.suppress(OSError):
            os.unlink(OPENED.pop())
            dropped = True
    return dropped


class CacheFile:
    __slots__ = ("bases", "fresh", "path", "size")

    def __init__(self, path: str, size: int, bases: list[str], fresh: bool) -> None:
        self.path, self.size, self.bases, self.fresh = path, size, bases, fresh


def _files(folder: str, *suffixes: str) -> list[str]:
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    return [os.path.join(folder, name) for name in names if name.endswith(suffixes)]


def info() -> tuple[str | None, list[CacheFile]]:
    folder = cache_dir()
    if folder is None or not os.path.isdir(folder):
        return folder, []
    found = []
    for path in _files(folder, SUFFIX):
        bases: list[str] = []
        fresh = False
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                rows = dict(db.execute("SELECT key, value FROM meta").fetchall())
                bases = json.loads(rows.get("paths", "[]"))
                with contextlib.suppress(OSError):
                    fresh = rows.get("key") == file_key(bases)
            finally:
                db.close()
        except (sqlite3.Error, ValueError):
            pass
        with contextlib.suppress(OSError):
            found.append(CacheFile(path, os.path.getsize(path), bases, fresh))
    return folder, found


def clear() -> int:
    folder = cache_dir()
    removed = 0
    if folder is None:
        return 0
    for path in _files(folder, SUFFIX, ".tmp"):
        with contextlib.suppress(OSError):
            os.unlink(path)
            removed += 1
    return removed
