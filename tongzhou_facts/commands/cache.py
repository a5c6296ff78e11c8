"""`facts cache info` and `facts cache clear`: the derived index kept between runs."""

from __future__ import annotations

import os

from ..env import Environment
from ..errors import ExitStatus
from ..escape import safe

HELP = (
    "The derived index kept between runs (under $XDG_CACHE_HOME/tongzhou-facts).\n\n"
    "Examples:\n\n\b\n  facts cache info\n  facts cache clear"
)


def info(env: Environment) -> ExitStatus:
    """Where the cache is, and which bases it holds.

    Examples:

    \b
      facts cache info
      XDG_CACHE_HOME=/tmp/c facts cache info
    """
    from .. import cache

    folder, files = cache.info()
    # Paths are data too: a folder name can hold escape sequences.
    lines = [safe(f"cache: {cache.status()}"), safe(f"folder: {folder if folder else '(none: no HOME or XDG_CACHE_HOME)'}")]
    for item in files:
        fields = (os.path.basename(item.path), str(item.size), item.state, os.pathsep.join(item.bases))
        lines.append("\t".join(safe(field) for field in fields))
    env.stdout.write("".join(line + "\n" for line in lines))
    return ExitStatus.OK


def clear(env: Environment) -> ExitStatus:
    """Delete every cache file (they are rebuilt when next needed).

    Examples:

    \b
      facts cache clear
      FACTS_NO_CACHE=1 facts search 异质结    # no cache at all
    """
    from .. import cache

    removed = cache.clear()
    refused = cache.refusal() if cache.cache_dir() else ""
    env.say(f"facts: removed {removed} cache files" + (f" ({refused}: left as it is)" if refused else ""))
    return ExitStatus.OK
