"""Provenance: a record says what its quote says, and where it says more, its note says so.

`facts check --source` proves that every quote is verbatim. These rules prove that the rest
of a record comes from those quotes: its companies and people, its place, its aliases, its
status, its English, and that a quote holds one fact and no more. They are rules over data:
each takes records and returns its problems, as ``id: what is wrong``. Each runs twice: on
the bundled base, which must keep it, and on the records an independent audit corrected, as
the first version of the base held them (tests/provenance-first-version.toml, issue 12),
where it must find what the audit found. The words the rules need (renderings, translations
and the few exceptions, each with its reason) are in tests/provenance.toml; docs/schema.md
states the rules for whoever edits the base.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest

import tongzhou_facts as tf
from tongzhou_facts.check import SourceText
from tongzhou_facts.figures import number
from tongzhou_facts.match.pinyin import readings, table

from .conftest import BASE

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: tomli, a dependency there
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
WORDS: dict[str, Any] = tomllib.loads((HERE / "provenance.toml").read_text(encoding="utf-8"))
FIRST_VERSION = HERE / "provenance-first-version.toml"

#: The longest quote a single fact needs: the article's longest is 49 characters (the
#: topping-out ceremony's title with its date); the first version's were up to 73.
MAX_QUOTE = 60
#: A place may be named without these endings: 金沙湾医学综合体 is in 金沙湾片区.
PLACE_ENDINGS = ("片区", "镇")
#: Pinyin syllables, less the interjections (嗯 n, 呣 m …) that would make English words spell.
SYLLABLES = frozenset(reading for found in table().values() for reading in found) - {"n", "ng", "m", "hm", "hng"}
CJK = re.compile(r"[\u3400-\u9fff]")
CLAUSE_BREAK = re.compile(r"[,，;；:：。]")
STATUS_READING = re.compile(r"Status (\S+) is a reading of the text's words “([^”]+)”")
QUOTED_NAME = re.compile(r"[“‘]([^“”‘’]{1,30})[”’]")

Rule = Callable[[Sequence[tf.Record]], list[str]]


# ---------------------------------------------------------------- what a record's own text holds


def own_text(record: tf.Record) -> list[str]:
    """What the record takes from the article: its name, quote and evidence."""
    return [record.name, record.data["quote"], *record.data.get("evidence", ())]


def says(record: tf.Record, words: str) -> bool:
    return any(words in text for text in own_text(record))


def chinese_of(record: tf.Record) -> list[str]:
    """Every Chinese string of the record a romanisation may spell."""
    data = record.data
    people = [entry["name"] for entry in (*data.get("companies", ()), *data.get("people", ()))]
    return [*own_text(record), *record.aliases(), *record.tags(), data.get("place") or "", *people]


def noted(record: tf.Record, english: str) -> bool:
    """`english` is one of the record's aliases, or its note says it."""
    lowered = english.lower()
    return any(lowered == alias.lower() for alias in record.aliases()) or lowered in record.data.get("note", "").lower()


# ---------------------------------------------------------------- romanisations


@functools.cache
def _splits(word: str, least: int, first: bool = True) -> bool:
    """`word` is at least `least` pinyin syllables. Past the first, none starts with a, o or e:
    pinyin writes an apostrophe there (Xi'an), so "Leading" is not le-a-ding."""
    if not word:
        return least <= 0
    if not first and word[0] in "aoe":
        return False
    return any(word[:cut] in SYLLABLES and _splits(word[cut:], least - 1, False) for cut in range(1, min(6, len(word)) + 1))


def looks_romanised(word: str) -> bool:
    return word not in WORDS["romanisation"]["english_words"] and _splits(word.lower().replace("ü", "v"), 2)


def _spelled_from(target: str, text: str, index: int) -> bool:
    if not target:
        return True
    if index >= len(text):
        return False
    return any(
        target.startswith(reading) and _spelled_from(target[len(reading) :], text, index + 1) for reading in readings(text[index])
    )


def spells(word: str, record: tf.Record) -> bool:
    """`word` is the toneless pinyin of consecutive characters of the record's Chinese."""
    target = word.lower().replace("ü", "v")
    return any(_spelled_from(target, text, start) for text in chinese_of(record) for start in range(len(text)))


# ---------------------------------------------------------------- the rules over records


def unquoted_companies(records: Sequence[tf.Record]) -> list[str]:
    """Every company and person a record names is in its name, quote or evidence."""
    return [
        f"{record.id}: {entry['name']} is not in its name, quote or evidence"
        for record in records
        for entry in (*record.data.get("companies", ()), *record.data.get("people", ()))
        if not says(record, entry["name"])
    ]


