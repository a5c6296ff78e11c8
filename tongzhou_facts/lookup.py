"""What a caller names, checked against the base: a record by its id (or an error naming the
nearest ids), a kind by its name. The commands and tools.py (the MCP tools) share these, so
a typed id or kind gets the same answer and the same message from either.

`resolve_record` forgives: a word that is no id but names a record (`GDP`, `地区生产总值`)
is looked up by search, and the record used when search finds one unique best match:

- the only record search finds, or
- a first hit whose name or alias is the word or begins with it (tier 0 or 1 in a name or
  alias, match/rank.py) and that ranks strictly above the second hit by (fallback or not,
  tier, field): `GDP` is an alias of gdp-2023 and only begins gdp-growth-2023's English
  name; `异质结` is an alias of one project and only a tag of two others.

Several hits none of which stands out (`川姜`: a tag of one record, an alias begins with it
in another) are an error that names the best few. A word written like an id (ASCII letters
and digits joined by `-`, `_` or `.`, with a letter and a digit or a joiner: `gdp-2032`,
`gdp2023`) that is near some id is a mistyped id: the error names the nearest ids, and
search is not asked (`lianshen-12gw-hjt-cell` would otherwise find another record's text).
A word holding control characters is never searched for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from .errors import UsageError
from .model import KINDS

if TYPE_CHECKING:
    from .index import Index
    from .match.engine import Hit
    from .model import Record

#: At most this many candidates are named when search finds several records.
CANDIDATES = 5
#: A search hit in a name or an alias (match/rank.py's FIELDS: name and en 0, aliases 1) …
NAMING_FIELD_RANK = 1
#: … that equals the word or begins with it (rank.py's tiers 0 and 1) names the record.
NAMING_TIER = 1


class Found(NamedTuple):
    """A record a caller named, and whether search found it (the typed word is no id)."""

    record: Record
    by_search: bool


def check_kind(kind: str | None) -> None:
    if kind is not None and kind not in KINDS.values():
        raise UsageError(f"unknown kind '{kind}' (metric, project or milestone)")


def find_record(index: Index, record_id: str) -> Record:
    """The record with this id, or a usage error that names the nearest ids (nearest.py is
    imported only then: `facts get ID` never pays for difflib)."""
    record = index.get(record_id)
    if record is None:
        raise UsageError(_no_such_id(record_id, _near_ids(index, record_id)))
    return record


def resolve_record(index: Index, typed: str) -> Found:
    """The record with the id `typed`; else the one search finds as the unique best match for
    it (see the module's docstring). A usage error names the nearest ids, or the candidates
    when search finds several records; nothing is imported beyond an id look-up when `typed`
    is an id."""
    record = index.get(typed)
    if record is not None:
        return Found(record, by_search=False)
    near: list[str] | None = None
    if id_shaped(typed):
        near = _near_ids(index, typed)
        if near:
            raise UsageError(_no_such_id(typed, near))
    hits, total = _search(index, typed)
    if hits:
        best = unique_best(hits)
        if best is not None:
            return Found(best.record, by_search=True)
        raise UsageError(candidates_message(typed, hits, total))
    raise UsageError(_no_such_id(typed, _near_ids(index, typed) if near is None else near))


def unique_best(hits: list[Hit]) -> Hit | None:
    """The first hit, when it stands out (the module's docstring); else None."""
    if len(hits) == 1:
        return hits[0]
    first, second = hits[0].match, hits[1].match
    names = first.tier <= NAMING_TIER and first.field_rank <= NAMING_FIELD_RANK
    ahead = (first.fuzzy, first.tier, first.field_rank) < (second.fuzzy, second.tier, second.field_rank)
    return hits[0] if names and ahead else None


def id_shaped(word: str) -> bool:
    """Written like an id: ASCII letters and digits joined by - _ or ., with a letter, and a
    digit or a joiner (`gdp-2032`, `gdp2023`; not `GDP`, `1730` or `6.5`)."""
    import re

    shaped = re.fullmatch(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*", word.lower()) is not None
    return shaped and not word.isalpha() and any(c.isalpha() for c in word)


def candidates_message(typed: str, hits: list[Hit], total: int) -> str:
    """The error when search finds several records for a word and none stands out."""
    named = ", ".join(f"{hit.record.id} ({hit.record.name})" for hit in hits[:CANDIDATES])
    more = f" and {total - CANDIDATES} more" if total > CANDIDATES else ""
    return f"no record with id '{typed}'; search finds {total}: {named}{more} (give one id; all: facts search {typed})"


def _search(index: Index, typed: str) -> tuple[list[Hit], int]:
    """The best few hits of a search for `typed`, and how many there are; none for a word
    with control characters (a hostile or broken argument, never a query) or one search refuses."""
    from .escape import safe

    if not typed.strip() or safe(typed) != typed:
        return [], 0
    from .match.engine import search_counted

    try:
        found = search_counted(index, typed, limit=CANDIDATES + 1)
    except UsageError:
        return [], 0
    return found.hits, found.total


def _near_ids(index: Index, record_id: str) -> list[str]:
    from .nearest import nearest

    return nearest(record_id, index.ids_starting, index.existing_ids, index.id_prefixes, count=3, cutoff=0.5)


def _no_such_id(record_id: str, near: list[str]) -> str:
    hint = f"; did you mean {' or '.join(near)}?" if near else ""
    return f"no record with id '{record_id}'{hint}"
