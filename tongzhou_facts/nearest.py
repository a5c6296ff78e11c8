"""'Did you mean': the nearest few strings to a word, in bounded time whatever the data.

difflib compares a word with every choice, and each comparison grows with both
lengths: over the ids of a million-record base, or for a 50 MB key, that is minutes.
Here a word is cut to `MAX_WORD` characters and compared with at most `MAX_COMPARED`
choices: all of them when there are that few; else every choice within one edit of
the word (looked up, not compared: the commonest typo, wherever it is), and those
sharing the word's broadest prefix that leaves at most that many. An id is pieces joined
by '-' (`gdp-growth-2023`): when what stands before the last '-' begins no choice, it is
mended first (one edit that makes it a head some choice has: `evnt-9000` -> `event-9000`),
so a typo in the head and one in the rest are both found. Every step is a look-up (a
prefix range or an exact value: `Index` does them on the id index), never a pass over
all choices. Those found within one edit come first, then those of a mended head, then
the rest, each group in difflib's order: a near id is never crowded out by three others
difflib scores the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from types import ModuleType

MAX_COMPARED = 500
MAX_WORD = 100
#: Longer words get no one-edit look-up (its candidates grow with length and alphabet).
MAX_EDITED = 64
#: What ids and keys are made of: the letters a one-edit look-up tries.
ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789-_"
#: At most this many mended heads are tried (each costs a one-edit look-up of the whole word).
MAX_HEADS = 3


def __getattr__(name: str) -> ModuleType:
    """`nearest.difflib`, imported on first use like everywhere here (PEP 562)."""
    if name == "difflib":
        import difflib

        return difflib
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def close_matches(word: str, choices: Sequence[str], count: int = 1, cutoff: float = 0.6) -> list[str]:
    """difflib's best matches among the first MAX_COMPARED * 5 choices, for at most MAX_WORD
    characters of the word (the caller bounds the choices: see `nearest` for ids and keys)."""
    import difflib  # here: a search imports this module for `after_prefix` alone (index.py)

    return difflib.get_close_matches(word[:MAX_WORD], choices[: MAX_COMPARED * 5], n=count, cutoff=cutoff)


def nearest(
    word: str,
    starting: Callable[[str, int], list[str]],
    existing: Callable[[Iterable[str]], list[str]],
    present: Callable[[Iterable[str]], list[str]],
    count: int = 1,
    cutoff: float = 0.6,
) -> list[str]:
    """The `count` choices nearest to `word`, from the look-ups of `pool_for`: the groups in
    order, each by difflib's score (one comparison of each choice, as close_matches)."""
    import difflib

    group: dict[str, int] = {}
    for rank, choices in enumerate(pool_for(word, starting, existing, present)):
        for choice in choices:
            group.setdefault(choice, rank)
    pool = list(group)[: MAX_COMPARED * 5]
    ranked = difflib.get_close_matches(word[:MAX_WORD], pool, n=max(len(pool), 1), cutoff=cutoff)
    ranked.sort(key=group.__getitem__)  # stable: difflib's order within a group
    return ranked[:count]


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
    starting: Callable[[str, int], list[str]],
    existing: Callable[[Iterable[str]], list[str]],
    present: Callable[[Iterable[str]], list[str]],
) -> list[list[str]]:
    """The choices to compare `word` with, in groups, likeliest first: all of them when there
    are at most MAX_COMPARED; else those one edit away, those one edit from the word with its
    head mended (`mended_heads`), and those sharing its longest prefix (`sharing_prefix`).
    `starting(prefix, limit)` lists choices with a prefix; `existing(words)` says which of
    some words are choices; `present(prefixes)` which of some prefixes begin a choice."""
    first = starting("", MAX_COMPARED + 1)
    if len(first) <= MAX_COMPARED:
        return [first]  # few choices: compare with all of them
    word = word[:MAX_WORD]
    near = existing(sorted(one_edit(word)))[:MAX_COMPARED]
    heads = mended_heads(word, present)
    mended = [choice for fixed in heads for choice in existing(sorted({fixed, *one_edit(fixed)}))]
    return [near, mended[:MAX_COMPARED], sharing_prefix(heads[0] if heads else word, starting)]


def mended_heads(word: str, present: Callable[[Iterable[str]], list[str]]) -> list[str]:
    """`word` with what stands before its last '-' replaced by a head one edit away that
    begins some choice (as `head-`), when its own head begins none; at most MAX_HEADS."""
    head, dash, tail = word.rpartition("-")
    if not head or len(head) > MAX_EDITED or present([head + dash]):
        return []
    heads = sorted(present(edited + dash for edited in one_edit(head)))
    return [found + tail for found in heads[:MAX_HEADS]]


def sharing_prefix(word: str, starting: Callable[[str, int], list[str]]) -> list[str]:
    """The choices sharing the word's longest prefix that some choice has, if at most
    MAX_COMPARED do; else the first MAX_COMPARED of the narrowest prefix that still has more."""
    sharing: list[str] = []
    for length in range(1, len(word) + 1):
        found = starting(word[:length], MAX_COMPARED + 1)
        if not found:
            break  # the longer prefix has no choice: keep the last that had some
        sharing = found[:MAX_COMPARED]
        if len(found) <= MAX_COMPARED:
            break
    return sharing


class Vocabulary:
    """Words sorted once, for many look-ups (every dangling reference of a base)."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = sorted(words)
        self._set: set[str] | None = None

    def _starting(self, prefix: str, limit: int) -> list[str]:
        import bisect

        low = bisect.bisect_left(self.words, prefix)
        upper = after_prefix(prefix)
        high = len(self.words) if upper is None else bisect.bisect_left(self.words, upper)
        return self.words[low : min(high, low + limit)]

    def _existing(self, words: Iterable[str]) -> list[str]:
        if self._set is None:
            self._set = set(self.words)
        return [w for w in words if w in self._set]

    def _present(self, prefixes: Iterable[str]) -> list[str]:
        return [p for p in prefixes if self._starting(p, 1)]

    def near(self, word: str, count: int = 1, cutoff: float = 0.6) -> list[str]:
        return nearest(word, self._starting, self._existing, self._present, count, cutoff)
