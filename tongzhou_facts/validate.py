"""The schema rules of a fact base: keys, types, ids, references, sizes.

Every rule reports a `Problem` with file, line and record id; nothing stops at the
first problem, so `facts check` can list them all at once. (The quote check of
`facts check --source` is in check.py; the limits in limits.py.)
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from .limits import MAX_ITEMS, MAX_RECORD_TEXT, MAX_SOURCES, MAX_TEXT
from .lines import LineFinder
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
    SHA256,
    SOURCE_KEYS,
    SOURCE_REQUIRED,
    STR,
    STRS,
    Base,
    Problem,
    Record,
    Source,
)
from .nearest import Vocabulary

#: Problems of one record located at their key's line; later ones point at the table's
#: line, so a table with 100,000 unknown keys costs no 100,000 scans of it.
MAX_LOCATED = 20
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?\Z")
SHA256_PATTERN = re.compile(r"[0-9a-f]{64}\Z")
TOP_LEVEL = ("sources", *KINDS)  # the only top-level keys a base may have


def validate_documents(documents: Sequence[tuple[str, str, Mapping[str, Any]]]) -> tuple[Base, list[Problem]]:
    """Check parsed documents (path, text, data) as one merged base: the base of every
    record and source without a problem, and every problem, in file and line order."""
    run = _Validation([path for path, _, _ in documents])
    for path, text, data in documents:
        run.document(path, LineFinder(text), data)
    run.dangling_sources()
    run.dangling_links()
    run.problems.sort(key=lambda p: (run.base.paths.index(p.path) if p.path in run.base.paths else 0, p.line))
    return run.base, run.problems


class _Validation:
    """One validation: the base built so far, the problems found, and what is checked once
    every file has been read (the sources and records that references point at)."""

    def __init__(self, paths: list[str]) -> None:
        self.base = Base(paths=paths)
        self.problems: list[Problem] = []
        self.seen: dict[str, tuple[str, int]] = {}  # id -> where it was first defined
        self.linking: list[tuple[Record, LineFinder, str, int]] = []  # records whose links are checked at the end
        self.citing: list[tuple[str, LineFinder, str, int, str, str]] = []  # (…, label, source id): not defined yet

    def document(self, path: str, lines: LineFinder, data: Mapping[str, Any]) -> None:
        self.top_level(path, lines, data)
        self.sources(path, lines, data)
        for table_name, kind in KINDS.items():
            for index, table in enumerate(_tables(data, table_name)):
                self.record(path, lines, kind, table_name, index, table)

    def top_level(self, path: str, lines: LineFinder, data: Mapping[str, Any]) -> None:
        for key, value in data.items():
            if key not in TOP_LEVEL:
                hint = _did_you_mean(key, TOP_LEVEL)
                self.problems.append(Problem(path, lines.top_key(key), "", f"unknown top-level key '{key}'{hint}"))
            elif not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
                line = lines.top_key(key) or lines.table(key, 0)
                self.problems.append(Problem(path, line, "", f"'{key}' must be an array of tables ([[{key}]])"))

    def sources(self, path: str, lines: LineFinder, data: Mapping[str, Any]) -> None:
        sources = self.base.sources
        for index, table in enumerate(_tables(data, "sources")):
            line = lines.table("sources", index)
            if len(sources) >= MAX_SOURCES:
                self.problems.append(Problem(path, line, "", f"too many [[sources]] tables (at most {MAX_SOURCES:,} in a base)"))
                break
            source = _check_source(table, path, line, self.problems)
            if source is not None:
                _claim(source.id, path, line, self.seen, self.problems)
                sources[source.id] = source

    def record(self, path: str, lines: LineFinder, kind: str, table_name: str, index: int, table: Mapping[str, Any]) -> None:
        line = lines.table(table_name, index)
        record = _check_record(kind, table, path, line, lines, table_name, index, self.problems)
        # A broken record still claims its id and has its source checked: `check` lists every problem.
        record_id = table.get("id")
        claimed = (
            isinstance(record_id, str)
            and bool(ID_PATTERN.match(record_id))
            and _claim(record_id, path, line, self.seen, self.problems)
        )
        source_id = table.get("source")
        # Only what may dangle is kept for the checks at the end (sources are only ever added,
        # and a record without links has none to check): a big base keeps none of it.
        if isinstance(source_id, str) and source_id not in self.base.sources:
            label = record_id if isinstance(record_id, str) and record_id else f"{table_name}[{index}]"
            self.citing.append((path, lines, table_name, index, label, source_id))
        if record is not None and claimed:
            self.base.records.append(record)
            if "related" in record.data or "project" in record.data:
                self.linking.append((record, lines, table_name, index))

    def dangling_sources(self) -> None:
        """A record's `source` must be the id of a [[sources]] table."""
        for path, lines, table_name, index, label, source_id in self.citing:
            if source_id not in self.base.sources:
                hint = _did_you_mean(source_id, self.base.sources)
                line = lines.key(table_name, index, "source")
                self.problems.append(Problem(path, line, label, f"source '{source_id}' is not defined in [[sources]]{hint}"))

    def dangling_links(self) -> None:
        """`related` and `project` must name other records; `project` a project."""
        ids = {record.id: record for record in self.base.records}
        known: Vocabulary | None = None  # sorted only when a reference dangles
        for record, lines, table_name, index in self.linking:
            for key in ("related", "project"):
                targets = record.data.get(key)
                for target in [targets] if isinstance(targets, str) else targets or ():
                    if target == record.id:
                        message = f"{key}: points at itself"
                    elif target not in ids:  # the line is looked up only for a problem: it splits the file
                        known = known or Vocabulary(ids)
                        message = f"{key}: no record has id '{target}'{_did_you_mean(target, known)}"
                    elif key == "project" and ids[target].kind != "project":
                        message = f"project: '{target}' is a {ids[target].kind}, not a project"
                    else:
                        continue
                    self.problems.append(Problem(record.path, lines.key(table_name, index, key), record.id, message))


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
    schema = _schema(kind)
    ok = True
    located = 0
    size = 0  # characters of text, added up as the values are checked (each is read once)

    def where(key: str) -> int:
        nonlocal located
        located += 1
        return lines.key(table_name, index, key) if located <= MAX_LOCATED else line

    for key in _required(kind):
        if key not in table:
            needs = ", ".join(_required(kind))
            problems.append(Problem(path, line, str(label), f"missing required key '{key}' (a {kind} needs {needs})"))
            ok = False
    for key, value in table.items():
        expected = schema.get(key)
        if expected is None:
            problems.append(
                Problem(path, where(key), str(label), f"unknown key '{key}' for a {kind}{_did_you_mean(key, schema)}")
            )
            ok = False
            continue
        text = _FAST_CHECKS[expected](value)
        if text is not None:  # surely valid: the common case, checked without building a message
            size += text
            continue
        message = _type_problem(value, expected)
        if message:
            problems.append(Problem(path, where(key), str(label), f"{key}: {message}"))
            ok = False
        else:
            size += _text_size(value)
    if ok and size > MAX_RECORD_TEXT:
        message = f"too much text ({size:,} characters; a record holds {MAX_RECORD_TEXT:,} at most)"
        problems.append(Problem(path, line, str(label), message))
        ok = False
    if not ok:
        return None
    return Record.adopt(kind=kind, id=table["id"], name=table["name"], year=table["year"], data=table, path=path, line=line)


