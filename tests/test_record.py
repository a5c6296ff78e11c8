"""`facts show` and `facts get` (issue 11): `show --fields/--format`, `get` with several ids
and fields and `--format`, and both forgiving a name that is no id (lookup.resolve_record).

Expected values come from the bundled base, loaded with the library, not from the CLI's own
output; the forgiving cases are realistic words a newcomer types (GDP, 地区生产总值, 异质结, 川姜).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

import tongzhou_facts as tf
from tongzhou_facts.lookup import CANDIDATES, id_shaped, resolve_record, unique_best
from tongzhou_facts.model import ALL_FIELDS

from .conftest import BASE, run, toml_string
from .test_startup import HEAVY, UI_MODULES, imported, warm_cache  # noqa: F401 - warm_cache is a fixture
from .test_terminal import ANSI, on_tty

BOX_DRAWING = re.compile("[\u2500-\u257f]")
Capsys = pytest.CaptureFixture[str]


@pytest.fixture(scope="module")
def base() -> tf.Base:
    return tf.load()


def value_of(base: tf.Base, record_id: str, field: str) -> str:
    """A stored scalar as `get` prints it (1730, not 1730.0)."""
    from tongzhou_facts.figures import text_of

    return text_of(base.get(record_id).data.get(field))


# ---------------------------------------------------------------------------- show --fields


def test_show_fields_plain_is_those_values_in_that_order(capsys: Capsys, base: tf.Base) -> None:
    code, out, err = run(capsys, "show", "gdp-2023", "--fields", "unit,value,id")
    assert (code, err) == (0, "")
    assert out == f"{value_of(base, 'gdp-2023', 'unit')}\t{value_of(base, 'gdp-2023', 'value')}\tgdp-2023\n"


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_show_fields_json_has_only_those_keys(capsys: Capsys, base: tf.Base, fmt: str) -> None:
    code, out, _ = run(capsys, "show", "gdp-2023", "--fields", "value,unit,figure", "--format", fmt)
    assert code == 0
    assert (out.count("\n") == 1) is (fmt == "jsonl")
    stored = base.get("gdp-2023").data
    assert json.loads(out) == {"value": stored["value"], "unit": stored["unit"], "figure": "预计1730亿元"}


def test_show_without_fields_keeps_the_whole_card_and_its_source(capsys: Capsys, base: tf.Base) -> None:
    """The control: no --fields is every key and the source document, as before."""
    obj = json.loads(run(capsys, "show", "gdp-2023", "--format", "json")[1])
    assert set(base.get("gdp-2023").to_dict()) < set(obj) and "source_document" in obj


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_show_fields_csv_and_tsv_have_a_header_of_those_fields(capsys: Capsys, fmt: str) -> None:
    code, out, _ = run(capsys, "show", "lianshen-12gw-hjt-cell-project", "--fields", "id,investment,value", "--format", fmt)
    assert code == 0
    rows = list(csv.reader(io.StringIO(out), delimiter="," if fmt == "csv" else "\t"))
    investment = value_of(tf.load(), "lianshen-12gw-hjt-cell-project", "investment")
    assert rows == [["id", "investment", "value"], ["lianshen-12gw-hjt-cell-project", investment, ""]]


def test_show_fields_table_card_has_those_rows_alone(capsys: Capsys) -> None:
    code, out, _ = run(capsys, "show", "gdp-2023", "--fields", "value,quote", "--format", "table")
    assert code == 0 and BOX_DRAWING.search(out)
    assert "地区生产总值" in out.splitlines()[0]  # the card's title: the record it is
    rows = out.splitlines()[1:-1]
    assert len(rows) == 2, out
    assert "数值" in rows[0] and "1730" in rows[0]
    assert "原文" in rows[1] and "「通州预计实现地区生产总值1730亿元」" in rows[1]
    assert "单位" not in out and "出处" not in out and "类别" not in out


def test_show_fields_on_a_terminal_is_a_card_of_those_fields() -> None:
    code, screen, err = on_tty("show", "gdp-2023", "--fields", "value,unit", "--lang", "en")
    assert (code, err) == (0, "")
    text = ANSI.sub("", screen)
    assert BOX_DRAWING.search(text) and "Gross domestic product" in text
    assert re.search(r"Value\s+1730", text) and re.search(r"Unit\s+亿元", text)
    assert "Quote" not in text and "Category" not in text


def test_show_fields_with_source_keep_the_context(capsys: Capsys, tmp_path: Path) -> None:
    """--source asks for the paragraph: --fields does not take it away (the last column, or a key)."""
    text = tmp_path / "source.txt"
    text.write_text("通州建筑施工总产值突破2600亿元,新增鲁班奖两项。\n", encoding="utf-8")
    code, out, _ = run(capsys, "show", "luban-awards-2023", "--source", text, "--fields", "id,value", "--format", "tsv")
    assert code == 0
    assert out == "id\tvalue\tcontext\nluban-awards-2023\t2\t通州建筑施工总产值突破2600亿元,【新增鲁班奖两项】。\n"
    obj = json.loads(run(capsys, "show", "luban-awards-2023", "--source", text, "--fields", "value", "--format", "json")[1])
    assert list(obj) == ["value", "context"] and obj["context"][0]["line"] == 1


@pytest.mark.parametrize(("fields", "message"), [("bogus", "unknown field 'bogus'"), (",", "--fields names no field")])
def test_show_bad_fields_are_one_line_errors(capsys: Capsys, fields: str, message: str) -> None:
    code, out, err = run(capsys, "show", "gdp-2023", "--fields", fields)
    assert (code, out) == (2, "")
    assert err.startswith(f"facts: error: {message}") and err.count("\n") == 1


# ---------------------------------------------------------------------------- get: ids and fields


def test_get_one_field_is_exactly_as_before(capsys: Capsys) -> None:
    assert run(capsys, "get", "gdp-2023", "value") == (0, "1730\n", "")
    code, out, _ = run(capsys, "get", "lianshen-12gw-hjt-cell-project", "companies")  # a list: one item a line
    assert code == 0 and out == "江苏链升科技股份有限公司\t项目方\n"


def test_get_several_fields_is_one_tab_separated_line(capsys: Capsys, base: tf.Base) -> None:
    code, out, err = run(capsys, "get", "gdp-2023", "value", "unit")
    assert (code, err) == (0, "")
    assert out == "1730\t亿元\n"
    assert out == f"{value_of(base, 'gdp-2023', 'value')}\t{value_of(base, 'gdp-2023', 'unit')}\n"


def test_get_several_ids_is_one_line_each_in_the_order_given(capsys: Capsys, base: tf.Base) -> None:
    ids = ["gdp-growth-2023", "gdp-2023", "budget-revenue-2023"]
    code, out, _ = run(capsys, "get", *ids, "value", "unit")
    assert code == 0
    assert out.splitlines() == [f"{value_of(base, i, 'value')}\t{value_of(base, i, 'unit')}" for i in ids]


def test_get_without_a_field_is_one_json_line_per_record(capsys: Capsys, base: tf.Base) -> None:
    code, out, _ = run(capsys, "get", "gdp-2023")
    assert code == 0 and out.count("\n") == 1 and json.loads(out) == base.get("gdp-2023").to_dict()
    code, out, _ = run(capsys, "get", "gdp-2023", "gdp-growth-2023")
    assert [json.loads(line) for line in out.splitlines()] == [base.get(i).to_dict() for i in ("gdp-2023", "gdp-growth-2023")]


def test_get_a_missing_value_is_an_empty_cell_a_note_and_status_1(capsys: Capsys) -> None:
    code, out, err = run(capsys, "get", "gdp-2023", "lianshen-12gw-hjt-cell-project", "value", "investment")
    assert code == 1
    investment = value_of(tf.load(), "lianshen-12gw-hjt-cell-project", "investment")
    assert out == f"1730\t\n\t{investment}\n"
    assert err == "facts: gdp-2023 has no investment\nfacts: lianshen-12gw-hjt-cell-project has no value\n"


def test_get_one_missing_value_keeps_its_message(capsys: Capsys) -> None:
    assert run(capsys, "get", "gdp-2023", "investment") == (1, "", "facts: gdp-2023 has no investment\n")


def test_get_a_virtual_field_that_is_empty_is_missing(capsys: Capsys) -> None:
    """`figure` of a record with no value: an empty cell, said, status 1 (as `get ID figure` alone)."""
    from tongzhou_facts.output import cell

    assert cell(tf.load().get("huamei-xingtai-project"), "figure") == ""
    code, out, err = run(capsys, "get", "gdp-2023", "huamei-xingtai-project", "figure", "id")
    assert code == 1
    assert out == "预计1730亿元\tgdp-2023\n\thuamei-xingtai-project\n"
    assert err == "facts: huamei-xingtai-project has no figure\n"
    assert run(capsys, "get", "huamei-xingtai-project", "figure") == (1, "", "facts: huamei-xingtai-project has no figure\n")


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["gdp-2023", "bogus"], "unknown field 'bogus' (fields: id, kind,"),
        (["gdp-2023", "valu", "unit"], "unknown field 'valu'"),
        (["value", "gdp-2023"], "'value' is a field, not an id: name the ids first, then the fields"),
        (["gdp-2023", "value", "gdp-growth-2023", "unit"], "'value' is a field, not an id"),
        (["value"], "'value' is a field, not an id"),
    ],
)
def test_get_words_that_cannot_be_split_are_one_line_errors(capsys: Capsys, words: list[str], message: str) -> None:
    code, out, err = run(capsys, "get", *words)
    assert (code, out) == (2, "")
    assert err.startswith(f"facts: error: {message}") and err.count("\n") == 1, err


def test_an_id_that_is_a_field_name_is_an_id_where_ids_stand(capsys: Capsys, tmp_path: Path) -> None:
    """A base may hold an id spelled like a field: first it is an id, last a field."""
    path = tmp_path / "odd.toml"
    text = BASE.read_text(encoding="utf-8").split("\n[[metrics]]")[0]
    path.write_text(
        text + f'\n[[metrics]]\nid = "unit"\nname = {toml_string("单位")}\nyear = 2023\nvalue = 7\nunit = "个"\n'
        'source = "tongzhou-2023-review"\nquote = "通州"\n',
        encoding="utf-8",
    )
    assert run(capsys, "get", "unit", "value", "unit", "-f", path)[:2] == (0, "7\t个\n")
    assert run(capsys, "get", "unit", "-f", path)[0] == 0


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_get_json_has_the_fields_asked_for(capsys: Capsys, base: tf.Base, fmt: str) -> None:
    code, out, _ = run(capsys, "get", "gdp-2023", "lianshen-12gw-hjt-cell-project", "value", "investment", "--format", fmt)
    assert code == 1  # gdp-2023 has no investment: null, and said
    objects = json.loads(out) if fmt == "json" else [json.loads(line) for line in out.splitlines()]
    project = base.get("lianshen-12gw-hjt-cell-project").data
    assert objects == [{"value": 1730, "investment": None}, {"value": None, "investment": project["investment"]}]


def test_get_json_without_fields_is_every_key(capsys: Capsys, base: tf.Base) -> None:
    code, out, _ = run(capsys, "get", "gdp-2023", "gdp-growth-2023", "--format", "json")
    assert code == 0 and json.loads(out) == [base.get(i).to_dict() for i in ("gdp-2023", "gdp-growth-2023")]


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_get_csv_and_tsv_have_a_header(capsys: Capsys, fmt: str) -> None:
    code, out, _ = run(capsys, "get", "gdp-2023", "gdp-growth-2023", "id", "value", "unit", "--format", fmt)
    assert code == 0
    rows = list(csv.reader(io.StringIO(out), delimiter="," if fmt == "csv" else "\t"))
    assert rows == [["id", "value", "unit"], ["gdp-2023", "1730", "亿元"], ["gdp-growth-2023", "6.5", "%"]]


def test_get_csv_guards_formulas_unless_raw(capsys: Capsys, tmp_path: Path) -> None:
    path = tmp_path / "formula.toml"
    text = BASE.read_text(encoding="utf-8").split("\n[[metrics]]")[0]
    path.write_text(
        text + '\n[[metrics]]\nid = "f-1"\nname = "=1+1"\nyear = 2023\nvalue = 1\nunit = "个"\n'
        'source = "tongzhou-2023-review"\nquote = "通州"\n',
        encoding="utf-8",
    )
    assert run(capsys, "get", "f-1", "name", "--format", "csv", "-f", path)[1] == "name\r\n'=1+1\r\n"
    assert run(capsys, "get", "f-1", "name", "--format", "csv", "--csv-raw", "-f", path)[1] == "name\r\n=1+1\r\n"


def test_get_table_draws_those_fields(capsys: Capsys) -> None:
    code, out, _ = run(capsys, "get", "gdp-2023", "gdp-growth-2023", "id", "value", "--format", "table")
    assert code == 0 and BOX_DRAWING.search(out)
    assert "gdp-growth-2023" in out and "6.5" in out and "单位" not in out


def test_get_an_unknown_format_is_an_error(capsys: Capsys) -> None:
    code, _, err = run(capsys, "get", "gdp-2023", "value", "--format", "xml")
    assert code == 2 and err.startswith("facts: error: unknown format 'xml'")


def test_a_multi_value_get_starts_as_fast_as_one(warm_cache: dict[str, str]) -> None:  # noqa: F811 - the fixture
    """Several ids and fields, found by id: no Typer, no Rich, no search, no difflib."""
    found = imported(["get", "gdp-2023", "gdp-growth-2023", "value", "unit"], warm_cache)
    leaked = sorted(m for m in found if m.split(".")[0] in (*UI_MODULES, *HEAVY))
    assert not leaked, leaked
    assert "tongzhou_facts.match.engine" not in found and "tongzhou_facts.nearest" not in found
    found = imported(["get", "GDP-2023", "Gdp-Growth-2023", "VALUE", "Year"], warm_cache)  # ids and fields in any case
    assert not sorted(m for m in found if m.split(".")[0] in (*UI_MODULES, *HEAVY))
    assert "tongzhou_facts.match.engine" not in found and "tongzhou_facts.nearest" not in found
    # The control: a name search finds imports the search, so the check can fail.
    assert "tongzhou_facts.match.engine" in imported(["get", "地区生产总值", "value"], warm_cache)


# ---------------------------------------------------------------------------- names in any case


@pytest.fixture
def no_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any search for a record fails the test: what is checked here is never looked up by search."""
    from tongzhou_facts.match import engine

    def refuse(*_args: object, **_kwargs: object) -> object:
        raise AssertionError("searched")

    monkeypatch.setattr(engine, "search_counted", refuse)


