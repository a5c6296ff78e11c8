"""The `facts` command: parse arguments, call the library, hand results to output/render.

Exit statuses (errors.ExitStatus): 0 results printed; 1 nothing matched (like grep)
or `check` found problems; 2 a usage error or a base that cannot be read or is invalid.
Errors are one line on stderr, `facts: error: …`; FACTS_DEBUG=1 shows the traceback.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Annotated, Any, NoReturn, TextIO

from . import __version__, query
from .argv import Arg, Opt, check_text, parse, typer_function
from .cache import open_index
from .env import ClosedOutput, Environment, GuardedOutput, harden_streams, occupy_standard_fds, say, silence_stdout
from .errors import Done, ExitStatus, FactsError, OutputError, Terminated, UsageError
from .escape import safe
from .index import Index
from .load import bundled_path
from .model import KINDS, Record
from .output import ALL_FIELDS, FORMATS, parse_fields, present_fields, record_object, text_of, to_json, write

EPILOG = "Exit status: 0 results printed, 1 nothing matched (or check found problems), 2 usage error or unreadable/invalid base."

APP_HELP = (
    "Look up facts about 通州区 (Nantong) in 2023: metrics, projects, milestones, each with its source sentence.\n\n"
    "  facts search 异质结\n\n"
    "  facts metrics --year 2023 --min 100亿元\n\n"
    "  facts get gdp-2023 value\n\n"
    "  facts list --format json | jq '.[].name'\n\n"
    "Piped output is plain tab-separated lines; a terminal gets tables. The base is the bundled one, "
    "or each command's --file/-f PATH (repeatable), or FACTS_FILE (a list of paths separated like PATH)."
)

#: name -> command function; build_app() turns them into a Typer app.
COMMANDS: dict[str, Callable[..., None]] = {}
CACHE_COMMANDS: dict[str, Callable[..., None]] = {}


def command(
    name: str | None = None, registry: dict[str, Callable[..., None]] = COMMANDS
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def register(func: Callable[..., None]) -> Callable[..., None]:
        registry[name or func.__name__] = func
        return func

    return register


def build_app(only: str | None = None) -> Any:
    """The Typer app, with every command or only the one being run.

    Typer converts every command's parameters on each start (about 14 ms for all of
    them), so a run builds just its own command; help and completion get them all.
    """
    import typer

    application = typer.Typer(
        name="facts",
        help=APP_HELP,
        epilog=EPILOG,
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    application.callback()(typer_function(main_options))
    for name, func in COMMANDS.items():
        if only is None or only == name:
            application.command(name)(typer_function(func))
    if only is None or only == "cache":
        cache_app = typer.Typer(
            help="The derived index kept between runs (under $XDG_CACHE_HOME/tongzhou-facts).\n\n"
            "Examples:\n\n\b\n  facts cache info\n  facts cache clear",
            no_args_is_help=True,
        )
        for name, func in CACHE_COMMANDS.items():
            cache_app.command(name)(typer_function(func))
        application.add_typer(cache_app, name="cache")
    return application


# ---------------------------------------------------------------------------- shared options


def _complete_ids(ctx: Any, incomplete: str) -> list[str]:
    try:
        index = open_index(base_paths(ctx.params.get("file")))
        return [i for i in index.ids() if i.startswith(incomplete)]
    except FactsError:
        return []


def _complete_column(column: str) -> Callable[[Any, str], list[str]]:
    def complete(ctx: Any, incomplete: str) -> list[str]:
        try:
            index = open_index(base_paths(ctx.params.get("file")))
            # A value with controls in it would reach the shell raw (a newline splits it in two):
            # completion offers only what can be typed back as it is.
            return [v for v in index.distinct(column) if v.startswith(incomplete) and safe(v) == v]
        except FactsError:
            return []

    return complete


FileOpt = Annotated[
    list[str] | None,
    Opt(
        "--file",
        "-f",
        help="Fact base to read (repeatable: bases merge). Default: $FACTS_FILE, else the bundled base.",
        metavar="PATH",
    ),
]
FormatOpt = Annotated[
    str | None,
    Opt("--format", help="table, plain, tsv, csv, json or jsonl. Default: table on a terminal, plain when piped."),
]
FieldsOpt = Annotated[str | None, Opt("--fields", help="Comma-separated fields to show, e.g. id,value,unit.", metavar="A,B,C")]
LangOpt = Annotated[str, Opt("--lang", help="zh (default) or en: English names and headers.")]
NoColorOpt = Annotated[bool, Opt("--no-color", help="No colour (also NO_COLOR, TERM=dumb).")]
BomOpt = Annotated[bool, Opt("--bom", help="Start CSV with a UTF-8 byte-order mark, so Excel reads Chinese right.")]
CsvRawOpt = Annotated[
    bool,
    Opt("--csv-raw", help="CSV cells exactly as in the base: no ' before a cell starting with = + - @ (formula guard)."),
]
KindOpt = Annotated[str | None, Opt("--kind", help="metric, project or milestone.")]
YearOpt = Annotated[int | None, Opt("--year", help="Only facts about this year.", min=1, max=9999)]
CategoryOpt = Annotated[
    str | None, Opt("--category", help="e.g. economy, industry, health.", autocompletion=_complete_column("category"))
]
PlaceOpt = Annotated[str | None, Opt("--place", help="A town or area, e.g. 川姜镇.", autocompletion=_complete_column("place"))]


class Output:
    """The output options every listing command shares."""

    def __init__(
        self, fmt: str | None, fields: str | None, lang: str, no_color: bool, bom: bool = False, csv_raw: bool = False
    ) -> None:
        self.fmt, self.fields, self.lang, self.no_color, self.bom = fmt, fields, lang, no_color, bom
        self.csv_raw = csv_raw
        if self.fmt is not None and self.fmt not in FORMATS:
            raise UsageError(f"unknown format '{self.fmt}' (formats: {', '.join(FORMATS)})")
        if self.lang not in ("zh", "en"):
            raise UsageError(f"unknown language '{self.lang}' (zh or en)")

    def env(self) -> Environment:
        return Environment.detect(no_color=self.no_color)

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


def base_paths(files: Sequence[str] | None) -> list[str]:
    if files:
        return list(files)
    env_value = os.environ.get("FACTS_FILE", "")
    listed = [p for p in env_value.split(os.pathsep) if p.strip()]
    return listed or [str(bundled_path())]


def index_for(files: Sequence[str] | None) -> Index:
    return open_index(base_paths(files))


def finish(code: ExitStatus) -> NoReturn:
    raise Done(code)


def emit(
    records: Sequence[Record],
    default_fields: Sequence[str],
    out: Output,
    highlights: dict[str, list[tuple[int, int]]] | None = None,
) -> NoReturn:
    """Print records in the chosen format; exit 0, or 1 when there are none."""
    env = out.env()
    fields = parse_fields(out.fields, default_fields)
    fmt = out.format_for(env)
    if not records:
        if fmt == "json":
            env.stdout.write("[]\n")
        finish(ExitStatus.NOTHING)
    if fmt == "table":
        from . import render

        render.table(records, fields, env, out.lang, highlights)
    else:
        write(records, fmt, fields, env.stdout, **out.write_options(env))
    finish(ExitStatus.OK)


def emit_rows(index: Index, rows: Iterable[query.Row], default_fields: Sequence[str], out: Output) -> NoReturn:
    """`emit` for a stream of rows: written as they are read, so a million records never
    sit in memory together (a table, drawn whole, is the exception)."""
    import itertools

    env = out.env()
    stream = iter(rows)
    first = next(stream, None)
    if first is None or out.format_for(env) == "table":
        emit([] if first is None else [record for _, record in itertools.chain([first], stream)], default_fields, out)
    fields = parse_fields(out.fields, default_fields)
    write_rows(index, itertools.chain([first], stream), out.format_for(env), fields, env.stdout, **out.write_options(env))
    finish(ExitStatus.OK)


def write_rows(
    index: Index,
    rows: Iterable[query.Row],
    fmt: str,
    fields: Sequence[str],
    stream: TextIO,
    *,
    lang: str = "zh",
    all_fields: bool = False,
    bom: bool = False,
    csv_raw: bool = False,
    terminal: bool = False,
) -> None:
    """`output.write` for rows of an index. An every-field CSV needs its columns (every key
    present) before its first line: the rows are read twice, keeping only their numbers."""
    columns = None
    if fmt == "csv" and all_fields:
        from array import array

        numbers = array("q")

        def counted() -> Iterator[Record]:
            for n, record in rows:
                numbers.append(n)
                yield record

        columns = present_fields(counted())
        rows = index.fetch(numbers)
    write(
        query.records(rows),
        fmt,
        fields,
        stream,
        lang=lang,
        all_fields=all_fields,
        bom=bom,
        csv_raw=csv_raw,
        columns=columns,
        terminal=terminal,
    )


LIST_FIELDS = ("id", "kind", "name", "figure", "when")

# ---------------------------------------------------------------------------- commands


def _print_version(value: bool) -> None:
    """--version: an eager option, so it only ever runs under Typer."""
    if value:
        import typer

        print(f"facts {__version__}")
        raise typer.Exit(0)


def main_options(
    version: Annotated[
        bool, Opt("--version", help="Print the version and exit.", is_eager=True, callback=_print_version)
    ] = False,
) -> None:
    """Global options."""


@command()
def search(
    query: Annotated[list[str], Arg(metavar="QUERY", help="Words to find; every word must match.", show_default=False)],
    kind: KindOpt = None,
    year: YearOpt = None,
    limit: Annotated[int, Opt("--limit", "-n", help="At most N results.", min=1)] = 20,
    file: FileOpt = None,
    fmt: FormatOpt = None,
    fields: FieldsOpt = None,
    lang: LangOpt = "zh",
    no_color: NoColorOpt = False,
    bom: BomOpt = False,
    csv_raw: CsvRawOpt = False,
) -> None:
    """Find facts by Chinese, pinyin, English, number or date, best match first.

    Examples:

    \b
      facts search 异质结
      facts search chuanjiang
      facts search 醫保
      facts search "hospital beds"
      facts search 2023-12-28
    """
    from .match import search as find
    from .match import suggestions

    out = Output(fmt, fields, lang, no_color, bom, csv_raw)
    _check_kind(kind)
    index = index_for(file)
    text = " ".join(query)
    hits = find(index, text, kind=kind, year=year, limit=limit)
    if not hits:
        near = suggestions(index, text)
        if near:
            say(f"facts: nothing matched {text!r}; did you mean: {', '.join(near)}?")
    highlights = None
    if out.format_for(out.env()) == "table":
        from .match.highlight import spans

        highlights = {hit.record.id: spans(hit.record.name, hit.terms) for hit in hits}
    emit([hit.record for hit in hits], LIST_FIELDS, out, highlights)


@command("list")
def list_(
    kind: KindOpt = None,
    year: YearOpt = None,
    category: CategoryOpt = None,
    place: PlaceOpt = None,
    sort: Annotated[str | None, Opt("--sort", help="Sort by this field, e.g. year, value, name.", metavar="KEY")] = None,
    reverse: Annotated[bool, Opt("--reverse", "-r", help="Reverse the order.")] = False,
    file: FileOpt = None,
    fmt: FormatOpt = None,
    fields: FieldsOpt = None,
    lang: LangOpt = "zh",
    no_color: NoColorOpt = False,
    bom: BomOpt = False,
    csv_raw: CsvRawOpt = False,
) -> None:
    """Every fact of the base, filtered and sorted.

    Examples:

    \b
      facts list --kind project
      facts list --category health --format csv --bom > health.csv
    """
    out = Output(fmt, fields, lang, no_color, bom, csv_raw)
    _check_kind(kind)
    index = index_for(file)
    rows = query.select(index, kind=kind, year=year, category=category, place=place)
    emit_rows(index, query.sort_rows(index, rows, sort, reverse), LIST_FIELDS, out)


@command()
def metrics(
    year: YearOpt = None,
    category: CategoryOpt = None,
    unit: Annotated[
        str | None, Opt("--unit", help="Only this unit, e.g. 亿元 or %.", autocompletion=_complete_column("unit"))
    ] = None,
    min_: Annotated[
        str | None, Opt("--min", help="At least this much: 100亿元, 1万人, 50%; a bare number: values as written.")
    ] = None,
    max_: Annotated[str | None, Opt("--max", help="At most this much, with a unit.")] = None,
    sort: Annotated[str | None, Opt("--sort", help="Sort by this field; 'value' compares across 万/亿.", metavar="KEY")] = None,
    reverse: Annotated[bool, Opt("--reverse", "-r", help="Reverse the order.")] = False,
    file: FileOpt = None,
    fmt: FormatOpt = None,
    fields: FieldsOpt = None,
    lang: LangOpt = "zh",
    no_color: NoColorOpt = False,
    bom: BomOpt = False,
    csv_raw: CsvRawOpt = False,
) -> None:
    """Numbers: levels, growth rates, shares and counts, with their qualifiers (预计, 约, 以上…).

    Examples:

    \b
      facts metrics --year 2023
      facts metrics --unit % --sort value -r
      facts metrics --min 100亿元
    """
    from . import units

    out = Output(fmt, fields, lang, no_color, bom, csv_raw)
    index = index_for(file)
    wanted = units.canonical_unit(unit) if unit is not None else None
    rows = query.select(index, kind="metric", year=year, category=category, unit=wanted)
    base_units = index.units("metric")  # a bound is an error only if no metric of the base could compare
    if min_ is not None:
        rows = query.at_least(rows, min_, query.metric_value, base_units)
    if max_ is not None:
        rows = query.at_most(rows, max_, query.metric_value, base_units)
    emit_rows(index, query.sort_rows(index, rows, sort, reverse), ("id", "name", "figure", "year", "category"), out)


@command()
def projects(
    year: YearOpt = None,
    status: Annotated[str | None, Opt("--status", help="e.g. 开工, 竣工 (matches 竣工投产 too), 在建.")] = None,
    min_investment: Annotated[str | None, Opt("--min-investment", help="At least this investment: 50亿元.")] = None,
    category: CategoryOpt = None,
    place: PlaceOpt = None,
    sort: Annotated[str | None, Opt("--sort", help="Sort by this field, e.g. investment.", metavar="KEY")] = None,
    reverse: Annotated[bool, Opt("--reverse", "-r", help="Reverse the order.")] = False,
    file: FileOpt = None,
    fmt: FormatOpt = None,
    fields: FieldsOpt = None,
    lang: LangOpt = "zh",
    no_color: NoColorOpt = False,
    bom: BomOpt = False,
    csv_raw: CsvRawOpt = False,
) -> None:
    """Named projects and facilities with their status, investment and capacity.

    Examples:

    \b
      facts projects --status 开工
      facts projects --min-investment 50亿元
    """

    out = Output(fmt, fields, lang, no_color, bom, csv_raw)
    index = index_for(file)
    rows = query.select(index, kind="project", year=year, category=category, place=place)
    if status:
        rows = ((n, r) for n, r in rows if status in str(r.get("status") or ""))
    if min_investment is not None:
        rows = query.at_least(rows, min_investment, query.investment)
    emit_rows(index, query.sort_rows(index, rows, sort, reverse), ("id", "name", "status", "figure", "when", "place"), out)


@command()
def milestones(
    year: YearOpt = None,
    since: Annotated[str | None, Opt("--since", help="From this date on: 2023-12 or 2023-12-13.", metavar="DATE")] = None,
    until: Annotated[str | None, Opt("--until", help="Up to this date.", metavar="DATE")] = None,
    category: CategoryOpt = None,
    file: FileOpt = None,
    fmt: FormatOpt = None,
    fields: FieldsOpt = None,
    lang: LangOpt = "zh",
    no_color: NoColorOpt = False,
    bom: BomOpt = False,
    csv_raw: CsvRawOpt = False,
) -> None:
    """Events, honours and rankings in date order (a year-only fact sorts at its year's start).

    Examples:

    \b
      facts milestones --since 2023-12
      facts milestones --category honour
    """
    out = Output(fmt, fields, lang, no_color, bom, csv_raw)
    index = index_for(file)
    rows = query.chronological(index, query.select(index, kind="milestone", year=year, category=category), since, until)
    emit_rows(index, rows, ("when", "id", "name", "category", "place"), out)


@command()
def timeline(
    year: YearOpt = None,
    since: Annotated[str | None, Opt("--since", help="From this date on.", metavar="DATE")] = None,
    until: Annotated[str | None, Opt("--until", help="Up to this date.", metavar="DATE")] = None,
    file: FileOpt = None,
    fmt: FormatOpt = None,
    fields: FieldsOpt = None,
    lang: LangOpt = "zh",
    no_color: NoColorOpt = False,
) -> None:
    """The dated milestones drawn on a time axis (plain date lines when piped).

    Examples:

    \b
      facts timeline
      facts timeline --since 2023-09
    """
    out = Output(fmt, fields, lang, no_color)
    index = index_for(file)
    undated = 0

    def dated() -> Iterator[query.Row]:
        nonlocal undated
        for n, record in query.select(index, kind="milestone", year=year):
            if record.date:
                yield n, record
            else:
                undated += 1

    rows = query.chronological(index, dated(), since, until)  # reads them all (to sort): `undated` is final
    env = out.env()
    if out.format_for(env) == "table" and out.fields is None:
        records = list(query.records(rows))
        if records:
            from . import render

            render.timeline(records, env, lang, undated=undated)
            finish(ExitStatus.OK)
        rows = iter(())
    emit_rows(index, rows, ("when", "id", "name"), out)


@command()
def chart(
    unit: Annotated[str, Opt("--unit", help="Chart metrics of this unit (and ones that convert to it).")] = "%",
    measure: Annotated[str | None, Opt("--measure", help="Only growth, share, level, count, decline…")] = None,
    year: YearOpt = None,
    category: CategoryOpt = None,
    file: FileOpt = None,
    fmt: FormatOpt = None,
    fields: FieldsOpt = None,
    lang: LangOpt = "zh",
    no_color: NoColorOpt = False,
) -> None:
    """A bar chart of comparable metrics (one unit), largest first.

    Examples:

    \b
      facts chart
      facts chart --measure growth
      facts chart --unit 亿元
    """
    from . import units

    out = Output(fmt, fields, lang, no_color)
    index = index_for(file)
    wanted = units.canonical_unit(unit)

    def in_chart_unit(record: Record) -> float:
        return units.in_unit(float(record.value or 0), str(record.unit), wanted) or 0.0

    largest_first = sorted(
        (
            (-in_chart_unit(r), n)
            for n, r in query.select(index, kind="metric", year=year, category=category)
            if units.in_unit(1.0, str(r.unit), wanted) is not None and (measure is None or r.get("measure") == measure)
        ),
        key=lambda pair: pair[0],
    )
    rows = index.fetch([n for _, n in largest_first])
    env = out.env()
    if largest_first and out.format_for(env) == "table" and out.fields is None:
        from . import render

        render.chart(list(query.records(rows)), [-value for value, _ in largest_first], env, lang)
        finish(ExitStatus.OK)
    emit_rows(index, rows, ("name", "value", "unit", "id"), out)


@command()
def show(
    record_id: Annotated[str, Arg(metavar="ID", help="A record id.", autocompletion=_complete_ids)],
    file: FileOpt = None,
    fmt: FormatOpt = None,
    lang: LangOpt = "zh",
    no_color: NoColorOpt = False,
) -> None:
    """One fact as a card: every field, the quote and its source.

    Examples:

    \b
      facts show gdp-2023
      facts show gdp-2023 --format json
    """
    out = Output(fmt, None, lang, no_color)
    index = index_for(file)
    record = _get(index, record_id)
    env = out.env()
    fmt_ = out.format_for(env)
    source = index.sources().get(str(record.get("source")))
    if fmt_ == "table":
        from . import render

        render.card(record, source, env, lang)
    elif fmt_ in ("json", "jsonl"):
        obj = record_object(record, None)
        if source is not None:
            obj["source_document"] = source.to_dict()
        env.stdout.write(to_json(obj, indent=2 if fmt_ == "json" else None) + "\n")
    else:
        write([record], fmt_, [k for k in ALL_FIELDS if k in record.to_dict()], env.stdout, lang=lang, all_fields=False)
    finish(ExitStatus.OK)


@command()
def get(
    record_id: Annotated[str, Arg(metavar="ID", help="A record id.", autocompletion=_complete_ids)],
    field: Annotated[
        str | None,
        Arg(metavar="[FIELD]", help="value, unit, date, quote, figure… (default: the whole record as JSON)"),
    ] = None,
    file: FileOpt = None,
) -> None:
    """The bare value of one field, for scripts: nothing but the value and a newline.

    Examples:

    \b
      facts get gdp-2023 value  →  1730
      facts get gdp-2023 quote
      facts get gdp-2023 (the record as JSON)
    """
    record = _get(index_for(file), record_id)
    if field is None:
        print(to_json(record.to_dict()))
        finish(ExitStatus.OK)
    if field not in ALL_FIELDS:
        raise UsageError(f"unknown field '{field}' (fields: {', '.join(ALL_FIELDS)})")
    if field in ("figure", "when"):
        from .output import cell

        shown = cell(record, field)
        if not shown:
            say(f"facts: {record_id} has no {field}")
            finish(ExitStatus.NOTHING)
        print(safe(shown))
        finish(ExitStatus.OK)
    value = record.to_dict().get(field)
    if value is None:
        say(f"facts: {record_id} has no {field}")
        finish(ExitStatus.NOTHING)
    if isinstance(value, list):
        for item in value:
            parts = [item["name"], item.get("role", "")] if isinstance(item, dict) else [text_of(item)]
            print("\t".join(safe(str(part)) for part in parts))  # a tab only between name and role
    else:
        print(safe(text_of(value)))
    finish(ExitStatus.OK)


@command()
def stats(
    file: FileOpt = None,
    fmt: FormatOpt = None,
    lang: LangOpt = "zh",
    no_color: NoColorOpt = False,
    csv_raw: CsvRawOpt = False,
) -> None:
    """How many facts there are, by kind, category, year and place.

    Examples:

    \b
      facts stats
      facts stats --format json
    """
    out = Output(fmt, None, lang, no_color)
    index = index_for(file)
    groups: dict[str, Counter[str]] = {}
    for column in ("kind", "category", "year", "place"):  # counted by SQLite: no record is read
        counted: Counter[str] = Counter()
        for value, n in index.counts(column).items():
            counted[str(value) if value is not None and value != "" else "-"] += n
        groups[column] = counted
    total = sum(groups["kind"].values())
    ordered = {name: dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))) for name, c in groups.items()}
    env = out.env()
    fmt_ = out.format_for(env)
    if not total:
        finish(ExitStatus.NOTHING)
    if fmt_ == "table":
        from . import render

        render.counts(ordered, env, lang)
    elif fmt_ in ("json", "jsonl"):
        env.stdout.write(to_json({"records": total, **ordered}, indent=2 if fmt_ == "json" else None) + "\n")
    else:
        rows = [(group, key, str(n)) for group, counts in ordered.items() for key, n in counts.items()]
        if fmt_ == "csv":
            from .output import csv_text

            shown = [tuple(safe(part) for part in row) for row in rows] if env.is_terminal else rows
            env.stdout.write(csv_text([("group", "key", "count"), *shown], raw=csv_raw))
        else:
            if fmt_ == "tsv":
                env.stdout.write("group\tkey\tcount\n")
            env.stdout.write("".join("\t".join(safe(part) for part in row) + "\n" for row in rows))
    finish(ExitStatus.OK)


@command()
def check(
    paths: Annotated[
        list[str] | None,
        Arg(metavar="[PATH]...", help="Bases to check (default: --file, $FACTS_FILE or the bundled base)."),
    ] = None,
    source: Annotated[
        list[str] | None,
        Opt("--source", help="Check every quote against this text (ID=FILE for one source id; repeatable).", metavar="[ID=]FILE"),
    ] = None,
    file: FileOpt = None,
) -> None:
    """Validate bases: TOML syntax, keys and types, ids, sources, dates, numbers, and quotes.

    Examples:

    \b
      facts check
      facts check my.toml --source ../shared/sources/tongzhou-2023-review.txt

    Prints one line per problem, `path:line: id: message`; exit 0 clean, 1 problems, 2 could not run.
    """
    from .check import run_check

    targets = list(paths) if paths else base_paths(file)
    problems, summary = run_check(targets, source or [])
    for problem in problems:
        print(safe(str(problem)))  # ids, keys and messages come from the file being checked
    say(f"facts: {summary}")
    finish(ExitStatus.NOTHING if problems else ExitStatus.OK)


@command()
def export(
    fmt: Annotated[str, Opt("--format", help="json, jsonl, csv or sqlite.")] = "json",
    output: Annotated[
        str | None, Opt("--output", "-o", help="Write here instead of stdout (required for sqlite).", metavar="FILE")
    ] = None,
    file: FileOpt = None,
    bom: BomOpt = False,
    csv_raw: CsvRawOpt = False,
) -> None:
    """The whole base as JSON, JSON Lines, CSV, or an SQLite database with a full-text index.

    Examples:

    \b
      facts export --format csv --bom -o facts.csv
      facts export --format sqlite -o facts.db && datasette facts.db
    """
    if fmt not in ("json", "jsonl", "csv", "sqlite"):
        raise UsageError(f"unknown export format '{fmt}' (json, jsonl, csv or sqlite)")
    if fmt == "sqlite" and output is None:
        raise UsageError("--format sqlite needs --output FILE (or -o - for standard output)")
    from . import cache
    from .files import descriptor, writing

    paths = base_paths(file)
    if output is None or (fmt != "sqlite" and descriptor(output) == 1):  # `-o -`: standard output, as without -o
        index = open_index(paths)
        emit_rows(index, index.rows(), [], Output(fmt, None, "zh", True, bom, csv_raw))
    if descriptor(output) == 1 and Environment.detect().is_terminal:
        raise UsageError("refusing to write a database to a terminal: give -o FILE, or pipe it")

    # Never over a base being read (nor the bundled one every later run reads) or the cache.
    with writing(output, [*paths, bundled_path()], [folder for folder in (cache.cache_dir(),) if folder]) as tmp:
        index = open_index(paths)
        if fmt == "sqlite":
            from .export import write_sqlite

            count = write_sqlite(index, tmp)
        else:
            count = index.count()
            with open(tmp, "w", encoding="utf-8", newline="") as handle:
                write_rows(index, index.rows(), fmt, [], handle, all_fields=True, bom=bom, csv_raw=csv_raw)
    say(f"facts: wrote {count} records to {'standard output' if descriptor(output) == 1 else output}")
    finish(ExitStatus.OK if count else ExitStatus.NOTHING)


@command("info", CACHE_COMMANDS)
def cache_info() -> None:
    """Where the cache is, and which bases it holds.

    Examples:

    \b
      facts cache info
      XDG_CACHE_HOME=/tmp/c facts cache info
    """
    from . import cache

    folder, files = cache.info()
    print(safe(f"cache: {cache.status()}"))  # paths are data too: a folder name can hold escape sequences
    print(safe(f"folder: {folder if folder else '(none: no HOME or XDG_CACHE_HOME)'}"))
    for item in files:
        fields = (os.path.basename(item.path), str(item.size), item.state, os.pathsep.join(item.bases))
        print("\t".join(safe(field) for field in fields))
    finish(ExitStatus.OK)


@command("clear", CACHE_COMMANDS)
def cache_clear() -> None:
    """Delete every cache file (they are rebuilt when next needed).

    Examples:

    \b
      facts cache clear
      FACTS_NO_CACHE=1 facts search 异质结 (no cache at all)
    """
    from . import cache

    removed = cache.clear()
    refused = cache.refusal() if cache.cache_dir() else ""
    say(f"facts: removed {removed} cache files" + (f" ({refused}: left as it is)" if refused else ""))
    finish(ExitStatus.OK)


# ---------------------------------------------------------------------------- helpers


def _check_kind(kind: str | None) -> None:
    if kind is not None and kind not in KINDS.values():
        raise UsageError(f"unknown kind '{kind}' (metric, project or milestone)")


def _get(index: Index, record_id: str) -> Record:
    record = index.get(record_id)
    if record is None:
        from .nearest import close_matches, pool_for

        pool = pool_for(record_id, index.count(), index.ids_starting, index.existing_ids)
        close = close_matches(record_id, pool, count=3, cutoff=0.5)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise UsageError(f"no record with id '{record_id}'{hint}")
    return record


# ---------------------------------------------------------------------------- entry point


_terminated = False


def _on_sigterm(signum: int, frame: object) -> None:
    """SIGTERM ends a run the way Ctrl-C does: cleanups run, temporary files go, exit 143."""
    global _terminated
    _terminated = True
    raise Terminated()


def main(argv: Sequence[str] | None = None) -> int:
    """Run `facts`; return the exit status instead of raising."""
    import signal

    global _terminated
    _terminated = False
    with contextlib.suppress(ValueError):  # only the main thread may set handlers (tests run main in others)
        signal.signal(signal.SIGTERM, _on_sigterm)
    occupy_standard_fds()
    harden_streams()
    args = [_utf8(arg) for arg in (sys.argv[1:] if argv is None else argv)]
    original = sys.stdout
    sys.stdout = GuardedOutput(original if original is not None else ClosedOutput())
    try:
        return _main(args)
    finally:
        sys.stdout = original


def _main(args: list[str]) -> int:
    """`main` with standard output guarded: every way a run can end, as an exit status."""
    try:
        code = _run(args)
    except OutputError as exc:
        return _stdout_failed(str(exc))
    except FactsError as exc:
        _error(str(exc))
        code = int(exc.exit_status)
    except BrokenPipeError:
        return _quiet_pipe()
    except KeyboardInterrupt:
        return int(ExitStatus.TERMINATED if _terminated else ExitStatus.INTERRUPTED)
    except Exception as exc:
        if isinstance(exc, OSError) and exc.errno == errno.EPIPE:
            return _quiet_pipe()
        if os.environ.get("FACTS_DEBUG"):
            raise
        if isinstance(exc, OSError):  # our own file errors are FactsErrors: this is a stream's
            return _stdout_failed(f"input/output error: {exc.strerror or exc}")
        _error(f"internal error: {type(exc).__name__}: {exc} (set FACTS_DEBUG=1 for a traceback)")
        code = int(ExitStatus.ERROR)
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        return _quiet_pipe()
    except OutputError as exc:
        return _stdout_failed(str(exc))
    return code


def _stdout_failed(message: str) -> int:
    """Standard output cannot be written: say so, and let what is still buffered go nowhere."""
    _error(message)
    silence_stdout()
    return int(ExitStatus.ERROR)


def _run(args: list[str]) -> int:
    """Run once; if a cache file proves broken mid-command (a truncated file reads fine at
    first), delete it and run again from the TOML: a bad cache is never an error.

    Only before anything was printed: a listing streams, and starting over after its first
    lines would print them twice. Then the broken file is deleted and the run ends with an
    error, so the next run rebuilds it.
    """
    import sqlite3

    from . import cache

    for attempt in (1, 2):
        try:
            code = _run_fast(args)
            return _run_typer(args) if code is None else code
        except Done as done:
            return done.code
        except sqlite3.DatabaseError as exc:
            if attempt == 2 or not _broken_file(exc) or not cache.drop_opened():
                raise
            if getattr(sys.stdout, "written", False):
                raise FactsError("the cache file broke while this answer was being printed; it was removed: run again") from None
    raise AssertionError("unreachable")


#: SQLite's primary result codes for a file that is damaged or not a database (IOERR,
#: CORRUPT, CANTOPEN, NOTADB), and their messages for Python 3.10 (no `sqlite_errorcode`).
_BROKEN_CODES = (10, 11, 14, 26)
_BROKEN_MESSAGES = ("malformed", "not a database", "disk i/o error", "unable to open", "no such table", "no such column")


def _broken_file(exc: Exception) -> bool:
    """Whether an SQLite error means a damaged cache file rather than a query it refused."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and (code & 0xFF) in _BROKEN_CODES:
        return True
    text = str(exc).lower()
    return any(message in text for message in _BROKEN_MESSAGES)


def _run_fast(args: list[str]) -> int | None:
    """A valid command line runs without Typer; None hands it to Typer (see argv.py)."""
    if not args or any(key.startswith("_FACTS_COMPLETE") for key in os.environ):
        return None
    func = COMMANDS.get(args[0])
    if func is None:
        return None
    kwargs = parse(func, args[1:])
    if kwargs is None:
        return None
    check_text(func, kwargs)
    func(**kwargs)
    return 0


def _run_typer(args: list[str]) -> int:
    import typer
    from typer.main import get_command

    name = next((a for a in args if not a.startswith("-")), None)
    completing = any(key.startswith("_FACTS_COMPLETE") for key in os.environ)
    known = name in COMMANDS or name == "cache"
    command = get_command(build_app(only=name if known and not completing else None))
    try:
        result = command.main(args=args, prog_name="facts", standalone_mode=False)
        return int(result) if isinstance(result, int) else 0
    except SystemExit as exc:  # click's own broken-pipe handling exits; we end quietly instead
        if type(sys.stdout).__name__ == "PacifyFlushWrapper":
            return _quiet_pipe()
        return int(exc.code or 0) if isinstance(exc.code, int) or exc.code is None else int(ExitStatus.ERROR)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:  # click turns Ctrl-C (and SIGTERM, see _on_sigterm) into Abort
        return int(ExitStatus.TERMINATED if _terminated else ExitStatus.INTERRUPTED)
    except typer.TyperException as exc:  # click's usage errors
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `facts`: the help, as click prints it
            say(exc.format_message(), escape=False)
            return int(ExitStatus.ERROR)
        if not hasattr(exc, "format_message"):
            raise
        _error(_usage_message(exc, command, args))
        return int(ExitStatus.ERROR)


def _utf8(arg: str) -> str:
    """Arguments decoded under a C locale (surrogate escapes) read as the UTF-8 they are."""
    if any("\udc80" <= char <= "\udcff" for char in arg):
        try:
            return os.fsencode(arg).decode("utf-8")
        except UnicodeDecodeError:  # not UTF-8 at all (a Latin-1 file name): keep it as the OS gave it
            return arg
    return arg


def _usage_message(exc: Exception, command: Any, args: Sequence[str]) -> str:
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    message = " ".join(message.split())
    context = getattr(exc, "ctx", None)
    path = context.command_path if context is not None else "facts"
    return f"{message} (see '{path} --help')"


def _error(message: str) -> None:
    say(f"facts: error: {message}")


def _quiet_pipe() -> int:
    """The reader went away (`facts list | head -1`): stop quietly, like cat does."""
    silence_stdout()
    return 0


def run() -> NoReturn:
    sys.exit(main())


def __getattr__(name: str) -> Any:
    if name == "app":  # the whole app, for tests and tools; built on demand
        return build_app()
    raise AttributeError(name)
