"""Bounds that hold for any input: options checked before they reach SQLite or an encoder,
'did you mean' in bounded work over any number of ids, strings and lists of a size a fact
can have, and the quote check bounded for a hostile quote.

Work is measured by what is compared (difflib's inputs), not by the clock: a unit test
that times itself fails on a slow machine and passes on a fast one whatever the code does.
"""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tongzhou_facts import nearest
from tongzhou_facts.check import SourceText
from tongzhou_facts.limits import MAX_ITEMS, MAX_RECORD_TEXT, MAX_SOURCES, MAX_TEXT
from tongzhou_facts.match import MAX_TERMS

from .conftest import run, subprocess_env, toml_string

SOURCE = '[[sources]]\nid = "s"\ntitle = "t"\n\n'


def metric(record_id: str, **extra: Any) -> str:
    lines = [
        "[[metrics]]",
        f'id = "{record_id}"',
        f'name = "指标{record_id}"',
        "year = 2023",
        "value = 1",
        'unit = "个"',
        'source = "s"',
        'quote = "一句话"',
    ]
    for key, value in extra.items():
        if isinstance(value, list):
            lines.append(f"{key} = [{', '.join(toml_string(v) for v in value)}]")
        else:
            lines.append(f"{key} = {toml_string(value)}")
    return "\n".join(lines) + "\n\n"


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, int]]]:
    """Every difflib comparison 'did you mean' makes: (the word, how many choices)."""
    calls: list[tuple[str, int]] = []
    real = difflib.get_close_matches

    def counting(word: str, possibilities: Any, n: int = 3, cutoff: float = 0.6) -> list[str]:
        possibilities = list(possibilities)
        calls.append((word, len(possibilities)))
        return real(word, possibilities, n, cutoff)

    monkeypatch.setattr(nearest.difflib, "get_close_matches", counting)
    yield calls


# ---------------------------------------------------------------------------- options


@pytest.mark.parametrize("year", ["0", "10000", "-1", "9223372036854775808", "99999999999999999999999"])
@pytest.mark.parametrize("command", ["list", "metrics", "search 异质结", "milestones"])
def test_year_out_of_range(capsys: pytest.CaptureFixture[str], command: str, year: str) -> None:
    code, out, err = run(capsys, *command.split(), "--year", year)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and "--year" in err and "internal error" not in err, err


