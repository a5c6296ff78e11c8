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

Ownership: the cache decides what every later run prints, so it is used only when the
folder and the file are the user's own and nobody else can write them. A cache folder in
a shared XDG_CACHE_HOME made by another user, or a file someone else planted, means no
cache (the base is read as if FACTS_NO_CACHE were set), and `facts cache info` says why.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
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
#: A file changed this long (or less) before a build started may look unchanged to stat:
#: 2 s covers 1-second timestamps and FAT's 2-second ones.
RACY_NS = 2_000_000_000
#: Cache files this process opened: dropped if one turns out broken mid-command (see `drop_opened`).
OPENED: list[str] = []
#: Bytes written as themselves in a `file:` URI; everything else is %XX (RFC 3986 unreserved, and `/`).
_URI_SAFE = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/"


def cache_dir() -> str | None:
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    if base and os.path.isabs(base):
        return os.path.join(base, "tongzhou-facts")
    home = os.environ.get("HOME", "").strip()
    return os.path.join(home, ".cache", "tongzhou-facts") if home else None


def enabled() -> bool:
    return os.environ.get("FACTS_NO_CACHE", "").strip().lower() in ("", "0", "false", "no")


def sqlite_uri(path: str, query: str) -> str:
    """An SQLite `file:` URI for `path`, escaped: a `#` or `?` in a folder name would end the
    path (SQLite then opens or creates a file elsewhere), and `%41` would be read as `A`.
    Every byte of the path (also one that is not UTF-8) outside the unreserved set is %XX;
    `file://` + an absolute path keeps a path starting with `//` from being read as a host."""
    raw = os.fsencode(os.path.abspath(path))
    if os.sep == "\\":  # pragma: no cover - Windows: file:///C:/folder
        raw = b"/" + raw.replace(b"\\", b"/")
    if raw.translate(None, _URI_SAFE):  # some byte needs escaping (the usual path needs none)
        return "file://" + "".join(chr(byte) if byte in _URI_SAFE else f"%{byte:02X}" for byte in raw) + "?" + query
    return "file://" + raw.decode("ascii") + "?" + query


def _not_ours(info: os.stat_result, what: str) -> str:
    """Why a folder or file may not be trusted ('' when it may): someone else owns it, or
    someone else may write it. Systems without uids (Windows) rely on their own ACLs."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:  # pragma: no cover - Windows
        return ""
    if info.st_uid != getuid():
        return f"{what} is owned by uid {info.st_uid}, not by you"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"{what} is writable by group or others"
    return ""


def refusal(folder: str | None = None) -> str:
    """Why the cache folder may not be used ('' when it may, or when it does not exist yet).

    A folder of ours that others may write (made by an older version under a loose umask)
    is first tightened to 0700; each file in it is still checked before it is read.
    """
    folder = cache_dir() if folder is None else folder
    if folder is None:
        return "no HOME or XDG_CACHE_HOME"
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        return ""  # made, 0700, when first written
    except OSError as exc:
        return f"folder {folder} cannot be read: {exc.strerror or exc}"
    if not stat.S_ISDIR(info.st_mode):
        return f"{folder} is not a folder"
    why = _not_ours(info, f"folder {folder}")
    if why and info.st_uid == getattr(os, "getuid", lambda: -1)():
        try:
            os.chmod(folder, 0o700)
            return ""
        except OSError:
            pass
    return why


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
    # Named by the package version, the index format and the base's paths: each base has
    # one file per version, so two installed versions sharing the folder keep one each
    # instead of rebuilding each other's on every run. crc32+adler32 rather than hashlib,
    # whose import costs 3 ms. A clash only costs a rebuild: the key is checked.
    raw = "\0".join([__version__, FORMAT_VERSION, *(os.path.realpath(p) for p in paths)])
    data = raw.encode("utf-8", "surrogateescape")
    return os.path.join(folder, f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}{SUFFIX}")


def fingerprint(data: bytes) -> str:
    """The content fingerprint of a file's bytes (only on the build or check path: hashlib
    costs about 3 ms to import)."""
    import hashlib

    return hashlib.sha256(data).hexdigest()


def open_cached(path: str, key: str, fingerprints: list[str] | None = None) -> Index | None:
    """The cache file as a read-only Index, or None when it is missing, not ours, foreign,
    stale or broken. `fingerprints`: those of the bytes just read (after a build), which
    the file must hold; else the racily-clean rule decides (see the module docstring)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode) or _not_ours(info, "file"):
        return None
    try:
        db = sqlite3.connect(sqlite_uri(path, "mode=ro&immutable=1"), uri=True)
    except sqlite3.Error:
        return None
    try:
        meta = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('key', 'built')").fetchall())
        if meta.get("key") != key or not _current(db, meta, key, fingerprints, path):
            db.close()
            return None
    except (sqlite3.Error, ValueError, TypeError, IndexError):
        db.close()
        return None
    OPENED.append(path)
    return Index(db, path)