@pytest.mark.parametrize("field", ALL_FIELDS)
@pytest.mark.usefixtures("no_search")
def test_get_reads_a_field_in_any_case(capsys: Capsys, field: str) -> None:
    """`Year`, `VALUE`, `Measure`…: the field, not a word to search for (issue: `get gdp-2023
    Year` printed a second record, found by search for "Year")."""
    for record_id in ("gdp-2023", "lianshen-12gw-hjt-cell-project"):
        expected = run(capsys, "get", record_id, field)
        assert expected[0] in (0, 1) and "found by search" not in expected[2]
        for typed in (field.upper(), field.title(), field.capitalize()):
            assert run(capsys, "get", record_id, typed) == expected, typed
        assert run(capsys, "get", record_id, "id", field.upper(), "--format", "json") == run(
            capsys, "get", record_id, "id", field, "--format", "json"
        )


@pytest.mark.usefixtures("no_search")
def test_get_fields_in_any_case_mixed(capsys: Capsys, base: tf.Base) -> None:
    assert run(capsys, "get", "gdp-2023", "value", "Year") == (0, "1730\t2023\n", "")
    assert run(capsys, "get", "gdp-2023", "VALUE") == run(capsys, "get", "gdp-2023", "value") == (0, "1730\n", "")
    code, out, err = run(capsys, "get", "gdp-2023", "gdp-growth-2023", "Value", "UNIT", "--format", "csv")
    assert (code, err) == (0, "") and out.splitlines()[0] == "value,unit"  # the header as the base spells fields
    assert run(capsys, "get", "gdp-2023", "Aliases")[1] == "".join(f"{a}\n" for a in base.get("gdp-2023").data["aliases"])


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["gdp-2023", "Xyz"], "unknown field 'Xyz' (fields: id, kind,"),
        (["gdp-2023", "Xyz", "value"], "unknown field 'Xyz' (fields: id, kind,"),
        (["gdp-2023", "Yaer"], "unknown field 'Yaer'; did you mean year? (fields: id, kind,"),
        (["gdp-2023", "valu", "unit"], "unknown field 'valu'; did you mean value? (fields: id, kind,"),
        (["gdp-2023", "GDP增速", "value"], "unknown field 'GDP增速' (fields: id, kind,"),  # no name after the first word
        (["gdp-2023", "Year", "gdp-growth-2023", "value"], "'Year' is a field, not an id"),
        (["Year"], "'Year' is a field, not an id"),
        (["VALUE", "gdp-2023"], "'VALUE' is a field, not an id"),
        (["gdp-2023", "gdp-2032", "value"], "no record with id 'gdp-2032'; did you mean gdp-2023 or gdp-growth-2023?"),
        (["gdp-2023", "GDP-2032"], "no record with id 'GDP-2032'; did you mean gdp-2023 or gdp-growth-2023?"),
    ],
)
@pytest.mark.usefixtures("no_search")
def test_a_word_after_the_first_that_is_no_id_and_no_field_is_an_error(capsys: Capsys, words: list[str], message: str) -> None:
    code, out, err = run(capsys, "get", *words)
    assert (code, out) == (2, "")
    assert err.startswith(f"facts: error: {message}") and err.count("\n") == 1, err


