"""The cold build's shortcuts change nothing: the same search fields, the same validation,
the same TOML reading (issue 14). Timings are in benchmarks/cold_build.py, not here.

- `searchable` normalises each value on its own and remembers repeated ones; the reference
  (tests/reference_fields.py, the code as it was) normalises a whole record in one call.
  Byte for byte the same fields on the bundled base, on generated bases, and on records of
  hostile text (separators, full-width forms, traditional characters, punctuation runs).
- validate.py's fast checks accept only what the full checks accept, and count the same text.
- load.py reads with the compiled tomli when it can; a refused document gets tomllib's error.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongzhou_facts import validate
from tongzhou_facts.errors import BaseError
from tongzhou_facts.index_schema import FTS_COLUMNS, NUMBER
from tongzhou_facts.lines import LineFinder
from tongzhou_facts.load import load
from tongzhou_facts.match import fields, normalize, pinyin
from tongzhou_facts.match.normalize import SEPARATOR, has_cjk, numbered
from tongzhou_facts.match.pinyin import initials
from tongzhou_facts.model import Record

from . import reference_fields

load_module = importlib.import_module("tongzhou_facts.load")  # the package's `load` is the function

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402

# ---------------------------------------------------------------------------- search fields


def shortest_first(field: str) -> str:
    """A field of the reference with its values in the order searchable() gives them: shortest
    first (a stable sort), so the ranking's lengths can be read in SQL (fields._joined)."""
    return SEPARATOR.join(sorted(filter(None, field.split(SEPARATOR)), key=len))


def reference_searchable(record: Record) -> dict[str, str]:
    """The fields of the reference, and ini_tags (added since): the initials of its Chinese tags."""
    reference = reference_fields.searchable(record)
    expected = {key: shortest_first(value) for key, value in reference.items()}
    for key in FTS_COLUMNS:  # numbers marked since (issue 11): each value's, before the sort
        expected[key] = shortest_first(SEPARATOR.join(numbered(v) for v in reference[key].split(SEPARATOR)))
    chinese = [tag for tag in reference["tags"].split(SEPARATOR) if has_cjk(tag)]
    expected["ini_tags"] = shortest_first(SEPARATOR.join(v for tag in chinese for v in initials(tag)))
    return expected


def assert_same_fields(records: list[Record]) -> None:
    for record in records:
        assert fields.searchable(record) == reference_searchable(record), record.id


def test_the_bundled_base_gets_the_same_fields() -> None:
    assert_same_fields(load().records)


@pytest.mark.parametrize("seed", [0, 1])
def test_a_generated_base_gets_the_same_fields(tmp_path: Path, seed: int) -> None:
    path = tmp_path / "base.toml"
    path.write_text(generate(3000, seed), encoding="utf-8")
    assert_same_fields(load(path).records)


#: Characters that exercise every rule of normalize(): Chinese (simplified, traditional, rare),
#: full-width forms, Latin with plurals and British spellings, digits with separators and
#: dates, punctuation, spaces of several kinds, combining marks, ligatures, and the private-use
#: separators themselves.
ALPHABET = st.sampled_from(
    [
        *"通州区醫保長川姜异质结𠀀㐀ＧＤＰ２６００，。、．－：ａAbcsieyXZ0123456789.,:-/%_ \t\u3000\u00a0",
        "\ue000",
        "\ue001",
        "\u0301",
        "ß",
        "ﬁ",
        "Σ",
        "centre",
        "schools",
        "cities",
        "2,600",
        "2023.12.28",
        "1.38",
    ]
)
TEXT = st.lists(ALPHABET, max_size=12).map("".join)
NAME = TEXT.filter(str.strip)


