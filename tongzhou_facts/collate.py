"""The order names sort in (`--sort name`): Chinese by pinyin, as a Chinese dictionary or
phone book orders them, not by code point (which is roughly by radical and stroke).

A name's key compares element by element:

- a run of digits is one element, compared as a number (2号 before 10号), before any letter;
- a Latin letter is its lower-case self and a Chinese character its most common toneless
  reading (match/pinyin.py's bundled table), compared as spellings, syllable by syllable,
  so Latin and Chinese interleave by sound: GDP (g, d, p), then 港口 (gang, kou), then
  高新区 (gao, xin, qu); full-width letters and digits count as their ASCII forms (NFKC);
- a Chinese character without a reading sorts after every spelling, by code point;
- punctuation, spaces and symbols are skipped (“一主一新一智” sorts under yi).

Equal keys fall back to the text itself, so the order is total and the same on every run.
English names take the same key (`--sort name --lang en`, `--sort name_en`: query.sort_key),
so letters compare in any case as one and a Chinese name without an English one falls among
them by its pinyin.
"""

from __future__ import annotations

from typing import Any

#: Element classes: numbers first, then spellings (Latin and pinyin), then Chinese characters
#: the table has no reading for.
NUMBER, SPELLING, UNREAD = 0, 1, 2


def key(text: str) -> tuple[tuple[tuple[int, int, str], ...], str]:
    """The sort key of `text` (see the module docstring)."""
    import unicodedata

    from .match.normalize import is_cjk
    from .match.pinyin import readings

    text = unicodedata.normalize("NFKC", text)
    elements: list[tuple[int, int, str]] = []
    at, end = 0, len(text)
    while at < end:
        char = text[at]
        if char.isdecimal():
            start = at
            while at < end and text[at].isdecimal():
                at += 1
            elements.append((NUMBER, int(text[start:at]), ""))
            continue
        at += 1
        if is_cjk(char):
            found = readings(char)
            elements.append((SPELLING, 0, found[0]) if found else (UNREAD, 0, char))
        elif char.isalpha():
            elements.append((SPELLING, 0, char.lower()))
    return tuple(elements), text


def sort_key(text: Any) -> tuple[tuple[tuple[int, int, str], ...], str]:
    """`key` of any value as its text (a missing name is "")."""
    return key("" if text is None else str(text))
