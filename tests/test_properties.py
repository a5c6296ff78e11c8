"""Properties that hold for any input (hypothesis): random valid bases survive a round trip
through the JSON export, random queries fail only with the tool's own errors, random bytes
as a base give one clear error, and ranking is the same every time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import math
import os
import sys
import tempfile
from collections.abc import Iterator
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import tongzhou_facts as tf
from tongzhou_facts.errors import FactsError
from tongzhou_facts.index import Index
from tongzhou_facts.match import search, suggestions
from tongzhou_facts.model import KINDS, TABLES, record_from_dict

from .conftest import BASE, call, toml_string

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

SETTINGS = settings(
    deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)


# ---------------------------------------------------------------------------- helpers


@contextlib.contextmanager
def base_file(content: str | bytes) -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "base.toml")
        with open(path, "wb") as handle:
            handle.write(content.encode("utf-8") if isinstance(content, str) else content)
        yield path


def toml_value(value: Any) -> str:
    if isinstance(value, bool):  # pragma: no cover - the schema has no booleans
        return "true" if value else "false"
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(type(value))


def to_toml(sources: list[dict[str, Any]], records: list[dict[str, Any]]) -> str:
    """A base in `[[table]]` form; records are dicts with a `kind` key, which is not written."""
    parts = []
    for source in sources:
        parts.append("[[sources]]\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in source.items()))
    for record in records:
        body = {k: v for k, v in record.items() if k != "kind"}
        parts.append(f"[[{TABLES[record['kind']]}]]\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in body.items()))
    return "\n".join(parts)


def as_exported(record: dict[str, Any]) -> dict[str, Any]:
    """What `to_dict` / the JSON export make of a record: dates as ISO text, a qualifier always a list."""
    out = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in record.items()}
    if isinstance(out.get("qualifier"), str):
        out["qualifier"] = [out["qualifier"]]
    return out


# ---------------------------------------------------------------------------- strategies

IDS = st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True)
_CHARS = st.one_of(
    st.characters(blacklist_categories=("Cs",)),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.sampled_from(
        ["[bold]", "[/]", "\x1b[31m", "\u202e", "\u200b", "😀", "𠀀", "'", '"', "\\", "\n", "\t", "%", "_", "亿元", "万人"]
    ),
)
TEXT = st.lists(_CHARS, min_size=1, max_size=12).map("".join).filter(lambda s: bool(s.strip()))
INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
NUMBERS = st.one_of(st.integers(-(10**12), 10**12), INT64, st.floats(allow_nan=False, allow_infinity=False))
PLAUSIBLE = st.integers(min_value=1, max_value=9999)
DATES = st.one_of(
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.builds(lambda y: f"{y:04d}", PLAUSIBLE),
    st.builds(lambda y, m: f"{y:04d}-{m:02d}", PLAUSIBLE, st.integers(1, 12)),
    st.dates(min_value=dt.date(1, 1, 1)).map(dt.date.isoformat),
)
ENTITIES = st.lists(
    st.one_of(st.fixed_dictionaries({"name": TEXT}), st.fixed_dictionaries({"name": TEXT, "role": st.text(max_size=8)})),
    max_size=3,
)
COMMON_OPTIONAL = {
    "name_en": TEXT,
    "aliases": st.lists(TEXT, max_size=3),
    "qualifier": st.one_of(TEXT, st.lists(TEXT, max_size=3)),
    "category": TEXT,
    "place": TEXT,
    "tags": st.lists(TEXT, max_size=3),
    "date": DATES,
    "note": TEXT,
    "evidence": st.lists(TEXT, max_size=2),
    "companies": ENTITIES,
    "people": ENTITIES,
}
KIND_REQUIRED = {"metric": {"value": NUMBERS, "unit": TEXT}, "project": {}, "milestone": {}}
KIND_OPTIONAL = {
    "metric": {"measure": TEXT},
    "project": {
        "status": TEXT,
        "investment": NUMBERS,
        "investment_unit": TEXT,
        "investment_qualifier": TEXT,
        "capacity": NUMBERS,
        "capacity_unit": TEXT,
        "phases": PLAUSIBLE,
        "phases_note": TEXT,
    },
    "milestone": {},
}


@st.composite
def bases(draw: st.DrawFn, max_records: int = 8) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(sources, records) of a valid base; records listed in the order the loader keeps (metrics, projects, milestones)."""
    ids = draw(st.lists(IDS, min_size=1, max_size=max_records + 2, unique=True))
    source_ids, record_ids = ids[:1] + ids[max_records + 1 :], ids[1 : max_records + 1]
    sources = []
    for source_id in source_ids:
        source: dict[str, Any] = {"id": source_id, "title": draw(TEXT)}
        if draw(st.booleans()):
            source["date"] = draw(DATES)
        if draw(st.booleans()):
            source["url"] = draw(TEXT)
        sources.append(source)
    records = []
    for record_id in record_ids:
        kind = draw(st.sampled_from(list(KINDS.values())))
        record: dict[str, Any] = {
            "kind": kind,
            "id": record_id,
            "name": draw(TEXT),
            "year": draw(PLAUSIBLE),
            "source": draw(st.sampled_from(source_ids)),
            "quote": draw(TEXT),
        }
        for key, strategy in KIND_REQUIRED[kind].items():
            record[key] = draw(strategy)
        optional = {**COMMON_OPTIONAL, **KIND_OPTIONAL[kind]}
        for key in draw(st.lists(st.sampled_from(sorted(optional)), unique=True, max_size=6)):
            record[key] = draw(optional[key])
        others = [i for i in record_ids if i != record_id]
        if others and draw(st.booleans()):
            record["related"] = draw(st.lists(st.sampled_from(others), max_size=2, unique=True))
        records.append(record)
    order = list(KINDS.values())
    records.sort(key=lambda r: order.index(r["kind"]))  # stable: file order within a kind
    return sources, records