@functools.cache
def _required(kind: str) -> tuple[str, ...]:
    return (*REQUIRED, *KIND_KEYS[kind][0])


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
    return _TYPE_PROBLEMS[expected](value)


def _id_problem(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"must be a string id, not {_describe(value)}"
    if not ID_PATTERN.match(value):
        return f"malformed id {value!r}: use lower-case letters, digits and '-', starting with a letter or digit"
    return None


def _string_problem(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, not {_describe(value)}"
    return None if value.strip() else "must not be empty"


def _integer_problem(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return f"must be an integer, not {_describe(value)}"
    return None if 1 <= value <= 9999 else f"{value} is not a plausible year or count"


def _number_problem(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"must be a number, not {_describe(value)}"
    if isinstance(value, int) and not -(2**63) <= value < 2**63:
        return f"{value} is beyond the 64-bit integers TOML allows"
    return None if math.isfinite(value) else f"must be a finite number, not {value}"


def _strings_problem(value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return f"must be a list of strings, not {_describe(value)}"
    return None


def _qualifier_problem(value: Any) -> str | None:
    if isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        return None
    return f"must be a string or a list of strings, not {_describe(value)}"


def _ids_problem(value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return f"must be a list of ids, not {_describe(value)}"
    for item in value:
        problem = _type_problem(item, ID)
        if problem:
            return problem
    return None


def _entities_problem(value: Any) -> str | None:
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


def _sha256_problem(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"must be a string of 64 hexadecimal digits, not {_describe(value)}"
    if not SHA256_PATTERN.match(value):
        shown = value if len(value) <= 20 else value[:20] + "…"
        return f"malformed SHA-256 {shown!r}: write its 64 hexadecimal digits in lower case"
    return None


# The fast checks: the characters of text in a value that is surely of its type and size, else
# None, and then `_type_problem` decides and says why (a value these do not take may be valid
# all the same: a partial date, a list of companies). They only ever say yes where
# `_type_problem` would; they exist because checking 100,000 records is a tenth of a cold build.


def _fast_id(value: Any) -> int | None:
    return len(value) if type(value) is str and len(value) <= MAX_TEXT and ID_PATTERN.match(value) else None


def _fast_string(value: Any) -> int | None:
    return len(value) if type(value) is str and len(value) <= MAX_TEXT and value.strip() else None


def _fast_integer(value: Any) -> int | None:
    return 0 if type(value) is int and 1 <= value <= 9999 else None


def _fast_number(value: Any) -> int | None:
    if type(value) is float:
        return 0 if math.isfinite(value) else None
    return 0 if type(value) is int and -(2**63) <= value < 2**63 else None


def _fast_strings(value: Any) -> int | None:
    if type(value) is not list or len(value) > MAX_ITEMS:
        return None
    size = 0
    for item in value:
        if type(item) is not str or len(item) > MAX_TEXT:
            return None
        size += len(item)
    return size


def _fast_qualifier(value: Any) -> int | None:
    if type(value) is str:
        return len(value) if len(value) <= MAX_TEXT else None
    return _fast_strings(value)


def _fast_ids(value: Any) -> int | None:
    size = _fast_strings(value)
    if size is None or not all(ID_PATTERN.match(item) for item in value):
        return None
    return size


def _fast_date(value: Any) -> int | None:
    return 0 if type(value) is dt.date else None


def _slow(_value: Any) -> int | None:
    return None


_FAST_CHECKS: dict[str, Callable[[Any], int | None]] = {
    ID: _fast_id,
    STR: _fast_string,
    INT: _fast_integer,
    NUM: _fast_number,
    STRS: _fast_strings,
    QUAL: _fast_qualifier,
    IDS: _fast_ids,
    DATE: _fast_date,
    ENTITIES: _slow,
    SHA256: _slow,
}


#: Schema type (model.py) -> why a value is not of it (None: it is).
_TYPE_PROBLEMS: dict[str, Callable[[Any], str | None]] = {
    ID: _id_problem,
    STR: _string_problem,
    INT: _integer_problem,
    NUM: _number_problem,
    STRS: _strings_problem,
    QUAL: _qualifier_problem,
    IDS: _ids_problem,
    DATE: _date_problem,
    ENTITIES: _entities_problem,
    SHA256: _sha256_problem,
}


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
