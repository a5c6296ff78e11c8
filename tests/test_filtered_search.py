"""A search with a filter the index does not select by (status, place, category, unit,
measure, dates) never reads every hit's record at once: counting, it reads them a chunk at a
time (engine.search_each); for a pipe it ranks a few times `limit` hits, then more, until
`limit` pass (commands.search.filtered_search). It must find
exactly what ranking every hit, reading all their records and filtering them finds: the same
hits in the same order, the same total when counting, "at least" when it stopped early.
"""

from __future__ import annotations

from typing import Any

import pytest

import tongzhou_facts as tf
from tongzhou_facts.commands.search import filtered_search
from tongzhou_facts.errors import UsageError
from tongzhou_facts.match import engine
from tongzhou_facts.query import refine

from .conftest import generated_base

CRITERIA = ("category", "place", "status", "unit", "measure", "since", "until")


def reference(index: tf.Index, text: str, criteria: dict[str, Any]) -> list[tuple[str, engine.Match]]:
    """Every hit ranked with its record, then filtered: what filtered_search did before."""
    found = engine.search_counted(index, text, kind=criteria.get("kind"), year=criteria.get("year"), limit=None)
    others = {k: v for k, v in criteria.items() if k not in ("kind", "year") and v is not None}
    kept = {n for n, _ in refine(((n, hit.record) for n, hit in enumerate(found.hits)), **others)}
    return [(hit.record.id, hit.match) for n, hit in enumerate(found.hits) if n in kept]


def full(**given: Any) -> dict[str, Any]:
    return {"kind": None, "year": None, **dict.fromkeys(CRITERIA), **given}


def cases(index: tf.Index) -> list[tuple[str, dict[str, Any]]]:
    """Queries of many hits and few, each with filters taken from the base's own values."""
    values = {field: [v for v, _ in index.tally(field)[:3]] for field in ("category", "place", "unit", "measure")}
    filters = [
        full(status="开工"),
        full(status="竣工"),
        full(since="2023-06"),
        full(until="2022"),
        full(kind="project", status="在建"),
    ]
    filters += [full(**{field: value}) for field, found in values.items() for value in found]
    filters += [full(place=values["place"][0], since="2020"), full(category=values["category"][0], year=2023)]
    queries = ["项目", "通州", "2023", "医院", "chuanjiang", "异质结", "镇", "增长"]
    return [(q, f) for q in queries for f in filters]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tf.Index:
    return tf.open_index([str(generated_base(tmp_path_factory.mktemp("filtered") / "5k.toml", 5000))])


@pytest.fixture(scope="module")
def bundled() -> tf.Index:
    return tf.open_index()


@pytest.mark.parametrize("base", ["bundled", "generated"])
def test_filtered_search_finds_what_filtering_every_ranked_hit_finds(request: pytest.FixtureRequest, base: str) -> None:
    index = request.getfixturevalue(base)
    checked = stopped = 0
    for text, criteria in cases(index):
        expected = reference(index, text, criteria)
        for limit in (1, 5, 20, 10_000):
            counted = filtered_search(index, text, criteria, limit, count=True)
            assert [(h.record.id, h.match) for h in counted.hits] == expected[:limit], (text, criteria, limit)
            assert counted.total == len(expected), (text, criteria, limit)
            piped = filtered_search(index, text, criteria, limit, count=False)
            assert [(h.record.id, h.match) for h in piped.hits] == expected[:limit], (text, criteria, limit)
            assert min(limit, len(expected)) <= piped.total <= len(expected), (text, criteria, limit)
            if piped.exact:
                assert piped.total == len(expected), "every hit read: the total"
            else:
                stopped += 1  # stopped early: "at least"
            checked += 1
    assert checked >= 100 and stopped >= 10, (checked, stopped)


def test_an_unknown_english_status_is_still_an_error(generated: tf.Index) -> None:
    with pytest.raises(UsageError, match="unknown status 'nonsense'"):
        filtered_search(generated, "项目", full(status="nonsense"), 20, count=False)


def test_search_each_reads_records_a_chunk_at_a_time(monkeypatch: pytest.MonkeyPatch, generated: tf.Index) -> None:
    asked: list[int] = []
    real = generated.by_numbers

    def counting(numbers: Any) -> Any:
        asked.append(len(numbers))
        return real(numbers)

    monkeypatch.setattr(generated, "by_numbers", counting)
    hits, exact = engine.search_each(generated, "项目")
    first = [next(hits) for _ in range(3)]
    assert exact and len(first) == 3
    assert asked == [engine.CHUNK], "only the first chunk's records are read for the first hits"
    rest = list(hits)
    assert max(asked) <= engine.CHUNK and len(first) + len(rest) == engine.search_counted(generated, "项目").total
