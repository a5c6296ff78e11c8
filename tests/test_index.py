"""The index's look-ups (index.py) against the same questions asked of every row in Python.

Search ranks from these look-ups alone (match/engine.py), so each must find exactly the rows
a check of every row finds: values equal to a text or starting with it (the value index, and
the trigram tables, which index each value between separators), texts of one, two and three
or more characters (a scan, the trigram vocabulary, a phrase), one-edit patterns (checked
only on the rows that hold their longest piece, or a trigram a?c), and with a limit, the
first rows in ranking order (shortest value, then row). The value index is checked as built
and built again with blocks of two values, so that every look-up crosses blocks.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

import pytest

import tongzhou_facts as tf
from tongzhou_facts import postings
from tongzhou_facts.index_schema import DOC_COLUMNS, GAP, POSTING_COLUMNS, SEPARATOR
from tongzhou_facts.match import normalize

from .conftest import BASE

COLUMN_SETS = [("name",), ("name", "en"), ("aliases", "tags"), ("quote",), ("extra",), ("py", "ini"), ("py_tags",), DOC_COLUMNS]


@pytest.fixture(scope="module", params=["as built", "blocks of two values"])
def index(request: pytest.FixtureRequest) -> tf.Index:
    if request.param == "as built":
        return tf.open_index([str(BASE)])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(postings, "BLOCK_VALUES", 2)
        patch.setattr(postings, "BLOCK_ROWS", 2)
        return tf.Index.build(tf.load(BASE))


@pytest.fixture(scope="module")
def docs(index: tf.Index) -> dict[int, dict[str, str]]:
    return dict(index.search_fields(list(range(1, index.count() + 1))))


@pytest.fixture(scope="module")
def texts(docs: dict[int, dict[str, str]]) -> list[str]:
    """Pieces of the base's own values, 1 to 5 characters from random places (seeded), and
    some whole values: what people type, found or not."""
    rng = random.Random(7)
    values = sorted({v for doc in docs.values() for column in DOC_COLUMNS for v in doc[column].split(SEPARATOR) if v})
    out = set(rng.sample(values, 40))
    for value in rng.sample(values, 200):
        start = rng.randrange(len(value))
        out.add(value[start : start + rng.randint(1, 5)])
    out |= {"gdp", "2023", "2023年", "亿元", "项目", "通州", "cj", "tz", "x", "镇", "量子计算"}
    return sorted(t for t in out if t.strip())


def values(doc: dict[str, str], columns: Sequence[str]) -> list[str]:
    return [v for column in columns for v in doc[column].split(SEPARATOR) if doc[column]]


def test_the_separator_is_the_one_the_search_fields_are_joined_with() -> None:
    assert SEPARATOR == normalize.SEPARATOR


def test_values_equal_to_a_text(index: tf.Index, docs: dict[int, dict[str, str]], texts: list[str]) -> None:
    for columns in COLUMN_SETS:
        for text in texts:
            expected = {n for n, doc in docs.items() if text in values(doc, columns)}
            assert index.valued(text, columns, whole=True) == expected, (text, columns)


def test_values_starting_with_a_text(index: tf.Index, docs: dict[int, dict[str, str]], texts: list[str]) -> None:
    for columns in COLUMN_SETS:
        for text in texts:
            expected = {n for n, doc in docs.items() if any(v.startswith(text) for v in values(doc, columns))}
            assert index.valued(text, columns, whole=False) == expected, (text, columns)


def test_fields_containing_a_text(index: tf.Index, docs: dict[int, dict[str, str]], texts: list[str]) -> None:
    for columns in COLUMN_SETS:
        for text in texts:
            expected = {n for n, doc in docs.items() if any(text in doc[c] for c in columns)}
            assert index.containing(text, columns, -1) == expected, (text, columns)
            by_column = index.containing_by_column(text, columns, -1)
            assert {c: by_column[c] for c in columns} == {c: {n for n, doc in docs.items() if text in doc[c]} for c in columns}


def test_fields_containing_any_of_several_texts(index: tf.Index, docs: dict[int, dict[str, str]], texts: list[str]) -> None:
    longer = [t for t in texts if len(t) >= 2]
    for start in range(0, len(longer), 25):
        chosen = longer[start : start + 25]
        expected = {n for n, doc in docs.items() if any(t in doc[c] for t in chosen for c in ("ini", "ini_alias"))}
        assert index.containing_any(chosen, ("ini", "ini_alias"), -1) == expected


def test_one_edit_patterns(index: tf.Index, docs: dict[int, dict[str, str]], texts: list[str]) -> None:
    """Patterns as the typo fallback writes them (engine._one_edit_candidates), each piece
    literal and one character between two, against a regular expression over every row."""
    columns = ("name", "en", "aliases")
    for text in [t for t in texts if 2 <= len(t) <= 5]:
        patterns: set[tuple[str, ...]] = set()
        for i in range(len(text) + 1):
            patterns.add((text[:i], text[i:]))
            if i < len(text):
                patterns.add((text[:i], text[i + 1 :]))
                patterns.add((text[:i] + text[i + 1 :],))
        patterns.discard(("",))
        found = re.compile("|".join(".".join(map(re.escape, pieces)) for pieces in patterns), re.DOTALL)
        expected = {n for n, doc in docs.items() if any(found.search(doc[c]) for c in columns)}
        assert index.containing_patterns(columns, patterns, 10**6) == expected, text


def test_the_length_of_the_shortest_value_starting_with_or_holding_a_text(
    index: tf.Index, docs: dict[int, dict[str, str]], texts: list[str]
) -> None:
    """What ranking measures (rank.py: a tighter fit first), read in SQL from fields whose
    values are stored shortest first."""
    for columns in COLUMN_SETS:
        for text in texts:
            for tier, fits in ((1, str.startswith), (2, str.__contains__)):
                expected = {}
                for n, doc in docs.items():
                    lengths = [len(v) for v in values(doc, columns) if fits(v, text)]
                    if lengths:
                        expected[n] = min(lengths)
                assert index.matched_lengths(text, columns, tier) == expected, (text, columns, tier)


def test_names_near_is_names_with_on_a_base_it_scans_whole(index: tf.Index, texts: list[str]) -> None:
    """On a base of at most `scanned` rows, a 'did you mean' reads the same names as before."""
    for text in texts:
        keys = set(text[:2]) if len(text) > 1 else {text}
        for limit in (3, 500):
            assert index.names_near(keys, [text[:2]], limit, index.count()) == index.names_with(keys, limit), text


def test_names_near_past_the_rows_it_scans(index: tf.Index, docs: dict[int, dict[str, str]], texts: list[str]) -> None:
    """Past the rows it scans, the names holding a piece, in row order, up to the limit."""
    scanned = index.count() // 3
    for text in [t for t in texts if len(t) >= 2]:
        keys, pieces = set(text), [text[i : i + 2] for i in range(len(text) - 1)]
        for limit in (5, 500):
            first = [
                (n, d["name"], d["en"])
                for n, d in sorted(docs.items())
                if n <= scanned and any(k in d["name"] or k in d["en"] for k in keys)
            ]
            after = [
                (n, d["name"], d["en"])
                for n, d in sorted(docs.items())
                if n > scanned and any(p in d["name"] or p in d["en"] for p in pieces)
            ]
            expected = first[:limit] if len(first) >= limit else first + after[: limit - len(first)]
            assert index.names_near(keys, pieces, limit, scanned) == expected, text


def test_one_edit_patterns_stopping_at_a_limit(index: tf.Index, texts: list[str]) -> None:
    """All anchors are looked up at once; when that stops at `limit`, the rows are those of the
    look-ups anchor by anchor, each stopping at `limit`, as they always were."""
    columns = ("name", "en", "aliases")
    for text in [t for t in texts if 3 <= len(t) <= 5]:
        patterns = {(text[:i], text[i + 1 :]) for i in range(len(text))} | {(text[:i], text[i:]) for i in range(1, len(text))}
        by_anchor: dict[str, set[str]] = {}
        for pieces in patterns:
            longest = max(pieces, key=len)
            anchor = (
                longest if len(longest) >= 2 else pieces[0] + GAP + pieces[1] if len(pieces[0]) == len(pieces[1]) == 1 else ""
            )
            by_anchor.setdefault(anchor, set()).add("%" + "_".join(pieces) + "%")
        for limit in (1, 2, 5):
            one_by_one = set()
            for anchor, likes in by_anchor.items():
                for holding in index._expressions([anchor], columns) if anchor else [None]:
                    one_by_one |= index._rows_like(columns, likes, holding, limit)
            together = index._rows_like(columns, set().union(*by_anchor.values()), None, 10**6)
            expected = together if len(together) < limit else one_by_one
            assert index.containing_patterns(columns, patterns, limit) == expected, (text, limit)


def test_the_value_index_holds_every_value_with_its_rows(index: tf.Index, docs: dict[int, dict[str, str]]) -> None:
    expected: dict[tuple[str, str], list[int]] = {}
    for n, doc in sorted(docs.items()):
        for column in POSTING_COLUMNS:
            for value in dict.fromkeys(values(doc, (column,))):
                expected.setdefault((column, value), []).append(n)
    for (column, value), rows in expected.items():
        assert index.valued(value, (column,), whole=True) == set(rows), (column, value)
        assert index._posted(value, column, None, exact=True) == dict.fromkeys(rows, len(value))
    assert len(expected) > 1000


def _first(found: dict[int, object], limit: int) -> dict[int, object]:
    """The first `limit` rows of `found` by (what it maps them to, row)."""
    return {n: found[n] for n in sorted(found, key=lambda n: (found[n], n))[:limit]}


def test_the_first_rows_by_length_and_row_with_a_limit(
    index: tf.Index, docs: dict[int, dict[str, str]], texts: list[str]
) -> None:
    """What a group of the ranking reads: the first `limit` rows by the length of the shortest
    value starting with the text, then row number; the same from several fields at once."""
    for columns in [("name",), ("en",), ("py",), ("ini",), ("tags",), ("py", "ini"), ("aliases", "quote")]:
        for text in texts:
            every = {}
            for n, doc in docs.items():
                lengths = [len(v) for v in values(doc, columns) if v.startswith(text)]
                if lengths:
                    every[n] = min(lengths)
            for limit in (1, 2, 5, 20):
                assert index.matched_lengths(text, columns, 1, limit) == _first(every, limit), (text, columns, limit)


def test_the_best_start_of_each_row_over_ranked_fields(
    index: tf.Index, docs: dict[int, dict[str, str]], texts: list[str]
) -> None:
    """`starting_matches`, as the ranking of pinyin reads it: each row's best (tier, rank,
    length) of a value equal to the text (tier 0) or starting with it (1), and with a limit
    the first rows in that order."""
    ranks = {"py": 0, "ini": 0, "py_alias": 1, "ini_alias": 1, "py_tags": 2}
    for chosen in (ranks, {"name": 0, "en": 0, "aliases": 1, "quote": 3}):
        for text in texts:
            every = {}
            for n, doc in docs.items():
                keys = [
                    (int(len(v) > len(text)), rank, len(v))
                    for c, rank in chosen.items()
                    for v in values(doc, (c,))
                    if v.startswith(text)
                ]
                if keys:
                    every[n] = min(keys)
            assert index.starting_matches(text, chosen) == every, text
            for limit in (1, 3, 20):
                assert index.starting_matches(text, chosen, limit) == _first(every, limit), (text, limit)


def test_values_equal_to_a_text_with_a_limit_are_the_first_rows(
    index: tf.Index, docs: dict[int, dict[str, str]], texts: list[str]
) -> None:
    for columns in [("name",), ("tags",), ("py", "ini"), ("tags", "extra")]:
        for text in texts:
            expected = sorted(n for n, doc in docs.items() if text in values(doc, columns))
            for limit in (1, 3):
                found = index.valued(text, columns, whole=True, limit=limit)
                assert set(expected[:limit]) <= found <= set(expected), (text, columns, limit)
