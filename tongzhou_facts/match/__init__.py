"""Search: find records the way people type Chinese, English and numbers.

The engine is in engine.py; the parts it uses: normalize.py (one normalisation for
index and query), pinyin.py (readings, variants, initials), fields.py (the searchable
fields of a record, stored in the index at build time), rank.py (how a record matches,
as a sort key), amounts.py (a query that is a number, and the records whose own figure it
is), highlight.py (where it matched, for display) and located.py (the `match` field of a
hit). evaluate.py measures search quality on a query set.

    >>> import tongzhou_facts as tf
    >>> [hit.record.id for hit in tf.search(tf.open_index(), "异质结", limit=1)]
    ['lianshen-12gw-hjt-cell-project']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine import MAX_QUERY, MAX_TERMS, Hit, parse_query, search, suggestions
    from .rank import DIRECT, Match

#: The names re-exported here, imported on first use (PEP 562): the index build imports
#: fields.py, and with it this package, without the engine (which reads the index).
_LAZY = {
    "MAX_QUERY": "engine",
    "MAX_TERMS": "engine",
    "Hit": "engine",
    "parse_query": "engine",
    "search": "engine",
    "suggestions": "engine",
    "DIRECT": "rank",
    "Match": "rank",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib  # here: a search imports engine.py itself, and never needs importlib (0.1 ms)

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = ["DIRECT", "MAX_QUERY", "MAX_TERMS", "Hit", "Match", "parse_query", "search", "suggestions"]