# ---------------------------------------------------------------------------- round trip


@settings(SETTINGS, max_examples=40)
@given(bases())
def test_random_base_survives_load_and_json_export(base: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
    sources, records = base
    expected = [as_exported(r) for r in records]
    with base_file(to_toml(sources, records)) as path:
        loaded = tf.load(path)
        assert [r.to_dict() for r in loaded.records] == expected
        code, out, err = call("export", "--format", "json", "-f", path)
        assert code == (0 if records else 1), err
        exported = json.loads(out)
        assert exported == expected
        assert [record_from_dict(obj).to_dict() for obj in exported] == expected
        assert call("export", "--format", "json", "-f", path)[1] == out  # the second run, from the cache
        assert call("list", "--format", "plain", "--fields", "id", "-f", path)[1] == "".join(f"{r['id']}\n" for r in records)

    rebuilt = to_toml([{"id": s["id"], "title": s["title"]} for s in sources], exported)
    with base_file(rebuilt) as path:
        assert [r.to_dict() for r in tf.load(path).records] == expected


@settings(SETTINGS, max_examples=20)
@given(bases(max_records=4))
def test_random_base_survives_jsonl_and_get(base: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
    sources, records = base
    assume(records)
    with base_file(to_toml(sources, records)) as path:
        code, out, _ = call("export", "--format", "jsonl", "-f", path)
        assert code == 0
        assert [json.loads(line) for line in out.split("\n")[:-1]] == [as_exported(r) for r in records]
        for record in records:
            code, out, err = call("get", record["id"], "-f", path)
            assert code == 0, err
            assert json.loads(out) == as_exported(record)
            code, out, err = call("show", record["id"], "--format", "json", "-f", path)
            assert code == 0, err
            assert {k: v for k, v in json.loads(out).items() if k != "source_document"} == as_exported(record)


# ---------------------------------------------------------------------------- queries


@functools.cache
def bundled_index(copy: int = 0) -> Index:  # noqa: ARG001 - `copy` is only the cache's key
    """The bundled base's index, built in memory (`copy` 1: a second, separately built one)."""
    return Index.build(tf.load(BASE))


@functools.cache
def bundled_words() -> list[str]:
    words = set()
    for record in tf.load(BASE).records:
        for text in (record.name, *record.aliases(), str(record.get("name_en") or "")):
            words.add(text)
            words.update(text.split())
            words.update(text[i : i + 2] for i in range(len(text) - 1))
    return sorted(w for w in words if w.strip())


QUERY_CHARS = st.one_of(
    st.characters(),  # surrogates too: they arrive from command lines that are not UTF-8
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.sampled_from(list(" \t\u3000\"'*:()[]{}^$.%_\\-+|?!,;#@~`<>=&/\x00\x1b\u202e\u200bNEARORANDNOTMATCH0123456789")),
)
QUERIES = st.one_of(
    st.text(QUERY_CHARS, max_size=30),
    st.sampled_from(bundled_words()),
    st.builds(lambda w, junk: w + junk, st.sampled_from(bundled_words()), st.text(QUERY_CHARS, max_size=5)),
    st.text(QUERY_CHARS, min_size=990, max_size=1010),
)


@settings(SETTINGS, max_examples=100)
@given(
    QUERIES,
    st.sampled_from([None, "metric", "project", "milestone", "nonsense"]),
    st.one_of(st.none(), st.integers(-5, 10000)),
    st.one_of(st.none(), st.integers(1, 50)),
)
def test_random_queries_fail_only_with_the_tools_errors(
    query: str, kind: str | None, year: int | None, limit: int | None
) -> None:
    index = bundled_index()
    try:
        hits = search(index, query, kind=kind, year=year, limit=limit)
    except FactsError as error:
        assert str(error) and "\n" not in str(error)
        return
    assert limit is None or len(hits) <= limit
    assert len({hit.record.id for hit in hits}) == len(hits)
    for hit in hits:
        assert kind is None or hit.record.kind == kind
        assert year is None or hit.record.year == year
    if not hits:
        assert isinstance(suggestions(index, query), list)


@settings(SETTINGS, max_examples=40)
@given(st.text(QUERY_CHARS, min_size=1, max_size=20))
def test_random_queries_on_the_command_line(query: str) -> None:
    assume("\x00" not in query)  # a command line cannot hold NUL
    code, out, err = call("search", "--format", "plain", "--", query)
    assert code in (0, 1, 2), (code, err)
    assert "internal error" not in err and "Traceback" not in err, err
    if code == 2:
        assert out == "" and err.startswith("facts: error: ") and err.count("\n") == 1, err
    assert "\x1b" not in out + err and "\u202e" not in out + err


@settings(SETTINGS, max_examples=40)
@given(st.one_of(st.sampled_from(bundled_words()), QUERIES))
def test_ranking_is_deterministic(query: str) -> None:
    index = bundled_index()
    try:
        first = [(hit.record.id, hit.match) for hit in search(index, query)]
    except FactsError:
        return
    assert [(hit.record.id, hit.match) for hit in search(index, query)] == first
    assert [(hit.record.id, hit.match) for hit in search(bundled_index(1), query)] == first
    assert [m for _, m in first] == sorted(m for _, m in first)  # best first


@settings(SETTINGS, max_examples=8)
@given(st.sampled_from(bundled_words()))
def test_ranking_is_the_same_from_the_cache(query: str) -> None:
    """The first run builds the cache file, the second reads it: the same lines in the same order."""
    with base_file(BASE.read_bytes()) as path:
        first = call("search", query, "--format", "plain", "--limit", "50", "-f", path)
        second = call("search", query, "--format", "plain", "--limit", "50", "-f", path)
        assert first == second


# ---------------------------------------------------------------------------- random bytes as a base


def assert_clear_outcome(code: int, out: str, err: str, path: str, content: bytes) -> None:
    assert "internal error" not in err and "Traceback" not in err, err
    if code == 2:
        assert out == ""
        assert err.startswith(f"facts: error: {path}") and err.endswith("\n") and err.count("\n") == 1, err
        assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in err[:-1]), err
        return
    text = content.removeprefix(b"\xef\xbb\xbf").decode("utf-8")  # it was read, so it is UTF-8 …
    data = tomllib.loads(text)  # … and TOML
    records = sum(len(data.get(table, [])) for table in KINDS)
    if code == 1:
        assert out == "" and records == 0, (out, err)
    else:
        assert code == 0, (code, err)
        assert len(out.splitlines()) == records


@settings(SETTINGS, max_examples=60)
@given(st.one_of(st.binary(max_size=400), st.binary(max_size=40).map(lambda b: b"\xef\xbb\xbf" + b)))
def test_random_bytes_as_a_base(content: bytes) -> None:
    with base_file(content) as path:
        code, out, err = call("list", "--format", "plain", "-f", path)
        assert code in (1, 2), (code, out, err)
        assert_clear_outcome(code, out, err, path, content)


VALID = (
    '[[sources]]\nid = "src"\ntitle = "来源"\n\n'
    '[[metrics]]\nid = "gdp-2023"\nname = "地区生产总值"\nyear = 2023\nvalue = 1730\nunit = "亿元"\n'
    'qualifier = ["预计"]\ndate = 2023-12-13\nsource = "src"\nquote = "预计实现地区生产总值1730亿元"\n\n'
    '[[projects]]\nid = "hjt"\nname = "异质结电池项目"\nyear = 2023\ninvestment = 70.5\nrelated = ["gdp-2023"]\n'
    'people = [{ name = "王新", role = "董事长" }]\nsource = "src"\nquote = "异质结"\n'
).encode()


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A valid base with a few bytes deleted, inserted or replaced."""
    data = bytearray(VALID)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["delete", "insert", "replace"]))
        piece = draw(
            st.one_of(
                st.binary(min_size=1, max_size=4), st.sampled_from([b'"', b"[", b"]", b"=", b"\n", b"\x00", b"\xff", b"nan"])
            )
        )
        if action == "delete":
            del data[at : at + len(piece)]
        elif action == "insert":
            data[at:at] = piece
        else:
            data[at : at + len(piece)] = piece
    return bytes(data)


@settings(SETTINGS, max_examples=80)
@given(mutated())
def test_damaged_bases(content: bytes) -> None:
    with base_file(content) as path:
        code, out, err = call("list", "--format", "plain", "-f", path)
        assert_clear_outcome(code, out, err, path, content)
        check = call("check", path)
        assert check[0] in (0, 1, 2), check
        assert "internal error" not in check[2], check
        if code == 0:
            assert check[0] == 0, check
        if check[0] == 1:
            assert all(line.startswith(path + ":") for line in check[1].splitlines()), check


def test_the_valid_base_of_the_mutation_test_is_valid() -> None:
    with base_file(VALID) as path:
        code, out, err = call("list", "--format", "plain", "-f", path)
        assert (code, err) == (0, "")
        assert [line.split("\t")[0] for line in out.splitlines()] == ["gdp-2023", "hjt"]


def test_strategies_produce_loadable_numbers() -> None:
    """The float strategy's edge values are valid TOML (so the round trip tests the tool, not the writer)."""
    for value in (0.0, -0.0, 1e16, 1e-05, 5e-324, 1.7976931348623157e308, -(2.0**63)):
        assert tomllib.loads(f"v = {toml_value(value)}")["v"] == value
        assert math.isfinite(value)
    assert tomllib.loads(f"d = {toml_value(dt.date(1, 1, 1))}")["d"] == dt.date(1, 1, 1)
    awkward = '\x00\x7f\x85"\\\u202e😀'
    assert tomllib.loads("s = " + toml_value(awkward))["s"] == awkward