@pytest.mark.parametrize("typed", ["GDP-2023", "Gdp-2023", "gdp-2023 ", " gdp-2023", "\u3000GDP-2023\u00a0"])
@pytest.mark.usefixtures("no_search")
def test_an_id_in_another_case_or_spaced_is_the_id(capsys: Capsys, typed: str) -> None:
    """Ids are lower case (the schema's rule): `GDP-2023` can only mean gdp-2023, taken
    silently, as `--kind Metric` is; never searched for, never a "did you mean"."""
    assert run(capsys, "show", typed, "--fields", "id,value") == (0, "gdp-2023\t1730\n", "")
    assert run(capsys, "get", typed, "value") == (0, "1730\n", "")
    assert run(capsys, "get", "budget-revenue-2023", typed, "VALUE") == (0, "75\n1730\n", "")
    assert run(capsys, "show", typed, "--format", "json")[1] == run(capsys, "show", "gdp-2023", "--format", "json")[1]


def test_an_id_in_another_case_for_the_library_and_the_mcp_tool(base: tf.Base) -> None:
    from tongzhou_facts import tools
    from tongzhou_facts.commands.options import open_base
    from tongzhou_facts.lookup import find_record, id_form

    index = open_base(None)
    assert resolve_record(index, "GDP-2023 ") == (base.get("gdp-2023"), False)
    assert find_record(index, "Gdp-Growth-2023").id == "gdp-growth-2023"  # cite's look-up too
    answer = tools.get(index, "GDP-2023", ["value"])
    assert answer["record"]["value"] == 1730 and "note" not in answer
    assert id_form(" GDP-2023\u3000") == "gdp-2023"
    assert id_form("\u212a") == "\u212a" and id_form("gdp-2023\n") == "gdp-2023\n"  # the Kelvin sign is no k; a newline stays


