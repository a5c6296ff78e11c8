"""The import budget: a valid, piped command line never imports Typer, click or Rich.

Start-up is this tool's speed: the common commands run on the fast parser (argv.parse) and
write plain lines, so Typer (with its vendored click) and Rich are not imported, nor other
heavy modules the warm path does not need today. Each run is a fresh interpreter (the venv's
python) with stdout piped and XDG_CACHE_HOME in a tmp folder whose cache a warm-up run built.

What the process imported is read two ways: `sys.modules` printed after `cli.main` returns,
and `-X importtime` of the real entry point (`python -m tongzhou_facts`), where nothing can
be printed after the run. Positive controls (a table imports Rich, `--help` imports Typer)
prove each check can fail. No timings here: those belong in benchmarks/.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, subprocess_env

#: Never on the fast, piped path. Typer vendors click as typer._click; a stray `click` or
#: `pydantic` (Typer 0.29's dependency) is checked all the same.
UI_MODULES = ("typer", "click", "rich", "pydantic")

#: Stdlib modules a warm `search` or `get` does not import today (measured), some heavy
#: (inspect ~6 ms, typing's friends), some a sign that a slow path leaked into the warm one
#: (hashlib: fingerprinting a base; tomllib: reading the TOML instead of the cache;
#: difflib: "did you mean"; csv, pickle, tempfile, shutil: export or cache writing).
HEAVY_STDLIB = (
    "argparse",
    "ast",
    "asyncio",
    "bz2",
    "csv",
    "dataclasses",
    "decimal",
    "difflib",
    "email",
    "fractions",
    "gettext",
    "hashlib",
    "inspect",
    "locale",
    "logging",
    "lzma",
    "multiprocessing",
    "pathlib",
    "pickle",
    "random",
    "shutil",
    "socket",
    "subprocess",
    "tempfile",
    "textwrap",
    "threading",
    "urllib",
    "uuid",
    "zipfile",
)
#: The TOML parsers: tomli (compiled, faster) or the standard library's tomllib (load.py).
HEAVY = (*HEAVY_STDLIB, "tomllib", "tomli")

#: Runs `cli.main` on its arguments, then reports every imported module on stderr's last line
#: (stdout stays the command's, piped).
SCRIPT = (
    "import sys\n"
    "from tongzhou_facts.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "sys.stdout.flush()\n"
    "sys.stderr.write('\\nMODULES ' + repr(sorted(sys.modules)) + '\\n')\n"
    "sys.exit(code)\n"
)

COMMON_LINES = [
    ["search", "异质结"],
    ["search", "通州2023年GDP是多少"],
    ["ask", "通州2023年GDP是多少"],
    ["ask", "How many hospital beds are planned?"],
    ["get", "gdp-2023", "value"],
    ["list", "--kind", "project"],
    ["metrics", "--min", "100亿元"],
    ["show", "gdp-2023", "--format", "json"],
    ["cache", "info"],
]


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a warm run: a cache folder the bundled base was indexed into."""
    env = subprocess_env(XDG_CACHE_HOME=str(tmp_path_factory.mktemp("startup-cache")))
    warm_up = subprocess.run(
        [sys.executable, "-m", "tongzhou_facts", "search", "异质结"], cwd=ROOT, env=env, capture_output=True, check=False
    )
    assert warm_up.returncode == 0, warm_up.stderr.decode(errors="replace")
    return env


def imported(args: list[str], env: dict[str, str], **extra_env: str) -> set[str]:
    """Every module in sys.modules after `facts ARGS` ran in a fresh process, stdout piped."""
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args], cwd=ROOT, env={**env, **extra_env}, capture_output=True, text=True, check=False
    )
    head, marker, modules = done.stderr.rpartition("\nMODULES ")
    assert marker, done.stderr
    assert done.returncode == 0, head
    assert done.stdout, f"facts {' '.join(args)} printed nothing"
    found: set[str] = set(ast.literal_eval(modules.strip()))
    assert "tongzhou_facts.cli" in found  # the report is of the run it claims to be
    return found


