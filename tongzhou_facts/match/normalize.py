"""One normalisation for index and query alike, so the two always meet.

NFKC folds full-width digits and letters (２６００ → 2600, ＧＤＰ → gdp); case is
folded; traditional characters become simplified (醫保 → 医保); punctuation is
dropped, except a '.', '-' or ':' inside a number (1.38, 2023-12-28) and '%';
spaces survive only between Latin letters or digits; English plurals lose their
-s (schools → school) and British spellings become American (centre → center);
thousands separators go (2,600 → 2600) and dotted dates become ISO (2023.12.28).
"""

from __future__ import annotations

import functools
import os
import re

from ..index_schema import GAP, NUMBER, SEPARATOR

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data")  # not importlib.resources: 18 ms
#: Between the fields of one record, as SEPARATOR (index_schema.py) is between the values of
#: one field: private-use characters, kept by every step below, made spaces in a query.
FIELD_SEPARATOR = "\ue001"
#: The rules' patterns are compiled on first use (see `_patterns`), not at import: a warm
#: search of a Chinese query needs none of them, and together they cost milliseconds.
_PATTERNS = {
    # Punctuation, symbols and spaces, in two passes (see normalize): '_', and a '.', ':' or '-'
    # not inside a number, made spaces; then every run of those and of other punctuation one space.
    # Each pattern starts with a set of characters, which the regex engine skips to in C (one
    # pass with alternatives tried at every character took three times as long).
    "_LONE_MARK": r"[_.:\-](?:(?<=_)|(?<![0-9].)|(?![0-9]))",
    "_NOT_WORD": r"[^\w%.:\-\ue000\ue001]+",
    "_EDGE_SPACE": r" (?:(?<![a-z0-9] )|(?![a-z0-9]))",  # a space without a letter or digit on each side
    "_PLURAL": r"(?<![a-z])([a-z]{3,}?)(ies|sses|s)(?![a-z])",
    "_THOUSANDS": r",(?<=\d,)(?=\d{3}(?!\d))",
    "_DOTTED_DATE": r"(\d{4})(?<!\d\d{4})[./](\d{1,2})[./](\d{1,2})(?!\d)",
    "_PLAIN_CJK": r"[\u4e00-\u9fff]+",  # (normalize itself tests this range without a regex: is_plain_cjk)
    "_CJK": r"[\u3400-\u9fff\U00020000-\U0002ffff]",
    "_LATIN": r"[a-z]",
    # A number as normalize leaves it: digits, and a decimal part (1.38); a date's or a time's
    # parts (2023-12-28, 10:30) are numbers of their own.
    "_NUMBER": r"[0-9]+(?:\.[0-9]+)*",
}
#: Up to this many characters of a process's first texts are mapped to simplified characters
#: through the table's text, one look-up each; past them the table is built as a dict (2 ms),
#: which maps any text at C speed. A warm search maps its query and nothing else.
SHORT_MAP_BUDGET = 64


@functools.cache
def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(_PATTERNS[name])


def _read(name: str) -> str:
    """A data file without its comment lines (`#`: where the table came from)."""
    with open(os.path.join(DATA, name), encoding="utf-8") as handle:
        return "".join(line for line in handle if not line.startswith("#"))


@functools.cache
def _t2s_pairs() -> str:
    """The traditional -> simplified table as written: each traditional character, then its simplified one."""
    return _read("t2s.txt").strip()


@functools.cache
def t2s_table() -> dict[int, str]:
    """Traditional -> simplified, one character to one (OpenCC's tables, generated)."""
    text = _t2s_pairs()
    return {ord(text[i]): text[i + 1] for i in range(0, len(text) - 1, 2)}


_short_mapped = 0  # characters mapped so far without the dict (see SHORT_MAP_BUDGET)
_mapped = 0  # characters mapped so far through the dict (see DENSE_MAP_FROM)
#: Past this many characters mapped through the dict (an index being built: a warm search maps
#: a few), texts are mapped through `_dense_table`, which maps every character below U+A000.
DENSE_MAP_FROM = 50_000


