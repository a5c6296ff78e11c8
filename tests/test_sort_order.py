"""Sorting in bounded memory (sorting.py, collate.packed, chart.plan) gives exactly the order
the whole-list sorts gave: the same rows, stable, records without the field last, numbers and
text in one field compared as text, in either direction and language.

Each new path is compared with a reference written as the code was before it: a Python list
of (key, row number) sorted at once, `collate.key` for names. The runs are made tiny so that
even a small base is spilled to disk and merged, as a 1,000,000-record base is
(benchmarks/memory.py measures that one's peak memory).
"""

from __future__ import annotations

import random
import re
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tongzhou_facts import chart, query, sorting, units
from tongzhou_facts.collate import key, packed
from tongzhou_facts.index import Index
from tongzhou_facts.load import load, load_documents
from tongzhou_facts.model import ALL_FIELDS, record_from_dict

from .conftest import generator

# ---------------------------------------------------------------------------- collate.packed


def _sign(a: Any, b: Any) -> int:
    return (a > b) - (a < b)


#: Characters that stress the key: readings, polyphonic and unread Chinese, case, full-width
#: and other scripts' digits, NFKC forms (①, ², Ⅻ, ½), punctuation, control characters below
#: and at the packed key's marks, letters that lower to two characters, an astral character.
TRICKY = [
    *"长重行阿安白港高新区市是一二",
    *"aAbZzａＢxy",
    *"0190９٣٠७",
    *"①²Ⅻ½",
    *" -·“”（）、",
    *"\x00\x01\x02\x03\x04",
    *"ßİéÅｶあ한",
    "\U00020001",
    "\u4dc0",
    "\u3400",
]


def _name(rng: random.Random, alphabet: list[str]) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9)))


@pytest.mark.parametrize("seed", range(4))
def test_packed_compares_as_the_key_does(seed: int) -> None:
    from tongzhou_facts.match.pinyin import table

    rng = random.Random(seed)
    alphabet = TRICKY + rng.sample(sorted(table()), 40)
    for _ in range(20000):
        a = _name(rng, alphabet)
        b = a[: rng.randint(0, len(a))] + _name(rng, alphabet)[:3] if rng.random() < 0.4 else _name(rng, alphabet)
        assert _sign(packed(a), packed(b)) == _sign(key(a), key(b)), (a, b)


def test_packed_sorts_names_as_the_key_does() -> None:
    names = [r.name for r in load().records] + [r.get("name_en") or "" for r in load().records]
    names += ["10号楼", "2号楼", "002号", "2号", "GDP", "港口", "ａｂｃ", "", "9" * 5000, "9" * 4999 + "8", "1" + "0" * 60000]
    small = [n for n in names if len(n) < 4000]  # int() reads at most 4300 digits: key() fails on longer
    assert sorted(small, key=packed) == sorted(small, key=key)
    huge = sorted(["1" + "0" * 60000, "9" * 5000, "9" * 4999 + "8", "2号"], key=packed)
    assert huge == ["2号", "9" * 4999 + "8", "9" * 5000, "1" + "0" * 60000]  # by number, whatever its length


def test_the_packed_marks_sit_below_every_spelling() -> None:
    """A spelling that is a prefix of another ends on a mark (below \\x04) and sorts first, as
    in `key`: that needs every character of a spelling above the marks; and `\\d` is
    str.isdecimal, so digit runs are split where `key` splits them."""
    from tongzhou_facts.match.pinyin import table

    assert min(min(reading) for readings in table().values() for reading in readings) > "\x03"
    digits = re.compile(r"\d")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert bool(digits.fullmatch(char)) == char.isdecimal(), hex(code)
        if char.isalpha():
            assert min(char.lower()) > "\x03", hex(code)


# ---------------------------------------------------------------------------- sorting.ordered


