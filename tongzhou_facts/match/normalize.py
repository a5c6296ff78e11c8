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
import unicodedata

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data")  # not importlib.resources: 18 ms
#: Joins the values of one field (aliases, tags…) so a field is normalised in one call;
#: a private-use character: kept by every step below, never typed in a query.
SEPARATOR = "\ue000"
FIELD_SEPARATOR = "\ue001"  # the same, between the fields of one record
#: Punctuation, symbols and spaces, in one pass: a '.', ':' or '-' survives only inside a number.
_NOT_WORD = re.compile(r"(?:[^\w%.:\-\ue000\ue001]|_|(?<![0-9])[.:\-]|[.:\-](?![0-9]))+")
_EDGE_SPACE = re.compile(r"(?<![a-z0-9]) | (?![a-z0-9])")
_PLURAL = re.compile(r"(?<![a-z])([a-z]{3,}?)(ies|sses|s)(?![a-z])")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_DOTTED_DATE = re.compile(r"(?<!\d)(\d{4})[./](\d{1,2})[./](\d{1,2})(?!\d)")
_PLAIN_CJK = re.compile(r"[\u4e00-\u9fff]+")  # NFKC, case folding and punctuation leave these as they are
_CJK = re.compile(r"[\u3400-\u9fff\U00020000-\U0002ffff]")
_LATIN = re.compile(r"[a-z]")


def _read(name: str) -> str:
    """A data file without its comment lines (`#`: where the table came from)."""
    with open(os.path.join(DATA, name), encoding="utf-8") as handle:
        return "".join(line for line in handle if not line.startswith("#"))


@functools.cache
def t2s_table() -> dict[int, str]:
    """Traditional -> simplified, one character to one (OpenCC's tables, generated)."""
    text = _read("t2s.txt").strip()
    return {ord(text[i]): text[i + 1] for i in range(0, len(text) - 1, 2)}


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


def normalize(text: str) -> str:
    """The searchable form of `text` (see the module docstring)."""
    if _PLAIN_CJK.fullmatch(text):  # most names, aliases, tags and queries: only the character map applies
        return text.translate(t2s_table())
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = text.casefold()
    # translate() maps character by character; for a long text a regex scan (in C) first is
    # cheaper, but compiling that regex costs 5 ms: worth it only when indexing.
    if len(text) < 500 or _traditional().search(text):
        text = text.translate(t2s_table())
    if "," in text:
        text = _THOUSANDS.sub("", text)  # 2,600 -> 2600
    if "." in text or "/" in text:
        text = _DOTTED_DATE.sub(_iso_date, text)  # 2023.12.28, 2023/12/28 -> 2023-12-28
    text = _NOT_WORD.sub(" ", text)
    if " " in text:
        text = _EDGE_SPACE.sub("", text.strip())
    if _LATIN.search(text):
        text = _british().sub(_american, text)
        text = _PLURAL.sub(_singular, text)
    return text


def normalize_char(char: str) -> str:
    """One character's searchable form ('' for punctuation), for mapping positions back."""
    folded = unicodedata.normalize("NFKC", char).casefold()
    if len(folded) == 1 and ord(folded) in t2s_table():
        folded = t2s_table()[ord(folded)]
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
    return _CJK.search(text) is not None


def is_cjk(char: str) -> bool:
    return _CJK.match(char) is not None


def terms(query: str) -> list[str]:
    """The query's terms: whitespace-separated pieces, each normalised, none empty."""
    out = []
    for piece in query.split():
        normal = normalize(piece)
        if normal:
            out.append(normal)
    return out