def simplified(text: str) -> str:
    """`text` with traditional characters made simplified (醫保 → 医保)."""
    global _short_mapped, _mapped
    if _short_mapped + len(text) > SHORT_MAP_BUDGET or t2s_table.cache_info().currsize:
        if _mapped > DENSE_MAP_FROM:
            return text.translate(_dense_table())
        _mapped += len(text)
        return text.translate(t2s_table())
    _short_mapped += len(text)
    return _short_simplified(text)


@functools.cache
def _dense_table() -> dict[int, int | str]:
    """`t2s_table` with every other character below U+A000 mapped to itself (2 ms to build, a
    few megabytes): str.translate raises and clears a KeyError inside for each character a
    table lacks, so a quote maps in 1.3 µs through this one, 2 µs through the sparse one. The
    same text out: what the sparse table lacks, translate leaves as it is."""
    table: dict[int, int | str] = dict(zip(range(0xA000), range(0xA000), strict=True))
    table.update(t2s_table())
    return table


def _short_simplified(text: str) -> str:
    """`simplified` without the dict: a search of the table's text for each character."""
    pairs = _t2s_pairs()
    out = []
    for char in text:
        # The last even place that holds it (the dict keeps a repeated key's last value); an
        # odd place is a simplified character, not a key.
        at = pairs.rfind(char)
        while at > 0 and at % 2:
            at = pairs.rfind(char, 0, at)
        out.append(pairs[at + 1] if at >= 0 and not at % 2 else char)
    return "".join(out)


@functools.cache
def _traditional() -> re.Pattern[str]:
    """Any character the traditional -> simplified map would change."""
    return re.compile("[" + "".join(re.escape(chr(code)) for code in t2s_table()) + "]")


@functools.cache
def spellings() -> dict[str, str]:
    """British -> American spellings (data/spelling.txt), so centre and center meet."""
    pairs = {}
    for line in _read("spelling.txt").splitlines():
        if line.strip() and not line.startswith("#"):
            british, american = line.split()
            pairs[british] = american
    return pairs


@functools.cache
def _british() -> re.Pattern[str]:
    return re.compile(r"(?<![a-z])(?:" + "|".join(sorted(spellings(), key=len, reverse=True)) + r")(?![a-z])")


def _american(found: re.Match[str]) -> str:
    return spellings()[found.group()]


def _iso_date(found: re.Match[str]) -> str:
    year, month, day = found.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _singular(found: re.Match[str]) -> str:
    stem, ending = found.group(1), found.group(2)
    if ending == "ies":
        return stem + "y"
    if ending == "sses":
        return stem + "ss"
    return stem if not stem.endswith("s") else stem + "s"


def is_plain_cjk(text: str) -> bool:
    """Only characters of the main CJK block (U+4E00-U+9FFF): NFKC, case folding and the
    punctuation rules leave such a text as it is. (No regex: compiling this range costs 1 ms.)"""
    # The first character alone answers most texts that are not (a quote starting with its year).
    return bool(text) and "\u4e00" <= text[0] <= "\u9fff" and min(text) >= "\u4e00" and max(text) <= "\u9fff"


def normalize(text: str) -> str:
    """The searchable form of `text` (see the module docstring)."""
    if is_plain_cjk(text):  # most names, aliases, tags and queries: only the character map applies
        return simplified(text)
    import unicodedata  # here: a warm search of a Chinese query never needs it

    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = text.casefold()
    # translate() maps character by character; for a long text a regex scan (in C) first is
    # cheaper, but compiling that regex costs 5 ms: worth it only when indexing.
    if len(text) < 500 or _traditional().search(text):
        text = simplified(text)
    if "," in text:
        text = _pattern("_THOUSANDS").sub("", text)  # 2,600 -> 2600
    if "." in text or "/" in text:
        text = _pattern("_DOTTED_DATE").sub(_iso_date, text)  # 2023.12.28, 2023/12/28 -> 2023-12-28
    if "_" in text or "." in text or ":" in text or "-" in text:
        text = _pattern("_LONE_MARK").sub(" ", text)
    text = _pattern("_NOT_WORD").sub(" ", text)
    if " " in text:
        text = _pattern("_EDGE_SPACE").sub("", text.strip())
    if _pattern("_LATIN").search(text):
        text = _british().sub(_american, text)
        text = _pattern("_PLURAL").sub(_singular, text)
    return text


