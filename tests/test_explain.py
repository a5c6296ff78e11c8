"""A terminal that explains itself: an empty result says why and what there is instead, a cut
search says how many it left out, and a pipe hears none of it (exit 1 says "nothing").

Most tests run `cli.main` in this process with an `Environment` that plays a terminal or a
pipe (its streams are StringIO); a few run the real `facts` on a pseudo-terminal and a pipe.
"""

from __future__ import annotations

import doctest
import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import tongzhou_facts as tf
from tongzhou_facts import explain
from tongzhou_facts.cli import main
from tongzhou_facts.env import Environment
from tongzhou_facts.index import Index
from tongzhou_facts.match import engine

from .conftest import ROOT, subprocess_env

pytestmark = pytest.mark.usefixtures("module_cache")


def facts(*args: str, terminal: bool = True) -> tuple[int, str, str]:
    """`facts ARGS` with stdout a terminal (or a pipe): (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), Environment(out, err, is_terminal=terminal, color=False, width=100))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def index() -> Index:
    return tf.open_index()


# ---------------------------------------------------------------------------- empty listings, on a terminal

EMPTY = [
    (["list", "--year", "2019"], "no facts for 2019; the base covers 2023-2024"),
    (["list", "--kind", "project", "--year", "2019"], "no projects for 2019; the base's projects cover 2023"),
    (
        ["list", "--category", "nosuch"],
        "no facts in category nosuch; the base has categories agriculture, business, economy, education, fiscal, "
        "health, honour, industry, … (16 in all)",
    ),
    # 上海 is a place of the base, but of a milestone: a project's places are what it lists
    (["list", "--kind", "project", "--place", "上海"], "no projects in 上海; the base's projects have places 川姜镇, 金沙湾片区"),
    (["projects", "--place", "上海"], "no projects in 上海; the base's projects have places 川姜镇, 金沙湾片区"),
    # each filter exists, not together: the values the other filters leave
    (["metrics", "--year", "2024", "--category", "health"], "no metrics for 2024 with --category health; those cover 2023"),
    (
        ["list", "--kind", "milestone", "--year", "2023", "--place", "nowhere"],
        "no milestones in nowhere with --year 2023; those have places 南通高新区, 平潮, 金沙湾片区",
    ),
    (
        ["metrics", "--unit", "万元"],
        "no metrics in 万元; the base's metrics have units %, 万亩, 万人, 万平方米, 个, 亩, 亿元, 名, … (14 in all)",
    ),
    (
        ["projects", "--status", "完工"],
        "no projects with status 完工; the base's projects have statuses 交付使用, 全线贯通, 全面建成, 在建, 封顶, 开工, 引进, "
        "投用, … (11 in all)",
    ),
    (["metrics", "--min", "5000亿元"], "no metrics of at least 5000亿元; in 亿元 their values range from 75 to 2600"),
    (
        ["metrics", "--min", "50000000万元"],
        "no metrics of at least 50000000万元; in 万元 their values range from 750000 to 26000000",
    ),
    (["metrics", "--min", "100000"], "no metrics of at least 100000; as written their values range from 1 to 2600"),
    (
        ["metrics", "--min", "2", "--max", "2.5", "--unit", "%"],
        "no metrics between 2 and 2.5 with --unit %; as written their values range from 6.5 to 82",
    ),
    (
        ["projects", "--min-investment", "500亿元"],
        "no projects investing at least 500亿元; in 亿元 their investments range from 18.49 to 70",
    ),
    (
        ["projects", "--min-investment", "500亿元", "--status", "开工"],
        "no projects investing at least 500亿元 with --status 开工; in 亿元 their investments are all 70",
    ),
    (["milestones", "--since", "2025"], "no milestones from 2025 on; the base's milestones run from 2023 to 2024-01-01"),
    (["milestones", "--until", "2022-12"], "no milestones up to 2022-12; the base's milestones run from 2023 to 2024-01-01"),
    (
        ["milestones", "--since", "2023-10", "--until", "2023-11", "--category", "honour"],
        "no milestones from 2023-10 to 2023-11 with --category honour; those all date from 2023",
    ),
    (
        ["timeline", "--since", "2025"],
        "no dated milestones from 2025 on; the base's dated milestones run from 2023-09 to 2024-01-01",
    ),
    (
        ["chart", "--unit", "GW"],
        "no metrics in GW; the base's metrics have units %, 万亩, 万人, 万平方米, 个, 亩, 亿元, 名, … (14 in all)",
    ),
    (
        ["chart", "--measure", "nosuch"],
        "no metrics of measure nosuch; the base's metrics have measures area, count, decline, growth, investment, level, share",
    ),
    (
        ["chart", "--unit", "%", "--measure", "nosuch"],
        "no metrics of measure nosuch with --unit %; those have measures decline, growth, share",
    ),
    (["chart", "--unit", "万元", "--year", "2024"], "no metrics for 2024 with --unit 万元; those cover 2023"),
]


@pytest.mark.parametrize(("args", "line"), EMPTY, ids=[" ".join(a) for a, _ in EMPTY])
def test_an_empty_listing_on_a_terminal_says_why_in_one_line(args: list[str], line: str) -> None:
    code, out, err = facts(*args)
    assert (code, out) == (1, "")
    assert err == f"facts: {line}\n"


@pytest.mark.parametrize(("args", "line"), EMPTY, ids=[" ".join(a) for a, _ in EMPTY])
def test_an_empty_listing_in_a_pipe_is_silent(args: list[str], line: str) -> None:
    del line
    assert facts(*args, terminal=False) == (1, "", "")


def test_the_values_offered_are_those_of_the_kind(index: Index) -> None:
    """Every status offered is a project's; every place offered for projects is a project's."""
    statuses = {str(r.get("status")) for r in index.records() if r.kind == "project" and r.get("status")}
    err = facts("projects", "--status", "完工")[2]
    offered = err.split("statuses ", 1)[1].split(", … (")[0].split(", ")
    assert offered and set(offered) <= statuses
    assert f"({len(statuses)} in all)" in err


def test_json_on_a_terminal_still_prints_an_empty_array() -> None:
    said = "facts: no facts for 2019; the base covers 2023-2024\n"
    assert facts("list", "--year", "2019", "--format", "json") == (1, "[]\n", said)
    assert facts("list", "--year", "2019", "--format", "json", terminal=False) == (1, "[]\n", "")


def test_a_result_that_is_not_empty_says_nothing() -> None:
    for args in (["list", "--year", "2023"], ["projects", "--status", "开工"], ["metrics", "--min", "100亿元"], ["chart"]):
        code, out, err = facts(*args)
        assert code == 0 and out and err == "", args


def test_a_base_without_the_kind(tmp_path: Path) -> None:
    base = tmp_path / "metrics-only.toml"
    base.write_text(
        '[[sources]]\nid = "s"\ntitle = "t"\n\n[[metrics]]\nid = "m"\nname = "指标"\nyear = 2023\nvalue = 1\nunit = "个"\n'
        'source = "s"\nquote = "q"\n',
        encoding="utf-8",
    )
    assert facts("projects", "-f", str(base)) == (1, "", "facts: the base has no projects\n")
    assert facts("timeline", "-f", str(base)) == (1, "", "facts: the base has no dated milestones\n")


def test_the_explanation_of_data_is_escaped(tmp_path: Path) -> None:
    base = tmp_path / "hostile.toml"
    base.write_text(
        '[[sources]]\nid = "s"\ntitle = "t"\n\n[[metrics]]\nid = "m"\nname = "指标"\nyear = 2023\nvalue = 1\nunit = "个"\n'
        'category = "evil\\u001b[2J\\nline"\nsource = "s"\nquote = "q"\n',
        encoding="utf-8",
    )
    code, _, err = facts("list", "--category", "x\x1b]0;t\x07", "-f", str(base))
    assert code == 1 and err.count("\n") == 1 and "\x1b" not in err and "\x07" not in err
    assert "evil\\u001b[2J\\nline" in err


# ---------------------------------------------------------------------------- search: nothing found


def test_a_filter_that_took_every_match_says_so() -> None:
    code, out, err = facts("search", "异质结", "--year", "2019")
    assert (code, out) == (1, "")
    assert err == "facts: '异质结' matches 5 facts, none of them for 2019 (the base covers 2023-2024)\n"
    err = facts("search", "异质结", "--kind", "milestone", "--year", "2024")[2]
    assert err == "facts: '异质结' matches 5 facts, none of them milestones for 2024 (the base's milestones cover 2023-2024)\n"
    said = "facts: 'hospital beds' matches 1 fact, not for 2024 (the base covers 2023-2024)\n"
    assert facts("search", "hospital beds", "--year", "2024")[2] == said


def test_a_question_about_a_year_the_base_lacks_says_so() -> None:
    """The year of a question filters its search as --year does: its did-you-mean never offers
    another year's records (here: 2023's GDP for a question about 2019)."""
    for question in ("通州2019年GDP是多少", "What was Tongzhou's GDP in 2019?"):
        code, out, err = facts("search", question)
        assert (code, out) == (1, "")
        assert err == f"facts: {question!r} asks about 2019; the base covers 2023-2024\n"
        assert facts("search", question, terminal=False) == (1, "", "")
    said = "facts: '通州2019年GDP是多少' asks about 2019; the base's metrics cover 2023\n"
    assert facts("search", "通州2019年GDP是多少", "--kind", "metric")[2] == said


def test_a_did_you_mean_never_offers_what_the_filters_exclude(index: Index) -> None:
    """异质结 holds only records of 2023: with --year 2019 no name of them is offered, on a
    terminal or in a pipe; 启动农贸市场提升三年行动 is a milestone: not offered to --kind metric."""
    names = [hit.record.name for hit in tf.search(index, "异质结")]
    for terminal in (True, False):
        err = facts("search", "异质结", "--year", "2019", terminal=terminal)[2]
        assert not any(name in err for name in names), err
        assert "did you mean" not in err
    near = "启动农贸市场提升三年行动"
    assert near in facts("search", "农贸批发大市场", terminal=False)[2]  # in a pipe, as it always was
    assert near in facts("search", "农贸批发大市场", "--kind", "milestone")[2]
    assert facts("search", "农贸批发大市场", "--kind", "metric") == (1, "", "facts: nothing matched '农贸批发大市场'\n")
    assert facts("search", "农贸批发大市场", "--kind", "metric", terminal=False) == (1, "", "")
    assert facts("search", "农贸批发大市场", "--year", "2024", terminal=False) == (1, "", "")


def test_suggestions_take_the_filters_and_the_old_call_still_works(index: Index) -> None:
    near = "启动农贸市场提升三年行动"
    assert tf.suggestions(index, "农贸批发大市场") == [near]
    assert tf.suggestions(index, "农贸批发大市场", 3) == [near]
    assert tf.suggestions(index, "农贸批发大市场", kind="milestone", year=2023) == [near]
    assert tf.suggestions(index, "农贸批发大市场", kind="metric") == []
    assert tf.suggestions(index, "农贸批发大市场", year=2024) == []


def test_suggestions_among_near_names_of_two_years(tmp_path: Path) -> None:
    """Names alike in two years: a filtered 'did you mean' offers only its year's."""
    records = "".join(
        f'[[metrics]]\nid = "m{year}-{n}"\nname = "{name}"\nyear = {year}\nvalue = 1\nunit = "个"\nsource = "s"\nquote = "q"\n\n'
        for year, names in ((2022, ("农贸市场改造数量", "农贸市场新建数量")), (2023, ("农贸市场提升数量", "农贸市场整治数量")))
        for n, name in enumerate(names)
    )
    base = tmp_path / "two-years.toml"
    base.write_text('[[sources]]\nid = "s"\ntitle = "t"\n\n' + records, encoding="utf-8")
    index = tf.open_index([str(base)])
    assert tf.search(index, "农贸批发市场总量") == []
    everywhere = tf.suggestions(index, "农贸批发市场总量")
    assert {"农贸市场改造数量", "农贸市场提升数量"} & set(everywhere)
    for year, own in ((2022, {"农贸市场改造数量", "农贸市场新建数量"}), (2023, {"农贸市场提升数量", "农贸市场整治数量"})):
        offered = tf.suggestions(index, "农贸批发市场总量", year=year)
        assert offered and set(offered) <= own, (year, offered)
        err = facts("search", "农贸批发市场总量", "--year", str(year), "-f", str(base), terminal=False)[2]
        assert all(name in own for name in offered) and not any(name in err for name in everywhere if name not in own)


