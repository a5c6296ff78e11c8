"""`facts values FIELD`: the values a filter can take, each with how many facts have it."""

from __future__ import annotations

from typing import Annotated, Any

from ..argv import Arg, Opt, Options
from ..env import Environment
from ..errors import ExitStatus, UsageError
from ..query import VALUE_FIELDS
from .options import OUTPUT_OPTIONS, FileOpt, Output, open_base

#: The output options of a listing command (-o FILE, --bom among them) but --fields: a count has two.
ValuesOutput = Annotated[Output, Options(Output, {k: v for k, v in OUTPUT_OPTIONS.items() if k != "fields"})]

#: The plurals people type for a field: `facts values statuses`.
PLURALS = {"kinds": "kind", "years": "year", "categories": "category", "places": "place", "statuses": "status"}
PLURALS.update({"units": "unit", "measures": "measure", "sources": "source"})


def _complete_fields(incomplete: str) -> list[str]:
    return [field for field in VALUE_FIELDS if field.startswith(incomplete)]


def values(
    env: Environment,
    out: ValuesOutput,
    field: Annotated[
        str | None, Arg(metavar="FIELD", help=f"One of: {', '.join(VALUE_FIELDS)}.", autocompletion=_complete_fields)
    ] = None,
    limit: Annotated[int | None, Opt("--limit", "-n", help="The N most common values.", min=1, metavar="N")] = None,
    file: FileOpt = None,
) -> ExitStatus:
    """The values a field takes in the base, each with how many facts have it, most common first.

    What the filters (--kind, --status, --unit, --category, --place, --measure, --year)
    accept, in the base's own spelling; facts without the field are not counted.

    Examples:

    \b
      facts values status
      facts values unit --format json
      facts values category | cut -f1
      facts values place -n 3
      facts values category --format csv --bom -o categories.csv
    """
    if field is None:
        raise UsageError(f"which field? (fields: {', '.join(VALUE_FIELDS)})")
    name = PLURALS.get(field.strip().lower(), field.strip().lower())
    if name not in VALUE_FIELDS:
        raise UsageError(f"no values to list for '{field}' (fields: {', '.join(VALUE_FIELDS)})")
    from ..query import tally

    counted = [(_shown(name, value, out.lang), count) for value, count in tally(open_base(file), name)[:limit]]
    if not counted:
        return ExitStatus.NOTHING
    shown = out.environment(env)
    fmt = out.format_for(shown)
    if fmt == "table":
        from .. import render

        render.counts({name: {str(value): count for value, count in counted}}, shown)
    else:
        shown.stdout.write(_text(counted, fmt, csv_raw=out.csv_raw, bom=out.bom, terminal=shown.is_terminal))
    return ExitStatus.OK


def _shown(field: str, value: Any, lang: str) -> Any:
    """A value as the filters take it; with --lang en, a status in English (also accepted)."""
    if field == "status" and lang == "en":
        from ..english import status_text

        return status_text(str(value), lang)
    return value


def _text(counted: list[tuple[Any, int]], fmt: str, *, csv_raw: bool, bom: bool, terminal: bool) -> str:
    """The counts in a format other than a table: `value<TAB>count` lines (tsv with a header),
    CSV, a JSON array of {value, count} objects, or JSON Lines."""
    from ..output import csv_text, safe, to_json

    if fmt == "json":
        return to_json([{"value": value, "count": count} for value, count in counted], indent=2) + "\n"
    if fmt == "jsonl":
        return "".join(to_json({"value": value, "count": count}) + "\n" for value, count in counted)
    rows = [(str(value), str(count)) for value, count in counted]
    if fmt == "csv":
        cells = [(safe(value), count) for value, count in rows] if terminal else rows
        return csv_text([("value", "count"), *cells], raw=csv_raw, bom=bom)
    header = "value\tcount\n" if fmt == "tsv" else ""
    return header + "".join(f"{safe(value)}\t{count}\n" for value, count in rows)
