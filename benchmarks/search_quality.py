"""Print search quality on the query set: recall@3, MRR and zero-result rate by query kind.

python benchmarks/search_quality.py [--queries tests/search_queries.toml] [--misses]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import tongzhou_facts as tf
from tongzhou_facts.match.evaluate import evaluate

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: tomli, a dependency there
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", default=str(ROOT / "tests" / "search_queries.toml"))
    parser.add_argument("--base", default=str(ROOT / "facts.toml"))
    parser.add_argument("--misses", action="store_true", help="list the queries that missed")
    args = parser.parse_args()
    queries = tomllib.loads(Path(args.queries).read_text(encoding="utf-8"))["queries"]
    report = evaluate(tf.open_index([args.base]), queries)
    print(f"{'kind':<12} {'queries':>7} {'recall@3':>9} {'MRR':>6} {'zero':>6}")
    for kind in sorted(report, key=lambda k: (k == "all", k)):
        row = report[kind]
        print(f"{kind:<12} {row['queries']:>7} {row['recall@3']:>9.3f} {row['mrr']:>6.3f} {row['zero_rate']:>6.3f}")
    if args.misses:
        for miss in report["all"]["misses"]:
            print("miss:", miss)
    return 0


if __name__ == "__main__":
    sys.exit(main())
