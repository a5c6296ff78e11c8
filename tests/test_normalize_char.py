"""normalize_char (a table's highlight maps each character of a name back to its normalised
form) takes shortcuts: ASCII and the main block of Chinese characters skip NFKC, and a
character is simplified through the table's text until the dict is built. Every character
must come out as the plain definition gives it: NFKC, casefold, traditional -> simplified by
the dict, punctuation dropped."""

from __future__ import annotations

import unicodedata

from tongzhou_facts.match import normalize


def plainly(char: str) -> str:
    folded = unicodedata.normalize("NFKC", char).casefold()
    if len(folded) == 1:
        folded = normalize.t2s_table().get(ord(folded), folded)
    return "".join(c for c in folded if c.isalnum() or c in "%.-:")


def every_character() -> list[str]:
    """The Basic Multilingual Plane (no surrogates) and the start of the supplementary one."""
    return [chr(code) for code in [*range(0xD800), *range(0xE000, 0x10000), *range(0x20000, 0x20400)]]


def test_normalize_char_is_the_plain_definition_before_the_dict_is_built() -> None:
    normalize.t2s_table.cache_clear()
    chars = every_character()
    found = [normalize.normalize_char(c) for c in chars[:0xA000]]  # the dict is not built by these
    assert normalize.t2s_table.cache_info().currsize == 0, "the short path built the dict"
    assert found == [plainly(c) for c in chars[:0xA000]]


def test_normalize_char_is_the_plain_definition_with_the_dict() -> None:
    normalize.t2s_table()
    chars = every_character()
    assert [normalize.normalize_char(c) for c in chars] == [plainly(c) for c in chars]
