"""`facts search`: ranked matches for words, names, pinyin, numbers or dates."""

from __future__ import annotations

from typing import Annotated

from ..argv import Arg, Opt
from ..env import Environment
from ..errors import ExitStatus
from ..lookup import check_kind
from .options import FileOpt, KindOpt, OutputOpts, YearOpt, open_base
from .results import LIST_FIELDS, show_records


def search(
    env: Environment,
    out: OutputOpts,
    query: Annotated[list[str], Arg(metavar="QUERY", help="Words to find; every word must match.", show_default=False)],
    kind: KindOpt = None,
    year: YearOpt = None,
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
    """
    from ..match.engine import search_counted

    check_kind(kind)
    index = open_base(file)
    text = " ".join(query)
    found = search_counted(index, text, kind=kind, year=year, limit=limit, count=env.is_terminal)
    hits = found.hits
    if not hits:
        from .. import explain

        # A terminal hears why (what the filters took away, else "did you mean"); a pipe keeps
        # only the "did you mean" it always had, never offering what the filters exclude.
        why = explain.nothing_found if env.is_terminal else explain.did_you_mean
        line = why(index, text, kind=kind, year=year)
        if line:
            env.say(f"facts: {line}")
    highlights = None
    if out.format_for(env) == "table":
        from ..match.highlight import spans
        from ..match.rank import HOMOPHONE, PINYIN

        highlights = {
            hit.record.id: {"name": spans(hit.record.name, hit.terms, by_sound=hit.match.method in (PINYIN, HOMOPHONE))}
            for hit in hits
        }
    status = show_records(env, [hit.record for hit in hits], LIST_FIELDS, out, highlights)
    if env.is_terminal and found.total > len(hits):  # cut at --limit: a terminal hears how many more
        from ..explain import cut

        line = cut(len(hits), found.total, found.exact)
        if line:
            env.say(f"facts: {line}")
    return status
