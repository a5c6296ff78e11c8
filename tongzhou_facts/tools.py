"""What a program may ask of a base, answered as plain data: the tools and resources of the MCP
server (mcp_server.py), kept apart from the SDK so that they are tested, typed and usable
without it.

Every answer carries each record's verbatim `quote` and its `source` (the id, and the source
itself under `sources`), so that an assistant quotes the base rather than paraphrasing it,
and `figure`: the number as the base writes it, with its qualifiers (预计1730亿元), never
rounded. Bad arguments raise `UsageError` with the same message the CLI prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .errors import UsageError
from .lookup import check_kind, field_named, find_record, resolve_record
from .model import ALL_FIELDS, FIELD_ORDER, KIND_KEYS, OPTIONAL, REQUIRED, SOURCE_KEYS, SOURCE_REQUIRED, VIRTUAL

if TYPE_CHECKING:
    from .index import Index
    from .model import Record

#: At most this many records in one answer: an assistant's context is not a bulk export.
MAX_LIMIT = 100
#: Fields every record of an answer has, whatever `fields` asked for: what it is and where it is said.
ALWAYS = ("id", "source", "quote")
#: The URI of the schema and of the sources, and of each source ({id}).
SCHEMA_URI = "facts://schema"
SOURCES_URI = "facts://sources"
SOURCE_URI = "facts://sources/{source_id}"


def record_data(record: Record, fields: Sequence[str] | None = None) -> dict[str, Any]:
    """A record as an answer holds it: its stored keys (or `fields`, with id, source and quote),
    and its figure as the base writes it."""
    from .output import json_value

    if fields is None:
        data = record.to_dict()
        data["figure"] = json_value(record, "figure", "zh")
        return data
    chosen = [*ALWAYS, *(f for f in fields if f not in ALWAYS)]
    return {field: json_value(record, field, "zh") for field in chosen}


def sources_of(index: Index, records: Iterable[Record]) -> dict[str, dict[str, Any]]:
    """The sources these records cite, by id (title, author, date, note…)."""
    known = index.sources()
    cited = dict.fromkeys(str(record.get("source")) for record in records)
    return {key: known[key].to_dict() for key in cited if key in known}


def search(index: Index, query: str, *, kind: str | None = None, year: int | None = None, limit: int = 10) -> dict[str, Any]:
    """The records matching `query`, best first (what `facts search` finds), with their sources."""
    from .match.engine import search_counted

    check_kind(kind)
    _check_limit(limit)
    found = search_counted(index, query, kind=kind, year=year, limit=limit)
    records = [hit.record for hit in found.hits]
    answer: dict[str, Any] = {
        "query": query,
        "total": found.total,
        "total_is_exact": found.exact,
        "records": [record_data(r) for r in records],
        "sources": sources_of(index, records),
    }
    if not records:
        from .explain import did_you_mean

        answer["hint"] = did_you_mean(index, query, kind=kind, year=year)
    return answer


def ask(
    index: Index,
    question: str,
    *,
    kind: str | None = None,
    year: int | None = None,
    related: int = 2,
    lang: str | None = None,
) -> dict[str, Any]:
    """The answer to a question (`facts ask`): a sentence, the record it comes from and related
    ones; or `answered: false` and why the base cannot say, never a guess."""
    from .match.answer import ask as answer
    from .phrasing import abstention, language_of, sentence

    check_kind(kind)
    if lang is not None and lang not in ("zh", "en"):
        raise UsageError(f"unknown language '{lang}' (zh or en)")
    reply = answer(index, question, kind=kind, year=year, related=related)
    chosen = lang or ("zh" if reply.pinyin else language_of(question))
    if not reply.answered:
        years = index.counts("year") if reply.unheld_year is not None else {}
        why = abstention(reply, chosen, [int(y) for y in years if y is not None])
        closest = reply.closest
        return {
            "question": question,
            "answered": False,
            "not_in_base": why if why.startswith("not in the base") else f"not in the base: {why}",
            "closest": record_data(closest) if closest is not None else None,
            "sources": sources_of(index, [closest] if closest is not None else []),
        }
    best, others = reply.records[0], reply.records[1:]
    return {
        "question": question,
        "answered": True,
        "answer": sentence(best, chosen, reply.question.intents),
        "record": record_data(best),
        "related": [record_data(r) for r in others],
        "sources": sources_of(index, reply.records),
    }


def get(index: Index, record_id: str, fields: Sequence[str] | None = None) -> dict[str, Any]:
    """One record by id (`facts get`), all its keys or those of `fields`, and its source. An id
    that is none is searched for as `facts get` does (lookup.resolve_record): the record search
    finds as the unique best match comes with a `note` saying so; several are an error naming them."""

    if fields is not None:  # in any case, or as a column's header, as --fields reads them
        named = [field_named(f) for f in fields]
        unknown = [f for f, name in zip(fields, named, strict=True) if name is None]
        if unknown:
            raise UsageError(f"unknown field '{unknown[0]}' (fields: {', '.join(ALL_FIELDS)})")
        fields = [name for name in named if name is not None]
    record, by_search = resolve_record(index, record_id)
    answer: dict[str, Any] = {"record": record_data(record, fields), "sources": sources_of(index, [record])}
    if by_search:
        answer["note"] = f"no record with id '{record_id}'; this is {record.id}, the best match search finds for it"
    return answer


def cite(index: Index, record_ids: Sequence[str], *, style: str | None = None, lang: str = "zh") -> dict[str, Any]:
    """A citation of these records (`facts cite`): each verbatim quote and its source's reference
    in `style` (gb7714, apa, chicago, markdown, bibtex), as text and one object per record."""
    from . import cite as citing

    if lang not in ("zh", "en"):
        raise UsageError(f"unknown language '{lang}' (zh or en)")
    chosen = style or citing.default_style(lang)
    if chosen not in citing.STYLES:
        raise UsageError(f"unknown style '{chosen}' (styles: {', '.join(citing.STYLES)})")
    if not record_ids:
        raise UsageError("cite needs at least one record id")
    records = [find_record(index, record_id) for record_id in record_ids]
    sources = index.sources()
    return {
        "style": chosen,
        "text": citing.cite(records, sources, chosen, lang),
        "citations": citing.citations(records, sources, chosen, lang),
    }


def schema() -> dict[str, Any]:
    """The keys of a record of each kind and of a source, with their types (model.py's tables)."""
    return {
        "kinds": {
            kind: {"required": {**REQUIRED, **required}, "optional": {**OPTIONAL, **optional}}
            for kind, (required, optional) in KIND_KEYS.items()
        },
        "source": {"required": list(SOURCE_REQUIRED), "keys": dict(SOURCE_KEYS)},
        "field_order": list(FIELD_ORDER),
        "computed": {
            VIRTUAL[0]: "the value as the base writes it, with its qualifiers and unit",
            VIRTUAL[1]: "the date, else the year",
        },
        "rules": [
            "every record has a source and a verbatim quote from it",
            "a figure is the base's own: never rounded or completed",
        ],
    }


def sources(index: Index) -> list[dict[str, Any]]:
    """Every source of the base: id, title and the URI to read it by."""
    return [{"id": s.id, "title": s.title, "uri": SOURCE_URI.format(source_id=s.id)} for s in index.sources().values()]


def source(index: Index, source_id: str) -> dict[str, Any]:
    """One source's keys (title, author, date, sha256, note…)."""
    found = index.sources().get(source_id)
    if found is None:
        known = ", ".join(index.sources()) or "none"
        raise UsageError(f"no source with id '{source_id}' (sources: {known})")
    return found.to_dict()


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise UsageError(f"limit: 1 to {MAX_LIMIT}, not {limit}")
