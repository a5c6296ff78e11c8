"""`facts show ID --source FILE`: the paragraph around a record's quote, the quote highlighted
(and its evidence), so a reader sees the fact in its sentence.

On a terminal in colour the quote is reverse video and evidence underlined; without colour,
and in every other format, the quote is marked 【…】 and evidence 〔…〕. JSON carries the
paragraphs as data, with the offsets of each span.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from tongzhou_facts.cli import main
from tongzhou_facts.context import SourceMap, paragraphs, record_context
from tongzhou_facts.env import Environment
from tongzhou_facts.model import Record

from .conftest import error_line

RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

TEXT = """标题

甲地去年新增公园5个,植树1200棵。另建广场3个。

项目占地124亩,总投资约18亿元。

深入开展“大走访”活动,多层面召开企业

图片说明

家座谈会,帮助企业纾困。
"""
BASE = """
[[sources]]
id = "s"
title = "T"

[[metrics]]
id = "parks"
name = "新增公园"
year = 2023
value = 5
unit = "个"
source = "s"
quote = "新增公园5个"
evidence = ["另建广场3个"]

[[metrics]]
id = "land"
name = "项目占地"
year = 2023
value = 124
unit = "亩"
source = "s"
quote = "项目占地124亩"
evidence = ["植树1200棵"]

[[milestones]]
id = "talks"
name = "多层面召开企业家座谈会"
year = 2023
source = "s"
quote = "多层面召开企业家座谈会"
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    base = tmp_path / "base.toml"
    base.write_text(BASE, encoding="utf-8")
    source = tmp_path / "source.txt"
    source.write_text(TEXT, encoding="utf-8")
    return base, source


def facts(*args: str | Path, terminal: bool = False, color: bool = False) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in args], Environment(out, err, is_terminal=terminal, color=color, width=100))
    return code, out.getvalue(), err.getvalue()


def show(files: tuple[Path, Path], record_id: str, *args: str, terminal: bool = False, color: bool = False) -> str:
    base, source = files
    code, out, err = facts("show", record_id, "--source", source, "-f", base, *args, terminal=terminal, color=color)
    assert (code, err) == (0, ""), err
    return out


# ---------------------------------------------------------------------------- plain, TSV, CSV


def test_plain_ends_with_the_paragraph_the_quote_and_evidence_marked(files: tuple[Path, Path]) -> None:
    line = show(files, "parks")
    assert line.count("\n") == 1
    assert line.endswith("\t甲地去年【新增公园5个】,植树1200棵。〔另建广场3个〕。\n")
    without = facts("show", "parks", "-f", files[0])[1]
    assert line == without[:-1] + "\t甲地去年【新增公园5个】,植树1200棵。〔另建广场3个〕。\n"  # only a field more


def test_evidence_in_another_paragraph_shows_both_in_text_order(files: tuple[Path, Path]) -> None:
    assert show(files, "land").endswith(
        "\t甲地去年新增公园5个,〔植树1200棵〕。另建广场3个。 ¶ 【项目占地124亩】,总投资约18亿元。\n"
    )


def test_a_quote_the_source_splits_shows_both_paragraphs(files: tuple[Path, Path]) -> None:
    assert show(files, "talks").endswith("\t深入开展“大走访”活动,【多层面召开企业】 ¶ 【家座谈会】,帮助企业纾困。\n")


def test_tsv_and_csv_have_a_context_column(files: tuple[Path, Path]) -> None:
    tsv = show(files, "parks", "--format", "tsv").splitlines()
    assert tsv[0].endswith("\tquote\tevidence\tcontext")
    assert tsv[1].endswith("\t甲地去年【新增公园5个】,植树1200棵。〔另建广场3个〕。")
    rows = list(csv.reader(io.StringIO(show(files, "parks", "--format", "csv"), newline="")))
    assert rows[0][-1] == "context" and rows[1][-1] == "甲地去年【新增公园5个】,植树1200棵。〔另建广场3个〕。"


# ---------------------------------------------------------------------------- JSON


def test_json_adds_the_paragraphs_and_the_offsets(files: tuple[Path, Path]) -> None:
    data = json.loads(show(files, "parks", "--format", "json"))
    assert data["context"] == [
        {
            "line": 3,
            "text": "甲地去年新增公园5个,植树1200棵。另建广场3个。",
            "highlights": [{"field": "quote", "start": 4, "end": 10}, {"field": "evidence", "start": 19, "end": 25}],
        }
    ]
    assert json.loads(show(files, "parks", "--format", "jsonl"))["context"] == data["context"]