def test_nothing_at_all_on_a_terminal_says_so() -> None:
    assert facts("search", "zzzqqq") == (1, "", "facts: nothing matched 'zzzqqq'\n")
    assert facts("search", "zzzqqq", terminal=False) == (1, "", "")


# ---------------------------------------------------------------------------- search: cut at --limit


def test_a_cut_search_says_how_many_on_a_terminal(index: Index) -> None:
    total = len(tf.search(index, "2023"))
    assert total > 20
    code, out, err = facts("search", "2023")
    assert code == 0 and out
    assert err == f"facts: showing 20 of {total} (use -n to see more)\n"
    assert facts("search", "2023", "-n", "5")[2] == f"facts: showing 5 of {total} (use -n to see more)\n"
    assert facts("search", "2023", "-n", str(total))[2] == ""


def test_a_cut_search_in_a_pipe_is_silent() -> None:
    code, out, err = facts("search", "2023", terminal=False)
    assert code == 0 and len(out.splitlines()) == 20 and err == ""


def test_a_cut_question_counts_its_answers(index: Index) -> None:
    question = "通州2023年GDP是多少"
    total = len(tf.search(index, question))
    assert 1 < total < 60
    assert facts("search", question, "-n", "1")[2] == f"facts: showing 1 of {total} (use -n to see more)\n"


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ("2023", {}),
        ("亿元", {"kind": "metric"}),
        ("异质结", {"year": 2023}),
        ("hospital beds", {}),
        ("通州2023年GDP是多少", {}),
        ("农贸市厂", {}),
        ("jsw", {}),
    ],
)
def test_search_counted_is_search_with_its_total(index: Index, query: str, filters: dict[str, Any]) -> None:
    everything = tf.search(index, query, **filters)
    for limit in (None, 1, 3):
        counted = engine.search_counted(index, query, limit=limit, **filters)
        assert counted.hits == tf.search(index, query, limit=limit, **filters)
        assert (counted.total, counted.exact) == (len(everything), True)


