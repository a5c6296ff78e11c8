"""Where a search hit matched, as ripgrep shows a line: the field, its text around the match,
and the matched span (the `match` field of `facts search`).

The field is the record's own (name, name_en, aliases, tags, category, place, status, quote,
evidence, note, value, investment, capacity, date…), found from the hit's Match: the text of
that field holding the query, whole numbers only (1730 is not inside 17300); for a match by
sound (pinyin typed, or the same sound with other characters), the characters whose readings
spell the query. A long text (a quote, the evidence, a note) is cut to CONTEXT characters each
side of the match, with "…" where cut. A record found by its figure (its value is the number
asked) shows where its text writes the number, else the figure itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..figures import chinese_date, number, with_qualifiers
from ..model import Record
from .highlight import merged_spans
from .highlight import spans as sound_spans
from .normalize import normalize_map
from .rank import HOMOPHONE, PINYIN, TYPO, Match

#: Characters of context kept each side of a match in a long text.
CONTEXT = 10
ELLIPSIS = "…"
#: Fields cut around their match; the others (names, tags, figures) are short and shown whole.
LONG = frozenset({"quote", "evidence", "note"})
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
#: How a hit was found (Located.by), from rank's methods; a record's own figure is "figure".
BY_METHOD = {PINYIN: "pinyin", HOMOPHONE: "sound", TYPO: "typo"}
#: The record fields each search field (fields.py) is made of, in the order they are shown.
_SOURCES: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "en": ("name_en",),
    "aliases": ("aliases",),
    "tags": ("tags", "category", "place", "status", "measure", "companies", "people"),
    "quote": ("quote", "evidence"),
    "extra": ("value", "investment", "capacity", "phases", "date", "year", "note", "companies", "people"),
}
_FIGURES = ("value", "investment", "capacity")


class Located:
    """Where a hit matched: a field of the record, its text (cut around the match, "…" where
    cut), the matched spans in that text (start, end; may be empty), and how it was found:
    "text", "pinyin", "sound", "typo" or "figure".

    A plain class, not a NamedTuple: with string annotations a NamedTuple costs about 0.8 ms
    to define, on every run that shows a table (argv.Leading is one for the same reason)."""

    __slots__ = ("by", "field", "spans", "text")

    def __init__(self, field: str, text: str, spans: tuple[tuple[int, int], ...], by: str) -> None:
        self.field, self.text, self.spans, self.by = field, text, spans, by

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Located) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return f"Located(field={self.field!r}, text={self.text!r}, spans={self.spans!r}, by={self.by!r})"

    def _fields(self) -> tuple[str, str, tuple[tuple[int, int], ...], str]:
        return (self.field, self.text, self.spans, self.by)

    def to_dict(self) -> dict[str, object]:
        return {"field": self.field, "text": self.text, "spans": [list(span) for span in self.spans], "by": self.by}


class HitRecord(Record):
    """A record found by a search, with where it matched (`match`): what output.py prints as
    the `match` field. Its data is the record's own (shared, not copied)."""

    __slots__ = ("match",)
    match: Located | None


def with_match(record: Record, located: Located | None) -> HitRecord:
    hit = HitRecord.__new__(HitRecord)
    hit.kind, hit.id, hit.name, hit.year = record.kind, record.id, record.name, record.year
    hit.data, hit.path, hit.line = record.data, record.path, record.line
    hit.match = located
    return hit


def locate(record: Record, match: Match, terms: Sequence[str]) -> Located | None:
    """Where `record` matched `terms` (a search's Hit.terms) as `match` says; None only when no
    field holds anything to show (a match of several words spread over fields shows the first)."""
    figure = match.field in _FIGURES
    by = "figure" if figure else BY_METHOD.get(match.method, "text")
    sounded = match.method in (PINYIN, HOMOPHONE)
    first = _SOURCES.get(match.field, ())
    order = ("quote", "evidence", "note") if figure else first
    fields = [*order, *(f for source in _SOURCES.values() for f in source if f not in order)]
    spelled = _spellings(terms) if sounded else []
    for field in dict.fromkeys(fields):
        for text in _texts(record, field):
            found = whole_spans(text, terms) if not sounded else sound_spans(text, terms) or _spelled(text, spelled)
            if found:
                return _cut(field, text, found, by)
    if figure:
        text = _figure_text(record, match.field)
        return Located(match.field, text, ((0, len(text)),), by)
    return _unspanned(record, first, terms, by, typo=match.method == TYPO)


def _unspanned(record: Record, fields: Sequence[str], terms: Sequence[str], by: str, *, typo: bool) -> Located | None:
    """A match no text holds as typed: a typo (the window within one edit of the query
    spanned), or words spread over fields (the first text of the matched field, no span)."""
    texts = [(field, text) for field in fields for text in _texts(record, field)]
    for field, text in texts if typo else ():
        near = _one_edit_span(text, "".join(terms))
        if near is not None:
            return Located(field, text, (near,), by)
    return Located(texts[0][0], texts[0][1], (), by) if texts else None


