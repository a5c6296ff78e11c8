"""Showing what a command found: records or rows in the chosen format, and its exit status.

Every listing command ends here, so a format works the same everywhere: a Rich table on a
terminal (render.py), else plain, TSV, CSV, JSON or JSON Lines (output.py), streamed.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from ..errors import ExitStatus
from ..output import parse_fields, present_fields, write

if TYPE_CHECKING:
    from .. import query
    from ..env import Environment
    from ..index import Index
    from ..model import Record
    from .options import Output

LIST_FIELDS = ("id", "kind", "name", "figure", "when")


def show_records(
    env: Environment,
    records: Sequence[Record],
    default_fields: Sequence[str],
    out: Output,
    highlights: dict[str, dict[str, list[tuple[int, int]]]] | None = None,
    hit_fields: Sequence[str] = (),
) -> ExitStatus:
    """Print records in the chosen format: OK, or NOTHING when there are none. `highlights`
    (record id -> field -> character spans of the text the field's cell shows) are drawn in a
    table only. `hit_fields`: the fields only these records have (output.HIT_FIELDS: a
    search's `match`)."""
    env = out.environment(env)
    fields = parse_fields(out.fields, default_fields, hit_fields)
    fmt = out.format_for(env)
    if not records:
        if fmt == "json":
            env.stdout.write("[]\n")
        return ExitStatus.NOTHING
    if fmt == "table":
        from .. import render

        render.table(records, fields, env, out.lang, highlights, explicit=out.fields is not None)
    else:
        with _paged(env) as shown:
            write(records, fmt, fields, shown.stdout, **out.write_options(env))
    return ExitStatus.OK


@contextlib.contextmanager
def _paged(env: Environment) -> Iterator[Environment]:
    """pager.paged for the other formats on a terminal (`--format json`); a pipe, which never
    pages, streams as before, without importing the pager."""
    if env.pager is None:
        yield env
        return
    from ..pager import paged

    with paged(env) as shown:
        yield shown


def show_rows(
    env: Environment, index: Index, rows: Iterable[query.Row], default_fields: Sequence[str], out: Output
) -> ExitStatus:
    """`show_records` for a stream of rows: written as they are read, so a million records
    never sit in memory together (a table, drawn whole, is the exception)."""
    stream = iter(rows)
    first = next(stream, None)
    shown = out.environment(env)
    if first is None or out.format_for(shown) == "table":
        records = [] if first is None else [record for _, record in itertools.chain([first], stream)]
        return show_records(env, records, default_fields, out)
    fields = parse_fields(out.fields, default_fields)
    with _paged(shown) as paging:
        write_rows(
            index, itertools.chain([first], stream), out.format_for(shown), fields, paging.stdout, **out.write_options(shown)
        )
    return ExitStatus.OK


def explained(env: Environment, result: ExitStatus, index: Index, /, **filters: Any) -> ExitStatus:
    """`result`, after one line on a terminal's stderr when it is NOTHING: why, and what the
    base holds instead (explain.Filters are the `filters`; explain.py is imported only then).
    A pipe gets the exit status alone."""
    if result is ExitStatus.NOTHING and env.is_terminal:
        from ..explain import Filters, nothing

        env.say("facts: " + nothing(index, Filters(**filters)))
    return result


def write_rows(
    index: Index,
    rows: Iterable[query.Row],
    fmt: str,
    fields: Sequence[str],
    stream: TextIO,
    *,
    lang: str = "zh",
    all_fields: bool = False,
    bom: bool = False,
    csv_raw: bool = False,
    terminal: bool = False,
) -> None:
    """`output.write` for rows of an index. An every-field CSV needs its columns (every key
    present) before its first line: the rows are read twice, keeping only their numbers."""
    columns = None
    if fmt == "csv" and all_fields:
        from array import array

        numbers = array("q")

        def counted() -> Iterator[Record]:
            for n, record in rows:
                numbers.append(n)
                yield record

        columns = present_fields(counted())
        rows = index.fetch(numbers)
    from ..query import records

    write(
        records(rows),
        fmt,
        fields,
        stream,
        lang=lang,
        all_fields=all_fields,
        bom=bom,
        csv_raw=csv_raw,
        columns=columns,
        terminal=terminal,
    )
