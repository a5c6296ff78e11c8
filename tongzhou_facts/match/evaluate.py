"""Search quality on a query set: recall@3, MRR and the zero-result rate, by query kind.

The query set (tests/search_queries.toml) lists realistic queries, each with the ids a
reader would accept; a query counts as found when one of them is in the top three.
Used by tests/test_search_quality.py and benchmarks/search_quality.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import FactsError
from ..index import Index
from .engine import search

TOP = 3


def evaluate(index: Index, queries: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per kind (and 'all'): count, recall@3, MRR, zero-result rate, and the misses."""
    rows: dict[str, list[tuple[float, float, bool, str]]] = {}
    for item in queries:
        expected = set(item["expect"])
        try:
            found = [hit.record.id for hit in search(index, item["query"], limit=20)]
        except FactsError:
            found = []
        rank = next((i for i, record_id in enumerate(found, 1) if record_id in expected), None)
        hit = 1.0 if rank is not None and rank <= TOP else 0.0
        reciprocal = 1.0 / rank if rank else 0.0
        summary = f"{item['query']!r} -> {found[:TOP]} (want {sorted(expected)})"
        for kind in (str(item.get("kind", "other")), "all"):
            rows.setdefault(kind, []).append((hit, reciprocal, not found, summary))
    report = {}
    for kind, results in rows.items():
        count = len(results)
        report[kind] = {
            "queries": count,
            "recall@3": sum(r[0] for r in results) / count,
            "mrr": sum(r[1] for r in results) / count,
            "zero_rate": sum(r[2] for r in results) / count,
            "misses": [r[3] for r in results if not r[0]],
        }
    return report
