"""`facts ask`: a question in Chinese or English answered from the base, or an honest "not in the base"."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from ..argv import Arg, Opt, Options
from ..env import Environment
from ..errors import ExitStatus, UsageError
from ..model import Record
from .options import OUTPUT_OPTIONS, FileOpt, KindOpt, Output, YearOpt, normal_kind, open_base
from .results import LIST_FIELDS

if TYPE_CHECKING:
    from ..index import Index

AskOutput = Annotated[Output, Options(Output, {k: OUTPUT_OPTIONS[k] for k in ("fmt", "no_color", "bom", "csv_raw")})]


def ask(
    env: Environment,
    out: AskOutput,
    question: Annotated[list[str], Arg(metavar="QUESTION", help="A question, as you would ask it.", show_default=False)],
    kind: KindOpt = None,
    year: YearOpt = None,
    related: Annotated[int, Opt("--related", help="Related facts shown beside the answer (0-5).", min=0, max=5, metavar="N")] = 2,
    lang: Annotated[str | None, Opt("--lang", help="zh or en. Default: the question's language.")] = None,
    file: FileOpt = None,
) -> ExitStatus:
    """Answer a question from the base, with its quote and source; or say the base does not know.

    Examples:

    \b
      facts ask 通州2023年GDP是多少
      facts ask "When was the medical complex topped out?"
      facts ask 金沙湾医学综合体有多少张床位 --format json
    """
    from ..match.answer import ask as answer
    from ..phrasing import abstention, language_of

    kind = normal_kind(kind)  # as the listing commands read it: 指标, Metrics
    lang = lang.strip().lower() if lang is not None else None
    if lang is not None and lang not in ("zh", "en"):
        raise UsageError(f"unknown language '{lang}' (zh or en)")
    text = " ".join(question)
    chosen = lang or language_of(text)
    index = open_base(file)
    reply = answer(index, text, kind=kind, year=year, related=related)
    if reply.pinyin and lang is None:
        chosen = "zh"  # chuanjiang: typed by a reader of Chinese
    shown = out.environment(env)
    fmt = out.format_for(shown)
    if not reply.answered:
        if fmt == "json":
            shown.stdout.write("[]\n")
        years = index.counts("year") if reply.unheld_year is not None else {}
        message = abstention(reply, chosen, [int(y) for y in years if y is not None])
        env.say(f"facts: {message}")
        return ExitStatus.NOTHING
    if fmt in ("table", "plain"):
        _say(shown, index, reply.records, fmt, chosen, reply.question.intents)
    else:  # the records as `facts list` writes them: in English only when asked (--lang en)
        from ..output import write

        options = Output(fmt, None, lang or "zh", bom=out.bom, csv_raw=out.csv_raw).write_options(shown)
        write(reply.records, fmt, LIST_FIELDS, shown.stdout, **options)
    return ExitStatus.OK


def _say(env: Environment, index: Index, records: list[Record], fmt: str, lang: str, intents: frozenset[str]) -> None:
    """The answer in words: a card on a terminal, else a sentence, a tab and the quote a line."""
    from ..phrasing import citation, sentence

    if fmt == "plain":
        from ..escape import safe

        env.stdout.write("".join(f"{safe(sentence(r, lang, intents))}\t{safe(str(r.get('quote')))}\n" for r in records))
        return
    from .. import render

    answer = records[0]
    source = citation(index.sources().get(str(answer.get("source"))), lang)
    render.answer_card(sentence(answer, lang, intents), answer, source, records[1:], env, lang)
