"""Text from a base made safe for a terminal, a tab-separated line, a JSON document and a
spreadsheet opening a CSV file.

One module, so every path that prints data (stdout, stderr, tables, JSON, `check`,
`cache info`) escapes the same characters: a hostile base must not be able to move
the cursor, write the clipboard (OSC 52), reorder a line (bidi controls) or split a
record across lines (tabs, newlines, U+2028/2029).
"""

from __future__ import annotations

import re

# C0/C1 controls, DEL, the line and paragraph separators, and the bidirectional marks,
# overrides and isolates that can reorder what a terminal shows. Every one of them is
# unprintable (str.isprintable), so printable text, nearly all text, skips the pattern;
# patterns are compiled on first use (re caches them), not at start-up (0.7 ms for both).
_UNSAFE = "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
# What json.dumps(ensure_ascii=False) leaves raw but a terminal or a JavaScript parser
# reads as more than text. json.dumps already escapes C0 controls.
_JSON_RAW = "[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"


def safe(text: str) -> str:
    """`text` with every unsafe character written as an escape (`\\t`, `\\n`, `\\u001b`)."""
    if text.isprintable():
        return text
    return re.sub(_UNSAFE, lambda m: _NAMED.get(m.group(), f"\\u{ord(m.group()):04x}"), text)


def json_safe(document: str) -> str:
    """A JSON text with the characters above written as `\\u` escapes (valid JSON, same data).

    Only correct on the output of `json.dumps`: there these characters can only stand
    inside strings, where any character may be escaped.
    """
    if document.isprintable():
        return document
    return re.sub(_JSON_RAW, lambda m: f"\\u{ord(m.group()):04x}", document)


#: What makes a spreadsheet read a CSV cell as a formula (OWASP "CSV Injection"): the four
#: operators, a tab and a CR (OWASP's list), and LF and NUL (OWASP ASVS 1.2.10 adds NUL).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")
#: A number a spreadsheet reads as a number, not a formula: -3.5, +2, 1e-16, -3.5%.
_PLAIN_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?%?"


def csv_safe(cell: str) -> str:
    """`cell` made inert for a spreadsheet: a leading `'` before `=`, `+`, `-`, `@`, tab, CR…

    Plain numbers (`-3.5`, `+2`, `-3.5%`) stay as they are: a spreadsheet reads them as
    numbers. So does a lone `-` (the "none" of `facts stats`): there is no formula in it.
    The pattern is compiled on first use (re caches it), not at start-up.
    """
    if not cell.startswith(_FORMULA_START) or cell == "-" or re.fullmatch(_PLAIN_NUMBER, cell):
        return cell
    return "'" + cell


def undecodable(text: str) -> bool:
    """Whether `text` holds lone surrogates: bytes that were not UTF-8 (a Latin-1 argument or
    file name, as Python hands them over), which SQLite and every encoder refuse."""
    return not text.isascii() and any("\ud800" <= c <= "\udfff" for c in text)
