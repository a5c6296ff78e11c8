"""`facts show` (one record as a card) and `facts get` (one field's bare value, for scripts)."""

from __future__ import annotations

from typing import Annotated

from ..argv import Arg
from ..env import Environment
from ..errors import ExitStatus, UsageError
from ..output import ALL_FIELDS, write_card, write_field
from .options import CardOutput, FileOpt, complete_ids, open_base
from .results import find_record


def show(
    env: Environment,
    out: CardOutput,
    record_id: Annotated[str, Arg(metavar="ID", help="A record id.", autocompletion=complete_ids)],
    file: FileOpt = None,
) -> ExitStatus:
    """One fact as a card: every field, the quote and its source.

    Examples:

    \b
      facts show gdp-2023
      facts show gdp-2023 --format json
    """
    index = open_base(file)
    record = find_record(index, record_id)
    shown = out.environment(env)
    fmt = out.format_for(shown)
    source = index.sources().get(str(record.get("source")))
    if fmt == "table":
        from .. import render

        render.card(record, source, shown, out.lang)
    else:
        write_card(record, source, fmt, shown.stdout, lang=out.lang)
    return ExitStatus.OK


def get(
    env: Environment,
    record_id: Annotated[str, Arg(metavar="ID", help="A record id.", autocompletion=complete_ids)],
    field: Annotated[
        str | None,
        Arg(metavar="[FIELD]", help="value, unit, date, quote, figure… (default: the whole record as JSON)"),
    ] = None,
    file: FileOpt = None,
) -> ExitStatus:
    """The bare value of one field, for scripts: nothing but the value and a newline.

    Examples:

    \b
      facts get gdp-2023 value  →  1730
      facts get gdp-2023 quote
      facts get gdp-2023 (the record as JSON)
    """
    record = find_record(open_base(file), record_id)
    if field is not None and field not in ALL_FIELDS:
        raise UsageError(f"unknown field '{field}' (fields: {', '.join(ALL_FIELDS)})")
    if not write_field(record, field, env.stdout):
        env.say(f"facts: {record_id} has no {field}")
        return ExitStatus.NOTHING
    return ExitStatus.OK
