"""escape.safe and escape.json_safe skip their pattern for printable text (a start-up and
speed shortcut): proof that the shortcut never lets an unsafe character through."""

from __future__ import annotations

import re
import sys

import pytest

from tongzhou_facts import escape


@pytest.mark.parametrize("pattern", [escape._UNSAFE, escape._JSON_RAW])
def test_every_character_the_patterns_escape_is_unprintable(pattern: str) -> None:
    """`text.isprintable()` must be False whenever the pattern would find something."""
    compiled = re.compile(pattern)
    caught = [chr(c) for c in range(sys.maxunicode + 1) if compiled.fullmatch(chr(c))]
    assert len(caught) > 40  # the check saw the class it is about
    assert [c for c in caught if c.isprintable()] == []


def test_safe_is_the_pattern_substitution_on_every_character() -> None:
    """Against an oracle: the substitution applied to every character, printable or not."""
    unsafe = re.compile(escape._UNSAFE)
    named = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
    for code in range(0x3100):
        char = chr(code)
        text = f"a{char}b"
        expected = unsafe.sub(lambda m: named.get(m.group(), f"\\u{ord(m.group()):04x}"), text)
        assert escape.safe(text) == expected, hex(code)
        assert escape.json_safe(text) == re.sub(escape._JSON_RAW, lambda m: f"\\u{ord(m.group()):04x}", text), hex(code)
