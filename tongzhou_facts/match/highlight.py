"""Where a query matched, as character spans of the original text (for the table's highlight).

Positions are mapped back through normalisation, so 醫保 highlights 医保 and
ＧＤＰ highlights GDP; a pinyin or same-sound match highlights the characters whose
readings spell the query.
"""

from __future__ import annotations

from collections.abc import Sequence

from .normalize import has_cjk, normalize_map


def spans(text: str, terms: Sequence[str], *, by_sound: bool = True) -> list[tuple[int, int]]:
    """Sorted, merged (start, end) spans of `text` where the terms occur; else, when `by_sound`,
    the first span that sounds like them. A search passes `by_sound` only for a hit found by
    its sound (rank.PINYIN, rank.HOMOPHONE): a hit found as typed, in its quote say, has nothing
    in its name to sound out, and the look for it reads the whole pinyin table (6-9 ms)."""
    compact, origin = normalize_map(text)
    found: list[tuple[int, int]] = []
    pieces = ["".join(terms), *terms] if len(terms) > 1 else list(terms)
    for piece in pieces:
        needle = piece.replace(" ", "")
        if not needle:
            continue
        start = compact.find(needle)
        while start != -1:
            found.append((origin[start], origin[start + len(needle) - 1] + 1))
            start = compact.find(needle, start + len(needle))
    if not found and by_sound:
        found = _sounded(compact, origin, "".join(terms).replace(" ", ""))
    return merged_spans(found)


def _sounded(compact: str, origin: list[int], query: str) -> list[tuple[int, int]]:
    """The first span whose characters sound like the query (typed as pinyin or as characters)."""
    from .pinyin import readings

    def options(char: str) -> tuple[str, ...]:
        return readings(char) or (char,)

    if not query or not compact:
        return []
    if has_cjk(query):  # the same sound typed with other characters
        size = len(query)
        for start in range(len(compact) - size + 1):
            window = compact[start : start + size]
            if all(a == b or set(options(a)) & set(options(b)) for a, b in zip(window, query, strict=True)):
                return [(origin[start], origin[start + size - 1] + 1)]
        return []
    from .pinyin import spelled_span

    span = spelled_span(query, compact)
    if span is not None:
        return [(origin[span[0]], origin[span[1] - 1] + 1)]
    return []


def merged_spans(found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans in order, overlapping or touching ones made one (located.py shares it)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
