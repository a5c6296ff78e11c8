"""A question's answer: the one record that answers it, or the reason the base cannot.

`facts ask` must never make an answer up. It ranks records as a question typed into
`facts search` is ranked (relevance.py), but first decides from coverage whether the base
can answer at all, and abstains when

- the question names a year the base holds no fact for (通州2022年GDP: it covers 2023);
- a content word is one the base knows nothing about (人口, population, 北京, LONGi), as
  relevance.units_of defines it: how people ask (planned, happened) is not a reason;
- nothing specific is left to look up (通州区长是谁 leaves 长: one character is no topic);
- the best record lacks a word of the question that a Chinese question names (区二院有多少
  床位: the base has beds for another hospital), or, in English, a glossary word at least as
  specific as anything the record holds (the growth of jobs is not the growth of output);
- the best record cannot give what the question wants: a place for a project the base does
  not place, an amount where it holds only a rate (or a rate where it holds only the amount),
  a figure where the record has none.

Then it says what it holds that is closest. An answer comes with up to `related` related
facts: the records it links to or that link to it (the growth rate beside the level), then
other records that hold every word of the question.
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

from ..errors import UsageError
from ..index import Index
from ..model import Record
from .engine import allowed_rows, asked_year, cached_lookup, parse_query, search
from .questions import Question, read, roles
from .rank import DIRECT
from .relevance import ALL_WORDS, Ranked, Unit, rank_units, units_of

#: Measures that are a rate of change: what a growth question wants, and a level question does not.
CHANGES = frozenset({"growth", "decline"})
#: Measures that are not an amount: what a question asking how much (GDP, output) is not answered by.
NOT_AMOUNTS = CHANGES | {"share"}
#: Words that ask for a share (占比): a share then is the amount asked for.
SHARE_WORDS = ("占比", "比重", "share", "proportion", "percent")
MAX_RELATED = 5


class Reply(NamedTuple):
    """What `ask` found. `records` is empty when it abstains; the fields after it say why."""

    question: Question
    records: list[Record]  # the answer first, then its related facts
    year: int | None  # the year asked about (from the question or --year), a filter
    unheld_year: int | None = None  # a year asked that the base holds no fact for
    missing: tuple[str, ...] = ()  # content words the base knows nothing about
    lacking: tuple[str, ...] = ()  # words of the question the closest record does not hold
    wants: str | None = None  # "place", "level", "growth", "figure", "year" or "topic" (nothing specific asked)
    pinyin: bool = False  # answered from Latin letters read as pinyin (chuanjiang): a Chinese reader
    closest: Record | None = None  # when abstaining: the nearest record the base holds

    @property
    def answered(self) -> bool:
        return bool(self.records)


def ask(index: Index, text: str, *, kind: str | None = None, year: int | None = None, related: int = 2) -> Reply:
    """The answer to `text` (a question in Chinese or English), or an abstention (see the module)."""
    question, asked = _question(index, text, year, related)
    lookup = cached_lookup(index)
    typed, names = _typed(text)
    found, unknown = units_of(question.words, lookup, names, lambda form: lookup(form, ("tags",)))
    units = [u for u in found if u.rows and not _one_character(u)]

    def any_year() -> Record | None:
        return _first(index, rank_units(index, question, units, allowed_rows(index, kind, None)))

    unheld = next((y for y in (*question.years, asked) if y is not None and not index.holds(year=y)), None)
    if unheld is not None:
        return Reply(question, [], asked, unheld_year=unheld, closest=any_year())
    ranked = rank_units(index, question, units, allowed_rows(index, kind, asked))
    best = _first(index, ranked)
    if unknown:
        return Reply(question, [], asked, missing=tuple(typed.get(w, w) for w in unknown), closest=best)
    if not units and any(w.cjk for w in question.words):  # 通州区长是谁: 长 alone is no topic
        return Reply(question, [], asked, wants="topic")
    if not units:  # pinyin (chuanjiang), or English the base does not hold: search's own matching, exact only
        return _searched(index, text, question, kind, asked, related)
    if best is None:  # 今年GDP: the base has facts of 2024, but no GDP among them
        return Reply(question, [], asked, wants="year", closest=any_year()) if asked is not None else Reply(question, [], asked)
    return _checked(index, question, units, ranked, best, asked, kind, related)


def _question(index: Index, text: str, year: int | None, related: int) -> tuple[Question, int | None]:
    """The question read, and the year it asks about; usage errors for what cannot be asked."""
    parse_query(text)  # the same limits as a search: a usage error for an empty or huge query
    if not 0 <= related <= MAX_RELATED:
        raise UsageError(f"related facts: 0 to {MAX_RELATED}, not {related}")
    question = read(text)
    if year is not None and question.year is not None and year != question.year:
        raise UsageError(f"the question asks about {question.year} but --year is {year}")
    return question, year if year is not None else asked_year(index, question)


def _checked(
    index: Index,
    question: Question,
    units: list[Unit],
    ranked: list[Ranked],
    best: Record,
    asked: int | None,
    kind: str | None,
    related: int,
) -> Reply:
    """The answer, unless the best record lacks a word that matters or cannot give what the question wants."""
    lacking = _lacking(question, units, ranked[0], index.count())
    if lacking:
        return Reply(question, [], asked, lacking=lacking, closest=best)
    wants = _lacks(best, question)
    if wants is not None:
        return Reply(question, [], asked, wants=wants, closest=best)
    level = _level_instead(index, question, units, ranked, allowed_rows(index, kind, asked))
    if level is not None:
        return Reply(question, [], asked, wants="growth", closest=level)
    rest = index.by_numbers([r.number for r in ranked[1:] if r.match.tier == ALL_WORDS][:MAX_RELATED])
    return Reply(question, [best, *_related(index, best, list(rest.values()), related)], asked)


def _searched(index: Index, text: str, question: Question, kind: str | None, year: int | None, related: int) -> Reply:
    """The answer as `facts search` finds the text (pinyin, initials), never by a fallback's guess."""
    hits = [hit for hit in search(index, text, kind=kind, year=year, limit=MAX_RELATED + 1) if not hit.match.fuzzy]
    records = [hit.record for hit in hits]
    if not records:
        return Reply(question, [], year)
    pinyin = hits[0].match.method != DIRECT
    return Reply(question, [records[0], *_related(index, records[0], records[1:], related)], year, pinyin=pinyin)


