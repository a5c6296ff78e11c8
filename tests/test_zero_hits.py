"""What a search that finds little or nothing does besides: the fallbacks' look-ups, the
question reading and the 'did you mean', each made cheaper without changing what it finds."""

from __future__ import annotations

from pathlib import Path

import pytest

import tongzhou_facts as tf
from tongzhou_facts.match import engine

from .conftest import BASE


@pytest.fixture(scope="module")
def index() -> tf.Index:
    return tf.open_index([str(BASE)])


def queries(index: tf.Index) -> list[str]:
    """Names cut short, their last character made another (他 reads ta and tuo: two spellings
    sharing their start), and the polyphonic names as they are."""
    out = []
    for record in index.records():
        name = record.name
        if len(name) >= 4:
            out += [name[:4] + "他", name[:5] + "他", name[1:6]]
    return sorted(set(out))


def hits(index: tf.Index, query: str) -> list[tuple[str, engine.Match]]:
    return [(hit.record.id, hit.match) for hit in tf.search(index, query)]


def test_homophones_found_through_the_spellings_shared_start(index: tf.Index, monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = queries(index)
    assert sum(len({f for f in engine._pinyin_forms(q) if len(f) >= 4}) > 1 for q in chosen) > 20
    shared = {q: hits(index, q) for q in chosen}
    monkeypatch.setattr(engine, "SHARED_SPELLING", 10**6)  # each spelling looked up alone, as before
    assert {q: hits(index, q) for q in chosen} == shared


def test_the_question_words_normalised_together_as_one_by_one() -> None:
    """questions.py normalises its words in one pass (a map of their Chinese characters): the
    same keys, roles and terms, in the same order, as `normalize` of each."""
    from tongzhou_facts.match import questions
    from tongzhou_facts.match.normalize import has_cjk, normalize

    roles: dict[str, str] = {}
    for role, word in questions._role_words():
        key = normalize(word) if has_cjk(word) else "_".join(normalize(part) for part in word.split("_"))
        roles.setdefault(key, role)
    assert list(questions.roles().items()) == list(roles.items())
    assert list(questions.cjk_roles().items()) == [(k, r) for k, r in roles.items() if has_cjk(k)]
    glossary: dict[str, tuple[str, ...]] = {}
    for line in questions._read("glossary.txt").splitlines():
        if ":" in line:
            keys, terms = line.split(":", 1)
            found = tuple(normalize(term) for term in terms.split())
            for key in (normalize(k.strip()) for k in keys.split(",")):
                for form in dict.fromkeys((key, questions.stem(key))):
                    glossary[form] = glossary.get(form, ()) + tuple(t for t in found if t not in glossary.get(form, ()))
    assert list(questions.glossary().items()) == list(glossary.items())
    assert questions._normalized(["什么", "醫保", "GDP", "怎么样", ""]) == [
        normalize(w) for w in ["什么", "醫保", "GDP", "怎么样", ""]
    ]


def test_a_latin_word_reads_only_the_question_words_beginning_as_it_does() -> None:
    """questions._latin_role and glossed normalise only the data words beginning with the
    word's letter: exact, since normalising keeps a data word's first letter (checked here)."""
    from tongzhou_facts.match import questions
    from tongzhou_facts.match.normalize import has_cjk, normalize

    latin = [word for _, word in questions._role_words() if not has_cjk(word)]
    glossed = [word for words, _ in questions._glossary_entries() for word in words]
    for word in latin + glossed:
        assert normalize(word.split("_")[0])[:1] == questions._first(word), word
    roles = {k: r for k, r in questions.roles().items() if not has_cjk(k)}
    firsts = {k[:1] for k in [*roles, *questions.glossary()]}
    assert {k: r for f in firsts for k, r in questions._roles_starting(f).items()} == roles
    assert {k: t for f in firsts for k, t in questions._glossary_starting(f).items()} == questions.glossary()
    for key in [*roles, *questions.glossary(), "liangzijisuan", "how many", "2023"]:
        assert questions._roles_starting(key[:1]).get(key) == questions.roles().get(key), key
        assert questions._glossary_starting(key[:1]).get(key) == questions.glossary().get(key), key


@pytest.mark.parametrize("query", ["0㐂", "㐂", "异质结电他", "异质结电池", "x"])
def test_a_query_with_few_spellings_searches_as_before(index: tf.Index, query: str) -> None:
    """No spelling, one, or several (the homophones' look-up of their shared start)."""
    assert isinstance(tf.search(index, query), list)


def _metric(number: int, name: str) -> str:
    return (
        f'\n[[metrics]]\nid = "m-{number}"\nname = "{name}"\nyear = 2023\nvalue = {number}\nunit = "人"\n'
        f'source = "s"\nquote = "{name}{number}人"\n'
    )


@pytest.mark.parametrize("first", [True, False])
def test_did_you_mean_offers_a_name_holding_the_query_apart_past_the_scanned_rows(tmp_path: Path, first: bool) -> None:
    """金街常人 holds no two neighbouring characters of 金沙街道常住人口 (nothing the index finds
    it by), and the rows names_near scans hold none of its characters: the names holding one
    are read, wherever the record sits, as before the index took the first look."""
    fillers = [_metric(n, f"填充指标第{n}号") for n in range(1, engine.SCANNED_NAMES + 2)]
    target = _metric(0, "金沙街道常住人口")
    records = [target, *fillers] if first else [*fillers, target]
    path = tmp_path / "base.toml"
    path.write_text('[[sources]]\nid = "s"\ntitle = "t"\n' + "".join(records), encoding="utf-8")
    index = tf.open_index([str(path)])
    assert engine.suggestions(index, "金街常人") == ["金沙街道常住人口"]
