"""The options commands share, each declared once: the base to read, the filters, and the
output options, which reach a command as one `Output` object (as gh's AddJSONFlags or
sqlite-utils' output_options add the same flags to every command)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any

from ..argv import Opt, Options
from ..env import COLOR_CHOICES
from ..errors import FactsError, UsageError
from ..model import KINDS
from ..output import FORMATS

if TYPE_CHECKING:
    from ..env import Environment
    from ..index import Index


def _complete_column(column: str) -> Callable[[Any, str], list[str]]:
    """Shell completion of the values a column has in the base."""

    def complete(ctx: Any, incomplete: str) -> list[str]:
        from ..escape import safe

        try:
            index = open_base(ctx.params.get("file"))
            # A value with controls in it would reach the shell raw (a newline splits it in two):
            # completion offers only what can be typed back as it is.
            return [v for v in index.distinct(column) if v.startswith(incomplete) and safe(v) == v]
        except FactsError:
            return []

    return complete


def complete_ids(ctx: Any, incomplete: str) -> list[str]:
    try:
        return [i for i in open_base(ctx.params.get("file")).ids() if i.startswith(incomplete)]
    except FactsError:
        return []


FileOpt = Annotated[
    list[str] | None,
    Opt(
        "--file",
        "-f",
        help="Fact base to read (repeatable: bases merge). Default: $FACTS_FILE, else the bundled base.",
        metavar="PATH",
    ),
]
KindOpt = Annotated[str | None, Opt("--kind", help="Only facts of this kind.", choices=tuple(KINDS.values()))]
YearOpt = Annotated[int | None, Opt("--year", help="Only facts about this year.", min=1, max=9999)]
CategoryOpt = Annotated[
    str | None, Opt("--category", help="e.g. economy, industry, health.", autocompletion=_complete_column("category"))
]
PlaceOpt = Annotated[str | None, Opt("--place", help="A town or area, e.g. 川姜镇.", autocompletion=_complete_column("place"))]
UnitOpt = Annotated[str | None, Opt("--unit", help="Only this unit, e.g. 亿元 or %.", autocompletion=_complete_column("unit"))]
SinceOpt = Annotated[str | None, Opt("--since", help="From this date on: 2023-12 or 2023-12-13.", metavar="DATE")]
UntilOpt = Annotated[str | None, Opt("--until", help="Up to this date.", metavar="DATE")]
ReverseOpt = Annotated[bool, Opt("--reverse", "-r", help="Reverse the order.")]
SortOpt = Annotated[
    str | None,
    Opt("--sort", help="Sort by this field, e.g. year, name, investment; 'value' compares across 万/亿.", metavar="KEY"),
]


class Output:
    """The output options: format, fields, language, colour and CSV's BOM and formula guard."""

    def __init__(
        self,
        fmt: str | None = None,
        fields: str | None = None,
        lang: str = "zh",
        no_color: bool = False,
        bom: bool = False,
        csv_raw: bool = False,
        color: str = "auto",
        no_pager: bool = False,
    ) -> None:
        self.fmt, self.fields, self.lang, self.no_color, self.bom = fmt, fields, lang, no_color, bom
        self.csv_raw = csv_raw
        self.color, self.no_pager = color.lower(), no_pager
        if self.color not in COLOR_CHOICES:
            raise UsageError(f"unknown --color '{color}' (choose {', '.join(COLOR_CHOICES)})")
        if self.fmt is not None and self.fmt not in FORMATS:
            raise UsageError(f"unknown format '{self.fmt}' (formats: {', '.join(FORMATS)})")
        if self.lang not in ("zh", "en"):
            raise UsageError(f"unknown language '{self.lang}' (zh or en)")

    def environment(self, env: Environment) -> Environment:
        """The run's environment as these options see it (`--color`, `--no-color`, `--no-pager`)."""
        shown = env.with_color("never" if self.no_color else self.color)
        return shown.replace(pager=None) if self.no_pager and shown.pager is not None else shown

    def format_for(self, env: Environment) -> str:
        """The chosen format, else a table on a terminal and plain lines in a pipe."""
        return self.fmt or ("table" if env.is_terminal else "plain")

    def write_options(self, env: Environment) -> dict[str, Any]:
        """The keyword arguments of `output.write` these options choose."""
        return {
            "lang": self.lang,
            "all_fields": self.fields is None,
            "bom": self.bom,
            "csv_raw": self.csv_raw,
            "terminal": env.is_terminal,
        }


#: Every output option, declared once: name -> (type, declaration, default).
OUTPUT_OPTIONS: dict[str, tuple[Any, Opt, Any]] = {
    "fmt": (
        str | None,
        Opt("--format", help="Default: table on a terminal, plain when piped.", choices=FORMATS),
        None,
    ),
    "fields": (str | None, Opt("--fields", help="Comma-separated fields to show, e.g. id,value,unit.", metavar="A,B,C"), None),
    "lang": (str, Opt("--lang", help="Names and headers in Chinese or English.", choices=("zh", "en")), "zh"),
    "no_color": (bool, Opt("--no-color", help="No colour: --color never."), False),
    "color": (
        str,
        Opt(
            "--color",
            help="auto (colour on a terminal, unless NO_COLOR or TERM=dumb; FORCE_COLOR: also piped), always or never.",
            metavar="WHEN",
        ),
        "auto",
    ),
    "no_pager": (
        bool,
        Opt(
            "--no-pager",
            help="Never page (default on a terminal: output taller than it goes through $FACTS_PAGER, $PAGER or less -FRX).",
        ),
        False,
    ),
    "bom": (bool, Opt("--bom", help="Start CSV with a UTF-8 byte-order mark, so Excel reads Chinese right."), False),
    "csv_raw": (
        bool,
        Opt("--csv-raw", help="CSV cells exactly as in the base: no ' before a cell starting with = + - @ (formula guard)."),
        False,
    ),
}


def base_paths(files: Sequence[str] | None) -> list[str]:
    """The bases a command reads: its -f options, else $FACTS_FILE, else the bundled base."""
    if files:
        return list(files)
    env_value = os.environ.get("FACTS_FILE", "")
    listed = [p for p in env_value.split(os.pathsep) if p.strip()]
    if listed:
        return listed
    from ..load import bundled_path

    return [str(bundled_path())]


def open_base(files: Sequence[str] | None) -> Index:
    from ..cache import open_index

    return open_index(base_paths(files))


#: Every output option, for listing commands; the subsets other commands take.
OutputOpts = Annotated[Output, Options(Output, OUTPUT_OPTIONS)]
CardOutput = Annotated[
    Output, Options(Output, {k: OUTPUT_OPTIONS[k] for k in ("fmt", "fields", "lang", "no_color", "color", "no_pager")})
]
#: `facts get`: bare values by default, wherever they go (a script's format), or one it names.
GetOutput = Annotated[
    Output,
    Options(
        Output,
        {
            "fmt": (
                str | None,
                Opt("--format", help="plain (default: the bare values, tab-separated), tsv, csv, json, jsonl or table."),
                None,
            ),
            **{k: OUTPUT_OPTIONS[k] for k in ("no_color", "color", "csv_raw")},
        },
    ),
]
CountsOutput = Annotated[
    Output, Options(Output, {k: OUTPUT_OPTIONS[k] for k in ("fmt", "lang", "no_color", "csv_raw", "color", "no_pager")})
]
ExportOutput = Annotated[Output, Options(Output, {k: OUTPUT_OPTIONS[k] for k in ("bom", "csv_raw")})]