@pytest.fixture
def tiny_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs of about 30 pairs and blocks of about 7: every sort below spills and merges."""
    monkeypatch.setattr(sorting, "RUN_BYTES", 30 * (sorting.PAIR_BYTES + 40))
    monkeypatch.setattr(sorting, "BLOCK_BYTES", 7 * (sorting.PAIR_BYTES + 40))


@pytest.mark.usefixtures("tiny_runs")
def test_tiny_runs_spill_to_a_file_and_leave_none(monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    opened = []
    real = tempfile.TemporaryFile

    def counted() -> Any:
        opened.append(real())
        return opened[-1]

    monkeypatch.setattr(tempfile, "TemporaryFile", counted)
    assert list(sorting.ordered(((-n, n) for n in range(100)), reverse=True)) == list(range(100))
    assert len(opened) == 1 and opened[0].closed
    assert list(sorting.ordered((n, n) for n in range(20))) == list(range(20)) and len(opened) == 1  # one run: no file


@pytest.mark.usefixtures("tiny_runs")
def test_without_a_temporary_folder_it_sorts_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    def nowhere() -> Any:
        raise FileNotFoundError("No usable temporary directory found")

    monkeypatch.setattr(tempfile, "TemporaryFile", nowhere)
    pairs = [(n % 7, n) for n in range(300)]
    assert list(sorting.ordered(pairs, reverse=True)) == [n for _, n in sorted(pairs, key=lambda p: p[0], reverse=True)]


@pytest.mark.usefixtures("tiny_runs")
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("size", [0, 1, 29, 30, 31, 1000])
def test_ordered_is_a_stable_sort(size: int, reverse: bool) -> None:
    rng = random.Random(size)
    pairs = [(rng.randint(0, size // 10), n) for n in range(size)]  # many ties
    rng.shuffle(pairs)
    expected = [n for _, n in sorted(pairs, key=lambda pair: pair[0], reverse=reverse)]
    assert list(sorting.ordered(iter(pairs), reverse=reverse)) == expected
    assert list(sorting.ordered(iter(pairs), reverse=reverse, text_if_mixed=True)) == expected


@pytest.mark.usefixtures("tiny_runs")
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("where", [0, 500, 999])
def test_numbers_and_text_compare_as_text(where: int, reverse: bool) -> None:
    """One text key anywhere (in the first run, the middle, the last) makes every key text."""
    rng = random.Random(where)
    pairs: list[tuple[Any, int]] = [(float(rng.randint(0, 300)), n) for n in range(1000)]
    pairs[where] = ("x", where)
    expected = [n for _, n in sorted(((str(k), n) for k, n in pairs), key=lambda pair: pair[0], reverse=reverse)]
    assert list(sorting.ordered(pairs, reverse=reverse, text_if_mixed=True)) == expected


# ---------------------------------------------------------------------------- query: the old way


def reference_sort(index: Index, field: str, reverse: bool, lang: str) -> list[int]:
    """The row numbers in `sort_rows`' order as it was: one list sorted at once, collate.key."""
    old_key = query.sort_key(field, lang)
    present: list[tuple[Any, int]] = []
    missing: list[int] = []
    for n, record in index.rows():
        if field in ("name", "name_en"):
            name = query._name_sorted(record, field, lang)
            has, value = (0, key(name)) if name else (1, "")
        else:
            has, value = old_key(record)
        (present.append((value, n)) if has == 0 else missing.append(n))
    if len({type(value) for value, _ in present}) > 1:
        present = [(str(value), n) for value, n in present]
    present.sort(key=lambda pair: pair[0], reverse=reverse)
    return [n for _, n in present] + missing


@pytest.fixture(scope="module")
def generated() -> Index:
    """3,000 generated records: many names, values and dates alike (ties), English names on some."""
    text = generator().generate(3000, 0)
    return Index.build(load_documents([("generated.toml", text.encode())]))


@pytest.fixture(scope="module")
def bundled() -> Index:
    return Index.build(load())


def _numbers(rows: Iterator[query.Row]) -> list[int]:
    return [n for n, _ in rows]


@pytest.mark.usefixtures("tiny_runs")
@pytest.mark.parametrize("which", ["bundled", "generated"])
@pytest.mark.parametrize("field", ALL_FIELDS)
def test_every_sort_is_the_old_order(request: pytest.FixtureRequest, which: str, field: str) -> None:
    index: Index = request.getfixturevalue(which)
    for reverse in (False, True):
        for lang in ("zh", "en") if field in ("name", "name_en") else ("zh",):
            got = _numbers(query.sort_rows(index, index.rows(), field, reverse, lang))
            assert got == reference_sort(index, field, reverse, lang), (field, reverse, lang)


