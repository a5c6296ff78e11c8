"""Questions in plain Chinese or English find their record: answer@1 and answer@3 on tests/questions.toml.

benchmarks/questions.py prints the same figures per split (dev = even positions, held-out =
odd), kind and language, with the misses. Measured at the end of issue 9 (items 1-3):
answer@1 0.962, answer@3 0.994 over the 157 answerable questions.

Known misses at 1 (the answer is second or third unless marked):
  how big is tongzhou's economy                        floor area of the hospital first ("big" is also size)
  金沙湾医学综合体按什么标准建设的                         高标准农田 first (标准 is rarer than the name)
  What happened in Tongzhou on 13 December 2023?       the projects of that day before the ceremony
  What honours did Tongzhou win in 2023?               a growth metric first
  where is the live-streaming center for home textiles the festival first
  Which place did Tongzhou take as its model ...       not in the top 3 ("model" and "learn" are not in the glossary)
"""

from __future__ import annotations

import sys

import pytest

import tongzhou_facts as tf

from .conftest import BASE, ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: tomli, a dependency there
    import tomli as tomllib

QUESTIONS = tomllib.loads((ROOT / "tests" / "questions.toml").read_text(encoding="utf-8"))["question"]
ANSWERABLE = [q for q in QUESTIONS if q["answer"]]


@pytest.fixture(scope="module")
def ranks() -> list[int | None]:
    """For each answerable question, the rank (1-based) of the first acceptable record, or None."""
    index = tf.open_index([str(BASE)])
    out = []
    for question in ANSWERABLE:
        wanted = {question["answer"], *question["also"]}
        found = [hit.record.id for hit in tf.search(index, question["text"], limit=10)]
        out.append(next((i for i, record_id in enumerate(found, 1) if record_id in wanted), None))
    return out


def test_the_set_is_intact() -> None:
    assert len(QUESTIONS) == 188
    assert len(ANSWERABLE) == 157
    ids = {r.id for r in tf.load(BASE).records}
    for question in ANSWERABLE:
        assert {question["answer"], *question["also"]} <= ids, question["text"]


def test_answer_at_1(ranks: list[int | None]) -> None:
    assert sum(rank == 1 for rank in ranks) / len(ranks) >= 0.95


def test_answer_at_3(ranks: list[int | None]) -> None:
    assert sum(rank is not None and rank <= 3 for rank in ranks) / len(ranks) >= 0.98


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("通州2023年GDP是多少", "gdp-2023"),
        ("What was Tongzhou's GDP in 2023?", "gdp-2023"),
        ("去年通州经济增长了多少", "gdp-growth-2023"),
        ("金沙湾医学综合体有多少张床位", "jinshawan-medical-beds-2023"),
        ("How many hospital beds are planned?", "jinshawan-medical-beds-2023"),
    ],
)
def test_the_issue_s_questions_come_first(query: str, expected: str) -> None:
    assert tf.search(tf.open_index([str(BASE)]), query, limit=1)[0].record.id == expected


def test_a_year_alone_is_still_a_query() -> None:
    """A bare number or date is what is searched for, not a filter."""
    index = tf.open_index([str(BASE)])
    assert tf.search(index, "1730", limit=1)[0].record.id == "gdp-2023"
    assert tf.search(index, "2023-12-28", limit=1)


def test_a_year_filters() -> None:
    """Another year finds nothing rather than this year's figure."""
    index = tf.open_index([str(BASE)])
    assert all(hit.record.year == 2019 for hit in tf.search(index, "What was Tongzhou's GDP in 2019"))


@pytest.mark.parametrize(
    ("query", "words", "year", "relative", "intents"),
    [
        ("通州2023年GDP是多少", ["gdp"], 2023, None, {"number", "level"}),
        ("去年通州经济增长了多少", ["经济增长"], None, -1, {"number"}),
        ("What was the district's budget revenue last year?", ["budget", "revenue"], None, -1, {"level"}),
        ("When was the medical complex topped out?", ["medical", "complex", "topped out"], None, None, {"when"}),
        ("2023年12月开工了哪些项目", ["2023年12月开工", "项目"], None, None, {"which"}),
        # Words a plural-folding normaliser would cut ("this" → "thi") are dropped all the same.
        ("GDP this year", ["gdp"], None, 0, {"level"}),
        ("What does GDP look like", ["gdp", "look", "like"], None, None, {"level"}),
        ("明年GDP目标多少", ["gdp", "目标"], None, 1, {"number", "level"}),
        ("通州2023年GDP比2022年多多少", ["gdp", "比", "多"], 2023, None, {"number", "level"}),
    ],
)
def test_reading_a_question(query: str, words: list[str], year: int | None, relative: int | None, intents: set[str]) -> None:
    from tongzhou_facts.match.questions import read

    question = read(query)
    assert [w.text for w in question.words] == words
    assert (question.year, question.relative_year) == (year, relative)
    assert intents <= question.intents
    assert question.dropped


@pytest.mark.parametrize("query", ["1730", "2023", "2023-12-28", "异质结", "schools renovated"])
def test_a_keyword_query_is_not_a_question(query: str) -> None:
    from tongzhou_facts.match.questions import read

    question = read(query)
    assert not (question.dropped and question.words)


@pytest.mark.parametrize(
    ("word", "stem"),
    [("growing", "grow"), ("renovated", "renovat"), ("renovate", "renovat"), ("topped", "top"), ("grow", "grow")],
)
def test_light_stemming(word: str, stem: str) -> None:
    from tongzhou_facts.match.questions import glossary
    from tongzhou_facts.match.questions import stem as stemmed

    assert stemmed(word) == stem
    assert glossary()["renovated"] == glossary()["renovat"]


def test_the_word_files_load_fast_enough_for_every_question() -> None:
    """Read on first use by each question (never by a keyword search); far below a millisecond each
    on a normal machine (measured 0.2 and 0.7 ms); the bound here only catches a blow-up."""
    import time

    from tongzhou_facts.match import questions

    questions.roles.cache_clear()
    questions.glossary.cache_clear()
    start = time.perf_counter()
    questions.roles()
    questions.glossary()
    assert time.perf_counter() - start < 0.05


def test_the_chinese_roles_are_the_roles_of_the_chinese_words() -> None:
    """A Chinese question reads only `cjk_roles` (no English word normalised): the same roles."""
    from tongzhou_facts.match.normalize import has_cjk
    from tongzhou_facts.match.questions import cjk_roles, roles

    assert cjk_roles() == {word: role for word, role in roles().items() if has_cjk(word)}
    assert len(cjk_roles()) > 50
