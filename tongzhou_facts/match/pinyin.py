"""Toneless pinyin readings of Chinese characters, from a table generated ahead of time.

`import pypinyin` costs about 300 ms, so scripts/generate_tables.py writes the readings
to data/pinyin.txt and this module reads that (a few ms) only when a base is indexed
or a query needs readings.

A name is indexed as a few pinyin *variants*: its most common reading, then one variant
per extra reading of each polyphonic character (长: chang, zhang), so a reader who types
either reading finds it; and as the same variants reduced to initials (川姜 → cj).
"""

from __future__ import annotations

import functools

from .normalize import _read, is_cjk

MAX_READINGS = 2  # per character: more is noise from rare literary readings
MAX_VARIANTS = 6  # per string: bounds the index size for long names
WINDOW = 4  # characters kept on each side of an alternate reading


@functools.cache
def table() -> dict[str, tuple[str, ...]]:
    """Character -> its toneless readings, the most common first."""
    text = _table_text()
    found: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        rank, reading, chars = line.split("\t")
        if rank == "0":  # each character's most common reading: the bulk, done in C
            found.update(dict.fromkeys(chars, (reading,)))
        elif int(rank) < MAX_READINGS:
            for char in chars:
                found[char] = (*found.get(char, ()), reading)
    return found


def readings(char: str) -> tuple[str, ...]:
    return _readings_of(char).get(char, ())


#: Characters looked up one by one in the table's text before the whole table is built: a
#: query needs the readings of a few characters, and building all 20,000 costs 5-10 ms.
LOOKED_UP = 200
_looked_up: dict[str, tuple[str, ...]] = {}


def _readings_of(text: str) -> dict[str, tuple[str, ...]]:
    """A map holding the readings of the characters of `text` (and maybe more): the whole
    table once it is built (a base being indexed), else each character found in the table's
    text, as table() would read it."""
    if table.cache_info().currsize:
        return table()
    wanted = [char for char in dict.fromkeys(text) if char not in _looked_up and is_cjk(char)]
    if len(_looked_up) + len(wanted) > LOOKED_UP:
        return table()
    if wanted:
        source = _table_text()
        for char in wanted:
            found: tuple[str, ...] = ()
            at = source.find(char)
            while at != -1:  # the lines holding it, in the file's order (rank 0 lines first)
                start = source.rfind("\n", 0, at) + 1
                rank, reading, _ = source[start : source.find("\n", at)].split("\t")
                if rank == "0":
                    found = (reading,)
                elif int(rank) < MAX_READINGS:
                    found = (*found, reading)
                at = source.find(char, source.find("\n", at))
            _looked_up[char] = found
    return _looked_up


@functools.cache
def _table_text() -> str:
    return _read("pinyin.txt")


def _spell(common: list[str], alternates: list[tuple[int, str]]) -> tuple[str, ...]:
    """The common spelling, then for each alternate reading the few characters around it.

    A window, not a whole copy: a long name with several 多音字 would otherwise be indexed
    many times over, and queries span a few syllables, not a whole name.
    """
    out = ["".join(common)]
    for index, other in alternates[: MAX_VARIANTS - 1]:
        out.append("".join(common[max(0, index - WINDOW) : index]) + other + "".join(common[index + 1 : index + 1 + WINDOW]))
    return tuple(out)


@functools.lru_cache(maxsize=1 << 16)  # names, tags and places repeat across a big base
def variants(text: str) -> tuple[str, ...]:
    """Pinyin spellings of `text` (already normalised): the common one, then around each alternate reading."""
    readings_of = _readings_of(text)
    common: list[str] = []
    alternates: list[tuple[int, str]] = []
    for index, char in enumerate(text):
        found = readings_of.get(char) if is_cjk(char) else None
        if not found:
            common.append(char)
            continue
        common.append(found[0])
        alternates.extend((index, other) for other in found[1:])
    return _spell(common, alternates)


@functools.lru_cache(maxsize=1 << 16)
def initials(text: str) -> tuple[str, ...]:
    """The first letters of each character's readings (川姜 → cj), with the same variants."""
    readings_of = _readings_of(text)
    common: list[str] = []
    alternates: list[tuple[int, str]] = []
    for char in text:
        found = readings_of.get(char) if is_cjk(char) else None
        if not found:
            if char.isalnum():
                common.append(char)
            continue
        alternates.extend((len(common), other[0]) for other in found[1:] if other[0] != found[0][0])
        common.append(found[0][0])
    return _spell(common, alternates)


