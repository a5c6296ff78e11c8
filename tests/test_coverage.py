"""`facts coverage`: every figure of a source text that no record accounts for, with its line and
sentence; exit 1 while one is left, 0 when none is.

Most tests build a small source and base here and check both directions: a figure no record
holds is reported, one a record's quote (or evidence, or name) holds is not. The last test runs
the bundled base against the real article, and skips without ../shared.
"""

from __future__ import annotations

import doctest
import io
import json
import re
from pathlib import Path

import pytest

from tongzhou_facts import coverage as coverage_module
from tongzhou_facts.check import SourceText
from tongzhou_facts.cli import main
from tongzhou_facts.context import SourceMap
from tongzhou_facts.coverage import BY_NAME, BY_QUOTE, BY_RULE, coverage, extract, rules
from tongzhou_facts.env import Environment
from tongzhou_facts.model import Record

from .conftest import ROOT, SOURCE, error_line, toml_string

RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def facts(*args: str | Path, terminal: bool = False) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in args], Environment(out, err, is_terminal=terminal, color=False, width=100))
    return code, out.getvalue(), err.getvalue()


def write_base(folder: Path, *records: dict[str, object], sources: tuple[str, ...] = ("s",)) -> Path:
    """A base of these metrics (every record a metric: value and unit filled in) drawn from `sources`."""
    lines = []
    for source in sources:
        lines += ["[[sources]]", f'id = "{source}"', 'title = "T"', ""]
    for number, fields in enumerate(records):
        record = {"id": f"r{number}", "name": f"记录{number}", "year": 2023, "value": 1, "unit": "个", "source": sources[0]}
        record.update(fields)
        lines.append("[[metrics]]")
        for key, value in record.items():
            if isinstance(value, list):
                lines.append(f"{key} = [{', '.join(toml_string(str(v)) for v in value)}]")
            elif isinstance(value, int):
                lines.append(f"{key} = {value}")
            else:
                lines.append(f"{key} = {toml_string(str(value))}")
        lines.append("")
    path = folder / "base.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def write_text(folder: Path, text: str, name: str = "source.txt") -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8"))
    return path


def records(*fields: dict[str, object]) -> list[Record]:
    made = []
    for number, values in enumerate(fields):
        data = {"id": f"r{number}", "name": f"记录{number}", "year": 2023, "source": "s", **values}
        made.append(Record("metric", str(data["id"]), str(data["name"]), 2023, data))
    return made


def found(text: str) -> list[tuple[str, str]]:
    return [(item.kind, item.text) for item in extract(SourceMap(text))]


# ---------------------------------------------------------------------------- both directions, on the command line

TEXT = "[回顾2023]\n\n2023年,通州新增公园5个,植树1200棵。\n\n此外增长6.5%。\n"


def test_an_uncovered_figure_is_reported_with_its_line_and_sentence(tmp_path: Path) -> None:
    base = write_base(tmp_path, {"quote": "新增公园5个", "value": 5})
    code, out, err = facts("coverage", "--source", write_text(tmp_path, TEXT), "-f", base)
    assert code == 1, err
    assert out.splitlines() == [
        "3\t18\tnumber\t1200\t2023年,通州新增公园5个,植树1200棵。",
        "5\t5\tpercentage\t6.5%\t此外增长6.5%。",
    ]
    assert err == "facts: 3 figures, 1 covered (numbers 1 of 2, percentages 0 of 1)\n"


def test_a_covered_figure_is_not_reported_and_complete_coverage_exits_0(tmp_path: Path) -> None:
    base = write_base(
        tmp_path,
        {"quote": "新增公园5个", "value": 5},
        {"quote": "植树1200棵", "value": 1200, "unit": "棵"},
        {"quote": "此外增长6.5%", "value": 6, "unit": "%"},
    )
    code, out, err = facts("coverage", "--source", write_text(tmp_path, TEXT), "-f", base)
    assert (code, out) == (0, ""), err
    assert err == "facts: 3 figures, 3 covered (numbers 2 of 2, percentages 1 of 1)\n"


