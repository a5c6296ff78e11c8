"""Line numbers in a fact base's TOML text: of the n-th `[[table]]`, and of a key inside it.

tomllib keeps no positions; validation (validate.py) looks them up here, and only for
the records that have a problem.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*([A-Za-z0-9_-]+)[ \t]*\]\]", re.M)
#: The same after a newline (where a multi-line `^` matches but for the text's start): a
#: pattern that starts with a character is scanned for it in C, three times as fast as `^`,
#: which is tried at every position (a 100,000-record base: 0.03 s, not 0.09).
_HEADER_AFTER_NEWLINE = re.compile(r"\n[ \t]*\[\[[ \t]*([A-Za-z0-9_-]+)[ \t]*\]\]")
_ANY_HEADER = re.compile(r"^[ \t]*\[", re.M)


class LineFinder:
    """Maps the n-th `[[table]]` of a file, and a key inside it, to a line number.

    tomllib keeps no positions, so this scans the text once for the headers (in C, with
    a regex); the lines themselves are split only when a problem needs a key's line. A
    base written with inline arrays (`metrics = [{...}]`) falls back to the array's line.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.headers: dict[str, list[int]] = {}
        first = _HEADER.match(text)  # a header on the first line; the others follow a newline
        if first:
            self.headers[first.group(1)] = [1]
        number, last = 1, 0
        for found in _HEADER_AFTER_NEWLINE.finditer(text):
            start = found.start() + 1  # the header's line starts after the newline
            number += text.count("\n", last, start)
            last = start
            self.headers.setdefault(found.group(1), []).append(number)
        self._lines: list[str] | None = None

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.splitlines()
        return self._lines

    def table(self, table: str, index: int) -> int:
        found = self.headers.get(table, [])
        if index < len(found):
            return found[index]
        return self.top_key(table)

    def top_key(self, key: str) -> int:
        """The line of `key = …`, `[key]` or `[[key]]`."""
        name = re.escape(key)
        pattern = re.compile(rf"^\s*(?:{name}\s*=|\[\[?\s*{name}\s*\]\]?)")
        for number, line in enumerate(self.lines, 1):
            if pattern.match(line):
                return number
        return 0

    def key(self, table: str, index: int, key: str) -> int:
        start = self.table(table, index)
        found = self.headers.get(table, [])
        if not start or index >= len(found):
            return start
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number in range(start + 1, len(self.lines) + 1):
            line = self.lines[number - 1]
            if _ANY_HEADER.match(line):
                break
            if pattern.match(line):
                return number
        return start
