"""`facts cite`: the quote, then the source in GB/T 7714-2015, APA, Chicago, Markdown or BibTeX.

Every expected citation here is written by hand from the style's own rules, not copied from
the program's output:

- GB/T 7714-2015, a newspaper article (its examples: `[1] 丁文祥. 数字革命与竞争国际化[N].
  中国青年报, 2000-11-20(15).`): `[n] 作者. 题名: 其他题名信息[N]. 报纸名, 出版日期(版次).`,
  Western full stops and commas followed by a space, the date as ISO 8601 (2024-01), the
  page in brackets after the date, [N/OL] and the address last for an online copy; with no
  author the entry starts with the title (allowed in the numbered system).
- APA 7, a newspaper article: `Author, A. (2024, January 2). Title [English title].
  *Newspaper*, A1. URL`, no full stop after a URL, (n.d.) for no date; a title in another
  language is followed by its translation in square brackets.
- Chicago 17th, bibliography entry of a newspaper article: `Author. “Title” [English
  title]. *Newspaper*, January 2, 2024, sec. X, page. URL.`, n.d. for no date.
- BibTeX: an @article entry (@misc when no newspaper is named: @article requires a journal), `month` as the three-letter macro.

The bundled source states its author (黄艳鸣), the month (2024-01), a section (回顾2023),
title and kicker; it names no newspaper, day, page or address, so none is printed.
"""

from __future__ import annotations

import doctest
import json
import re
from pathlib import Path

import pytest

import tongzhou_facts as tf
from tongzhou_facts import cite as citing
from tongzhou_facts.model import SOURCE_KEYS, Source

from .conftest import ROOT, error_line, run, toml_string
from .test_startup import HEAVY, UI_MODULES, imported, top_level, warm_cache  # noqa: F401 - warm_cache is a fixture

pytestmark = pytest.mark.usefixtures("module_cache")

GDP = "通州预计实现地区生产总值1730亿元"
GROWTH = "预计实现地区生产总值1730亿元,同比增长6.5%以上"
TITLE = "通州 奋力争当全市高质量发展排头兵: 构建发展格局、凝聚发展动能、增进民生福祉"
TITLE_EN = "Tongzhou strives to lead the city in high-quality development"

GB7714 = f"[1] 黄艳鸣. {TITLE}[N]. 2024-01."
APA = f"黄艳鸣. (2024, January). {TITLE} [{TITLE_EN}]."
CHICAGO = f"黄艳鸣. “{TITLE}” [{TITLE_EN}]. January 2024, sec. 回顾2023."
BIBTEX = [
    "@misc{tongzhou-2023-review,",
    "  author = {黄艳鸣},",
    f"  title = {{{TITLE}}},",
    "  year = {2024},",
    "  month = jan,",
    f"  note = {{English title: {TITLE_EN}}}",
    "}",
]


def cite(capsys: pytest.CaptureFixture[str], *args: str | Path) -> str:
    code, out, err = run(capsys, "cite", *args)
    assert (code, err) == (0, ""), err
    return out


def lines(*rows: str) -> str:
    return "".join(row + "\n" for row in rows)


# ---------------------------------------------------------------------------- each style, one record


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], lines(f"“{GDP}”[1]", GB7714)),  # --lang zh is the default, and so GB/T 7714
        (["--style", "gb7714"], lines(f"“{GDP}”[1]", GB7714)),
        (["--lang", "en"], lines(f"“{GDP}”", APA)),  # English: APA
        (["--style", "apa"], lines(f"“{GDP}”", APA)),
        (["--style", "chicago"], lines(f"“{GDP}”", CHICAGO)),
        (["--style", "markdown"], lines(f"> {GDP}[1]", "", GB7714)),
        (["--style", "markdown", "--lang", "en"], lines(f"> {GDP}", "", APA)),
        (["--style", "bibtex"], lines(f"% gdp-2023: “{GDP}”", *BIBTEX)),
        (["--style", "gb7714", "--lang", "en"], lines(f"“{GDP}”[1]", GB7714)),  # a style named wins
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else None,
)
def test_each_style_of_gdp_2023(capsys: pytest.CaptureFixture[str], args: list[str], expected: str) -> None:
    assert cite(capsys, "gdp-2023", *args) == expected


def test_gb7714_punctuation() -> None:
    """Western full stops and commas, each followed by a space; [N] straight after the title."""
    assert re.fullmatch(r"\[1\] [^ .]+\. [^\[]+\[N\]\. \d{4}-\d{2}\.", GB7714)