def numbered(text: str) -> str:
    """A normalised text with each number between NUMBER marks (1730亿元 -> ⁣1730⁣亿元), so that a
    query's number, marked alike, is found whole: 1730 not inside 17300 nor 100 inside 1000.
    Applied to the fields looked up as typed (fields.py) and to a query's terms (engine.py);
    never to pinyin, whose digits are part of a spelling."""
    if NUMBER in text or is_plain_cjk(text):  # marked already, or no digit to mark
        return text
    return _pattern("_NUMBER").sub(_marked, text)


def _marked(found: re.Match[str]) -> str:
    """A number between NUMBER marks. (A function, not the template NUMBER + r"\\g<0>" + NUMBER:
    Python 3.11 expands a template in Python, three calls a number, twice the time.)"""
    return NUMBER + found.group() + NUMBER


def unnumbered(text: str) -> str:
    """`text` without its NUMBER marks (what `numbered` added)."""
    return text.replace(NUMBER, "")


def normalize_char(char: str) -> str:
    """One character's searchable form ('' for punctuation), for mapping positions back.

    A table's highlights map a few hundred characters: ASCII and the main block of Chinese
    characters are their own NFKC form (no `unicodedata`), and a character is simplified by a
    look-up in the table's text until the dict exists (building it cost 1 ms of every table)."""
    if char.isascii():
        folded = char.lower()  # what NFKC and casefold make of it
    elif "\u4e00" <= char <= "\u9fff":  # CJK Unified Ideographs: no compatibility mapping, no case
        folded = char
    else:
        import unicodedata

        folded = unicodedata.normalize("NFKC", char).casefold()
    if len(folded) == 1:
        folded = t2s_table().get(ord(folded), folded) if t2s_table.cache_info().currsize else _short_simplified(folded)
    return "".join(c for c in folded if c.isalnum() or c in "%.-:")


def normalize_map(text: str) -> tuple[str, list[int]]:
    """A compact normalised form (no spaces, no stemming) and each character's origin.

    Used only to highlight matches in the original text; the index uses `normalize`.
    """
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for piece in normalize_char(char):
            out.append(piece)
            origin.append(index)
    return "".join(out), origin


def has_cjk(text: str) -> bool:
    """Any Chinese character (U+3400-U+9FFF, or the supplementary planes' U+20000-U+2FFFF)."""
    if not text or max(text) < "\u3400":  # Latin, digits, punctuation: no scan
        return False
    if len(text) > 64:  # a long text: the regex (compiled once, 1 ms) scans it in C
        return _pattern("_CJK").search(text) is not None
    return any(is_cjk(char) for char in text)


def is_cjk(char: str) -> bool:
    """Whether the first character of `char` is Chinese (see has_cjk)."""
    first = char[:1]
    return "\u3400" <= first <= "\u9fff" or "\U00020000" <= first <= "\U0002ffff"


def query_text(query: str) -> str:
    """A query with the private-use characters the index uses (SEPARATOR, FIELD_SEPARATOR,
    GAP, NUMBER) made spaces: typed into a query they would act as the index's own boundaries."""
    return query.translate(_PRIVATE) if max(query, default="") >= min(_PRIVATE_CHARACTERS) else query


_PRIVATE_CHARACTERS = (SEPARATOR, FIELD_SEPARATOR, GAP, NUMBER)
_PRIVATE = dict.fromkeys(map(ord, _PRIVATE_CHARACTERS), " ")


def terms(query: str) -> list[str]:
    """The query's terms: whitespace-separated pieces, each normalised, none empty."""
    out = []
    for piece in query_text(query).split():
        normal = normalize(piece)
        if normal:
            out.append(normal)
    return out
