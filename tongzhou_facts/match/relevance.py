"""Ranking for a question: most content words first, weighted by how rare each is, then intent.

A question's content words (questions.py) need not all match. Each word (a run of Chinese
the base does not hold whole is cut into the longest pieces it does hold: 经济增长 → 经济,
增长) is looked up once; its weight is its rarity in the base (IDF over the search fields).
Records that hold every word come first (ALL_WORDS), then the rest (SOME_WORDS), each by the share
of the weight they hold, counted more in a name than in a quote. Only the best
`MAX_RANKED` records by that share are read; among them, what the question wants (a
number, a growth rate, a date, people, a list) moves a record up within its tier.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Collection, Sequence
from typing import NamedTuple

from ..index import Index
from ..index_schema import FTS_COLUMNS
from ..model import Record
from .normalize import numbered
from .questions import Question, Word, english_for, glossed
from .rank import DIRECT, FIELDS, Match

#: How much a word found in a field counts (a name says what a record is about; a quote mentions).
FIELD_WEIGHT = {"name": 1.0, "en": 1.0, "aliases": 0.9, "tags": 0.7, "quote": 0.5, "extra": 0.35}
MAX_RANKED = 60  # records read and ranked in full: the rest cannot reach the top
MAX_LOOKUPS = 48  # index look-ups for one question (cutting Chinese runs into known pieces)
MAX_PIECE = 8  # characters of the longest piece tried when cutting a run
INTENT_BONUS = 0.2
#: The tiers of a question's match (rank.py's 3 and 4): every content word in the record, or some.
ALL_WORDS, SOME_WORDS = 3, 4


class Unit(NamedTuple):
    """A word to look for: its forms (any matches), the rows holding one, and its weight."""

    forms: tuple[str, ...]
    rows: frozenset[int]
    weight: float


class Ranked(NamedTuple):
    number: int
    match: Match
    forms: tuple[str, ...]


def rank_question(index: Index, question: Question, allowed: set[int] | None, lookup: Callable[[str], set[int]]) -> list[Ranked]:
    """The records matching some content word of `question`, best first."""
    return rank_units(index, question, units_of(question.words, lookup)[0], allowed)


def rank_units(index: Index, question: Question, found: Sequence[Unit], allowed: set[int] | None) -> list[Ranked]:
    """`rank_question` for words already looked up (`units_of`)."""
    total = max(index.count(), 1)
    units = [u._replace(weight=_idf(len(u.rows), total)) for u in found if u.rows]
    if not units:
        return []
    coarse: dict[int, float] = {}
    for unit in units:
        for n in unit.rows if allowed is None else unit.rows & allowed:
            coarse[n] = coarse.get(n, 0.0) + unit.weight
    best = sorted(coarse, key=lambda n: (-coarse[n], n))[:MAX_RANKED]
    records = index.by_numbers(best)
    mass = sum(unit.weight for unit in units)
    forms = tuple(form for unit in units for form in unit.forms)  # what a hit highlights: every word's forms
    ranked = [Ranked(n, _match(doc, records[n], units, mass, question, n), forms) for n, doc in index.search_fields(best)]
    ranked.sort(key=lambda r: (r.match, r.number))
    return ranked


def _idf(count: int, total: int) -> float:
    return math.log(1.0 + total / max(count, 1))


def units_of(
    words: Sequence[Word],
    lookup: Callable[[str], set[int]],
    proper: Collection[str] = (),
    tagged: Callable[[str], set[int]] | None = None,
) -> tuple[list[Unit], list[str]]:
    """The words' units (a Chinese run the base does not hold whole is cut into the pieces it
    holds), and the words the base knows nothing about (coverage: `facts ask` abstains on them).

    Unknown means: a run of two or more Chinese characters no record holds, whole or in held
    pieces, nor (with `tagged`, a look-up in the tags: category, status…) as the glossary's
    English for it (荣誉 → honour, a category); an English word of the glossary whose every
    form is absent (population → 人口); a name (`proper`: capitalised in the question) or a
    number (2150) no record holds. Other English words the base lacks (planned, happened) are how people ask,
    not what about: they count for nothing, either way.
    """
    budget = [MAX_LOOKUPS]

    def rows(forms: Sequence[str]) -> frozenset[int]:
        found: set[int] = set()
        for form in forms:
            if budget[0] <= 0:
                break
            budget[0] -= 1
            found |= lookup(form)
        return frozenset(found)

    units: list[Unit] = []
    missing: list[str] = []
    for word in words:
        named = rows((word.named,)) if word.named else frozenset()
        if named:  # 通州大桥 is a name, though 通州 alone is the district of every record
            units.append(Unit((word.named,), named, 0.0))
            continue
        whole = rows(word.forms)
        if not whole and word.cjk and tagged is not None:
            english = english_for(word.text)
            whole = frozenset(n for form in english for n in tagged(form))
            if whole:
                units.append(Unit((*word.forms, *english), whole, 0.0))
                continue
        if whole or not word.cjk:
            units.append(Unit(word.forms, whole, 0.0))
            topic = len(word.forms) > 1 or glossed(word.text) is not None or word.text in proper
            if not whole and (topic or any(c.isdigit() for c in word.text)):  # a number is content too
                missing.append(word.text)
            continue
        pieces = _pieces(word.text, rows)
        units += [Unit((piece,), found, 0.0) for piece, found, _ in pieces]
        missing += _uncovered(word.text, [(start, start + len(piece)) for piece, _, start in pieces])
    return units, missing


def _uncovered(text: str, spans: Sequence[tuple[int, int]]) -> list[str]:
    """The runs of two or more characters of `text` outside every span."""
    covered = [False] * len(text)
    for start, end in spans:
        covered[start:end] = [True] * (end - start)
    out = []
    position = 0
    for held, group in itertools.groupby(covered):
        size = len(list(group))
        if not held and size >= 2:
            out.append(text[position : position + size])
        position += size
    return out


def _pieces(text: str, rows: Callable[[Sequence[str]], frozenset[int]]) -> list[tuple[str, frozenset[int], int]]:
    """Cut a run of Chinese into the longest pieces (two characters or more) the base holds,
    each with its rows and where it starts."""
    out = []
    start = 0
    while start < len(text) - 1:
        for end in range(min(len(text), start + MAX_PIECE), start + 1, -1):
            found = rows((text[start:end],))
            if found:
                out.append((text[start:end], found, start))
                start = end
                break
        else:
            start += 1
    return out


def _match(doc: dict[str, str], record: Record, units: Sequence[Unit], mass: float, question: Question, n: int) -> Match:
    held = 0.0
    missing = 0
    best_field = "extra"
    for unit in units:
        if n not in unit.rows:
            missing += 1
            continue
        typed = [numbered(form) for form in unit.forms]  # as the fields hold numbers: marked
        field = next((f for f in FTS_COLUMNS if any(form in doc[f] for form in typed)), "extra")
        held += unit.weight * FIELD_WEIGHT[field]
        best_field = min(best_field, field, key=lambda f: FIELDS[f])
    share = held / mass + INTENT_BONUS * intent_score(record, question.intents)
    tier = ALL_WORDS if missing == 0 else SOME_WORDS
    return Match(0, tier, -round(share, 6), FIELDS[best_field], DIRECT, len(doc["name"]), best_field)


def intent_score(record: Record, intents: frozenset[str]) -> float:
    """How well a record fits what the question wants: about -1 to 3."""
    data = record.data
    score = 0.0
    growth = data.get("measure") == "growth"
    if "number" in intents and (record.kind == "metric" or data.get("investment") or data.get("capacity")):
        score += 1.0
    if "growth" in intents:
        score += 1.0 if growth else 0.0
    elif growth:
        score -= 1.0  # a level question (GDP, revenue) wants the level, not its growth
    if "capacity" in intents and data.get("capacity") is not None:
        score += 1.0
    if "when" in intents and record.date is not None:
        score += 1.0
    if "where" in intents and data.get("place"):
        score += 1.0
    if "who" in intents and (data.get("companies") or data.get("people")):
        score += 1.0
    listed = len(data.get("tags", ())) + len(data.get("companies", ())) + len(data.get("people", ()))
    if "which" in intents and listed >= 2:
        score += 1.0
    return score
