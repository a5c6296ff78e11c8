"""A query read as a question: its content words, a year to filter on, and what it wants.

Question words and filler (多少, 什么时候, 的, 吗; how, many, when, the …) are not words
to find, nor is the district's own name (通州, Tongzhou) while other words remain; a year
(2023年, 2023, 去年) becomes a filter. What the question wants (a number, a growth rate, a
date, people, a list) is its intent. English words bring the Chinese terms of the glossary.
The words are data: data/question_words.txt and data/glossary.txt, read on first use.
"""

import functools
import re
from typing import NamedTuple

from .normalize import _read, _short_simplified, has_cjk, is_plain_cjk, normalize, query_text, t2s_table

#: Roles whose words are dropped from the query (`growth` and `level` are kept: they are content too).
#: Words of a relative year, and the years they add to the sources' year (去年: the year before it).
RELATIVE = {"last_year": -1, "this_year": 0, "next_year": 1, "year_before_last": -2}
DROPPED = frozenset({"number", "when", "where", "who", "which", "name", "rank", "capacity", "district", "stop", *RELATIVE})
INTENTS = frozenset({"number", "when", "where", "who", "which", "name", "capacity", "growth", "level"})
#: Roles kept as words to find whose words also say what a question wants, inside a run of Chinese too.
KEPT_INTENTS = ("growth", "level")
#: A year on its own: 2023, 2023年, but not 2023-12-28, 2023.5, 2023年12月 or 12023.
_YEAR = r"(?<![\d.:\-])((?:19|20)\d\d)(?:年(?!\s*\d)|(?![\d.:\-%年]))"
#: A run of Chinese (with the numbers inside it: 12月13日, 3.0版), or a Latin word or a number.
_PIECES = r"[0-9.%:\-]*[^\x00-\x7f][^\sa-z]*|[a-z0-9][a-z0-9.%:\-]*"


class Word(NamedTuple):
    """A content word of a question: as typed (normalised), and the forms any of which matches."""

    text: str
    forms: tuple[str, ...]
    cjk: bool
    named: str = ""  # the word with the district's name before it, as typed (通州大桥): a name, if the base holds it


class Question(NamedTuple):
    words: tuple[Word, ...]
    year: int | None  # the first year named
    relative_year: int | None  # -1 for 去年 / last year, 0 for 今年 … (resolved against the sources' date)
    intents: frozenset[str]
    dropped: bool  # did the reading drop anything (a question word, the district, a year)?
    years: tuple[int, ...] = ()  # every year named (通州2023年GDP比2022年多多少)


@functools.cache
def roles() -> dict[str, str]:
    """Word or phrase (words joined by `_`) -> role, from data/question_words.txt."""
    return _role_keys(_role_words())