@pytest.mark.usefixtures("tiny_runs")
def test_sort_with_filters_and_no_field(generated: Index) -> None:
    rows = list(query.where(generated, kind="project", status="开工"))
    numbers = [n for n, _ in rows]
    assert _numbers(query.sort_rows(generated, iter(rows), None, reverse=True)) == numbers[::-1]
    assert _numbers(query.sort_rows(generated, iter(rows), None)) == numbers
    by_value = _numbers(query.sort_rows(generated, iter(rows), "investment", reverse=True))
    assert sorted(by_value) == sorted(numbers) and by_value[:3] == _numbers(
        query.limited(query.sort_rows(generated, iter(rows), "investment", reverse=True), 3)
    )


@pytest.mark.usefixtures("tiny_runs")
@pytest.mark.parametrize("which", ["bundled", "generated"])
@pytest.mark.parametrize(("since", "until"), [(None, None), ("2020-03", None), ("2019", "2021-06-15")])
def test_chronological_is_the_old_order(request: pytest.FixtureRequest, which: str, since: str | None, until: str | None) -> None:
    index: Index = request.getfixturevalue(which)
    kept = [(query._start(record), n) for n, record in query.within(index.rows(), since, until)]
    kept.sort(key=lambda pair: pair[0])
    assert _numbers(query.chronological(index, index.rows(), since, until)) == [n for _, n in kept]


# ---------------------------------------------------------------------------- chart.plan


def reference_plan(rows: Iterator[query.Row], unit: str | None, limit: int | None) -> list[tuple[Any, ...]]:
    """chart.plan as it was: every metric's (value, row, unit) in lists, sorted at once."""
    groups: dict[tuple[str | None, str], list[tuple[float, int, str]]] = {}
    for n, record in rows:
        their_unit = str(record.unit or "")
        their_measure = str(record.get("measure") or "") or None
        if unit is not None and units.in_unit(1.0, their_unit, unit) is None:
            continue
        value = units.to_base(float(record.value or 0), their_unit)
        groups.setdefault((their_measure, units.family_of(their_unit)), []).append((value, n, their_unit))
    panels = []
    for (measure, _), bars in sorted(groups.items(), key=lambda item: chart._panel_order(item[0], len(item[1]))):
        bars.sort(key=lambda bar: -bar[0])
        if limit is not None:
            del bars[limit:]
        panels.append((measure, tuple(dict.fromkeys(b[2] for b in bars)), [b[1] for b in bars], [b[0] for b in bars]))
    return panels


@pytest.mark.usefixtures("tiny_runs")
@pytest.mark.parametrize("which", ["bundled", "generated"])
@pytest.mark.parametrize("unit", [None, "%", "亿元"])
@pytest.mark.parametrize("limit", [None, 1, 5])
def test_chart_plan_is_the_old_plan(request: pytest.FixtureRequest, which: str, unit: str | None, limit: int | None) -> None:
    index: Index = request.getfixturevalue(which)
    got = [
        (p.measure, p.units, list(p.numbers), list(p.values))
        for p in chart.plan(query.select(index, kind="metric"), unit=unit, limit=limit)
    ]
    assert got == reference_plan(query.select(index, kind="metric"), unit, limit)


def test_chart_keeps_equal_values_in_base_order() -> None:
    """Ties (and 0 beside -0) keep the base's order, with or without a limit."""

    def metric(n: int, value: float) -> query.Row:
        data = {"kind": "metric", "id": f"m{n}", "name": f"m{n}", "year": 2023, "value": value, "unit": "%", "measure": "share"}
        return n, record_from_dict(data)

    values = [1.0, 2.0, 0.0, -0.0, 2.0, 1.0, -0.0, 0.0, 2.0]
    rows = [metric(n, v) for n, v in enumerate(values)]
    (panel,) = chart.plan(iter(rows))
    assert list(panel.numbers) == [1, 4, 8, 0, 5, 2, 3, 6, 7]
    (top,) = chart.plan(iter(rows), limit=4)
    assert list(top.numbers) == [1, 4, 8, 0]
