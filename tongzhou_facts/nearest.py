"""'Did you mean': the nearest few strings to a word, in bounded time whatever the data.

difflib compares a word with every choice, and each comparison grows with both
lengths: over the ids of a million-record base, or for a 50 MB key, that is minutes.
Here a word is cut to `MAX_WORD` characters and compared with at most `MAX_COMPARED`
choices: all of them when there are that few; else every choice within one edit of
the word (looked up, not compared: the commonest typo, wherever it is), and those
sharing the word's broadest prefix that leaves at most that many.
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Callable, Iterable, Sequence

MAX_COMPARED = 500
MAX_WORD = 100
#: Longer words get no one-edit look-up (its candidates grow with length and alphabet).
MAX_EDITED = 64
#: What ids and keys are made of: the letters a one-edit look-up tries.
ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789-_"


def close_matches(word: str, choices: Sequence[str], count: int = 1, cutoff: float = 0.6) -> list[str]:
    """difflib's best matches among at most MAX_COMPARED choices (and the one-edit neighbours
    `pool_for` puts first), for at most MAX_WORD characters of the word."""
    return difflib.get_close_matches(word[:MAX_WORD], choices[: MAX_COMPARED * 5], n=count, cutoff=cutoff)


def after_prefix(prefix: str) -> str | None:
    """The smallest string greater than every string starting with `prefix` (None: there is none)."""
    while prefix:
        last = ord(prefix[-1])
        if last < 0x10FFFF:
            return prefix[:-1] + chr(last + 1)
        prefix = prefix[:-1]
    return None


def one_edit(word: str) -> set[str]:
    """Every string one deletion, insertion, substitution or swap of neighbours from `word`."""
    if len(word) > MAX_EDITED:
        return set()
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    found = {a + b[1:] for a, b in splits if b}
    found |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    found |= {a + c + b[1:] for a, b in splits if b for c in ALPHABET}
    found |= {a + c + b for a, b in splits for c in ALPHABET}
    found.discard(word)
    return found


def pool_for(
    word: str,
    total: int,
    starting: Callable[[str, int], list[str]],
    existing: Callable[[Iterable[str]], list[str]],
) -> list[str]:
    """The choices to compare `word` with. `starting(prefix, limit)` lists choices with a
    prefix; `existing(words)` says which of some words are choices."""
    if total <= MAX_COMPARED:
        return starting("", MAX_COMPARED)
    near = existing(sorted(one_edit(word)))
    sharing: list[str] = []
    for length in range(1, min(len(word), MAX_WORD) + 1):
        found = starting(word[:length], MAX_COMPARED + 1)
        if not found:
            break  # the longer prefix has no choice: keep the last that had some
        sharing = found[:MAX_COMPARED]
        if len(found) <= MAX_COMPARED:
            break
    return list(dict.fromkeys([*near, *sharing]))


class Vocabulary:
    """Words sorted once, for many look-ups (every dangling reference of a base)."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = sorted(words)
        self._set: set[str] | None = None

    def _starting(self, prefix: str, limit: int) -> list[str]:
        low = bisect.bisect_left(self.words, prefix)
        upper = after_prefix(prefix)
        high = len(self.words) if upper is None else bisect.bisect_left(self.words, upper)
        return self.words[low : min(high, low + limit)]

    def _existing(self, words: Iterable[str]) -> list[str]:
        if self._set is None:
            self._set = set(self.words)
        return [w for w in words if w in self._set]

    def near(self, word: str, count: int = 1, cutoff: float = 0.6) -> list[str]:
        return close_matches(word, pool_for(word, len(self.words), self._starting, self._existing), count, cutoff)
