"""A query read as a question: its content words, a year to filter on, and what it wants.

Question words and filler (多少, 什么时候, 的, 吗; how, many, when, the …) are not words
to find, nor is the district's own name (通州, Tongzhou) while other words remain; a year
(2023年, 2023, 去年) becomes a filter. What the question wants (a number, a growth rate, a
date, people, a list) is its intent. English words bring the Chinese terms of the glossary.
The words are data: data/question_words.txt and data/glossary.txt, read on first use.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from .normalize import _PLAIN_CJK, _read, has_cjk, normalize

#: Roles whose words are dropped from the query (`growth` and `level` are kept: they are content too).
DROPPED = frozenset({"number", "when", "where", "who", "which", "capacity", "last_year", "this_year", "district", "stop"})
INTENTS = frozenset({"number", "when", "where", "who", "which", "capacity", "growth", "level"})
#: Roles kept as words to find whose words also say what a question wants, inside a run of Chinese too.
KEPT_INTENTS = ("growth", "level")
#: A year on its own: 2023, 2023年, but not 2023-12-28, 2023.5, 2023年12月 or 12023.
_YEAR = r"(?<![\d.:\-])((?:19|20)\d\d)(?:年(?!\s*\d)|(?![\d.:\-%年]))"
#: A run of Chinese (with the numbers inside it: 12月13日, 3.0版), or a Latin word or a number.
_PIECES = r"[0-9.%:\-]*[^\x00-\x7f][^\sa-z]*|[a-z0-9][a-z0-9.%:\-]*"
MAX_CHUNK = 12  # characters of Chinese looked up as one word; a longer run is cut


class Word(NamedTuple):
    """A content word of a question: as typed (normalised), and the forms any of which matches."""

    text: str
    forms: tuple[str, ...]
    cjk: bool


class Question(NamedTuple):
    words: tuple[Word, ...]
    year: int | None
    relative_year: int  # 0, or -1 for 去年 / last year (resolved against the sources' date)
    intents: frozenset[str]
    dropped: bool  # did the reading drop anything (a question word, the district, a year)?


@functools.cache
def roles() -> dict[str, str]:
    """Word or phrase (words joined by `_`) -> role, from data/question_words.txt."""
    out: dict[str, str] = {}
    for line in _read("question_words.txt").splitlines():
        role, *words = line.split()
        for word in words:  # normalised like the query: 么 folds to another form, "this" loses its "s"
            key = normalize(word) if has_cjk(word) else "_".join(normalize(part) for part in word.split("_"))
            out.setdefault(key, role)
    return out


@functools.cache
def glossary() -> dict[str, tuple[str, ...]]:
    """English word or phrase (and its stem) -> Chinese terms, from data/glossary.txt."""
    out: dict[str, tuple[str, ...]] = {}
    for line in _read("glossary.txt").splitlines():
        if ":" not in line:
            continue
        keys, terms = line.split(":", 1)
        found = tuple(normalize(term) for term in terms.split())
        for key in keys.split(","):
            key = normalize(key.strip())
            for form in dict.fromkeys((key, stem(key))):
                out[form] = out.get(form, ()) + tuple(t for t in found if t not in out.get(form, ()))
    return out


@functools.cache
def _english() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for key, terms in glossary().items():
        for term in terms:
            out.setdefault(term, []).append(key)
    return {term: tuple(keys) for term, keys in out.items()}


def english_for(term: str) -> tuple[str, ...]:
    """The glossary's English words for a Chinese term (荣誉 → honour, award…): a Chinese word
    the base does not hold may still be a category or an English name it does."""
    return _english().get(term, ())


def stem(word: str) -> str:
    """A light English stem: growing → grow, renovated → renovat, topped → top, renovate → renovat."""
    if len(word) < 5 or not (word.isascii() and word.isalpha()):
        return word
    for ending in ("ing", "ed", "e"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            word = word[: -len(ending)]
            break
    if len(word) >= 4 and word[-1] == word[-2] and word[-1] not in "ls":
        word = word[:-1]  # topp → top, but not fill, pass
    return word


@functools.cache
def _starts() -> frozenset[str]:
    """The first characters of the Chinese words a question drops."""
    return frozenset(w[0] for w, r in roles().items() if r in DROPPED and has_cjk(w))


@functools.cache
def _kept(role: str) -> re.Pattern[str]:
    """Any Chinese word of a kept role (growth: 增长, 增速 …)."""
    words = [w for w, r in roles().items() if r == role and has_cjk(w)]
    return re.compile("|".join(map(re.escape, words)) or "(?!)")


@functools.cache
def _cjk_dropped() -> re.Pattern[str]:
    words = sorted((w for w, r in roles().items() if r in DROPPED and has_cjk(w)), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)))


def read(query: str) -> Question:
    """The question in `query` (see the module docstring)."""
    text = normalize(query)
    year: int | None = None
    found = re.search(_YEAR, text) if any(c.isdigit() for c in text) else None  # compiled only when needed
    if found:
        year = int(found.group(1))
        text = text[: found.start()] + " " + text[found.end() :]
    intents: set[str] = set()
    latin, chinese = _split(text)
    words, dropped, relative = _latin_words(latin, intents)
    for chunk in chinese:
        pieces, chunk_relative, chunk_dropped = _chinese_words(chunk, intents)
        words += pieces
        relative = relative or chunk_relative
        dropped = dropped or chunk_dropped
    for word in words:
        role = roles().get(word.text)
        if role in INTENTS:
            intents.add(str(role))
        elif word.cjk:  # 经济增长 wants a growth rate as 增长 does
            intents.update(r for r in KEPT_INTENTS if _kept(r).search(word.text))
    dropped = dropped or year is not None or relative != 0
    return Question(tuple(dict.fromkeys(words)), year, relative, frozenset(intents & INTENTS), dropped)


def _split(text: str) -> tuple[list[str], list[str]]:
    """Latin words (and numbers) and runs of other characters, in order of kind."""
    latin: list[str] = []
    chinese: list[str] = []
    if _PLAIN_CJK.fullmatch(text):  # most queries: one run of characters
        return [], [text]
    for piece in re.findall(_PIECES, text):
        (chinese if has_cjk(piece) else latin).append(piece)
    return latin, chinese


def _latin_words(words: list[str], intents: set[str]) -> tuple[list[Word], bool, int]:
    """Content words of the Latin part: phrases first (how_many, topped out), then words."""
    out: list[Word] = []
    dropped = False
    relative = 0
    i = 0
    while i < len(words):
        pair = "_".join(words[i : i + 2]) if i + 1 < len(words) else ""
        role = roles().get(pair) if pair else None
        if role is not None:
            intents.add(role)
            if role in ("last_year", "this_year"):
                relative = -1 if role == "last_year" else 0
                dropped = True
                i += 2
                continue
        phrase = " ".join(words[i : i + 2]) if i + 1 < len(words) else ""
        if phrase and phrase in glossary():
            out.append(Word(phrase, (phrase, *glossary()[phrase]), False))
            i += 2
            continue
        word = words[i]
        i += 1
        role = roles().get(word)
        if role is not None and role in DROPPED:
            intents.add(role)
            dropped = True
            continue
        out.append(_latin_word(word))
    return out, dropped, relative


def _latin_word(word: str) -> Word:
    base = stem(word)
    forms = [word] if len(base) < 3 or base == word else [base]
    forms += glossary().get(word, glossary().get(base, ()))
    return Word(word, tuple(dict.fromkeys(forms)), False)


def _chinese_words(chunk: str, intents: set[str]) -> tuple[list[Word], int, bool]:
    """Content runs of a Chinese chunk, split where question words and filler were;
    the relative year (去年: -1) and whether anything was dropped."""
    out: list[Word] = []
    relative = 0
    start = 0
    if not _starts().intersection(chunk):  # no dropped word can be in it: the regex is not needed
        return _cjk_runs(chunk), 0, False
    for found in _cjk_dropped().finditer(chunk):
        role = roles()[found.group()]
        intents.add(role)
        relative = -1 if role == "last_year" else relative
        out += _cjk_runs(chunk[start : found.start()])
        start = found.end()
    out += _cjk_runs(chunk[start:])
    return out, relative, start > 0


def _cjk_runs(text: str) -> list[Word]:
    text = text.strip()
    if not text:
        return []
    text = text[:MAX_CHUNK]
    return [Word(text, (text,), True)]
