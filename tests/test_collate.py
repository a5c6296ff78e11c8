"""`--sort name` in pinyin order (collate.py), not code point order."""

from __future__ import annotations

import subprocess

import pytest

from tongzhou_facts.collate import key

from .test_terminal import FACTS, TIMEOUT, clean_env

pytestmark = pytest.mark.usefixtures("module_cache")


def test_pinyin_order_syllable_by_syllable() -> None:
    names = ["高新区", "港口", "安全", "阿姨", "中心", "张家港", "重要", "白"]
    # a yi < an quan (a < an); gang < gao; zhang < zhong; zhong xin < zhong yao (重's common reading)
    assert sorted(names, key=key) == ["阿姨", "安全", "白", "港口", "高新区", "张家港", "中心", "重要"]


def test_numbers_first_as_numbers_then_latin_and_chinese_by_sound() -> None:
    names = ["10号楼", "2号楼", "GDP", "港口", "“百千工程”", "ａｂｃ", "Zeta", "高"]
    assert sorted(names, key=key) == ["2号楼", "10号楼", "ａｂｃ", "“百千工程”", "GDP", "港口", "高", "Zeta"]


def test_the_order_is_total_and_stable() -> None:
    assert key("市") != key("是") and key("市")[0] == key("是")[0]  # same sound: the text decides
    assert sorted(["是", "市"], key=key) == sorted(["市", "是"], key=key)
    assert key("") == ((), "")


def names(*args: str) -> list[str]:
    done = subprocess.run(
        [FACTS, "list", "--fields", "name", *args], capture_output=True, env=clean_env(), timeout=TIMEOUT, check=True
    )
    return done.stdout.decode().splitlines()


def test_sort_name_lists_in_pinyin_order() -> None:
    shown = names("--sort", "name")
    assert len(shown) > 90
    assert shown == sorted(shown, key=key)
    assert shown != sorted(shown), "code point order is not pinyin order"
    assert shown[0].startswith("安"), shown[:3]
    assert len(set(shown)) == len(shown)  # no two names alike: reversed is exactly backwards
    assert names("--sort", "name", "--reverse") == shown[::-1]


def test_sort_name_in_english_follows_the_english_names_shown() -> None:
    """`--lang en` shows English names: `--sort name` orders those (letters in any case as
    one, punctuation skipped), not the pinyin of the Chinese names it does not show."""
    shown = names("--sort", "name", "--lang", "en")  # the name column shows name_en
    assert sorted(shown) == sorted(names("--lang", "en")) and len(shown) > 90
    assert shown == sorted(shown, key=key)
    assert shown != [name for name in names("--sort", "name", "--fields", "name_en")], "pinyin order is not English order"
    assert shown[0].startswith("Again"), shown[:3]
    assert names("--sort", "name", "--lang", "en", "--reverse") == shown[::-1]
    # name_en sorts the same way, in either language
    assert names("--sort", "name_en", "--lang", "en") == names("--sort", "name_en", "--fields", "name_en") == shown


def test_a_record_without_an_english_name_sorts_by_its_pinyin_among_the_english() -> None:
    from tongzhou_facts.model import Record, record_from_dict
    from tongzhou_facts.query import sort_key

    def record(name: str, name_en: str | None) -> Record:
        data = {"kind": "metric", "id": f"r-{len(name)}", "name": name, "year": 2023, "value": 1, "unit": "个"}
        return record_from_dict({**data, "name_en": name_en} if name_en else data)

    records = [record("港口", "Port"), record("安全", None), record("高新区", "Hi-tech zone"), record("白", None)]
    english = sorted(records, key=sort_key("name", "en"))
    assert [r.name for r in english] == ["安全", "白", "高新区", "港口"]  # an quan, bai, Hi-tech, Port
    chinese = sorted(records, key=sort_key("name"))
    assert [r.name for r in chinese] == ["安全", "白", "港口", "高新区"]  # an, bai, gang, gao
    assert sort_key("name_en")(records[1]) == (1, "")  # no English name: sorted last
