"""Bad input gets one clear error and nothing else.

A base that cannot be read, parsed or validated: exit 2, stdout empty, stderr one
line `facts: error: PATH[:LINE[:COLUMN]]: …` naming the file. `facts check` lists
every problem at once (`path:line: id: message`, exit 1) and exits 2 only when a
file cannot be read at all. A BOM, CRLF line ends and an empty base are valid.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import INVALID_CORPUS, error_line, facts_command, run, subprocess_env

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CORPUS_FILES = sorted(INVALID_CORPUS.rglob("*.toml"))  # vendored: tests/toml-test-invalid
#: A few corpus files (syntax, encoding, NUL byte, end of file) run through a real process.
SUBPROCESS_SAMPLE = (
    "array/no-close-01.toml",
    "control/bare-null.toml",
    "encoding/bad-utf8-in-string.toml",
    "encoding/utf16-key.toml",
    "string/multiline-no-close-01.toml",
    "table/duplicate-key-01.toml",
    "key/duplicate-keys-01.toml",
)
_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


# ---------------------------------------------------------------------------- helpers


def run_process(*args: str | os.PathLike[str], cache: Path, timeout: float = 30) -> tuple[int, str, str]:
    done = subprocess.run(
        [*facts_command(), *(os.fspath(a) for a in args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="backslashreplace",
        env=subprocess_env(XDG_CACHE_HOME=str(cache)),
        timeout=timeout,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


def location(message: str, path: str | os.PathLike[str]) -> tuple[int | None, int | None]:
    """(line, column) written after the path, as `path:LINE:COL: ` / `path:LINE: ` / `path: `."""
    found = re.match(re.escape(os.fspath(path)) + r"(?::(\d+))?(?::(\d+))?: ", message)
    assert found, f"message does not start with {path}: {message!r}"
    line, column = found.groups()
    return (int(line) if line else None, int(column) if column else None)


SOURCE = '[[sources]]\nid = "src"\ntitle = "测试来源"\n'
DEFAULTS: dict[str, dict[str, str]] = {
    "metrics": {
        "id": '"m-1"',
        "name": '"地区生产总值"',
        "year": "2023",
        "value": "1730",
        "unit": '"亿元"',
        "source": '"src"',
        "quote": '"地区生产总值1730亿元"',
    },
    "projects": {
        "id": '"p-1"',
        "name": '"异质结电池项目"',
        "year": "2023",
        "investment": "70",
        "investment_unit": '"亿元"',
        "capacity": "12",
        "capacity_unit": '"GW"',
        "source": '"src"',
        "quote": '"异质结电池项目开工"',
    },
    "milestones": {
        "id": '"ms-1"',
        "name": '"集中开工仪式"',
        "year": "2023",
        "date": "2023-12-13",
        "source": '"src"',
        "quote": '"集中开工仪式举行"',
    },
}


def block(table: str, **raw: str | None) -> str:
    """One `[[table]]` record: the defaults, with keys replaced by raw TOML (None removes a key)."""
    fields = {**DEFAULTS[table], **raw}
    body = "".join(f"{key} = {value}\n" for key, value in fields.items() if value is not None)
    return f"[[{table}]]\n{body}"


def valid_base() -> str:
    return "\n".join([SOURCE, block("metrics"), block("projects"), block("milestones")])


def base_with(table: str, **raw: str | None) -> tuple[str, int]:
    """A valid base plus one more record (last in the file); also the line where that record starts."""
    head = valid_base() + "\n"
    return head + block(table, **raw), head.count("\n") + 1


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


# ---------------------------------------------------------------------------- the toml-test corpus


def test_corpus_is_complete() -> None:
    assert len(CORPUS_FILES) == 509


def _tomllib_position(path: Path) -> tuple[int, int] | None:
    """Where tomllib itself puts the syntax error, when the file decodes and has no NUL."""
    try:
        text = path.read_bytes().removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\x00" in text:
        return None
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _POSITION.search(str(exc))
        return (int(found.group(1)), int(found.group(2))) if found else None
    return None


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: str(p.relative_to(INVALID_CORPUS)))
def test_invalid_toml_is_one_clear_error(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    message = error_line(*run(capsys, "list", "-f", path), path)
    line, column = location(message, path)
    assert line is not None, f"no line number: {message!r}"
    assert 1 <= line <= path.read_bytes().count(b"\n") + 1
    expected = _tomllib_position(path)
    if expected is not None:
        assert (line, column) == expected, message


@pytest.mark.parametrize("name", SUBPROCESS_SAMPLE)
def test_invalid_toml_in_a_real_process(tmp_path: Path, name: str) -> None:
    path = INVALID_CORPUS / name
    assert path.is_file(), name
    code, out, err = run_process("search", "异质结", "-f", path, cache=tmp_path)
    message = error_line(code, out, err, path)
    assert location(message, path)[0] is not None


@pytest.mark.parametrize("path", CORPUS_FILES[::25], ids=lambda p: str(p.relative_to(INVALID_CORPUS)))
def test_check_reports_a_syntax_error_as_a_problem(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    code, out, err = run(capsys, "check", path)
    if code == 2:  # the file could not be decoded at all
        assert "not valid UTF-8" in error_line(code, out, err, path)
        return
    assert code == 1, (code, out, err)
    lines = out.splitlines()
    assert len(lines) == 1, out
    assert re.match(re.escape(str(path)) + r":\d+: ", lines[0]), lines[0]


# ---------------------------------------------------------------------------- schema violations

SCHEMA_CASES = [
    # (case, table, replaced keys, id the message names, what the message says)
    ("missing-name", "metrics", {"id": '"m-x"', "name": None}, "m-x", "name"),
    ("missing-unit", "metrics", {"id": '"m-x"', "unit": None}, "m-x", "unit"),
    ("missing-value", "metrics", {"id": '"m-x"', "value": None}, "m-x", "value"),
    ("missing-quote", "projects", {"id": '"p-x"', "quote": None}, "p-x", "quote"),
    ("missing-source", "milestones", {"id": '"ms-x"', "source": None}, "ms-x", "source"),
    ("missing-year", "milestones", {"id": '"ms-x"', "year": None}, "ms-x", "year"),
    ("missing-id", "metrics", {"id": None}, "metrics[1]", "id"),
    ("year-string", "metrics", {"id": '"m-x"', "year": '"2023"'}, "m-x", "year"),
    ("year-float", "metrics", {"id": '"m-x"', "year": "2023.0"}, "m-x", "year"),
    ("year-zero", "milestones", {"id": '"ms-x"', "year": "0"}, "ms-x", "year"),
    ("value-chinese", "metrics", {"id": '"m-x"', "value": '"很多"'}, "m-x", "value"),
    ("value-bool", "metrics", {"id": '"m-x"', "value": "true"}, "m-x", "value"),
    ("value-nan", "metrics", {"id": '"m-x"', "value": "nan"}, "m-x", "value"),
    ("value-plus-nan", "metrics", {"id": '"m-x"', "value": "+nan"}, "m-x", "value"),
    ("value-inf", "metrics", {"id": '"m-x"', "value": "inf"}, "m-x", "value"),
    ("value-minus-inf", "metrics", {"id": '"m-x"', "value": "-inf"}, "m-x", "value"),
    ("investment-nan", "projects", {"id": '"p-x"', "investment": "nan"}, "p-x", "investment"),
    ("capacity-inf", "projects", {"id": '"p-x"', "capacity": "inf"}, "p-x", "capacity"),
    ("id-space", "metrics", {"id": '"Bad ID"'}, "Bad ID", "id"),
    ("id-upper", "metrics", {"id": '"GDP-2023"'}, "GDP-2023", "id"),
    ("id-underscore", "metrics", {"id": '"gdp_2023"'}, "gdp_2023", "id"),
    ("id-leading-dash", "metrics", {"id": '"-gdp"'}, "-gdp", "id"),
    ("id-chinese", "metrics", {"id": '"生产总值"'}, "生产总值", "id"),
    ("id-integer", "metrics", {"id": "2023"}, "metrics[1]", "id"),
    ("source-undefined", "metrics", {"id": '"m-x"', "source": '"nope"'}, "m-x", "nope"),
    ("source-malformed", "projects", {"id": '"p-x"', "source": '"Not An Id"'}, "p-x", "source"),
    ("date-feb-30", "milestones", {"id": '"ms-x"', "date": '"2023-02-30"'}, "ms-x", "2023-02-30"),
    ("date-feb-29-2023", "milestones", {"id": '"ms-x"', "date": '"2023-02-29"'}, "ms-x", "2023-02-29"),
    ("date-month-13", "milestones", {"id": '"ms-x"', "date": '"2023-13"'}, "ms-x", "2023-13"),
    ("date-month-00", "milestones", {"id": '"ms-x"', "date": '"2023-00"'}, "ms-x", "2023-00"),
    ("date-words", "milestones", {"id": '"ms-x"', "date": '"December 2023"'}, "ms-x", "date"),
    ("date-time", "milestones", {"id": '"ms-x"', "date": "2023-12-13T10:00:00"}, "ms-x", "date"),
    ("date-number", "milestones", {"id": '"ms-x"', "date": "2023"}, "ms-x", "date"),
    ("name-empty", "projects", {"id": '"p-x"', "name": '"   "'}, "p-x", "name"),
    ("name-list", "projects", {"id": '"p-x"', "name": '["a", "b"]'}, "p-x", "name"),
    ("aliases-string", "metrics", {"id": '"m-x"', "aliases": '"GDP"'}, "m-x", "aliases"),
    ("unknown-key", "metrics", {"id": '"m-x"', "valeu": "3"}, "m-x", "valeu"),
    ("related-undefined", "metrics", {"id": '"m-x"', "related": '["nowhere"]'}, "m-x", "nowhere"),
    ("people-not-tables", "projects", {"id": '"p-x"', "people": '["王新"]'}, "p-x", "people"),
]


@pytest.mark.parametrize(("table", "raw", "record_id", "says"), [c[1:] for c in SCHEMA_CASES], ids=[c[0] for c in SCHEMA_CASES])
def test_schema_violation_names_the_record(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, table: str, raw: dict[str, str | None], record_id: str, says: str
) -> None:
    text, start = base_with(table, **raw)
    path = write(tmp_path / "base.toml", text)
    message = error_line(*run(capsys, "list", "-f", path), path)
    line, _ = location(message, path)
    assert line is not None and start <= line <= text.count("\n"), (start, message)
    assert f": {record_id}: " in message, message
    assert says in message.split(f": {record_id}: ", 1)[1], message


def test_duplicate_id_within_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text, start = base_with("projects", id='"m-1"')
    path = write(tmp_path / "base.toml", text)
    message = error_line(*run(capsys, "search", "项目", "-f", path), path)
    assert message.startswith(f"{path}:{start}: m-1: "), message
    assert "duplicate" in message
    first = text.splitlines().index('id = "m-1"')  # the header line above it, 1-based
    assert f"{path}:{first}" in message, message


def test_duplicate_id_across_merged_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    first = write(tmp_path / "a.toml", valid_base())
    second = write(tmp_path / "b.toml", block("metrics", name='"另一个"'))
    message = error_line(*run(capsys, "list", "-f", first, "-f", second), first, second)
    assert "m-1" in message and "duplicate" in message


def test_undefined_source_across_merged_files_is_fine(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A record may cite a source defined in another merged file: that is not an error."""
    first = write(tmp_path / "a.toml", SOURCE)
    second = write(tmp_path / "b.toml", block("metrics"))
    code, out, err = run(capsys, "list", "-f", first, "-f", second, "--format", "plain")
    assert (code, err) == (0, "")
    assert out.startswith("m-1\t")


