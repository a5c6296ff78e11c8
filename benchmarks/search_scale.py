"""Search at scale (issue 14): every kind of query, warm, on generated bases of 100,000 records
and (when asked) 1,000,000, against the bundled warm search.

    python benchmarks/run.py                                   # includes --scale 100000
    python benchmarks/run.py --sizes '' --scale 100000,1000000 --keep-bases /tmp/facts-bases
    python benchmarks/search_scale.py --scale 1000000 --keep-bases /tmp/facts-bases   # this part alone

For each size, a base from benchmarks/generate.py (seed 0) is indexed once (its first search, not
timed), then each line of QUERIES runs as a whole warm process, piped (stdout to /dev/null),
through run.py's launcher (so peak RSS is the child's own), in turns with the bundled
`facts search 异质结`: every round runs the bundled search then the line, for each line. A line's
ratio is its median over the bundled search's median of its own pairs. Targets: <= 1.5 up to
100,000 records, <= 3 above; peak RSS of each warm command <= 100 MB from 1,000,000 records.

`--keep-bases DIR` keeps the bases (`facts-N-seed0.toml`) and their cache (`DIR/cache`) and reuses
them when present: 1,000,000 records take about 10 s to write and minutes to index; without it
they live in the run's temporary folder. A kept cache is checked for freshness by `facts` itself,
so a change of the index format rebuilds it.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402
from run import _RESULT, QUERY, Child, child_env, machine, markdown, run_child  # noqa: E402

#: label -> (the command after `facts`, the exit status it must end with, whether it must print records).
QUERIES: dict[str, tuple[list[str], int, bool]] = {
    "rare 异质结": (["search", "异质结"], 0, True),
    "common 川姜镇 (~4.5%)": (["search", "川姜镇"], 0, True),
    "2 characters 川姜": (["search", "川姜"], 0, True),
    "pinyin chuanjiang": (["search", "chuanjiang"], 0, True),
    "initials cjz": (["search", "cjz"], 0, True),
    "zero hits 量子计算": (["search", "量子计算"], 1, False),
    "zero hits, pinyin liangzijisuan": (["search", "liangzijisuan"], 1, False),
    "one typo 异质结电他": (["search", "异质结电他"], 0, True),
    "get gdp-2032x (no such id: did you mean)": (["get", "gdp-2032x"], 2, False),
}
RATIO_SMALL, RATIO_LARGE, LARGE = 1.5, 3.0, 100_000
#: The SQLite base's line (`facts export --format sqlite`): its first search, with no cache, against
#: the same search of the TOML base with its cache warm. "As fast": within noise.
SQLITE_QUERY, SQLITE_RATIO = "川姜镇", 1.1
RSS_MB, RSS_FROM = 100.0, 1_000_000


def ratio_target(records: int) -> float:
    return RATIO_SMALL if records <= LARGE else RATIO_LARGE


def base_path(records: int, folder: Path) -> Path:
    """The generated base of `records` (seed 0) in `folder`, written unless already there."""
    path = folder / f"facts-{records}-seed0.toml"
    if not path.exists():
        partial = path.with_suffix(".partial")
        partial.write_text(generate(records, 0), encoding="utf-8")
        partial.replace(path)  # a run interrupted while writing leaves no base to reuse
    return path


def expect(argv: list[str], env: dict[str, str], code: int, capture: bool = False) -> Child:
    """run.run_child, stopping the benchmark when the exit status is not the one expected."""
    child = run_child(argv, env, capture)
    if child.code != code:
        sys.exit(f"benchmark: {' '.join(argv)} exited {child.code}, expected {code}")
    return child


def measure(
    records: int, facts: str, bundled_env: dict[str, str], bases: Path, cache_home: Path, runs: int, say: Any
) -> dict[str, Any]:
    """One size: every line of QUERIES against the bundled warm search, in turns."""
    started = time.perf_counter()
    base = base_path(records, bases)
    env = child_env(cache_home)
    write_s = time.perf_counter() - started
    started = time.perf_counter()
    first = expect([facts, "search", QUERY, "-f", str(base)], env, 0)  # builds the index, or finds it fresh
    say(
        f"  scale {records}: base ready in {write_s:.1f} s, first search {time.perf_counter() - started:.1f} s "
        f"(peak RSS {first.rss_kb / 1024:.0f} MB)"
    )
    reference = [facts, "search", QUERY]
    lines = {label: [facts, *line, "-f", str(base)] for label, (line, _, _) in QUERIES.items()}
    hits = {}
    for label, argv in lines.items():  # warm-up, and what each line finds
        code, must_find = QUERIES[label][1], QUERIES[label][2]
        out = expect(argv, env, code, capture=True).out
        hits[label] = out.count("\n")
        if must_find and not hits[label]:
            sys.exit(f"benchmark: {' '.join(argv)} found nothing")
    expect(reference, bundled_env, 0)
    times: dict[str, list[Child]] = {label: [] for label in lines}
    bundled: dict[str, list[Child]] = {label: [] for label in lines}
    for _ in range(runs):
        for label, argv in lines.items():
            bundled[label].append(expect(reference, bundled_env, 0))
            times[label].append(expect(argv, env, QUERIES[label][1]))
    rows: list[dict[str, Any]] = []
    sqlite_row = _sqlite_base(records, facts, base, env, runs, say)
    for label in lines:
        mine, ref = times[label], bundled[label]
        rows.append({
            "query": label,
            "hits": hits[label],
            "median_s": statistics.median(c.seconds for c in mine),
            "cpu_s": statistics.median(c.cpu for c in mine),
            "bundled_s": statistics.median(c.seconds for c in ref),
            "bundled_cpu_s": statistics.median(c.cpu for c in ref),
            "rss_mb": max(c.rss_kb for c in mine) / 1024,
        })  # fmt: skip
        row = rows[-1]
        row["ratio"] = row["median_s"] / row["bundled_s"]
        row["ratio_cpu"] = row["cpu_s"] / row["bundled_cpu_s"]
    return {
        "records": records, "base": str(base), "file_mb": base.stat().st_size / 1e6, "runs": runs, "rows": rows,
        "sqlite": sqlite_row,
    }  # fmt: skip


def _sqlite_base(records: int, facts: str, base: Path, env: dict[str, str], runs: int, say: Any) -> dict[str, Any]:
    """`facts search SQLITE_QUERY -f BASE.db` (the base exported to SQLite: read-only, no parse, no
    cache), every run a first query, in turns with the same search of the TOML base, cache warm.
    The export is kept beside the base and made again when missing, older than the base, or
    refused by this code (another export format)."""
    db = base.with_suffix(".db")
    query = [facts, "search", SQLITE_QUERY, "-f"]
    started = time.perf_counter()
    if not db.exists() or db.stat().st_mtime < base.stat().st_mtime or run_child([*query, str(db)], env).code != 0:
        db.unlink(missing_ok=True)
        expect([facts, "export", "--format", "sqlite", "-o", str(db), "-f", str(base)], env, 0)
        say(f"  scale {records}: exported to SQLite in {time.perf_counter() - started:.1f} s ({db.stat().st_size / 1e9:.2f} GB)")
    caches = set((Path(env["XDG_CACHE_HOME"]) / "tongzhou-facts").glob("*"))
    from_db, from_toml = expect([*query, str(db)], env, 0, capture=True), expect([*query, str(base)], env, 0, capture=True)
    if from_db.out != from_toml.out:
        sys.exit(f"benchmark: {SQLITE_QUERY} -f {db} printed other lines than -f {base}")
    if set((Path(env["XDG_CACHE_HOME"]) / "tongzhou-facts").glob("*")) != caches:
        sys.exit(f"benchmark: a search of {db} wrote to the cache folder")
    sqlite: list[Child] = []
    toml: list[Child] = []
    for _ in range(runs):
        sqlite.append(expect([*query, str(db)], env, 0))
        toml.append(expect([*query, str(base)], env, 0))
    row = {
        "db_gb": db.stat().st_size / 1e9,
        "median_s": statistics.median(c.seconds for c in sqlite), "cpu_s": statistics.median(c.cpu for c in sqlite),
        "toml_s": statistics.median(c.seconds for c in toml), "toml_cpu_s": statistics.median(c.cpu for c in toml),
        "rss_mb": max(c.rss_kb for c in sqlite) / 1024,
    }  # fmt: skip
    row["ratio"] = row["median_s"] / row["toml_s"]
    row["ratio_cpu"] = row["cpu_s"] / row["toml_cpu_s"]
    return row


def checks(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """run.py's form of a target: the ratio of every line, and its peak RSS on 1M records."""
    out = []
    for size in results:
        n, limit = size["records"], ratio_target(size["records"])
        for row in size["rows"]:
            what = f"warm `{row['query']}` / bundled warm search"
            out.append({
                "target": "scale_ratio", "where": f"{n} records", "what": what, "value": row["ratio"],
                "value_cpu": row["ratio_cpu"], "limit": limit, "pass": row["ratio"] <= limit,
            })  # fmt: skip
            if n >= RSS_FROM:
                out.append({
                    "target": "scale_rss_mb", "where": f"{n} records", "what": f"peak RSS of `{row['query']}`, MB",
                    "value": row["rss_mb"], "limit": RSS_MB, "pass": row["rss_mb"] <= RSS_MB,
                })  # fmt: skip
        db = size.get("sqlite")
        if db:
            out.append({
                "target": "sqlite_first_vs_warm", "where": f"{n} records",
                "what": f"first `search {SQLITE_QUERY} -f base.db` (SQLite base, no cache) / warm TOML base",
                "value": db["ratio"], "value_cpu": db["ratio_cpu"], "limit": SQLITE_RATIO, "pass": db["ratio"] <= SQLITE_RATIO,
            })  # fmt: skip
    return out


