"""The search fields of a record as match/fields.py and match/normalize.py made them before
the cold build was made faster (issue 14): one normalize() call over all the record's values
joined, straightforward and slow. tests/test_cold_build.py checks that today's `searchable`
gives byte for byte the same fields. Frozen: do not edit (it is the reference).
"""

# ruff: noqa

from __future__ import annotations

import functools
import re
import unicodedata

from tongzhou_facts.figures import chinese_date, number
from tongzhou_facts.match.normalize import _read
from tongzhou_facts.match.pinyin import MAX_VARIANTS, WINDOW, table
from tongzhou_facts.model import Record

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


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def is_cjk(char: str) -> bool:
    return _CJK.match(char) is not None


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
    readings_of = table()
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
    readings_of = table()
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


def date_forms(text: str) -> list[str]:
    """A date (or partial date) as the reader may type it: 2023-12-13 and 2023年12月13日."""
    return [text, chinese_date(text)]


def searchable(record: Record) -> dict[str, str]:
    """The normalised text of each field, values joined by SEPARATOR."""
    data = record.data
    tags = [*record.tags()]
    for key in ("category", "place", "status", "measure"):
        if data.get(key):
            tags.append(str(data[key]))
    for key in ("companies", "people"):
        tags.extend(entry["name"] for entry in data.get(key, ()))
    extra: list[str] = []
    for number_key, unit_key in (("value", "unit"), ("investment", "investment_unit"), ("capacity", "capacity_unit")):
        value = data.get(number_key)
        if value is None:
            continue
        unit = str(data.get(unit_key) or "")
        extra.append(number(value) + unit)
    if data.get("phases"):
        extra.append(f"{data['phases']}期")
    if record.date is not None:
        extra.extend(date_forms(record.date))
    extra.append(f"{record.year}年")
    if data.get("note"):
        extra.append(str(data["note"]))
    for entry in (*data.get("companies", ()), *data.get("people", ())):
        if entry.get("role"):
            extra.append(entry["role"])
    quote = [data["quote"], *data.get("evidence", ())]

    # One normalize() call for the whole record: it is the index build's main cost.
    groups = ([record.name], [str(data.get("name_en") or "")], list(record.aliases()), tags, quote, extra)
    # The separators are private-use characters; should the data hold them, they become spaces.
    raw = FIELD_SEPARATOR.join(
        SEPARATOR.join(v.replace(SEPARATOR, " ").replace(FIELD_SEPARATOR, " ") for v in values) for values in groups
    )
    pieces = normalize(raw).split(FIELD_SEPARATOR)
    fields = {
        key: SEPARATOR.join(filter(None, piece.split(SEPARATOR)))
        for key, piece in zip(("name", "en", "aliases", "tags", "quote", "extra"), pieces, strict=True)
    }
    cjk_aliases = [v for v in fields["aliases"].split(SEPARATOR) if has_cjk(v)]
    cjk_tags = [v for v in fields["tags"].split(SEPARATOR) if has_cjk(v)]
    fields["py"] = SEPARATOR.join(variants(fields["name"]))
    fields["ini"] = SEPARATOR.join(initials(fields["name"]))
    fields["py_alias"] = SEPARATOR.join(v for alias in cjk_aliases for v in variants(alias))
    fields["ini_alias"] = SEPARATOR.join(v for alias in cjk_aliases for v in initials(alias))
    fields["py_tags"] = SEPARATOR.join(v for tag in cjk_tags for v in variants(tag))
    return fields