@functools.lru_cache(maxsize=1 << 16)  # names, tags and places repeat across a big base
def spellings(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """`variants(text)` and `initials(text)` in one pass over the characters: what indexing a
    name, an alias or a tag needs (match/fields.py), at half the cost of the two calls. (A
    character's test for Chinese is made only for those the table holds, and inline.)"""
    get = _readings_of(text).get
    common: list[str] = []
    alternates: list[tuple[int, str]] = []
    firsts: list[str] = []
    other_firsts: list[tuple[int, str]] = []
    for index, char in enumerate(text):
        found = get(char)
        if not found or not ("\u3400" <= char <= "\u9fff" or "\U00020000" <= char <= "\U0002ffff"):  # is_cjk
            common.append(char)
            if char.isalnum():
                firsts.append(char)
            continue
        reading = found[0]
        common.append(reading)
        if len(found) > 1:
            initial = reading[0]
            for other in found[1:]:
                alternates.append((index, other))
                if other[0] != initial:
                    other_firsts.append((len(firsts), other[0]))
        firsts.append(reading[0])
    return _spell(common, alternates), _spell(firsts, other_firsts)


def spelled_span(query: str, text: str) -> tuple[int, int] | None:
    """The first span of `text` whose characters spell `query` in pinyin, or None.

    Each character may be typed as a whole reading, a prefix of one (its initial, or an
    unfinished last syllable), or as itself: so `chuanjiang`, `cj`, `chuanj`,
    `tuoyuzx` (托育综合…) and `异质jie` all find their names. Used as a fallback
    after the indexed substring search, and to highlight such matches.
    """
    if not query:
        return None
    readings_of = _readings_of(text)
    options = [readings_of.get(char, ()) if is_cjk(char) else () for char in text]
    size = len(query)
    for start in range(len(text)):
        reach = {0}
        for end in range(start, len(text)):
            ahead: set[int] = set()
            for at in reach:
                if query[at] == text[end]:
                    ahead.add(at + 1)
                for reading in options[end]:
                    length = 0
                    while length < len(reading) and at + length < size and query[at + length] == reading[length]:
                        length += 1
                        ahead.add(at + length)
            if size in ahead:
                return start, end + 1
            reach = {at for at in ahead if at < size}
            if not reach:
                break
    return None


@functools.cache
def _syllable_starts() -> frozenset[str]:
    """Every prefix of every reading: what one character may be typed as (spelled_span).
    Read from the table's reading column, without building the table."""
    spelled = {
        line.split("\t")[1] for line in _table_text().splitlines() if line and int(line[: line.index("\t")]) < MAX_READINGS
    }
    return frozenset(reading[:end] for reading in spelled for end in range(1, len(reading) + 1))


def spelled_initials(query: str) -> tuple[set[str], set[str]]:
    """What the initials of a span that `query` spells (spelled_span) start with: the first
    three initials of a span of three characters or more, and the two of a span of two.

    Each character of the span is typed as a prefix of a reading (its initial first), or
    as itself; so the initials are the first letters of the pieces the query splits into,
    and a name the query spells holds one of these in its initials (fields.py `ini`), a
    look-up in the index instead of a check of every name. (A span of one character is a
    reading's prefix: the search as typed finds it in the pinyin.)
    """
    starts = _syllable_starts()

    def pieces(at: int) -> list[tuple[int, tuple[str, ...]]]:
        """(where the next piece starts, the initials it may stand for) of each piece at `at`."""
        char = query[at]
        if is_cjk(char):
            return [(at + 1, tuple(dict.fromkeys(r[0] for r in readings(char))) or (char,))]
        out: list[tuple[int, tuple[str, ...]]] = [(at + 1, (char,))]
        out += [(end, (char,)) for end in range(at + 2, min(len(query), at + 6) + 1) if query[at:end] in starts]
        return out

    three: set[str] = set()
    two: set[str] = set()
    for second, firsts in pieces(0):
        if second >= len(query):
            continue
        for third, seconds in pieces(second):
            pairs = {a + b for a in firsts for b in seconds}
            if third == len(query):
                two |= pairs
            elif third < len(query):
                three |= {pair + c for pair in pairs for _, thirds in pieces(third) for c in thirds}
    return three, two
