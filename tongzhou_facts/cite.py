"""Citations: each record's verbatim quote, then its source in a reference style (`facts cite`).

    >>> import tongzhou_facts as tf
    >>> from tongzhou_facts.cite import cite
    >>> base = tf.load()
    >>> print(cite([base.get("gdp-2023")], base.sources), end="")
    “通州预计实现地区生产总值1730亿元”[1]
    [1] 黄艳鸣. 通州 奋力争当全市高质量发展排头兵: 构建发展格局、凝聚发展动能、增进民生福祉[N]. 2024-01.

Pure functions over records and sources: nothing here prints or escapes for a terminal (the
command does, line by line). Records citing one source share one reference, after their
quotes; sources follow in the order their first record was given. A style prints what the
source states and leaves out what it does not: no newspaper name, day or page is ever made
up. What each style prints, and what it drops when a key is missing, is documented in
docs/schema.md ("What `facts cite` prints from them").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .english import MONTHS
from .model import Record, Source

#: Every style, in the order `--help` lists them.
STYLES = ("gb7714", "apa", "chicago", "markdown", "bibtex")
#: A title ending in one of these takes no full stop after it.
_ENDS = (".", "?", "!", "。", "？", "！")
#: Characters Markdown reads as markup wherever they stand, escaped with a backslash.
_MARKDOWN = re.compile(r"([\\`*_\[\]<>#|~&!])")
#: What starts a list or a heading at the start of a Markdown line.
_MARKDOWN_START = re.compile(r"([-+=]|\d+[.)])")
_URL = re.compile(r"https?://[^\s<>]+\Z", re.IGNORECASE)  # a link only for the web: never javascript: or file:
#: What LaTeX (and so BibTeX) reads as markup in a field. BibTeX counts braces even after a
#: backslash, so braces are written as commands, never as \{ and \}.
_LATEX = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIBTEX_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def default_style(lang: str) -> str:
    """GB/T 7714-2015 for a Chinese reader (`--lang zh`), APA for an English one."""
    return "gb7714" if lang == "zh" else "apa"


def check_style(style: str) -> None:
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r} (styles: {', '.join(STYLES)})")


def cite(records: Sequence[Record], sources: Mapping[str, Source], style: str | None = None, lang: str = "zh") -> str:
    """The citation block of `records`: each quote, then its source's reference, as text."""
    return "".join(line + "\n" for line in cite_lines(records, sources, style, lang))


def cite_lines(records: Sequence[Record], sources: Mapping[str, Source], style: str | None = None, lang: str = "zh") -> list[str]:
    """`cite`'s lines, without their line ends (a line may hold a newline of the data: the
    caller escapes each line as it prints it)."""
    style = style or default_style(lang)
    check_style(style)
    lines: list[str] = []
    for number, (source, cited) in enumerate(_groups(records, sources), start=1):
        if lines:
            lines.append("")
        lines.extend(_block(source, cited, number, style, lang))
    return lines


def citations(
    records: Sequence[Record], sources: Mapping[str, Source], style: str | None = None, lang: str = "zh"
) -> list[dict[str, Any]]:
    """One object per record, in the order given (`--format json`): id, quote, the source's
    keys, and the citation of the source in the style (the reference entry, unnumbered)."""
    style = style or default_style(lang)
    check_style(style)
    entries: dict[str, tuple[dict[str, Any], str]] = {}
    objects = []
    for record in _unique(records):
        source = _source_of(record, sources)
        if source.id not in entries:
            entries[source.id] = (source.to_dict(), reference(source, style, lang))
        keys, entry = entries[source.id]
        objects.append({"id": record.id, "quote": record.data["quote"], "source": keys, "citation": entry})
    return objects


def reference(source: Source, style: str, lang: str = "zh") -> str:
    """The source's entry in a reference list of `style` (unnumbered; BibTeX: the whole entry)."""
    check_style(style)
    if style == "markdown":
        return REFERENCES[default_style(lang)](source, markdown=True)
    if style == "bibtex":
        return "\n".join(_bibtex_entry(source))
    return REFERENCES[style](source, markdown=False)


# ---------------------------------------------------------------------------- one source's block


def _groups(records: Iterable[Record], sources: Mapping[str, Source]) -> list[tuple[Source, list[Record]]]:
    """(source, its records) in the order of each source's first record; an id given twice once."""
    groups: dict[str, tuple[Source, list[Record]]] = {}
    for record in _unique(records):
        source = _source_of(record, sources)
        groups.setdefault(source.id, (source, []))[1].append(record)
    return list(groups.values())


