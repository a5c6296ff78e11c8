"""Fields named in any case, or by the header a table prints: `--fields NAME,Value`,
`--sort NAME`, `--sort 名称`, `--sort "English name"` (lookup.field_named); `--sort name`
with `--lang en` sorts by the English names shown. `get`'s fields: tests/test_record.py."""

from __future__ import annotations

import pytest

from tongzhou_facts.lookup import field_named, unknown_field
from tongzhou_facts.model import ALL_FIELDS
from tongzhou_facts.output import HEADERS_EN, HEADERS_ZH, HIT_FIELDS, parse_fields

from .conftest import run

Capsys = pytest.CaptureFixture[str]


@pytest.mark.parametrize("field", ALL_FIELDS)
def test_every_field_by_any_case_or_header(field: str) -> None:
    headers = (HEADERS_ZH[field], HEADERS_EN[field], HEADERS_EN[field].upper())
    for typed in (field, field.upper(), field.title(), f" {field} ", *headers):
        assert field_named(typed) == field, typed
        assert parse_fields(typed, ()) == [field], typed
    assert field_named(field.upper(), headers=False) == field
    assert field_named(HEADERS_ZH[field], headers=False) in (None, field)  # `ID` is id's name and header alike


def test_a_word_that_names_no_field() -> None:
    for typed in ("bogus", "名字", "", "match"):
        assert field_named(typed) is None, typed
    assert field_named("Match", HIT_FIELDS) == field_named("匹配", HIT_FIELDS) == "match"
    assert unknown_field("Yaer").startswith("unknown field 'Yaer'; did you mean year? (fields: id, kind, name,")
    assert unknown_field("bogus").startswith("unknown field 'bogus' (fields: id, kind, name,")
    assert unknown_field("naem", doing="cannot sort by").startswith("cannot sort by 'naem'; did you mean name? (fields:")


def test_parse_fields_maps_each_to_its_field_once() -> None:
    assert parse_fields("NAME,Value,名称,value", ()) == ["name", "value"]
    assert parse_fields("ID,Match", (), HIT_FIELDS) == ["id", "match"]
    assert parse_fields(",".join(["ID"] * 10_000), ()) == ["id"]


def test_list_fields_in_any_case(capsys: Capsys) -> None:
    expected = run(capsys, "list", "--fields", "name,value", "-n", "5")
    assert expected[0] == 0 and expected[1].count("\n") == 5
    for typed in ("NAME,Value", "Name,VALUE", "名称,数值", "Name, Value"):
        assert run(capsys, "list", "--fields", typed, "-n", "5") == expected, typed
    csv = run(capsys, "metrics", "--fields", "ID,Figure", "--format", "csv", "-n", "1")[1]
    assert csv.splitlines()[0] == "id,figure"  # the header as the base spells fields


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["list", "--fields", "id,Valeu"], "unknown field 'Valeu'; did you mean value? (fields: id, kind,"),
        (["list", "--fields", "Match"], "field 'match' is only for search results"),
        (["list", "--sort", "naem"], "cannot sort by 'naem'; did you mean name? (fields: id, kind,"),
        (["list", "--sort", "bogus"], "cannot sort by 'bogus' (fields: id, kind,"),
        (["list", "--sort", "match"], "cannot sort by 'match' (fields: id, kind,"),
    ],
)
def test_a_field_that_is_none_is_one_line_error(capsys: Capsys, args: list[str], message: str) -> None:
    code, out, err = run(capsys, *args)
    assert (code, out) == (2, "")
    assert err.startswith(f"facts: error: {message}") and err.count("\n") == 1, err


@pytest.mark.parametrize("command", ["list", "metrics", "projects"])
def test_sort_key_in_any_case_or_header(capsys: Capsys, command: str) -> None:
    for field in ("name", "year", "value", "when", "name_en"):
        expected = run(capsys, command, "--sort", field, "--fields", "id")
        assert expected[0] == 0
        for typed in (field.upper(), field.title(), HEADERS_ZH[field], HEADERS_EN[field]):
            assert run(capsys, command, "--sort", typed, "--fields", "id") == expected, typed
