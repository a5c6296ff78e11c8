"""The source, identified: [[sources]] `sha256` names the text a base was checked against, and
`facts check --source FILE` says whether FILE is that text (and still checks every quote).

The hash is of the text normalised as docs/schema.md says: UTF-8, no byte-order mark, LF
line ends (CR LF and CR become LF), nothing else changed.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

import tongzhou_facts as tf
from tongzhou_facts.check import source_sha256

from .conftest import BASE, ROOT, SOURCE, run

pytestmark = pytest.mark.usefixtures("module_cache")

TEXT = "第一段:通州预计实现地区生产总值1730亿元。\n\n第二段:新增鲁班奖两项。\n"
DIGEST = hashlib.sha256(TEXT.encode("utf-8")).hexdigest()


def write_base(path: Path, sha256: str | None = DIGEST, quote: str = "新增鲁班奖两项") -> Path:
    line = f'sha256 = "{sha256}"\n' if sha256 else ""
    path.write_text(
        f'[[sources]]\nid = "paper"\ntitle = "报道"\n{line}\n'
        f'[[milestones]]\nid = "luban"\nname = "鲁班奖"\nyear = 2023\nsource = "paper"\nquote = "{quote}"\n',
        encoding="utf-8",
    )
    return path


def write_text(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


MATCHES = "facts: source paper: {path} is the text the base was checked against (sha256 matches)\n"
SUMMARY = "facts: checked 1 records in 1 file, quotes checked against the source: {verdict}\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        TEXT.replace("\n", "\r\n").encode("utf-8"),  # Windows line ends
        TEXT.replace("\n", "\r").encode("utf-8"),  # old Mac line ends
        b"\xef\xbb\xbf" + TEXT.replace("\n", "\r\n").encode("utf-8"),  # and a byte-order mark
    ],
    ids=["lf", "crlf", "cr", "bom-crlf"],
)
def test_the_same_text_matches_whatever_its_line_ends(capsys: pytest.CaptureFixture[str], tmp_path: Path, data: bytes) -> None:
    base = write_base(tmp_path / "base.toml")
    text = write_text(tmp_path / "article.txt", data)
    code, out, err = run(capsys, "check", base, "--source", text)
    assert (code, out) == (0, "")
    assert err == MATCHES.format(path=text) + SUMMARY.format(verdict="no problems")


def test_a_different_text_whose_quotes_verify_is_a_warning_and_exit_0(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = write_base(tmp_path / "base.toml")
    changed = TEXT.replace("第一段", "第1段")
    text = write_text(tmp_path / "copy.txt", changed.encode("utf-8"))
    code, out, err = run(capsys, "check", base, "--source", text)
    found = hashlib.sha256(changed.encode("utf-8")).hexdigest()
    assert (code, out) == (0, "")
    assert err == (
        f"facts: warning: source paper: {text} differs from the text the base was checked against "
        f"(sha256 {found}, expected {DIGEST})\n" + SUMMARY.format(verdict="no problems")
    )


def test_a_different_text_missing_a_quote_is_a_problem_too(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = write_base(tmp_path / "base.toml")
    text = write_text(tmp_path / "other.txt", "另一篇文章。\n".encode())
    code, out, err = run(capsys, "check", base, "--source", text)
    assert code == 1
    assert re.fullmatch(r".*base\.toml:\d+: luban: quote not found verbatim in the source: '新增鲁班奖两项'\n", out)
    assert "facts: warning: source paper: " in err and err.endswith(SUMMARY.format(verdict="1 problem"))


def test_a_source_without_sha256_gets_no_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = write_base(tmp_path / "base.toml", sha256=None)
    text = write_text(tmp_path / "article.txt", TEXT.encode("utf-8"))
    assert run(capsys, "check", base, "--source", text) == (0, "", SUMMARY.format(verdict="no problems"))


def test_the_id_form_of_source(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = write_base(tmp_path / "base.toml")
    text = write_text(tmp_path / "article.txt", TEXT.encode("utf-8"))
    code, _, err = run(capsys, "check", base, "--source", f"paper={text}")
    assert code == 0 and err.startswith(MATCHES.format(path=text))


def test_no_source_no_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = write_base(tmp_path / "base.toml")
    assert run(capsys, "check", base) == (0, "", "facts: checked 1 records in 1 file: no problems\n")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ABC", "sha256: malformed SHA-256 'ABC': write its 64 hexadecimal digits in lower case"),
        (DIGEST.upper(), f"sha256: malformed SHA-256 '{DIGEST.upper()[:20]}…': write its 64 hexadecimal digits in lower case"),
    ],
)
def test_a_malformed_sha256_is_a_problem(capsys: pytest.CaptureFixture[str], tmp_path: Path, value: str, message: str) -> None:
    base = write_base(tmp_path / "base.toml", sha256=value)
    code, out, _ = run(capsys, "check", base)
    assert code == 1
    assert out.splitlines()[0] == f"{base}:1: paper: {message}"  # then: the record's source is not defined


def test_the_normalisation_is_the_documented_one() -> None:
    assert source_sha256("a\r\nb\rc\n") == hashlib.sha256(b"a\nb\nc\n").hexdigest()
    assert source_sha256("a \n\n") == hashlib.sha256(b"a \n\n").hexdigest()  # no trimming
    assert source_sha256("é") != source_sha256("e\u0301")  # no Unicode normalisation
    schema = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    assert "CR LF" in schema and "byte-order mark" in schema and "no Unicode normalisation" in schema


# ---------------------------------------------------------------------------- the bundled base


def test_the_bundled_base_names_the_article_and_the_readme_says_which(capsys: pytest.CaptureFixture[str]) -> None:
    """The README tells a reader which document the base was checked against: the hash it
    prints is the base's, and `facts check --source` proves it of the article itself."""
    expected = tf.load().sources["tongzhou-2023-review"].extra["sha256"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.findall(r"\b[0-9a-f]{64}\b", readme) == [expected]
    if not SOURCE.is_file():
        pytest.skip("needs the source article, ../shared/sources/tongzhou-2023-review.txt beside this checkout")
    assert source_sha256(SOURCE.read_bytes().decode("utf-8-sig")) == expected
    code, out, err = run(capsys, "check", BASE, "--source", SOURCE)
    assert (code, out) == (0, "")
    assert err.startswith(f"facts: source tongzhou-2023-review: {SOURCE} is the text the base was checked against")
