"""`facts search`: ranked matches for words, names, pinyin, numbers or dates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from ..argv import Arg, Opt
from ..env import Environment
from ..errors import ExitStatus
from ..output import HIT_FIELDS, match_text, parse_fields
from .options import AnyFilters, FileOpt, OutputOpts, explaining, open_base
from .results import LIST_FIELDS, show_records

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..index import Index
    from ..match.engine import Counted, Hit
    from ..model import Record


def search(
    env: Environment,
    query: Annotated[list[str], Arg(metavar="QUERY", help="Words to find; every word must match.", show_default=False)],
    where: AnyFilters,
    out: OutputOpts,
    limit: Annotated[int, Opt("--limit", "-n", help="At most N results.", min=1, metavar="N")] = 20,
    file: FileOpt = None,
) -> ExitStatus:
    """Find facts by Chinese, pinyin, English, number or date, best match first.

    Examples:

    \b
      facts search 异质结
      facts search chuanjiang
      facts search 醫保
      facts search "hospital beds"
      facts search 2023-12-28
      facts search 医院 --status "under construction"
    """
    index = open_base(file)
    criteria = where.criteria(index)
    text = " ".join(query)
    found = filtered_search(index, text, criteria, limit, count=env.is_terminal)
    hits = found.hits
    if not hits:
        from .. import explain

        # A terminal hears why (what the filters took away, else "did you mean"); a pipe keeps
        # only the "did you mean" it always had, never offering what the filters exclude.
        why = explain.nothing_found if env.is_terminal else explain.did_you_mean
        line = why(index, text, **explaining(criteria))
        if line:
            env.say(f"facts: {line}")
    fmt = out.format_for(env)
    # `match` (where each hit matched) is a column of every search table (render.layout gives
    # it its share of the width, or a line of its own in a narrow terminal's blocks), and a
    # field any format gives when --fields names it; the piped default stays id, kind, name,
    # figure, when (scripts read it).
    shown = (*LIST_FIELDS, "match") if fmt == "table" else LIST_FIELDS
    records = [hit.record for hit in hits]
    highlights = None
    if "match" in parse_fields(out.fields, shown, HIT_FIELDS):
        from ..match.located import locate_hit

        records = [locate_hit(hit.record, hit.match, hit.terms) for hit in hits]
    if fmt == "table":
        highlights = _highlights(hits, records, out.lang)
    status = show_records(env, records, shown, out, highlights, HIT_FIELDS)
    if env.is_terminal and found.total > len(hits):  # cut at --limit: a terminal hears how many more
        from ..explain import cut

        line = cut(len(hits), found.total, found.exact)
        if line:
            env.say(f"facts: {line}")
    return status


def filtered_search(index: Index, text: str, criteria: dict[str, Any], limit: int, *, count: bool) -> Counted:
    """`search_counted` with every filter (options.Filters.criteria): kind and year inside the
    search, the others over its hits, best first. Counting (a terminal: "showing 20 of N"),
    every hit is read, a chunk at a time (engine.search_each); a pipe reads the best
    `FILTER_FIRST` × `limit` hits, ranked exactly, then four times as many, until `limit`
    pass or there are no more: it never ranks every match (132 MB for the 300,000 of 项目 on
    1,000,000 records)."""
    from ..match.engine import Counted, search_counted

    kind, year = criteria["kind"], criteria["year"]
    others = {name: value for name, value in criteria.items() if name not in ("kind", "year") and value is not None}
    if not others:
        return search_counted(index, text, kind=kind, year=year, limit=limit, count=count)
    from ..errors import UsageError
    from ..match.engine import search_each
    from ..query import refine  # only then: a search without filters never imports query.py

    if not count:
        wanted = max(limit, 1) * FILTER_FIRST
        while True:
            best = search_counted(index, text, kind=kind, year=year, limit=wanted, count=False)
            last = len(best.hits) < wanted  # every match ranked: what passes is all that does
            try:
                kept = [best.hits[n] for n, _ in refine(((n, hit.record) for n, hit in enumerate(best.hits)), **others)]
            except UsageError:  # a status no hit holds: an error only once every hit was read
                if last:
                    raise
                kept = []
            if len(kept) >= limit or last:
                return Counted(kept[:limit], len(kept), last and best.exact)
            wanted *= 4
    found, exact = search_each(index, text, kind=kind, year=year)
    latest: list[Hit] = []  # the hit refine reads: it yields each row that passes as it reads it

    def rows() -> Iterator[tuple[int, Record]]:
        for number, hit in enumerate(found):
            latest[:] = [hit]
            yield number, hit.record

    hits: list[Hit] = []
    passed = 0
    for _ in refine(rows(), **others):
        passed += 1
        if len(hits) < limit:
            hits.append(latest[0])
    return Counted(hits, passed, exact)


#: A pipe's filtered search first ranks this many times `-n` hits (see `filtered_search`).
FILTER_FIRST = 4


def _highlights(hits: list[Hit], records: list[Record], lang: str) -> dict[str, dict[str, list[tuple[int, int]]]]:
    """What a table highlights: in each hit's name, the query; in its `match` cell, the span."""
    from ..match.highlight import spans
    from ..match.located import whole_spans
    from ..match.rank import HOMOPHONE, PINYIN

    out: dict[str, dict[str, list[tuple[int, int]]]] = {}
    for hit, record in zip(hits, records, strict=True):
        by_sound = hit.match.method in (PINYIN, HOMOPHONE)
        name = spans(hit.record.name, hit.terms) if by_sound else whole_spans(hit.record.name, hit.terms)
        marked = {"name": name}
        located = getattr(record, "match", None)
        if located is not None:
            shift = len(match_text(located, lang)) - len(located.text)
            marked["match"] = [(start + shift, end + shift) for start, end in located.spans]
        out[hit.record.id] = marked
    return out