# ---------------------------------------------------------------------------- several ids


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("gb7714", lines(f"“{GDP}”[1]", f"“{GROWTH}”[1]", GB7714)),
        ("apa", lines(f"“{GDP}”", f"“{GROWTH}”", APA)),
        ("chicago", lines(f"“{GDP}”", f"“{GROWTH}”", CHICAGO)),
        ("markdown", lines(f"> {GDP}[1]", ">", f"> {GROWTH}[1]", "", GB7714)),
        ("bibtex", lines(f"% gdp-2023: “{GDP}”", f"% gdp-growth-2023: “{GROWTH}”", *BIBTEX)),
    ],
)
def test_several_ids_of_one_source_cite_it_once(capsys: pytest.CaptureFixture[str], style: str, expected: str) -> None:
    assert cite(capsys, "gdp-2023", "gdp-growth-2023", "--style", style) == expected


def test_an_id_given_twice_is_cited_once(capsys: pytest.CaptureFixture[str]) -> None:
    assert cite(capsys, "gdp-2023", "gdp-growth-2023", "gdp-2023") == lines(f"“{GDP}”[1]", f"“{GROWTH}”[1]", GB7714)
    assert len(json.loads(cite(capsys, "gdp-2023", "gdp-2023", "--format", "json"))) == 1


def test_unknown_id_is_one_error_line_with_suggestions(capsys: pytest.CaptureFixture[str]) -> None:
    line = error_line(*run(capsys, "cite", "gdp-2023", "gdp-2024"))
    assert line == "no record with id 'gdp-2024'; did you mean gdp-2023 or gdp-growth-2023?"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--style", "mla"], "unknown style 'mla' (styles: gb7714, apa, chicago, markdown, bibtex)"),
        (["--format", "csv"], "cite writes plain, json, jsonl, not csv"),
        (["--lang", "fr"], "unknown language 'fr' (zh or en)"),
    ],
)
def test_bad_style_format_or_language(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    assert error_line(*run(capsys, "cite", "gdp-2023", *args)) == message


# ---------------------------------------------------------------------------- JSON


def test_json_is_one_object_per_id(capsys: pytest.CaptureFixture[str]) -> None:
    objects = json.loads(cite(capsys, "gdp-2023", "gdp-growth-2023", "--format", "json"))
    assert [list(obj) for obj in objects] == [["id", "quote", "source", "citation"]] * 2
    assert [(obj["id"], obj["quote"]) for obj in objects] == [("gdp-2023", GDP), ("gdp-growth-2023", GROWTH)]
    source = tf.load().sources["tongzhou-2023-review"].to_dict()
    assert objects[0]["source"] == source
    assert {obj["citation"] for obj in objects} == {GB7714.removeprefix("[1] ")}  # the entry, unnumbered


def test_jsonl_and_the_style_of_the_citation(capsys: pytest.CaptureFixture[str]) -> None:
    rows = [json.loads(line) for line in cite(capsys, "gdp-2023", "--format", "jsonl", "--lang", "en").splitlines()]
    assert [row["citation"] for row in rows] == [APA]
    bibtex = json.loads(cite(capsys, "gdp-2023", "--format", "json", "--style", "bibtex"))
    assert bibtex[0]["citation"] == "\n".join(BIBTEX)


# ---------------------------------------------------------------------------- custom bases: every key, none, two sources


def write_base(path: Path, sources: list[dict[str, str]], records: list[tuple[str, str, str]]) -> Path:
    """A base of `sources` and milestones (id, source id, quote)."""
    parts = []
    for source in sources:
        parts.append("[[sources]]\n" + "".join(f"{key} = {value}\n" for key, value in source.items()))
    for record_id, source_id, quote in records:
        parts.append(
            f'[[milestones]]\nid = "{record_id}"\nname = "事件"\nyear = 2023\n'
            f'source = "{source_id}"\nquote = {toml_string(quote)}\n'
        )
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


FULL = {
    "id": '"full"',
    "title": '"标题"',
    "subtitle": '"副题——"',
    "title_en": '"The title"',
    "author": '"张三"',
    "author_en": '"Zhang, San"',
    "publisher": '"南通日报"',
    "page": '"A3"',
    "section": '"要闻"',
    "date": "2023-12-13",
    "url": '"https://example.com/a?b=1&c=2"',
}
BARE = {"id": '"bare"', "title": '"无名报道"'}


@pytest.fixture
def bases(tmp_path: Path) -> dict[str, Path]:
    return {
        "full": write_base(tmp_path / "full.toml", [FULL], [("one", "full", "第一句")]),
        "bare": write_base(tmp_path / "bare.toml", [BARE], [("one", "bare", "第一句")]),
        "two": write_base(
            tmp_path / "two.toml",
            [FULL, BARE],
            [("one", "full", "第一句"), ("two", "bare", "第二句"), ("three", "full", "第三句")],
        ),
    }


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("gb7714", ["“第一句”[1]", "[1] 张三. 标题: 副题[N/OL]. 南通日报, 2023-12-13(A3). https://example.com/a?b=1&c=2."]),
        (
            "apa",
            ["“第一句”", "Zhang, S. (2023, December 13). 标题: 副题 [The title]. 南通日报, A3. https://example.com/a?b=1&c=2"],
        ),
        (
            "chicago",
            [
                "“第一句”",
                "Zhang, San. “标题: 副题” [The title]. 南通日报, December 13, 2023, sec. 要闻, A3. https://example.com/a?b=1&c=2.",
            ],
        ),
        (
            "markdown",
            ["> 第一句[1]", "", "[1] 张三. 标题: 副题[N/OL]. 南通日报, 2023-12-13(A3). <https://example.com/a?b=1&c=2>."],
        ),
        (
            "bibtex",
            [
                "% one: “第一句”",
                "@article{full,",
                "  author = {张三},",
                "  title = {标题: 副题},",
                "  journal = {南通日报},",
                "  year = {2023},",
                "  month = dec,",
                "  pages = {A3},",
                "  url = {https://example.com/a?b=1&c=2},",
                "  note = {English title: The title}",
                "}",
            ],
        ),
    ],
)
def test_a_source_with_every_key(
    capsys: pytest.CaptureFixture[str], bases: dict[str, Path], style: str, expected: list[str]
) -> None:
    assert cite(capsys, "one", "--style", style, "-f", bases["full"]) == lines(*expected)