TOP_LEVEL_CASES = [
    ("metrics-string", 'metrics = "oops"\n', "metrics"),
    ("metrics-integers", "metrics = [1, 2]\n", "metrics"),
    ("metrics-table", 'metrics = { id = "m-1" }\n', "metrics"),
    ("metrics-single-table", '[metrics]\nid = "m-1"\n', "metrics"),
    ("sources-string", 'sources = "src"\n', "sources"),
    ("unknown-top-level-key", "metric = []\n", "metric"),
]


@pytest.mark.parametrize(("text", "key"), [c[1:] for c in TOP_LEVEL_CASES], ids=[c[0] for c in TOP_LEVEL_CASES])
def test_top_level_shape_violation(capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, key: str) -> None:
    path = write(tmp_path / "base.toml", text)
    message = error_line(*run(capsys, "list", "-f", path), path)
    assert location(message, path)[0] == 1, message
    assert f"'{key}'" in message, message


@pytest.mark.parametrize("key", ["value", "investment", "capacity"])
@pytest.mark.parametrize("number", ["99999999999999999999", "-9223372036854775809"])
def test_integer_beyond_64_bits(capsys: pytest.CaptureFixture[str], tmp_path: Path, key: str, number: str) -> None:
    """TOML integers are 64-bit: a larger one is refused with a clear error, or kept exactly; never a crash."""
    table = "metrics" if key == "value" else "projects"
    text, _ = base_with(table, id='"x-1"', **{key: number})
    path = write(tmp_path / "base.toml", text)
    code, out, err = run(capsys, "list", "-f", path)
    if code == 2:
        message = error_line(code, out, err, path)
        assert location(message, path)[0] == text.splitlines().index(f"{key} = {number}") + 1, message
    else:
        assert (code, err) == (0, ""), (code, err)
        assert run(capsys, "get", "x-1", key, "-f", path)[:2] == (0, number + "\n")


