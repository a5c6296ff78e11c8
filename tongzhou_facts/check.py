"""`facts check`: every problem of one or more bases at once, the quote check, and whether a
source text is the one the base was checked against (its `sha256`).

Unlike loading, which stops at the first problem, this collects them all. A file that
cannot be read at all (missing, a directory, no permission) means the check could not
run (exit 2); a file that reads but is broken is a problem like any other (exit 1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .context import read_source as read_source  # re-exported: how a source text is read
from .errors import BaseError, UsageError
from .limits import check_counts, count_entries
from .load import decode, parse_toml, read_documents
from .model import Base, Problem
from .validate import validate_documents


def _problem_from(error: BaseError, path: str) -> Problem:
    message = f"column {error.column}: {error.message}" if error.column else error.message
    return Problem(path, error.line, "", message)


def source_texts(specs: Sequence[str]) -> dict[str | None, str]:
    return {key: text for key, (_, text) in source_files(specs).items()}


def source_files(specs: Sequence[str]) -> dict[str | None, tuple[str, str]]:
    """`--source` specs (`FILE`, or `ID=FILE` for one source id) -> (path, text), keyed by
    the source id (None: every source not named)."""
    files: dict[str | None, tuple[str, str]] = {}
    for spec in specs:
        key: str | None = None
        path = spec
        if "=" in spec and not spec.startswith(("/", ".")):
            key, path = spec.split("=", 1)
        files[key] = (path, read_source(path))
    return files


class SourceText:
    """The text quotes are checked against, with the source's layout breaks joined.

    A quote may sit in one paragraph, or run from the end of one paragraph into the
    start of a later one: the article splits sentences across blank lines, sometimes
    with other paragraphs in between (多层面召开企业 … 家座谈会). Where it stands is
    context.SourceMap's to find (`facts show --source` and `facts coverage` use it too).
    """

    def __init__(self, text: str) -> None:
        from .context import SourceMap

        self.text = text
        self.map = SourceMap(text)

    def contains(self, quote: str) -> bool:
        return self.map.find(quote) is not None


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


def normalised(text: str) -> str:
    """A source text as its `sha256` is taken: CR LF, then any CR left, become LF.

    `text` is as `--source` reads it: decoded as UTF-8 (strictly), one byte-order mark at
    its start dropped. Nothing else changes: no Unicode normalisation, no trimming.
    """
    return text.replace("\r\n", "\n").replace("\r", "\n")


def source_sha256(text: str) -> str:
    """The SHA-256 (hex, lower case) of a source text's normalised UTF-8 bytes, as
    [[sources]] `sha256` records it. hashlib is imported here: only `check` needs it."""
    import hashlib

    return hashlib.sha256(normalised(text).encode("utf-8")).hexdigest()


class Identity:
    """Whether the text given for a source is the one its `sha256` names."""

    __slots__ = ("expected", "found", "path", "source_id")

    def __init__(self, source_id: str, path: str, found: str, expected: str) -> None:
        self.source_id, self.path, self.found, self.expected = source_id, path, found, expected

    @property
    def matches(self) -> bool:
        return self.found == self.expected

    def __str__(self) -> str:
        if self.matches:
            return f"source {self.source_id}: {self.path} is the text the base was checked against (sha256 matches)"
        return (
            f"warning: source {self.source_id}: {self.path} differs from the text the base was checked against "
            f"(sha256 {self.found}, expected {self.expected})"
        )


def identify_sources(base: Base, files: Mapping[str | None, tuple[str, str]]) -> list[Identity]:
    """For every source with a `sha256` and a text given for it: is that text the one?"""
    found = []
    for source in base.sources.values():
        expected = source.extra.get("sha256")
        given = files.get(source.id) or files.get(None)
        if isinstance(expected, str) and given is not None:
            path, text = given
            found.append(Identity(source.id, path, source_sha256(text), expected))
    return found


def run_check(paths: Sequence[str], sources: Sequence[str]) -> tuple[list[Problem], list[Identity], str]:
    """Every problem of the base made of `paths`, quotes checked against the `sources` texts
    (`ID=FILE`, or `FILE` for every source); whether each text is the one its source's
    `sha256` names; and the summary line `facts check` ends with.

    A text that differs is not a problem: its quotes are checked all the same, and only
    they decide the exit status."""
    given = source_files(sources)
    texts = {key: text for key, (_, text) in given.items()}
    problems: list[Problem] = []
    parsed: list[tuple[str, str, dict[str, Any]]] = []
    counts: list[tuple[int, int]] = []
    documents = read_documents(paths)  # cannot be read at all, or too large: BaseError, exit 2
    total = len(documents)
    while documents:  # each file's bytes let go once decoded, as loading does
        path, raw = documents.pop(0)
        try:  # read, but not UTF-8 or not TOML: a problem like any other
            text = decode(raw, path)
            del raw
            data = parse_toml(text, path)
        except BaseError as error:
            problems.append(_problem_from(error, path))
            continue
        counts.append(count_entries(data))
        check_counts(counts, total)  # before validation, the costly part; the same message as loading
        parsed.append((path, text, data))
    base, found = validate_documents(parsed)
    problems.extend(found)
    unknown = [key for key in texts if key is not None and key not in base.sources]
    if unknown:
        raise UsageError(f"--source {unknown[0]}=…: no [[sources]] table has that id (ids: {', '.join(base.sources) or 'none'})")
    if texts:
        problems.extend(check_quotes(base, texts))
    identities = identify_sources(base, given)
    files = f"{len(paths)} file" + ("s" if len(paths) != 1 else "")
    quotes = ", quotes checked against the source" if texts else ""
    verdict = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "") if problems else "no problems"
    return problems, identities, f"checked {len(base.records)} records in {files}{quotes}: {verdict}"