def test_json_of_a_split_quote_gives_both_halves(files: tuple[Path, Path]) -> None:
    context = json.loads(show(files, "talks", "--format", "json"))["context"]
    assert [paragraph["line"] for paragraph in context] == [7, 11]
    halves = [p["text"][h["start"] : h["end"]] for p in context for h in p["highlights"]]
    assert "".join(halves) == "多层面召开企业家座谈会"


def test_without_source_json_has_no_context(files: tuple[Path, Path]) -> None:
    assert "context" not in json.loads(facts("show", "parks", "-f", files[0], "--format", "json")[1])


# ---------------------------------------------------------------------------- a terminal


def test_a_terminal_without_colour_marks_the_spans(files: tuple[Path, Path]) -> None:
    card = show(files, "parks", terminal=True)
    assert "\x1b[" not in card
    assert "上下文" in card and "甲地去年【新增公园5个】,植树1200棵。〔另建广场3个〕。" in card
    assert "Context" in show(files, "parks", "--lang", "en", terminal=True)


def test_a_terminal_in_colour_highlights_without_marks(files: tuple[Path, Path]) -> None:
    card = show(files, "parks", terminal=True, color=True)
    assert "【" not in card and "〔" not in card
    assert "\x1b[1;7m新增公园5个\x1b[0m" in card  # bold reverse
    assert "\x1b[4m另建广场3个\x1b[0m" in card  # underlined


def test_a_terminal_shows_both_paragraphs_of_a_split_quote(files: tuple[Path, Path]) -> None:
    card = show(files, "talks", terminal=True)
    assert "深入开展“大走访”活动,【多层面召开企业】" in card and "【家座谈会】,帮助企业纾困。" in card


def test_no_color_on_a_colour_terminal_marks_the_spans(files: tuple[Path, Path]) -> None:
    assert "【新增公园5个】" in show(files, "parks", "--no-color", terminal=True, color=True)


# ---------------------------------------------------------------------------- errors and hostile text


def test_a_file_without_the_quote_is_an_error(files: tuple[Path, Path], tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text("别的文章。\n", encoding="utf-8")
    line = error_line(*facts("show", "parks", "--source", other, "-f", files[0]), other)
    assert "does not contain the quote of parks" in line and "新增公园5个" in line


def test_a_missing_file_is_an_error(files: tuple[Path, Path], tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    assert "cannot read source text" in error_line(*facts("show", "parks", "--source", missing, "-f", files[0]), missing)


def test_hostile_text_around_the_quote_is_escaped(files: tuple[Path, Path]) -> None:
    base, source = files
    source.write_text("\x1b]52;c;aGk=\x07甲地\u202e新增公园5个\x1b[2J,另建广场3个。\n", encoding="utf-8")
    for args, terminal in ((), False), (("--format", "tsv"), False), ((), True):
        code, out, err = facts("show", "parks", "--source", source, "-f", base, *args, terminal=terminal)
        assert (code, err) == (0, "")
        assert not RAW_CONTROL.search(out), out
        assert "\\u001b]52;c;aGk=\\u0007甲地\\u202e【新增公园5个】\\u001b[2J,〔另建广场3个〕。" in out
    raw = facts("show", "parks", "--source", source, "-f", base, "--format", "json")[1]
    assert not RAW_CONTROL.search(raw)
    (paragraph,) = json.loads(raw)["context"]
    quote = paragraph["highlights"][0]
    assert paragraph["text"][quote["start"] : quote["end"]] == "新增公园5个"  # offsets into the text as it is


# ---------------------------------------------------------------------------- the library


def test_paragraphs_keep_their_lines_and_indent() -> None:
    assert paragraphs("a\r\n\r\n  b \rc\u2028d\n") == [(1, "a", 0), (3, "b", 2), (4, "c", 0), (4, "d", 0)]


def test_overlapping_quote_and_evidence_the_quote_wins() -> None:
    record = Record("metric", "r", "n", 2023, {"quote": "公园5个", "evidence": ["新增公园"], "source": "s"})
    (paragraph,) = record_context(record, SourceMap("甲新增公园5个。\n")) or []
    from tongzhou_facts.context import marked

    assert marked(paragraph) == "甲〔新增〕【公园5个】。"


def test_no_context_when_the_quote_is_not_there() -> None:
    record = Record("metric", "r", "n", 2023, {"quote": "不在", "source": "s"})
    assert record_context(record, SourceMap("甲。\n")) is None
