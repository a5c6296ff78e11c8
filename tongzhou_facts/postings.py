"""Writing the value index (`postings`, index_schema.py): each value of the fields ranked whole,
with the rows holding it, in blocks of values sorted by (field, length, value).

build.py's `write_index` passes its prepared batches through `collected`, which notes the rows
of each distinct key as they go by and writes the table once the last batch has been written.
A key is one group of POSTING_GROUPS (a name with its pinyin and initials, an English name,
the aliases with theirs, the tags with their pinyin): names, aliases and tags repeat across a
big base, so a record costs four look-ups of a dict, and each distinct field is split into
its values once, at the end. Values go to SQLite a block at a time (a few thousand rows of the
table for 100,000 records, not one for each of their 90,000 values): what the build pays is
Python's work on each value, and that is kept to a few list and dict operations.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from array import array
from collections.abc import Generator
from itertools import accumulate, chain
from operator import itemgetter
from typing import Any

from .index_schema import DOC_COLUMNS, POSTING_CODE, POSTING_GROUPS, POSTING_LENGTHS, SEPARATOR
from .load import gc_paused

ROW_CODE = POSTING_CODE
SWAPPED = sys.byteorder != "little"
#: A block holds at most this many values, and closes before its rows would pass this many (a
#: value with more rows than that is a block of its own): a look-up reads a block or two.
BLOCK_VALUES = 16
BLOCK_ROWS = 1024

#: What build.py prepares: (entries rows, docs rows).
Batch = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]


def collected(batches: Generator[Batch, None, None], db: sqlite3.Connection) -> Generator[Batch, None, None]:
    """The batches of `batches` ((entries rows, docs rows) each, docs rows numbered first and
    laid out as DOC_COLUMNS), passed on as they come; when they are all through, the value
    index of their docs is written to `db`. Closed early (an error, Ctrl-C), it closes
    `batches` and writes nothing."""
    groups: list[tuple[Any, dict[Any, array[int]]]] = [
        (itemgetter(*(1 + DOC_COLUMNS.index(c) for c in group)), {}) for group in POSTING_GROUPS
    ]
    try:
        for batch in batches:
            docs = batch[1]
            numbers = [doc[0] for doc in docs]
            for get, rows in groups:
                found = rows.get
                for key, n in zip(map(get, docs), numbers, strict=True):
                    held = found(key)
                    if held is None:
                        rows[key] = held = array(ROW_CODE)
                    held.append(n)
            yield batch
    finally:
        batches.close()
    with gc_paused():  # the base's records are all alive: a collection would walk them all
        write(db, [rows for _, rows in groups])


def write(db: sqlite3.Connection, groups: list[dict[Any, array[int]]]) -> None:
    """Fill `postings` from the rows of each key of each group of POSTING_GROUPS, a column at
    a time in the index's order (its B-tree is written once; a column's blocks are freed
    before the next one's are made), and note the lengths of each column's values in `meta`."""
    places = {
        DOC_COLUMNS.index(c): (rows, place, len(group))
        for group, rows in zip(POSTING_GROUPS, groups, strict=True)
        for place, c in enumerate(group)
    }
    lengths: dict[int, list[int]] = {}
    for col in sorted(places):
        rows, place, size = places[col]
        values: dict[str, list[array[int]]] = {}
        found = values.get
        for key, held in rows.items():
            field = key[place] if size > 1 else key
            if field:
                for value in field.split(SEPARATOR):
                    lists = found(value)
                    if lists is None:
                        values[value] = [held]
                    elif lists[-1] is not held:  # a value twice in one field is one
                        lists.append(held)
        lengths[col] = sorted({len(value) for value in values})
        db.executemany("INSERT INTO postings VALUES (?, ?, ?, ?, ?, ?, ?)", _blocks(col, values))
    db.execute("INSERT INTO meta VALUES (?, ?)", (POSTING_LENGTHS, json.dumps(lengths)))
    db.commit()


def _blocks(col: int, values: dict[str, list[array[int]]]) -> list[tuple[int, int, str, str, str, bytes, bytes]]:
    """The blocks of one column: its values by length, then in order (binary order, as SQLite
    compares text), each with the rows of all the fields that hold it, merged."""
    order = sorted(values)
    order.sort(key=len)  # stable: by length, then in order
    rows = [lists[0] if len(lists) == 1 else _merged(lists) for lists in map(values.__getitem__, order)]
    out = []
    start = size = 0
    length = len(order[0]) if order else 0
    for i, value in enumerate(order):
        count = len(rows[i])
        if i > start and (len(value) != length or i - start >= BLOCK_VALUES or size + count > BLOCK_ROWS):
            out.append(_block(col, length, order[start:i], rows[start:i]))
            start, size, length = i, 0, len(value)
        size += count
    if order:
        out.append(_block(col, length, order[start:], rows[start:]))
    return out


def _merged(lists: list[array[int]]) -> array[int]:
    """The rows of several keys (distinct keys: no row twice), ascending."""
    return array(ROW_CODE, sorted(chain.from_iterable(lists)))


def _block(col: int, length: int, names: list[str], rows: list[array[int]]) -> tuple[int, int, str, str, str, bytes, bytes]:
    """One row of `postings`: the values, where each one's rows end (in rows), and the rows."""
    ends = array(ROW_CODE, accumulate(map(len, rows)))
    data = array(ROW_CODE)
    for held in rows:
        data.extend(held)
    if SWAPPED:  # pragma: no cover - big-endian machines
        ends.byteswap()
        data.byteswap()
    return col, length, names[0], names[-1], SEPARATOR.join(names), ends.tobytes(), data.tobytes()