@st.composite
def records(draw: st.DrawFn) -> Record:
    data: dict[str, Any] = {"quote": draw(NAME)}
    for key in ("name_en", "category", "place", "status", "measure", "note"):
        if draw(st.booleans()):
            data[key] = draw(NAME)
    for key in ("aliases", "tags", "evidence"):
        if draw(st.booleans()):
            data[key] = draw(st.lists(NAME, max_size=4))
    for key in ("companies", "people"):
        if draw(st.booleans()):
            entities = draw(st.lists(st.tuples(NAME, st.one_of(st.none(), NAME)), max_size=3))
            data[key] = [{"name": name} if role is None else {"name": name, "role": role} for name, role in entities]
    for key, unit in (("value", "unit"), ("investment", "investment_unit"), ("capacity", "capacity_unit")):
        if draw(st.booleans()):
            data[key] = draw(st.one_of(st.integers(-(10**20), 10**20), st.floats(allow_nan=False, allow_infinity=False)))
            data[unit] = draw(NAME)
    if draw(st.booleans()):
        data["phases"] = draw(st.integers(0, 9))
    if draw(st.booleans()):
        data["date"] = draw(st.sampled_from(["2023", "2023-09", dt.date(2023, 12, 13)]))
    return Record("metric", "r-1", draw(NAME), draw(st.integers(1, 9999)), data)


@settings(max_examples=150, deadline=None)
@given(st.lists(records(), min_size=1, max_size=4))
def test_any_record_gets_the_same_fields(found: list[Record]) -> None:
    assert_same_fields(found)


def test_equal_numbers_of_different_types_are_written_apart() -> None:
    """10**20 and 1e20 are one key to a plain cache; they are written differently."""
    whole = Record("metric", "a", "甲", 2023, {"quote": "甲", "value": 10**20, "unit": "元"})
    real = Record("metric", "b", "乙", 2023, {"quote": "乙", "value": 1e20, "unit": "元"})
    assert_same_fields([whole, real, whole])


#: Texts for normalize() itself: the alphabet above, and the marks whose meaning depends on
#: their neighbours (a '.', ':' or '-' inside a number or not, runs of punctuation, spaces
#: between Latin letters or digits, dates and thousands in every position).
MARKS = st.sampled_from([*".:-_,/ 　a1９通", "2023", "12", "1,000", "1.2.3", "..", "-:", "a_b", "ies", "ss"])
RULE_TEXT = st.lists(st.one_of(ALPHABET, MARKS), max_size=24).map("".join)


@settings(max_examples=1500, deadline=None)
@given(RULE_TEXT)
def test_normalize_equals_the_reference(text: str) -> None:
    """The rules' patterns were rewritten to be scanned faster (two passes for punctuation, each
    pattern starting with its characters): the same text out as the reference's patterns give."""
    assert normalize.normalize(text) == reference_fields.normalize(text)
    assert normalize.normalize(text * 30) == reference_fields.normalize(text * 30)  # past 500 characters


@settings(max_examples=600, deadline=None)
@given(RULE_TEXT)
def test_numbers_are_marked_as_the_template_marks_them(text: str) -> None:
    """Numbers are marked by a function, no longer by a template: the same marks."""
    for given_text in (text, normalize.normalize(text)):
        template = re.sub(r"[0-9]+(?:\.[0-9]+)*", NUMBER + r"\g<0>" + NUMBER, given_text)
        unmarked = NUMBER in given_text or normalize.is_plain_cjk(given_text)
        assert numbered(given_text) == (given_text if unmarked else template)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.one_of(ALPHABET, st.sampled_from([*"长行重乐了和〇䶵𠀀𪚥", "长安街", "重庆银行"])), max_size=16).map("".join))
def test_spellings_are_the_variants_and_initials(text: str) -> None:
    """The build spells a value in one pass (pinyin.spellings): what the two query-side functions give."""
    assert pinyin.spellings(text) == (pinyin.variants(text), pinyin.initials(text))


# ---------------------------------------------------------------------------- validation


VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**64), 2**64),
        st.floats(),
        TEXT,
        st.sampled_from(["a-1", "A", "-a", "", " ", "x" * 100_001, "2023-02-30", "2023-09"]),
        st.dates(),
        st.datetimes(),
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["name", "role", "x"]), inner)),
    max_leaves=6,
)


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(sorted(validate._FAST_CHECKS)), VALUES)
def test_a_fast_check_accepts_only_what_the_full_check_accepts(expected: str, value: Any) -> None:
    size = validate._FAST_CHECKS[expected](value)
    if size is not None:
        assert validate._type_problem(value, expected) is None
        assert size == validate._text_size(value)


