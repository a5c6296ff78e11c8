"""The search engine: find records the way people type Chinese, English and numbers.

The fast path asks the index (index.py: two SQLite FTS5 trigram tables, one over the
search fields, one over their pinyin and initials) for the records holding each query
term as typed, or, for Latin letters, as the pinyin or initials of a name. Nothing is
capped before ranking, so the ranking (rank.py) is exact at any size: a few hundred
candidates are ranked in Python; more are ranked group by group in ranking order (a
value equals the query, starts with it, contains it; field by field), each group an
index look-up (the first two tiers from the value index, which reads the shortest values
first and stops at the limit), until the groups hold `limit` records. Only when the fast path finds
fewer than `FALLBACK_BELOW` records do the fallbacks run, each on the candidates the
index gives it: the same sound typed with the wrong characters (农贸市厂 → 农贸市场),
pinyin typed loosely (tuoyuzx), and one missing, extra or wrong character.

(Hit, Counted and _Plan are plain slotted classes, not NamedTuples: defining a NamedTuple
costs 50-80 µs on every run's start-up. No `from __future__ import annotations` in rank.py:
typing.NamedTuple compiles each field's annotation when it is a string.)
"""

import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..index import Index
from ..index_schema import FTS_COLUMNS
from ..model import Record
from .normalize import has_cjk, is_cjk, normalize, numbered, query_text, unnumbered
from .normalize import terms as query_terms
from .rank import DIRECT, HOMOPHONE, PINYIN, Match, direct_match, pinyin_match, spelled_match, typo_match

if TYPE_CHECKING:
    from .questions import Question

FALLBACK_BELOW = 3
MAX_QUERY = 1000  # characters; longer is not a query anyone types
MAX_TERMS = 32  # distinct words: each is one look-up (a scan for a short one), all must match
MAX_HINT_KEYS = 16  # characters a 'did you mean' looks for: one condition of the look-up each
#: Rows whose names a 'did you mean' scans for the query's characters; past them it looks up
#: parts of the query in the index (Index.names_near): a scan of every name grows with the base.
SCANNED_NAMES = 2000
#: Rows whose names a 'did you mean' scans when the index found nothing near (see `suggestions`):
#: about 1.5 ms (a scan of 20,000 rows' names took 6 ms).
HINT_SCAN_ROWS = 5000
MAX_CANDIDATES = 20000
MAX_FUZZY = 40  # characters: nobody types a one-edit typo into a paragraph, and its patterns grow with it
_LATIN_ONLY = re.compile(r"[a-z0-9 ]+\Z")
_HAS_LATIN = re.compile(r"[a-z]")
PINYIN_COLUMNS = ("py", "py_alias", "py_tags", "ini", "ini_alias")
SPELLING_COLUMNS = PINYIN_COLUMNS[:3]
#: Candidates ranked all at once (in Python) up to this many; more are ranked tier by tier.
RANK_ALL = 500
#: No cap on a look-up of the fast path: ranking is exact, so every match must be seen.
UNCAPPED = -1
TYPO_COLUMNS = ("name", "en", "aliases")
INITIALS_COLUMNS = ("ini", "ini_alias")
#: Where loose pinyin looks (rank.spelled_match reads names, aliases and tags): their initials.
SPELLED_INITIALS = ("ini", "ini_alias", "ini_tags")


class Hit:
    """One search result: the record and how it matched (equal when all three are)."""

    __slots__ = ("match", "record", "terms")

    def __init__(self, record: Record, match: Match, terms: tuple[str, ...]) -> None:
        self.record, self.match, self.terms = record, match, terms

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Hit):
            return NotImplemented
        return (self.record, self.match, self.terms) == (other.record, other.match, other.terms)

    __hash__ = None  # type: ignore[assignment]  # unhashable, as it was: a Record is

    def __repr__(self) -> str:
        return f"Hit(record={self.record!r}, match={self.match!r}, terms={self.terms!r})"