def test_markdown_in_english_italicises_the_newspaper(capsys: pytest.CaptureFixture[str], bases: dict[str, Path]) -> None:
    out = cite(capsys, "one", "--style", "markdown", "--lang", "en", "-f", bases["full"])
    expected = "Zhang, S. (2023, December 13). 标题: 副题 [The title]. *南通日报*, A3. <https://example.com/a?b=1&c=2>"
    assert out == lines("> 第一句", "", expected)


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("gb7714", ["“第一句”[1]", "[1] 无名报道[N]."]),  # no author: the title first; no date: left out
        ("apa", ["“第一句”", "无名报道. (n.d.)."]),  # no author: the title in its place
        ("chicago", ["“第一句”", "“无名报道.” n.d."]),
        ("markdown", ["> 第一句[1]", "", "[1] 无名报道[N]."]),
        ("bibtex", ["% one: “第一句”", "@misc{bare,", "  title = {无名报道}", "}"]),
    ],
)
def test_a_source_without_author_or_date(
    capsys: pytest.CaptureFixture[str], bases: dict[str, Path], style: str, expected: list[str]
) -> None:
    assert cite(capsys, "one", "--style", style, "-f", bases["bare"]) == lines(*expected)


def test_json_keeps_the_order_of_the_ids(capsys: pytest.CaptureFixture[str], bases: dict[str, Path]) -> None:
    objects = json.loads(cite(capsys, "one", "two", "one", "three", "--format", "json", "-f", bases["two"]))
    assert [(obj["id"], obj["source"]["id"]) for obj in objects] == [("one", "full"), ("two", "bare"), ("three", "full")]
    assert objects[1]["citation"] == "无名报道[N]."


def test_two_sources_are_numbered_in_order_of_first_citation(capsys: pytest.CaptureFixture[str], bases: dict[str, Path]) -> None:
    out = cite(capsys, "two", "one", "three", "-f", bases["two"])
    full = "[2] 张三. 标题: 副题[N/OL]. 南通日报, 2023-12-13(A3). https://example.com/a?b=1&c=2."
    assert out == lines("“第二句”[1]", "[1] 无名报道[N].", "", "“第一句”[2]", "“第三句”[2]", full)


