"""What a caller names, checked against the base: a record by its id (or an error naming the
nearest ids), a kind by its name, a field by its name. The commands and tools.py (the MCP
tools) share these, so a typed id, kind or field gets the same answer and the same message
from either.

An id is found as typed, else in lower case with the spaces around it dropped (`GDP-2023`,
`' gdp-2023'`; not a newline or another control character): ids are lower case
(validate.ID_PATTERN), so that is the id, not a guess, and nothing is said about it. A field
is named in any case (`VALUE`, `Year`) or, where a table's columns are chosen (`--fields`,
`--sort`), by its header (`名称`, `English name`).

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

from collections.abc import Sequence
from typing import TYPE_CHECKING

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
#: The spaces dropped around a typed id or field: a space, a no-break space, an ideographic
#: (full-width) space. Never a control character: `gdp-2023\n` is a broken argument.
SPACES = " \u00a0\u3000"
#: How near (difflib's ratio) a word must be to a field name to be offered as "did you mean".
FIELD_CUTOFF = 0.65


#: A record a caller named, and whether search found it (the typed word is no id). A plain
#: tuple: a NamedTuple with string annotations costs ~0.8 ms to define on every `facts get`.
Found = tuple["Record", bool]


def check_kind(kind: str | None) -> None:
    if kind is not None and kind not in KINDS.values():
        raise UsageError(f"unknown kind '{kind}' (metric, project or milestone)")


def find_record(index: Index, record_id: str) -> Record:
    """The record with this id (in any case: `find_id`), or a usage error that names the
    nearest ids (nearest.py is imported only then: `facts get ID` never pays for difflib)."""
    record = find_id(index, record_id)
    if record is None:
        raise UsageError(_no_such_id(record_id, _near_ids(index, id_form(record_id))))
    return record


def find_id(index: Index, typed: str) -> Record | None:
    """The record whose id `typed` is: as typed, else in lower case without the spaces around
    it (`GDP-2023`, `gdp-2023 `, as `id_form` writes it); None when it is no id in either form."""
    record = index.get(typed)
    if record is None and id_form(typed) != typed:
        record = index.get(id_form(typed))
    return record


def id_form(typed: str) -> str:
    """`typed` as ids are written: without the spaces around it, in lower case when it is ASCII
    (a non-ASCII letter that lowers to an ASCII one, the Kelvin sign K, is in no id)."""
    stripped = typed.strip(SPACES)
    return stripped.lower() if stripped.isascii() else stripped


def resolve_record(index: Index, typed: str) -> Found:
    """The record with the id `typed`; else the one search finds as the unique best match for
    it (see the module's docstring). A usage error names the nearest ids, or the candidates
    when search finds several records; nothing is imported beyond an id look-up when `typed`
    is an id (in any case: `find_id`, which search is never asked about)."""
    record = find_id(index, typed)
    if record is not None:
        return (record, False)
    mistyped = mistyped_id(index, typed)
    if mistyped is not None:
        raise UsageError(mistyped)
    hits, total = _search(index, typed)
    if hits:
        best = unique_best(hits)
        if best is not None:
            return (best.record, True)
        raise UsageError(candidates_message(typed, hits, total))
    raise UsageError(_no_such_id(typed, _near_ids(index, id_form(typed))))


def field_named(word: str, extra: Sequence[str] = (), *, headers: bool = True) -> str | None:
    """The field `word` names, of model.ALL_FIELDS and `extra` (a command's HIT_FIELDS): the
    field itself in any case, around spaces (`VALUE`, `Year`); with `headers`, also its
    column's header in either language (`名称`, `English name`: output.HEADERS_ZH, HEADERS_EN).
    None when it names no field."""
    from .model import ALL_FIELDS

    fields = (*ALL_FIELDS, *extra)
    if word in fields:
        return word
    folded = word.strip(SPACES).casefold()
    named = next((field for field in fields if field == folded), None)
    if named is None and headers and folded:
        from .output import HEADERS_EN, HEADERS_ZH

        for labels in (HEADERS_ZH, HEADERS_EN):
            named = named or next((field for field in fields if labels.get(field, "").casefold() == folded), None)
    return named


def unknown_field(word: str, extra: Sequence[str] = (), doing: str = "unknown field") -> str:
    """The error for a word that names no field: the nearest field names, if any are near
    (`valu`, `Yaer`: "did you mean value?"), then all of them."""
    from .model import ALL_FIELDS
    from .nearest import close_matches

    fields = (*ALL_FIELDS, *extra)
    near = close_matches(word.strip(SPACES).casefold(), fields, count=2, cutoff=FIELD_CUTOFF)
    hint = f"; did you mean {' or '.join(near)}?" if near else ""
    return f"{doing} '{word}'{hint} (fields: {', '.join(fields)})"


def mistyped_id(index: Index, typed: str) -> str | None:
    """The error for a word written like an id (`id_shaped`: `gdp-2032`) that is near some
    id, naming the nearest ids; None for any other word."""
    near = _near_ids(index, id_form(typed)) if id_shaped(id_form(typed)) else []
    return _no_such_id(typed, near) if near else None


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