def companies_named_in_part(records: Sequence[tf.Record]) -> list[str]:
    """A name that names one of the record's companies names them all: the record is about
    those companies, and a company named beside them in the sentence belongs to another."""
    problems = []
    for record in records:
        companies = [entry["name"] for entry in record.data.get("companies", ())]
        named = [company for company in companies if company in record.name]
        problems += [f"{record.id}: its name names {named[0]} but not {c}" for c in companies if named and c not in record.name]
    return problems


def companies_of_other_projects(records: Sequence[tf.Record]) -> list[str]:
    """A project's company is not another project's name or alias: each project has its own."""
    projects = [record for record in records if record.kind == "project"]
    owners: dict[str, set[str]] = {}
    for project in projects:
        for name in (project.name, *project.aliases()):
            owners.setdefault(name, set()).add(project.id)
    return [
        f"{project.id}: its company {entry['name']} is project {', '.join(sorted(owners[entry['name']]))}"
        for project in projects
        for entry in project.data.get("companies", ())
        if project.id not in owners.get(entry["name"], {project.id})
    ]


def unstated_places(records: Sequence[tf.Record]) -> list[str]:
    """A record's place is in its name, quote or evidence (片区 or 镇 may be left off), or its
    note says where the place comes from."""
    problems = []
    for record in records:
        place = record.data.get("place")
        if not place:
            continue
        stem = next((place[: -len(end)] for end in PLACE_ENDINGS if place.endswith(end) and len(place) > len(end)), place)
        if not (says(record, stem) or place in record.data.get("note", "")):
            problems.append(f"{record.id}: place {place} is not in its name, quote, evidence or note")
    return problems


def _sourced_in_brackets(record: tf.Record, english: str) -> bool:
    chinese = WORDS["translations"].get(english)
    if noted(record, english) or (chinese is not None and says(record, chinese)):
        return True
    return all(looks_romanised(word) and spells(word, record) for word in english.split())


def unsourced_brackets(records: Sequence[tf.Record]) -> list[str]:
    """English in brackets in a name_en is an alias, a translation of the record's own
    Chinese, a romanisation of it, or said in the note: knowledge from outside the text is
    marked as such in the note, not slipped into the English name."""
    problems = []
    for record in records:
        for inside in re.findall(r"\(([^()]*[A-Za-z][^()]*)\)", record.data.get("name_en", "")):
            items = [item.strip().strip('"') for item in inside.split(",")]
            if not (_sourced_in_brackets(record, inside.strip('"')) or all(_sourced_in_brackets(record, i) for i in items)):
                problems.append(
                    f"{record.id}: ({inside}) in name_en is no alias, translation or romanisation of it, nor in its note"
                )
    return problems


def misspelt_romanisations(records: Sequence[tf.Record]) -> list[str]:
    """A romanised name in name_en or an alias is the pinyin of the record's own Chinese."""
    problems = []
    for record in records:
        latin = [record.data.get("name_en", ""), *(alias for alias in record.aliases() if not CJK.search(alias))]
        for word in re.findall(r"[A-Z][a-zü]+", " ".join(latin)):
            if looks_romanised(word) and not spells(word, record):
                problems.append(f"{record.id}: {word} spells none of its Chinese in pinyin")
    return problems


def misrendered_terms(records: Sequence[tf.Record]) -> list[str]:
    """A term of the name is rendered in name_en as tests/provenance.toml says."""
    return [
        f"{record.id}: {term} is not rendered “{english}” in name_en"
        for record in records
        for term, english in WORDS["renderings"].items()
        if term in record.name and english.lower() not in record.data.get("name_en", "").lower()
    ]


def long_quotes(records: Sequence[tf.Record]) -> list[str]:
    """A quote is short: a longer one runs on into other facts (evidence holds what is apart)."""
    return [f"{r.id}: quote of {len(r.data['quote'])} characters" for r in records if len(r.data["quote"]) > MAX_QUOTE]


def _carriers(record: tf.Record) -> set[str]:
    """What a clause of the quote may carry of the record: words of its name (two characters),
    its figures, qualifiers, companies, people, status, place, tags, dates and phases."""
    data = record.data
    name = "".join(CJK.findall(record.name))
    found = {name[i : i + 2] for i in range(len(name) - 1)}
    found |= {number(data[key]) for key in ("value", "investment", "capacity") if data.get(key) is not None}
    found |= {*record.qualifiers, data.get("investment_qualifier") or "", data.get("status") or "", data.get("place") or ""}
    found |= {entry["name"] for entry in (*data.get("companies", ()), *data.get("people", ()))}
    found |= {*record.tags(), f"{record.year}年"}
    if record.date:
        found |= {f"{int(part)}{unit}" for part, unit in zip(record.date.split("-"), "年月日", strict=False)}
    if data.get("phases"):
        found.add("期")
    return found - {""}


