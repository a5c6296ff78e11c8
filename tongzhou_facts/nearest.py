"""'Did you mean': the nearest few strings to a word, in bounded time whatever the data.

difflib compares a word with every choice, and each comparison grows with both
lengths: over the ids of a million-record base, or for a 50 MB key, that is minutes.
Here a word is cut to `MAX_WORD` characters and compared with at most `MAX_COMPARED`
choices: all of them when there are that few, else those sharing the word's
longest prefix that still leaves that many (typos are rarer at the start of a word).
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Callable, Iterable, Sequence

MAX_COMPARED = 500
MAX_WORD = 100


def close_matches(word: str, choices: Sequence[str], count: int = 1, cutoff: float = 0.6) -> list[str]:
    return difflib.get_close_matches(word[:MAX_WORD], choices[:MAX_COMPARED], n=count, cutoff=cutoff)


def after_prefix(prefix: str) -> str | None:
    """The smallest string greater than every string starting with `prefix` (None: there is none)."""
    while prefix:
        last = ord(prefix[-1])
        if last < 0x10FFFF:
            return prefix[:-1] + chr(last + 1)
        prefix = prefix[:-1]
    return None


def pool_for(word: str, total: int, starting: Callable[[str, int], list[str]]) -> list[str]:
    """At most MAX_COMPARED choices for `word`; `starting(prefix, limit)` lists choices with a prefix."""
    if total <= MAX_COMPARED:
        return starting("", MAX_COMPARED)
    for length in range(1, min(len(word), MAX_WORD) + 1):
        found = starting(word[:length], MAX_COMPARED + 1)
        if len(found) <= MAX_COMPARED:
            return found
    return starting(word[:MAX_WORD], MAX_COMPARED)


class Vocabulary:
    """Words sorted once, for many look-ups (every dangling reference of a base)."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = sorted(words)

    def _starting(self, prefix: str, limit: int) -> list[str]:
        low = bisect.bisect_left(self.words, prefix)
        upper = after_prefix(prefix)
        high = len(self.words) if upper is None else bisect.bisect_left(self.words, upper)
        return self.words[low : min(high, low + limit)]

    def near(self, word: str, count: int = 1, cutoff: float = 0.6) -> list[str]:
        return close_matches(word, pool_for(word, len(self.words), self._starting), count, cutoff)