def test_covered_means_at_that_place_not_the_same_words_elsewhere() -> None:
    text = "完成33所学校改造。\n\n新建学校3所。\n\n新增公园5个。另有5个广场。\n"
    report = coverage(text, records({"quote": "完成33所学校改造"}, {"quote": "新增公园5个"}))
    # 3所 is not inside 33所, and the second 5个 is not the one the quote holds
    assert [(item.text, item.line) for item in report.uncovered] == [("3所", 3), ("5个", 5)]


def test_evidence_covers_like_a_quote() -> None:
    text = "项目占地124亩。总投资约18亿元。\n"
    report = coverage(text, records({"quote": "项目占地124亩", "evidence": ["总投资约18亿元"]}))
    assert report.uncovered == []
    assert report.reasons == [BY_QUOTE, BY_QUOTE]


def test_only_the_records_of_the_chosen_source_count(tmp_path: Path) -> None:
    base = write_base(tmp_path, {"quote": "新增公园5个", "source": "other"}, sources=("s", "other"))
    source = write_text(tmp_path, "新增公园5个。\n")
    assert facts("coverage", "--source", source, "-f", base, "--id", "s")[0] == 1
    assert facts("coverage", "--source", source, "-f", base, "--id", "other")[0] == 0


# ---------------------------------------------------------------------------- what a figure is


def test_each_kind_of_figure() -> None:
    text = (
        "2023年12月13日,12GW项目开工,投资约70亿元,占地18.18万平方米;增长6.5%,提高2个百分点。\n"
        "去年9月与12月28日各一次。\n"
        "实行“赛马制”,推出‘一主一新一智’和「十链百校千企」。\n"
        "新增鲁班奖两项,分三期建设,百余名达人,发布3.0版。\n"
        "见2023-12-28与2023.9,共2,600人。\n"
    )
    assert found(text) == [
        ("date", "2023年12月13日"),
        ("number", "12GW"),
        ("number", "70亿元"),
        ("number", "18.18万平方米"),
        ("percentage", "6.5%"),
        ("percentage", "2个百分点"),
        ("date", "去年9月"),
        ("date", "12月28日"),
        ("name", "赛马制"),
        ("name", "一主一新一智"),
        ("name", "十链百校千企"),
        ("number", "两项"),
        ("number", "三期"),
        ("number", "百余名"),
        ("number", "3.0"),
        ("date", "2023-12-28"),
        ("date", "2023.9"),
        ("number", "2,600人"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "[回顾2023]",  # a year alone is every record's `year`, not a figure
        "in 2023, and 2024.",
        "2023年通州新签约项目",
        "通州2023年的发展成果",
        "落地一个项目、领军一个地方",  # 一 alone before a counter is "a"
        "教育质量三年提升行动,三级综合性医院,五位一体,三区三线",  # numerals that make names
        "近日,当天上午",  # relative days without a figure
    ],
)
def test_what_is_not_a_figure(text: str) -> None:
    assert found(text) == []


def test_speech_is_not_a_name_but_its_figures_count() -> None:
    text = "“在这些项目的带动下,产值增长36%。”负责人表示。\n"
    assert found(text) == [("percentage", "36%")]


def test_a_quoted_name_split_across_paragraphs_is_one_name() -> None:
    text = "创成“15分钟医保服务\n\n圈”省级示范区。\n"
    items = extract(SourceMap(text))
    assert [(item.kind, item.text, item.line, item.sentence) for item in items] == [
        ("number", "15分钟", 1, "创成“15分钟医保服务"),
        ("name", "15分钟医保服务圈", 1, "创成“15分钟医保服务圈”省级示范区。"),
    ]
    report = coverage(text, records({"quote": "创成“15分钟医保服务圈”省级示范区"}))
    assert report.uncovered == []


def test_an_unclosed_quotation_does_not_swallow_the_next_one() -> None:
    text = "甲说“一二三\n\n乙“赛马制”招商。\n"
    assert found(text) == [("name", "赛马制")]