# ---------------------------------------------------------------------------- forgiving


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("GDP", "gdp-2023"),  # an alias
        ("gdp", "gdp-2023"),  # an alias, in lower case
        ("地区生产总值", "gdp-2023"),  # the name; gdp-growth-2023's only begins with it
        ("生产总值", "gdp-2023"),
        ("GDP增速", "gdp-growth-2023"),
        ("异质结", "lianshen-12gw-hjt-cell-project"),  # its alias; two others have it as a tag
        ("HJT", "lianshen-12gw-hjt-cell-project"),
        ("鲁班奖", "luban-awards-2023"),  # the only record search finds
    ],
)
def test_show_forgives_a_name_search_finds(capsys: Capsys, base: tf.Base, typed: str, meant: str) -> None:
    code, out, err = run(capsys, "show", typed, "--format", "json")
    assert code == 0
    assert json.loads(out)["id"] == meant
    assert err == f"facts: no id '{typed}'; showing {meant}, found by search\n"
    assert base.get(typed) is None  # forgiven, not an id


def test_get_forgives_its_first_word_only(capsys: Capsys) -> None:
    """The first word stands where an id must; after it, a word that is no id is no name to
    look up (it could be a field misspelt), so it is an error, never a search."""
    assert run(capsys, "get", "地区生产总值", "value") == (
        0,
        "1730\n",
        "facts: no id '地区生产总值'; using gdp-2023, found by search\n",
    )
    code, out, err = run(capsys, "get", "GDP", "gdp-growth-2023", "value")
    assert (code, out, err) == (0, "1730\n6.5\n", "facts: no id 'GDP'; using gdp-2023, found by search\n")
    code, out, err = run(capsys, "get", "GDP", "GDP增速", "value")
    assert (code, out) == (2, "")
    assert err.startswith("facts: error: unknown field 'GDP增速' (fields: id, kind,") and err.count("\n") == 1, err


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        # A tag of one record; an alias of another begins with it: neither is named 川姜.
        ("川姜", ["chuanjiang-pingchao-development-2023 (专题研究推动川姜、平潮高质量发展)", "xianyifang-livestream-center ("]),
        ("GDP 2023", ["gdp-2023 (地区生产总值)", "gdp-growth-2023 (地区生产总值增速)"]),  # both words in both
        ("地区生产", ["gdp-2023 (地区生产总值)", "gdp-growth-2023 (地区生产总值增速)"]),  # begins both names
        ("产值占比", ["high-tech-output-share-2023 (高新技术产业产值占比)", "leading-industries-share-2023 ("]),
    ],
)
def test_several_comparable_matches_are_named_and_exit_2(capsys: Capsys, typed: str, named: list[str]) -> None:
    from tongzhou_facts.commands.options import open_base
    from tongzhou_facts.match.engine import search_counted

    count = search_counted(open_base(None), typed).total  # how many the library's search finds
    assert count >= len(named)
    for command in ("show", "get"):
        code, out, err = run(capsys, command, typed)
        assert (code, out) == (2, "")
        assert err.startswith(f"facts: error: no record with id '{typed}'; search finds {count}: {named[0]}"), err
        assert err.count("\n") == 1 and err.endswith(f"(give one id; all: facts search {typed})\n")
        assert all(name in err for name in named), err
        listed = err.split(": ", 3)[3]
        assert listed.count("(") - 1 == min(count, CANDIDATES)  # at most CANDIDATES named, then "and N more"
        assert (f"and {count - CANDIDATES} more" in err) is (count > CANDIDATES)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("gdp-2032", "gdp-2023 or gdp-growth-2023"),  # digits swapped
        ("gdp2023", "gdp-2023 or gdp-growth-2023"),  # a dash missing
        ("GDP-2032", "gdp-2023 or gdp-growth-2023"),  # in capitals too
        (" gdp-2032 ", "gdp-2023 or gdp-growth-2023"),  # and spaced
        # Search would find another record's text for this one: an id-like word near an id is a typo.
        ("lianshen-12gw-hjt-cell", "lianshen-12gw-hjt-cell-project"),
        ("budget-revenue", "budget-revenue-2023 or budget-revenue-growth-2023"),
    ],
)
def test_a_near_miss_id_still_gets_did_you_mean(capsys: Capsys, typed: str, meant: str) -> None:
    for command in ("show", "get"):
        code, out, err = run(capsys, command, typed)
        assert (code, out) == (2, "")
        assert err == f"facts: error: no record with id '{typed}'; did you mean {meant}?\n"