def test_a_search_is_counted_whole_however_many_match(index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    """The search's own look-ups are never cut short (the ranking is exact), so its total is exact."""
    monkeypatch.setattr(engine, "MAX_CANDIDATES", 10)
    counted = engine.search_counted(index, "2023", limit=5)
    assert counted.exact and counted.total == len(tf.search(index, "2023")) > 10


def test_a_look_up_that_stopped_at_its_limit_is_at_least(index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    """A question's look-ups stop at MAX_CANDIDATES rows: its total is then a lower bound."""
    monkeypatch.setattr(engine, "MAX_CANDIDATES", 10)
    counted = engine.search_counted(index, "通州的GDP是多少", limit=1)
    assert not counted.exact and counted.total >= 1
    assert (
        facts("search", "通州的GDP是多少", "-n", "1")[2] == f"facts: showing 1 of at least {counted.total} (use -n to see more)\n"
    )


def test_cut() -> None:
    assert explain.cut(20, 57) == "showing 20 of 57 (use -n to see more)"
    assert explain.cut(20, 60, exact=False) == "showing 20 of at least 60 (use -n to see more)"
    assert explain.cut(20, 20) is None and explain.cut(20, 20, exact=False) is None


# ---------------------------------------------------------------------------- the library, and its cost


def test_the_docstring_examples_are_true() -> None:
    failed, tried = doctest.testmod(explain, optionflags=doctest.ELLIPSIS)
    assert tried >= 5 and failed == 0


def test_an_explanation_reads_no_record(index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    """It asks the index small questions (DISTINCT, min, max), never for the records: cheap on a
    million. Every way of reading records fails here."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("an explanation read records")

    for name in ("select", "rows", "records", "fetch", "by_numbers", "get", "search_fields"):
        monkeypatch.setattr(Index, name, refuse)
    filters = [
        explain.Filters(year=2019),
        explain.Filters(kind="project", status="完工", place="川姜镇"),
        explain.Filters(kind="metric", unit="万元", at_least="1亿元"),
        explain.Filters(kind="metric", at_least="5000亿元"),
        explain.Filters(kind="project", min_investment="500亿元"),
        explain.Filters(kind="milestone", since="2025", dated=True),
        explain.Filters(kind="metric", unit="GW", unit_family=True, measure="growth"),
    ]
    for chosen in filters:
        assert explain.nothing(index, chosen).startswith(("no ", "the base has no "))


def test_explain_is_imported_only_for_an_empty_or_cut_result(module_cache: Path) -> None:
    script = (
        "import io, sys\n"
        "from tongzhou_facts.cli import main\n"
        "from tongzhou_facts.env import Environment\n"
        "def run(*args, terminal):\n"
        "    main(list(args), Environment(io.StringIO(), io.StringIO(), is_terminal=terminal))\n"
        "    return 'tongzhou_facts.explain' in sys.modules\n"
        "found = [run('search', '异质结', terminal=True), run('search', '异质结', terminal=False),\n"
        "         run('list', '--year', '2023', terminal=True), run('search', '2023', terminal=False)]\n"
        "found.append(run('search', '2023', terminal=True))\n"
        "print(found)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=subprocess_env(XDG_CACHE_HOME=str(module_cache)),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[False, False, False, False, True]"


# ---------------------------------------------------------------------------- the real thing


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
def test_a_real_terminal_and_a_real_pipe() -> None:
    from .test_terminal import on_tty, piped

    code, screen, err = on_tty("list", "--year", "2019")
    assert (code, screen, err) == (1, "", "facts: no facts for 2019; the base covers 2023-2024\n")
    code, screen, err = on_tty("search", "2023", "-n", "3", "--no-color")
    assert code == 0 and "ID" in screen and err.startswith("facts: showing 3 of ")
    for args in (["list", "--year", "2019"], ["search", "2023", "-n", "3"], ["search", "异质结", "--year", "2019"]):
        done = piped(*args)
        assert done.stderr == b"", args
    assert piped("list", "--year", "2019").returncode == 1


def test_an_english_status_is_explained_as_the_status_it_stands_for() -> None:
    code, out, err = facts("projects", "--status", "topped out", "--year", "2019")
    assert (code, out) == (1, "")
    assert "封顶" in err and "topped out" not in err


def test_filters_compare_by_value() -> None:
    from tongzhou_facts.explain import Filters

    assert Filters(year=2019, place="上海") == Filters(place="上海", year=2019)
    assert Filters(year=2019) != Filters(year=2020)
    assert repr(Filters(kind="project", dated=True)) == "Filters(kind='project', dated=True)"
