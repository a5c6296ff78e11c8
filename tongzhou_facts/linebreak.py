"""Where wrapped text may break: at spaces and between Chinese characters, never inside a
number with its unit (6.5%, 1730亿元, 12GW, 3.6平方公里, 2023-12-13, 173.0 billion).

Rich folds Chinese by cells: a quote wrapped at 40 columns read "…同比增长6" on one line and
".5%以上" on the next. render.py wraps block lines and folding table cells with `breaks`
instead, which moves such a number to the next line whole. Plain text in, offsets out: the
width of a character is the caller's (`cells`: Rich's cell_len), so Rich stays in render.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

#: Units of more than one character a number may carry (the unit of one character, 元 or 个,
#: is any ideograph after it: see `_unit`).
LONG_UNITS = ("平方公里", "平方千米", "平方米", "公里", "千米", "千瓦", "小时", "分钟")
#: Digits with the separators of decimals, thousands, dates, times and ranges: 6.5, 1,730,
#: 2023-12-13, 10:30, 2023-2025. The patterns are ASCII: a non-ASCII character in one costs a
#: tenth of a millisecond to compile, and every table on a terminal would pay it. They are
#: compiled (and cached by `re`) when a text first needs breaking: a table whose cells all fit
#: their columns never does, and compiling the two cost 0.3 ms.
DIGITS = r"\d+(?:[.,:/~-]\d+)*"
#: Latin letters straight after a number (12GW, 5km), or after a space an English unit word
#: (english.py writes CNY 173.0 billion, 13,800 people, 12 GW, 3 km²).
LATIN_UNIT = r"[A-Za-z]+|\s(?:billion|million|people|tonnes|mu|km|m|GW|MW|kW|W)(?![A-Za-z])"
#: Never at the start of a line (they close what stands before them) …
CLOSING = frozenset(",.;:!?)]}%、，。；：！？）」』”’》〉】")
#: … nor at the end of one (they open what follows).
OPENING = frozenset("([{（「『“‘《〈【")


def breaks(text: str, width: int, cells: Callable[[str], int]) -> list[int]:
    """The offsets at which `text` (one line, no newline) breaks to fit `width` cells, as
    Rich's divide_line gives them: each line keeps its trailing spaces (the caller strips them).

    Greedy, as Rich wraps: a piece that does not fit the rest of the line starts the next.
    A piece wider than a whole line (a long id, a number wider than a narrow column) is
    broken at its own spaces first, and only then folded by cells.
    """
    offsets: list[int] = []
    if cells(text) <= width:  # most names and many quotes: one line
        return offsets
    sizes = _sizes(text, cells)
    used = 0
    for start, end in _pieces(text, sizes, width):
        if used and used + _width(text, sizes, start, end) > width:
            offsets.append(start)
            used = 0
        used += sum(sizes[start:end])
    return offsets


def _sizes(text: str, cells: Callable[[str], int]) -> list[int]:
    """The cells of each character of `text` (measured once: Rich's cell_len is not free)."""
    return [1] * len(text) if text.isascii() else [cells(char) for char in text]


def _width(text: str, sizes: list[int], start: int, end: int) -> int:
    """The cells of text[start:end] without its trailing spaces."""
    while end > start and text[end - 1].isspace():
        end -= 1
    return sum(sizes[start:end])


def _pieces(text: str, sizes: list[int], width: int) -> Iterator[tuple[int, int]]:
    """The unbreakable pieces of `text`, those wider than `width` cut smaller: at their
    spaces, then (each word still too wide) by cells, a wide character never split."""
    for start, end in _units(text, sizes):
        if _width(text, sizes, start, end) <= width:
            yield start, end
            continue
        for word in re.finditer(r"\S+\s*|\s+", text[start:end]):
            yield from _fold(text, sizes, start + word.start(), start + word.end(), width)


def _fold(text: str, sizes: list[int], start: int, end: int, width: int) -> Iterator[tuple[int, int]]:
    used = 0
    for at in range(start, end):
        if used and used + sizes[at] > width and not text[at].isspace():
            yield start, at
            start, used = at, 0
        used += sizes[at]
    yield start, end


def _units(text: str, sizes: list[int]) -> Iterator[tuple[int, int]]:
    """`text` cut where a line may break, each piece with its trailing spaces."""
    allowed = [False] * (len(text) + 1)
    for at in range(1, len(text)):
        before, after = text[at - 1], text[at]
        if after.isspace():
            continue
        # after a space, or beside a wide (Chinese) character: Chinese breaks between characters
        allowed[at] = before.isspace() or sizes[at - 1] > 1 or sizes[at] > 1
        if after in CLOSING or before in OPENING:
            allowed[at] = False
    for start, end in _numbers(text):
        for at in range(start + 1, end):
            allowed[at] = False
    start = 0
    for at in range(1, len(text)):
        if allowed[at]:
            yield start, at
            start = at
    if text:
        yield start, len(text)


def _numbers(text: str) -> Iterator[tuple[int, int]]:
    """Where each number of `text` stands with its sign and unit: −3.5%, 1730亿元, 2023～2025年."""
    at = 0
    digits = re.compile(DIGITS)  # re's cache after the first
    while (number := digits.search(text, at)) is not None:
        start, end = number.span()
        if start and text[start - 1] in "-+−":
            start -= 1
        while text[end : end + 1] in ("–", "～") and (more := digits.match(text, end + 1)) is not None:  # 2023～2025
            end = more.end()
        at = _unit(text, end)
        yield start, at


def _unit(text: str, at: int) -> int:
    """Where the unit of the number ending at `at` ends: 万 or 亿, then %, a unit of several
    characters, Latin letters or an English unit word, or one ideograph (元, 年, 个: binding
    one that is no unit only keeps two characters together)."""
    if text[at : at + 1] in ("万", "亿", "千", "百"):
        at += 1
    if at >= len(text):
        return at
    if text[at] in "%％‰":
        return at + 1
    for unit in LONG_UNITS:
        if text.startswith(unit, at):
            return at + len(unit)
    latin = re.compile(LATIN_UNIT).match(text, at)
    if latin is not None:
        return latin.end() + (text[latin.end() : latin.end() + 1] in ("²", "³"))
    return at + 1 if "\u3400" <= text[at] <= "\u9fff" else at
