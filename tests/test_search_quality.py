"""The search holds the line on the query set: recall@3 >= 0.95 overall and for each kind.

benchmarks/search_quality.py prints the same report; tests/search_queries.toml is the set.
"""

from __future__ import annotations

import sys

import pytest

import tongzhou_facts as tf
from tongzhou_facts.match.evaluate import evaluate

from .conftest import BASE, ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: tomli, a dependency there
    import tomli as tomllib

QUERIES = tomllib.loads((ROOT / "tests" / "search_queries.toml").read_text(encoding="utf-8"))["queries"]
KINDS = ("exact", "pinyin", "homophone", "traditional", "fullwidth", "english", "synonym", "number")


@pytest.fixture(scope="module")
def report() -> dict[str, dict[str, object]]:
    return evaluate(tf.open_index([str(BASE)]), QUERIES)


def test_query_set_covers_every_kind() -> None:
    assert len(QUERIES) >= 60
    for kind in KINDS:
        assert sum(q["kind"] == kind for q in QUERIES) >= 6, kind


def test_query_set_ids_exist() -> None:
    ids = {r.id for r in tf.load(BASE).records}
    for query in QUERIES:
        assert set(query["expect"]) <= ids, query["query"]


def test_recall_at_3_overall(report: dict[str, dict[str, object]]) -> None:
    overall = report["all"]
    assert overall["recall@3"] >= 0.95, overall["misses"]
    assert overall["zero_rate"] <= 0.05


@pytest.mark.parametrize("kind", KINDS)
def test_recall_at_3_by_kind(report: dict[str, dict[str, object]], kind: str) -> None:
    assert report[kind]["recall@3"] >= 0.9, report[kind]["misses"]