def test_line_and_column_count_as_an_editor_does() -> None:
    text = "\r\n  \r\n\t新增公园5个。\r\n"
    (item,) = extract(SourceMap(text))
    assert (item.line, item.column) == (3, 6)


# ---------------------------------------------------------------------------- what is not a separate fact


def test_a_numeral_inside_a_name_counts_as_covered(tmp_path: Path) -> None:
    text = "江苏链升12GW异质结电池项目开工。\n\n推进12GW的产能达产。\n"
    report = coverage(text, records({"name": "江苏链升12GW异质结电池项目", "quote": "开工"}))
    assert report.reasons == [BY_NAME, None]
    assert report.summary() == "2 figures, 1 covered (numbers 1 of 2); 1 inside a name"
    aliased = coverage(text, records({"name": "电池项目", "aliases": ["12GW异质结电池项目"], "quote": "开工"}))
    assert aliased.reasons == [BY_NAME, None]
    base = write_base(tmp_path, {"name": "江苏链升12GW异质结电池项目", "quote": "推进12GW的产能达产"})
    assert facts("coverage", "--source", write_text(tmp_path, text), "-f", base) == (
        0,
        "",
        "facts: 2 figures, 2 covered (numbers 2 of 2); 1 inside a name\n",
    )


def test_the_figures_set_aside_are_data_with_a_reason() -> None:
    assert ("name", "牛鼻子") in rules().ignore
    data = (Path(coverage_module.__file__).parent / "data" / "coverage.txt").read_text(encoding="utf-8")
    for line in data.splitlines():
        if line.startswith("ignore "):
            assert len(line.split(maxsplit=3)) == 4, f"no reason given: {line!r}"
    report = coverage("把项目建设作为抓发展的“牛鼻子”。\n", [])
    assert report.reasons == [BY_RULE]
    assert report.summary() == "1 figure, 1 covered (quoted names 1 of 1); 1 set aside by rule"


def test_the_schema_documents_every_rule_of_the_data() -> None:
    schema = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    section = schema.split("## What coverage counts", 1)[1]
    for kind, text in rules().ignore:
        assert text in section, (kind, text)
    assert "data/coverage.txt" in section


# ---------------------------------------------------------------------------- output formats


def test_json_gives_the_uncovered_figures_as_objects(tmp_path: Path) -> None:
    code, out, _ = facts("coverage", "--source", write_text(tmp_path, TEXT), "-f", write_base(tmp_path), "--format", "json")
    assert code == 1
    assert json.loads(out) == [
        {"line": 3, "column": 13, "kind": "number", "text": "5个", "sentence": "2023年,通州新增公园5个,植树1200棵。"},
        {"line": 3, "column": 18, "kind": "number", "text": "1200", "sentence": "2023年,通州新增公园5个,植树1200棵。"},
        {"line": 5, "column": 5, "kind": "percentage", "text": "6.5%", "sentence": "此外增长6.5%。"},
    ]


def test_jsonl_tsv_and_csv(tmp_path: Path) -> None:
    args = ("coverage", "--source", write_text(tmp_path, "增长6.5%。\n"), "-f", write_base(tmp_path))
    assert json.loads(facts(*args, "--format", "jsonl")[1]) == {
        "line": 1,
        "column": 3,
        "kind": "percentage",
        "text": "6.5%",
        "sentence": "增长6.5%。",
    }
    assert facts(*args, "--format", "tsv")[1] == "line\tcolumn\tkind\ttext\tsentence\n1\t3\tpercentage\t6.5%\t增长6.5%。\n"
    assert facts(*args, "--format", "csv")[1] == "line,column,kind,text,sentence\r\n1,3,percentage,6.5%,增长6.5%。\r\n"


def test_complete_coverage_as_json_is_an_empty_list(tmp_path: Path) -> None:
    code, out, _ = facts(
        "coverage", "--source", write_text(tmp_path, "无数字。\n"), "-f", write_base(tmp_path), "--format", "json"
    )
    assert (code, json.loads(out)) == (0, [])


