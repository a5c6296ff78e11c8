"""`facts search`: ranked matches for words, names, pinyin, numbers or dates."""

from __future__ import annotations

from typing import Annotated

from ..argv import Arg, Opt
from ..env import Environment
from ..errors import ExitStatus
from .options import FileOpt, KindOpt, OutputOpts, YearOpt, check_kind, open_base
from .results import LIST_FIELDS, show_records


def search(
    env: Environment,
    out: OutputOpts,
    query: Annotated[list[str], Arg(metavar="QUERY", help="Words to find; every word must match.", show_default=False)],
    kind: KindOpt = None,
    year: YearOpt = None,
    limit: Annotated[int, Opt("--limit", "-n", help="At most N results.", min=1)] = 20,
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
    from ..match import search as find
    from ..match import suggestions

    check_kind(kind)
    index = open_base(file)
    text = " ".join(query)
    hits = find(index, text, kind=kind, year=year, limit=limit)
    if not hits:
        near = suggestions(index, text)
        if near:
            env.say(f"facts: nothing matched {text!r}; did you mean: {', '.join(near)}?")
    highlights = None
    if out.format_for(env) == "table":
        from ..match.highlight import spans

        highlights = {hit.record.id: spans(hit.record.name, hit.terms) for hit in hits}
    return show_records(env, [hit.record for hit in hits], LIST_FIELDS, out, highlights)
