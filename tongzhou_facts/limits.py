"""How big a base may be: every size limit in one place, and the settings that raise them.

A hostile or mistaken base (a 50 MB string, two million records, a disk image passed as a
base) must fail fast with a clear message rather than take minutes and gigabytes. Files,
records and [[sources]] tables are limited before validation (load.py, check.py); strings
and lists within a record by validation (validate.py). A run served from the cache keeps
the file and record limits too (cache.py), with the same messages.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from .errors import BaseError, UsageError
from .model import KINDS

#: Bases larger than this (all their files together) are refused before parsing. Its job is
#: to refuse what is not a fact base at all (a disk image, a log) before its bytes are parsed,
#: not to cap honest bases: that is FACTS_MAX_RECORDS. So it sits above what the record limit
#: allows: 1,000,000 generated records take 313 MB, records as long as the bundled base's
#: 400-480 MB. Parsing needs about 7 times a file's size in memory (2.1 GB for the 313 MB
#: base; the build at most half again, docs/benchmarks.md). FACTS_MAX_MB changes it. A total,
#: not a per-file limit: five files of 6 MB hold as much memory as one of 30 MB.
DEFAULT_MAX_MB = 512
#: Bases with more records than this are refused right after parsing, before validation and
#: indexing (which cost far more per record than parsing). FACTS_MAX_RECORDS raises it.
DEFAULT_MAX_RECORDS = 1_000_000
#: [[sources]] tables a base may have (a source is a document the facts come from: thousands
#: are a library). Checked with the records, right after parsing: 1.5 million tiny tables in
#: 59 MB took 18 s and 1.2 GB to validate and index, and every `show` reads them all.
MAX_SOURCES = 10_000
#: The largest string (characters) and list (entries) a record may hold. A quote is a
#: sentence and a list of aliases a few dozen names (the bundled base: 277 and 43 at most);
#: the limits are far above that, and there only so that a 50 MB string or 100,000 aliases
#: (minutes of indexing) are refused at once, with their line.
MAX_TEXT = 100_000
MAX_ITEMS = 1_000
#: All the text of one record together: 1,000 entries of 100,000 characters each would be
#: 100 million, indexed at every cold start and decoded whole by every search it matches.
MAX_RECORD_TEXT = 1_000_000
#: The largest setting taken seriously (1 PB; 1e15 records): anything above is a typo, and
#: 1e308 MB overflows when turned into bytes.
_MAX_SETTING = 1e9
#: The smallest FACTS_MAX_MB (about 1 KB): below it a limit reads as "0 MB" and no base fits.
MIN_MB = 0.001


def _setting(name: str, default: float, integer: bool) -> float:
    """A finite number from the environment, at least 1 (a whole number) or MIN_MB; empty or
    unset: the default.

    Anything else is a usage error naming the variable: a limit silently ignored (`abc`),
    one that overflows (`inf`, `1e308`) or one too small to state (`1e-300`) is worse than a
    clear refusal.
    """
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        number = int(raw) if integer else float(raw)
    except ValueError:
        number = -1.0
    least = 1 if integer else MIN_MB
    # `not (least <= x <= max)` rather than `x < least or x > max`: also true for nan.
    if not (least <= number <= _MAX_SETTING):
        kind, example = ("a whole number of records", "2000000") if integer else ("a number of megabytes", "200")
        raise UsageError(f"{name} must be {kind} from {least:g} to {_MAX_SETTING:.0f}, not {raw!r} (e.g. {name}={example})")
    return number


def max_bytes() -> int:
    """The most bytes a base may have, all its files together (FACTS_MAX_MB, in MB)."""
    return int(_setting("FACTS_MAX_MB", DEFAULT_MAX_MB, integer=False) * 1048576)


def max_records() -> int:
    """The most records a base may have, all its files together (FACTS_MAX_RECORDS)."""
    return int(_setting("FACTS_MAX_RECORDS", DEFAULT_MAX_RECORDS, integer=True))


def check_settings() -> None:
    """Raise `UsageError` for a malformed FACTS_MAX_MB or FACTS_MAX_RECORDS, on every run
    (also one served from the cache), so a typo never depends on whether a cache exists."""
    max_bytes()
    max_records()


def _megabytes(size: float, other: float | None = None) -> str:
    """Bytes as MB for a message (`6.3`, `200`, `0.05`), with as many decimals as it takes
    not to read as 0 or as equal to `other` (the limit a total exceeds)."""
    text = ""
    for decimals in range(1, 7):
        text = f"{size / 1048576:.{decimals}f}"
        if float(text) and (other is None or text != f"{other / 1048576:.{decimals}f}"):
            break
    return text.rstrip("0").rstrip(".")


def file_too_large(name: str, size: float, limit: int) -> BaseError:
    """The error for one file of `size` bytes over a limit of `limit` bytes."""
    return BaseError(
        f"file too large ({_megabytes(size, limit)} MB; the limit is {_megabytes(limit)} MB, set FACTS_MAX_MB to raise it)",
        name,
    )


def base_too_large(files: int, size: float, limit: int) -> BaseError:
    """The error for a base of `files` files, `size` bytes together, over a limit of `limit` bytes."""
    return BaseError(
        f"base too large: its {files} files come to {_megabytes(size, limit)} MB "
        f"(the limit is {_megabytes(limit)} MB for all files together, set FACTS_MAX_MB to raise it)"
    )


def check_sizes(names: Sequence[str], sizes: Sequence[int]) -> None:
    """The FACTS_MAX_MB error a cold run would give for regular files of these sizes, if any.

    For a run served from the cache: the limit holds there too, from the sizes the cache's
    key already has (no reading)."""
    limit = max_bytes()
    total = sum(sizes)
    if total > limit:
        raise file_too_large(names[0], total, limit) if len(names) == 1 else base_too_large(len(names), total, limit)


def count_entries(data: dict[str, Any]) -> tuple[int, int]:
    """(records, sources) of one parsed file: its [[metrics]], [[projects]] and [[milestones]],
    and its [[sources]] tables (FACTS_MAX_RECORDS limits the first, MAX_SOURCES the second)."""
    records = sum(len(value) for key in KINDS if isinstance(value := data.get(key), list))
    sources = data.get("sources")
    return records, len(sources) if isinstance(sources, list) else 0


def too_many_records(count: int, limit: int, more: bool = False) -> BaseError:
    """`more`: files are left unread, so there are at least `count`."""
    records = f"{count:,} records" + (" or more" if more else "")
    return BaseError(f"base too large: {records} (the limit is {limit:,}, set FACTS_MAX_RECORDS to raise it)")


def check_counts(counts: Sequence[Sequence[int]], files: int) -> None:
    """The FACTS_MAX_RECORDS (or MAX_SOURCES) error for files with these (records, sources), in order, if any.

    `counts` may cover only the first of `files` files (those parsed so far): the total is
    checked after each, as a cold run parses them, so a cached run (which stored the counts
    at build time) gives the very same message."""
    limit = max_records()
    total = sources = 0
    for number, (records, tables) in enumerate(counts, 1):
        total += records
        sources += tables
        if total > limit:
            raise too_many_records(total, limit, number < files)
        if sources > MAX_SOURCES:
            raise BaseError(f"base too large: {sources:,} [[sources]] tables (at most {MAX_SOURCES:,} in a base)")
