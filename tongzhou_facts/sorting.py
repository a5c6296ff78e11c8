"""Sorting a million rows in bounded memory: what `--sort`, `milestones` and `timeline` use.

Sorting every row's (key, row number) in one Python list costs about 120 bytes a row
for a number and 1 KB for a name's key (a 1,000,000-record base: 1.1 GB). `ordered`
holds at most about RUN_BYTES of pairs: it sorts them as they come, a run at a time,
spills each sorted run to an anonymous temporary file, and merges the runs, reading
each back a block at a time. Below RUN_BYTES (any ordinary base) nothing is written.

The order is the one `sorted(pairs, key=first, reverse=reverse)` gives: stable (a run
is sorted stably, and heapq.merge takes equal keys from the earlier run first, in
either direction), so rows with equal keys keep the order they came in.
"""

from __future__ import annotations

import heapq
import pickle
import sys
import tempfile
from collections.abc import Iterable, Iterator
from operator import itemgetter
from typing import IO, Any

#: Bytes of (key, number) pairs sorted in memory at once (estimated by sys.getsizeof).
RUN_BYTES = 16 << 20
#: Bytes of pairs per block written to, and read back from, the temporary file.
BLOCK_BYTES = 256 << 10
#: What a pair costs besides its key: the tuple, the row number and the list's pointer.
PAIR_BYTES = 100

Pair = tuple[Any, int]
_first = itemgetter(0)


def ordered(
    pairs: Iterable[Pair], *, reverse: bool = False, text_if_mixed: bool = False, run_bytes: int | None = None
) -> Iterator[int]:
    """The numbers of `pairs` (key, number) in stable key order, `reverse` for largest first.

    With `text_if_mixed`, when the keys are of more than one type (numbers and text in one
    field), every key compares as its str(); the whole input decides, so runs are spilled
    unsorted and sorted once it is read. Reads all of `pairs` now (an error in them is
    raised here); the numbers are read as they are used. `run_bytes`: RUN_BYTES when None.
    """
    run_bytes = RUN_BYTES if run_bytes is None else run_bytes
    spill: _Spill | None = None
    chunk: list[Pair] = []
    types: set[type] = set()
    size = 0
    for pair in pairs:
        chunk.append(pair)
        size += sys.getsizeof(pair[0]) + PAIR_BYTES
        if size >= run_bytes:
            types.update({type(key) for key, _ in chunk})
            spill = spill or _Spill.opened()
            if spill is None:  # no temporary folder to write in: sort it all in memory, as before
                run_bytes = sys.maxsize
                continue
            spill.write(chunk if text_if_mixed else _sort(chunk, reverse, as_text=False))
            chunk, size = [], 0
    types.update({type(key) for key, _ in chunk})
    as_text = text_if_mixed and len(types) > 1
    if spill is None:
        return (n for _, n in _sort(chunk, reverse, as_text))
    spill.write(chunk if text_if_mixed else _sort(chunk, reverse, as_text=False))
    del chunk
    if text_if_mixed:
        spill.sort_runs(reverse, as_text)
    return spill.merged(reverse)


def _sort(chunk: list[Pair], reverse: bool, as_text: bool) -> list[Pair]:
    """`chunk` sorted in place, stably (keys as their text first, when `as_text`)."""
    if as_text:
        chunk[:] = [(str(key), n) for key, n in chunk]
    chunk.sort(key=_first, reverse=reverse)
    return chunk


class _Spill:
    """Runs of pairs in an anonymous temporary file (deleted when closed, or when the process
    ends however it ends), each a list of blocks: pickled lists, length first."""

    def __init__(self, file: IO[bytes]) -> None:
        self._file = file
        self._runs: list[list[int]] = []  # each run's blocks, as offsets in the file

    @classmethod
    def opened(cls) -> _Spill | None:
        """A spill in a new temporary file (TMPDIR, else /tmp…); None when no folder takes one."""
        try:
            return cls(tempfile.TemporaryFile())  # open until merged() closes it
        except OSError:
            return None

    def write(self, pairs: list[Pair]) -> None:
        """Append `pairs` as one run, in blocks of about BLOCK_BYTES."""
        self._file.seek(0, 2)
        blocks: list[int] = []
        start, size = 0, 0
        for at, (key, _) in enumerate(pairs, 1):
            size += sys.getsizeof(key) + PAIR_BYTES
            if size >= BLOCK_BYTES or at == len(pairs):
                blocks.append(self._file.tell())
                data = pickle.dumps(pairs[start:at], pickle.HIGHEST_PROTOCOL)
                self._file.write(len(data).to_bytes(8, "big") + data)
                start, size = at, 0
        self._runs.append(blocks)

    def _read(self, offset: int) -> list[Pair]:
        self._file.seek(offset)
        size = int.from_bytes(self._file.read(8), "big")
        block: list[Pair] = pickle.loads(self._file.read(size))
        return block

    def _run(self, blocks: list[int]) -> Iterator[Pair]:
        for offset in blocks:  # one block of the run in memory at a time
            yield from self._read(offset)

    def sort_runs(self, reverse: bool, as_text: bool) -> None:
        """Sort each run (written unsorted), one at a time, into a new run at the file's end."""
        unsorted, self._runs = self._runs, []
        for blocks in unsorted:
            self.write(_sort([pair for offset in blocks for pair in self._read(offset)], reverse, as_text))

    def merged(self, reverse: bool) -> Iterator[int]:
        """The numbers of every run, merged in key order; the file is closed at the end."""
        try:
            for _, n in heapq.merge(*(self._run(blocks) for blocks in self._runs), key=_first, reverse=reverse):
                yield n
        finally:
            self._file.close()
