"""The schema rules of a fact base, and the quote check of `facts check --source`.

Every rule reports a `Problem` with file, line and record id; nothing stops at the
first problem, so `facts check` can list them all at once.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .load import MAX_SOURCES, Base, Problem
from .model import (
    DATE,
    ENTITIES,
    ID,
    IDS,
    INT,
    KIND_KEYS,
    KINDS,
    NUM,
    OPTIONAL,
    QUAL,
    REQUIRED,
    SOURCE_KEYS,
    SOURCE_REQUIRED,
    STR,
    STRS,
    Record,
    Source,
)
from .nearest import Vocabulary

#: The largest string (characters) and list (entries) a record may hold. A quote is a
#: sentence and a list of aliases a few dozen names (the bundled base: 277 and 43 at most);
#: the limits are far above that, and there only so that a 50 MB string or 100,000 aliases
#: (minutes of indexing) are refused at once, with their line.
MAX_TEXT = 100_000
MAX_ITEMS = 1_000
#: All the text of one record together: 1,000 entries of 100,000 characters each would be
#: 100 million, indexed at every cold start and decoded whole by every search it matches.
MAX_RECORD_TEXT = 1_000_000

#: Problems of one record located at their key's line; later ones point at the table's
#: line, so a table with 100,000 unknown keys costs no 100,000 scans of it.
MAX_LOCATED = 20
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?\Z")
TOP_LEVEL = ("sources", *KINDS)  # the only top-level keys a base may have
_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*([A-Za-z0-9_-]+)[ \t]*\]\]", re.M)
_ANY_HEADER = re.compile(r"^[ \t]*\[", re.M)


class LineFinder:
    """Maps the n-th `[[table]]` of a file, and a key inside it, to a line number.

    tomllib keeps no positions, so this scans the text once for the headers (in C, with
    a regex); the lines themselves are split only when a problem needs a key's line. A
    base written with inline arrays (`metrics = [{...}]`) falls back to the array's line.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.headers: dict[str, list[int]] = {}
        number, last = 1, 0
        for found in _HEADER.finditer(text):
            number += text.count("\n", last, found.start())
            last = found.start()
            self.headers.setdefault(found.group(1), []).append(number)
        self._lines: list[str] | None = None

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.splitlines()
        return self._lines

    def table(self, table: str, index: int) -> int:
        found = self.headers.get(table, [])
        if index < len(found):
            return found[index]
        return self.top_key(table)

    def top_key(self, key: str) -> int:
        """The line of `key = …`, `[key]` or `[[key]]`."""
        name = re.escape(key)
        pattern = re.compile(rf"^\s*(?:{name}\s*=|\[\[?\s*{name}\s*\]\]?)")
        for number, line in enumerate(self.lines, 1):
            if pattern.match(line):
                return number
        return 0

    def key(self, table: str, index: int, key: str) -> int:
        start = self.table(table, index)
        found = self.headers.get(table, [])
        if not start or index >= len(found):
            return start
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number in range(start + 1, len(self.lines) + 1):
            line = self.lines[number - 1]
            if _ANY_HEADER.match(line):
                break
            if pattern.match(line):
                return number
        return start


