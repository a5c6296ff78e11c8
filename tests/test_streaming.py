"""Listing commands stream: a record is read, written and dropped, so memory does not grow
with the base (a warm `facts list` of 1,000,000 records: 2.3 GB before, 21 MB now; see
docs/benchmarks.md). The output is byte for byte what writing the whole list at once gave.
"""

from __future__ import annotations

import contextlib
import os
import tracemalloc
from pathlib import Path

import pytest

from tongzhou_facts.cli import main
from tongzhou_facts.index import Index
from tongzhou_facts.load import load
from tongzhou_facts.output import record_object, to_json

from .conftest import BASE, generated_base, run

COMMANDS = [
    ["list"],
    ["list", "--sort", "value", "-r"],
    ["list", "--reverse"],
    ["metrics", "--min", "1万人"],
    ["projects", "--min-investment", "10亿元", "--sort", "investment"],
    ["milestones", "--since", "2023-06"],
    ["timeline"],
    ["chart"],
    ["stats"],
    ["export"],
]
FORMATS = ["plain", "tsv", "csv", "json", "jsonl"]


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_streamed_json_is_the_json_of_the_whole_list(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    objects = [record_object(r, None) for r in load(BASE).records]
    expected = to_json(objects, indent=2) + "\n" if fmt == "json" else "".join(to_json(o) + "\n" for o in objects)
    assert run(capsys, "list", "--format", fmt)[1] == expected
    assert run(capsys, "export", "--format", fmt)[1] == expected


def test_empty_json_is_an_empty_array(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "list", "--year", "1999", "--format", "json")[:2] == (1, "[]\n")


@pytest.mark.parametrize(
    ("args", "fmt"),
    [(args, fmt) for args in COMMANDS for fmt in FORMATS if args != ["export"] or fmt in ("json", "jsonl", "csv")],
    ids=lambda value: " ".join(value) if isinstance(value, list) else value,
)
def test_no_command_reads_the_whole_base_into_a_list(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, args: list[str], fmt: str
) -> None:
    expected = run(capsys, *args, "--format", fmt)
    assert expected[0] == 0, expected[2]

    def whole_list(*_: object, **__: object) -> None:
        raise AssertionError("Index.records() read the whole base into a list")

    monkeypatch.setattr(Index, "records", whole_list)
    assert run(capsys, *args, "--format", fmt) == expected


@pytest.fixture(scope="module")
def big_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_base(tmp_path_factory.mktemp("big") / "big.toml", 15000)


@pytest.mark.usefixtures("module_cache")  # the big base is indexed once for the module
@pytest.mark.parametrize("args", [["list", "--format", "json"], ["list", "--format", "csv"], ["stats"], ["export"]], ids=" ".join)
def test_memory_does_not_grow_with_the_base(capsys: pytest.CaptureFixture[str], big_base: Path, args: list[str]) -> None:
    """Peak Python memory of a command stays a small part of what holding its records takes."""
    base = big_base
    assert run(capsys, "stats", "-f", base)[0] == 0  # built and cached: what follows is a warm run
    from tongzhou_facts.cache import open_index

    index = open_index([str(base)])
    tracemalloc.start()
    held = list(index.rows())
    _, whole = tracemalloc.get_traced_memory()
    del held
    tracemalloc.stop()
    index.close()

    sink = Sink()
    tracemalloc.start()
    with contextlib.redirect_stdout(sink):  # type: ignore[type-var]
        code = main([*args, "-f", str(base)])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert code == 0
    assert sink.written > 0
    assert peak < whole / 4, (peak, whole)


class Sink:
    """A standard output that counts what it is given and keeps none of it (captured output
    would be counted as the command's memory)."""

    encoding = "utf-8"

    def __init__(self) -> None:
        self.written = 0

    def write(self, text: str) -> int:
        self.written += len(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def test_a_cache_that_breaks_mid_listing_never_prints_twice(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A cache file damaged where a listing reaches it after printing its first lines: the run
    ends with an error (no second copy of those lines), and the next run is whole again."""
    base = generated_base(tmp_path / "b.toml", 5000)
    code, whole, _ = run(capsys, "list", "-f", base)
    assert code == 0 and len(whole.splitlines()) == 5000
    from tongzhou_facts.cache import cache_path

    cached = cache_path([str(base)])
    assert cached is not None
    broke_mid_listing = 0
    for percent in range(5, 60, 5):
        run(capsys, "stats", "-f", base)  # (re)built
        size = os.path.getsize(cached)
        with open(cached, "r+b") as handle:
            handle.seek(size * percent // 100)
            handle.write(b"\xff" * 16384)
        code, out, err = run(capsys, "list", "-f", base)
        if code == 0:
            assert out == whole
        else:
            assert code == 2, err
            assert err == "facts: error: the cache file broke while this answer was being printed; it was removed: run again\n"
            assert whole.startswith(out) and out.count("\n") < 5000
            broke_mid_listing += bool(out)
        assert run(capsys, "list", "-f", base)[:2] == (0, whole)
    assert broke_mid_listing, "no damage was met mid-listing: the test tested nothing"
