"""`facts coverage`: every figure of a source text that no record of the base accounts for.

A figure is a number (1730亿元, 18.18万平方米, 12GW, 3.0, 两项, 百余名), a percentage (6.5%),
a date (2023年12月13日, 12月28日, 去年9月, 2023.12.28) or a quoted name (“赛马制”, ‘一主一新一智’,
「…」). A year alone (2023年) is not one: it is every record's `year`. The words the
extractor knows (units, counters, relative days, what makes a quotation speech) and the
figures set aside on purpose are data: data/coverage.txt.

A figure is covered when it lies inside a place where the text holds a record's quote or
evidence (found as `facts check --source` finds them), or a record's name or alias: a
numeral inside a name (江苏链升12GW异质结电池项目, 人才新政3.0版) is not a fact of its own.
The rules are documented in docs/schema.md, "What coverage counts".

    >>> report = coverage("新建学校3所。植树1200棵。", [])
    >>> [(item.text, item.kind, item.line) for item in report.uncovered]
    [('3所', 'number', 1), ('1200', 'number', 1)]
"""

from __future__ import annotations

import bisect
import functools
import itertools
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from .context import Occurrence, Part, SourceMap
from .model import Record

#: The kinds of figure, in the order the summary counts them, and how it names them.
KINDS: dict[str, str] = {"number": "numbers", "percentage": "percentages", "date": "dates", "name": "quoted names"}
#: Why a figure is not reported: a quote or evidence spans it, a name or alias does, or
#: data/coverage.txt sets it aside.
BY_QUOTE, BY_NAME, BY_RULE = "quote", "name", "rule"
#: Opening and closing marks of a quoted name.
QUOTE_PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』"}
#: The end of a sentence, and the closing marks that stay with it (…典范。”).
_SENTENCE_END = "。！？!?"
_CLOSING = "”’」』)）"
_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "coverage.txt")


class Item(NamedTuple):
    """One figure of the text: its kind, its words as the text writes them (a name without its
    marks), the line and column (1-based, in characters) it starts at, its sentence, and where
    it stands."""

    kind: str
    text: str
    line: int
    column: int
    sentence: str
    place: Occurrence

    def to_dict(self) -> dict[str, object]:
        return {"line": self.line, "column": self.column, "kind": self.kind, "text": self.text, "sentence": self.sentence}


class Rules(NamedTuple):
    units: tuple[str, ...]
    counters: tuple[str, ...]
    relative: tuple[str, ...]
    speech: frozenset[str]
    ignore: frozenset[tuple[str, str]]  # (kind, text)


