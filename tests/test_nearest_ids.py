"""'Did you mean' over the ids of a big base: found through the id index, never a pass over all ids."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import pytest

from tongzhou_facts import nearest
from tongzhou_facts.index import Index

from .conftest import generated_base, run

pytestmark = pytest.mark.usefixtures("module_cache")  # the generated base is indexed once


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3,000 records (more than MAX_COMPARED ids): ids like event-108, talent-110, high-tech-119."""
    return generated_base(tmp_path_factory.mktemp("ids") / "ids.toml", 3000)


@pytest.fixture
def bounded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Fails on a read of every id; records how many choices each difflib call compares."""

    def every_id(*_: object, **__: object) -> None:
        raise AssertionError("'did you mean' read every id")

    monkeypatch.setattr(Index, "ids", every_id)
    sizes: list[int] = []
    real = difflib.get_close_matches

    def counting(word: str, possibilities: Any, n: int = 3, cutoff: float = 0.6) -> list[str]:
        possibilities = list(possibilities)
        sizes.append(len(possibilities))
        return real(word, possibilities, n, cutoff)

    monkeypatch.setattr(nearest.difflib, "get_close_matches", counting)
    return sizes


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("evnt-108", "event-108"),  # a letter missing
        ("evxnt-108", "event-108"),  # a letter wrong
        ("projetc-104", "project-104"),  # two letters swapped
        ("hightech-119", "high-tech-119"),  # a dash missing
        ("high-tech-11", "high-tech-119"),  # a digit missing
        ("high-tech-1199", "high-tech-119"),  # a digit too many
        ("industrial-otput-103", "industrial-output-103"),
        # Two typos, one in the head and one in the number. The head is mended first: event-
        # has more than MAX_COMPARED ids, and event-923 is not among the first of them.
        ("talnt-11o", "talent-110"),
        ("high-tech-shar-23", "high-tech-share-123"),
        ("evetn-923x", "event-923"),
        ("evnt-9066", "event-906"),
        ("prject-9155", "project-915"),
    ],
)
def test_a_mistyped_id_in_a_generated_base(
    capsys: pytest.CaptureFixture[str], base: Path, bounded: list[int], typed: str, meant: str
) -> None:
    code, _, err = run(capsys, "get", typed, "-f", base)
    assert code == 2
    assert f"no record with id '{typed}'; did you mean {meant}" in err, err
    assert bounded and max(bounded) <= 3 * nearest.MAX_COMPARED


def test_an_id_far_from_every_id_gets_no_suggestion(capsys: pytest.CaptureFixture[str], base: Path, bounded: list[int]) -> None:
    code, _, err = run(capsys, "show", "zzzz-qqqq", "-f", base)
    assert code == 2 and "did you mean" not in err, err
    assert max(bounded, default=0) <= 3 * nearest.MAX_COMPARED


def test_the_bundled_base_still_compares_with_every_id(capsys: pytest.CaptureFixture[str]) -> None:
    """Fewer ids than MAX_COMPARED: all of them are the candidates, in difflib's order (as before)."""
    _, _, err = run(capsys, "get", "gdp-2024")
    assert err.strip().endswith("did you mean gdp-2023 or gdp-growth-2023?")


def test_a_vocabulary_mends_the_head_of_a_word() -> None:
    """The same look-ups over a sorted list (check's dangling references)."""
    words = nearest.Vocabulary([f"event-{i * 13}" for i in range(600)] + [f"talent-{i * 13}" for i in range(600)])
    assert words.near("talnt-1o4") == ["talent-104"]  # two typos: the head mended, then one edit
    assert nearest.mended_heads("talnt-1o4", words._present) == ["talent-1o4"]
    assert nearest.mended_heads("event-5x", words._present) == []  # the head is right: nothing to mend
