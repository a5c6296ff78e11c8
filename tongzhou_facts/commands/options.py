"""The options commands share, each declared once: the base to read, the filters (one
`Filters` object), the output options (one `Output` object, as gh's AddJSONFlags or
sqlite-utils' output_options add the same flags to every command), and `-n/--limit`.

The base (`-f`) and the output options are global: written before the command they mean
the same (`facts -f x --format json list`: cli.options_after_command reads `global_flags`).
Values are read in one place, here, in any case and as tables print them: `--kind 指标`,
`--kind Metrics`, `--format JSON`, `--lang EN`, `--status "Under construction"`.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Iterator, Sequence
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
    """Shell completion of the values a column (or a field `facts values` counts) has in the base."""

    def complete(ctx: Any, incomplete: str) -> list[str]:
        from ..escape import safe
        from ..query import tally

        try:
            index = open_base(ctx.params.get("file"))
            # A value with controls in it would reach the shell raw (a newline splits it in two):
            # completion offers only what can be typed back as it is.
            found = [str(value) for value, _ in tally(index, column)]
            return [v for v in found if v.startswith(incomplete) and safe(v) == v]
        except FactsError:
            return []

    return complete


def complete_ids(ctx: Any, incomplete: str) -> list[str]:
    try:
        return [i for i in open_base(ctx.params.get("file")).ids() if i.startswith(incomplete)]
    except FactsError:
        return []


#: -f/--file: the bases to read. A global option (see `global_flags`).
FILE_OPTION = Opt(
    "--file",
    "-f",
    help="Fact base to read (repeatable: bases merge). Default: $FACTS_FILE, else the bundled base.",
    metavar="PATH",
)
FileOpt = Annotated[list[str] | None, FILE_OPTION]


def _complete_kinds(incomplete: str) -> list[str]:
    return [kind for kind in KINDS.values() if kind.startswith(incomplete)]


KIND_OPTION = Opt(
    "--kind",
    help="Only facts of this kind (any case; also metrics, 指标, 项目, 事件).",
    choices=tuple(KINDS.values()),
    autocompletion=_complete_kinds,
)
YEAR_OPTION = Opt("--year", help="Only facts about this year.", min=1, max=9999, autocompletion=_complete_column("year"))
KindOpt = Annotated[str | None, KIND_OPTION]
YearOpt = Annotated[int | None, YEAR_OPTION]
#: -n/--limit on the listing commands: all by default (search keeps its own default of 20).
LimitOpt = Annotated[int | None, Opt("--limit", "-n", help="At most N results.", min=1, metavar="N")]
ReverseOpt = Annotated[bool, Opt("--reverse", "-r", help="Reverse the order.")]
SortOpt = Annotated[
    str | None,
    Opt("--sort", help="Sort by this field, e.g. year, name, investment; 'value' compares across 万/亿.", metavar="KEY"),
]


class Filters:
    """Which records a listing shows: by kind, year, category, place, status, unit, measure
    and date, the same options on every listing command (each offers those that can apply
    to what it lists: `metrics` has no --kind, `projects` no --unit).

    Values are read in any case and as tables print them: a kind by any of its names
    (`normal_kind`), a status in Chinese or English, a category, place, unit or measure
    spelt as the base spells it, a measure also by its chart title: 增速, Growth rate
    (`criteria`, through query.spelt). A kind that is none is a usage
    error listing the kinds; a value the base does not hold finds nothing, and a terminal
    hears which values it holds (explain.py).
    """

    def __init__(
        self,
        kind: str | None = None,
        year: int | None = None,
        category: str | None = None,
        place: str | None = None,
        status: str | None = None,
        unit: str | None = None,
        measure: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> None:
        self.kind = normal_kind(kind)
        self.year, self.category, self.place, self.status = year, category, place, status
        self.unit, self.measure, self.since, self.until = unit, measure, since, until
        if since or until:
            from ..query import interval  # a date that is none is an error before the base is read

            for label, text in (("--since", since), ("--until", until)):
                if text:
                    interval(text, label)

    def criteria(self, index: Index, kind: str | None = None) -> dict[str, Any]:
        """The filters as `query.where` takes them (None: not given; `kind`: the command's own),
        each value spelt as the base spells it when it differs only in case (or, for a unit,
        in how it is written: ％, 亿 元; for a measure, named by its chart title: 增速)."""

        def spelt(field: str, value: str | None) -> str | None:
            if value is None:
                return None
            from .. import query  # only then: a search without filters never imports query.py

            return query.spelt(index, field, value)

        unit = None
        if self.unit is not None:
            from ..units import canonical_unit

            unit = spelt("unit", canonical_unit(self.unit))
        return {
            "kind": kind or self.kind,
            "year": self.year,
            "category": spelt("category", self.category),
            "place": spelt("place", self.place),
            "status": self.status.strip() if self.status is not None else None,
            "unit": unit,
            "measure": spelt("measure", self.measure),
            "since": self.since or None,
            "until": self.until or None,
        }


def explaining(criteria: dict[str, Any]) -> dict[str, Any]:
    """`criteria` as explain.Filters says them: an English status as the status it stands for."""
    status = criteria.get("status")
    if status:
        from ..english import status_from_english

        return {**criteria, "status": status_from_english(status) or status}
    return criteria


def normal_kind(name: str | None) -> str | None:
    """The kind a name stands for, in any case and as tables print it (metric, Metrics, 指标);
    a usage error listing the kinds for a name that is none."""
    if name is None:
        return None
    from ..model import KIND_LABELS, KINDS, kind_named

    kind = kind_named(name)
    if kind is None:
        raise UsageError(
            f"unknown kind '{name}' (kinds: {', '.join(KINDS.values())}; as tables print them: {', '.join(KIND_LABELS.values())})"
        )
    return kind


def _filter(flag: str, help: str, complete: str | None = None, metavar: str | None = None) -> Opt:
    settings: dict[str, Any] = {"help": help}
    if complete is not None:
        settings["autocompletion"] = _complete_column(complete)
    if metavar is not None:
        settings["metavar"] = metavar
    return Opt(flag, **settings)


#: Every filter, declared once: name -> (type, declaration, default). `facts values FIELD`
#: lists the values each can take.
FILTER_OPTIONS: dict[str, tuple[Any, Opt, Any]] = {
    "kind": (str | None, KIND_OPTION, None),
    "year": (int | None, YEAR_OPTION, None),
    "category": (str | None, _filter("--category", "e.g. economy, industry, health (any case).", "category"), None),
    "place": (str | None, _filter("--place", "A town or area, e.g. 川姜镇.", "place"), None),
    "status": (
        str | None,
        _filter(
            "--status", "e.g. 开工, 竣工 (matches 竣工投产 too), 在建, or in English: topped out, under construction.", "status"
        ),
        None,
    ),
    "unit": (str | None, _filter("--unit", "Only this unit, e.g. 亿元 or %.", "unit"), None),
    "measure": (
        str | None,
        _filter("--measure", "Only this measure: growth, share, level, count, decline… (or its chart title: 增速).", "measure"),
        None,
    ),
    "since": (str | None, _filter("--since", "From this date on: 2023, 2023-12 or 2023-12-13.", metavar="DATE"), None),
    "until": (str | None, _filter("--until", "Up to this date (a month or year: to its end).", metavar="DATE"), None),
}


def filters(*names: str) -> Options:
    """The filter group of a command that lists these (the names of FILTER_OPTIONS)."""
    return Options(Filters, {name: FILTER_OPTIONS[name] for name in names})


#: The filters of each listing command: those that can apply to what it lists.
EVERY_FILTER = tuple(FILTER_OPTIONS)
AnyFilters = Annotated[Filters, filters(*EVERY_FILTER)]
MetricFilters = Annotated[Filters, filters("year", "category", "place", "unit", "measure", "since", "until")]
ProjectFilters = Annotated[Filters, filters("year", "category", "place", "status", "since", "until")]
MilestoneFilters = Annotated[Filters, filters("year", "category", "place", "since", "until")]


class Redirected:
    """What `Output.writing` hands the command's run: the environment writing into -o FILE,
    and whether the command found nothing (set by the caller, cli.run_command)."""

    __slots__ = ("env", "found_nothing")

    def __init__(self, env: Environment) -> None:
        self.env = env
        self.found_nothing = False


class _Unwritten(Exception):
    """Nothing found and nothing written: -o FILE is left as it was."""


class Output:
    """The output options: format, fields, language, colour, CSV's BOM and formula guard,
    and the file to write (-o)."""

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
        output: str | None = None,
    ) -> None:
        # Read in any case (--format JSON, --lang EN): the names are ours, not data.
        self.fmt = fmt.strip().lower() if fmt is not None else None
        self.lang = lang.strip().lower()
        self.fields, self.no_color, self.bom, self.csv_raw, self.output = fields, no_color, bom, csv_raw, output
        self.color, self.no_pager = color.lower(), no_pager
        if self.color not in COLOR_CHOICES:
            raise UsageError(f"unknown --color '{color}' (choose {', '.join(COLOR_CHOICES)})")
        if self.fmt is not None and self.fmt not in FORMATS:
            raise UsageError(f"unknown format '{fmt}' (formats: {', '.join(FORMATS)})")
        if self.lang not in ("zh", "en"):
            raise UsageError(f"unknown language '{lang}' (zh or en)")

    @contextlib.contextmanager
    def writing(self, env: Environment, files: Sequence[str] | None) -> Iterator[Redirected]:
        """With -o FILE: the run's environment writing into FILE (a pipe, as far as the
        command can tell), which appears whole when the block ends, or not at all. Never
        over a base being read (-f, FACTS_FILE), the bundled base or the cache (files.writing,
        as `facts export -o`).

        When the block says the command found nothing (`Redirected.found_nothing`, exit 1)
        and it wrote nothing, a file at FILE is left as it was and none is made (the
        temporary file goes); an empty answer that is output (`[]` of --format json) is
        written. A descriptor, device or FIFO is written to either way."""
        if self.output is None:
            yield Redirected(env)
            return
        from .. import cache
        from ..env import Environment
        from ..files import is_file_or_nothing, writing
        from ..load import bundled_path

        inputs = [*base_paths(files), str(bundled_path())]
        folders = [folder for folder in (cache.cache_dir(),) if folder]
        with (
            contextlib.suppress(_Unwritten),
            writing(self.output, inputs, folders) as tmp,
            open(tmp, "w", encoding="utf-8", newline="") as handle,
        ):
            into = Redirected(Environment(handle, env.stderr, is_terminal=False, color=False, width=env.width, unicode=True))
            yield into
            if into.found_nothing and handle.tell() == 0 and is_file_or_nothing(self.output):
                raise _Unwritten  # out of files.writing: the temporary file is removed, FILE untouched

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
    "output": (
        str | None,
        Opt(
            "--output",
            "-o",
            help="Write to FILE (whole or not at all; never over a base) instead of stdout.",
            metavar="FILE",
        ),
        None,
    ),
}


def global_flags() -> dict[str, bool]:
    """The options a command line may give before its command, and whether each takes a
    value: -f/--file and every output option (a new one in OUTPUT_OPTIONS is global too)."""
    declared = [(list, FILE_OPTION), *((kind, opt) for kind, opt, _ in OUTPUT_OPTIONS.values())]
    return {flag: kind is not bool for kind, opt in declared for flag in opt.decls}


def base_paths(files: Sequence[str] | None) -> list[str]:
    """The bases a command reads: its -f options, else $FACTS_FILE, else the bundled base.

    Every command that reads a base asks here first (open_base, check, export, serve), so
    here standard output is refused when it is one of them (`not_onto_stdout`).
    """
    paths = _named_bases(files)
    not_onto_stdout(paths)
    return paths


def not_onto_stdout(paths: Sequence[str]) -> None:
    """A usage error when standard output is one of these bases or the bundled base
    (`facts -f b.toml list >> b.toml`: files.refuse_stdout), before anything is written."""
    try:
        stdout = os.fstat(1)
    except OSError:  # closed: nothing can be written over a base
        return
    if not stat.S_ISREG(stdout.st_mode):  # a terminal or a pipe (the common case): one fstat, nothing more
        return
    from ..files import refuse_stdout
    from ..load import bundled_path

    refuse_stdout(stdout, [*paths, str(bundled_path())])


def _named_bases(files: Sequence[str] | None) -> list[str]:
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