def table(size: dict[str, Any]) -> list[str]:
    n, limit = size["records"], ratio_target(size["records"])
    rss_limit = f" (<= {RSS_MB:g})" if n >= RSS_FROM else ""
    header = [
        f"{n:,} records ({size['file_mb']:.0f} MB), warm, piped", "hits", "median", "CPU", "bundled", "ratio",
        "ratio (CPU)", "target", "", f"peak RSS{rss_limit}",
    ]  # fmt: skip
    rows = []
    for r in size["rows"]:
        ok = r["ratio"] <= limit and (n < RSS_FROM or r["rss_mb"] <= RSS_MB)
        rows.append([
            r["query"], str(r["hits"]), f"{r['median_s'] * 1000:.1f} ms", f"{r['cpu_s'] * 1000:.1f} ms",
            f"{r['bundled_s'] * 1000:.1f} ms", f"{r['ratio']:.2f}", f"{r['ratio_cpu']:.2f}", f"<= {limit:g}",
            "pass" if ok else "FAIL", f"{r['rss_mb']:.1f} MB",
        ])  # fmt: skip
    lines = markdown(header, rows, {1, 2, 3, 4, 5, 6, 9})
    db = size.get("sqlite")
    if db:
        ok = db["ratio"] <= SQLITE_RATIO
        lines += [
            "",
            *markdown(
                [f"{n:,} records as an SQLite base ({db['db_gb']:.2f} GB)", "median", "CPU", "TOML warm", "ratio",
                 "ratio (CPU)", "target", "", "peak RSS"],
                [[f"first `search {SQLITE_QUERY} -f base.db`, no cache", f"{db['median_s'] * 1000:.1f} ms",
                  f"{db['cpu_s'] * 1000:.1f} ms", f"{db['toml_s'] * 1000:.1f} ms", f"{db['ratio']:.2f}",
                  f"{db['ratio_cpu']:.2f}", f"<= {SQLITE_RATIO:g}", "pass" if ok else "FAIL", f"{db['rss_mb']:.1f} MB"]],
                {1, 2, 3, 4, 5, 8},
            ),
        ]  # fmt: skip
    return lines