def imported_by_the_entry_point(args: list[str], env: dict[str, str]) -> tuple[int, set[str]]:
    """The modules `python -X importtime -m tongzhou_facts ARGS` imported (stdout piped)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "tongzhou_facts", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    # "import time:  self [us] | cumulative | imported package", the name indented by depth.
    found = {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2 and "imported package" not in line
    }
    assert "tongzhou_facts.cli" in found, done.stderr[-2000:]
    return done.returncode, found


def top_level(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in names)


@pytest.mark.parametrize("args", COMMON_LINES, ids=" ".join)
def test_a_common_piped_line_imports_neither_typer_nor_rich(args: list[str], warm_cache: dict[str, str]) -> None:
    assert top_level(imported(args, warm_cache), UI_MODULES) == []


def test_the_real_entry_point_imports_neither_typer_nor_rich(warm_cache: dict[str, str]) -> None:
    code, found = imported_by_the_entry_point(["search", "异质结"], warm_cache)
    assert code == 0
    assert top_level(found, UI_MODULES) == []


@pytest.mark.parametrize(
    "args", [["search", "异质结"], ["get", "gdp-2023", "value"], ["ask", "通州2023年GDP是多少"]], ids=" ".join
)
def test_a_warm_common_line_imports_no_heavy_stdlib_module(args: list[str], warm_cache: dict[str, str]) -> None:
    assert top_level(imported(args, warm_cache), HEAVY) == []


#: Taken off the warm lookups by the start-up work of issue 14: `signal` (it builds three enums
#: when imported; cli.py sets its handler through `_signal`), query.py (listings stream rows
#: through it; a search or get does not), and the stored help; and, since issue 11, the
#: figure look-up of a number query (match/amounts.py and units.py: only for a query with a digit);
#: `zlib` (a shared library: the cache file is named by cache._fnv1a) and `importlib` (the
#: command's module is imported with `__import__`).
LEAN = (
    "signal",
    "tongzhou_facts.query",
    "tongzhou_facts.helptext",
    "tongzhou_facts.match.amounts",
    "tongzhou_facts.units",
    "zlib",
    "importlib",
)


@pytest.mark.parametrize("args", [["search", "异质结"], ["get", "gdp-2023", "value"]], ids=" ".join)
def test_a_warm_lookup_imports_none_of_what_start_up_work_removed(args: list[str], warm_cache: dict[str, str]) -> None:
    assert sorted(set(LEAN) & imported(args, warm_cache)) == []


#: Rich's modules a search's table does not draw with: its "under" layout (the default fields in
#: 80 columns, as here, and in 100: benchmarks/run.py's terminal) is printed line by line as
#: Text, so rich.table (with fractions and decimal, through rich._ratio) and rich.box wait for
#: a drawing that uses them (render.py).
TABLE_LEAN = ("rich.table", "rich.box", "rich._ratio", "fractions", "decimal")


@pytest.mark.parametrize("columns", ["80", "100"])
def test_a_search_table_imports_only_the_rich_it_draws_with(columns: str, warm_cache: dict[str, str]) -> None:
    found = imported(["search", "异质结", "--format", "table"], warm_cache, COLUMNS=columns)
    assert "rich.console" in found
    assert sorted(set(TABLE_LEAN) & found) == []


def test_a_grid_table_does_import_rich_table(warm_cache: dict[str, str]) -> None:
    """The check above can fail: a listing wide enough for its columns is a rich.table.Table."""
    assert set(TABLE_LEAN) <= imported(["list", "--format", "table"], warm_cache, COLUMNS="200")


def test_a_listing_does_import_query(warm_cache: dict[str, str]) -> None:
    """The check above can fail: a listing streams its rows through query.py, and a number
    query looks its figure up."""
    assert "tongzhou_facts.query" in imported(["list", "--kind", "project"], warm_cache)
    assert "tongzhou_facts.match.amounts" in imported(["search", "1730"], warm_cache)


HELP_LINES = [
    ["--help"],
    ["-h"],
    ["search", "--help"],
    ["get", "-h"],
    ["cache", "info", "--help"],
    ["--version"],
    ["help", "search"],
]


@pytest.mark.parametrize("args", HELP_LINES, ids=" ".join)
def test_help_and_version_import_neither_typer_nor_rich_nor_the_base(args: list[str], warm_cache: dict[str, str]) -> None:
    """Help is stored text (helptext.py): no Typer, and no reason to open the base or its cache."""
    found = imported(args, warm_cache, COLUMNS="80")
    assert top_level(found, UI_MODULES) == []
    assert top_level(found, (*HEAVY, "sqlite3", "json")) == []
    assert "tongzhou_facts.cache" not in found


# ---------------------------------------------------------------------------- the checks can fail


def test_a_table_does_import_rich(warm_cache: dict[str, str]) -> None:
    found = imported(["search", "异质结", "--format", "table"], warm_cache)
    assert "rich" in found
    assert top_level(found, ("typer", "click")) == []  # a table is still the fast parser's


def test_help_on_a_narrow_terminal_does_import_typer(warm_cache: dict[str, str]) -> None:
    """The stored help is for 80 columns or more (helptext.py): narrower, Typer wraps it."""
    assert "typer" in imported(["search", "--help"], warm_cache, COLUMNS="60")


def test_the_entry_point_check_sees_typer_when_it_is_imported(warm_cache: dict[str, str]) -> None:
    code, found = imported_by_the_entry_point(["search", "--help"], {**warm_cache, "COLUMNS": "60"})
    assert code == 0
    assert "typer" in found


def test_the_heavy_list_is_of_real_module_names() -> None:
    """A typo in HEAVY_STDLIB would make its check pass for nothing."""
    assert set(HEAVY_STDLIB) <= set(sys.stdlib_module_names)


def test_a_cold_run_does_import_what_the_warm_one_must_not(tmp_path: Path) -> None:
    """Building the cache reads the TOML and fingerprints it: the heavy check sees that."""
    cold = subprocess_env(XDG_CACHE_HOME=str(tmp_path / "cold"))
    assert {"tomli", "hashlib"} <= set(top_level(imported(["search", "异质结"], cold), HEAVY))


# ---------------------------------------------------------------------------- the fast exit

#: Runs the console script's `run` with an object whose finaliser writes to stderr: it runs
#: only if Python tears itself down (an ordinary exit), not after os._exit.
EXIT_SCRIPT = (
    "import sys\n"
    "class Witness:\n"
    "    def __del__(self):\n"
    "        sys.stderr.write('torn down\\n')\n"
    "witness = Witness()\n"
    "if sys.argv[1] == 'atexit':\n"
    "    import atexit\n"
    "    atexit.register(lambda: sys.stderr.write('atexit ran\\n'))\n"
    "from tongzhou_facts.cli import run\n"
    "sys.argv = ['facts', 'get', 'gdp-2023', 'value']\n"
    "run()\n"
)


def run_console_script(mode: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", EXIT_SCRIPT, mode], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def test_the_console_script_ends_without_tearing_python_down(warm_cache: dict[str, str]) -> None:
    done = run_console_script("plain", warm_cache)
    assert (done.returncode, done.stdout, done.stderr) == (0, "1730\n", "")


def test_the_console_script_collects_young_objects_in_larger_batches(warm_cache: dict[str, str]) -> None:
    """cli.run raises the collector's first threshold (GC_YOUNG); `main`, which tests and
    programs call, leaves the process's collector as it was."""
    script = (
        "import atexit, gc, sys\n"
        "from tongzhou_facts import cli\n"
        "before = gc.get_threshold()\n"
        "cli.main(['get', 'gdp-2023', 'value'])\n"
        "assert gc.get_threshold() == before, before\n"
        "atexit.register(lambda: sys.stderr.write(f'{gc.get_threshold()[0]} {cli.GC_YOUNG}'))\n"
        "sys.argv = ['facts', 'get', 'gdp-2023', 'value']\n"
        "cli.run()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=warm_cache, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    threshold, wanted = done.stderr.split()
    assert threshold == wanted


def test_an_atexit_callback_gets_an_ordinary_exit(warm_cache: dict[str, str]) -> None:
    done = run_console_script("atexit", warm_cache)
    assert (done.returncode, done.stdout) == (0, "1730\n")
    assert "atexit ran" in done.stderr and "torn down" in done.stderr
