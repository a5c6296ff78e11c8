"""Regenerate the character tables shipped in tongzhou_facts/data/.

Run by a developer, never at run time: `import pypinyin` alone costs about 300 ms
and 66 MB, so `facts` reads these small generated tables instead.

    pip install pypinyin opencc-python-reimplemented
    python scripts/generate_tables.py

- pinyin.txt: one line per toneless reading, `reading<TAB>characters`, from pypinyin
  (data from pinyin-data, MIT). A character with several readings (多音字) appears on
  each of its lines, its most common reading first in file order per character.
- t2s.txt: traditional -> simplified character pairs from OpenCC's TSCharacters and
  TWVariantsRev tables (Apache-2.0), first candidate only; one line of pairs.
"""

from __future__ import annotations

from pathlib import Path

import opencc
from pypinyin import Style, pinyin_dict

DATA = Path(__file__).resolve().parent.parent / "tongzhou_facts" / "data"
DICTIONARY = Path(opencc.__file__).resolve().parent / "dictionary"


def toneless(reading: str) -> str:
    from pypinyin.style import convert

    return convert(reading, Style.NORMAL, strict=False).replace("ü", "v")


def pinyin_table() -> str:
    # readings[ch] keeps pypinyin's order: the most common reading first.
    readings: dict[str, list[str]] = {}
    for code, value in sorted(pinyin_dict.pinyin_dict.items()):
        if not (0x3400 <= code <= 0x9FFF or 0x20000 <= code <= 0x2FFFF):
            continue
        char = chr(code)
        seen: list[str] = []
        for reading in value.split(","):
            plain = toneless(reading.strip())
            if plain and plain.isascii() and plain.isalpha() and plain not in seen:
                seen.append(plain)
        readings[char] = seen
    # Lines are "rank<TAB>reading<TAB>chars": rank 0 holds each character's most common reading.
    by_key: dict[tuple[int, str], list[str]] = {}
    for char, plains in readings.items():
        for rank, plain in enumerate(plains[:4]):
            by_key.setdefault((rank, plain), []).append(char)
    lines = [f"{rank}\t{plain}\t{''.join(chars)}" for (rank, plain), chars in sorted(by_key.items())]
    return "\n".join(lines) + "\n"


def t2s_table() -> str:
    pairs: dict[str, str] = {}
    for name in ("TWVariantsRev.txt", "TSCharacters.txt"):
        for line in (DICTIONARY / name).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            source, targets = line.split("\t", 1)
            target = targets.split()[0]
            if len(source) == 1 and len(target) == 1 and source != target:
                pairs[source] = pairs.get(target, target)
    return "".join(a + b for a, b in sorted(pairs.items())) + "\n"


def main() -> None:
    DATA.mkdir(exist_ok=True)
    (DATA / "pinyin.txt").write_text(pinyin_table(), encoding="utf-8")
    (DATA / "t2s.txt").write_text(t2s_table(), encoding="utf-8")
    for name in ("pinyin.txt", "t2s.txt"):
        print(name, (DATA / name).stat().st_size, "bytes")


if __name__ == "__main__":
    main()