def validate_documents(documents: Sequence[tuple[str, str, Mapping[str, Any]]]) -> tuple[Base, list[Problem]]:
    """Check parsed documents (path, text, data) as one merged base."""
    base = Base(paths=[path for path, _, _ in documents])
    problems: list[Problem] = []
    seen: dict[str, tuple[str, int]] = {}
    pending: list[tuple[Record, LineFinder, str, int]] = []
    references: list[tuple[str, LineFinder, str, int, str, str]] = []

    for path, text, data in documents:
        lines = LineFinder(text)
        for key, value in data.items():
            if key not in TOP_LEVEL:
                hint = _did_you_mean(key, TOP_LEVEL)
                problems.append(Problem(path, lines.top_key(key), "", f"unknown top-level key '{key}'{hint}"))
                continue
            if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
                problems.append(
                    Problem(
                        path, lines.top_key(key) or lines.table(key, 0), "", f"'{key}' must be an array of tables ([[{key}]])"
                    )
                )
                continue
        for index, table in enumerate(_tables(data, "sources")):
            line = lines.table("sources", index)
            if len(base.sources) >= MAX_SOURCES:
                problems.append(Problem(path, line, "", f"too many [[sources]] tables (at most {MAX_SOURCES:,} in a base)"))
                break
            source = _check_source(table, path, line, problems)
            if source is None:
                continue
            _claim(source.id, path, line, seen, problems)
            base.sources[source.id] = source
        for table_name, kind in KINDS.items():
            for index, table in enumerate(_tables(data, table_name)):
                line = lines.table(table_name, index)
                record = _check_record(kind, table, path, line, lines, table_name, index, problems)
                # A broken record still claims its id and has its source checked: `check` lists every problem.
                record_id = table.get("id")
                claimed = (
                    isinstance(record_id, str)
                    and bool(ID_PATTERN.match(record_id))
                    and _claim(record_id, path, line, seen, problems)
                )
                source_id = table.get("source")
                if isinstance(source_id, str):
                    label = record_id if isinstance(record_id, str) and record_id else f"{table_name}[{index}]"
                    references.append((path, lines, table_name, index, label, source_id))
                if record is None or not claimed:
                    continue
                base.records.append(record)
                pending.append((record, lines, table_name, index))

    ids = {record.id: record for record in base.records}
    known: Vocabulary | None = None  # sorted only when a reference dangles
    for path, lines, table_name, index, label, source_id in references:
        if source_id not in base.sources:
            hint = _did_you_mean(source_id, base.sources)
            line = lines.key(table_name, index, "source")
            problems.append(Problem(path, line, label, f"source '{source_id}' is not defined in [[sources]]{hint}"))
    for record, lines, table_name, index in pending:
        for key in ("related", "project"):
            targets = record.data.get(key)
            if targets is None:
                continue
            for target in [targets] if isinstance(targets, str) else targets:
                if target == record.id:
                    line = lines.key(table_name, index, key)
                    problems.append(Problem(record.path, line, record.id, f"{key}: points at itself"))
                elif target not in ids:  # the line is looked up only for a problem: it splits the file
                    known = known or Vocabulary(ids)
                    hint = _did_you_mean(target, known)
                    line = lines.key(table_name, index, key)
                    problems.append(Problem(record.path, line, record.id, f"{key}: no record has id '{target}'{hint}"))
                elif key == "project" and ids[target].kind != "project":
                    line = lines.key(table_name, index, key)
                    problems.append(
                        Problem(record.path, line, record.id, f"project: '{target}' is a {ids[target].kind}, not a project")
                    )
    problems.sort(key=lambda p: (base.paths.index(p.path) if p.path in base.paths else 0, p.line))
    return base, problems


