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

`key` is the reference: nested tuples, about 1 KB and 40 µs a name. Sorting a million names
uses `packed`, the same key as one bytes object (about 100 bytes, a few µs) that compares
exactly as `key` does (tests/test_sort_order.py checks it on random names), so the sort
compares bytes in C and sorting.py can spill keys to disk.
"""

from __future__ import annotations

import re
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


#: In a packed key: the end of the elements (before the text), and each element class's mark.
#: Every character of a spelling is above them (a letter, or a reading's letters), so a
#: spelling that is a prefix of another ends on a mark and sorts first, as in `key`.
_END, _MARKS = "\x00", ("\x01", "\x02", "\x03")
#: A run of decimal digits: `\d` in a str pattern is Unicode category Nd, as str.isdecimal.
_DIGITS = re.compile(r"\d+")
#: Digit counts below this are one character; longer ones that character and six 12-bit digits.
_LONG = 0xD000


class _Elements(dict[int, "str | None"]):
    """A str.translate table from a character to its element in a packed key (None: skipped),
    filled as characters are met: each is looked up once however many names hold it."""

    def __missing__(self, code: int) -> str | None:
        from .match.normalize import is_cjk
        from .match.pinyin import readings

        char = chr(code)
        element: str | None = None
        if is_cjk(char):
            found = readings(char)
            element = _MARKS[SPELLING] + found[0] if found else _MARKS[UNREAD] + char
        elif char.isalpha():
            element = _MARKS[SPELLING] + char.lower()
        self[code] = element
        return element


_ELEMENTS = _Elements()


def packed(text: str) -> bytes:
    """`key(text)` as bytes that sort exactly as the key does: each element a mark and its
    text (a number: its digit count, then its digits without leading zeros), then an end mark
    and the NFKC text, in UTF-8 (whose byte order is code point order)."""
    import unicodedata

    text = unicodedata.normalize("NFKC", text)
    parts: list[str] = []
    at = 0
    for run in _DIGITS.finditer(text):
        parts.append(text[at : run.start()].translate(_ELEMENTS))
        parts.append(_number(run.group()))
        at = run.end()
    parts.append(text[at:].translate(_ELEMENTS))
    parts += (_END, text)
    return "".join(parts).encode("utf-8", "surrogatepass")


def _number(digits: str) -> str:
    """A run of digits as a packed element: longer numbers after shorter ones, then digit by
    digit (any script's digits as ASCII, as int() reads them, with no limit on their count)."""
    if not digits.isascii():
        import unicodedata

        digits = "".join(str(unicodedata.decimal(char)) for char in digits)
    digits = digits.lstrip("0") or "0"
    size = len(digits)
    if size < _LONG:
        count = chr(size)
    else:  # more digits than a character counts below the surrogates: mark, then 72 bits
        count = chr(_LONG) + "".join(chr(0xE000 + (size >> shift & 0xFFF)) for shift in range(60, -1, -12))
    return _MARKS[NUMBER] + count + digits
