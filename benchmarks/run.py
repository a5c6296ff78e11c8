"""The speed and memory benchmark of `facts`, measured as whole processes.

    python benchmarks/run.py                          # 1,000, 10,000 and 100,000 records
    python benchmarks/run.py --sizes '' --scale '' --cold-build ''   # start-up only (about a minute)
    python benchmarks/run.py --sizes 1000,10000 --runs 10 --json results.json

Every number is a whole `facts` process started the way a user starts it (the venv's
`facts` script, via subprocess): interpreter start-up and imports count. Time is
`time.perf_counter()` around fork, exec and wait of the child; peak memory is the child's
own max RSS from `os.wait4` (per child, unlike the running maximum of RUSAGE_CHILDREN). Both
are taken by a small launcher process (see LAUNCHER) so the benchmark's own memory does not
leak into the children's numbers.

What it measures, in one run, with a private XDG_CACHE_HOME in a temporary folder:

* the floor: `python -c "import typer, rich.console, rich.table"` with the venv's
  python (median of --runs): what any Typer + Rich CLI pays before doing anything;
* the bundled base, cache warm: `facts search 异质结` with stdout to /dev/null (a pipe
  as far as `facts` can tell: plain output), and `facts search 异质结 --format table`,
  each as a median and as a ratio to the floor (targets <= 0.85 and <= 1.15);
* start-up, on the bundled base, warm, every line below run in turns (issue 14's targets):
  - piped `facts search 异质结` and `facts get gdp-2023 value` / benchmarks/floor.py doing the
    same lookup on the same cache file in ten lines of sqlite3 (<= 1.3);
  - `facts --version`, `facts --help`, `facts search --help` / the piped search (<= 1.5);
  - `facts search 异质结 --format table` (piped), and `facts search 异质结` on a pseudo-terminal
    of 100 columns with colour (a user's terminal) / the piped search (<= 2);
* for each size, a base from benchmarks/generate.py (seed 0):
  - cold: the first `facts search 异质结 -f BASE` with no cache (the cache folder is
    emptied before each of --cold-runs runs): read, parse, validate, build the index;
  - warm: the same search again with the cache in place (median of --runs), and its
    ratio to the bundled warm search (target <= 1.5);
  - tomllib: the time `tomllib.loads` takes on that file's text, measured inside a
    child process (median of --parse-runs), and cold / tomllib (target <= 3);
  - peak RSS of the cold and warm runs (target <= 300 MB each);
* search at scale (benchmarks/search_scale.py, --scale, default 100,000 records): every kind of
  query of issue 14 (rare, common, 2 characters, pinyin, initials, zero hits in Chinese and in
  pinyin, one typo) and `facts get` of an id that does not exist, warm, each in turns with the
  bundled search (target <= 1.5 up to 100,000 records, <= 3 above; peak RSS <= 100 MB on
  1,000,000). `--scale 100000,1000000 --keep-bases DIR` adds 1M and keeps the bases and their
  index in DIR for the next run. Each size also exports its base to SQLite (`facts export
  --format sqlite`, kept beside the base) and times `facts search 川姜镇 -f base.db`, every run a
  first query with no cache, against the TOML base's warm search (target <= 1.1: as fast);
* the cold build on one core (benchmarks/cold_build.py, --cold-build, default 100,000 records):
  `facts search` of a base with no cache, every process on CPU 0 alone, against a tomllib parse
  of the file (target <= 2.5, on CPU time), and its peak RSS against the parse's (<= 1.5; at
  1,000,000 records only this one is judged).

Bytecode: this environment may set PYTHONDONTWRITEBYTECODE=1, which makes every run
recompile the package (an editable install) and so look slower than it is for users.
Children run with PYTHONDONTWRITEBYTECODE removed from their environment, and each
measurement starts with one discarded warm-up run, so the .pyc files exist (it writes
__pycache__ folders in the package and the venv, as any first run does for a user).

Noise: each ratio's two sides are measured alternately (floor, piped and table in turns;
each size's warm runs in turns with the bundled search; cold runs in turns with the tomllib
runs), so a busy moment weighs on both. The CPU columns (user + system time of the child)
barely move when other processes compete for the CPUs; when the load average printed at the
start is high, read them next to the wall times. Targets are judged on wall time.

The OS page cache is warm for every file (the bases were just written): "cold" means
no facts cache, not a cold disk. hyperfine (if installed) can cross-check a warm number:
    hyperfine -N --warmup 3 '.venv/bin/facts search 异质结'

The whole run takes about 4 minutes on 2 cores (most of it the 100,000-record cold runs and
the zero-hit searches at scale); with --scale 100000,1000000 add about 3 minutes (and, the
first time, about 4 minutes to write and index the 1,000,000-record base).
Exit status: 0 when every target passes, 1 when one fails.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
QUERY = "异质结"
FLOOR_CODE = "import typer, rich.console, rich.table"
PARSE_CODE = (
    "import sys, time\n"
    "if sys.version_info >= (3, 11):\n    import tomllib\n"
    "else:  # Python 3.10: tomli, a dependency there\n    import tomli as tomllib\n"
    "text = open(sys.argv[1], 'rb').read().decode('utf-8')\n"
    "start, cpu = time.perf_counter(), time.process_time()\n"
    "tomllib.loads(text)\n"
    "print(time.perf_counter() - start, time.process_time() - cpu)\n"
)

#: name -> (limit, description); a ratio or megabytes, lower is better.
TARGETS: dict[str, tuple[float, str]] = {
    "search_vs_sqlite": (1.3, "piped `facts search 异质结` / the same lookup in ten lines of sqlite3 (floor.py)"),
    "get_vs_sqlite": (1.3, "piped `facts get gdp-2023 value` / the same lookup in floor.py"),
    "version_vs_search": (1.5, "`facts --version` / piped `facts search`"),
    "help_vs_search": (1.5, "`facts --help` / piped `facts search`"),
    "search_help_vs_search": (1.5, "`facts search --help` / piped `facts search`"),
    "table_vs_search": (2.0, "`facts search --format table` / piped `facts search`"),
    "terminal_vs_search": (2.0, "`facts search` on a terminal (a pty, colour) / piped `facts search`"),
    "piped_vs_floor": (0.85, "bundled `facts search` piped / floor"),
    "table_vs_floor": (1.15, "bundled `facts search --format table` / floor"),
    "warm_vs_bundled": (1.5, "warm search / bundled warm search"),
    "cold_vs_tomllib": (3.0, "cold search / tomllib.loads of the file"),
    "cold_rss_mb": (300.0, "peak RSS of a cold search, MB"),
    "warm_rss_mb": (300.0, "peak RSS of a warm search, MB"),
}


# ---------------------------------------------------------------------------- running children


class Child:
    """One finished child process: wall time, peak RSS, exit status, captured stdout."""

    __slots__ = ("code", "cpu", "out", "rss_kb", "seconds")

    def __init__(self, seconds: float, cpu: float, rss_kb: int, code: int, out: str) -> None:
        self.seconds, self.cpu, self.rss_kb, self.code, self.out = seconds, cpu, rss_kb, code, out


#: Runs one command and writes "seconds max_rss_kb exit_status" to a file. The measured process is
#: forked from this small launcher (python -S -I, about 8 MB), not from the benchmark: on Linux a
#: child's max RSS starts at its parent's RSS at fork, so forking from a benchmark that holds a
#: 33 MB base in memory would add that to every number. The launcher's own start-up is not timed.
LAUNCHER = """
import os, sys, time
result, mode, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
if mode == "terminal":  # stdout is a pseudo-terminal of 100 x 40, read (and dropped) here
    import fcntl, struct, termios
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        if mode == "terminal":
            os.dup2(slave, 1)
            os.close(slave)
            os.close(master)
        os.execv(argv[0], argv)
    finally:
        os._exit(127)