def test_hostile_text_is_escaped(tmp_path: Path) -> None:
    text = "新增\x1b]52;c;aGk=\x07公园5个\u202e,植树\x1b[2J12棵\x85。\n"
    args = ("coverage", "--source", write_text(tmp_path, text), "-f", write_base(tmp_path))
    code, out, err = facts(*args)
    assert code == 1
    assert not RAW_CONTROL.search(out + err), out
    objects = json.loads(facts(*args, "--format", "json")[1])
    assert out.count("\n") == len(objects), out  # one line a figure
    assert "\\u001b]52;c;aGk=\\u0007" in out and "\\u202e" in out
    assert objects[0]["sentence"].startswith("新增\x1b]52;c;aGk=\x07公园5个\u202e")
    assert not RAW_CONTROL.search(facts(*args, "--format", "json")[1].replace("\\u", ""))


# ---------------------------------------------------------------------------- usage errors


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ([], "--source"),
        (["--source", "{missing}"], "cannot read source text"),
        (["--source", "{text}", "--id", "nope"], "--id nope"),
        (["--source", "{text}", "--format", "table"], "unknown format"),
    ],
)
def test_usage_errors_are_one_line_exit_2(tmp_path: Path, args: list[str], words: str) -> None:
    base = write_base(tmp_path)
    text = write_text(tmp_path, "新增公园5个。\n")
    filled = [a.format(missing=tmp_path / "missing.txt", text=text) for a in args]
    assert words in error_line(*facts("coverage", *filled, "-f", base))


def test_several_sources_need_id(tmp_path: Path) -> None:
    base = write_base(tmp_path, sources=("a", "b"))
    line = error_line(*facts("coverage", "--source", write_text(tmp_path, "5个\n"), "-f", base))
    assert "--id" in line and "a, b" in line


def test_an_invalid_base_is_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[[metrics]\n", encoding="utf-8")
    error_line(*facts("coverage", "--source", write_text(tmp_path, "5个\n"), "-f", broken), broken)


# ---------------------------------------------------------------------------- the library


def test_find_all_agrees_with_the_quote_check() -> None:
    text = "甲乙丙丁。\n\n其他段落\n\n戊己庚。\n\n丙丁甲\n"
    source, check = SourceMap(text), SourceText(text)
    spans = ["乙丙", "丙丁。戊己", "丁。戊", "庚。", "甲", "戊己庚。丙", "丁。其他", "不在", "", "其他段落戊己", "丁。\n其他"]
    for span in spans:
        assert bool(source.find_all(span)) == check.contains(span), span


def test_the_module_examples_run() -> None:
    failed, tried = doctest.testmod(coverage_module)
    assert tried and not failed


# ---------------------------------------------------------------------------- the bundled base and the article


@pytest.mark.usefixtures("source_text")  # skips without ../shared
def test_the_bundled_base_covers_the_article() -> None:
    code, out, err = facts("coverage", "--source", SOURCE)
    assert (code, out) == (0, ""), out
    assert re.fullmatch(r"facts: (\d+) figures, \1 covered \(.*\)(; .*)?\n", err), err


def test_an_alias_that_is_only_a_figure_covers_nothing() -> None:
    """An alias 三期 must not cover 三期 wherever the text says it: it names no place in the text."""
    text = "西站大道二期通车。\n\n东站分三期建设。\n"
    report = coverage(text, records({"name": "西站大道二期", "aliases": ["三期"], "quote": "西站大道二期通车"}))
    assert report.uncovered and report.uncovered[0].text == "三期"


def test_commas_ordinals_and_approximate_counts() -> None:
    """The article's ASCII comma separates figures (12,3个) unless a group of three follows
    (2,600); a date may follow one; 第二批 is an ordinal, not a count; 二十多家 is one."""
    from tongzhou_facts.context import SourceMap
    from tongzhou_facts.coverage import extract

    text = "项目12,3个开工,投资2,600亿元\n另于2023.12.28,2023/12/28开会\n第二批企业,二十多家企业\n"
    found = [item.text for item in extract(SourceMap(text))]
    assert found == ["12", "3个", "2,600亿元", "2023.12.28", "2023/12/28", "二十多家"]