def search(
    index: Index,
    query: str,
    *,
    kind: str | None = None,
    year: int | None = None,
    limit: int | None = None,
) -> list[Hit]:
    """Ranked hits for `query`; the same query on the same base always ranks the same way."""
    return search_counted(index, query, kind=kind, year=year, limit=limit, count=False).hits


class Counted:
    """The hits of a search, and how many records matched before `limit` cut them. `exact`
    is False when `total` is a lower bound: a search asked not to `count`, a fallback's
    look-up that stopped at MAX_CANDIDATES rows, or a question's ranking that read only its
    best relevance.MAX_RANKED."""

    __slots__ = ("exact", "hits", "total")

    def __init__(self, hits: list[Hit], total: int, exact: bool) -> None:
        self.hits, self.total, self.exact = hits, total, exact

    def __repr__(self) -> str:
        return f"Counted(hits={self.hits!r}, total={self.total!r}, exact={self.exact!r})"


def search_counted(
    index: Index,
    query: str,
    *,
    kind: str | None = None,
    year: int | None = None,
    limit: int | None = None,
    count: bool = True,
) -> Counted:
    """`search`, with the number of matches (`facts search` says "showing 20 of 57"). Without
    `count`, a search that matches many records may give "at least" (exact False): counting
    them all costs more than ranking the best (a pipe is never told how many)."""
    found = _ranked(index, query, kind, year, limit, count)
    if isinstance(found, Counted):  # a question's hits
        return found
    ordered, terms, total, complete = found
    if limit is not None:
        ordered = ordered[:limit]
    records = index.by_numbers([n for n, _ in ordered])
    return Counted([Hit(records[n], match, terms) for n, match in ordered], total, complete)


def search_each(index: Index, query: str, *, kind: str | None = None, year: int | None = None) -> tuple[Iterator[Hit], bool]:
    """Every hit of `query`, best first, each record read from the index as the hits are
    read, a chunk at a time; and whether they are all its matches (else "at least").

    For a filter the index does not select by (a status, a place, dates): its caller reads
    hits until enough pass, and never holds them all. Reading every hit's record at once
    took 780 MB for the 300,000 hits of 项目 on a 1,000,000-record base."""
    found = _ranked(index, query, kind, year, None, True)
    if isinstance(found, Counted):  # a question's hits: at most relevance.MAX_RANKED
        return iter(found.hits), found.exact
    ordered, terms, _, complete = found

    def each() -> Iterator[Hit]:
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            records = index.by_numbers([n for n, _ in chunk])
            for n, match in chunk:
                yield Hit(records[n], match, terms)

    return each(), complete


#: Hits whose records are read at a time by `search_each`.
CHUNK = 500


def _ranked(
    index: Index, query: str, kind: str | None, year: int | None, limit: int | None, count: bool
) -> tuple[list[tuple[int, Match]], tuple[str, ...], int, bool] | Counted:
    """The rows matching `query`, ranked (at least the best `limit`, all when None), with the
    query's terms, how many matched and whether that is all; or, for a query that finds
    nothing as typed but reads as a question, that question's hits."""
    terms = parse_query(query)
    allowed = allowed_rows(index, kind, year)
    # A record whose own figure is the number asked for ranks first (figures.py: 70亿 finds
    # 70亿元 and 7000000000元); put in first, so that ranking group by group counts them.
    figured: dict[int, Match] = {}
    if any(char.isdigit() for term in terms for char in term):  # amounts.py (and units.py) only then
        from .amounts import figure_matches

        figured = figure_matches(index, terms, allowed)
    matches: dict[int, Match] = dict(figured)
    total, complete = _fast_path(index, terms, allowed, matches, limit, count)
    matches.update(figured)  # nothing outranks them: a look-up's match of the same row never replaces them
    # Nothing as typed: a question (question words, the district or a year dropped) is ranked
    # by its content words (relevance.py). The query as typed goes first: 国有 and 有机 hold a
    # filler word too, and a query that finds itself never reads the question words.
    if not matches:
        hits = _answer(index, query, kind, year, None)
        if hits is not None:
            return Counted(hits[:limit], len(hits), _all_ranked(index, hits))
    total = max(total, len(figured))
    if complete and total < FALLBACK_BELOW:
        complete = _fallbacks(index, terms, allowed, matches)
        total = len(matches)
    ordered = sorted(matches.items(), key=lambda item: (item[1], item[0]))
    return ordered, tuple(terms), total, complete


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


