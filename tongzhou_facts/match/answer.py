"""A question's answer: the one record that answers it, or the reason the base cannot.

`facts ask` must never make an answer up. It answers from the same ranking as a question
typed into `facts search` (relevance.py), but first decides from coverage whether the
base can answer at all:

- a year the base holds no fact for (通州2022年GDP: the base covers 2023);
- a content word the base knows nothing about (人口, population, 北京, LONGi), found as
  relevance.units_of defines it: how people ask (planned, happened) is not a reason;
- what the question wants and the best record cannot give: a place the record does not
  name, or a level (总产值是多少亿) where the base holds only its growth rate.

Then it abstains, and says what it holds that is closest. An answer comes with up to
`related` related facts: the records it links to or that link to it (the growth rate
beside the level), else the next records that hold every word of the question.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ..errors import UsageError
from ..index import Index
from ..index_schema import FTS_COLUMNS
from ..model import Record
from .engine import _sources_year, parse_query, search
from .questions import Question, read, roles
from .relevance import Ranked, Unit, rank_units, units_of

#: Measures that are a rate of change: what a growth question wants, and a level question does not.
CHANGES = frozenset({"growth", "decline"})
MAX_RELATED = 5
#: A word typed with a capital inside the question (LONGi, Chongchuan, HJT): a name.
_CAPITALISED = re.compile(r"[A-Za-z]*[A-Z][A-Za-z]*")


class Reply(NamedTuple):
    """What `ask` found. `records` is empty when it abstains; the fields after it say why."""

    question: Question
    records: list[Record]  # the answer first, then its related facts
    year: int | None  # the year asked about (from the question or --year), a filter
    unheld_year: int | None = None  # a year asked that the base holds no fact for
    missing: tuple[str, ...] = ()  # content words the base knows nothing about
    wants: str | None = None  # "place" or "level": what the question wants and the best record lacks
    closest: Record | None = None  # when abstaining: the nearest record the base holds

    @property
    def answered(self) -> bool:
        return bool(self.records)


def ask(index: Index, text: str, *, kind: str | None = None, year: int | None = None, related: int = 2) -> Reply:
    """The answer to `text` (a question in Chinese or English), or an abstention (see the module)."""
    parse_query(text)  # the same limits as a search: a usage error for an empty or huge query
    if not 0 <= related <= MAX_RELATED:
        raise UsageError(f"related facts: 0 to {MAX_RELATED}, not {related}")
    question = read(text)
    if year is not None and question.year is not None and year != question.year:
        raise UsageError(f"the question asks about {question.year} but --year is {year}")
    asked = year if year is not None else question.year
    if asked is None and question.relative_year:
        asked = _sources_year(index) + question.relative_year
    if not question.dropped:  # a keyword query (异质结, GDP): search's own ranking, typos and all
        hits = search(index, text, kind=kind, year=asked, limit=MAX_RELATED + 1)
        records = [hit.record for hit in hits]
        return Reply(question, records[:1] + _related(index, records[0], records[1:], related) if records else [], asked)
    cache: dict[str, set[int]] = {}

    def lookup(form: str) -> set[int]:
        if form not in cache:
            cache[form] = index.containing(form, FTS_COLUMNS, 20000)
        return cache[form]

    def tagged(form: str) -> set[int]:
        return index.containing(form, ("tags",), 20000)

    names = _capitalised(text)
    units, unknown = units_of(question.words, lookup, names, tagged)
    missing = [names.get(word, word) for word in unknown]  # LONGi as typed, not as normalised
    if asked is not None and next(index.select(year=asked), None) is None:
        closest = _first(index, rank_units(index, question, units, _allowed(index, kind, None)))
        return Reply(question, [], asked, unheld_year=asked, closest=closest)
    ranked = rank_units(index, question, units, _allowed(index, kind, asked))
    best = _first(index, ranked)
    if missing or best is None:
        return Reply(question, [], asked, missing=tuple(missing), closest=best)
    wants = _lacks(best, question)
    if wants is not None:
        return Reply(question, [], asked, wants=wants, closest=best)
    level = _level_instead(index, question, units, ranked, _allowed(index, kind, asked))
    if level is not None:
        return Reply(question, [], asked, wants="growth", closest=level)
    tier = ranked[0].match.tier
    rest = index.by_numbers([r.number for r in ranked[1:] if r.match.tier == tier][:MAX_RELATED])
    return Reply(question, [best, *_related(index, best, list(rest.values()), related)], asked)


def _capitalised(text: str) -> dict[str, str]:
    """The Latin words of `text` written with a capital letter, except the first word:
    normalised (as a question's words are) -> as typed."""
    from .normalize import normalize

    first = re.search(r"[A-Za-z]+", text)
    found = (m for m in _CAPITALISED.finditer(text) if not (first and m.start() == first.start()))
    return {normalize(m.group()): m.group() for m in found}


def _allowed(index: Index, kind: str | None, year: int | None) -> set[int] | None:
    return None if kind is None and year is None else index.numbers(kind=kind, year=year)


def _first(index: Index, ranked: list[Ranked]) -> Record | None:
    return index.by_numbers([ranked[0].number])[ranked[0].number] if ranked else None


def _lacks(record: Record, question: Question) -> str | None:
    """What the question wants that `record` cannot give: a place, or a level (not a rate)."""
    if "where" in question.intents and record.kind == "project" and not record.get("place"):
        return "place"  # a project's place is a field; an event's is in its name (对标学习苏州吴江)
    wants_amount = "number" in question.intents or "level" in question.intents
    if wants_amount and "growth" not in question.intents and record.get("measure") in CHANGES:
        return "level"
    return None


def _level_instead(
    index: Index, question: Question, units: list[Unit], ranked: list[Ranked], allowed: set[int] | None
) -> Record | None:
    """The level the base holds when the question wants its rate of change and the base has
    none: the best record lacks one of the question's words, and the question without its
    growth words is answered whole by a record that is not a rate (建筑业总产值 grew: the
    base holds the output, not its growth). None otherwise."""
    if "growth" not in question.intents or ranked[0].match.tier != 4:
        return None
    subject = [u for u in units if not any(roles().get(form) == "growth" for form in u.forms)]
    if len(subject) == len(units) or not subject:
        return None
    level = rank_units(index, question._replace(intents=question.intents - {"growth"}), subject, allowed)
    record = _first(index, level) if level and level[0].match.tier == 3 else None
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
