"""Search behaviour through the library: tiers, fields, fallbacks, highlighting, determinism."""

from __future__ import annotations

import pytest

import tongzhou_facts as tf
from tongzhou_facts.errors import UsageError
from tongzhou_facts.match.highlight import spans
from tongzhou_facts.match.normalize import normalize
from tongzhou_facts.match.pinyin import spelled_span

from .conftest import BASE


@pytest.fixture(scope="module")
def index() -> tf.Index:
    return tf.open_index([str(BASE)])


def top(index: tf.Index, query: str, n: int = 3, **options: object) -> list[str]:
    return [hit.record.id for hit in tf.search(index, query, limit=n, **options)]


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("２６００", "2600"),
        ("ＧＤＰ", "gdp"),
        ("醫保", "医保"),
        ("Schools", "school"),
        ("childcare centre", "childcare center"),
        ("2,600", "2600"),
        ("2023.12.28", "2023-12-28"),
        ("“小巨人”企业", "小巨人企业"),
        ("1.38万人", "1.38万人"),
    ],
)
def test_normalisation(text: str, normal: str) -> None:
    assert normalize(text) == normal


def test_exact_name_or_alias_ranks_first(index: tf.Index) -> None:
    assert top(index, "异质结", 1) == ["lianshen-12gw-hjt-cell-project"]
    assert top(index, "GDP", 1) == ["gdp-2023"]
    assert top(index, "财政收入", 1) == ["budget-revenue-2023"]


def test_every_term_must_match(index: tf.Index) -> None:
    assert top(index, "学校 改造", 1) == ["schools-renovated-2023"]
    assert top(index, "学校 鲁班奖") == []


def test_pinyin_full_spaced_initials_and_unfinished(index: tf.Index) -> None:
    for query in ("chuanjiang", "chuan jiang", "chuanj"):  # 川姜: the live-streaming centre, the 川姜 records
        assert "xianyifang-livestream-center" in top(index, query, 3), query
    assert top(index, "cjzb", 1) == ["xianyifang-livestream-center"]  # 川姜直播… by its initials
    assert top(index, "yizhij", 1) == ["lianshen-12gw-hjt-cell-project"]


def test_polyphonic_characters_match_any_reading(index: tf.Index) -> None:
    # 长 reads zhang in 增长: the alias GDP增长 is found by either reading's spelling
    assert "gdp-growth-2023" in top(index, "gdp zengzhang")


def test_homophone_and_one_edit(index: tf.Index) -> None:
    assert top(index, "农贸市厂", 1) == ["farmers-market-action-2023"]
    assert top(index, "金沙湾医学总合体", 1) == ["jinshawan-medical-complex"]
    assert top(index, "hospitl", 3)[0] in {"district-second-hospital-expansion", "jinshawan-medical-complex"}


def test_direct_match_beats_fallbacks(index: tf.Index) -> None:
    # 奖 is in 鲁班奖 as typed; records that merely sound like it (江, 蒋) must come later
    assert top(index, "奖", 1) == ["luban-awards-2023"]


def test_traditional_fullwidth_english_numbers(index: tf.Index) -> None:
    assert top(index, "醫保", 1) == ["medical-insurance-15-minute-circle-2023"]
    assert top(index, "ＧＤＰ", 1) == ["gdp-2023"]
    assert "jinbei-school" in top(index, "Schools")
    assert top(index, "2600", 1) == ["construction-output-2023"]
    assert top(index, "1.38万", 1) == ["new-urban-employment-2023"]
    assert "hospital-topping-out-2023-12-28" in top(index, "2023-12-28")
    assert top(index, "12GW", 1) == ["lianshen-12gw-hjt-cell-project"]


def test_filters(index: tf.Index) -> None:
    hits = tf.search(index, "异质结", kind="metric")
    assert hits and all(hit.record.kind == "metric" for hit in hits)
    assert tf.search(index, "异质结", year=1999) == []


def test_ranking_is_deterministic(index: tf.Index) -> None:
    for query in ("2023", "项目", "a", "医院"):
        assert top(index, query, 50) == top(index, query, 50)


def test_empty_and_overlong_queries_are_usage_errors(index: tf.Index) -> None:
    with pytest.raises(UsageError):
        tf.search(index, "   ")
    with pytest.raises(UsageError):
        tf.search(index, "x" * 100_000)


def test_suggestions_for_nothing_found(index: tf.Index) -> None:
    assert "启动农贸市场提升三年行动" in tf.suggestions(index, "农贸批发大市场")


def test_highlight_maps_back_through_normalisation() -> None:
    assert spans("江苏链升12GW异质结电池项目", ["异质结"]) == [(8, 11)]
    assert spans("医保服务", [normalize("醫保")]) == [(0, 2)]
    assert spans("GDP growth", ["gdp"]) == [(0, 3)]
    assert spans("启动农贸市场提升三年行动", ["农贸市厂"]) == [(2, 6)]  # the same sound
    assert spans("川姜直播生态园", ["cj"]) == [(0, 2)]


def test_spelled_span() -> None:
    assert spelled_span("tuoyuzh", "成立全市首家托育综合服务指导中心") == (6, 10)  # tuo yu z(ong) h(e)
    assert spelled_span("tuoyuzx", "托育中心") == (0, 4)
    assert spelled_span("zzzz", "川姜") is None


def test_a_few_characters_are_read_as_the_whole_table_reads_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """A query's characters are looked up in the table's text, not the whole table built
    (pinyin._readings_of): the readings must be the same, polyphones in the same order."""
    from tongzhou_facts.match import pinyin

    whole = pinyin.table()
    chars = [*sorted(whole)[:: max(1, len(whole) // 2000)], "长", "重", "行", "乐", "x", "7"]
    for start in range(0, len(chars), 50):
        monkeypatch.setattr(pinyin, "_looked_up", {})
        pinyin.table.cache_clear()
        chunk = "".join(chars[start : start + 50])
        found = pinyin._readings_of(chunk)
        assert pinyin.table.cache_info().currsize == 0  # looked up, not built
        assert {c: found.get(c, ()) for c in chunk} == {c: whole.get(c, ()) for c in chunk}
    pinyin.table.cache_clear()


@pytest.mark.parametrize("query", ["\ue000光伏", "光伏\ue000", "gdp\ue000", "异质\ue002结", "\ue001川姜"])
def test_the_index_separators_in_a_query_are_spaces(index: tf.Index, query: str) -> None:
    """U+E000-U+E002 bound values inside the index: typed into a query they are spaces, never
    the index's own boundaries (they made a value look empty, or crashed the ranking)."""
    spaced = query.replace("\ue000", " ").replace("\ue001", " ").replace("\ue002", " ")
    assert [h.record.id for h in tf.search(index, query)] == [h.record.id for h in tf.search(index, spaced)]
