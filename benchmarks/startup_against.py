"""A piped `facts search 异质结`, this checkout against another commit's code, interleaved.

    git worktree add /tmp/facts-before COMMIT
    python benchmarks/startup_against.py /tmp/facts-before 30

Both run on this checkout's venv (the same Python and packages); only the package's code
differs. Warm: each side runs 3 times before timing, with one cache folder. Unset
PYTHONDONTWRITEBYTECODE first (a user's machine writes .pyc files).
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def command(root: str) -> list[str]:
    code = f"import sys; sys.path.insert(0, {root!r}); from tongzhou_facts.cli import main; sys.exit(main(['search', '异质结']))"
    return [sys.executable, "-c", code]


def main() -> None:
    other, runs = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 30
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE" and not k.startswith("FACTS_")}
    env["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="facts-bench-")
    roots = {"other": other, "this": str(ROOT)}
    for root in roots.values():
        for _ in range(3):
            subprocess.run(command(root), env=env, stdout=subprocess.DEVNULL, check=True)
    times: dict[str, list[float]] = {name: [] for name in roots}
    for _ in range(runs):
        for name, root in roots.items():
            start = time.perf_counter()
            subprocess.run(command(root), env=env, stdout=subprocess.DEVNULL, check=True)
            times[name].append(time.perf_counter() - start)
    for name, values in times.items():
        print(f"{name} ({roots[name]}): median {statistics.median(values) * 1000:.1f} ms over {runs} runs")
    print(f"ratio this/other: {statistics.median(times['this']) / statistics.median(times['other']):.3f}")


if __name__ == "__main__":
    main()