def report(results: list[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    for size in results:
        lines += [*table(size), ""]
    if results:
        lines += [
            "hits: lines printed (at most 20: the default limit). bundled: the bundled `facts search 异质结`, run just",
            "before each run of the line (the ratio's denominator). CPU: user + system time of the process.",
            "",
        ]
    return lines


def main(argv: list[str] | None = None) -> int:
    """This part alone: the bundled reference is warmed first in a cache folder of its own."""
    from run import target_lines

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="100000", help="base sizes in records, comma-separated (default 100000)")
    parser.add_argument("--runs", type=int, default=7, help="runs per line (median; default 7)")
    parser.add_argument("--keep-bases", metavar="DIR", help="keep the bases and their cache in DIR, and reuse them")
    parser.add_argument("--venv", default=str(HERE.parent / ".venv"), help="the virtual environment (default .venv)")
    args = parser.parse_args(argv)
    venv = Path(args.venv).resolve()
    facts = str(venv / "bin" / "facts")
    with tempfile.TemporaryDirectory(prefix="facts-bench-") as temp:
        bases = Path(args.keep_bases) if args.keep_bases else Path(temp)
        bases.mkdir(parents=True, exist_ok=True)
        env = child_env(Path(temp) / "bundled-cache")
        info = machine(str(venv / "bin" / "python"), env)
        print(f"search at scale, {dt.datetime.now().isoformat(timespec='seconds')}; {info['nproc']} CPUs ({info['cpu']})")
        print(f"python {info['python']}, sqlite {info['sqlite']}, code {info['git']}; load average {os.getloadavg()}")
        results = run_sizes(args.scale, args.runs, facts, env, bases, print)
        print(f"load average at end {os.getloadavg()}\n")
        found = checks(results)
        print("\n".join([*report(results), *target_lines(found)]))
    for name in _RESULT:  # the launcher's result file
        with contextlib.suppress(OSError):
            os.unlink(name)
    return 0 if all(c["pass"] for c in found) else 1


def run_sizes(scale: str, runs: int, facts: str, bundled_env: dict[str, str], bases: Path, say: Any) -> list[dict[str, Any]]:
    """Every size of `scale` (comma-separated records), with its cache in `bases`/cache."""
    sizes = [int(s) for s in scale.split(",") if s.strip()]
    return [measure(n, facts, bundled_env, bases, bases / "cache", runs, say) for n in sizes]


if __name__ == "__main__":
    sys.exit(main())
