"""What a search that finds little or nothing does besides: the fallbacks' look-ups, the
question reading and the 'did you mean', each made cheaper without changing what it finds."""

from __future__ import annotations

import pytest

import tongzhou_facts as tf
from tongzhou_facts.match import engine

from .conftest import BASE


@pytest.fixture(scope="module")
def index() -> tf.Index:
    return tf.open_index([str(BASE)])


def queries(index: tf.Index) -> list[str]:
    """Names cut short, their last character made another (他 reads ta and tuo: two spellings
    sharing their start), and the polyphonic names as they are."""
    out = []
    for record in index.records():
        name = record.name
        if len(name) >= 4:
            out += [name[:4] + "他", name[:5] + "他", name[1:6]]
    return sorted(set(out))


def hits(index: tf.Index, query: str) -> list[tuple[str, engine.Match]]:
    return [(hit.record.id, hit.match) for hit in tf.search(index, query)]


def test_homophones_found_through_the_spellings_shared_start(index: tf.Index, monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = queries(index)
    assert sum(len({f for f in engine._pinyin_forms(q) if len(f) >= 4}) > 1 for q in chosen) > 20
    shared = {q: hits(index, q) for q in chosen}
    monkeypatch.setattr(engine, "SHARED_SPELLING", 10**6)  # each spelling looked up alone, as before
    assert {q: hits(index, q) for q in chosen} == shared