def _unique(records: Iterable[Record]) -> list[Record]:
    """`records` in their order, each id once."""
    first: dict[str, Record] = {}
    for record in records:
        first.setdefault(record.id, record)
    return list(first.values())


def _source_of(record: Record, sources: Mapping[str, Source]) -> Source:
    source_id = str(record.data["source"])
    return sources.get(source_id) or Source(source_id, source_id)  # a validated base has every source


def _block(source: Source, records: Sequence[Record], number: int, style: str, lang: str) -> list[str]:
    quotes = [str(record.data["quote"]) for record in records]
    if style == "bibtex":
        # Outside an entry BibTeX skips text up to the next @: an @ of a quote would start one.
        comments = [f"% {record.id}: “{quote.replace('@', '＠')}”" for record, quote in zip(records, quotes, strict=True)]
        return [*comments, *_bibtex_entry(source)]
    if style == "markdown":
        shown = default_style(lang)
        mark = f"[{number}]" if shown == "gb7714" else ""
        body = [f"> {_markdown_line(quote)}{mark}" for quote in quotes]
        entry = REFERENCES[shown](source, markdown=True)
        return [*_between(body, ">"), "", f"[{number}] {entry}" if mark else entry]
    if style == "gb7714":
        return [*(f"“{quote}”[{number}]" for quote in quotes), f"[{number}] {_gb7714(source, markdown=False)}"]
    return [*(f"“{quote}”" for quote in quotes), REFERENCES[style](source, markdown=False)]


def _between(lines: Sequence[str], separator: str) -> list[str]:
    out: list[str] = []
    for line in lines:
        if out:
            out.append(separator)
        out.append(line)
    return out


# ---------------------------------------------------------------------------- the styles


class _Parts:
    """A source's keys as a reference needs them, Markdown-escaped when it is written in Markdown."""

    def __init__(self, source: Source, markdown: bool) -> None:
        self.markdown = markdown
        extra = source.extra
        self.author = self._text(extra.get("author"))
        self.author_en = self._text(extra.get("author_en"))
        title, subtitle = source.title.strip(), _subtitle(extra.get("subtitle"))
        self.title = self._text(f"{title}: {subtitle}" if subtitle else title) or ""
        self.title_en = self._text(extra.get("title_en"))
        self.publisher = self._text(extra.get("publisher"))
        self.section = self._text(extra.get("section"))
        self.page = self._text(extra.get("page"))
        self.date = _date_parts(extra.get("date"))
        url = _text(extra.get("url"))
        self.url = None if url is None else (f"<{url}>" if markdown and _URL.match(url) else self._text(url))

    def _text(self, value: Any) -> str | None:
        text = _text(value)
        return _markdown(text) if text is not None and self.markdown else text

    def italic(self, text: str) -> str:
        """Italics where the format has them (Markdown); plain text has none."""
        return f"*{text}*" if self.markdown else text


def _gb7714(source: Source, markdown: bool) -> str:
    """GB/T 7714-2015, a newspaper article: 作者. 题名[N]. 报纸名, 出版日期(版次).

    With no author, the entry starts with its title (allowed in the numbered system); an
    online copy is [N/OL] and ends with its address (the access date the standard asks for
    is the reader's to add).
    """
    parts = _Parts(source, markdown)
    kind = "[N/OL]" if parts.url else "[N]"
    entry = f"{parts.author}. {parts.title}{kind}." if parts.author else f"{parts.title}{kind}."
    date = "-".join(parts.date)
    where = ", ".join(p for p in (parts.publisher, date) if p)
    if parts.page:
        where += f"({parts.page})"
    if where:
        entry += f" {where}."
    if parts.url:
        entry += f" {parts.url}."
    return entry


def _apa(source: Source, markdown: bool) -> str:
    """APA 7, a newspaper article: Author, A. (2024, January 2). Title [Translation]. *Paper*, A1. URL

    The author is `author_en` ("Family, Given" gives "Family, G."), else the byline as printed;
    none: the title takes the author's place. No date: (n.d.).
    """
    parts = _Parts(source, markdown)
    title = f"{parts.title} [{parts.title_en}]" if parts.title_en else parts.title
    author = _apa_author(parts.author_en) if parts.author_en else parts.author
    date = f"({_english_date(parts.date, apa=True)})."
    entry = f"{_stop(author)} {date} {_stop(title)}" if author else f"{_stop(title)} {date}"
    if parts.publisher:
        entry += " " + parts.italic(parts.publisher) + (f", {parts.page}." if parts.page else ".")
    if parts.url:
        entry += f" {parts.url}"  # APA: no full stop after an address
    return entry