@pytest.mark.parametrize("typed", ["环球影城", "zzzz-qqqq", "不存在的编号"])
def test_nothing_found_is_todays_error(capsys: Capsys, typed: str) -> None:
    code, out, err = run(capsys, "show", typed)
    assert (code, out) == (2, "")
    assert err == f"facts: error: no record with id '{typed}'\n"


def test_an_id_is_never_searched_for(capsys: Capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    from tongzhou_facts.match import engine

    def refuse(*_args: object, **_kwargs: object) -> object:
        raise AssertionError("searched for an id")

    monkeypatch.setattr(engine, "search_counted", refuse)
    assert run(capsys, "show", "gdp-growth-2023", "--fields", "value")[:2] == (0, "6.5\n")
    assert run(capsys, "get", "gdp-growth-2023", "value") == (0, "6.5\n", "")


def test_a_word_with_control_characters_is_not_searched_for(capsys: Capsys) -> None:
    """`gdp` would be found; `gdp` with a bidi override or an escape is a broken argument."""
    for typed in ("gdp\u202e", "\x1b[31mgdp"):
        code, out, err = run(capsys, "show", typed)
        assert (code, out) == (2, "") and err.startswith("facts: error: no record with id ")
        assert "\x1b" not in err and "\u202e" not in err


# ---------------------------------------------------------------------------- the rule, directly


def test_the_unique_best_match_rule(base: tf.Base) -> None:
    from tongzhou_facts.commands.options import open_base
    from tongzhou_facts.match.engine import search

    index = open_base(None)
    # 异质结: an alias (tier 0, aliases) ahead of two tags (tier 0, tags): it stands out.
    hits = search(index, "异质结", limit=3)
    assert [h.match.tier for h in hits] == [0, 0, 0] and hits[0].match.field_rank < hits[1].match.field_rank
    assert unique_best(hits) is hits[0]
    # 川姜: a tag (tier 0) ahead of an alias that begins with it (tier 1): ahead, but not its name.
    hits = search(index, "川姜", limit=3)
    assert hits[0].match.tier < hits[1].match.tier and unique_best(hits) is None
    # One hit, however it matched, is the one.
    hits = search(index, "鲁班奖", limit=3)
    assert len(hits) == 1 and unique_best(hits) is hits[0]
    assert resolve_record(index, "gdp-2023") == (base.get("gdp-2023"), False)
    record, by_search = resolve_record(index, "GDP")
    assert record.id == "gdp-2023" and by_search


@pytest.mark.parametrize(
    ("word", "shaped"),
    [
        *[("gdp-2032", True), ("gdp2023", True), ("GDP-2023", True), ("a_b", True)],
        *[("GDP", False), ("gdp", False), ("1730", False), ("6.5", False), ("地区生产总值", False), ("gdp 2023", False)],
        ("-gdp", False),
    ],
)
def test_id_shaped(word: str, shaped: bool) -> None:
    assert id_shaped(word) is shaped
