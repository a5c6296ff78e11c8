"""The cache folder: where it is, whether it is ours to trust, and clearing it.

Ownership: the cache decides what every later run prints, so it is used only when the
folder and the file are the user's own and nobody else can write them. A cache folder in
a shared XDG_CACHE_HOME made by another user, or a file someone else planted, means no
cache (the base is read as if FACTS_NO_CACHE were set), and `facts cache info` says why.

What changes things: `claim_folder` (makes a folder of ours 0700) and `clear`. `refusal`
and `status` only look.
"""

from __future__ import annotations

import contextlib
import os
import stat

from .files import SIDE_FILES

#: The ending of a cache file's name (cache.py names them).
SUFFIX = ".sqlite"


def cache_dir() -> str | None:
    """The cache folder: $XDG_CACHE_HOME/tongzhou-facts, else ~/.cache/tongzhou-facts (None: neither is set)."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    if base and os.path.isabs(base):
        return os.path.join(base, "tongzhou-facts")
    home = os.environ.get("HOME", "").strip()
    return os.path.join(home, ".cache", "tongzhou-facts") if home else None


def enabled() -> bool:
    """Whether the cache is on: FACTS_NO_CACHE is unset, empty, 0, false or no."""
    return os.environ.get("FACTS_NO_CACHE", "").strip().lower() in ("", "0", "false", "no")


def not_ours(info: os.stat_result, what: str) -> str:
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


def judge_folder(folder: str | None) -> tuple[str, bool]:
    """Why the cache folder may not be used as it is ('' when it may, or when it does not
    exist yet), and whether that is only its mode on a folder of ours (made by an older
    version under a loose umask), which a run makes 0700 (`claim_folder`). Changes nothing."""
    if folder is None:
        return "no HOME or XDG_CACHE_HOME", False
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        return "", False  # made, 0700, when first written
    except OSError as exc:
        return f"folder {folder} cannot be read: {exc.strerror or exc}", False
    if not stat.S_ISDIR(info.st_mode):
        return f"{folder} is not a folder", False
    why = not_ours(info, f"folder {folder}")
    return why, bool(why) and info.st_uid == getattr(os, "getuid", lambda: -1)()


def refusal(folder: str | None = None) -> str:
    """Why a run may not use the cache folder ('' when it may, or when it does not exist yet).
    Only looks: a folder of ours that others may write counts as usable, as a run makes it
    0700 first (`claim_folder`)."""
    why, ours = judge_folder(cache_dir() if folder is None else folder)
    return "" if ours else why


def claim_folder(folder: str) -> str:
    """`refusal`, after making a folder of ours that others may write 0700 (the only change
    made to the folder itself); each file in it is still checked before it is read."""
    why, ours = judge_folder(folder)
    if ours:
        try:
            os.chmod(folder, 0o700)
            return ""
        except OSError:
            pass
    return why


def regular_and_ours(path: str) -> bool:
    """Whether a cache file may be opened: it exists, is a regular file (not a FIFO, whose
    opening would wait for a writer, a device or a folder), and is ours."""
    try:
        info = os.stat(path)
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and not not_ours(info, "file")


def status() -> str:
    """The `cache:` line of `facts cache info`: on, or off and why. Only looks."""
    if not enabled():
        return "off (FACTS_NO_CACHE)"
    why, ours = judge_folder(cache_dir())
    if ours:
        return f"on ({why}: the next run makes it 0700)"
    return f"off ({why})" if why else "on"


def files(folder: str, *suffixes: str) -> list[str]:
    """The paths of the folder's files with these endings, sorted by name ([] if it cannot be listed)."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    return [os.path.join(folder, name) for name in names if name.endswith(suffixes)]


def clear() -> int:
    """Delete the cache files, temporary leftovers and their side files (files.SIDE_FILES);
    none in a folder that is not ours. The number deleted."""
    folder = cache_dir()
    removed = 0
    if folder is None or refusal(folder):
        return 0
    for path in files(folder, SUFFIX, ".tmp", *SIDE_FILES):
        with contextlib.suppress(OSError):
            os.unlink(path)
            removed += 1
    return removed