def _ranked_answer(index: Index, question: "Question", kind: str | None, year: int | None, limit: int | None) -> list[Hit]:
    from .relevance import rank_question

    if year is None:
        year = asked_year(index, question)
    allowed = allowed_rows(index, kind, year)
    ranked = rank_question(index, question, allowed, cached_lookup(index))[:limit]
    records = index.by_numbers([r.number for r in ranked])
    return [Hit(records[r.number], r.match, r.forms) for r in ranked]


def asked_year(index: Index, question: "Question") -> int | None:
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
            cache[form, columns] = _containing(index, numbered(form), columns)
        return cache[form, columns]

    return lookup


def _containing(index: Index, text: str, columns: tuple[str, ...]) -> set[int]:
    """Rows whose given search fields contain `text` (at most MAX_CANDIDATES per look-up)."""
    return index.containing(text, columns, MAX_CANDIDATES)


def _pinyin_forms(text: str) -> list[str]:
    from .pinyin import variants

    return list(variants(text.replace(" ", "")))


class _Plan:
    """What a query is looked up as: its terms as typed (numbers marked: normalize.numbered),
    the whole query as one value (`wholes`, rank.direct_match), and its pinyin spellings
    (`forms`) for the pinyin columns (`sounds`), with the initials when it is all Latin letters."""

    __slots__ = ("forms", "latin", "sounds", "terms", "wholes")

    def __init__(self, terms: list[str], wholes: list[str], forms: list[str], sounds: tuple[str, ...], latin: bool) -> None:
        self.terms, self.wholes, self.forms, self.sounds, self.latin = terms, wholes, forms, sounds, latin


def _plan(terms: list[str]) -> _Plan:
    whole = "".join(terms)
    typed = [numbered(term) for term in terms]
    wholes = ["".join(typed)] if len(terms) == 1 else [" ".join(typed), "".join(typed)]
    latin = _LATIN_ONLY.match(" ".join(terms)) is not None and _HAS_LATIN.search(whole) is not None
    if latin and len(whole) >= 2:
        return _Plan(typed, wholes, [whole], PINYIN_COLUMNS, True)
    if not latin and _HAS_LATIN.search(whole) is not None and has_cjk(whole):  # 异质jie
        return _Plan(typed, wholes, _pinyin_forms(whole), SPELLING_COLUMNS, False)
    return _Plan(typed, wholes, [], (), latin)


