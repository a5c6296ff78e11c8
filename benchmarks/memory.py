"""Peak memory of every warm command that reads a whole base (issue 14: <= 100 MB at 1,000,000).

    python benchmarks/generate.py 1000000 /tmp/facts-1m.toml
    python benchmarks/memory.py /tmp/facts-1m.toml                 # every command below
    python benchmarks/memory.py /tmp/facts-1m.toml -k sort         # those whose line holds "sort"
    XDG_CACHE_HOME=/tmp/cache python benchmarks/memory.py BASE     # an index already built there

Each command is a whole `facts -f BASE …` process (the venv's script), output to /dev/null
(piped: plain output; `--format table` where a line asks for the drawing). Its peak RSS is the
child's own max RSS from `os.wait4`; its time is wall time and user + system CPU (the CPU time
barely moves when other processes compete for the cores). The index is built by a first
`facts stats` when the cache has none (about 3 minutes and 2.7 GB at 1,000,000 records: not
measured). Bytecode is written (PYTHONDONTWRITEBYTECODE is removed), as on a user's machine.

Prints one line a command: peak MB, wall s, CPU s, and FAIL above --limit (100 MB). Exits 1
when any command failed the limit or its run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

FACTS = Path(sys.executable).with_name("facts")
LIMIT_MB = 100.0
#: The commands that read every record of a base (or every one of a kind), and the sorts.
COMMANDS = [
    "list",
    "list -r",
    "list --format json",
    "list --format csv",
    "list --sort name",
    "list --sort name -r",
    "list --sort name --lang en",
    "list --sort name_en",
    "list --sort value",
    "list --sort value -r",
    "list --sort when",
    "list --sort year",
    "list --sort id",
    "list --sort quote",
    "list --sort figure",
    "list --sort investment -r",
    "list --sort name --kind project -n 10",
    "list --sort value -n 10",
    "metrics --sort value -r",
    "metrics --year 2023",
    "projects --sort investment -r",
    "projects",
    "milestones",
    "timeline",
    "timeline --since 2020-03",
    "chart",
    "chart -n 5",
    "chart --unit %",
    "chart --format table -n 3",
    "stats",
    "values place",
    "values year",
    "export --format jsonl",
    "search 项目",
    "search 项目 -n 1000 --format json",
    "search 项目 --status 开工",
    "search 项目 --place 川姜镇 -n 5",
    "search 项目 --since 2020 --format json",
    "ask 川姜镇的GDP是多少",
]


def measure(args: list[str], env: dict[str, str]) -> tuple[float, float, float, int]:
    """(peak MB, wall s, CPU s, exit status) of one run of `args`, output to /dev/null."""
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        child = subprocess.Popen(args, stdout=sink, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = code = os.waitstatus_to_exitcode(status)  # reaped: Popen must not wait again
    return usage.ru_maxrss / 1024, wall, usage.ru_utime + usage.ru_stime, code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("base", help="a base file (benchmarks/generate.py writes one)")
    parser.add_argument("-k", dest="pattern", default="", help="only the commands holding this text")
    parser.add_argument("--limit", type=float, default=LIMIT_MB, help="MB a command may reach (default 100)")
    options = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    measure([str(FACTS), "-f", options.base, "stats"], env)  # builds the index when the cache has none
    failed = False
    print(f"{'peak MB':>8} {'wall s':>7} {'CPU s':>6}  command (limit {options.limit:g} MB)")
    for line in COMMANDS:
        if options.pattern not in line:
            continue
        peak, wall, cpu, code = measure([str(FACTS), "-f", options.base, *line.split()], env)
        verdict = "FAIL" if peak > options.limit or code not in (0, 1) else ""
        failed = failed or bool(verdict)
        status = f"  (exit {code})" if code else ""
        print(f"{peak:8.1f} {wall:7.1f} {cpu:6.1f}  facts {line}{status}  {verdict}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
