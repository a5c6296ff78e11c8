"""`facts check`: every problem of one or more bases at once, and the quote check.

Unlike loading, which stops at the first problem, this collects them all. A file that
cannot be read at all (missing, a directory, no permission) means the check could not
run (exit 2); a file that reads but is broken is a problem like any other (exit 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .errors import BaseError, UsageError
from .load import Problem, check_counts, count_entries, decode, parse_toml, read_documents
from .validate import check_quotes, validate_documents


def _problem_from(error: BaseError, path: str) -> Problem:
    message = f"column {error.column}: {error.message}" if error.column else error.message
    return Problem(path, error.line, "", message)


def source_texts(specs: Sequence[str]) -> dict[str | None, str]:
    texts: dict[str | None, str] = {}
    for spec in specs:
        key: str | None = None
        path = spec
        if "=" in spec and not spec.startswith(("/", ".")):
            key, path = spec.split("=", 1)
        texts[key] = _read_source(path)
    return texts


#: The largest source text read (a newspaper article is tens of kilobytes; a book a few MB):
#: `--source /dev/zero` or a wrong path to a disk image must not fill the memory.
MAX_SOURCE_BYTES = 64 * 1048576


def _read_source(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_SOURCE_BYTES + 1)
        if len(raw) > MAX_SOURCE_BYTES:
            raise UsageError(f"source text {path} is larger than {MAX_SOURCE_BYTES // 1048576} MB: not an article")
        return raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise UsageError(f"cannot read source text {path}: {reason}") from None


def run_check(paths: Sequence[str], sources: Sequence[str]) -> tuple[list[Problem], str]:
    texts = source_texts(sources)
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
    files = f"{len(paths)} file" + ("s" if len(paths) != 1 else "")
    quotes = ", quotes checked against the source" if texts else ""
    verdict = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "") if problems else "no problems"
    return problems, f"checked {len(base.records)} records in {files}{quotes}: {verdict}"