def idle_clauses(records: Sequence[tf.Record]) -> list[str]:
    """Every clause of a quote carries part of the record: the quote is the shortest span
    that proves the fact, not the sentence around it (aliases do not count: a clause that
    only an alias needs is about something else)."""
    problems = []
    for record in records:
        carriers = _carriers(record)
        for clause in CLAUSE_BREAK.split(record.data["quote"]):
            if clause and not any(carrier in clause for carrier in carriers):
                problems.append(f"{record.id}: the clause {clause!r} of its quote carries nothing of it")
    return problems


def names_of_two_things(records: Sequence[tf.Record]) -> list[str]:
    """A name holds at most one quoted name (“…”): each programme, brand or mechanism has a record of its own."""
    return [
        f"{record.id}: its name holds {record.name.count('“')} quoted names" for record in records if record.name.count("“") > 1
    ]


def unstated_statuses(records: Sequence[tf.Record]) -> list[str]:
    """A project's status is in its quote, or it is a reading and the note gives the text's
    own words: ``Status 在建 is a reading of the text's words “加快…建设”.``"""
    problems = []
    for record in records:
        status, quote = record.data.get("status"), record.data["quote"]
        if not status or status in quote:
            continue
        reading = STATUS_READING.search(record.data.get("note", ""))
        if not (reading and reading[1] == status and all(part in quote for part in reading[2].split("…"))):
            problems.append(f"{record.id}: status {status} is not in its quote and its note gives no words for it")
    return problems


RECORD_RULES: list[Rule] = [
    unquoted_companies,
    companies_named_in_part,
    companies_of_other_projects,
    unstated_places,
    unsourced_brackets,
    misspelt_romanisations,
    misrendered_terms,
    long_quotes,
    idle_clauses,
    names_of_two_things,
    unstated_statuses,
]


# ---------------------------------------------------------------- the rules that read the article


def aliases_from_elsewhere(records: Iterable[tf.Record], article: str) -> list[str]:
    """A Chinese alias that the article uses is in the record's own name, quote or evidence:
    one taken from another sentence names something else (listed exceptions aside)."""
    source = SourceText(article)
    return [
        f"{record.id}: alias {alias} is in the article but not in its name, quote or evidence"
        for record in records
        for alias in record.aliases()
        if CJK.search(alias) and alias not in WORDS["everyday_aliases"] and not says(record, alias) and source.contains(alias)
    ]


def unrecorded_names(records: Iterable[tf.Record], article: str) -> list[str]:
    """Every name the article puts in quotation marks (“服务企业大走访”) is in the name of a
    record: every programme, brand, honour and mechanism has a record of its own."""
    names = [record.name for record in records]
    joined = re.sub(r"\s+", "", article)  # the layout's breaks closed: “15分钟医保服务 … 圈”
    return [
        f"“{quoted}” is in no record's name"
        for quoted in dict.fromkeys(QUOTED_NAME.findall(joined))
        if quoted not in WORDS["not_names"] and not any(quoted in name for name in names)
    ]


# ---------------------------------------------------------------- the tests


