"""What a caller names, checked against the base: a record by its id (or an error naming the
nearest ids), a kind by its name. The commands and tools.py (the MCP tools) share these, so
a typed id or kind gets the same answer and the same message from either."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import UsageError
from .model import KINDS

if TYPE_CHECKING:
    from .index import Index
    from .model import Record


def check_kind(kind: str | None) -> None:
    if kind is not None and kind not in KINDS.values():
        raise UsageError(f"unknown kind '{kind}' (metric, project or milestone)")


def find_record(index: Index, record_id: str) -> Record:
    """The record with this id, or a usage error that names the nearest ids (nearest.py is
    imported only then: `facts get ID` never pays for difflib)."""
    record = index.get(record_id)
    if record is None:
        from .nearest import nearest

        close = nearest(record_id, index.ids_starting, index.existing_ids, index.id_prefixes, count=3, cutoff=0.5)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise UsageError(f"no record with id '{record_id}'{hint}")
    return record