def _role_keys(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Word -> role of these (role, word) pairs, the first role of a word kept."""
    # normalised like the query: 么 folds to another form, "this" loses its "s"; a phrase word by word
    parts = [[word] if has_cjk(word) else word.split("_") for _, word in pairs]
    normal = iter(_normalized([part for split in parts for part in split]))
    out: dict[str, str] = {}
    for (role, _), split in zip(pairs, parts, strict=True):
        out.setdefault("_".join(next(normal) for _ in split), role)
    return out


@functools.cache
def cjk_roles() -> dict[str, str]:
    """`roles` of the Chinese words alone: a Chinese question needs no more, and normalising
    the English ones first costs a few milliseconds (the Latin rules' patterns)."""
    pairs = [(role, word) for role, word in _role_words() if has_cjk(word)]
    out: dict[str, str] = {}
    for (role, _), key in zip(pairs, _normalized([word for _, word in pairs]), strict=True):
        out.setdefault(key, role)
    return out


def _normalized(words: list[str]) -> list[str]:
    """`normalize` of each word. For a text of main-block characters only, that is mapping each
    character to its simplified form: the words' characters are mapped once, together (word by
    word, they would be more characters than normalize.simplified maps without building the
    whole table, a millisecond a search that reads a question spends for nothing else)."""
    others = {word: normalize(word) for word in words if not is_plain_cjk(word)}  # first: they may build the table
    plain = "".join(dict.fromkeys(char for word in words if word not in others for char in word))
    # The table, once built, maps them at C speed; else a look-up of each in the table's text.
    mapped = plain.translate(t2s_table()) if t2s_table.cache_info().currsize else _short_simplified(plain)
    mapping = {ord(char): simple for char, simple in zip(plain, mapped, strict=True)}
    return [others[word] if word in others else word.translate(mapping) for word in words]


def _role_words() -> list[tuple[str, str]]:
    pairs = []
    for line in _read("question_words.txt").splitlines():
        role, *words = line.split()
        pairs += [(role, word) for word in words]
    return pairs


@functools.cache
def glossary() -> dict[str, tuple[str, ...]]:
    """English word or phrase (and its stem) -> Chinese terms, from data/glossary.txt."""
    return _glossary_of(_glossary_entries())


def _glossary_entries() -> list[tuple[list[str], list[str]]]:
    """The glossary's lines: their English words and phrases, and their Chinese terms."""
    entries: list[tuple[list[str], list[str]]] = []
    for line in _read("glossary.txt").splitlines():
        if ":" in line:
            words, chinese = line.split(":", 1)
            entries.append(([word.strip() for word in words.split(",")], chinese.split()))
    return entries


def _glossary_of(entries: list[tuple[list[str], list[str]]]) -> dict[str, tuple[str, ...]]:
    """`glossary` of these lines."""
    normal = iter(_normalized([text for keys, terms in entries for text in (*terms, *keys)]))  # all at once
    out: dict[str, tuple[str, ...]] = {}
    for keys, terms in entries:
        found = tuple(next(normal) for _ in terms)
        for key in (next(normal) for _ in keys):
            for form in dict.fromkeys((key, stem(key))):
                out[form] = out.get(form, ()) + tuple(t for t in found if t not in out.get(form, ()))
    return out


def _latin_role(word: str) -> str | None:
    """`roles().get(word)` for a Latin word or phrase (words joined by `_`), normalising only
    the question words that begin as it does, unless every one is (normalising a word keeps
    its first letter, lower case: tests check the data). Normalising all the English words
    costs a Latin query that is no question 1-2 ms."""
    return (roles() if roles.cache_info().currsize else _roles_starting(word[:1])).get(word)


@functools.cache
def _roles_starting(first: str) -> dict[str, str]:
    return _role_keys([(role, word) for role, word in _role_words() if not has_cjk(word) and _first(word) == first])


def glossed(word: str) -> tuple[str, ...] | None:
    """`glossary().get(word)`, normalising only the lines with a word that begins as it does
    (see `_latin_role`)."""
    return (glossary() if glossary.cache_info().currsize else _glossary_starting(word[:1])).get(word)


@functools.cache
def _glossary_starting(first: str) -> dict[str, tuple[str, ...]]:
    entries = [([w for w in words if _first(w) == first], terms) for words, terms in _glossary_entries()]
    return _glossary_of([(words, terms) for words, terms in entries if words])


def _first(word: str) -> str:
    """The first letter of a data word as normalised (see `_latin_role`)."""
    return word[:1].casefold()


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
    return frozenset(w[0] for w, r in cjk_roles().items() if r in DROPPED)


@functools.cache
def _kept(role: str) -> tuple[str, ...]:
    """The Chinese words of a kept role (growth: 增长, 增速 …); a question holding one wants
    what they say (a few `in` tests: compiling them as one pattern costs more)."""
    return tuple(w for w, r in cjk_roles().items() if r == role)


@functools.cache
def _cjk_dropped() -> re.Pattern[str]:
    words = sorted((w for w, r in cjk_roles().items() if r in DROPPED), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)))