def _fast_path(
    index: Index, terms: list[str], allowed: set[int] | None, matches: dict[int, Match], limit: int | None, count: bool
) -> tuple[int, bool]:
    """Fill `matches` with at least the best `limit` matches (all of them when `limit` is
    None or 0), ranked exactly; the number of records that match, and whether that is all
    of them (else it is "at least").

    Nothing is capped before ranking. A query that matches many records is ranked tier by
    tier (rank.py): the rows whose values equal the query, then those with a value starting
    with it, then containing it, each field in its rank's order; each group is an index
    look-up (index_schema.py), and the ranking stops after the group that completes `limit`:
    every row not yet ranked ranks after all that were. A one-word search that need not be
    counted (`count`) nor filtered first asks for a few more than RANK_ALL rows: when the
    look-ups stop there, its matches are many, and the groups alone rank them.
    """
    plan = _plan(terms)
    terms = plan.terms  # as the fields looked up as typed hold them: numbers marked
    single = len(terms) == 1 and len(terms[0]) >= 2
    probe = RANK_ALL + 1 if single and allowed is None and limit and not count else UNCAPPED
    direct: set[int] | None = None
    scans: dict[str, dict[str, set[int]]] = {}  # a character's rows by field: one scan, kept for the groups
    for term in terms:
        if len(term) == 1 and len(terms) == 1:  # its groups look it up by field: one scan for them all
            scans[term] = index.containing_by_column(term, FTS_COLUMNS, UNCAPPED)
            found = set().union(*scans[term].values())
        else:
            found = index.containing(term, FTS_COLUMNS, probe)
        direct = found if direct is None else direct & found
    direct = direct or set()
    sounded = _sounded(index, plan, probe)

    def ranked(rows: set[int]) -> dict[int, Match]:
        out: dict[int, Match] = {}
        for n, doc in index.search_fields(sorted(rows)):
            best = direct_match(doc, terms) if n in direct else None
            if plan.forms:
                spelled = pinyin_match(doc, plan.forms, PINYIN, with_initials=plan.latin)
                if spelled is not None and (best is None or spelled < best):
                    best = spelled
            if best is not None:
                out[n] = best
        return out

    if probe != UNCAPPED and (len(direct) >= probe or len(sounded) >= probe):
        known = ranked(direct) if len(direct) <= RANK_ALL else None  # the few found as typed, ranked whole
        ranked_all = not _rank_tiers(index, plan, direct, None, matches, limit or 0, limit, scans, known)
        return len(matches), ranked_all
    candidates = direct | sounded
    if allowed is not None:
        candidates &= allowed
    if not limit or len(candidates) <= RANK_ALL:
        _keep_best(matches, ranked(candidates))
        return len(matches), True
    cap = limit if allowed is None else None  # every row a look-up finds is a candidate: a group can stop at `limit`
    typed = direct & candidates
    known = ranked(typed) if plan.forms and len(typed) <= RANK_ALL else None
    if not _rank_tiers(index, plan, typed, candidates, matches, limit, cap, scans, known):
        matches.update(ranked(candidates - set(matches)))  # several words found apart (tiers 3 and 4)
    return len(candidates | set(matches)), True


def _keep_best(matches: dict[int, Match], found: dict[int, Match]) -> None:
    """Add `found` to `matches`, keeping a row's better match (a figure's, put in first)."""
    for n, match in found.items():
        if n not in matches or match < matches[n]:
            matches[n] = match


def _rank_tiers(
    index: Index,
    plan: _Plan,
    direct: set[int],
    candidates: set[int] | None,
    matches: dict[int, Match],
    limit: int,
    cap: int | None,
    scans: dict[str, dict[str, set[int]]],
    known: dict[int, Match] | None,
) -> bool:
    """Rank the candidates group by group in ranking order, each group the rows whose best
    match is of one tier (0 a value equals the query, 1 starts with it, 2 contains it) and
    one field rank, until `limit` are ranked: then every row not ranked yet ranks after all
    that were, and True. False when tiers 0-2 hold fewer than `limit` (the rest are 3-4).
    `candidates` None: every row a look-up finds (no filter); `direct`: the rows holding the
    query as typed; `known`: those rows already ranked whole (when they are few, that costs
    less than their groups' look-ups), each joining the group of its match."""
    looks = _Looks(index, candidates, cap, scans)
    for tier in range(3):
        for field_rank in range(len(_RANKED_COLUMNS)):
            if known is not None:
                best = {n: m for n, m in known.items() if m.tier == tier and m.field_rank == field_rank and n not in matches}
            elif direct:
                best = _direct_group(looks, plan, tier, field_rank, matches)
            else:
                best = {}
            for n, match in _spelled_group(looks, plan, tier, field_rank, matches).items():
                if known is not None and n in known:
                    continue  # ranked whole: its best is in `known`
                if n not in best or match < best[n]:
                    best[n] = match
            matches.update(best)
            if len(matches) >= limit:
                return True
    return False