def _tables(data: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        return value
    return []


def _claim(record_id: str, path: str, line: int, seen: dict[str, tuple[str, int]], problems: list[Problem]) -> bool:
    if record_id in seen:
        other_path, other_line = seen[record_id]
        problems.append(Problem(path, line, record_id, f"duplicate id (first defined at {other_path}:{other_line})"))
        return False
    seen[record_id] = (path, line)
    return True


def _check_source(table: Mapping[str, Any], path: str, line: int, problems: list[Problem]) -> Source | None:
    label = table.get("id") if isinstance(table.get("id"), str) else ""
    ok = True
    for key in SOURCE_REQUIRED:
        if key not in table:
            problems.append(Problem(path, line, str(label), f"source is missing required key '{key}'"))
            ok = False
    for key, value in table.items():
        expected = SOURCE_KEYS.get(key)
        if expected is None:
            problems.append(
                Problem(path, line, str(label), f"unknown key '{key}' in [[sources]]{_did_you_mean(key, SOURCE_KEYS)}")
            )
            ok = False
            continue
        message = _type_problem(value, expected)
        if message:
            problems.append(Problem(path, line, str(label), f"{key}: {message}"))
            ok = False
    if not ok:
        return None
    extra = {k: v for k, v in table.items() if k not in ("id", "title")}
    return Source(id=table["id"], title=table["title"], extra=extra)


def _check_record(
    kind: str,
    table: Mapping[str, Any],
    path: str,
    line: int,
    lines: LineFinder,
    table_name: str,
    index: int,
    problems: list[Problem],
) -> Record | None:
    label = table.get("id") if isinstance(table.get("id"), str) and table.get("id") else f"{table_name}[{index}]"
    required = KIND_KEYS[kind][0]
    schema = _schema(kind)
    ok = True
    located = 0

    def where(key: str) -> int:
        nonlocal located
        located += 1
        return lines.key(table_name, index, key) if located <= MAX_LOCATED else line

    for key in (*REQUIRED, *required):
        if key not in table:
            problems.append(
                Problem(
                    path, line, str(label), f"missing required key '{key}' (a {kind} needs {', '.join((*REQUIRED, *required))})"
                )
            )
            ok = False
    for key, value in table.items():
        expected = schema.get(key)
        if expected is None:
            problems.append(
                Problem(path, where(key), str(label), f"unknown key '{key}' for a {kind}{_did_you_mean(key, schema)}")
            )
            ok = False
            continue
        message = _type_problem(value, expected)
        if message:
            problems.append(Problem(path, where(key), str(label), f"{key}: {message}"))
            ok = False
    if ok:
        size = _text_size(table)
        if size > MAX_RECORD_TEXT:
            message = f"too much text ({size:,} characters; a record holds {MAX_RECORD_TEXT:,} at most)"
            problems.append(Problem(path, line, str(label), message))
            ok = False
    if not ok:
        return None
    return Record(kind=kind, id=table["id"], name=table["name"], year=table["year"], data=table, path=path, line=line)


@functools.cache
def _schema(kind: str) -> dict[str, str]:
    required, optional = KIND_KEYS[kind]
    return {**REQUIRED, **required, **OPTIONAL, **optional}


def _text_size(value: Any) -> int:
    """Characters of text in a value, its lists and tables included."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(_text_size(v) for v in value.values())
    if isinstance(value, list):
        return sum(_text_size(v) for v in value)
    return 0


def _size_problem(value: Any) -> str | None:
    """A string or list too big for a fact: indexing spells and normalises every character
    of every string, so one 50 MB string would take minutes and hundreds of megabytes."""
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return f"too long ({len(value):,} characters; at most {MAX_TEXT:,})"
    if isinstance(value, list):
        if len(value) > MAX_ITEMS:
            return f"too many entries ({len(value):,}; at most {MAX_ITEMS:,})"
        for item in value:
            texts = item.values() if isinstance(item, dict) else [item]
            for text in texts:
                if isinstance(text, str) and len(text) > MAX_TEXT:
                    return f"an entry is too long ({len(text):,} characters; at most {MAX_TEXT:,})"
    return None


def _type_problem(value: Any, expected: str) -> str | None:
    """Why `value` is not of the `expected` schema type, or None when it is."""
    too_big = _size_problem(value)
    if too_big:
        return too_big
    if expected == ID:
        if not isinstance(value, str):
            return f"must be a string id, not {_describe(value)}"
        if not ID_PATTERN.match(value):
            return f"malformed id {value!r}: use lower-case letters, digits and '-', starting with a letter or digit"
        return None
    if expected == STR:
        if not isinstance(value, str):
            return f"must be a string, not {_describe(value)}"
        return None if value.strip() else "must not be empty"
    if expected == INT:
        if isinstance(value, bool) or not isinstance(value, int):
            return f"must be an integer, not {_describe(value)}"
        return None if 1 <= value <= 9999 else f"{value} is not a plausible year or count"
    if expected == NUM:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"must be a number, not {_describe(value)}"
        if isinstance(value, int) and not -(2**63) <= value < 2**63:
            return f"{value} is beyond the 64-bit integers TOML allows"
        return None if math.isfinite(value) else f"must be a finite number, not {value}"
    if expected == STRS:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return f"must be a list of strings, not {_describe(value)}"
        return None
    if expected == QUAL:
        if isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            return None
        return f"must be a string or a list of strings, not {_describe(value)}"
    if expected == IDS:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return f"must be a list of ids, not {_describe(value)}"
        for item in value:
            problem = _type_problem(item, ID)
            if problem:
                return problem
        return None
    if expected == DATE:
        return _date_problem(value)
    if expected == ENTITIES:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            return f'must be a list of tables like {{ name = "…", role = "…" }}, not {_describe(value)}'
        for item in value:
            if not isinstance(item.get("name"), str) or not item["name"].strip():
                return "every entry needs a string 'name'"
            unknown = set(item) - {"name", "role"}
            if unknown:
                return f"unknown key '{sorted(unknown)[0]}' in an entry (use name and role)"
            if "role" in item and not isinstance(item["role"], str):
                return "role must be a string"
        return None
    raise AssertionError(expected)  # pragma: no cover - every schema type is handled above


def _date_problem(value: Any) -> str | None:
    if isinstance(value, (dt.datetime, dt.time)):
        return 'must be a date (2023-12-13) or a partial date string ("2023-09"), not a date-time'
    if isinstance(value, dt.date):
        return None
    if not isinstance(value, str):
        return f"must be a date or a date string, not {_describe(value)}"
    found = PARTIAL_DATE.match(value)
    if not found:
        return f'malformed date {value!r}: use 2023-12-13, "2023-12" or "2023"'
    year, month, day = (int(g) if g is not None else None for g in found.groups())
    try:
        dt.date(year or 0, 1 if month is None else month, 1 if day is None else day)
    except ValueError:
        return f"impossible date {value!r}"
    return None


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, str):
        shown = value if len(value) <= 20 else value[:20] + "…"
        return f"a string ({shown!r})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, dt.datetime):
        return "a date-time"
    if isinstance(value, dt.date):
        return "a date"
    return type(value).__name__


def _did_you_mean(word: str, choices: Iterable[str] | Vocabulary) -> str:
    vocabulary = choices if isinstance(choices, Vocabulary) else Vocabulary(choices)
    found = vocabulary.near(word)
    return f" (did you mean '{found[0]}'?)" if found else ""


# ---------------------------------------------------------------------------- quotes


class SourceText:
    """The text quotes are checked against, with the source's layout breaks joined.

    A quote may sit in one paragraph, or run from the end of one paragraph into the
    start of a later one: the article splits sentences across blank lines, sometimes
    with other paragraphs in between (多层面召开企业 … 家座谈会).
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.paragraphs = [line.strip() for line in text.splitlines() if line.strip()]

    def contains(self, quote: str) -> bool:
        if not quote:
            return False
        if any(quote in paragraph for paragraph in self.paragraphs):
            return True
        # Split across two paragraphs: the head ends one and the tail starts another, so
        # neither is longer than a paragraph (this bounds the work for a hostile quote).
        longest = max(map(len, self.paragraphs), default=0)
        for cut in range(max(1, len(quote) - longest), min(len(quote), longest + 1)):
            head, tail = quote[:cut], quote[cut:]
            # The first paragraph ending with the head is enough: any later start will do.
            first = next((i for i, p in enumerate(self.paragraphs) if p.endswith(head)), None)
            if first is not None and any(p.startswith(tail) for p in itertools.islice(self.paragraphs, first + 1, None)):
                return True
        return False


def check_quotes(base: Base, sources: Mapping[str | None, str]) -> list[Problem]:
    """Every quote and evidence string must occur verbatim in its source's text.

    `sources` maps a source id to its text; the key None gives the text for every
    source not named.
    """
    texts = {key: SourceText(text) for key, text in sources.items()}
    problems = []
    for record in base.records:
        text = texts.get(record.data["source"]) or texts.get(None)
        if text is None:
            continue
        spans = [("quote", record.data["quote"])]
        spans += [("evidence", span) for span in record.data.get("evidence", ())]
        for key, span in spans:
            if not text.contains(span):
                shown = span if len(span) <= 40 else span[:40] + "…"
                problems.append(
                    Problem(record.path, record.line, record.id, f"{key} not found verbatim in the source: {shown!r}")
                )
    return problems