def _one_character(unit: Unit) -> bool:
    """A word of one Chinese character (长, 人): it names no topic of its own."""
    return all(len(form) == 1 for form in unit.forms)


def _typed(text: str) -> tuple[dict[str, str], set[str]]:
    """Every Latin word of `text` as typed, by its normalised form (exports → export), and the
    normalised forms of those written as names: with a capital inside (LONGi, HJT), or with a
    capital first except the question's first word."""
    from .normalize import normalize

    typed: dict[str, str] = {}
    names: set[str] = set()
    for position, found in enumerate(re.finditer(r"[A-Za-z][A-Za-z0-9]*", text)):
        word = found.group()
        key = normalize(word)
        typed.setdefault(key, word)
        if any(c.isupper() for c in word[1:]) or (position > 0 and word[0].isupper()):
            names.add(key)
    return typed, names


def _first(index: Index, ranked: list[Ranked]) -> Record | None:
    return index.by_numbers([ranked[0].number])[ranked[0].number] if ranked else None


def _lacking(question: Question, units: list[Unit], best: Ranked, total: int) -> tuple[str, ...]:
    """The words the best record does not hold that make it no answer: any, in a Chinese
    question (its words are what it is about); in English, a glossary word (a topic, not how
    people ask) at least as specific (IDF) as every word the record holds."""
    if best.match.tier == ALL_WORDS:
        return ()
    held = [u for u in units if best.number in u.rows]
    lacked = [u for u in units if best.number not in u.rows]
    if any(w.cjk for w in question.words):
        return tuple(u.forms[0] for u in lacked)
    top = max((_idf(u, total) for u in held), default=0.0)
    return tuple(u.forms[0] for u in lacked if len(u.forms) > 1 and _idf(u, total) >= top)


def _idf(unit: Unit, total: int) -> float:
    return math.log(1.0 + total / max(len(unit.rows), 1))


def _lacks(record: Record, question: Question) -> str | None:
    """What the question wants that `record` cannot give (see the module), or None."""
    intents = question.intents
    if "where" in intents and record.kind == "project" and not record.get("place"):
        return "place"  # a project's place is a field; an event's is in its name (对标学习苏州吴江)
    asks_share = any(w in form for w in SHARE_WORDS for u in question.words for form in u.forms)
    measure = record.get("measure")
    wants_amount = "number" in intents or "level" in intents
    if wants_amount and "growth" not in intents and not asks_share and measure in NOT_AMOUNTS:
        return "level"
    if "growth" in intents and record.kind == "metric" and measure not in CHANGES and not asks_share:
        return "growth"
    figures = ("value", "investment", "capacity", "phases")
    if "number" in intents and "when" not in intents and all(record.get(f) is None for f in figures):
        return "figure"
    return None


def _level_instead(
    index: Index, question: Question, units: list[Unit], ranked: list[Ranked], allowed: set[int] | None
) -> Record | None:
    """The level the base holds when the question wants its rate of change and the base has
    none: the best record lacks one of the question's words, and the question without its
    growth words is answered whole by a record that is not a rate (建筑业总产值 grew: the
    base holds the output, not its growth). None otherwise."""
    if "growth" not in question.intents or ranked[0].match.tier == ALL_WORDS:
        return None
    subject = [u for u in units if not any(roles().get(form) == "growth" for form in u.forms)]
    if len(subject) == len(units) or not subject:
        return None
    level = rank_units(index, question._replace(intents=question.intents - {"growth"}), subject, allowed)
    record = _first(index, level) if level and level[0].match.tier == ALL_WORDS else None
    return record if record is not None and record.get("measure") not in CHANGES else None


def _related(index: Index, answer: Record, others: list[Record], count: int) -> list[Record]:
    """Up to `count` facts to show beside the answer: those it names in `related` or as its
    project, or that name it, first; then the other records found, in their order."""
    if count == 0:
        return []
    linked = [str(i) for i in (*answer.data.get("related", ()), answer.get("project")) if i]
    found = {r.id: r for r in others}
    named = [found.get(i) or index.get(i) for i in linked]
    names_it = [r for r in others if answer.id in r.data.get("related", ()) or r.get("project") == answer.id]
    chosen = {r.id: r for r in [*named, *names_it, *others] if r is not None and r.id != answer.id}
    return list(chosen.values())[:count]


__all__ = ["Reply", "ask"]
