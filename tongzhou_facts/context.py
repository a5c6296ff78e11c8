"""Where a record's words stand in its source text: paragraphs with their line numbers, the
spans of a quote, and the paragraphs around it.

The text is read as `facts check --source` reads it (check.SourceText): a paragraph is a
line without its surrounding whitespace, and a span is found inside one paragraph or, where
the article splits a sentence, as a head ending one paragraph and a tail starting a later
one. `SourceMap.find` says where, so that `facts show ID --source FILE` can print the
paragraph around a quote with the quote marked, and `facts coverage` can ask which parts of
the text some record's quote, evidence or name spans. No Rich here: render.py draws.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from .errors import UsageError
from .model import Record

#: How plain output marks a record's spans in a paragraph: 【the quote】 and 〔evidence〕.
QUOTE_MARKS = ("【", "】")
EVIDENCE_MARKS = ("〔", "〕")
#: Between two paragraphs of one context written as a single line (plain, TSV, CSV).
PARAGRAPH_BREAK = " ¶ "
#: A line break as an editor counts them: CRLF, LF or CR (the other separators Python's
#: splitlines knows, such as U+2028, end a paragraph but not a line).
_LINE_ENDS = ("\r\n", "\n", "\r")


#: The largest source text read (a newspaper article is tens of kilobytes; a book a few MB):
#: `--source /dev/zero` or a wrong path to a disk image must not fill the memory.
MAX_SOURCE_BYTES = 64 * 1048576


def read_source(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_SOURCE_BYTES + 1)
        if len(raw) > MAX_SOURCE_BYTES:
            raise UsageError(f"source text {path} is larger than {MAX_SOURCE_BYTES // 1048576} MB: not an article")
        return raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise UsageError(f"cannot read source text {path}: {reason}") from None


class Paragraph(NamedTuple):
    line: int  # 1-based line of the text, as an editor counts
    text: str  # the line without surrounding whitespace
    indent: int = 0  # the characters of whitespace before it on its line


class Part(NamedTuple):
    """Characters `start` to `end` (exclusive, code points) of paragraph number `paragraph`."""

    paragraph: int
    start: int
    end: int


#: Where a span stands: one part, or a head ending a paragraph and a tail starting a later one.
Occurrence = tuple[Part, ...]


def paragraphs(text: str) -> list[Paragraph]:
    """The non-blank lines of `text`, stripped, with their line numbers (SourceText's paragraphs)."""
    found = []
    line = 1
    for chunk in text.splitlines(keepends=True):
        stripped = chunk.strip()
        if stripped:
            found.append(Paragraph(line, stripped, len(chunk) - len(chunk.lstrip())))
        if chunk.endswith(_LINE_ENDS):
            line += 1
    return found


class SourceMap:
    """A source text as paragraphs, and where spans of it are."""

    def __init__(self, text: str) -> None:
        self.paragraphs = paragraphs(text)
        self._texts = [p.text for p in self.paragraphs]
        self._longest = max(map(len, self._texts), default=0)
        # The paragraphs joined by a newline, which none holds: one search of the whole text
        # finds a span in every paragraph (a Python loop over 100,000 paragraphs is slow).
        self._joined = "\n".join(self._texts)
        self._starts = list(itertools.accumulate((len(t) + 1 for t in self._texts[:-1]), initial=0))
        self._ending: dict[str, list[int]] = {}  # last character -> paragraphs ending with it
        for number, paragraph in enumerate(self._texts):
            self._ending.setdefault(paragraph[-1], []).append(number)

    def find_all(self, span: str) -> list[Occurrence]:
        """Every place `span` stands whole in a paragraph; if none, the first place it stands
        split across two; [] when it is not in the text."""
        if not span:
            return []
        found: list[Occurrence] = []
        if "\n" not in span:  # else it cannot stand in one paragraph
            at = self._joined.find(span)
            while at >= 0:
                number = bisect.bisect_right(self._starts, at) - 1
                start = at - self._starts[number]
                found.append((Part(number, start, start + len(span)),))
                at = self._joined.find(span, at + 1)
        if found:
            return found
        split = self._split(span)
        return [split] if split else []

    def find(self, span: str) -> Occurrence | None:
        """The first place `span` stands, or None (without looking for the others)."""
        if not span:
            return None
        at = self._joined.find(span) if "\n" not in span else -1
        if at >= 0:
            number = bisect.bisect_right(self._starts, at) - 1
            start = at - self._starts[number]
            return (Part(number, start, start + len(span)),)
        return self._split(span)

    def _split(self, span: str) -> Occurrence | None:
        # The head ends a paragraph and the tail starts a later one, so neither is longer than
        # a paragraph (this bounds the work for a hostile span), as SourceText does.
        for cut in range(max(1, len(span) - self._longest), min(len(span), self._longest + 1)):
            head, tail = span[:cut], span[cut:]
            first = next((n for n in self._ending.get(head[-1], ()) if self._texts[n].endswith(head)), None)
            if first is None:
                continue
            for number in range(first + 1, len(self._texts)):
                if self._texts[number].startswith(tail):
                    length = len(self._texts[first])
                    return (Part(first, length - len(head), length), Part(number, 0, len(tail)))
        return None


# ---------------------------------------------------------------------------- a record in its paragraphs


class Highlight(NamedTuple):
    field: str  # "quote" or "evidence"
    start: int
    end: int


class ContextParagraph(NamedTuple):
    line: int
    text: str
    highlights: tuple[Highlight, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "line": self.line,
            "text": self.text,
            "highlights": [{"field": h.field, "start": h.start, "end": h.end} for h in self.highlights],
        }


def record_context(record: Record, source: SourceMap) -> list[ContextParagraph] | None:
    """The paragraphs holding the record's quote (two where the source splits it) and its
    evidence, in text order, with those spans; None when the quote is not in the text.

    Each evidence string is taken where it stands in a paragraph already shown, else where it
    first stands; one the text does not hold is left out (`facts check --source` reports it).
    """
    quote = source.find(str(record.get("quote", "")))
    if quote is None:
        return None
    marks: dict[int, list[Highlight]] = {}
    _add(marks, "quote", quote)
    for span in record.get("evidence") or ():
        places = source.find_all(str(span))
        if places:
            near = [place for place in places if all(part.paragraph in marks for part in place)]
            _add(marks, "evidence", (near or places)[0])
    return [
        ContextParagraph(source.paragraphs[n].line, source.paragraphs[n].text, tuple(sorted(marks[n], key=_order)))
        for n in sorted(marks)
    ]


def _add(marks: dict[int, list[Highlight]], field: str, place: Occurrence) -> None:
    for part in place:
        marks.setdefault(part.paragraph, []).append(Highlight(field, part.start, part.end))


def _order(highlight: Highlight) -> tuple[int, int, str]:
    return (highlight.start, highlight.end, highlight.field)


def runs(paragraph: ContextParagraph) -> list[tuple[str, str]]:
    """The paragraph as consecutive (text, field) runs, field "" for unmarked text; where the
    quote and an evidence span overlap, the quote wins."""
    rank = {"": 0, "evidence": 1, "quote": 2}
    labels = [""] * len(paragraph.text)
    for highlight in paragraph.highlights:
        for at in range(highlight.start, min(highlight.end, len(labels))):
            if rank[highlight.field] > rank[labels[at]]:
                labels[at] = highlight.field
    found: list[tuple[str, str]] = []
    start = 0
    for at in range(1, len(labels) + 1):
        if at == len(labels) or labels[at] != labels[start]:
            found.append((paragraph.text[start:at], labels[start]))
            start = at
    return found


def marked(paragraph: ContextParagraph) -> str:
    """The paragraph with 【the quote】 and 〔evidence〕 marked, for output without styles."""
    marks = {"quote": QUOTE_MARKS, "evidence": EVIDENCE_MARKS, "": ("", "")}
    return "".join(marks[field][0] + text + marks[field][1] for text, field in runs(paragraph))


def marked_context(context: Iterable[ContextParagraph], separator: str = PARAGRAPH_BREAK) -> str:
    """Every paragraph of a context marked, joined on one line."""
    return separator.join(marked(paragraph) for paragraph in context)


def context_object(context: Sequence[ContextParagraph]) -> list[dict[str, object]]:
    """The context as JSON data: each paragraph's line, text and highlight offsets."""
    return [paragraph.to_dict() for paragraph in context]