@pytest.mark.parametrize(
    "args",
    [
        [b"list", b"--category", b"\xff\xfe"],
        [b"list", b"--place", b"caf\xe9"],
        [b"search", b"\xff"],
        [b"metrics", b"--unit", b"\xe4\xba"],
        [b"projects", b"--status", b"\xff"],
        [b"get", b"gdp-2023", b"\xff"],
        [b"show", b"gdp\xfe"],
        [b"list", b"--sort", b"\xff"],
    ],
    ids=lambda args: b" ".join(args).decode("latin-1"),
)
def test_text_that_is_not_utf8(tmp_path: Path, args: list[bytes]) -> None:
    done = subprocess.run(
        [sys.executable.encode(), b"-m", b"tongzhou_facts", *args],
        capture_output=True,
        env=subprocess_env(XDG_CACHE_HOME=str(tmp_path), LC_ALL="C.UTF-8"),
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == b""
    assert done.stderr.endswith(b": not valid UTF-8 text (arguments must be UTF-8)\n"), done.stderr
    assert done.stderr.count(b"\n") == 1


def test_a_path_that_is_not_utf8_is_still_a_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    name = os.path.join(os.fsencode(tmp_path), b"b\xe9.toml")
    with open(name, "w", encoding="utf-8") as handle:
        handle.write(SOURCE + metric("a-1"))
    code, out, err = run(capsys, "get", "a-1", "value", "-f", os.fsdecode(name))
    assert (code, out) == (0, "1\n"), err


# ---------------------------------------------------------------------------- did you mean, bounded


def test_dangling_references_are_suggested_in_bounded_work(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, compared: list[tuple[str, int]]
) -> None:
    records = [metric(f"m-{i}") for i in range(3000)]
    records += [metric(f"ref-{i}", related=[f"m-{i}x"]) for i in range(199)]
    base = tmp_path / "dangling.toml"
    base.write_text(SOURCE + "".join(records), encoding="utf-8")
    code, out, _ = run(capsys, "check", base)
    assert code == 1
    assert out.count("\n") == 199
    assert "related: no record has id 'm-5x' (did you mean 'm-5'?)" in out
    assert len(compared) == 199
    # The share of ids with the word's prefix, and the few within one edit of it (looked up, not scanned).
    bound = nearest.MAX_COMPARED + 50
    assert all(len(word) <= nearest.MAX_WORD and choices <= bound for word, choices in compared), compared


def test_an_unknown_id_in_a_big_base(capsys: pytest.CaptureFixture[str], tmp_path: Path, compared: list[tuple[str, int]]) -> None:
    base = tmp_path / "big.toml"
    base.write_text(SOURCE + "".join(metric(f"m-{i}") for i in range(3000)) + metric("gdp-2023"), encoding="utf-8")
    code, _, err = run(capsys, "get", "gdp-2024", "-f", base)
    assert code == 2
    assert "did you mean gdp-2023?" in err
    code, _, err = run(capsys, "show", "m-29999", "-f", base)
    assert code == 2 and "did you mean m-2999" in err, err
    code, _, err = run(capsys, "show", "n-2999", "-f", base)  # a typo in the first letter: one edit away
    assert code == 2 and "did you mean m-2999" in err, err
    code, _, err = run(capsys, "show", "gdp2023", "-f", base)
    assert code == 2 and "did you mean gdp-2023" in err, err
    assert compared and all(choices <= nearest.MAX_COMPARED + 50 for _, choices in compared)


def test_an_unknown_id_in_the_bundled_base_still_compares_with_every_id(capsys: pytest.CaptureFixture[str]) -> None:
    """A small base: every id is a candidate, so a typo in the first letter is still found."""
    _, _, err = run(capsys, "get", "dgp-2023")
    assert "did you mean gdp-2023" in err


def test_a_huge_unknown_key_is_suggested_in_bounded_work(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, compared: list[tuple[str, int]]
) -> None:
    base = tmp_path / "key.toml"
    base.write_text(SOURCE + metric("a-1").replace("year = 2023", "year = 2023\n" + "x" * 1_000_000 + " = 1"), encoding="utf-8")
    code, out, _ = run(capsys, "check", base)
    assert code == 1 and "unknown key" in out
    assert all(len(word) <= nearest.MAX_WORD for word, _ in compared)


def test_many_unknown_keys_are_all_reported(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    keys = "".join(f"k{i} = 1\n" for i in range(5000))
    base = tmp_path / "keys.toml"
    base.write_text(SOURCE + metric("a-1").replace("year = 2023\n", "year = 2023\n" + keys), encoding="utf-8")
    code, out, _ = run(capsys, "check", base)
    assert code == 1
    lines = out.splitlines()
    assert {line.split("unknown key '")[1].split("'")[0] for line in lines} == {f"k{i}" for i in range(5000)}
    located = {line.split(":")[1] for line in lines if "unknown key 'k0'" in line or "unknown key 'k19'" in line}
    assert located == {"9", "28"}  # the first problems point at their own lines (the table starts at line 5)


# ---------------------------------------------------------------------------- sizes


def test_a_string_longer_than_a_fact(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = tmp_path / "long.toml"
    base.write_text(SOURCE + metric("a-1", note="长" * (MAX_TEXT + 1)), encoding="utf-8")
    code, out, _ = run(capsys, "check", base)
    assert code == 1
    assert f"note: too long ({MAX_TEXT + 1:,} characters; at most {MAX_TEXT:,})" in out
    code, _, err = run(capsys, "get", "a-1", "value", "-f", base)
    assert code == 2 and "too long" in err and err.count("\n") == 1


def test_a_string_of_the_limit_is_fine(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = tmp_path / "limit.toml"
    base.write_text(SOURCE + metric("a-1", note="长" * MAX_TEXT), encoding="utf-8")
    code, out, err = run(capsys, "get", "a-1", "note", "-f", base)
    assert code == 0, err
    assert out == "长" * MAX_TEXT + "\n"


@pytest.mark.parametrize("key", ["aliases", "tags", "evidence"])
def test_a_list_longer_than_a_fact(capsys: pytest.CaptureFixture[str], tmp_path: Path, key: str) -> None:
    base = tmp_path / "many.toml"
    base.write_text(SOURCE + metric("a-1", **{key: [f"别名{i}" for i in range(MAX_ITEMS + 1)]}), encoding="utf-8")
    code, out, _ = run(capsys, "check", base)
    assert code == 1
    assert f"{key}: too many entries ({MAX_ITEMS + 1:,}; at most {MAX_ITEMS:,})" in out


def test_a_long_entry_in_a_list(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = tmp_path / "entry.toml"
    base.write_text(SOURCE + metric("a-1", aliases=["短", "长" * (MAX_TEXT + 1)]), encoding="utf-8")
    code, out, _ = run(capsys, "check", base)
    assert code == 1 and "aliases: an entry is too long" in out


# ---------------------------------------------------------------------------- the quote check


def test_a_quote_split_across_paragraphs_is_still_found() -> None:
    text = SourceText("第一段的开头,句子的前半\n\n别的段落\n\n后半句在这里,第三段\n")
    assert text.contains("句子的前半后半句在这里")
    assert text.contains("别的段落")
    assert text.contains("句子的前半别的")  # a split is any paragraph's end and a later one's start
    assert not text.contains("句子的前半第三段")
    assert not text.contains("前半后半句在这里,第三段还有")


def test_a_quote_longer_than_two_paragraphs_is_not_searched_for_a_split() -> None:
    text = SourceText("甲乙丙\n\n丁戊己\n")
    assert text.contains("丙丁戊")
    assert not text.contains("乙丙丁戊己庚")
    assert not text.contains("乙" * 100_000)


def test_a_quote_check_over_many_paragraphs_compares_each_once() -> None:
    """A missing quote against 1,000 equal paragraphs: every split is tried against the
    first paragraph that ends right, not against every pair (2.6 s before, milliseconds now)."""
    calls = 0

    class Counting(str):
        def endswith(self, suffix: Any, *args: Any) -> bool:
            nonlocal calls
            calls += 1
            return str.endswith(self, suffix, *args)

        def startswith(self, prefix: Any, *args: Any) -> bool:
            nonlocal calls
            calls += 1
            return str.startswith(self, prefix, *args)

    text = SourceText("\n".join(["a" * 100] * 1000))
    text.map._texts = [Counting(p) for p in text.map._texts]  # the paragraphs the split search reads
    assert not text.contains("a" * 100 + "b")
    assert calls <= 2 * 100 * 1000  # each split: one pass over the paragraphs for its head, one for its tail


def test_a_record_with_too_much_text_in_all(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = tmp_path / "many.toml"
    aliases = ["长" * (MAX_TEXT - 1)] * (MAX_RECORD_TEXT // MAX_TEXT + 1)  # each within the limits, together not
    base.write_text(SOURCE + metric("a-1", aliases=aliases), encoding="utf-8")
    code, out, _ = run(capsys, "check", base)
    assert code == 1
    assert "a-1: too much text (" in out and f"characters; a record holds {MAX_RECORD_TEXT:,} at most)" in out


def test_too_many_sources(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Counted right after parsing, like FACTS_MAX_RECORDS, before any validation."""
    base = tmp_path / "sources.toml"
    base.write_text(SOURCE + "".join(f'[[sources]]\nid = "s{i}"\ntitle = "t"\n\n' for i in range(MAX_SOURCES)), encoding="utf-8")
    for command in (["check", str(base)], ["list", "-f", str(base)]):
        code, out, err = run(capsys, *command)
        assert (code, out) == (2, "")
        assert (
            err == f"facts: error: base too large: {MAX_SOURCES + 1:,} [[sources]] tables (at most {MAX_SOURCES:,} in a base)\n"
        )


def test_a_source_text_larger_than_an_article(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", "--source", "/dev/zero")
    assert (code, out) == (2, "")
    assert err == "facts: error: source text /dev/zero is larger than 64 MB: not an article\n"


# ---------------------------------------------------------------------------- queries


def test_a_word_typed_many_times_is_one_condition(capsys: pytest.CaptureFixture[str]) -> None:
    once = run(capsys, "search", "异质结", "--format", "json")
    assert run(capsys, "search", *(["异质结"] * 200), "--format", "json") == once


def test_too_many_words(capsys: pytest.CaptureFixture[str]) -> None:
    words = [chr(0x4E00 + 3 * i) for i in range(MAX_TERMS + 1)]
    code, out, err = run(capsys, "search", *words)
    assert (code, out) == (2, "")
    assert err == f"facts: error: too many words in the query ({MAX_TERMS + 1}; at most {MAX_TERMS})\n"


def test_a_pasted_paragraph_is_no_internal_error_and_keeps_the_cache(capsys: pytest.CaptureFixture[str]) -> None:
    """700 distinct characters in one word: no SQL expression grows with them, and an SQLite
    error that is not a damaged file never deletes a good cache file."""
    assert run(capsys, "get", "gdp-2023", "value")[0] == 0
    from tongzhou_facts.cache import cache_path
    from tongzhou_facts.load import bundled_path

    cached = cache_path([bundled_path()])
    assert cached is not None
    inode = os.stat(cached).st_ino
    code, out, err = run(capsys, "search", "".join(chr(0x4E00 + i * 7) for i in range(700)))
    assert code == 1 and out == "" and "internal error" not in err
    assert os.stat(cached).st_ino == inode


def test_a_chart_of_values_at_the_ends_of_the_float_range(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = tmp_path / "huge.toml"
    records = "".join(
        metric(name).replace("value = 1", f"value = {value}").replace('"个"', '"亿元"')
        for name, value in [("a", "-1e308"), ("b", "1e308"), ("c", "5")]
    )
    base.write_text(SOURCE + records, encoding="utf-8")
    for unit in ("亿元", "元"):
        code, out, err = run(capsys, "chart", "--unit", unit, "--format", "table", "-f", base)
        assert code == 0, err
        title, *bars = out.splitlines()
        assert title == "未注明 (亿元)" and len(bars) == 3 and "1e+308亿元" in out and "-1e+308亿元" in out
