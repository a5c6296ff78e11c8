"""`facts coverage`: the figures of a source text that no record of the base accounts for."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

from ..argv import Opt
from ..env import Environment
from ..errors import ExitStatus, UsageError
from .options import FileOpt, open_base

if TYPE_CHECKING:
    from ..coverage import Item
    from ..index import Index

#: What `--format` takes here: no table (one line per figure, as `facts check` prints problems).
FORMATS = ("plain", "tsv", "csv", "json", "jsonl")
COLUMNS = ("line", "column", "kind", "text", "sentence")


def coverage(
    env: Environment,
    source: Annotated[str | None, Opt("--source", help="The text the base was drawn from (required).", metavar="FILE")] = None,
    source_id: Annotated[
        str | None,
        Opt("--id", help="The [[sources]] id whose records count (default: the base's only source).", metavar="SOURCE_ID"),
    ] = None,
    fmt: Annotated[str | None, Opt("--format", help="plain (default), tsv, csv, json or jsonl.", metavar="FORMAT")] = None,
    file: FileOpt = None,
) -> ExitStatus:
    """Every number, percentage, date and quoted name of a source text that no record covers.

    Examples:

    \b
      facts coverage --source ../shared/sources/tongzhou-2023-review.txt

    Prints one line per figure no record's quote, evidence or name holds: its line, column, kind,
    text and sentence; then a summary on stderr. The rules: docs/schema.md, "What coverage counts".
    """
    from ..context import read_source
    from ..coverage import coverage as find_coverage

    if source is None:
        raise UsageError("coverage needs --source FILE: the text the base was drawn from")
    fmt = fmt.strip().lower() if fmt is not None else None  # --format JSON: in any case
    if fmt is not None and fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}' for coverage (formats: {', '.join(FORMATS)})")
    index = open_base(file)
    chosen = _source_id(index, source_id)
    text = read_source(source)
    report = find_coverage(text, (record for _, record in index.rows() if record.get("source") == chosen))
    _write(report.uncovered, fmt or "plain", env)
    env.stdout.flush()  # the figures before the summary, when both go to one place (2>&1)
    env.say(f"facts: {report.summary()}")
    return ExitStatus.NOTHING if report.uncovered else ExitStatus.OK


def _source_id(index: Index, wanted: str | None) -> str:
    """The [[sources]] id asked for, else the base's only one."""
    ids = list(index.sources())
    if wanted is not None:
        if wanted not in ids:
            raise UsageError(f"--id {wanted}: no [[sources]] table has that id (ids: {', '.join(ids) or 'none'})")
        return wanted
    if len(ids) != 1:
        listed = f"ids: {', '.join(ids)}" if ids else "it has none"
        raise UsageError(f"the base has {len(ids)} [[sources]] tables: say which with --id SOURCE_ID ({listed})")
    return ids[0]


def _write(items: Sequence[Item], fmt: str, env: Environment) -> None:
    from ..escape import safe
    from ..output import csv_text, to_json

    objects = [item.to_dict() for item in items]
    if fmt == "json":
        env.stdout.write(to_json(objects, indent=2) + "\n")
        return
    if fmt == "jsonl":
        env.stdout.write("".join(to_json(obj) + "\n" for obj in objects))
        return
    rows = [[str(obj[column]) for column in COLUMNS] for obj in objects]
    if fmt == "csv":
        shown = [[safe(cell) for cell in row] for row in rows] if env.is_terminal else rows
        env.stdout.write(csv_text([list(COLUMNS), *shown]))
        return
    header = ["\t".join(COLUMNS) + "\n"] if fmt == "tsv" else []
    env.stdout.write("".join(header + ["\t".join(safe(cell) for cell in row) + "\n" for row in rows]))