def test_long_lists_and_texts_are_not_taken_by_the_fast_checks() -> None:
    for expected in sorted(validate._FAST_CHECKS):
        for value in (["a"] * 1001, "a" * 100_001, ["a" * 100_001]):
            if validate._type_problem(value, expected) is not None:
                assert validate._FAST_CHECKS[expected](value) is None


# ---------------------------------------------------------------------------- reading TOML


@pytest.mark.skipif(sys.version_info < (3, 11), reason="Python 3.10 has no tomllib: tomli is its only reader")
def test_the_reader_is_the_compiled_tomli_when_installed() -> None:
    import tomli

    reader = load_module._reader()
    compiled = not isinstance(tomli.loads, types.FunctionType)
    assert reader.__name__ == ("tomli" if compiled else "tomllib")


@pytest.mark.skipif(sys.version_info < (3, 11), reason="Python 3.10 has no tomllib: tomli is its only reader")
@pytest.mark.parametrize("text", ["a = {b = 1,}", 'a = "\\e"', "a = {\nb = 1\n}", "t = 12:30", "x = [1,", "= 1", "a = 1\na = 2"])
def test_a_refused_document_gets_tomllib_s_error(text: str) -> None:
    import tomllib

    with pytest.raises(tomllib.TOMLDecodeError) as expected:
        tomllib.loads(text)
    with pytest.raises(BaseError) as found:
        load_module.parse_toml(text, "base.toml")
    assert str(expected.value).split(" (at ")[0] in str(found.value)


# ---------------------------------------------------------------------------- a lean start-up


def test_the_short_map_equals_the_table() -> None:
    """The first characters of a run are mapped through the table's text, one look-up each."""
    from tongzhou_facts.match import normalize

    table = normalize.t2s_table()
    for char in {*normalize._t2s_pairs(), *"abc通州区醫保長𠀀"}:
        assert normalize._short_simplified(char) == char.translate(table), char


def test_the_plain_cjk_test_equals_its_regex() -> None:
    from tongzhou_facts.match import normalize

    for text in ["", "通州", "通州a", "一", "\u9fff", "\u4dff", "㐀", "𠀀", "通 州", "龥鿿"]:
        assert normalize.is_plain_cjk(text) == bool(normalize._pattern("_PLAIN_CJK").fullmatch(text)), text
        assert normalize.has_cjk(text) == bool(normalize._pattern("_CJK").search(text)), text
        assert normalize.has_cjk(text * 40) == bool(normalize._pattern("_CJK").search(text)), text


def test_the_dense_map_equals_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """A build maps its texts through the dense table (every character below U+A000): the same
    text out as through the table of traditional characters alone."""
    table, dense = normalize.t2s_table(), normalize._dense_table()
    for char in {*normalize._t2s_pairs(), *"abc通州区醫保長𠀀\ue000\U0002ffff", *map(chr, range(0, 0xA100, 7))}:
        assert char.translate(dense) == char.translate(table), char
    monkeypatch.setattr(normalize, "DENSE_MAP_FROM", -1)
    monkeypatch.setattr(normalize, "_short_mapped", normalize.SHORT_MAP_BUDGET)
    for text in ("醫保長 ２６００，Centre schools", "2021年,十總鎮常住人口99.11萬人以上", "𠀀㐀ＧＤＰ"):
        assert normalize.simplified(text) == text.translate(table)
        assert normalize.normalize(text) == reference_fields.normalize(text)


LINES = st.lists(
    st.sampled_from(["[[metrics]]", "  [[ projects ]]", "\t[[sources]]", "a = 1", "x = '[[metrics]]'", "", "[table]", "# [[x]]"]),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(LINES, st.sampled_from(["\n", "\r\n"]))
def test_header_lines_are_found_as_a_line_by_line_scan_finds_them(lines: list[str], newline: str) -> None:
    """LineFinder finds the headers with a pattern that starts at a newline (faster than `^`
    tried at every position): the lines a multi-line `^` pattern gives."""
    text = newline.join(lines)
    expected: dict[str, list[int]] = {}
    for number, line in enumerate(text.split("\n"), 1):
        found = re.match(r"[ \t]*\[\[[ \t]*([A-Za-z0-9_-]+)[ \t]*\]\]", line)
        if found:
            expected.setdefault(found.group(1), []).append(number)
    assert LineFinder(text).headers == expected
