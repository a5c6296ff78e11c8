"""Spot facts of the bundled base: the numbers that matter, checked against what the article says."""

from __future__ import annotations

import pytest

import tongzhou_facts as tf
from tongzhou_facts.check import check_quotes

from .conftest import BASE


@pytest.fixture(scope="module")
def base() -> tf.Base:
    return tf.load(BASE)


def test_bundled_base_loads_every_kind(base: tf.Base) -> None:
    kinds = {r.kind for r in base.records}
    assert kinds == {"metric", "project", "milestone"}
    assert len(base.records) == 105
    assert set(base.sources) == {"tongzhou-2023-review"}


@pytest.mark.parametrize(
    ("record_id", "value", "unit", "qualifiers"),
    [
        ("gdp-2023", 1730, "亿元", ("预计",)),
        ("gdp-growth-2023", 6.5, "%", ("预计", "以上")),
        ("budget-revenue-2023", 75, "亿元", ("预计",)),
        ("budget-revenue-growth-2023", 11.1, "%", ("预计",)),
        ("industrial-output-growth-2023", 10.5, "%", ("预计",)),
        ("industrial-value-added-growth-2023", 12, "%", ("预计",)),
        ("construction-output-2023", 2600, "亿元", ("突破",)),
        ("luban-awards-2023", 2, "项", ()),
        ("groundbreaking-investment-2023-12-13", 150, "亿元", ("近",)),
        ("new-urban-employment-2023", 1.38, "万人", ()),
        ("jinshawan-medical-beds-2023", 1000, "张", ()),
        ("high-standard-farmland-2023", 3.6, "万亩", ()),
        ("livestream-festival-streamers-2023", 100, "名", ("百余",)),
        ("accident-deaths-decline-2023", 33.3, "%", ()),
    ],
)
def test_spot_metrics(base: tf.Base, record_id: str, value: float, unit: str, qualifiers: tuple[str, ...]) -> None:
    record = base.get(record_id)
    assert record is not None and record.kind == "metric"
    assert record.value == value
    assert record.unit == unit
    assert record.qualifiers == qualifiers
    assert record.year == 2023


def test_heterojunction_project(base: tf.Base) -> None:
    project = base.get("lianshen-12gw-hjt-cell-project")
    assert project is not None and project.kind == "project"
    assert (project.get("capacity"), project.get("capacity_unit")) == (12, "GW")
    assert (project.get("investment"), project.get("investment_unit"), project.get("investment_qualifier")) == (70, "亿元", "约")
    assert project.get("phases") == 3
    assert project.get("date") == "2023-12-13"  # one shape: an ISO string, as from the index
    assert project.get("status") == "开工"
    assert {"name": "王新", "role": "江苏链升科技股份有限公司董事长"} in project.get("people")


def test_ids_are_stable_when_the_english_is_corrected(base: tf.Base) -> None:
    """链升 is Liansheng: the English and the aliases say so, the id keeps its first spelling."""
    project = base.get("lianshen-12gw-hjt-cell-project")
    assert project is not None
    assert "Liansheng" in project.get("name_en") and "Liansheng" in project.aliases()
    assert "ids are stable" in project.get("note")


@pytest.mark.parametrize(
    ("record_id", "name", "quote"),
    [
        ("enterprise-visits-campaign-2023", "“服务企业大走访”活动", "深入开展“服务企业大走访”活动"),
        ("old-town-renewal-2023", "老城区更新", "统筹谋划老城区更新和金沙湾片区开发"),
        ("leading-enterprises-growing-2023", "国轩、沃太等龙头企业不断发展壮大", "国轩、沃太等龙头企业不断发展壮大"),
        ("task-force-site-visit-mechanism-2023", "月度“专班+观摩”机制", "推行月度“专班+观摩”机制"),
    ],
)
def test_records_added_by_the_audit(base: tf.Base, record_id: str, name: str, quote: str) -> None:
    """The programmes that had no record of their own, and the halves of the records that held two."""
    record = base.get(record_id)
    assert record is not None and record.kind == "milestone"
    assert (record.name, record.get("quote"), record.year) == (name, quote, 2023)


def test_hospital_project(base: tf.Base) -> None:
    project = base.get("jinshawan-medical-complex")
    assert project is not None
    assert (project.get("investment"), project.get("investment_qualifier")) == (18.49, "约")
    assert project.get("date") == "2023-12-28"
    beds = base.get("jinshawan-medical-beds-2023")
    assert beds is not None and beds.get("project") == "jinshawan-medical-complex"


def test_dated_events(base: tf.Base) -> None:
    dates = {r.id: r.date for r in base.records if r.kind == "milestone" and r.date}
    assert dates["groundbreaking-ceremony-2023-12-13"] == "2023-12-13"
    assert dates["hospital-topping-out-2023-12-28"] == "2023-12-28"
    festival = base.get("livestream-festival-2023-09")
    assert festival is not None and festival.date == "2023-09"
    assert "inferred" in festival.get("note")


def test_every_record_has_english_name_and_quote(base: tf.Base) -> None:
    for record in base.records:
        assert record.get("name_en"), record.id
        assert record.get("quote"), record.id


def test_every_quote_is_verbatim(base: tf.Base, source_text: str) -> None:
    assert check_quotes(base, {None: source_text}) == []


def test_quote_across_a_layout_break_is_found(base: tf.Base, source_text: str) -> None:
    record = base.get("entrepreneur-symposiums-2023")
    assert record is not None
    assert record.get("quote") not in source_text  # it is split in the article …
    assert check_quotes(tf.Base(records=[record], sources=base.sources), {None: source_text}) == []  # … and joined here