def _current(db: sqlite3.Connection, meta: dict[str, str], key: str, fingerprints: list[str] | None, path: str) -> bool:
    """Whether a cache file whose stat key matches holds the files' present content."""
    if fingerprints is not None:
        return bool(_fingerprints(db) == fingerprints)
    built = int(meta.get("built", "0"))
    files = json.loads(key)[2:]  # [realpath, size, mtime_ns, ctime_ns, inode, device] per file
    racy = [n for n, item in enumerate(files) if max(item[2], item[3]) >= built - RACY_NS]
    if not racy:
        return True  # the fast path: no file changed within RACY_NS of the build
    stored = _fingerprints(db)
    if not isinstance(stored, list) or len(stored) != len(files):
        return False
    started = time.time_ns()  # before reading, as for a build
    for n in racy:
        try:
            with open(files[n][0], "rb") as handle:
                data = handle.read(files[n][1] + 1)
        except OSError:
            return False
        if fingerprint(data) != stored[n]:
            return False
    if all(max(item[2], item[3]) < started - RACY_NS for item in files):
        _move_build_time(path, key, stored, started)
    return True


def _fingerprints(db: sqlite3.Connection) -> object:
    row = db.execute("SELECT value FROM meta WHERE key = 'fingerprints'").fetchone()
    return json.loads(row[0]) if row else None


def _move_build_time(path: str, key: str, stored: list[str], started: int) -> None:
    """After a content check, record `started` as the build time (as git rewrites its index),
    so the next run trusts the stat again. Into a copy renamed over the file: readers have
    it open as immutable. Skipped when the file was replaced meanwhile by one built from
    other bytes."""
    import shutil

    with contextlib.suppress(OSError, sqlite3.Error), replacing(path) as tmp:
        shutil.copyfile(path, tmp)
        db = sqlite3.connect(tmp)
        try:
            meta = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('key', 'fingerprints')").fetchall())
            if meta.get("key") != key or meta.get("fingerprints") != json.dumps(stored):
                raise OSError("replaced meanwhile")
            db.execute("UPDATE meta SET value = ? WHERE key = 'built'", (str(started),))
            db.commit()
        finally:
            db.close()


def store(base: Base, path: str, key: str, built: int, fingerprints: Sequence[str]) -> bool:
    """Write a new cache file atomically; False (and no file) when the folder will not take it
    or is not ours. `built`: when reading the base began (time.time_ns); `fingerprints`: of
    the bytes that were parsed, one per file."""
    try:
        folder = os.path.dirname(path)
        os.makedirs(folder, mode=0o700, exist_ok=True)
        if refusal(folder):
            return False
        _remove_stale_temps(folder)
        with replacing(path) as tmp:
            index = Index.build(base, tmp)
            meta = [("key", key), ("built", str(built)), ("fingerprints", json.dumps(list(fingerprints)))]
            index.db.executemany("INSERT INTO meta VALUES (?, ?)", meta)
            index.db.commit()
            index.close()
        return True
    except (OSError, sqlite3.Error):
        return False


