"""tongzhou_facts: a fact base of metrics, projects and milestones, and the library behind `facts`.

    >>> import tongzhou_facts as tf
    >>> base = tf.load()                     # the bundled base, validated
    >>> base.get("gdp-2023").value
    1730
    >>> index = tf.open_index()              # the searchable form, cached between runs
    >>> tf.search(index, "异质结")[0].record.id
    'lianshen-12gw-hjt-cell-project'

Names are imported on first use (PEP 562), so `import tongzhou_facts` costs
almost nothing: the CLI's start-up is its speed.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# `load` is both a module and its main function: bind the function now, so that a
# later `import tongzhou_facts.load` cannot leave the module in its place.
from .load import Base, Problem, bundled_path, load

if TYPE_CHECKING:
    from .errors import BaseError, ExitStatus, FactsError, UsageError
    from .index import Index
    from .match import Hit, search, suggestions
    from .model import Record, Source

_LAZY = {
    "BaseError": "errors",
    "ExitStatus": "errors",
    "FactsError": "errors",
    "UsageError": "errors",
    "Record": "model",
    "Source": "model",
    "Index": "index",
    "Hit": "match",
    "search": "match",
    "suggestions": "match",
}


def open_index(paths: Sequence[str] | None = None) -> Index:
    """The searchable index of these bases (default: the bundled one), cached between runs."""
    from .cache import open_index as _open_index

    return _open_index(list(paths) if paths else [str(bundled_path())])


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tongzhou_facts' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "Base",
    "BaseError",
    "ExitStatus",
    "FactsError",
    "Hit",
    "Index",
    "Problem",
    "Record",
    "Source",
    "UsageError",
    "__version__",
    "bundled_path",
    "load",
    "open_index",
    "search",
    "suggestions",
]