def records_of(path: Path) -> list[tf.Record]:
    """Records straight from a TOML file, unvalidated: the first version's corrected records
    refer to records the file does not hold."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    kinds = {"metrics": "metric", "projects": "project", "milestones": "milestone"}
    return [tf.Record(kind, t["id"], t["name"], t["year"], t) for table_, kind in kinds.items() for t in data.get(table_, ())]


@pytest.fixture(scope="module")
def records() -> list[tf.Record]:
    return tf.load(BASE).records


@pytest.fixture(scope="module")
def first_version() -> list[tf.Record]:
    return records_of(FIRST_VERSION)


def caught(problems: list[str]) -> set[str]:
    return {problem.split(":")[0] for problem in problems}


@pytest.mark.parametrize("rule", RECORD_RULES, ids=lambda rule: rule.__name__)
def test_the_bundled_base_keeps_the_rule(rule: Rule, records: list[tf.Record]) -> None:
    assert rule(records) == []


#: What each rule finds in the first version's corrected records: the audit's findings.
FOUND_IN_FIRST_VERSION: list[tuple[Rule, set[str]]] = [
    (unquoted_companies, {"lianshen-12gw-hjt-cell-project"}),  # its company and chairman, outside its quote
    (companies_named_in_part, {"huamei-xingtai-project", "hjt-chain-enterprises-attracted-2023"}),  # 链升科技; 国轩, 沃太
    (companies_of_other_projects, {"huamei-xingtai-project"}),  # 链升科技 is the Liansheng project's
    (unstated_places, {"livestream-festival-2023-09", "livestream-festival-streamers-2023"}),  # 川姜镇
    (unsourced_brackets, {"huamei-xingtai-project", "zhongkeyi-project", "luban-awards-2023"}),
    (misspelt_romanisations, {"lianshen-12gw-hjt-cell-project", "groundbreaking-ceremony-2023-12-13"}),  # Lianshen
    (
        misrendered_terms,
        {
            "industrial-output-growth-2023",
            "industrial-value-added-growth-2023",
            "talent-apartments",
            "jianghai-tech-centre-2023",
            "new-urban-employment-2023",
            "fortune-precision-project",
            "groundbreaking-projects-2023-12-13",
            "groundbreaking-investment-2023-12-13",
            "groundbreaking-ceremony-2023-12-13",
            "hospital-topping-out-2023-12-28",
            "lianshen-12gw-hjt-cell-project",
        },
    ),
    (long_quotes, {"industrial-output-growth-2023", "industrial-value-added-growth-2023"}),
    (
        idle_clauses,
        {
            "budget-revenue-2023",
            "budget-revenue-growth-2023",
            "industrial-output-growth-2023",
            "industrial-value-added-growth-2023",
            "chuanjiang-pingchao-development-2023",  # 统筹谋划老城区更新和金沙湾片区开发
            "spatial-planning-2023",  # 科学划定“三区三线”, which its name left out
        },
    ),
    (names_of_two_things, {"project-leaderboard-2023"}),  # “龙虎榜” and “专班+观摩”
    (
        unstated_statuses,
        {
            "jinshawan-medical-complex",  # 封顶 only in its evidence
            "district-second-hospital-expansion",
            "jinbei-school",
            "binjiang-school",
            "jinshawan-area-development",
            "ten-thousand-mu-demonstration-fields",
        },
    ),
]


@pytest.mark.parametrize(("rule", "expected"), FOUND_IN_FIRST_VERSION, ids=lambda item: getattr(item, "__name__", ""))
def test_the_rule_finds_what_the_audit_found(rule: Rule, expected: set[str], first_version: list[tf.Record]) -> None:
    assert caught(rule(first_version)) == expected


def test_every_rule_is_tried_on_the_first_version() -> None:
    assert [rule for rule, _ in FOUND_IN_FIRST_VERSION] == RECORD_RULES


def test_chinese_aliases_come_from_the_records_own_sentence(records: list[tf.Record], source_text: str) -> None:
    assert aliases_from_elsewhere(records, source_text) == []


def test_an_alias_from_another_sentence_is_found(first_version: list[tf.Record], source_text: str) -> None:
    assert caught(aliases_from_elsewhere(first_version, source_text)) == {
        "lianshen-12gw-hjt-cell-project",  # 链升科技, from the sentence on 华美兴泰 (now in its evidence)
        "groundbreaking-projects-2023-12-13",  # 产业项目集中开工, the ceremony's name (left to the ceremony's record)
        "fine-grid-project-2023",  # 社会治理, from the clause before its quote (now its evidence)
    }
    chuanjiang = next(record for record in first_version if record.id == "chuanjiang-pingchao-development-2023")
    shortened = tf.Record(
        "milestone", chuanjiang.id, chuanjiang.name, 2023, {**chuanjiang.data, "quote": "专题研究推动川姜、平潮高质量发展"}
    )
    assert caught(aliases_from_elsewhere([shortened], source_text)) == {chuanjiang.id}  # 老城区更新 is another item


def test_every_quoted_name_of_the_article_has_a_record(records: list[tf.Record], source_text: str) -> None:
    assert unrecorded_names(records, source_text) == []


def test_a_quoted_name_without_a_record_is_found(records: list[tf.Record], source_text: str) -> None:
    before = [record for record in records if record.id != "enterprise-visits-campaign-2023"]  # as the first version
    assert unrecorded_names(before, source_text) == ["“服务企业大走访” is in no record's name"]


def test_the_exceptions_are_still_needed(records: list[tf.Record], source_text: str) -> None:
    """An exception no record needs any more is removed, not kept for luck."""
    outside = {alias for record in records for alias in record.aliases() if not says(record, alias)}
    assert set(WORDS["everyday_aliases"]) <= outside
    quoted = set(QUOTED_NAME.findall(re.sub(r"\s+", "", source_text)))
    unnamed = {term for term in quoted if not any(term in record.name for record in records)}
    assert set(WORDS["not_names"]) == unnamed
    name_en = " ".join(record.data.get("name_en", "") for record in records)
    assert all(english in name_en for english in WORDS["translations"])
    assert all(word in name_en for word in WORDS["romanisation"]["english_words"])
