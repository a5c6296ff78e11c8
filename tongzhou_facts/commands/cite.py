"""`facts cite`: records' verbatim quotes and their source in a reference style (cite.py)."""

from __future__ import annotations

from typing import Annotated

from ..argv import Arg, Opt, Options
from ..env import Environment
from ..errors import ExitStatus, UsageError
from ..escape import safe
from ..lookup import find_record
from .options import FileOpt, Output, complete_ids, open_base

#: The formats `cite` writes: its citation block, or one object per id.
CITE_FORMATS = ("plain", "json", "jsonl")
CiteOutput = Annotated[
    Output,
    Options(
        Output,
        {
            "fmt": (
                str | None,
                Opt("--format", help="plain (default), json or jsonl: {id, quote, source, citation} per id.", metavar="FORMAT"),
                None,
            ),
            "lang": (str, Opt("--lang", help="zh (default) or en: which style is the default, gb7714 or apa."), "zh"),
        },
    ),
]


def cite(
    env: Environment,
    out: CiteOutput,
    record_ids: Annotated[
        list[str],
        Arg(metavar="ID...", help="Record ids; those citing one source share one reference.", autocompletion=complete_ids),
    ],
    style: Annotated[
        str | None,
        Opt(
            "--style",
            metavar="STYLE",
            help="gb7714 (GB/T 7714-2015; default with --lang zh), apa (default with --lang en), chicago, markdown or bibtex.",
        ),
    ] = None,
    file: FileOpt = None,
) -> ExitStatus:
    """A ready citation: each record's verbatim quote, then its source in a reference style.

    Examples:

    \b
      facts cite gdp-2023
      facts cite gdp-2023 gdp-growth-2023 --style apa
      facts cite gdp-2023 --style bibtex
      facts cite gdp-2023 --format json

    What the source does not state (the newspaper, the day, the page) is left out, never made up.
    """
    from .. import cite as citing

    chosen = style or citing.default_style(out.lang)
    if chosen not in citing.STYLES:
        raise UsageError(f"unknown style '{chosen}' (styles: {', '.join(citing.STYLES)})")
    fmt = out.fmt or "plain"
    if fmt not in CITE_FORMATS:
        raise UsageError(f"cite writes {', '.join(CITE_FORMATS)}, not {fmt}")
    index = open_base(file)
    records = [find_record(index, record_id) for record_id in record_ids]
    sources = index.sources()
    if fmt == "plain":  # quotes and source keys come from the base: escaped
        text = "".join(safe(line) + "\n" for line in citing.cite_lines(records, sources, chosen, out.lang))
    else:
        from ..output import to_json

        objects = citing.citations(records, sources, chosen, out.lang)
        text = to_json(objects, indent=2) + "\n" if fmt == "json" else "".join(to_json(obj) + "\n" for obj in objects)
    from ..pager import show

    show(text, env)  # on a terminal, taller than it: through the pager, as a listing is
    return ExitStatus.OK
