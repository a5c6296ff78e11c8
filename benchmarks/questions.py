"""Print how `facts search` and `facts ask` answer questions, on tests/questions.toml.

python benchmarks/questions.py [--questions tests/questions.toml] [--base facts.toml] [--no-misses]

The set is split by position: even positions (0, 2, 4, …) are the dev set (tuning looks at
them only), odd positions the held-out set (reported, never tuned on). For each split and
for all: answer@1 and answer@3 of the answerable questions (the `answer` or an `also` id
first / in the top three) by `search`, ask@1 (`facts ask` answers with one of them; an
abstention counts as wrong), per kind and per language; and of the unanswerable questions,
how many `search` returns hits for and how many `ask` abstains on (abstention).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import tongzhou_facts as tf
from tongzhou_facts.errors import FactsError

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: tomli, a dependency there
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
TOP = 3


def load_questions(path: Path) -> list[dict[str, Any]]:
    questions: list[dict[str, Any]] = tomllib.loads(path.read_text(encoding="utf-8"))["question"]
    return questions


def split(questions: Sequence[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    """dev = even positions, held-out = odd positions, all = every question."""
    return {"dev": list(questions[0::2]), "held-out": list(questions[1::2]), "all": list(questions)}


def found_ids(index: Any, text: str) -> list[str]:
    try:
        return [hit.record.id for hit in tf.search(index, text, limit=10)]
    except FactsError:
        return []


def asked_id(index: Any, text: str) -> str | None:
    from tongzhou_facts.match.answer import ask

    try:
        reply = ask(index, text)
    except FactsError:
        return None
    return reply.records[0].id if reply.answered else None


def score(index: Any, questions: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """answer@1/@3 per group ('all', each kind, each language), the misses, and the
    unanswerable questions that return hits."""
    groups: dict[str, list[tuple[bool, bool, bool]]] = {}
    misses: list[str] = []
    unanswerable = [0, 0, 0]  # questions, of which search returns hits, of which ask abstains on
    for question in questions:
        found = found_ids(index, question["text"])
        answer = asked_id(index, question["text"])
        if not question["answer"]:
            unanswerable[0] += 1
            unanswerable[1] += bool(found)
            unanswerable[2] += answer is None
            if answer is not None:
                misses.append(f"ask answers [{question['kind']}/{question['lang']}] {question['text']!r} -> {answer}")
            continue
        wanted = {question["answer"], *question.get("also", ())}
        at1 = bool(found) and found[0] in wanted
        at3 = any(record_id in wanted for record_id in found[:TOP])
        asked = answer in wanted
        for group in ("all", f"kind:{question['kind']}", f"lang:{question['lang']}"):
            groups.setdefault(group, []).append((at1, at3, asked))
        if not asked:
            where = f"{question['kind']}/{question['lang']}"
            misses.append(f"ask {where} {question['text']!r} -> {answer} (want {question['answer']})")
        if not at1:
            mark = "@3" if at3 else "--"
            where = f"[{question['kind']}/{question['lang']}]"
            misses.append(f"{mark} {where} {question['text']!r} -> {found[:TOP]} (want {question['answer']})")
    return {"groups": groups, "misses": misses, "unanswerable": unanswerable}


def rate(results: Sequence[tuple[bool, bool, bool]], which: int) -> float:
    return sum(r[which] for r in results) / len(results) if results else 0.0


def report(name: str, result: Mapping[str, Any], show_misses: bool) -> None:
    groups = result["groups"]
    print(f"== {name}")
    print(f"   {'group':<16} {'n':>4} {'answer@1':>9} {'answer@3':>9} {'ask@1':>7}")
    for group in sorted(groups, key=lambda g: (g != "all", g)):
        rows = groups[group]
        print(f"   {group:<16} {len(rows):>4} {rate(rows, 0):>9.3f} {rate(rows, 1):>9.3f} {rate(rows, 2):>7.3f}")
    total, with_hits, abstained = result["unanswerable"]
    print(f"   unanswerable: {total}; search returns hits for {with_hits}; ask abstains on {abstained}", end="")
    print(f" (abstention {abstained / total:.3f})" if total else "")
    if show_misses:
        for miss in result["misses"]:
            print("   miss", miss)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", default=str(ROOT / "tests" / "questions.toml"))
    parser.add_argument("--base", default=str(ROOT / "facts.toml"))
    parser.add_argument("--no-misses", action="store_true", help="do not list the questions missed at 1")
    parser.add_argument("--only", choices=("dev", "held-out", "all"), help="report one split only")
    args = parser.parse_args()
    index = tf.open_index([args.base])
    for name, questions in split(load_questions(Path(args.questions))).items():
        if args.only in (None, name):
            report(name, score(index, questions), not args.no_misses and name != "all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
