"""The library does not depend on the command-line layer: no module outside `commands/` and
the entry points that dispatch to it imports `commands/` (CONTRIBUTING.md's rules). What a
command and a library caller both need (tools.py, behind the MCP server) lives in the library.
"""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "tongzhou_facts"
#: The command line's own modules: the entry point, the Typer app, and the stored help.
CLI_LAYER = {"cli.py", "app.py", "helptext.py"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function, relative ones resolved."""
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def test_no_library_module_imports_the_commands() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(m for m in imported(path) if m.startswith("tongzhou_facts.commands"))
        for path in PACKAGE.rglob("*.py")
        if "commands" not in path.relative_to(PACKAGE).parts[:1] and path.name not in CLI_LAYER
    }
    assert {path: found for path, found in offenders.items() if found} == {}


def test_the_check_sees_relative_imports_of_the_commands() -> None:
    """A positive control: the entry point's imports of commands/ are seen, and resolved."""
    assert "tongzhou_facts.commands.COMMANDS" in imported(PACKAGE / "cli.py")
    assert "tongzhou_facts.commands" in imported(PACKAGE / "cli.py")
    assert "tongzhou_facts.lookup" in imported(PACKAGE / "commands" / "cite.py")