def _chicago(source: Source, markdown: bool) -> str:
    """Chicago 17th edition, bibliography entry of a newspaper article:
    Author. “Title” [Translation]. *Paper*, January 2, 2024, sec. X, page. URL.

    The author is `author_en` as written ("Family, Given"), else the byline; none: the entry
    starts with the title. No date: n.d.
    """
    parts = _Parts(source, markdown)
    title = f"“{parts.title}” [{parts.title_en}]." if parts.title_en else f"“{_stop(parts.title)}”"
    author = parts.author_en or parts.author
    entry = f"{_stop(author)} {title}" if author else title
    where = [parts.italic(parts.publisher) if parts.publisher else "", _english_date(parts.date, apa=False)]
    where += [f"sec. {parts.section}" if parts.section else "", parts.page or ""]
    entry += " " + _stop(", ".join(p for p in where if p))
    if parts.url:
        entry += f" {parts.url}."
    return entry


#: Style -> its reference entry (BibTeX, several lines, is apart).
REFERENCES = {"gb7714": _gb7714, "apa": _apa, "chicago": _chicago}


def _bibtex_entry(source: Source) -> list[str]:
    """An @article entry keyed by the source id, with the fields the source has."""
    parts = _Parts(source, markdown=False)
    date = parts.date
    fields = [
        ("author", parts.author and _braced(parts.author)),
        ("title", _braced(parts.title)),
        ("journal", parts.publisher and _braced(parts.publisher)),
        ("year", date and _braced(date[0])),
        ("month", _BIBTEX_MONTHS[int(date[1]) - 1] if len(date) > 1 else None),  # a macro: jan
        ("pages", parts.page and _braced(parts.page)),
        # An address is not LaTeX: only what would unbalance the entry is percent-encoded.
        ("url", parts.url and "{" + parts.url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D") + "}"),
        ("note", parts.title_en and _braced("English title: " + parts.title_en)),
    ]
    lines = [f"  {name} = {value}" for name, value in fields if value]
    kind = "article" if parts.publisher else "misc"  # @article requires a journal: no newspaper named, no @article
    return [f"@{kind}{{{source.id},", *(line + "," for line in lines[:-1]), *lines[-1:], "}"]


def _braced(text: str) -> str:
    """A BibTeX field: LaTeX's special characters escaped, and any control character a space
    (escaped later for the terminal, a newline would become \\n: a LaTeX command)."""
    return "{" + "".join(_LATEX.get(char, " " if char.isspace() or not char.isprintable() else char) for char in text) + "}"


# ---------------------------------------------------------------------------- pieces


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _subtitle(value: Any) -> str | None:
    """The subtitle without the dash that leads into the title on the page (增进民生福祉——)."""
    text = _text(value)
    return None if text is None else (text.rstrip("—–-－ ").strip() or None)


def _date_parts(value: Any) -> tuple[str, ...]:
    """("2024", "01") of "2024-01"; () for none. Dates are validated: YYYY, YYYY-MM or YYYY-MM-DD."""
    text = _text(value)
    return () if text is None else tuple(text.split("-"))


def _english_date(parts: Sequence[str], apa: bool) -> str:
    """APA: 2024, January 2; Chicago: January 2, 2024; either: n.d. for none."""
    if not parts:
        return "n.d."
    if len(parts) == 1:
        return parts[0]
    year, month = parts[0], MONTHS[int(parts[1]) - 1]
    day = str(int(parts[2])) if len(parts) > 2 else ""
    if apa:
        return f"{year}, {month} {day}".rstrip()
    return f"{month} {day}, {year}" if day else f"{month} {year}"


def _apa_author(name: str) -> str:
    """`author_en` for APA: "Huang, Yanming" gives "Huang, Y.", "Huang, Yan-ming" "Huang, Y.-M."; no comma: as written."""
    family, comma, given = name.partition(",")
    if not comma or not given.strip():
        return name
    initials = " ".join("-".join(f"{part[0].upper()}." for part in word.split("-") if part) for word in given.split())
    return f"{family.strip()}, {initials}"


def _stop(text: str) -> str:
    """`text` with a full stop after it, unless it ends with one already (or ? or !)."""
    return text if text.endswith(_ENDS) else text + "."


def _markdown(text: str) -> str:
    return _MARKDOWN.sub(r"\\\1", text)


def _markdown_line(text: str) -> str:
    """`text` escaped, and no list marker or heading where a line starts."""
    escaped = _markdown(text)
    found = _MARKDOWN_START.match(escaped)
    if found:
        start = found.group()
        escaped = start[:-1] + "\\" + start[-1] + escaped[len(start) :]
    return escaped
