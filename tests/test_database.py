"""SQLite bases and the Datasette-ready export: `facts export --format sqlite -o base.db` writes a
database that `-f base.db` reads as a base (no TOML, no cache), and its Datasette metadata
beside it, which a real Datasette on 127.0.0.1 serves with full-text search.

Datasette is a test dependency (the test extra): the Datasette test is not optional.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import tongzhou_facts as tf

from .conftest import BASE, error_line, run, subprocess_env


@pytest.fixture
def exported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    target = tmp_path / "base.db"
    code, out, err = run(capsys, "export", "--format", "sqlite", "-o", target)
    assert code == 0 and out == "", err
    assert err == (
        f"facts: wrote 105 records to {target}\n"
        f"facts: wrote Datasette's metadata to {tmp_path / 'base.metadata.json'}: "
        f"datasette {target} -m {tmp_path / 'base.metadata.json'}\n"
    ).replace("105", str(len(tf.load().records)))
    return target


def test_a_database_base_answers_as_the_toml_does(exported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for args in (
        ["search", "异质结"],
        ["get", "gdp-2023", "value"],
        ["ask", "通州2023年GDP是多少"],
        ["list", "--kind", "metric"],
        ["export", "--format", "jsonl"],
        ["cite", "gdp-2023"],
        ["search", "chuanjiang"],
    ):
        assert run(capsys, *args, "-f", exported) == run(capsys, *args), args


def test_a_database_base_builds_no_cache_and_reads_no_toml(
    exported: Path, isolated_cache: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    load = sys.modules["tongzhou_facts.load"]  # the module: the package binds the name to its function

    def refuse(*_: object) -> None:
        raise AssertionError("the TOML path was taken")

    monkeypatch.setattr(load, "read_documents", refuse)
    monkeypatch.setenv("FACTS_FILE", str(exported))
    before = sorted(isolated_cache.rglob("*"))  # the export cached the bundled base
    assert run(capsys, "get", "gdp-2023", "value")[:2] == (0, "1730\n")
    assert sorted(isolated_cache.rglob("*")) == before
    monkeypatch.setenv("FACTS_NO_CACHE", "1")
    assert run(capsys, "get", "gdp-2023", "value")[:2] == (0, "1730\n")


def test_the_export_keeps_no_local_paths(exported: Path) -> None:
    db = sqlite3.connect(exported)
    keys = {row[0] for row in db.execute("SELECT key FROM meta")}
    assert keys == {"format", "sources", "exported_by", "posting_lengths"}
    assert str(BASE.parent) not in exported.read_bytes().decode("utf-8", "replace")


def test_an_export_of_an_export_is_the_same_base(exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    again = tmp_path / "again.db"
    assert run(capsys, "export", "--format", "sqlite", "-o", again, "-f", exported)[0] == 0
    assert run(capsys, "export", "-f", again) == run(capsys, "export")


def test_bad_databases_are_one_line_errors(exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    merged = error_line(*run(capsys, "list", "-f", exported, "-f", BASE))
    assert merged == f"{exported}: an SQLite base is read alone, not merged with other bases: export the merged bases instead"
    foreign = tmp_path / "foreign.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t (a)").connection.commit()
    assert error_line(*run(capsys, "list", "-f", foreign)).endswith("not one facts exported (facts export --format sqlite)")
    old = tmp_path / "old.db"
    old.write_bytes(exported.read_bytes())
    db = sqlite3.connect(old)
    db.execute("UPDATE meta SET value = '1' WHERE key = 'format'")
    db.commit()
    db.close()
    assert "(index format 1); this facts reads format" in error_line(*run(capsys, "list", "-f", old))
    checked = run(capsys, "check", "-f", exported)
    assert checked[0] == 1 and "an SQLite base (facts export --format sqlite): this reads TOML" in checked[1]


def test_a_damaged_database_is_an_error_not_a_traceback(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damaged = tmp_path / "damaged.db"
    data = bytearray(exported.read_bytes())
    data[4096:] = b"\xff" * (len(data) - 4096)  # every page after the first overwritten
    damaged.write_bytes(bytes(data))
    message = error_line(*run(capsys, "search", "异质结", "-f", damaged))
    assert "internal error" not in message


def test_the_metadata_describes_the_tables(exported: Path) -> None:
    metadata = json.loads((exported.parent / "base.metadata.json").read_text(encoding="utf-8"))
    base = tf.load()
    source = base.sources["tongzhou-2023-review"]
    assert metadata["title"] == source.extra["title_en"]
    assert metadata["source"] == source.title
    assert metadata["license"] == "MIT"
    tables = metadata["databases"]["base"]["tables"]
    assert tables["records"]["fts_table"] == "records_fts"
    db = sqlite3.connect(exported)
    columns = [row[1] for row in db.execute("PRAGMA table_info(records)")]
    assert sorted(tables["records"]["columns"]) == sorted(columns)  # every column described, none invented
    assert all(tables[t]["hidden"] for t in ("meta", "entries", "docs"))


def test_a_users_base_gets_no_licence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "mine.toml"
    copy.write_bytes(BASE.read_bytes())
    assert run(capsys, "export", "--format", "sqlite", "-o", tmp_path / "mine.db", "-f", copy)[0] == 0
    assert "license" not in json.loads((tmp_path / "mine.metadata.json").read_text(encoding="utf-8"))


def test_the_metadata_never_overwrites_an_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = tmp_path / "base.metadata.json"  # a base whose name is the metadata's
    base.write_bytes(BASE.read_bytes())
    before = base.read_bytes()
    code, _, err = run(capsys, "export", "--format", "sqlite", "-o", tmp_path / "base.db", "-f", base)
    assert code == 2 and base.read_bytes() == before, err
    assert not (tmp_path / "base.db").exists()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_datasette_serves_the_export_with_full_text_search(exported: Path) -> None:
    port = _free_port()
    metadata = exported.parent / "base.metadata.json"
    server = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", str(exported), "-m", str(metadata), "-h", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=subprocess_env(),
    )
    try:
        url = f"http://127.0.0.1:{port}/base/records.json?_search=地区生产总值&_shape=array&_col=id&_col=quote"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(
                    url.replace("地区生产总值", "%E5%9C%B0%E5%8C%BA%E7%94%9F%E4%BA%A7%E6%80%BB%E5%80%BC"), timeout=5
                ) as answer:
                    rows = json.loads(answer.read())
                break
            except OSError:
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                assert time.monotonic() < deadline, "Datasette did not answer within 60 s"
                time.sleep(0.3)
        gdp = tf.load().get("gdp-2023")
        assert {"id": "gdp-2023", "quote": gdp.data["quote"]} in rows
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/metadata.json", timeout=5) as answer:
            assert json.loads(answer.read())["title"] == json.loads(metadata.read_text(encoding="utf-8"))["title"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/base.json", timeout=5) as answer:
            shown = {t["name"] for t in json.loads(answer.read())["tables"] if not t["hidden"]}
        assert shown == {"records", "sources"}
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stdout:
            server.stdout.close()