@pytest.mark.parametrize(
    ("extra", "apa", "chicago"),
    [
        ({"author_en": "Huang, Yan-ming", "date": "2024"}, "Huang, Y.-M. (2024). T.", "Huang, Yan-ming. “T.” 2024."),
        (
            {"author_en": "Xinhua News Agency", "date": "2024-02"},
            "Xinhua News Agency. (2024, February). T.",
            "Xinhua News Agency. “T.” February 2024.",
        ),
        ({"author": "张三", "date": "2024-02-03"}, "张三. (2024, February 3). T.", "张三. “T.” February 3, 2024."),
        ({"title_en": "Why?"}, "T [Why?]. (n.d.).", "“T” [Why?]. n.d."),
    ],
)
def test_authors_and_dates_in_english_styles(extra: dict[str, str], apa: str, chicago: str) -> None:
    source = Source("s", "T", extra)
    assert (citing.reference(source, "apa"), citing.reference(source, "chicago")) == (apa, chicago)


# ---------------------------------------------------------------------------- hostile data


HOSTILE = "a\x1b[31mred\u202eb\nc *x* [l](u) @{}%\\_#"


def test_hostile_data_is_escaped_in_every_style(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = {
        "id": '"evil"',
        "title": toml_string("T" + HOSTILE),
        "author": toml_string("A\x07"),
        "publisher": toml_string("<script>"),
    }
    base = write_base(tmp_path / "evil.toml", [source], [("x", "evil", HOSTILE)])
    for style in citing.STYLES:
        out = cite(capsys, "x", "--style", style, "-f", base)
        assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", out), (style, out)
        shown = "\\u001b\\[31mred\\u202eb\\nc" if style == "markdown" else "\\u001b[31mred\\u202eb\\nc"
        assert shown in out, (style, out)  # escaped as every command escapes (and [ as Markdown does)
    markdown = cite(capsys, "x", "--style", "markdown", "-f", base, "--lang", "en")
    assert "\\*x\\* \\[l\\](u) \\@" not in markdown  # @ is not Markdown
    assert "\\*x\\* \\[l\\](u) @" in markdown and "\\<script\\>" in markdown
    bibtex = cite(capsys, "x", "--style", "bibtex", "-f", base)
    entry = bibtex[bibtex.index("@article") :]
    assert entry.count("{") == entry.count("}"), entry  # BibTeX reads the entry whole
    assert "\\textbraceleft{}\\textbraceright{}\\%\\textbackslash{}\\_\\#" in entry
    comments = bibtex[: bibtex.index("@article")]
    assert "@" not in comments and "＠" in comments  # an @ of a quote outside the entry would start one


def test_hostile_data_in_json_parses_back_to_itself(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = write_base(tmp_path / "evil.toml", [BARE], [("x", "bare", HOSTILE)])
    out = cite(capsys, "x", "--format", "json", "-f", base)
    assert "\x1b" not in out and "\u202e" not in out
    assert json.loads(out)[0]["quote"] == HOSTILE


# ---------------------------------------------------------------------------- the library


def test_the_library_gives_what_the_command_prints(capsys: pytest.CaptureFixture[str]) -> None:
    base = tf.load()
    records = [base.get("gdp-2023"), base.get("gdp-growth-2023")]
    assert all(records)
    text = citing.cite([r for r in records if r], base.sources, "chicago", "zh")
    assert text == cite(capsys, "gdp-2023", "gdp-growth-2023", "--style", "chicago")
    assert citing.default_style("zh") == "gb7714" and citing.default_style("en") == "apa"
    with pytest.raises(ValueError, match="unknown style"):
        citing.cite([], base.sources, "mla")


def test_the_module_docstring_example_runs() -> None:
    assert doctest.testmod(citing).failed == 0


def test_cite_is_a_fast_line(warm_cache: dict[str, str]) -> None:  # noqa: F811 - the fixture imported above
    found = imported(["cite", "gdp-2023", "gdp-growth-2023"], warm_cache)
    assert top_level(found, UI_MODULES) == [] and top_level(found, HEAVY) == []


def test_every_source_key_is_documented() -> None:
    schema = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    table = schema[schema.index("## Sources") : schema.index("```toml", schema.index("## Sources"))]
    assert sorted(re.findall(r"^\| `(\w+)` \|", table, re.M)) == sorted(SOURCE_KEYS)


def test_a_bibtex_field_holds_no_control_and_a_link_is_only_for_the_web(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A newline in a field would print as \\n, a LaTeX command; a javascript: address is no link."""
    source = {"id": '"s"', "title": toml_string("T\nU"), "url": '"javascript:alert(1)"'}
    base = write_base(tmp_path / "b.toml", [source], [("x", "s", "句")])
    bibtex = cite(capsys, "x", "--style", "bibtex", "-f", base)
    assert "title = {T U}" in bibtex
    markdown = cite(capsys, "x", "--style", "markdown", "--lang", "en", "-f", base)
    assert "<javascript:" not in markdown
