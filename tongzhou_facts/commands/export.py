"""`facts export`: the whole base as JSON, JSON Lines, CSV or an SQLite database."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from ..argv import Opt
from ..env import Environment
from ..errors import ExitStatus, UsageError
from .options import ExportOutput, FileOpt, Output, base_paths
from .results import show_rows, write_rows

if TYPE_CHECKING:
    from ..index import Index

EXPORT_FORMATS = ("json", "jsonl", "csv", "sqlite")


def export(
    env: Environment,
    out: ExportOutput,
    fmt: Annotated[str, Opt("--format", help="json, jsonl, csv or sqlite.")] = "json",
    output: Annotated[
        str | None, Opt("--output", "-o", help="Write here instead of stdout (required for sqlite).", metavar="FILE")
    ] = None,
    file: FileOpt = None,
) -> ExitStatus:
    """The whole base as JSON, JSON Lines, CSV, or an SQLite database with a full-text index.

    Examples:

    \b
      facts export --format csv --bom -o facts.csv
      facts export --format sqlite -o facts.db
      facts search 异质结 -f facts.db

    An SQLite export is also a base: `-f facts.db` reads it with nothing to parse. Beside it
    goes its Datasette metadata (facts.metadata.json): title, sources, columns, full-text
    search; `datasette facts.db -m facts.metadata.json` serves both.
    """
    fmt = fmt.strip().lower()  # --format JSON: in any case, as every command reads it
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"unknown export format '{fmt}' (json, jsonl, csv or sqlite)")
    if fmt == "sqlite" and output is None:
        raise UsageError("--format sqlite needs --output FILE (or -o - for standard output)")
    from .. import cache
    from ..files import descriptor, writing
    from ..load import bundled_path

    paths = base_paths(file)
    if output is None or (fmt != "sqlite" and descriptor(output) == 1):  # `-o -`: standard output, as without -o
        index = cache.open_index(paths)
        every_field = Output(fmt, None, "zh", True, out.bom, out.csv_raw)
        return show_rows(env, index, index.rows(), [], every_field)
    if descriptor(output) == 1 and env.is_terminal:
        raise UsageError("refusing to write a database to a terminal: give -o FILE, or pipe it")

    # Never over a base being read (nor the bundled one every later run reads) or the cache.
    inputs = [*paths, bundled_path()]
    folders = [folder for folder in (cache.cache_dir(),) if folder]
    metadata = None
    with writing(output, inputs, folders) as tmp:
        index = cache.open_index(paths)
        if fmt == "sqlite":
            from ..export import write_sqlite

            count = write_sqlite(index, tmp)
            if descriptor(output) is None:  # a file: Datasette's metadata beside it
                metadata = _write_metadata(index, output, paths, inputs, folders)
        else:
            count = index.count()
            with open(tmp, "w", encoding="utf-8", newline="") as handle:
                write_rows(index, index.rows(), fmt, [], handle, all_fields=True, bom=out.bom, csv_raw=out.csv_raw)
    env.say(f"facts: wrote {count} records to {'standard output' if descriptor(output) == 1 else output}")
    if metadata is not None:
        env.say(f"facts: wrote Datasette's metadata to {metadata}: datasette {output} -m {metadata}")
    return ExitStatus.OK if count else ExitStatus.NOTHING


def _write_metadata(index: Index, output: str, paths: list[str], inputs: list[str], folders: list[str]) -> str:
    """Write the Datasette metadata of the database `output` beside it; its path. The licence
    is said only for the bundled base, whose licence is known (MIT)."""
    import os

    from ..export import datasette_metadata, metadata_path
    from ..files import writing
    from ..load import bundled_path
    from ..output import to_json

    bundled = [os.path.realpath(p) for p in paths] == [os.path.realpath(bundled_path())]
    target = metadata_path(output)
    data = datasette_metadata(index, output, licence="MIT" if bundled else None)
    with writing(target, inputs, folders) as tmp, open(tmp, "w", encoding="utf-8") as handle:
        handle.write(to_json(data, indent=2) + "\n")
    return target
