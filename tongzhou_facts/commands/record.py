"""`facts show` (one record as a card) and `facts get` (bare values, for scripts).

Both take a record's id, or a word that names one: a word that is no id is looked up by
search (lookup.resolve_record), and a unique best match is used with a note on stderr.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

from ..argv import Arg, Opt
from ..env import Environment
from ..errors import ExitStatus, UsageError
from ..lookup import resolve_record
from ..output import ALL_FIELDS, parse_fields, write_card, write_field
from .options import CardOutput, FileOpt, GetOutput, complete_ids, open_base

if TYPE_CHECKING:
    from ..context import ContextParagraph
    from ..index import Index
    from ..model import Record


def show(
    env: Environment,
    out: CardOutput,
    record_id: Annotated[
        str, Arg(metavar="ID", help="A record id, or a name that search finds (GDP, 地区生产总值).", autocompletion=complete_ids)
    ],
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
      facts show gdp-2023 --fields value,unit,quote
      facts show 地区生产总值
      facts show gdp-2023 --source ../shared/sources/tongzhou-2023-review.txt

    With --fields, the card (and JSON, CSV…) holds those fields alone. An ID that is no id
    is searched for: one record that stands out is shown, with a note on stderr; several
    are named in the error (exit 2). With --source, the paragraph around the quote (both,
    where the text splits its sentence), the quote and any evidence highlighted; without
    colour marked 【quote】 and 〔evidence〕.
    """
    index = open_base(file)
    fields = None if out.fields is None else parse_fields(out.fields, ())
    if fields == []:
        raise UsageError("--fields names no field")
    record = _resolve(env, index, record_id, "showing")
    context = None if source is None else _context(record, source)
    shown = out.environment(env)
    fmt = out.format_for(shown)
    document = index.sources().get(str(record.get("source")))
    if fmt == "table":
        from .. import render

        render.card(record, document, shown, out.lang, context, fields)
    else:
        write_card(record, document, fmt, shown.stdout, lang=out.lang, context=context, terminal=shown.is_terminal, fields=fields)
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


def _resolve(env: Environment, index: Index, typed: str, doing: str) -> Record:
    """The record `typed` names; when search found it, a note on stderr says so."""
    found = resolve_record(index, typed)
    if found.by_search:
        env.say(f"facts: no id '{typed}'; {doing} {found.record.id}, found by search")
    return found.record


def get(
    env: Environment,
    out: GetOutput,
    words: Annotated[
        list[str],
        Arg(
            metavar="ID... [FIELD]...",
            help="Record ids (or names search finds), then fields: value, unit, date, quote, figure… "
            "(no field: each record as one JSON line)",
            show_default=False,
            autocompletion=complete_ids,
        ),
    ],
    file: FileOpt = None,
) -> ExitStatus:
    """Bare values for scripts: one line per id, its fields separated by tabs.

    Examples:

    \b
      facts get gdp-2023 value                  # 1730
      facts get gdp-2023 value unit             # 1730, a tab, 亿元
      facts get gdp-2023 gdp-growth-2023 value
      facts get gdp-2023 gdp-growth-2023 value unit --format csv
      facts get gdp-2023                        # the whole record as JSON

    The trailing words that are field names are the fields; the words before them are ids.
    An ID that is no id is searched for, as by `show`. A value a record lacks is an empty
    cell (JSON null) and a note on stderr, and the exit status is 1.
    """
    index = open_base(file)
    ids, fields = split_words(index, words)
    records = [_resolve(env, index, typed, "using") for typed in ids]
    shown = out.environment(env)
    fmt = out.fmt or "plain"
    if fmt == "plain" and len(records) == 1 and len(fields) == 1:  # one value: exactly as scripts have it
        if not write_field(records[0], fields[0], shown.stdout):
            env.say(f"facts: {records[0].id} has no {fields[0]}")
            return ExitStatus.NOTHING
        return ExitStatus.OK
    _write_values(shown, records, fields, fmt, out)
    return _missing(env, records, fields)


def split_words(index: Index, words: Sequence[str]) -> tuple[list[str], list[str]]:
    """`get`'s words as (ids, fields): the first word is an id; of the others, the trailing
    ones that are field names are the fields, those before them ids. A field name among the
    ids (that is no id of the base), or a word written like a field name (lowercase letters
    and _) just before the fields or last, that is no field and no id, is a usage error."""
    end = len(words)
    while end > 1 and words[end - 1] in ALL_FIELDS:
        end -= 1
    ids, fields = list(words[:end]), list(words[end:])
    last = ids[-1]
    if len(ids) > 1 and _field_like(last) and last not in ALL_FIELDS and index.get(last) is None:
        raise UsageError(f"unknown field '{last}' (fields: {', '.join(ALL_FIELDS)})")
    for word in ids:
        if word in ALL_FIELDS and index.get(word) is None:
            raise UsageError(f"'{word}' is a field, not an id: name the ids first, then the fields (facts get ID... FIELD...)")
    return ids, fields


def _field_like(word: str) -> bool:
    return word.isascii() and word.replace("_", "").isalpha() and word.islower()


def _write_values(env: Environment, records: Sequence[Record], fields: Sequence[str], fmt: str, out: GetOutput) -> None:
    from ..output import cell, present_fields, safe, to_json, write

    if fmt == "table":
        from .. import render
        from .results import LIST_FIELDS

        render.table(records, fields or LIST_FIELDS, env, "zh")
    elif fmt == "plain" and not fields:  # each record as one JSON line, as `get ID` always printed it
        env.stdout.write("".join(to_json(record.to_dict()) + "\n" for record in records))
    elif fmt == "plain":
        env.stdout.write("".join("\t".join(safe(cell(record, f)) for f in fields) + "\n" for record in records))
    else:
        chosen = fields or present_fields(records)
        write(records, fmt, chosen, env.stdout, all_fields=not fields, csv_raw=out.csv_raw, terminal=env.is_terminal)


def _missing(env: Environment, records: Sequence[Record], fields: Sequence[str]) -> ExitStatus:
    """NOTHING, after a note per record, when some record lacks a field asked for; else OK."""
    from ..model import VIRTUAL
    from ..output import cell

    status = ExitStatus.OK
    for record in records:
        data = record.to_dict()
        lacking = [f for f in fields if (not cell(record, f) if f in VIRTUAL else data.get(f) is None)]
        if lacking:
            env.say(f"facts: {record.id} has no {', '.join(dict.fromkeys(lacking))}")
            status = ExitStatus.NOTHING
    return status
