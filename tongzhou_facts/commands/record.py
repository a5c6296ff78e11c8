"""`facts show` (one record as a card) and `facts get` (one field's bare value, for scripts)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from ..argv import Arg, Opt
from ..env import Environment
from ..errors import ExitStatus, UsageError
from ..lookup import find_record
from ..output import ALL_FIELDS, write_card, write_field
from .options import CardOutput, FileOpt, complete_ids, open_base

if TYPE_CHECKING:
    from ..context import ContextParagraph
    from ..model import Record


def show(
    env: Environment,
    out: CardOutput,
    record_id: Annotated[str, Arg(metavar="ID", help="A record id.", autocompletion=complete_ids)],
    source: Annotated[
        str | None,
        Opt("--source", help="Also show the paragraph of this text around the quote, the quote marked.", metavar="FILE"),
    ] = None,
    file: FileOpt = None,
) -> ExitStatus:
    """One fact as a card: every field, the quote and its source.

    Examples:

    \b
      facts show gdp-2023
      facts show gdp-2023 --format json
      facts show gdp-2023 --source ../shared/sources/tongzhou-2023-review.txt

    With --source, the paragraph around the quote (both, where the text splits its sentence),
    the quote and any evidence highlighted; without colour marked 【quote】 and 〔evidence〕.
    """
    index = open_base(file)
    record = find_record(index, record_id)
    context = None if source is None else _context(record, source)
    shown = out.environment(env)
    fmt = out.format_for(shown)
    document = index.sources().get(str(record.get("source")))
    if fmt == "table":
        from .. import render

        render.card(record, document, shown, out.lang, context)
    else:
        write_card(record, document, fmt, shown.stdout, lang=out.lang, context=context, terminal=shown.is_terminal)
    return ExitStatus.OK


def _context(record: Record, path: str) -> list[ContextParagraph]:
    """The paragraphs of the text at `path` around the record's quote; an error when it has none."""
    from ..context import SourceMap, read_source, record_context

    context = record_context(record, SourceMap(read_source(path)))
    if context is None:
        quote = str(record.get("quote"))
        shown = quote if len(quote) <= 40 else quote[:40] + "…"
        raise UsageError(f"{path} does not contain the quote of {record.id} ({shown!r}): is it the record's source?")
    return context


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
      facts get gdp-2023 value    # 1730
      facts get gdp-2023 quote
      facts get gdp-2023          # the whole record as JSON
    """
    record = find_record(open_base(file), record_id)
    if field is not None and field not in ALL_FIELDS:
        raise UsageError(f"unknown field '{field}' (fields: {', '.join(ALL_FIELDS)})")
    if not write_field(record, field, env.stdout):
        env.say(f"facts: {record_id} has no {field}")
        return ExitStatus.NOTHING
    return ExitStatus.OK