def _remove_stale_temps(folder: str) -> None:
    """Temporary files of processes killed mid-write."""
    now = time.time()
    for name in os.listdir(folder):
        if name.endswith((".tmp", ".tmp-journal")):
            leftover = os.path.join(folder, name)
            with contextlib.suppress(OSError):
                if now - os.stat(leftover).st_mtime > STALE_TEMP_SECONDS:
                    os.unlink(leftover)


def open_index(paths: Sequence[str]) -> Index:
    """The index of these base files: from the cache when fresh, else built (and cached)."""
    from .load import check_settings, load_documents, load_files, read_documents

    check_settings()  # a malformed FACTS_MAX_MB is an error on a cached run too
    if not enabled():
        return Index.build(load_files(paths))
    target = cache_path(paths)
    if target is not None and refusal(os.path.dirname(target)):
        target = None  # not our folder: no cache this run
    try:
        key = file_key(paths)
    except OSError:
        key = ""
    if target is not None and key:
        cached = open_cached(target, key)
        if cached is not None:
            return cached
    built = time.time_ns()  # before the bytes are read: see RACY_NS
    documents = read_documents(paths)
    base = load_documents(documents)  # raises BaseError with file:line when the base is bad
    caching = target is not None and bool(key)
    fingerprints = [fingerprint(raw) for _, raw in documents] if caching else []
    del documents  # a big base's bytes are not needed while it is indexed
    if target is not None and caching:
        try:
            unchanged = file_key(paths) == key
        except OSError:
            unchanged = False
        if unchanged and store(base, target, key, built, fingerprints):
            cached = open_cached(target, key, fingerprints)
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
    """One file of the cache folder, as `facts cache info` lists it. `state`: fresh, stale,
    or unused (and why: not ours, or in a folder that is not)."""

    __slots__ = ("bases", "fresh", "path", "size", "state")

    def __init__(self, path: str, size: int, bases: list[str], fresh: bool, state: str = "") -> None:
        self.path, self.size, self.bases, self.fresh = path, size, bases, fresh
        self.state = state or ("fresh" if fresh else "stale")


def _files(folder: str, *suffixes: str) -> list[str]:
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    return [os.path.join(folder, name) for name in names if name.endswith(suffixes)]


def status() -> str:
    """The `cache:` line of `facts cache info`: on, or off and why."""
    if not enabled():
        return "off (FACTS_NO_CACHE)"
    why = refusal()
    return f"off ({why})" if why else "on"


def info() -> tuple[str | None, list[CacheFile]]:
    """The cache folder and its files; fresh by the same rules as opening (racily clean included)."""
    folder = cache_dir()
    if folder is None or not os.path.isdir(folder):
        return folder, []
    refused = refusal(folder)
    found = []
    for path in _files(folder, SUFFIX):
        try:
            size = os.path.getsize(path)
            why = "folder not yours" if refused else _not_ours(os.stat(path), "file")
        except OSError:
            continue
        if why:
            found.append(CacheFile(path, size, [], False, f"unused ({why})"))
            continue
        bases: list[str] = []
        fresh = False
        try:
            db = sqlite3.connect(sqlite_uri(path, "mode=ro"), uri=True)
            try:
                meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
                bases = json.loads(meta.get("paths", "[]"))
                with contextlib.suppress(OSError):
                    key = file_key(bases)
                    fresh = meta.get("key") == key and _current(db, meta, key, None, path)
            finally:
                db.close()
        except (sqlite3.Error, ValueError, TypeError, IndexError):
            pass
        found.append(CacheFile(path, size, bases, fresh))
    return folder, found


def clear() -> int:
    """Delete the cache files (and temporary leftovers); none in a folder that is not ours."""
    folder = cache_dir()
    removed = 0
    if folder is None or refusal(folder):
        return 0
    for path in _files(folder, SUFFIX, ".tmp", "-journal"):
        with contextlib.suppress(OSError):
            os.unlink(path)
            removed += 1
    return removed