def test_toml_date_literal_that_cannot_exist(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text, _start = base_with("milestones", id='"ms-x"', date="2023-02-30")
    path = write(tmp_path / "base.toml", text)
    message = error_line(*run(capsys, "list", "-f", path), path)
    line, column = location(message, path)
    assert line == text.splitlines().index("date = 2023-02-30") + 1
    assert column is not None


# ---------------------------------------------------------------------------- not a fact file


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"
    assert "no such file" in error_line(*run(capsys, "list", "-f", path), path)


def test_dangling_symlink(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "link.toml"
    path.symlink_to(tmp_path / "gone.toml")
    error_line(*run(capsys, "list", "-f", path), path)


def test_directory(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert "directory" in error_line(*run(capsys, "list", "-f", tmp_path), tmp_path)


def test_unreadable_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write(tmp_path / "secret.toml", valid_base())
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root: chmod 0 does not stop this process from reading the file")
        assert "permission" in error_line(*run(capsys, "list", "-f", path), path)
    finally:
        path.chmod(0o644)


def test_dev_null(capsys: pytest.CaptureFixture[str]) -> None:
    error_line(*run(capsys, "list", "-f", os.devnull), os.devnull)


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    path = tmp_path / "pipe.toml"
    os.mkfifo(path)
    error_line(*run_process("list", "-f", path, cache=tmp_path / "cache", timeout=20), path)


@pytest.mark.parametrize(
    "content",
    [
        bytes(range(256)) * 8,
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
        b"\x7fELF\x02\x01\x01" + bytes(100),
        b"PK\x03\x04\x14\x00" + os.urandom(300).replace(b"\n", b"x"),
        "标题 = 1\n".encode("gb18030"),
        valid_base().encode("utf-16"),
    ],
    ids=["all-bytes", "png", "elf", "zip", "gb18030", "utf-16"],
)
def test_binary_file(capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes) -> None:
    path = write(tmp_path / "binary.toml", content)
    message = error_line(*run(capsys, "list", "-f", path), path)
    assert location(message, path)[0] is not None, message


def test_huge_file_fails_fast_without_reading_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.toml"
    with open(path, "wb") as handle:
        handle.truncate(600 * 1024 * 1024)  # sparse: 600 MB of NUL bytes (over the 512 MB default) that take no disk
    opened: list[str] = []
    real_open = open

    def spy(file: object, *args: object, **kwargs: object) -> object:
        if isinstance(file, (str, os.PathLike)) and os.fspath(file) == str(path):
            opened.append(os.fspath(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", spy)
    code, out, err = run(capsys, "list", "-f", path)
    monkeypatch.undo()
    message = error_line(code, out, err, path)
    assert "large" in message and "MB" in message, message
    assert opened == [], "the file was opened"  # refused on its size: never read, so no memory blow-up


def test_huge_file_in_a_real_process(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    with open(path, "wb") as handle:
        handle.truncate(600 * 1024 * 1024)  # over the 512 MB default
    code, out, err = run_process("search", "异质结", "-f", path, cache=tmp_path / "cache")
    assert "large" in error_line(code, out, err, path)


def test_missing_file_in_a_real_process(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"
    error_line(*run_process("show", "m-1", "-f", path, cache=tmp_path / "cache"), path)


def test_second_file_broken(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    good = write(tmp_path / "good.toml", valid_base())
    bad = write(tmp_path / "bad.toml", "[[metrics]\n")
    message = error_line(*run(capsys, "list", "-f", good, "-f", bad), bad)
    assert location(message, bad) == (1, 10), message


# ---------------------------------------------------------------------------- accepted as valid


def plain_list(capsys: pytest.CaptureFixture[str], path: Path) -> str:
    code, out, err = run(capsys, "list", "-f", path, "--format", "plain")
    assert (code, err) == (0, ""), (code, err)
    return out


def test_bom_crlf_and_both_read_like_the_plain_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = valid_base()
    expected = plain_list(capsys, write(tmp_path / "plain.toml", text))
    assert [line.split("\t")[0] for line in expected.splitlines()] == ["m-1", "p-1", "ms-1"]
    crlf = text.replace("\n", "\r\n")
    assert plain_list(capsys, write(tmp_path / "bom.toml", b"\xef\xbb\xbf" + text.encode())) == expected
    assert plain_list(capsys, write(tmp_path / "crlf.toml", crlf)) == expected
    assert plain_list(capsys, write(tmp_path / "both.toml", b"\xef\xbb\xbf" + crlf.encode())) == expected


def test_errors_in_a_bom_crlf_file_point_at_the_right_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text, _start = base_with("metrics", id='"m-x"', year='"2023"')
    want = text.splitlines().index('year = "2023"') + 1
    lf = write(tmp_path / "lf.toml", text)
    both = write(tmp_path / "both.toml", b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    for path in (lf, both):
        message = error_line(*run(capsys, "list", "-f", path), path)
        assert message.startswith(f"{path}:{want}: m-x: year"), message


EMPTY_BASES = [
    ("zero-bytes", b""),
    ("newline", b"\n"),
    ("comment", b"# nothing yet\n"),
    ("bom-only", b"\xef\xbb\xbf"),
    ("crlf-blank", b"\r\n\r\n"),
    ("sources-only", SOURCE.encode()),
    ("empty-arrays", b"sources = []\nmetrics = []\nprojects = []\nmilestones = []\n"),
]


@pytest.mark.parametrize("content", [c[1] for c in EMPTY_BASES], ids=[c[0] for c in EMPTY_BASES])
def test_empty_base_lists_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes) -> None:
    path = write(tmp_path / "empty.toml", content)
    code, out, err = run(capsys, "list", "-f", path)
    assert (code, out) == (1, ""), (code, out, err)
    assert "error" not in err, err
    code, out, err = run(capsys, "check", path)
    assert (code, out) == (0, ""), (code, out, err)


def test_inline_array_base_is_valid(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The schema allows `metrics = [{ … }]` as well as `[[metrics]]` tables."""
    text = (
        'sources = [{ id = "src", title = "来源" }]\n'
        'metrics = [{ id = "m-1", name = "地区生产总值", year = 2023, value = 1730, unit = "亿元", '
        'source = "src", quote = "地区生产总值1730亿元" }]\n'
    )
    path = write(tmp_path / "inline.toml", text)
    assert plain_list(capsys, path).startswith("m-1\tmetric\t地区生产总值\t1730亿元\t")


# ---------------------------------------------------------------------------- facts check


def test_check_lists_every_problem_at_once(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    problems = {  # id -> the raw keys that break it, one problem each
        "a-1": ("metrics", {"year": '"2023"'}),
        "b-1": ("metrics", {"value": '"很多"'}),
        "c-1": ("metrics", {"value": "nan"}),
        "d-1": ("milestones", {"date": '"2023-02-30"'}),
        "e-1": ("milestones", {"date": '"2023-13"'}),
        "f-1": ("projects", {"name": None}),
        "g-1": ("projects", {"source": '"nope"'}),
        "h-1": ("metrics", {"unit": None}),
    }
    parts = [valid_base()]
    starts = {}
    for record_id, (table, raw) in problems.items():
        starts[record_id] = "\n".join(parts).count("\n") + 2
        parts.append(block(table, id=f'"{record_id}"', **raw))
    starts["m-1"] = "\n".join(parts).count("\n") + 2
    parts.append(block("projects", name='"重复"', id='"m-1"'))  # duplicate of the first metric
    text = "\n".join(parts)
    path = write(tmp_path / "many.toml", text)

    code, out, err = run(capsys, "check", path)
    assert code == 1, (code, out, err)
    lines = out.splitlines()
    assert len(lines) == len(problems) + 1, out
    found = {}
    for line in lines:
        matched = re.fullmatch(re.escape(str(path)) + r":(\d+): ([a-z0-9-]+): (.+)", line)
        assert matched, line
        found[matched.group(2)] = int(matched.group(1))
    assert set(found) == {*problems, "m-1"}
    for record_id, line in found.items():
        assert starts[record_id] <= line, (record_id, line)
        assert line < min([s for s in starts.values() if s > starts[record_id]], default=text.count("\n") + 2)
    assert err.count("\n") == 1 and "9 problems" in err, err


def test_check_of_a_clean_base(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write(tmp_path / "ok.toml", valid_base())
    code, out, err = run(capsys, "check", path)
    assert (code, out) == (0, "")
    assert "no problems" in err


def test_check_reports_problems_of_every_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    broken = write(tmp_path / "broken.toml", 'x = "unterminated\n')
    first = write(tmp_path / "a.toml", valid_base())
    second = write(tmp_path / "b.toml", block("metrics", name='"再一次"') + "\n" + block("milestones", id='"ms-9"', year='"x"'))
    code, out, err = run(capsys, "check", broken, first, second)
    assert code == 1, (code, out, err)
    lines = out.splitlines()
    assert len(lines) == 3, out
    assert lines[0].startswith(f"{broken}:1:"), lines
    duplicate = next(line for line in lines if "m-1" in line)
    assert duplicate.startswith(f"{second}:") and str(first) in duplicate, duplicate
    assert any(line.startswith(f"{second}:") and ": ms-9: year" in line for line in lines), lines


def test_check_reports_every_problem_of_one_record(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A record with a bad value and an undefined source has two problems; both are listed."""
    text, _ = base_with("metrics", id='"m-x"', value="nan", source='"nope"')
    path = write(tmp_path / "base.toml", text)
    code, out, _err = run(capsys, "check", path)
    assert code == 1
    assert any(": m-x: value" in line for line in out.splitlines()), out
    assert any(": m-x: " in line and "nope" in line for line in out.splitlines()), out


def test_check_reports_a_duplicate_of_a_broken_record(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Two records share an id; the first also has a bad date. Both problems are listed."""
    text = valid_base() + "\n" + block("milestones", id='"ms-x"', date='"2023-02-30"') + "\n" + block("milestones", id='"ms-x"')
    path = write(tmp_path / "base.toml", text)
    code, out, _err = run(capsys, "check", path)
    assert code == 1
    assert any(": ms-x: date" in line for line in out.splitlines()), out
    assert any(": ms-x: " in line and "duplicate" in line for line in out.splitlines()), out


@pytest.mark.parametrize("kind", ["missing", "directory", "dev-null"])
def test_check_cannot_read(capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str) -> None:
    good = write(tmp_path / "good.toml", valid_base())
    path = {"missing": tmp_path / "nowhere.toml", "directory": tmp_path, "dev-null": Path(os.devnull)}[kind]
    error_line(*run(capsys, "check", good, path), path)


def test_check_huge_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    with open(path, "wb") as handle:
        handle.truncate(600 * 1024 * 1024)  # over the 512 MB default
    assert "large" in error_line(*run(capsys, "check", path), path)
