"""One record shape: a record read from TOML (`load`) and from the index (`open_index`,
cached or not) has the same `data`, with the same types, and prints the same."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

import tongzhou_facts as tf
from tongzhou_facts.model import Record, Source, record_from_dict
from tongzhou_facts.output import to_json

#: Every way the base may write a date and a qualifier.
SHAPES = """
[[sources]]
id = "s"
title = "t"
date = 2023-12-31

[[milestones]]
id = "full-date"
name = "a day"
year = 2023
date = 2023-12-13
source = "s"
quote = "q"

[[milestones]]
id = "month-only"
name = "a month"
year = 2023
date = "2023-09"
source = "s"
quote = "q"

[[milestones]]
id = "year-only"
name = "a year"
year = 2023
date = "2023"
source = "s"
quote = "q"

[[metrics]]
id = "one-qualifier"
name = "one"
year = 2023
value = 6.5
unit = "%"
qualifier = "约"
source = "s"
quote = "q"

[[metrics]]
id = "two-qualifiers"
name = "two"
year = 2023
value = 1730
unit = "亿元"
qualifier = ["预计", "以上"]
source = "s"
quote = "q"

[[metrics]]
id = "no-qualifier"
name = "none"
year = 2023
value = 3
unit = "个"
source = "s"
quote = "q"
"""


def types(value: Any) -> Any:
    """The type of a value, and of everything inside it."""
    if isinstance(value, dict):
        return {key: types(item) for key, item in value.items()}
    if isinstance(value, list):
        return [types(item) for item in value]
    return type(value)


def assert_same(loaded: Record, indexed: Record) -> None:
    assert indexed.data == loaded.data, loaded.id
    assert types(indexed.data) == types(loaded.data), loaded.id
    assert (indexed.kind, indexed.id, indexed.name, indexed.year) == (loaded.kind, loaded.id, loaded.name, loaded.year)
    assert indexed.date == loaded.date and type(indexed.date) is type(loaded.date)
    assert indexed.qualifiers == loaded.qualifiers
    assert indexed.to_dict() == loaded.to_dict()
    assert types(indexed.to_dict()) == types(loaded.to_dict())
    assert to_json(indexed.to_dict()) == to_json(loaded.to_dict())


@pytest.fixture
def shapes(tmp_path: Path) -> Path:
    path = tmp_path / "shapes.toml"
    path.write_text(SHAPES, encoding="utf-8")
    return path


@pytest.mark.parametrize("cache", ["on", "off"])
def test_load_and_index_give_one_shape(shapes: Path, cache: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if cache == "off":
        monkeypatch.setenv("FACTS_NO_CACHE", "1")
    base = tf.load(shapes)
    for _ in range(2):  # a cold run (built), then a warm one (from the cache file)
        index = tf.open_index([str(shapes)])
        indexed = {record.id: record for record in index.records()}
        assert list(indexed) == [record.id for record in base.records]
        for record in base.records:
            assert_same(record, indexed[record.id])
        assert {s: source.to_dict() for s, source in index.sources().items()} == {
            s: source.to_dict() for s, source in base.sources.items()
        }
        index.close()


def test_dates_are_iso_strings_and_qualifiers_lists(shapes: Path) -> None:
    base = tf.load(shapes)
    found = {record.id: record for record in base.records}
    assert found["full-date"].data["date"] == found["full-date"].date == "2023-12-13"
    assert found["month-only"].data["date"] == "2023-09"
    assert found["year-only"].data["date"] == "2023"
    assert found["one-qualifier"].data["qualifier"] == ["约"]
    assert found["one-qualifier"].qualifiers == ("约",)
    assert found["two-qualifiers"].data["qualifier"] == ["预计", "以上"]
    assert "qualifier" not in found["no-qualifier"].data and found["no-qualifier"].qualifiers == ()
    assert base.sources["s"].extra["date"] == "2023-12-31"


def test_every_record_of_the_bundled_base_has_one_shape() -> None:
    base = tf.load()
    index = tf.open_index()
    indexed = dict(zip(index.ids(), index.records(), strict=True))
    for record in base.records:
        assert_same(record, indexed[record.id])
    index.close()


def test_the_constructor_normalises_any_mapping() -> None:
    data = {"id": "x", "name": "x", "year": 2024, "date": dt.date(2024, 1, 1), "qualifier": ("约",), "source": "s", "quote": "q"}
    record = Record("milestone", "x", "x", 2024, data)
    assert record.data["date"] == "2024-01-01" and record.data["qualifier"] == ["约"]
    assert record_from_dict(record.to_dict()).data == record.data
    assert Source("s", "t", {"date": dt.date(2024, 1, 1)}).extra == {"date": "2024-01-01"}


def test_the_constructor_leaves_the_callers_mapping_alone() -> None:
    """Python callers keep their own dict as they wrote it; only the loader's tables are taken over."""
    data = {"date": dt.date(2024, 1, 2), "qualifier": "约"}
    record = Record("metric", "x", "X", 2024, data)
    assert data == {"date": dt.date(2024, 1, 2), "qualifier": "约"}
    assert record.data == {"date": "2024-01-02", "qualifier": ["约"]}
    owned = {"date": dt.date(2024, 1, 2), "qualifier": "约"}
    assert Record.adopt("metric", "x", "X", 2024, owned).data is owned
    assert owned == {"date": "2024-01-02", "qualifier": ["约"]}


def test_a_value_set_after_construction_reads_in_the_same_shape() -> None:
    record = Record("metric", "x", "X", 2024, {})
    record.data["date"] = dt.date(2024, 1, 2)  # type: ignore[index]  # data is a Mapping to readers; a caller may still set it
    record.data["qualifier"] = "约"  # type: ignore[index]
    assert record.date == "2024-01-02"
    assert record.to_dict()["date"] == "2024-01-02" and record.to_dict()["qualifier"] == ["约"]