class _Looks:
    """The look-ups of one search's groups, and what they found: a Latin text's rows with a
    value starting with it are read once and serve its tier 0 (the value is the text: as long
    as it) and tier 1 (in the fields the value index does not hold, the quote and extra text,
    a Latin look-up reads the trigram tables, where Latin trigrams are common), and a
    character's rows by field are scanned once."""

    def __init__(self, index: Index, candidates: set[int] | None, cap: int | None, scans: dict[str, dict[str, set[int]]]):
        self.index, self.candidates, self.cap, self.scans = index, candidates, cap, scans
        self.prefixed: dict[tuple[str, tuple[str, ...]], dict[int, int]] = {}
        self.by_rank: dict[tuple[str, tuple[str, ...]], dict[int, tuple[int, int, int]]] = {}

    def lengths(self, text: str, columns: tuple[str, ...], tier: int, matches: dict[int, Match]) -> Iterator[tuple[int, int]]:
        """(row, the length of its shortest value in `columns` that equals `text` (tier 0),
        starts with it (1) or holds it (2)) for the candidates not ranked yet; with `cap`, at
        least the first `cap` of them by (length, row) when there are so many, so a group
        holding more rows than the ranking needs reads only those (rows already ranked are
        at most `cap`: tier 0 rows come first among those of tier 1, and are ranked first)."""
        if tier == 0 and not text.isascii():  # the value itself: in the quote's trigrams too, Chinese ones are rare
            limit = -1 if self.cap is None else self.cap
            found: Iterable[tuple[int, int]] = ((n, len(text)) for n in self.index.valued(text, columns, whole=True, limit=limit))
        elif tier <= 1:
            key = (text, columns)
            if key not in self.prefixed:
                self.prefixed[key] = self.index.matched_lengths(text, columns, 1, self.cap)
            found = ((n, length) for n, length in self.prefixed[key].items() if (length == len(text)) == (tier == 0))
        else:
            rows = None
            if len(text) == 1:  # a scan: one for every field, kept for the other groups
                if text not in self.scans:
                    self.scans[text] = self.index.containing_by_column(text, FTS_COLUMNS, UNCAPPED)
                rows = set().union(*(self.scans[text].get(c, set()) for c in columns))
            exact = set(columns) <= {"name", "en"}  # fields of one value: SQL reads every length (else `cap` cannot apply)
            found = self.index.matched_lengths(text, columns, 2, self.cap if exact else None, rows).items()
        for n, length in found:
            if (self.candidates is None or n in self.candidates) and n not in matches:
                yield n, length

    def starting(self, text: str, ranks: dict[str, int], matches: dict[int, Match]) -> Iterator[tuple[int, tuple[int, int, int]]]:
        """(row, its best (tier, rank, length) of a value starting with `text` in the fields of
        `ranks`) for the candidates not ranked yet; read once (Index.starting_matches)."""
        key = (text, tuple(ranks))
        if key not in self.by_rank:
            self.by_rank[key] = self.index.starting_matches(text, ranks, self.cap)
        for n, found in self.by_rank[key].items():
            if (self.candidates is None or n in self.candidates) and n not in matches:
                yield n, found


def _spelled_group(looks: _Looks, plan: _Plan, tier: int, field_rank: int, matches: dict[int, Match]) -> dict[int, Match]:
    """The rows not ranked yet whose pinyin columns of this rank match a form of the query
    at this tier, with their best such match (rank.pinyin_match gives the same). Tiers 0
    and 1 come from one look-up over every pinyin column (Index.starting_matches)."""
    best: dict[int, Match] = {}
    for form in plan.forms:
        if tier <= 1:
            ranks = {c: _RANK_OF_SPELLING[c] for c in plan.sounds}
            for n, (matched, rank, length) in looks.starting(form, ranks, matches):
                if matched == tier and rank == field_rank:
                    match = Match(0, tier, 0.0, field_rank, PINYIN, length, _FIELD_OF_RANK[rank])
                    if n not in best or match < best[n]:
                        best[n] = match
            continue
        columns = tuple(
            c for c in _RANKED_COLUMNS[field_rank][1] if c in plan.sounds and (c not in INITIALS_COLUMNS or len(form) >= 3)
        )
        if columns:
            for n, length in looks.lengths(form, columns, tier, matches):
                match = Match(0, tier, 0.0, field_rank, PINYIN, length, _FIELD_OF_RANK[field_rank])
                if n not in best or match < best[n]:
                    best[n] = match
    return best


