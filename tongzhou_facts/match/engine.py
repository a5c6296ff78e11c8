"""The search engine: find records the way people type Chinese, English and numbers.

The fast path asks the index (SQLite FTS5, trigram) for records holding each query
term as typed, or, for Latin letters, as the pinyin or initials of a name; Python
then ranks the few candidates (rank.py). Only when that finds fewer than
`FALLBACK_BELOW` records do the slower fallbacks run: the same sound typed with the
wrong characters (农贸市厂 → 农贸市场), and one missing, extra or wrong character.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from ..errors import UsageError
from ..index import Index
from ..index_schema import FTS_COLUMNS
from ..model import Record
from .normalize import has_cjk, is_cjk, normalize
from .normalize import terms as query_terms
from .rank import HOMOPHONE, PINYIN, Match, direct_match, pinyin_match, spelled_match, typo_match

if TYPE_CHECKING:
    from .questions import Question

FALLBACK_BELOW = 3
MAX_QUERY = 1000  # characters; longer is not a query anyone types
MAX_TERMS = 32  # distinct words: each is one look-up (a scan for a short one), all must match
MAX_HINT_KEYS = 16  # characters a 'did you mean' looks for: one condition of the look-up each
MAX_CANDIDATES = 20000
MAX_FUZZY = 40  # characters: nobody types a one-edit typo into a paragraph, and its patterns grow with it
_LATIN_ONLY = re.compile(r"[a-z0-9 ]+\Z")
_HAS_LATIN = re.compile(r"[a-z]")
PINYIN_COLUMNS = ("py", "py_alias", "py_tags", "ini", "ini_alias")
TYPO_COLUMNS = ("name", "en", "aliases")
INITIALS_COLUMNS = ("ini", "ini_alias")


class Hit(NamedTuple):
    """One search result: the record and how it matched."""

    record: Record
    match: Match
    terms: tuple[str, ...]


def search(
    index: Index,
    query: str,
    *,
    kind: str | None = None,
    year: int | None = None,
    limit: int | None = None,
) -> list[Hit]:
    """Ranked hits for `query`; the same query on the same base always ranks the same way."""
    return search_counted(index, query, kind=kind, year=year, limit=limit).hits


class Counted(NamedTuple):
    """The hits of a search, and how many records matched before `limit` cut them."""

    hits: list[Hit]
    total: int
    #: False when `total` is a lower bound: a look-up stopped at MAX_CANDIDATES rows, or a
    #: question's ranking read only its best relevance.MAX_RANKED.
    exact: bool


def search_counted(
    index: Index,
    query: str,
    *,
    kind: str | None = None,
    year: int | None = None,
    limit: int | None = None,
) -> Counted:
    """`search`, with the number of matches (`facts search` says "showing 20 of 57")."""
    terms = parse_query(query)
    allowed = allowed_rows(index, kind, year)
    matches: dict[int, Match] = {}
    complete = _fast_path(index, terms, allowed, matches)
    # Nothing as typed: a question (question words, the district or a year dropped) is ranked
    # by its content words (relevance.py). The query as typed goes first: 国有 and 有机 hold a
    # filler word too, and a query that finds itself never reads the question words.
    if not matches:
        hits = _answer(index, query, kind, year, None)
        if hits is not None:
            return Counted(hits[:limit], len(hits), _all_ranked(index, hits))
    if len(matches) < FALLBACK_BELOW:
        complete = _fallbacks(index, terms, allowed, matches) and complete
    ordered = sorted(matches.items(), key=lambda item: (item[1], item[0]))
    total = len(ordered)
    if limit is not None:
        ordered = ordered[:limit]
    records = index.by_numbers([n for n, _ in ordered])
    return Counted([Hit(records[n], match, tuple(terms)) for n, match in ordered], total, complete)


def _all_ranked(index: Index, hits: list[Hit]) -> bool:
    """Whether a question's hits are all its matches: fewer than the ranking reads, from a
    base too small for a look-up to stop at its limit."""
    from .relevance import MAX_RANKED

    return len(hits) < MAX_RANKED and (not hits or index.count() < MAX_CANDIDATES)


def parse_query(query: str) -> list[str]:
    if len(query) > MAX_QUERY:
        raise UsageError(f"query too long ({len(query)} characters; at most {MAX_QUERY})")
    terms = list(dict.fromkeys(query_terms(query)))  # a word typed twice is one condition
    if not terms:
        raise UsageError("empty query: give a word, a name, a number or a date to search for")
    if len(terms) > MAX_TERMS:
        raise UsageError(f"too many words in the query ({len(terms)}; at most {MAX_TERMS})")
    return terms


def _answer(index: Index, query: str, kind: str | None, year: int | None, limit: int | None) -> list[Hit] | None:
    """The hits for `query` read as a question; None when it is not one (nothing to drop, or
    nothing left), or when it found nothing and names no year (the fallbacks may find a typo).
    A question about a year is never answered by the fallbacks: they would ignore the year."""
    from .questions import read

    question = read(query)
    if not question.dropped or not question.words:
        return None
    hits = _ranked_answer(index, question, kind, year, limit)
    return hits if hits or question.year is not None or question.relative_year is not None else None


def _ranked_answer(index: Index, question: Question, kind: str | None, year: int | None, limit: int | None) -> list[Hit]:
    from .relevance import rank_question

    if year is None:
        year = asked_year(index, question)
    allowed = allowed_rows(index, kind, year)
    ranked = rank_question(index, question, allowed, cached_lookup(index))[:limit]
    records = index.by_numbers([r.number for r in ranked])
    return [Hit(records[r.number], r.match, r.forms) for r in ranked]


def asked_year(index: Index, question: Question) -> int | None:
    """The year a question asks about: the first it names (2023年), else the one its relative
    year means (去年: the year before the latest source's), else None."""
    if question.year is not None or question.relative_year is None:
        return question.year
    return _sources_year(index) + question.relative_year


def _sources_year(index: Index) -> int:
    """The year of the latest source's date (去年 in a question is the year before it)."""
    years = [int(str(s.extra["date"])[:4]) for s in index.sources().values() if str(s.extra.get("date", ""))[:4].isdigit()]
    return max(years) if years else 0


def allowed_rows(index: Index, kind: str | None, year: int | None) -> set[int] | None:
    """The rows a search may return (None: any)."""
    if kind is None and year is None:
        return None
    return index.numbers(kind=kind, year=year)


def cached_lookup(index: Index) -> Callable[..., set[int]]:
    """The rows holding a form, in the search fields (or the columns given), each looked up
    once: a question looks up its words and their pieces, and some more than once."""
    cache: dict[tuple[str, tuple[str, ...]], set[int]] = {}

    def lookup(form: str, columns: tuple[str, ...] = FTS_COLUMNS) -> set[int]:
        if (form, columns) not in cache:
            cache[form, columns] = _containing(index, form, columns)
        return cache[form, columns]

    return lookup


def _containing(index: Index, text: str, columns: tuple[str, ...]) -> set[int]:
    """Rows whose given search fields contain `text` (at most MAX_CANDIDATES per look-up)."""
    return index.containing(text, columns, MAX_CANDIDATES)


def _pinyin_forms(text: str) -> list[str]:
    from .pinyin import variants

    return list(variants(text.replace(" ", "")))


def _fast_path(index: Index, terms: list[str], allowed: set[int] | None, matches: dict[int, Match]) -> bool:
    """Fill `matches`; whether every look-up was complete (none stopped at MAX_CANDIDATES)."""
    whole = "".join(terms)
    latin = _LATIN_ONLY.match(" ".join(terms)) is not None and _HAS_LATIN.search(whole) is not None
    mixed = not latin and _HAS_LATIN.search(whole) is not None and has_cjk(whole)
    direct: set[int] | None = None
    complete = True
    for term in terms:
        found = _containing(index, term, FTS_COLUMNS)
        complete = complete and len(found) < MAX_CANDIDATES
        direct = found if direct is None else direct & found
    candidates = set(direct or ())
    forms: list[str] = []
    if latin and len(whole) >= 2:
        forms = [whole]
        candidates |= _containing(index, whole, PINYIN_COLUMNS)
    elif mixed:
        forms = _pinyin_forms(whole)
        for form in forms:
            candidates |= _containing(index, form, PINYIN_COLUMNS)
    complete = complete and len(candidates) < MAX_CANDIDATES  # a look-up that stopped fills it
    if allowed is not None:
        candidates &= allowed
    for n, doc in index.search_fields(sorted(candidates)):
        best = direct_match(doc, terms) if direct and n in direct else None
        if forms:
            sounded = pinyin_match(doc, forms, PINYIN, with_initials=latin)
            if sounded is not None and (best is None or sounded < best):
                best = sounded
        if best is not None:
            matches[n] = best
    return complete


def _fallbacks(index: Index, terms: list[str], allowed: set[int] | None, matches: dict[int, Match]) -> bool:
    """Add what the fallbacks find to `matches`; whether every look-up was complete."""
    whole = "".join(terms)
    candidates: set[int] = set()
    forms: list[str] = []
    loose = _HAS_LATIN.search(whole) is not None and 2 <= len(whole) <= MAX_FUZZY
    if loose:  # pinyin typed loosely: checked against every name (bounded), in Python
        candidates |= _containing(index, whole[0], INITIALS_COLUMNS)
    if has_cjk(whole) and len(whole) >= 2:  # the same sound typed with other characters
        forms = _pinyin_forms(whole)
        for form in forms:
            if len(form) >= 4:
                candidates |= _containing(index, form, PINYIN_COLUMNS[:3])
    spaced = " ".join(terms)
    typo_ok = (3 if has_cjk(spaced) else 4) <= len(spaced) <= MAX_FUZZY
    if typo_ok:
        candidates |= _one_edit_candidates(index, spaced)
    complete = len(candidates) < MAX_CANDIDATES  # a look-up that stopped fills it
    if allowed is not None:
        candidates &= allowed
    for n, doc in index.search_fields(sorted(candidates - set(matches))):
        best = pinyin_match(doc, forms, HOMOPHONE, with_initials=False) if forms else None
        if best is None and loose:
            best = spelled_match(doc, whole)
        if best is None and typo_ok:
            best = typo_match(doc, spaced)
        if best is not None:
            matches[n] = best
    return complete


def _one_edit_candidates(index: Index, text: str) -> set[int]:
    """Rows whose name, English name or aliases hold `text` within one edit: the pieces of
    `text` around a missing, a wrong or an extra character (see Index.containing_patterns)."""
    patterns: set[tuple[str, ...]] = set()
    for i in range(len(text) + 1):
        patterns.add((text[:i], text[i:]))  # the query lacks a character
        if i < len(text):
            patterns.add((text[:i], text[i + 1 :]))  # a wrong character
            patterns.add((text[:i] + text[i + 1 :],))  # an extra character
    patterns.discard(("",))
    return index.containing_patterns(TYPO_COLUMNS, patterns, MAX_CANDIDATES)


def suggestions(index: Index, query: str, count: int = 3, *, kind: str | None = None, year: int | None = None) -> list[str]:
    """The names nearest to a query that found nothing, for a 'did you mean' line: only of
    records of this kind and year (either None: any), so it never offers one the filters exclude."""
    from ..nearest import MAX_COMPARED, close_matches

    whole = normalize(query)
    if not whole:
        return []
    keys = set(list(dict.fromkeys(c for c in whole if is_cjk(c)))[:MAX_HINT_KEYS]) or {whole[:2]}
    names: dict[str, int] = {}
    for n, name, en in index.names_with_filters(keys, MAX_COMPARED, kind=kind, year=year):
        names.setdefault(name, n)
        if en:
            names.setdefault(en, n)
    close = close_matches(whole, list(names), count, 0.3)
    if not close:
        return []
    records = index.by_numbers([names[c] for c in close])
    out = []
    for key in close:
        record = records[names[key]]
        shown = record.name if normalize(record.name) == key else str(record.get("name_en"))
        if shown not in out:
            out.append(shown)
    return out
