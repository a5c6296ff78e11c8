"""How a record matches a query, as a sort key: tiers, then field weights.

Tiers: 0 the whole query equals a value (a name, an alias, a tag…), 1 a value starts
with it, 2 contains it, 3 one value contains all of its terms, 4 every term is found
somewhere in the record. Fields: name (and English name) before aliases, aliases
before tags, tags before the quote, the quote before extra text (numbers, dates).
Methods, for the same tier and field: the characters as typed, then their pinyin
(typed as Latin letters, or the same sound typed with the wrong character), then a
match within one edit (a missing, extra or wrong character). A question (relevance.py)
uses tiers 3 (every content word) and 4 (some), ordered within by `weight`.
"""

from collections.abc import Sequence
from typing import NamedTuple

from ..index_schema import SEPARATOR

#: Field name -> weight rank (lower is stronger). `en` is a name: it ranks with it.
FIELDS: dict[str, int] = {"name": 0, "en": 0, "aliases": 1, "tags": 2, "quote": 3, "extra": 4}

DIRECT, PINYIN, HOMOPHONE, TYPO = range(4)


class Match(NamedTuple):
    """A comparable match: a smaller Match ranks first.

    `fuzzy` (0 or 1) comes first: a fallback match (same sound typed with other
    characters, one edit away) never outranks what the query found as typed.
    """

    fuzzy: int
    tier: int
    weight: float  # minus the share of a question's word weight a record holds (relevance.py); else 0
    field_rank: int
    method: int
    length: int  # of the matched value: a tighter fit ranks first
    field: str = ""


def values(text: str) -> list[str]:
    return text.split(SEPARATOR) if text else []


def tier_of(value: str, wholes: Sequence[str], terms: Sequence[str]) -> int | None:
    for whole in wholes:
        if value == whole:
            return 0
    for whole in wholes:
        if value.startswith(whole):
            return 1
    for whole in wholes:
        if whole in value:
            return 2
    if len(terms) > 1 and all(term in value for term in terms):
        return 3
    return None


def direct_match(doc: dict[str, str], terms: Sequence[str]) -> Match | None:
    wholes = ["".join(terms)] if len(terms) == 1 else [" ".join(terms), "".join(terms)]
    best: Match | None = None
    for field, rank in FIELDS.items():
        for value in values(doc[field]):
            tier = tier_of(value, wholes, terms)
            if tier is not None:
                found = Match(0, tier, 0.0, rank, DIRECT, len(value), field)
                best = found if best is None or found < best else best
    if best is None and len(terms) > 1:
        ranks = []
        for term in terms:
            hits = [rank for field, rank in FIELDS.items() if term in doc[field]]
            if not hits:
                return None
            ranks.append(min(hits))
        best = Match(0, 4, 0.0, max(ranks), DIRECT, 0, "several fields")
    return best


def pinyin_match(doc: dict[str, str], forms: Sequence[str], method: int, with_initials: bool) -> Match | None:
    """`forms` are pinyin spellings of the whole query (spaces removed)."""
    best: Match | None = None
    columns = [("py", 0, "name"), ("py_alias", 1, "aliases"), ("py_tags", 2, "tags")]
    if with_initials:
        columns += [("ini", 0, "name"), ("ini_alias", 1, "aliases")]
    for column, rank, label in columns:
        for value in values(doc[column]):
            initials = column.startswith("ini")
            for form in forms:
                if value == form:
                    tier = 0
                elif value.startswith(form):
                    tier = 1
                elif form in value and (not initials or len(form) >= 3):
                    tier = 2
                else:
                    continue
                found = Match(int(method >= HOMOPHONE), tier, 0.0, rank, method, len(value), label)
                best = found if best is None or found < best else best
    return best


def within_one_edit(needle: str, hay: str) -> bool:
    """Is `needle` within one edit (insert, delete, replace) of some substring of `hay`?"""
    previous = [0] * (len(hay) + 1)  # Sellers' algorithm: a match may start anywhere
    for i, char in enumerate(needle, 1):
        current = [i] + [0] * len(hay)
        for j, other in enumerate(hay, 1):
            current[j] = min(previous[j - 1] + (char != other), previous[j] + 1, current[j - 1] + 1)
        previous = current
    return min(previous) <= 1


def typo_match(doc: dict[str, str], whole: str) -> Match | None:
    best: Match | None = None
    for field in ("name", "en", "aliases"):
        for value in values(doc[field]):
            if within_one_edit(whole, value):
                found = Match(1, 5, 0.0, FIELDS[field], TYPO, len(value), field)
                best = found if best is None or found < best else best
    return best


def spelled_match(doc: dict[str, str], query: str) -> Match | None:
    """Pinyin typed loosely (initials, unfinished syllables, mixed with characters): a fallback."""
    from .pinyin import spelled_span

    best: Match | None = None
    for field in ("name", "aliases", "tags"):
        for value in values(doc[field]):
            span = spelled_span(query, value)
            if span is None:
                continue
            tier = 0 if span == (0, len(value)) else 1 if span[0] == 0 else 2
            found = Match(1, tier, 0.0, FIELDS[field], PINYIN, len(value), field)
            best = found if best is None or found < best else best
    return best
