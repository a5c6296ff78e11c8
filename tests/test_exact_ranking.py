"""Ranking is exact (issue 14): a search that ranks group by group through index look-ups
returns the same top N as one that ranks every match in Python.

`engine._fast_path` ranks all candidates at once when there are at most `RANK_ALL`, and
otherwise group by group (`_rank_tiers`), stopping once `limit` are ranked. The exhaustive
ranking is the same call with `RANK_ALL` too big to reach. The queries are written from how
people search the generated base (benchmarks/generate.py): pieces of names, whole names,
towns, industries, indicators, pinyin, initials, English words, two words, numbers and
years, with and without --kind and --year; not from the ranking's failures.

Two bases: 3,000 records with `RANK_ALL` lowered to 5, so nearly every query takes the
group path (quick, and catches most bugs), and 100,000 records with the real `RANK_ALL`,
where common queries match tens of thousands of records.

The first tiers of the group path read the value index (index_schema.py `postings`): the
small base is also built with blocks of two values, so that its groups cross blocks, and a
pipe's search (not counted: its look-ups stop at RANK_ALL + 1 rows) is checked on the large
base for the queries whose "starts with" groups are largest: each town, its name without
街道/镇, their pinyin and initials, and prefixes of these.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

import pytest

import tongzhou_facts as tf
from tongzhou_facts import postings
from tongzhou_facts.match import engine
from tongzhou_facts.match.normalize import normalize, terms
from tongzhou_facts.match.pinyin import initials, variants

from .conftest import generated_base, generator

LIMITS = (1, 5, 20)
#: Far more candidates than any base here has: every match is ranked in Python.
EXHAUSTIVE = 1 << 40
KINDS = ("metric", "project", "milestone")
#: Queries drawn from each sampled record (of a piece, the name, pinyin, initials, English).
PER_RECORD = 3


class Query(NamedTuple):
    text: str
    kind: str | None = None
    year: int | None = None


def _names(index: tf.Index, rng: random.Random, count: int) -> list[tf.Record]:
    numbers = sorted(index.numbers())
    chosen = rng.sample(numbers, min(count, len(numbers)))
    found = index.by_numbers(chosen)
    return [found[n] for n in chosen]


def _pieces(name: str, rng: random.Random) -> Iterator[str]:
    """1 to 4 characters of a name, from a random position: what someone remembers of it."""
    for size in (1, 2, 3, 4):
        if len(name) >= size:
            start = rng.randrange(len(name) - size + 1)
            yield name[start : start + size]


def _by_name(record: tf.Record, rng: random.Random) -> Iterator[str]:
    name = record.name
    yield name
    yield from _pieces(name, rng)
    normal = normalize(name)
    yield variants(normal)[0]  # the whole name in pinyin
    yield variants(normal[: rng.choice((2, 3))])[0]  # its first 2-3 characters
    yield initials(normal)[0]
    yield initials(normal[: rng.choice((3, 4))])[0]
    english = record.get("name_en")
    if english:
        words = str(english).replace(":", "").split()
        yield rng.choice(words)
        if len(words) >= 2:
            start = rng.randrange(len(words) - 1)
            yield " ".join(words[start : start + 2])


def _figures(record: tf.Record) -> Iterator[str]:
    """A record's number as remembered: whole (1730, 12.35) or its whole part (12), with its unit."""
    for key, unit in (("value", "unit"), ("investment", "investment_unit"), ("capacity", "capacity_unit")):
        value = record.get(key)
        if value is not None:
            yield str(value)
            yield f"{int(value)}{record.get(unit) or ''}"


def _by_topic(gen: ModuleType, rng: random.Random) -> Iterator[str]:
    for zh, en in gen.PLACES:
        yield zh
        yield en
        short = zh.removesuffix("街道").removesuffix("镇")
        if short != zh:
            yield short  # 川姜 for 川姜镇
            yield variants(short)[0]
    for zh, en, tags in gen.INDUSTRIES:
        yield zh
        yield en
        yield rng.choice(tags)
    for zh, en, _slug, unit, *_, aliases in gen.INDICATORS:
        yield zh
        yield en
        yield rng.choice(aliases)
        yield unit
    for _ in range(12):  # two words: a town and an indicator or an industry, an industry and a status
        place = rng.choice(gen.PLACES)[0]
        indicator = rng.choice(gen.INDICATORS)
        industry = rng.choice(gen.INDUSTRIES)[0]
        yield f"{place} {indicator[0]}"
        yield f"{place} {rng.choice(indicator[-1])}"
        yield f"{place} {industry}"
        yield f"{industry} {rng.choice(gen.STATUSES)}"
        yield f"{industry} {rng.choice(('产业', '项目'))}"
        yield f"{rng.choice(gen.PLACES)[1].split()[0]} {indicator[1].split()[0]}"
        yield f"{rng.randint(2015, 2024)} {rng.choice(indicator[-1])}"
    yield from ("gdp growth", "gdp 增速", "gdp", "project", "expo", "heterojunction", "异质结", "光伏 项目")
    for year in (2015, 2019, 2023, 2024):
        yield str(year)
        yield f"{year}年"
    yield from ("12月", "亿元", "8.6%", "1.2个百分点")