def _direct_group(looks: _Looks, plan: _Plan, tier: int, field_rank: int, matches: dict[int, Match]) -> dict[int, Match]:
    """The rows not ranked yet whose query as typed is found at this tier (0 a value equals
    it, 1 starts with it, 2 contains it) in a field of this rank, with that match: their
    best, since every better one was ranked before (rank.direct_match gives the same)."""
    best: dict[int, Match] = {}
    for column in _RANKED_COLUMNS[field_rank][0]:
        for whole in plan.wholes:
            for n, length in looks.lengths(whole, (column,), tier, matches):
                found = Match(0, tier, 0.0, field_rank, DIRECT, length, column)
                if n not in best or found < best[n]:
                    best[n] = found
    return best


def _sounded(index: Index, plan: _Plan, limit: int = UNCAPPED) -> set[int]:
    """The rows whose pinyin columns match a form of the query (rank.pinyin_match): held
    anywhere in a spelling, and in the initials held anywhere when 3+ letters long, else
    at the start of a value (a two-letter 'cj' in the middle of initials is no match).
    At most `limit` rows from each look-up."""
    found: set[int] = set()
    for form in plan.forms:
        spelled = [c for c in plan.sounds if c not in INITIALS_COLUMNS or len(form) >= 3]
        found |= index.containing(form, spelled, limit)
        short = [c for c in plan.sounds if c in INITIALS_COLUMNS and len(form) < 3]
        if short:
            found |= index.valued(form, short, whole=False, limit=limit)
    return found


#: The fields of each rank (rank.FIELDS), direct and spelled: the pinyin of names ranks with
#: names, of aliases with aliases, of tags with tags.
_RANKED_COLUMNS = (
    (("name", "en"), ("py", "ini")),
    (("aliases",), ("py_alias", "ini_alias")),
    (("tags",), ("py_tags",)),
    (("quote",), ()),
    (("extra",), ()),
)
#: The rank of each pinyin column, and the field a match in one is reported in (rank.pinyin_match).
_RANK_OF_SPELLING = {column: rank for rank, (_, spelled) in enumerate(_RANKED_COLUMNS) for column in spelled}
_FIELD_OF_RANK = tuple(direct[0] for direct, _ in _RANKED_COLUMNS)


def _fallbacks(index: Index, terms: list[str], allowed: set[int] | None, matches: dict[int, Match]) -> bool:
    """Add what the fallbacks find to `matches`; whether every look-up was complete.

    Each fallback finds its candidates through the index and checks only those: the same
    sound typed with other characters (their pinyin held in a spelling), pinyin typed
    loosely (their initials held, pinyin.spelled_initials), one character missing, extra or
    wrong (the part of the query an edit leaves whole, Index.containing_patterns).
    """
    whole = "".join(terms)
    spaced = " ".join(terms)
    found: list[tuple[set[int], Callable[[dict[str, str]], Match | None]]] = []
    if has_cjk(whole) and len(whole) >= 2:  # the same sound typed with other characters
        forms = [form for form in _pinyin_forms(whole) if len(form) >= 4]
        rows = _spelling_rows(index, forms)
        found.append((rows, lambda doc: pinyin_match(doc, forms, HOMOPHONE, with_initials=False)))
    if _HAS_LATIN.search(whole) is not None and 2 <= len(whole) <= MAX_FUZZY:  # pinyin typed loosely
        found.append((_spelled_candidates(index, whole), lambda doc: spelled_match(doc, whole)))
    # One edit away; never a number: one digit more or less is another number (2100 is not 100).
    if (3 if has_cjk(spaced) else 4) <= len(spaced) <= MAX_FUZZY and not any(c.isdigit() for c in spaced):
        found.append((_one_edit_candidates(index, spaced), lambda doc: typo_match(doc, spaced)))
    candidates = set().union(*(rows for rows, _ in found))
    complete = all(len(rows) < MAX_CANDIDATES for rows, _ in found)  # a look-up that stopped fills it
    if allowed is not None:
        candidates &= allowed
    for n, doc in index.search_fields(sorted(candidates - set(matches))):
        for rows, check in found:  # in that order: the first that matches tells how
            best = check(doc) if n in rows else None
            if best is not None:
                matches[n] = best
                break
    return complete


