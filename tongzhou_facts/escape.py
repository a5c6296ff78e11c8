"""Text from a base made safe for a terminal, a tab-separated line and a JSON document.

One module, so every path that prints data (stdout, stderr, tables, JSON, `check`,
`cache info`) escapes the same characters: a hostile base must not be able to move
the cursor, write the clipboard (OSC 52), reorder a line (bidi controls) or split a
record across lines (tabs, newlines, U+2028/2029).
"""

from __future__ import annotations

import re

# C0/C1 controls, DEL, the line and paragraph separators, and the bidirectional marks,
# overrides and isolates that can reorder what a terminal shows.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
# What json.dumps(ensure_ascii=False) leaves raw but a terminal or a JavaScript parser
# reads as more than text. json.dumps already escapes C0 controls.
_JSON_RAW = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def safe(text: str) -> str:
    """`text` with every unsafe character written as an escape (`\\t`, `\\n`, `\\u001b`)."""
    return _UNSAFE.sub(lambda m: _NAMED.get(m.group(), f"\\u{ord(m.group()):04x}"), text)


def json_safe(document: str) -> str:
    """A JSON text with the characters above written as `\\u` escapes (valid JSON, same data).

    Only correct on the output of `json.dumps`: there these characters can only stand
    inside strings, where any character may be escaped.
    """
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", document)
