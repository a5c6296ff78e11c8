"""tongzhou_facts: a fact base of metrics, projects and milestones, and the library behind `facts`.

    >>> import tongzhou_facts as tf
    >>> base = tf.load()                     # the bundled base, validated
    >>> base.get("gdp-2023").value
    1730
    >>> index = tf.open_index()              # the searchable form, cached between runs
    >>> tf.search(index, "异质结")[0].record.id
    'lianshen-12gw-hjt-cell-project'
    >>> rows = tf.query.select(index, kind="metric", year=2023)      # what `facts metrics` does
    >>> rows = tf.query.at_least(rows, "100亿元", tf.query.metric_value)
    >>> [r.id for r in tf.query.records(tf.query.sort_rows(index, rows, "value", reverse=True))][:2]
    ['construction-output-2023', 'gdp-2023']

The API: `load` and `open_index` (a base, and its searchable index), `search` and
`suggestions`, the `query` module (select, filter by date or amount, sort: what the
listing commands do), the types `Base`, `Record`, `Source`, `Problem`, `Index`, `Hit`,
and the errors (`FactsError`, `BaseError`, `UsageError`, `ExitStatus`).

Names are imported on first use (PEP 562), so `import tongzhou_facts` costs
almost nothing: the CLI's start-up is its speed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# `load` is both a module and its main function: bind the function now, so that a
# later `import tongzhou_facts.load` cannot leave the module in its place.
from .load import bundled_path, load
from .model import Base, Problem, Record, Source

if TYPE_CHECKING:
    from . import query
    from .errors import BaseError, ExitStatus, FactsError, UsageError
    from .index import Index
    from .match import Hit, search, suggestions

_LAZY = {
    "BaseError": "errors",
    "ExitStatus": "errors",
    "FactsError": "errors",
    "UsageError": "errors",
    "Index": "index",
    "Hit": "match",
    "search": "match",
    "suggestions": "match",
}


def open_index(paths: Sequence[str] | None = None) -> Index:
    """The searchable index of these bases (default: the bundled one), cached between runs."""
    from .cache import open_index as _open_index

    return _open_index(list(paths) if paths else [str(bundled_path())])


#: Modules of the API, imported on first use as well.
_MODULES = {"query"}


def __getattr__(name: str) -> Any:
    import importlib  # here: a run of `facts` never needs it (0.1 ms)

    if name in _MODULES:
        value: Any = importlib.import_module(f".{name}", __name__)
        globals()[name] = value
        return value
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
    "query",
    "search",
    "suggestions",
]