@functools.lru_cache(maxsize=256)
def read(query: str) -> Question:
    """The question in `query` (see the module docstring). Remembered: a search that finds
    nothing reads its query again for the year a 'did you mean' is limited to."""
    text = normalize(query_text(query))
    years: list[int] = []
    if any(c.isdigit() for c in text):  # the pattern is compiled only when needed
        years = [int(y) for y in re.findall(_YEAR, text)]
        text = re.sub(_YEAR, " ", text)
    intents: set[str] = set()
    latin, chinese = _split(text)
    words, dropped = _latin_words(latin, intents)
    for chunk in chinese:
        pieces, chunk_dropped = _chinese_words(chunk, intents)
        words += pieces
        dropped = dropped or chunk_dropped
    relative = next((RELATIVE[role] for role in RELATIVE if role in intents), None)
    for word in words:
        role = cjk_roles().get(word.text) if word.cjk else _latin_role(word.text)
        if role in INTENTS:
            intents.add(str(role))
        elif word.cjk:  # 经济增长 wants a growth rate as 增长 does
            intents.update(r for r in KEPT_INTENTS if any(kept in word.text for kept in _kept(r)))
    dropped = dropped or bool(years) or relative is not None
    year = years[0] if years else None
    return Question(tuple(dict.fromkeys(words)), year, relative, frozenset(intents & INTENTS), dropped, tuple(years))


def _split(text: str) -> tuple[list[str], list[str]]:
    """Latin words (and numbers) and runs of other characters, in order of kind."""
    latin: list[str] = []
    chinese: list[str] = []
    if is_plain_cjk(text):  # most queries: one run of characters
        return [], [text]
    for piece in re.findall(_PIECES, text):
        (chinese if has_cjk(piece) else latin).append(piece)
    return latin, chinese


def _latin_words(words: list[str], intents: set[str]) -> tuple[list[Word], bool]:
    """Content words of the Latin part: phrases first (how_many, topped out), then words;
    and whether anything was dropped. The roles met go into `intents`."""
    out: list[Word] = []
    dropped = False
    i = 0
    while i < len(words):
        pair = "_".join(words[i : i + 2]) if i + 1 < len(words) else ""
        role = _latin_role(pair) if pair else None
        if role is not None:
            intents.add(role)
            if role in RELATIVE:
                dropped = True
                i += 2
                continue
        phrase = " ".join(words[i : i + 2]) if i + 1 < len(words) else ""
        terms = glossed(phrase) if phrase else None
        if terms is not None:
            out.append(Word(phrase, (phrase, *terms), False))
            i += 2
            continue
        word = words[i]
        i += 1
        role = _latin_role(word)
        if role is not None and role in DROPPED:
            intents.add(role)
            dropped = True
            if role == "district" and i < len(words) and _latin_role(words[i]) is None:
                out.append(_latin_word(words[i])._replace(named=f"{word} {words[i]}"))  # Tongzhou Bridge
                i += 1
            continue
        out.append(_latin_word(word))
    return out, dropped


def _latin_word(word: str) -> Word:
    base = stem(word)
    forms = [word] if len(base) < 3 or base == word else [base]
    terms = glossed(word)
    forms += terms if terms is not None else glossed(base) or ()
    return Word(word, tuple(dict.fromkeys(forms)), False)


def _chinese_words(chunk: str, intents: set[str]) -> tuple[list[Word], bool]:
    """Content runs of a Chinese chunk, split where question words and filler were, and
    whether anything was dropped. The roles met go into `intents`."""
    out: list[Word] = []
    start = 0
    if not _starts().intersection(chunk):  # no dropped word can be in it: the regex is not needed
        return _cjk_runs(chunk), False
    district = ""
    for found in _cjk_dropped().finditer(chunk):
        role = cjk_roles()[found.group()]
        intents.add(role)
        out += _cjk_runs(chunk[start : found.start()], district)
        district = found.group() if role == "district" else ""
        start = found.end()
    out += _cjk_runs(chunk[start:], district)
    return out, start > 0


def _cjk_runs(text: str, district: str = "") -> list[Word]:
    """The run as a word; `district`: the district's name dropped just before it (通州 of 通州大桥)."""
    text = text.strip()
    return [Word(text, (text,), True, district + text if district else "")] if text else []