@functools.cache
def rules() -> Rules:
    """The extractor's words and the figures set aside, from data/coverage.txt."""
    found: dict[str, list[str]] = {}
    ignore = set()
    with open(_DATA, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip() or line.startswith("#"):
                continue
            name, _, rest = line.strip().partition(" ")
            if name == "ignore":  # ignore KIND TEXT  why…
                kind, text = rest.split()[:2]
                ignore.add((kind, text))
            else:
                found.setdefault(name, []).extend(rest.split())
    return Rules(
        units=tuple(found["units"]),
        counters=tuple(found["counters"]),
        relative=tuple(found["relative"]),
        speech=frozenset(found["speech"]),
        ignore=frozenset(ignore),
    )


def _either(words: Iterable[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True))


@functools.cache
def _pattern() -> re.Pattern[str]:
    """Dates, percentages, numbers in digits and numbers in words, in that order of preference."""
    found = rules()
    # 2,600 and 1.38; an ASCII comma before a digit that is not a group of three is the
    # article's comma between two figures (12,3个), and a figure may follow it.
    digits = r"(?<!\d)(?<!\d\.)(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
    words, first = "零一二两三四五六七八九十百千万亿", "零二两三四五六七八九十百千万亿"  # 一 alone is "a"
    return re.compile(
        rf"(?P<date>(?:(?:{_either(found.relative)})|(?<!\d)\d{{4}}年)?(?<!\d)\d{{1,2}}月(?:\d{{1,2}}[日号])?"
        rf"|(?<![\d.])(?:19|20)\d\d(?P<sep>[-./])[01]?\d(?:(?P=sep)[0-3]?\d)?(?!\d|\.\d))"
        rf"|(?P<percentage>{digits}(?:[%％]|个百分点))"
        rf"|(?P<year>(?<!\d)(?<!\d\.)(?:19|20)\d\d(?:年|(?!\d|\.\d|[\u3400-\u9fff])))"
        rf"|(?P<number>{digits}(?:{_either(found.units)})?)"
        rf"|(?P<words>(?<![第{words}])(?:一(?=[{words}])|[{first}])[{words}]*[余多]?(?:{_either(found.counters)}))"
    )


def _is_figure(text: str) -> bool:
    """Whether `text` is a figure and nothing more (an alias 三期): such an alias would cover
    the figure wherever the text says it, while a name holding one (12GW异质结电池项目)
    covers it only where the name stands."""
    found = _pattern().fullmatch(text)
    return found is not None and found.lastgroup != "year"


def extract(source: SourceMap) -> list[Item]:
    """Every figure of the text, in text order."""
    sentences = _Sentences(source)
    items = []
    for number, paragraph in enumerate(source.paragraphs):
        found: list[tuple[str, str, Occurrence]] = []
        for match in _pattern().finditer(paragraph.text):
            if match.lastgroup != "year":
                kind = "number" if match.lastgroup == "words" else str(match.lastgroup)
                found.append((kind, match.group(), (Part(number, match.start(), match.end()),)))
        found.extend(("name", words, place) for words, place in _names(source, number))
        for kind, text, place in sorted(found, key=lambda figure: (figure[2][0].start, figure[2][0].end)):
            column = paragraph.indent + place[0].start + 1
            items.append(Item(kind, text, paragraph.line, column, sentences.around(place), place))
    return items


@functools.cache
def _quotations() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A quotation closed in its paragraph, and one still open at the paragraph's end: neither
    holds a quote mark (a quotation holding another is speech), so each is found in one pass."""
    marks = re.escape("".join(QUOTE_PAIRS) + "".join(QUOTE_PAIRS.values()))
    closed = "|".join(f"{re.escape(o)}(?P<q{n}>[^{marks}]*){re.escape(c)}" for n, (o, c) in enumerate(QUOTE_PAIRS.items()))
    return re.compile(closed), re.compile(f"(?P<open>[{re.escape(''.join(QUOTE_PAIRS))}])(?P<words>[^{marks}]*)\\Z")


def _names(source: SourceMap, number: int) -> Iterator[tuple[str, Occurrence]]:
    """The quoted names of a paragraph, with where their words stand. A quotation still open at
    the paragraph's end closes in the next paragraph that holds a quote mark, if its first mark
    is the closing one (“15分钟医保服务 | 圈”). A quotation holding speech punctuation is speech."""
    closed, still_open = _quotations()
    text = source.paragraphs[number].text
    speech = rules().speech
    for match in closed.finditer(text):
        group = next(name for name, words in match.groupdict().items() if words is not None)
        words = match.group(group)
        if words and not speech.intersection(words):
            yield words, (Part(number, match.start(group), match.end(group)),)
    unfinished = still_open.search(text)
    if unfinished is None:
        return
    tail = _tail(source, number, QUOTE_PAIRS[unfinished.group("open")])
    if tail is not None:
        words = unfinished.group("words") + source.paragraphs[tail.paragraph].text[: tail.end]
        if not speech.intersection(words):
            yield words, (Part(number, unfinished.start("words"), len(text)), tail)


def _tail(source: SourceMap, number: int, closing: str) -> Part | None:
    marks = "".join(QUOTE_PAIRS) + "".join(QUOTE_PAIRS.values())
    for later in range(number + 1, len(source.paragraphs)):
        text = source.paragraphs[later].text
        first = next((at for at, char in enumerate(text) if char in marks), None)
        if first is not None:
            return Part(later, 0, first) if text[first] == closing else None
    return None


class _Sentences:
    """Where the sentences of each paragraph end, found once a paragraph."""

    def __init__(self, source: SourceMap) -> None:
        self.source = source
        self.ends: dict[int, list[int]] = {}

    def _ends(self, number: int) -> list[int]:
        if number not in self.ends:
            text = self.source.paragraphs[number].text
            ends = []
            for at, char in enumerate(text):
                if char in _SENTENCE_END:
                    end = at + 1
                    while end < len(text) and text[end] in _CLOSING:
                        end += 1
                    ends.append(end)
            self.ends[number] = ends
        return self.ends[number]

    def around(self, place: Occurrence) -> str:
        """The sentence around a place: from the end of the sentence before to the end of its
        own (closing marks included); for a place split across paragraphs, the halves joined."""
        first, last = place[0], place[-1]
        head = self.source.paragraphs[first.paragraph].text
        before = self._ends(first.paragraph)
        start = before[bisect.bisect_right(before, first.start) - 1] if before and before[0] <= first.start else 0
        tail = self.source.paragraphs[last.paragraph].text
        after = self._ends(last.paragraph)
        at = bisect.bisect_left(after, last.end)
        end = after[at] if at < len(after) else len(tail)
        if first.paragraph == last.paragraph:
            return head[start:end]
        return head[start:] + tail[:end]


# ---------------------------------------------------------------------------- coverage


class Report:
    """Every figure of a text and, for each, what accounts for it: BY_QUOTE, BY_NAME, BY_RULE or None."""

    def __init__(self, items: Sequence[Item], reasons: Sequence[str | None]) -> None:
        self.items = list(items)
        self.reasons = list(reasons)

    @property
    def uncovered(self) -> list[Item]:
        return [item for item, reason in zip(self.items, self.reasons, strict=True) if reason is None]

    def counts(self) -> dict[str, tuple[int, int]]:
        """Kind -> (figures, covered), for every kind."""
        counts = {kind: [0, 0] for kind in KINDS}
        for item, reason in zip(self.items, self.reasons, strict=True):
            counts[item.kind][0] += 1
            counts[item.kind][1] += reason is not None
        return {kind: (total, covered) for kind, (total, covered) in counts.items()}

    def summary(self) -> str:
        """`97 figures, 95 covered (numbers 60 of 61, …); 4 inside a name, 1 set aside by rule`."""
        total = len(self.items)
        covered = sum(reason is not None for reason in self.reasons)
        kinds = ", ".join(f"{KINDS[kind]} {done} of {count}" for kind, (count, done) in self.counts().items() if count)
        line = f"{total} figure{'s' if total != 1 else ''}, {covered} covered" + (f" ({kinds})" if kinds else "")
        by_name, by_rule = self.reasons.count(BY_NAME), self.reasons.count(BY_RULE)
        notes = [f"{by_name} inside a name"] if by_name else []
        notes += [f"{by_rule} set aside by rule"] if by_rule else []
        return line + ("; " + ", ".join(notes) if notes else "")


def coverage(text: str, records: Iterable[Record]) -> Report:
    """Every figure of `text`, and what of `records` (those drawn from it) accounts for each."""
    source = SourceMap(text)
    quotes: list[str] = []
    names: list[str] = []
    for record in records:
        quotes.append(str(record.get("quote", "")))
        quotes.extend(str(span) for span in record.get("evidence") or ())
        names.append(record.name)
        names.extend(alias for alias in record.aliases() if not _is_figure(alias))
    by_quote = _Spans(source, quotes)
    by_name = _Spans(source, names)
    ignore = rules().ignore
    items = extract(source)
    reasons: list[str | None] = []
    for item in items:
        if by_quote.cover(item.place):
            reasons.append(BY_QUOTE)
        elif by_name.cover(item.place):
            reasons.append(BY_NAME)
        elif (item.kind, item.text) in ignore:
            reasons.append(BY_RULE)
        else:
            reasons.append(None)
    return Report(items, reasons)


class _Spans:
    """The places of a text that hold some of a set of spans, asked "is this inside one?" in
    log time: a paragraph's intervals sorted by start, with the furthest end reached so far."""

    def __init__(self, source: SourceMap, spans: Iterable[str]) -> None:
        found: dict[int, list[tuple[int, int]]] = {}
        for span in dict.fromkeys(spans):
            for place in source.find_all(span):
                for part in place:
                    found.setdefault(part.paragraph, []).append((part.start, part.end))
        self.starts: dict[int, list[int]] = {}
        self.reach: dict[int, list[int]] = {}
        for paragraph, intervals in found.items():
            intervals.sort()
            self.starts[paragraph] = [start for start, _ in intervals]
            self.reach[paragraph] = list(itertools.accumulate((end for _, end in intervals), max))

    def cover(self, place: Occurrence) -> bool:
        """Whether every part of `place` lies inside one interval."""
        for part in place:
            starts = self.starts.get(part.paragraph)
            if starts is None:
                return False
            at = bisect.bisect_right(starts, part.start)  # the intervals starting at or before it
            if at == 0 or self.reach[part.paragraph][at - 1] < part.end:
                return False
        return True