if mode == "terminal":
    os.close(slave)
    while True:
        try:
            if not os.read(master, 65536):
                break
        except OSError:  # EIO: the child closed its end
            break
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
with open(result, "w") as handle:
    cpu = usage.ru_utime + usage.ru_stime
    handle.write(f"{seconds} {cpu} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""
_RESULT: list[str] = []


def run_child(argv: list[str], env: dict[str, str], capture: bool = False, terminal: bool = False) -> Child:
    """Run argv to completion; stdout goes to /dev/null (not a terminal) unless captured, or
    to a pseudo-terminal (`terminal`: what a user at a terminal gets, a table)."""
    if not _RESULT:
        fd, name = tempfile.mkstemp(prefix="facts-bench-", suffix=".txt")
        os.close(fd)
        _RESULT.append(name)
    result = _RESULT[0]
    proc = subprocess.run(
        [sys.executable, "-S", "-I", "-c", LAUNCHER, result, "terminal" if terminal else "pipe", *argv],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    if proc.returncode != 0:
        return Child(0.0, 0.0, 0, proc.returncode, "")
    with open(result, encoding="utf-8") as handle:
        seconds, cpu, rss_kb, code = handle.read().split()
    out = proc.stdout.decode("utf-8", "replace") if capture else ""
    return Child(float(seconds), float(cpu), int(rss_kb), int(code), out)  # ru_maxrss is in KB on Linux


def checked(argv: list[str], env: dict[str, str], capture: bool = False, terminal: bool = False) -> Child:
    child = run_child(argv, env, capture, terminal)
    if child.code != 0:
        result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
        sys.exit(f"benchmark: {' '.join(argv)} exited {child.code}:\n{result.stderr.strip()}")
    return child


def repeat(argv: list[str], env: dict[str, str], runs: int, warmup: int = 1) -> list[Child]:
    for _ in range(warmup):
        checked(argv, env)
    return [checked(argv, env) for _ in range(runs)]


def interleave(commands: list[list[str]], env: dict[str, str], runs: int) -> list[list[Child]]:
    """Each command once per round, after one warm-up run of each."""
    for argv in commands:
        checked(argv, env)
    found: list[list[Child]] = [[] for _ in commands]
    for _ in range(runs):
        for argv, into in zip(commands, found, strict=True):
            into.append(checked(argv, env))
    return found


class Command:
    """One side of a start-up ratio: a command line, its environment, and where stdout goes."""

    __slots__ = ("argv", "env", "label", "terminal")

    def __init__(self, label: str, argv: list[str], env: dict[str, str], terminal: bool = False) -> None:
        self.label, self.argv, self.env, self.terminal = label, argv, env, terminal


def interleave_commands(commands: list[Command], runs: int) -> list[list[Child]]:
    """`interleave` for commands with environments and terminals of their own."""
    for command in commands:
        checked(command.argv, command.env, terminal=command.terminal)
    found: list[list[Child]] = [[] for _ in commands]
    for _ in range(runs):
        for command, into in zip(commands, found, strict=True):
            into.append(checked(command.argv, command.env, terminal=command.terminal))
    return found


def median(children: list[Child]) -> float:
    return statistics.median(c.seconds for c in children)


def median_cpu(children: list[Child]) -> float:
    """User + system CPU time: what the process itself cost, less sensitive to a busy machine."""
    return statistics.median(c.cpu for c in children)


def peak_mb(children: list[Child]) -> float:
    return max(c.rss_kb for c in children) / 1024


# ---------------------------------------------------------------------------- the machine


def machine(python: str, env: dict[str, str]) -> dict[str, Any]:
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            kb = int(handle.readline().split()[1])
            memory = f"{kb / 1048576:.1f} GB"
    except (OSError, ValueError, IndexError):
        pass
    probe = (
        "import json, platform, sqlite3, sys\n"
        "from importlib.metadata import version\n"
        "print(json.dumps({'python': platform.python_version(), 'implementation': platform.python_implementation(),"
        " 'typer': version('typer'), 'rich': version('rich'), 'sqlite': sqlite3.sqlite_version,"
        " 'facts': version('tongzhou-facts')}))"
    )
    versions = json.loads(checked([python, "-c", probe], env, capture=True).out)
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 0
    return {
        "git": git_state(),
        "load_average": os.getloadavg()[0],
        "nproc": cpus,
        "cpu": model or platform.processor(),
        "memory": memory,
        "kernel": f"{platform.system()} {platform.release()}",
        **versions,
    }


def git_state() -> str:
    """The commit measured, and whether the working tree differs from it."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        )
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    if not dirty.stdout.strip():
        return commit.stdout.strip()
    diff = subprocess.run(["git", "-C", str(ROOT), "diff", "HEAD"], capture_output=True, check=False).stdout
    return f"{commit.stdout.strip()} + uncommitted changes (diff crc32 {zlib.crc32(diff):08x})"


# ---------------------------------------------------------------------------- the benchmark


#: The start-up measurements, run in turns: label -> what `facts` (or floor.py) is asked.
STARTUP_LINES: dict[str, list[str]] = {
    "sqlite_search": ["search", QUERY],
    "search": ["search", QUERY],
    "sqlite_get": ["get", "gdp-2023", "value"],
    "get": ["get", "gdp-2023", "value"],
    "version": ["--version"],
    "help": ["--help"],
    "search_help": ["search", "--help"],
    "table": ["search", QUERY, "--format", "table"],
    "terminal": ["search", QUERY],
}
#: Each start-up target: its ratio's numerator and denominator (labels of STARTUP_LINES).
STARTUP_RATIOS: dict[str, tuple[str, str]] = {
    "search_vs_sqlite": ("search", "sqlite_search"),
    "get_vs_sqlite": ("get", "sqlite_get"),
    "version_vs_search": ("version", "search"),
    "help_vs_search": ("help", "search"),
    "search_help_vs_search": ("search_help", "search"),
    "table_vs_search": ("table", "search"),
    "terminal_vs_search": ("terminal", "search"),
}


def startup(facts: str, python: str, env: dict[str, str], cache_home: Path, runs: int) -> dict[str, Any]:
    """Start-up on the bundled base, warm: `facts` against the ten-line sqlite3 floor
    (benchmarks/floor.py on the same cache file), help and --version against a piped search,
    and a table (piped with --format table, and on a pseudo-terminal) against a piped search."""
    caches = sorted((cache_home / "tongzhou-facts").glob("*.sqlite"))
    if len(caches) != 1:
        sys.exit(f"benchmark: expected the bundled base's cache file alone in {cache_home}, found {len(caches)}")
    floor = [python, str(HERE / "floor.py"), str(caches[0])]
    # A terminal as users have one: colour, no COLUMNS (the pty says 100 columns).
    terminal_env = {k: v for k, v in env.items() if k not in ("NO_COLOR", "COLUMNS")}
    terminal_env["TERM"] = "xterm-256color"
    commands = [
        Command(
            label,
            [*floor, *line] if label.startswith("sqlite_") else [facts, *line],
            terminal_env if label == "terminal" else env,
            terminal=label == "terminal",
        )
        for label, line in STARTUP_LINES.items()
    ]
    measured = dict(zip(STARTUP_LINES, interleave_commands(commands, runs), strict=True))
    row: dict[str, Any] = {"cache_file": str(caches[0])}
    for label, children in measured.items():
        row[f"{label}_s"] = median(children)
        row[f"{label}_cpu_s"] = median_cpu(children)
        row[f"{label}_rss_mb"] = peak_mb(children)
    for name, (top, bottom) in STARTUP_RATIOS.items():
        row[name] = row[f"{top}_s"] / row[f"{bottom}_s"]
        row[name + "_cpu"] = row[f"{top}_cpu_s"] / row[f"{bottom}_cpu_s"]
    return row


def bundled_records() -> int:
    text = (ROOT / "facts.toml").read_text(encoding="utf-8")
    return sum(text.count(f"\n[[{table}]]") for table in ("metrics", "projects", "milestones"))


def child_env(cache_home: Path) -> dict[str, str]:
    env = dict(os.environ)
    for name in (
        "PYTHONDONTWRITEBYTECODE",
        "FACTS_NO_CACHE",
        "FACTS_FILE",
        "FACTS_DEBUG",
        "FACTS_MAX_MB",
        "FACTS_MAX_RECORDS",
        "PYTHONPROFILEIMPORTTIME",
    ):
        env.pop(name, None)
    env["XDG_CACHE_HOME"] = str(cache_home)
    env["NO_COLOR"] = "1"
    return env


def clear_cache(cache_home: Path) -> None:
    shutil.rmtree(cache_home / "tongzhou-facts", ignore_errors=True)


def generate_base(n: int, folder: Path) -> Path:
    sys.path.insert(0, str(HERE))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(HERE))
    path = folder / f"facts-{n}.toml"
    path.write_text(generate(n, 0), encoding="utf-8")
    return path


def bench(args: argparse.Namespace) -> dict[str, Any]:
    venv = Path(args.venv).resolve()
    python = str(venv / "bin" / "python")
    facts = str(venv / "bin" / "facts")
    for program in (python, facts):
        if not os.access(program, os.X_OK):
            sys.exit(f"benchmark: {program} not found (install with: python3 -m venv .venv && .venv/bin/pip install -e .)")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    temp = Path(tempfile.mkdtemp(prefix="facts-bench-"))
    cache_home = temp / "cache"
    env = child_env(cache_home)
    say = print if not args.quiet else (lambda *_args, **_kwargs: None)

    info = machine(python, env)
    say(f"facts benchmark, {dt.datetime.now().isoformat(timespec='seconds')}")
    say(f"machine: {info['nproc']} CPUs ({info['cpu']}), {info['memory']} RAM, {info['kernel']}")
    say(
        f"python {info['python']} ({info['implementation']}), typer {info['typer']}, rich {info['rich']}, "
        f"sqlite {info['sqlite']}, tongzhou-facts {info['facts']}"
    )
    say(
        "children run without PYTHONDONTWRITEBYTECODE (set here: "
        f"{'yes' if 'PYTHONDONTWRITEBYTECODE' in os.environ else 'no'}), after one warm-up run each, "
        "so bytecode is cached as it is for users"
    )
    say(f"code: {ROOT} at {info['git']}")
    busy = " (the machine is busy: expect noise)" if info["load_average"] > 0.5 else ""
    say(f"load average (1 min) at start: {info['load_average']:.2f}{busy}")
    say(
        f"runs: {args.runs} (warm), {args.cold_runs} (cold), {args.parse_runs} (tomllib), {args.scale_runs} (at scale: "
        f"{args.scale or 'none'}); temp folder {temp}\n"
    )

    results: dict[str, Any] = {"date": dt.datetime.now().isoformat(timespec="seconds"), "machine": info, "query": QUERY}
    results["settings"] = {"runs": args.runs, "cold_runs": args.cold_runs, "parse_runs": args.parse_runs, "sizes": sizes}
    try:
        # Warm-up: compile every module a cold and a warm run import (load, validate, index, match, render).
        clear_cache(cache_home)
        checked([facts, "search", QUERY], env)
        checked([facts, "search", QUERY, "--format", "table"], env)

        # Interleaved, so a busy moment on the machine weighs on the floor and on facts alike.
        floor, piped, table = interleave(
            [[python, "-c", FLOOR_CODE], [facts, "search", QUERY], [facts, "search", QUERY, "--format", "table"]],
            env,
            args.runs,
        )
        results["bundled"] = {
            "records": bundled_records(),
            "floor_s": median(floor),
            "floor_rss_mb": peak_mb(floor),
            "piped_s": median(piped),
            "piped_rss_mb": peak_mb(piped),
            "table_s": median(table),
            "table_rss_mb": peak_mb(table),
            "piped_vs_floor": median(piped) / median(floor),
            "table_vs_floor": median(table) / median(floor),
            "floor_cpu_s": median_cpu(floor),
            "piped_cpu_s": median_cpu(piped),
            "table_cpu_s": median_cpu(table),
            "piped_vs_floor_cpu": median_cpu(piped) / median_cpu(floor),
            "table_vs_floor_cpu": median_cpu(table) / median_cpu(floor),
        }
        b = results["bundled"]
        say(f"  floor {b['floor_s'] * 1000:.1f} ms, piped {b['piped_s'] * 1000:.1f} ms, table {b['table_s'] * 1000:.1f} ms")
        results["startup"] = startup(facts, python, env, cache_home, args.runs)
        s = results["startup"]
        say(
            f"  start-up: sqlite3 floor {s['sqlite_search_s'] * 1000:.1f} ms, search {s['search_s'] * 1000:.1f} ms, "
            f"--help {s['help_s'] * 1000:.1f} ms, terminal {s['terminal_s'] * 1000:.1f} ms"
        )

        results["sizes"] = []
        for n in sizes:
            started = time.perf_counter()
            base = generate_base(n, temp)
            generated = time.perf_counter() - started
            command = [facts, "search", QUERY, "-f", str(base)]
            # Cold runs alternate with tomllib runs, and warm runs with the bundled search, so that
            # each ratio compares numbers taken under the same load.
            cold: list[Child] = []
            parse: list[Child] = []
            for i in range(max(args.cold_runs, args.parse_runs)):
                if i < args.cold_runs:
                    clear_cache(cache_home)
                    cold.append(checked(command, env))
                if i < args.parse_runs:
                    parse.append(checked([python, "-c", PARSE_CODE, str(base)], env, capture=True))
            parse_s = statistics.median(float(c.out.split()[0]) for c in parse)
            parse_cpu_s = statistics.median(float(c.out.split()[1]) for c in parse)
            warm, reference = interleave([command, [facts, "search", QUERY]], env, args.runs)
            hits = checked(command, env, capture=True).out.count("\n")
            cache_files = list((cache_home / "tongzhou-facts").glob("*.sqlite"))
            row = {
                "records": n,
                "file_mb": base.stat().st_size / 1e6,
                "generate_s": generated,
                "hits": hits,
                "cold_s": median(cold),
                "cold_min_s": min(c.seconds for c in cold),
                "cold_rss_mb": peak_mb(cold),
                "warm_s": median(warm),
                "warm_rss_mb": peak_mb(warm),
                "tomllib_s": parse_s,
                "tomllib_process_s": median(parse),
                "tomllib_rss_mb": peak_mb(parse),
                "cache_mb": sum(p.stat().st_size for p in cache_files) / 1e6,
                "bundled_s": median(reference),
                "warm_vs_bundled": median(warm) / median(reference),
                "cold_cpu_s": median_cpu(cold),
                "warm_cpu_s": median_cpu(warm),
                "bundled_cpu_s": median_cpu(reference),
                "warm_vs_bundled_cpu": median_cpu(warm) / median_cpu(reference),
                "tomllib_cpu_s": parse_cpu_s,
                "cold_vs_tomllib_cpu": median_cpu(cold) / parse_cpu_s,
                "cold_vs_tomllib": median(cold) / parse_s,
            }
            results["sizes"].append(row)
            say(
                f"  {n:>7} records: cold {row['cold_s']:.2f} s, warm {row['warm_s'] * 1000:.0f} ms, "
                f"tomllib {row['tomllib_s']:.2f} s, {row['hits']} hits"
            )
            if not args.keep:
                base.unlink()
        if args.scale.strip():
            from search_scale import run_sizes

            bases = Path(args.keep_bases) if args.keep_bases else temp / "scale"
            bases.mkdir(parents=True, exist_ok=True)
            results["scale"] = run_sizes(args.scale, args.scale_runs, facts, env, bases, say)
        results["cold_build"] = cold_builds(args, say)
    finally:
        for name in _RESULT:
            with contextlib.suppress(OSError):
                os.unlink(name)
        if args.keep:
            say(f"kept {temp}")
        else:
            shutil.rmtree(temp, ignore_errors=True)
    results["load_average_end"] = os.getloadavg()[0]
    results["checks"] = checks(results)
    say("")
    say(report(results))
    return results


def cold_builds(args: argparse.Namespace, say: Any) -> list[dict[str, Any]]:
    """The one-core cold build of each size of --cold-build (benchmarks/cold_build.py), on the
    kept bases when --keep-bases names them."""
    from cold_build import lines as cold_lines
    from cold_build import measure as cold_measure

    folder = Path(args.keep_bases) if args.keep_bases else None
    out = []
    for n in (int(s) for s in args.cold_build.split(",") if s.strip()):
        found = cold_measure(n, args.cold_build_rounds, 0, Path(args.venv), "", folder)
        out.append(found)
        say(f"  cold build of {n} records on one core: " + "; ".join(" ".join(line.split()) for line in cold_lines(found)[2:5]))
    return out


# ---------------------------------------------------------------------------- the report


def checks(results: dict[str, Any]) -> list[dict[str, Any]]:
    out = []

    def check(name: str, row: dict[str, Any], where: str) -> None:
        limit, what = TARGETS[name]
        value = row[name]
        found = {"target": name, "where": where, "value": value, "limit": limit, "pass": value <= limit, "what": what}
        if name + "_cpu" in row:
            found["value_cpu"] = row[name + "_cpu"]
        out.append(found)

    for name in STARTUP_RATIOS:
        check(name, results["startup"], "start-up")
    for name in ("piped_vs_floor", "table_vs_floor"):
        check(name, results["bundled"], "bundled")
    for row in results["sizes"]:
        # The issue sets these targets for the 100,000-record base; smaller sizes are shown for
        # the trend (at 1k, process start-up alone is several times a 70 ms parse).
        if row["records"] < 100_000:
            continue
        where = f"{row['records']} records"
        for name in ("warm_vs_bundled", "cold_vs_tomllib", "cold_rss_mb", "warm_rss_mb"):
            check(name, row, where)
    if results.get("scale"):
        from search_scale import checks as scale_checks

        out += scale_checks(results["scale"])
    if results.get("cold_build"):
        from cold_build import checks as cold_checks

        out += cold_checks(results["cold_build"])
    return out


def markdown(header: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    """A Markdown table padded to line up in a terminal too."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        return (
            "| "
            + " | ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True)))
            + " |"
        )

    rule = "|" + "|".join("-" * (w + 1) + ":" if i in right else "-" * (w + 2) for i, w in enumerate(widths)) + "|"
    return [line(header), rule, *(line(r) for r in rows)]


def startup_table(s: dict[str, Any]) -> list[str]:
    """The start-up runs, each with the ratio it is judged by."""
    judged = {top: (name, bottom) for name, (top, bottom) in STARTUP_RATIOS.items()}
    rows = []
    for label, line in STARTUP_LINES.items():
        program = "floor.py CACHE" if label.startswith("sqlite_") else "facts"
        where = " (pty)" if label == "terminal" else " (piped)" if label in ("search", "get") else ""
        ratio = target = ""
        if label in judged:
            name, bottom = judged[label]
            ratio = f"{s[name]:.2f} (CPU {s[name + '_cpu']:.2f})"
            target = f"<= {TARGETS[name][0]:g} x {bottom}"
        rows.append([
            f"{program} {' '.join(line)}{where}", f"{s[label + '_s'] * 1000:.1f} ms", f"{s[label + '_cpu_s'] * 1000:.1f} ms",
            f"{s[label + '_rss_mb']:.1f} MB", ratio, target,
        ])  # fmt: skip
    return markdown(["start-up, bundled base, cache warm", "median", "CPU", "peak RSS", "ratio", "target"], rows, {1, 2, 3})


def report(results: dict[str, Any]) -> str:
    info = results["machine"]
    b = results["bundled"]
    t = TARGETS
    lines = [
        f"Results ({results['date']}; {info['nproc']} CPUs, {info['cpu']}; python {info['python']}, "
        f"typer {info['typer']}, rich {info['rich']}; warm numbers are medians of {results['settings']['runs']} runs, "
        f"cold of {results['settings']['cold_runs']}, tomllib of {results['settings']['parse_runs']}; "
        f"code {info['git']}; load average {info['load_average']:.2f} at start, {results['load_average_end']:.2f} at end)",
        "",
    ]
    lines += markdown(
        [f"bundled base ({b['records']} records), cache warm", "median", "CPU", "peak RSS", "/ floor", "/ floor (CPU)", "target"],
        [
            [f'floor: python -c "{FLOOR_CODE}"', f"{b['floor_s'] * 1000:.1f} ms", f"{b['floor_cpu_s'] * 1000:.1f} ms",
             f"{b['floor_rss_mb']:.1f} MB", "1.00", "1.00", ""],
            [f"facts search {QUERY} (piped: plain)", f"{b['piped_s'] * 1000:.1f} ms", f"{b['piped_cpu_s'] * 1000:.1f} ms",
             f"{b['piped_rss_mb']:.1f} MB", f"{b['piped_vs_floor']:.2f}", f"{b['piped_vs_floor_cpu']:.2f}",
             f"<= {t['piped_vs_floor'][0]:.2f}"],
            [f"facts search {QUERY} --format table", f"{b['table_s'] * 1000:.1f} ms", f"{b['table_cpu_s'] * 1000:.1f} ms",
             f"{b['table_rss_mb']:.1f} MB", f"{b['table_vs_floor']:.2f}", f"{b['table_vs_floor_cpu']:.2f}",
             f"<= {t['table_vs_floor'][0]:.2f}"],
        ],
        {1, 2, 3, 4, 5, 6},
    )  # fmt: skip
    lines.append("")
    lines += startup_table(results["startup"])
    lines.append("")
    if not results["sizes"]:  # --sizes '': start-up (and search at scale) only
        return "\n".join([*lines, *scale_lines(results), *cold_build_lines(results), *target_lines(results["checks"])])
    header = [
        "records", "file MB", "cold s", "cold CPU s", "tomllib.loads s", "cold / tomllib", "warm ms", "bundled ms",
        "warm / bundled", "warm / bundled (CPU)",
    ]  # fmt: skip
    rows = [
        [
            str(r["records"]), f"{r['file_mb']:.1f}", f"{r['cold_s']:.2f}", f"{r['cold_cpu_s']:.2f}", f"{r['tomllib_s']:.3f}",
            f"{r['cold_vs_tomllib']:.2f}", f"{r['warm_s'] * 1000:.1f}", f"{r['bundled_s'] * 1000:.1f}",
            f"{r['warm_vs_bundled']:.2f}", f"{r['warm_vs_bundled_cpu']:.2f}",
        ]
        for r in results["sizes"]
    ]  # fmt: skip
    lines += markdown(header, rows, set(range(len(header))))
    lines.append("")
    header = [
        "records", "cache MB", "cold RSS MB", "warm RSS MB", "tomllib RSS MB", "tomllib process s", "cold / tomllib process",
    ]  # fmt: skip
    rows = [
        [
            str(r["records"]), f"{r['cache_mb']:.1f}", f"{r['cold_rss_mb']:.0f}", f"{r['warm_rss_mb']:.0f}",
            f"{r['tomllib_rss_mb']:.0f}", f"{r['tomllib_process_s']:.2f}", f"{r['cold_s'] / r['tomllib_process_s']:.2f}",
        ]
        for r in results["sizes"]
    ]  # fmt: skip
    lines += markdown(header, rows, set(range(len(header))))
    lines += [
        "",
        "CPU: user + system time of the process (from wait4), much less sensitive than wall time to other load.",
        "bundled ms: the bundled piped search again, run alternately with the warm runs of that size (the ratio's",
        "denominator). tomllib.loads s: the parse alone, timed inside a child, run alternately with the cold runs;",
        "cold / tomllib is the target's ratio. The last column divides by the whole tomllib child (start-up, read,",
        "parse) instead, for comparison. Targets are judged on wall time, as a user waits it.",
        "",
    ]
    return "\n".join([*lines, *scale_lines(results), *cold_build_lines(results), *target_lines(results["checks"])])


def scale_lines(results: dict[str, Any]) -> list[str]:
    """The tables of search at scale (benchmarks/search_scale.py), if it ran."""
    if not results.get("scale"):
        return []
    from search_scale import report as scale_report

    return scale_report(results["scale"])


def cold_build_lines(results: dict[str, Any]) -> list[str]:
    """The one-core cold builds (benchmarks/cold_build.py), if they ran."""
    if not results.get("cold_build"):
        return []
    from cold_build import lines as cold_lines

    out = ["The cold build on one core (benchmarks/cold_build.py: every process on CPU 0; medians of CPU time):"]
    for found in results["cold_build"]:
        out += ["```", *cold_lines(found), "```", ""]
    return out


def target_lines(checks: list[dict[str, Any]]) -> list[str]:
    lines = ["Targets:"]
    for c in checks:
        unit = " MB" if c["target"].endswith("_mb") else ""
        verdict = "PASS" if c["pass"] else "FAIL"
        cpu = f"; on CPU time {c['value_cpu']:.2f}" if "value_cpu" in c else ""
        lines.append(f"  {verdict}  {c['where']:>15}: {c['what']}: {c['value']:.2f}{unit} (target <= {c['limit']:g}{unit}{cpu})")
    passed = sum(c["pass"] for c in checks)
    lines.append(f"  {passed} of {len(checks)} targets pass")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--sizes", default="1000,10000,100000", help="base sizes in records, comma-separated (default 1000,10000,100000)"
    )
    parser.add_argument("--runs", type=int, default=15, help="runs per warm measurement (median; default 15)")
    parser.add_argument("--cold-runs", type=int, default=3, help="cold runs per size (default 3)")
    parser.add_argument("--parse-runs", type=int, default=3, help="tomllib runs per size (default 3)")
    parser.add_argument(
        "--venv", default=str(ROOT / ".venv"), help="the virtual environment with facts installed (default .venv)"
    )
    parser.add_argument(
        "--scale", default="100000", help="search at scale: base sizes, comma-separated (default 100000; '' skips it)"
    )
    parser.add_argument("--scale-runs", type=int, default=7, help="runs per query at scale (median; default 7)")
    parser.add_argument(
        "--keep-bases", metavar="DIR", help="search at scale: keep the bases and their index in DIR, and reuse them"
    )
    parser.add_argument(
        "--cold-build",
        default="100000",
        help="the cold build on CPU 0 alone (cold_build.py): base sizes, comma-separated (default 100000; '' skips it)",
    )
    parser.add_argument("--cold-build-rounds", type=int, default=2, help="rounds of the one-core cold build (default 2)")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder with the bases and the cache")
    parser.add_argument("--quiet", action="store_true", help="print only the final table")
    args = parser.parse_args(argv)
    if min(args.runs, args.cold_runs, args.parse_runs, args.scale_runs, args.cold_build_rounds) < 1:
        parser.error("every run count must be at least 1")
    results = bench(args)
    if args.quiet:
        print(report(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {args.json}")
    return 0 if all(c["pass"] for c in results["checks"]) else 1


if __name__ == "__main__":
    sys.modules["run"] = sys.modules[__name__]  # search_scale imports it: one module, one launcher result file
    sys.exit(main())
