"""A base that is an SQLite file written by `facts export --format sqlite`: read as it is.

Such a file holds the index `facts` searches (export.py), so `-f base.db` opens it read-only
and immutable, with no TOML to parse, nothing to validate and no cache to build or check: a
base of a million records answers its first query as fast as a warm TOML base. It is the way
to publish or share a big base (and what Datasette serves). It is read alone: merging it with
other bases would mean rebuilding the index it exists to spare.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Sequence

from .errors import BaseError
from .index import Index
from .index_schema import FORMAT_VERSION

#: The first 16 bytes of every SQLite 3 database file.
HEADER = b"SQLite format 3\x00"


def is_database(path: str) -> bool:
    """Whether `path` is a regular file that starts as an SQLite database does. Opened
    non-blocking: a FIFO in its place is not waited on (it is no database)."""
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError:
        return False
    try:
        return stat.S_ISREG(os.fstat(handle).st_mode) and os.read(handle, len(HEADER)) == HEADER
    except OSError:
        return False
    finally:
        os.close(handle)


def open_database(paths: Sequence[str]) -> Index:
    """The index an export holds; `BaseError` for a database that is not one, or of another
    index format, or given with other bases."""
    if len(paths) > 1:
        databases = [p for p in paths if is_database(p)]
        alone = "an SQLite base is read alone, not merged with other bases: export the merged bases instead"
        raise BaseError(alone, databases[0])
    path = paths[0]
    try:
        index = Index.open(path)
    except sqlite3.Error as exc:
        raise BaseError(f"cannot open the database: {exc}", path) from None
    try:
        meta = index.meta(("format", "exported_by"))
    except sqlite3.Error:
        index.close()
        raise BaseError("an SQLite database, but not one facts exported (facts export --format sqlite)", path) from None
    if "exported_by" not in meta:
        index.close()
        raise BaseError("an SQLite database, but not one facts exported (facts export --format sqlite)", path)
    if meta.get("format") != FORMAT_VERSION:
        index.close()
        raise BaseError(
            f"exported by facts {meta['exported_by']} (index format {meta.get('format')}); this facts reads format "
            f"{FORMAT_VERSION}: export it again from its TOML",
            path,
        )
    return index
