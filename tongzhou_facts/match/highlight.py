"""Where a query matched, as character spans of the original text (for the table's highlight).

Positions are mapped back through normalisation, so 醫保 highlights 医保 and
ＧＤＰ highlights GDP; a pinyin or same-sound match highlights the characters whose
readings spell the query.
"""

from __future__ import annotations

from collections.abc import Sequence

from .normalize import has_cjk, normalize_map


def spans(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Sorted, merged (start, end) spans of `text` where the terms occur."""
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
    if not found:
        found = _sounded(compact, origin, "".join(terms).replace(" ", ""))
    return _merge(found)


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
    for start in range(len(compact)):
        spelled = [""]
        for end in range(start, len(compact)):
            spelled = [s + o for s in spelled for o in options(compact[end])][:64]
            if any(s.startswith(query) for s in spelled):
                return [(origin[start], origin[end] + 1)]
            spelled = [s for s in spelled if query.startswith(s)]
            if not spelled:
                break
    first_letters = "".join(options(c)[0][0] for c in compact)
    at = first_letters.find(query)
    if at != -1 and len(query) >= 2:
        return [(origin[at], origin[at + len(query) - 1] + 1)]
    return []


def _merge(found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
