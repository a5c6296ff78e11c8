"""Search hits that show where they matched, and numbers that match as numbers (issue 11).

- A number in a query matches whole numbers only: 1730 not in 17300, 100 not in 1000 or 前1000.
- With a unit, the unit family counts: 70亿 = 70亿元 = 7000000000元 (units.py).
- A record whose own value, investment or capacity is the number ranks first; records that
  only share the sentence holding it (their evidence) rank below.
- Every hit carries `match`: the field, its text around the match, the spans, how it was found;
  `--fields match` in every format, a column of a wide search table, an error elsewhere.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

import tongzhou_facts as tf
from tongzhou_facts.match.amounts import quantity
from tongzhou_facts.match.located import CONTEXT, ELLIPSIS, locate, whole_spans
from tongzhou_facts.match.normalize import normalize

from .conftest import BASE, run
from .test_terminal import on_tty

HONOURS = {"top100-industrial-2023", "top100-comprehensive-strength-2023", "top100-investment-potential-2023"}
#: The quote of gdp-2023, and what its match shows: cut CONTEXT characters before 1730.
GDP_MATCH = "原文: …预计实现地区生产总值1730亿元"


@pytest.fixture(scope="module")
def index() -> tf.Index:
    return tf.open_index([str(BASE)])


def ids(index: tf.Index, query: str, n: int = 20) -> list[str]:
    return [hit.record.id for hit in tf.search(index, query, limit=n)]


# ---------------------------------------------------------------------------- numbers as numbers


def test_1730_finds_the_gdp_first(index: tf.Index) -> None:
    hits = tf.search(index, "1730")
    assert hits[0].record.id == "gdp-2023"
    assert hits[0].match.field == "value"  # its own figure, not its quote
    assert all(hit.match > hits[0].match for hit in hits[1:])


@pytest.mark.parametrize("query", ["2100", "1000"])
def test_a_number_never_matches_inside_another(index: tf.Index, query: str) -> None:
    """The 百强区 honours hold 100 (前100, top 100): neither 2100 nor 1000 is found in them."""
    found = ids(index, query)
    assert found and not HONOURS & set(found)
    assert found == [{"2100": "construction-land-freed-2023", "1000": "jinshawan-medical-beds-2023"}[query]]


def test_a_whole_number_still_matches_where_it_stands_alone(index: tf.Index) -> None:
    found = ids(index, "100")
    assert found[0] == "livestream-festival-streamers-2023"  # its value is 100
    assert set(found) >= HONOURS  # top 100, 前100: the number itself


@pytest.mark.parametrize("query", ["70亿", "70亿元", "7000000000元", "700000万元", "70 亿"])
def test_an_amount_in_any_unit_of_its_family(index: tf.Index, query: str) -> None:
    assert ids(index, query) == ["lianshen-12gw-hjt-cell-project"]


def test_a_capacity_in_another_unit(index: tf.Index) -> None:
    assert ids(index, "12000MW")[0] == "lianshen-12gw-hjt-cell-project"


def test_a_percentage(index: tf.Index) -> None:
    assert ids(index, "6.5%") == ["gdp-growth-2023"]


def test_a_number_written_otherwise_is_not_that_figure(index: tf.Index) -> None:
    """3.0 is how 人才新政3.0版 is written, not the 3 of 3个: digits as typed, not just their value."""
    assert ids(index, "3.0") == ["talent-policy-3-2023"]
    assert "leading-industries-count" in ids(index, "3")


def test_records_sharing_only_the_sentence_rank_below_the_figure(index: tf.Index) -> None:
    """budget-revenue-2023 holds 通州…1730亿元 as its evidence: found, after the GDP, and saying so."""
    hits = tf.search(index, "1730")
    found = [hit.record.id for hit in hits]
    assert found.index("gdp-2023") < found.index("budget-revenue-2023")
    shared = hits[found.index("budget-revenue-2023")]
    located = locate(shared.record, shared.match, shared.terms)
    assert located is not None and located.field == "evidence"


def test_whole_numbers_in_a_base_of_near_numbers(tmp_path: Path) -> None:
    path = tmp_path / "near.toml"
    metrics = [
        ("big", "产值", 17300, "亿元", "产值17300亿元"),
        ("rank", "排名前1000", 5, "个", "跻身前1000"),
        ("exact", "总量", 1730, "亿元", "总量1730亿元"),
    ]
    path.write_text(
        '[[sources]]\nid = "s"\ntitle = "t"\n\n'
        + "".join(
            f'[[metrics]]\nid = "{i}"\nname = "{name}"\nyear = 2023\nvalue = {value}\nunit = "{unit}"\n'
            f'source = "s"\nquote = "{quote}"\n\n'
            for i, name, value, unit, quote in metrics
        ),
        encoding="utf-8",
    )
    index = tf.open_index([str(path)])
    assert ids(index, "1730") == ["exact"]
    assert ids(index, "100") == []
    assert ids(index, "1000") == ["rank"]
    assert ids(index, "1.73万亿") == []  # 万亿 is no unit of the base: no conversion is guessed


@pytest.mark.parametrize(
    ("terms", "digits", "unit"),
    [
        (["1730"], "1730", ""),
        (["70亿"], "70", "亿元"),
        (["6.5%"], "6.5", "%"),
        (["12gw"], "12", "GW"),
        (["70", "亿"], "70", "亿元"),
    ],
)
def test_a_query_read_as_a_quantity(terms: list[str], digits: str, unit: str) -> None:
    asked = quantity([normalize(t) for t in terms])
    assert asked is not None and (asked.digits, asked.unit) == (digits, unit)


@pytest.mark.parametrize("query", ["2023-12-28", "12月13日", "异质结", "gdp"])
def test_other_queries_are_not_quantities(query: str) -> None:
    assert quantity([normalize(query)]) is None


def test_whole_spans() -> None:
    assert whole_spans("前1000", ["100"]) == []
    assert whole_spans("前100强", ["100"]) == [(1, 4)]
    assert whole_spans("增长6.5%以上", ["6.5%"]) == [(2, 6)]
    assert whole_spans("1.38万", ["38"]) == []


# ---------------------------------------------------------------------------- the match field


def test_match_in_plain_and_tsv(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "search", "1730", "--fields", "id,match", "-n", "1")
    assert (code, err) == (0, "")
    assert out == f"gdp-2023\t{GDP_MATCH}\n"
    code, out, _ = run(capsys, "search", "1730", "--fields", "id,match", "-n", "1", "--format", "tsv")
    assert out == f"id\tmatch\ngdp-2023\t{GDP_MATCH}\n"


def test_match_in_csv(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "1730", "--fields", "id,match", "-n", "2", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0] == ["id", "match"]
    assert rows[1] == ["gdp-2023", GDP_MATCH]
    assert rows[2][1].startswith("佐证: ")


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_match_in_json_is_an_object(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    code, out, _ = run(capsys, "search", "1730", "--fields", "id,match", "-n", "1", "--format", fmt)
    first = json.loads(out)[0] if fmt == "json" else json.loads(out.splitlines()[0])
    match = first["match"]
    assert code == 0 and first["id"] == "gdp-2023"
    assert match["field"] == "quote" and match["by"] == "figure"
    assert match["text"] == GDP_MATCH.removeprefix("原文: ")
    (start, end), *_ = match["spans"]
    assert match["text"][start:end] == "1730"


def test_match_in_english_names_the_field(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "search", "1730", "--fields", "id,match", "-n", "1", "--lang", "en")
    assert out == "gdp-2023\tquote: …预计实现地区生产总值1730亿元\n"


def test_a_long_quote_is_cut_around_the_match(index: tf.Index) -> None:
    hit = tf.search(index, "12GW", limit=1)[0]
    located = locate(hit.record, hit.match, hit.terms)
    assert located is not None and located.field == "quote"
    assert located.text.endswith(ELLIPSIS) and len(located.text) <= len("12GW") + 2 * CONTEXT + 2 + 4
    assert located.text in ELLIPSIS + str(hit.record.get("quote")) + ELLIPSIS or located.text[:-1] in str(hit.record.get("quote"))
    assert [located.text[s:e] for s, e in located.spans] == ["12GW"]


@pytest.mark.parametrize(
    ("query", "field", "by", "spanned"),
    [
        ("chuanjiang", "tags", "pinyin", "川姜"),
        ("异质jie", "aliases", "pinyin", "异质结"),
        ("hospitl", "name_en", "typo", "Hospital"),
        ("农贸市厂", "aliases", "sound", "农贸市场"),
        ("醫保", "aliases", "text", "医保"),
        ("hospital beds", "aliases", "text", "hospital beds"),
        ("2023-12-28", "date", "text", "2023-12-28"),
    ],
)
def test_where_each_kind_of_match_is(index: tf.Index, query: str, field: str, by: str, spanned: str) -> None:
    hit = tf.search(index, query, limit=1)[0]
    located = locate(hit.record, hit.match, hit.terms)
    assert located is not None
    assert (located.field, located.by) == (field, by)
    assert [located.text[s:e] for s, e in located.spans] == [spanned]


def test_a_figure_no_text_writes_shows_the_figure(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "7000000000元", "--fields", "id,match", "--format", "jsonl")
    assert code == 0
    assert json.loads(out)["match"] == {"field": "investment", "text": "约70亿元", "spans": [[0, 5]], "by": "figure"}


def test_pinyin_in_plain_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "chuanjiang", "--fields", "match", "-n", "1")
    assert (code, out) == (0, "标签（拼音）: 川姜\n")


def test_default_piped_output_is_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "search", "1730", "-n", "1")
    assert out == "gdp-2023\tmetric\t地区生产总值\t预计1730亿元\t2023\n"


def test_match_is_for_search_only(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "list", "--fields", "id,match")
    assert (code, out) == (2, "")
    assert err.startswith("facts: error: field 'match' is only for search results") and err.count("\n") == 1


def test_an_unknown_field_in_search_lists_match(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "search", "1730", "--fields", "nope")
    assert code == 2 and err.rstrip().endswith(", figure, when, match)")


# ---------------------------------------------------------------------------- on a terminal

MATCH_STYLE = re.compile(r"\x1b\[1;33m([^\x1b]*)\x1b\[0m")


def test_a_wide_terminal_shows_the_match_column_highlighted() -> None:
    code, screen, err = on_tty("search", "1730", columns=160)
    assert (code, err) == (0, "")
    assert "匹配" in screen and "原文: …预计实现地区生产总值" in re.sub(r"\x1b\[[0-9;]*m", "", screen)
    assert "1730" in MATCH_STYLE.findall(screen)


@pytest.mark.parametrize("columns", [40, 80, 100])
def test_every_terminal_shows_where_each_hit_matched(columns: int) -> None:
    """The match is part of every search table: a column (its header 匹配) where there is
    room, a line of the record's block at 40 columns; the names and ids stay whole."""
    code, screen, _ = on_tty("search", "1730", "-n", "2", "--no-color", columns=columns)
    assert code == 0
    assert re.search(r"(^|\s)地区生产总值(\s|$)", screen, re.M), screen  # the name, whole in its cell
    assert re.search(r"(^|\s)gdp-2023(\s|$)", screen, re.M), screen  # the id, whole
    assert "预计实现地区生产总值1730亿元" in screen, screen  # the match, on one line
    assert ("匹配" in screen) == (columns >= 80), screen
