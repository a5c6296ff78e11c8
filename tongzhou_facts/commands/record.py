"""`facts show` (one record as a card) and `facts get` (bare values, for scripts).

Both take a record's id, in any case (`GDP-2023` is gdp-2023), or a word that names one: a
word that is no id is looked up by search (lookup.resolve_record), and a unique best match is
used with a note on stderr. `get` looks up its first word only: after it, every word is an id
or a field (in any case too), so a field name is never taken for a record's (`Year`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

from ..argv import Arg, Opt
from ..env import Environment
from ..errors import ExitStatus, UsageError
from ..lookup import field_named, find_id, mistyped_id, resolve_record, unknown_field
from ..output import parse_fields, write_card, write_field
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

    With --fields, the card (and JSON, CSV…) holds those fields alone. An ID is read in any
    case (GDP-2023). A word that is no id is searched for: one record that stands out is
    shown, with a note on stderr; several are named in the error (exit 2). With --source,
    the paragraph around the quote (both, where the text splits its sentence), the quote and
    any evidence highlighted; without colour marked 【quote】 and 〔evidence〕.
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
    record, by_search = resolve_record(index, typed)
    if by_search:
        env.say(f"facts: no id '{typed}'; {doing} {record.id}, found by search")
    return record


def get(
    env: Environment,
    out: GetOutput,
    words: Annotated[
        list[str],
        Arg(
            metavar="ID... [FIELD]...",
            help="Record ids (the first may be a name search finds), then fields in any case: value, unit, "
            "date, quote, figure… (no field: each record as one JSON line)",
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

    The trailing words that are field names, in any case (value, VALUE, Year), are the
    fields; the words before them are ids, in any case too. The first word, when it is no
    id, is searched for, as by `show`; a later word that is no id and no field is an error
    (unknown field), never a search. A value a record lacks is an empty cell (JSON null) and
    a note on stderr, and the exit status is 1.
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
    ones that name a field (in any case: `Year` is year) are the fields, as model.ALL_FIELDS
    spells them, and those before them ids. Only the first word may be a name search finds
    (`_resolve`); after it, a word that is no id (in any case, lookup.find_id) is an error:
    a field name among the ids, an id-like word near some id (did you mean that id), else an
    unknown field (did you mean a field near it), never a search for another record."""
    end = len(words)
    while end > 1 and field_named(words[end - 1], headers=False) is not None:
        end -= 1
    ids = list(words[:end])
    fields = [str(field_named(word, headers=False)) for word in words[end:]]
    for at, word in enumerate(ids):
        if at == 0 and field_named(word, headers=False) is None:
            continue  # the first word: an id, else a name search finds (_resolve)
        if find_id(index, word) is not None:
            continue
        if field_named(word, headers=False) is not None:
            raise UsageError(f"'{word}' is a field, not an id: name the ids first, then the fields (facts get ID... FIELD...)")
        raise UsageError(mistyped_id(index, word) or unknown_field(word))
    return ids, fields


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