def queries(index: tf.Index, gen: ModuleType, seed: int, records: int, topics: int) -> list[Query]:
    """Distinct queries: by record (pieces, names, pinyin, initials, English, its value), by
    topic, then a share of them again under a --kind (the record's, as someone looking for
    it would choose) or a --year filter, or both."""
    rng = random.Random(seed)
    kinds: dict[str, str | None] = {}
    for record in _names(index, rng, records):
        forms = list(_by_name(record, rng))
        forms = rng.sample(forms, min(PER_RECORD, len(forms)))
        forms.extend(_figures(record))
        for text in forms:
            kinds.setdefault(text, record.kind)
    every_topic = list(dict.fromkeys(_by_topic(gen, rng)))
    for text in rng.sample(every_topic, min(topics, len(every_topic))):
        kinds.setdefault(text, None)
    texts = [t for t in kinds if terms(t)]
    found = [Query(t) for t in texts]
    for text in rng.sample(texts, len(texts) // 5):
        found.append(Query(text, kind=kinds[text] or rng.choice(KINDS)))
        found.append(Query(text, year=rng.randint(2015, 2024)))
    for text in rng.sample(texts, len(texts) // 20):
        found.append(Query(text, kind=kinds[text] or rng.choice(KINDS), year=rng.randint(2015, 2024)))
    for number in ("1", "2", "12", "20", "100", "2023"):  # a project of 20亿元, a metric of 12%
        found.extend(Query(number, kind=kind) for kind in KINDS)
    return found


def _ranked(monkeypatch: pytest.MonkeyPatch, index: tf.Index, query: Query, limit: int, rank_all: int) -> engine.Counted:
    with monkeypatch.context() as patch:
        patch.setattr(engine, "RANK_ALL", rank_all)
        patch.setattr(engine, "FALLBACK_BELOW", 0)
        return engine.search_counted(index, query.text, kind=query.kind, year=query.year, limit=limit)


#: What a search shows: (id, Match) of each hit, the total, and whether the total is exact.
Shown = tuple[list[tuple[str, engine.Match]], int, bool]


def _shown(counted: engine.Counted, limit: int) -> Shown:
    return [(hit.record.id, hit.match) for hit in counted.hits[:limit]], counted.total, counted.exact


def _difference(got: Shown, want: Shown) -> str:
    """Where a capped result first parts from the exhaustive one, readably."""
    if got[1:] != want[1:]:
        return f"total, exact {got[1:]}, exhaustive {want[1:]}"
    hits, wanted = got[0], want[0]
    at = next((i for i, (a, b) in enumerate(zip(hits, wanted, strict=False)) if a != b), min(len(hits), len(wanted)))
    return f"hit {at + 1}: {hits[at : at + 1]}, exhaustive {wanted[at : at + 1]}"


def mismatches(monkeypatch: pytest.MonkeyPatch, index: tf.Index, found: list[Query], rank_all: int) -> tuple[list[str], int]:
    """The queries whose capped top N differs from the exhaustive one (ids, Match values,
    total, exactness), and how many queries ranked group by group (more than `rank_all`
    matches). The exhaustive ranking sorts every match and slices, so its top 1 and top 5
    are the first of its top 20: it runs once per query.

    The fallbacks (a typo, the same sound) are off in both runs: they do not depend on
    `RANK_ALL`, only on the total, which is compared; they are the slow part of a search
    that finds little, and would take the time this test gives to ranking."""
    wrong: list[str] = []
    grouped = 0
    for query in found:
        exhaustive = _ranked(monkeypatch, index, query, max(LIMITS), EXHAUSTIVE)
        grouped += exhaustive.total > rank_all
        for limit in LIMITS:
            capped = _shown(_ranked(monkeypatch, index, query, limit, rank_all), limit)
            expected = _shown(exhaustive, limit)
            if capped != expected:
                wrong.append(f"{query} limit {limit}: {_difference(capped, expected)}")
    return wrong, grouped


def _opened(path: Path) -> tf.Index:
    return tf.open_index([str(path)])


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tf.Index:
    return _opened(generated_base(tmp_path_factory.mktemp("exact") / "3k.toml", 3000))


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tf.Index:
    return _opened(generated_base(tmp_path_factory.mktemp("exact") / "100k.toml", 100_000))


def test_group_ranking_is_exact_on_a_small_base_ranked_by_groups(monkeypatch: pytest.MonkeyPatch, small: tf.Index) -> None:
    found = queries(small, generator(), seed=14, records=120, topics=300)
    wrong, grouped = mismatches(monkeypatch, small, found, rank_all=5)
    assert len(found) >= 300
    assert grouped >= len(found) // 2, "too few queries took the group path to test it"
    assert not wrong, f"{len(wrong)} differ, first: " + "\n".join(wrong[:8])


def test_group_ranking_is_exact_on_a_100k_base(monkeypatch: pytest.MonkeyPatch, large: tf.Index) -> None:
    found = queries(large, generator(), seed=15, records=24, topics=75)
    wrong, grouped = mismatches(monkeypatch, large, found, rank_all=engine.RANK_ALL)
    assert len(found) >= 250
    assert grouped >= len(found) // 3, "too few queries took the group path to test it"
    assert not wrong, f"{len(wrong)} differ, first: " + "\n".join(wrong[:8])


@pytest.fixture(scope="module")
def small_blocks(tmp_path_factory: pytest.TempPathFactory) -> tf.Index:
    """The small base with a value index of two values a block (most look-ups cross blocks)."""
    path = generated_base(tmp_path_factory.mktemp("exact") / "3k-blocks.toml", 3000)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(postings, "BLOCK_VALUES", 2)
        patch.setattr(postings, "BLOCK_ROWS", 2)
        return tf.Index.build(tf.load(path))


def test_group_ranking_is_exact_with_the_value_index_in_small_blocks(
    monkeypatch: pytest.MonkeyPatch, small_blocks: tf.Index
) -> None:
    found = queries(small_blocks, generator(), seed=16, records=60, topics=150)
    wrong, grouped = mismatches(monkeypatch, small_blocks, found, rank_all=5)
    assert grouped >= len(found) // 2, "too few queries took the group path to test it"
    assert not wrong, f"{len(wrong)} differ, first: " + "\n".join(wrong[:8])


def _common_prefixes(gen: ModuleType) -> list[str]:
    """Queries that start many values: each town, its short name, their pinyin and initials,
    and their first one, two, three or four characters (川, 川姜, chu, chuan, cj, cjz)."""
    out: list[str] = []
    for zh, en in gen.PLACES:
        short = zh.removesuffix("街道").removesuffix("镇")
        for text in (zh, short, variants(zh)[0], variants(short)[0], initials(zh)[0], en.split()[0].lower()):
            out.append(text)
            out += [text[:size] for size in (2, 3, 4) if len(text) > size]
    return list(dict.fromkeys(out))


def test_a_pipes_search_ranks_exactly_when_prefix_groups_are_large(monkeypatch: pytest.MonkeyPatch, large: tf.Index) -> None:
    """A piped search (not counted) of a query that starts thousands of values ranks its top
    N as the exhaustive ranking does: the value index's first rows by length, then row."""
    wrong = []
    every = _common_prefixes(generator())
    found = ["川姜", "chuanjiang", "cjz", *random.Random(17).sample(every, 45)]  # the benchmark's, and some
    for text in dict.fromkeys(found):
        exhaustive = _ranked(monkeypatch, large, Query(text), max(LIMITS), EXHAUSTIVE)
        for limit in LIMITS:
            with monkeypatch.context() as patch:
                patch.setattr(engine, "FALLBACK_BELOW", 0)
                piped = engine.search_counted(large, text, limit=limit, count=False)
            got = [(hit.record.id, hit.match) for hit in piped.hits]
            expected = _shown(exhaustive, limit)[0]
            if got != expected:
                wrong.append(f"{text!r} limit {limit}: {_difference((got, 0, True), (expected, 0, True))}")
    assert len(every) >= 150
    assert not wrong, f"{len(wrong)} differ, first: " + "\n".join(wrong[:8])