def _one_edit_span(text: str, query: str) -> tuple[int, int] | None:
    """The first span of `text` within one edit of `query` (a typo's match), else None."""
    compact, origin = normalize_map(text)
    needle = query.replace(" ", "")
    for size in (len(needle) + 1, len(needle), len(needle) - 1):
        for start in range(max(len(compact) - size + 1, 0)):
            if size > 0 and _edits(needle, compact[start : start + size]):
                return origin[start], origin[start + size - 1] + 1
    return None


def _edits(needle: str, window: str) -> bool:
    """Whether `window` as a whole is within one edit of `needle` (not just a piece of it)."""
    if len(needle) == len(window):
        return sum(a != b for a, b in zip(needle, window, strict=True)) <= 1
    short, long = sorted((needle, window), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _spellings(terms: Sequence[str]) -> list[str]:
    """The pinyin a query of characters and letters mixed (异质jie) was looked up as."""
    from .normalize import has_cjk
    from .pinyin import variants

    whole = "".join(terms).replace(" ", "")
    return list(variants(whole)) if has_cjk(whole) and any(c.isascii() and c.isalpha() for c in whole) else []


def _spelled(text: str, spellings: Sequence[str]) -> list[tuple[int, int]]:
    """The first span of `text` that one of the spellings spells (highlight.py reads it by sound)."""
    for spelling in spellings:
        found = sound_spans(text, [spelling])
        if found:
            return found
    return []


def _texts(record: Record, field: str) -> Iterator[str]:
    """The texts of one field of a record, as shown: each item of a list, a figure with its
    unit and qualifiers, a date in both forms."""
    value = record.get(field)
    if value is None or value == "":
        return
    if field in _FIGURES:
        yield _figure_text(record, field)
    elif field == "date":
        yield str(record.date)
        yield chinese_date(str(record.date))
    elif field == "year":
        yield f"{value}年"
    elif field == "phases":
        yield f"{value}期"
    elif isinstance(value, list):
        for item in value:
            yield str(item["name"]) if isinstance(item, dict) else str(item)
    else:
        yield str(value)


def _figure_text(record: Record, field: str) -> str:
    """A figure as written: 预计1730亿元, 约70亿元, 12GW."""
    unit = {"value": "unit", "investment": "investment_unit", "capacity": "capacity_unit"}[field]
    amount = number(record.get(field)) + str(record.get(unit) or "")
    if field == "value":
        return with_qualifiers(amount, record.qualifiers)
    qualifier = record.get("investment_qualifier") if field == "investment" else None
    return with_qualifiers(amount, [qualifier] if qualifier else [])


def whole_spans(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Sorted, merged (start, end) spans of `text` where the terms (or all of them together)
    occur, a number only as a whole number: 100 is not found in 1000 nor 1730 in 17300."""
    compact, origin = normalize_map(text)
    found: list[tuple[int, int]] = []
    pieces = ["".join(terms), *terms] if len(terms) > 1 else list(terms)
    for piece in pieces:
        needle = piece.replace(" ", "")
        start = compact.find(needle) if needle else -1
        while start != -1:
            end = start + len(needle)
            while (
                needle[-1] in _LETTERS and end < len(compact) and compact[end] in _LETTERS and origin[end] == origin[end - 1] + 1
            ):
                end += 1  # to the end of the word: "beds" was found as "bed" (normalize.py drops the -s)
            if _whole(compact, start, end):
                found.append((origin[start], origin[end - 1] + 1))
            start = compact.find(needle, start + 1)
    return merged_spans(found)


def _whole(compact: str, start: int, end: int) -> bool:
    """Whether compact[start:end] neither begins nor ends inside a number."""
    if compact[start].isdigit() and start > 0 and (compact[start - 1].isdigit() or _decimal_point(compact, start - 1)):
        return False
    last = compact[end - 1]
    return not (last.isdigit() and end < len(compact) and (compact[end].isdigit() or _decimal_point(compact, end)))


def _decimal_point(compact: str, at: int) -> bool:
    """A '.' between two digits."""
    return compact[at] == "." and 0 < at < len(compact) - 1 and compact[at - 1].isdigit() and compact[at + 1].isdigit()


def _cut(field: str, text: str, found: Sequence[tuple[int, int]], by: str) -> Located:
    """`text` with its spans; a long field cut to CONTEXT characters each side of its first span."""
    if field not in LONG:
        return Located(field, text, tuple(found), by)
    first_start, first_end = found[0]
    start = max(0, first_start - CONTEXT)
    end = min(len(text), first_end + CONTEXT)
    while 0 < start < first_start and _word(text[start - 1]) and _word(text[start]):
        start -= 1  # never cut a number or a Latin word in two (…730亿元)
    while first_end < end < len(text) and _word(text[end - 1]) and _word(text[end]):
        end += 1
    before = ELLIPSIS if start > 0 else ""
    after = ELLIPSIS if end < len(text) else ""
    shift = len(before) - start
    kept = tuple((s + shift, e + shift) for s, e in found if s >= start and e <= end)
    return Located(field, before + text[start:end] + after, kept, by)


def _word(char: str) -> bool:
    """A character of a number or a Latin word (ASCII letters, digits and a decimal point)."""
    return char.isascii() and (char.isalnum() or char in ".-_")


def locate_hit(record: Record, match: Match, terms: Sequence[str]) -> HitRecord:
    """The record with where it matched (`with_match` of `locate`)."""
    return with_match(record, locate(record, match, terms))