#: Letters the spellings of a query must share for one look-up of them to replace one each.
SHARED_SPELLING = 8


def _spelling_rows(index: Index, forms: list[str]) -> set[int]:
    """Rows whose spellings (SPELLING_COLUMNS) hold one of `forms`, or more: the candidates of
    the homophones, each checked after (rank.pinyin_match). A polyphonic character gives its
    query a spelling per reading (异质结电他: ...dianta, ...diantuo), and a look-up of a Latin
    phrase costs milliseconds, each trigram common: the spellings' shared start, when it is
    long, is looked up once instead, unless it fills a look-up (then each is)."""
    first, last = (min(forms), max(forms)) if len(forms) > 1 else ("", "")
    shared = first[: next((i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), len(first))]
    if len(shared) >= SHARED_SPELLING:  # what the first and the last in order share, all share
        rows = _containing(index, shared, SPELLING_COLUMNS)
        if len(rows) < MAX_CANDIDATES:
            return rows
    return set().union(*(_containing(index, form, SPELLING_COLUMNS) for form in forms))


def _spelled_candidates(index: Index, query: str) -> set[int]:
    """Rows whose name, alias or tag initials hold the start of a span `query` may spell."""
    from .pinyin import spelled_initials

    three, two = spelled_initials(query)
    return index.containing_any([*sorted(three), *sorted(two)], SPELLED_INITIALS, MAX_CANDIDATES)


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

    whole = normalize(query_text(query))
    if not whole:
        return []
    keys = set(list(dict.fromkeys(c for c in whole if is_cjk(c)))[:MAX_HINT_KEYS]) or {whole[:2]}
    if kind is None and year is None:
        names = _hint_names(index.names_near(keys, _hint_pieces(whole, keys), MAX_COMPARED, SCANNED_NAMES))
        close = close_matches(whole, list(names), count, 0.3)
        if not close and index.has_row(SCANNED_NAMES + 1):
            # Nothing near among the names the index gave: the names holding a key are read
            # further, up to HINT_SCAN_ROWS, so a name holding the query's characters apart
            # (金街常人: 金沙街道常住人口) past the first rows is still offered, in a time that
            # does not grow with the base (a scan of every name: 5-7 ms at 100,000 records).
            names = _hint_names(index.names_with(keys, MAX_COMPARED, upto=HINT_SCAN_ROWS))
            close = close_matches(whole, list(names), count, 0.3)
    else:
        names = _hint_names(index.names_with_filters(keys, MAX_COMPARED, kind=kind, year=year))
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


def _hint_names(found: Iterable[tuple[int, str, str]]) -> dict[str, int]:
    """Each name and English name of these (row, name, English name), as normalised, with its row."""
    names: dict[str, int] = {}
    for n, name, en in found:
        names.setdefault(unnumbered(name), n)  # the search fields mark numbers: a name as normalised
        if en:
            names.setdefault(unnumbered(en), n)
    return names


def _hint_pieces(whole: str, keys: set[str]) -> list[str]:
    """The parts of a query a 'did you mean' looks up past the names it scans (Index.names_near):
    each two neighbouring characters holding a key of a Chinese query (a name holding two of
    its characters in a row is nearer than one holding one), the first three of another (the
    first two are its key: three are looked up without reading the index's vocabulary)."""
    if not any(len(key) == 1 for key in keys):
        return [whole[:3]] if len(whole) >= 3 else [whole] if len(whole) == 2 else []
    pairs = (whole[i : i + 2] for i in range(len(whole) - 1))
    return list(dict.fromkeys(pair for pair in pairs if " " not in pair and (pair[0] in keys or pair[1] in keys)))[:MAX_HINT_KEYS]
