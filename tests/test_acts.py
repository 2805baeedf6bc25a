"""An answer in an EP reader's terms: what each paragraph does (its acts), questions about an act answered
by the clauses that carry it, "what does it say about X" answered with what the Parliament notes and what
it asks, questions about the document itself, and messages in another language."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from telegram.ext import Application

from bot import cli as cli_module
from bot.answers.shape import choose_units, two_kinds
from bot.cli_shared import get_pipeline
from bot.pipeline import Pipeline
from bot.settings import DEFAULT_CORPUS, DEFAULT_CORPUS_EN, Settings
from index.acts import asked_acts, clause_acts, unit_acts
from index.models import Document
from index.parse import parse_resolution
from index.retrieve import Hit, Retrieval
from tests.botapi_server import BotApiServer
from tests.telegram_helpers import ask


@pytest.mark.parametrize(("path", "language"), [(DEFAULT_CORPUS, "fr"), (DEFAULT_CORPUS_EN, "en")])
def test_every_paragraph_has_an_act_and_paragraph_3_welcomes_and_condemns(path, language: str) -> None:
    document = parse_resolution(path.read_text(encoding="utf-8"))
    acts = {u.id: unit_acts(u, language) for u in document.units}
    assert all(acts[u.id] for u in document.of_kind("paragraph"))
    assert {"welcomes", "condemns"} <= set(acts["paragraph-3"])
    assert acts["paragraph-17"] == ("instructs",)
    assert all(acts[u.id] == ("finding",) for u in document.of_kind("recital"))


def test_the_acts_of_both_languages_agree() -> None:
    french = parse_resolution(DEFAULT_CORPUS.read_text(encoding="utf-8"))
    english = parse_resolution(DEFAULT_CORPUS_EN.read_text(encoding="utf-8")).by_id()
    assert {u.id: unit_acts(u, "fr") for u in french.units} == {
        u.id: unit_acts(english[u.id], "en") for u in french.units
    }


@pytest.mark.parametrize(
    ("question", "acts"),
    [
        ("What does the Parliament condemn?", ("condemns",)),
        ("De quoi le Parlement se félicite-t-il ?", ("welcomes",)),
        ("Que demande le Parlement au SEAE ?", ("calls_for", "urges")),
        ("Pourquoi a-t-il été condamné ?", ()),  # a participle: what was done to someone
        ("Would you call Kazakhstan a democracy?", ()),
        ("What does the Parliament find positive?", ("welcomes",)),
        ("Le Parlement est-il satisfait de quelque chose ?", ("welcomes",)),
        ("What does the resolution criticise?", ("condemns", "regrets", "concerned")),
        ("Qu'espère le Parlement de cet accord ?", ("expects",)),  # an elided word is a word
        ("What does the EU hope for?", ("expects",)),
    ],
)
def test_a_question_names_an_act_by_its_verb(question: str, acts: tuple[str, ...]) -> None:
    assert asked_acts(question) == acts


@pytest.mark.parametrize(
    ("question", "gold", "verb"),
    [
        ("What does the Parliament condemn?", "paragraph-3", "condemns"),
        ("Que salue le Parlement ?", "paragraph-3", "salue|félicite"),
        ("What does Parliament instruct its President to do?", "paragraph-17", "Instructs"),
    ],
)
def test_an_act_question_quotes_the_clause_that_carries_the_act(
    pipeline: Pipeline, question: str, gold: str, verb: str
) -> None:
    answer = pipeline.ask(question)
    assert answer.citations[0] == gold
    quoted = [q.text.lower() for q in answer.quotes if q.unit_id == gold]
    assert quoted and all(any(v.lower() in text for v in verb.split("|")) for text in quoted)


@pytest.mark.parametrize(
    ("question", "headings"),
    [
        ("What does the resolution say about trade unions?", ("What the Parliament notes:", "What it asks")),
        ("Que dit la résolution sur les syndicats ?", ("Le Parlement constate :", "Ce qu'il demande")),
        ("Qu'est-ce que le texte dit des syndicats ?", ("Le Parlement constate :", "Ce qu'il demande")),
    ],
)
def test_what_it_says_about_a_subject_gives_what_it_notes_and_what_it_asks(
    pipeline: Pipeline, question: str, headings: tuple[str, str]
) -> None:
    answer = pipeline.ask(question)
    kinds = {c.split("-")[0] for c in answer.citations}
    assert kinds == {"recital", "paragraph"}
    assert answer.text.index(headings[0]) < answer.text.index(headings[1])
    assert len(answer.text) <= 1300


def _retrieval(document: Document, ranked: list[tuple[str, float]], naming: dict[str, set[str]]) -> Retrieval:
    units = document.by_id()
    hits = [Hit(units[unit_id], score, 0.8, 0.0) for unit_id, score in ranked]
    question = "What does the resolution say about online freedom?"
    return Retrieval(question, question, hits, [], naming={t: frozenset(u) for t, u in naming.items()})


def test_the_asks_part_quotes_a_paragraph_about_the_subject_or_none(document: Document) -> None:
    ranked = [("recital-L", 1.0), ("recital-C", 0.9), ("paragraph-7", 0.8), ("recital-K", 0.75)]
    ranked += [("paragraph-9", 0.7), ("paragraph-1", 0.65)]
    everywhere = {f"paragraph-{n}" for n in range(1, 12)}  # "freedom": 11 paragraphs, no subject
    online = {"recital-L", "recital-K", "paragraph-9", "footnote-1"}
    chosen = choose_units(_retrieval(document, ranked, {"freedom": everywhere, "online": online}), 2)
    assert [u.id for u in chosen] == ["recital-L", "paragraph-9"] and two_kinds(chosen)
    # § 7 only shares "freedom", the word every paragraph has: the part is left out, not filled with it
    chosen = choose_units(_retrieval(document, ranked, {"freedom": everywhere, "online": {"recital-L"}}), 2)
    assert [u.id for u in chosen] == ["recital-L"]
    # citations and footnotes do not make a word common: "online" is still the subject
    online |= {f"footnote-{n}" for n in range(2, 9)}
    chosen = choose_units(_retrieval(document, ranked, {"online": online}), 2)
    assert [u.id for u in chosen] == ["recital-L", "paragraph-9"]


def test_a_subject_question_quotes_the_paragraph_on_that_subject(pipeline: Pipeline) -> None:
    answer = pipeline.ask("What does the resolution say about the freedom of bloggers online?")
    assert answer.citations == ["recital-L", "paragraph-9"]
    assert "What it asks or decides:" in answer.text


def test_who_wrote_the_resolution_says_what_the_text_does_not_state(pipeline: Pipeline) -> None:
    answer = pipeline.ask("Qui a rédigé cette résolution ?")
    assert "2019/2610(RSP)" in answer.text and "ne dit ni qui" in answer.text
    assert answer.citations == [] and not answer.refused
    assert "footnote-1" not in answer.text


def test_a_message_in_another_language_gets_a_notice_in_both_and_an_english_answer(
    pipeline: Pipeline,
) -> None:
    answer = pipeline.ask("Was sagt die Resolution über Gewerkschaften?")
    assert answer.text.startswith("Je réponds en français ou en anglais / I answer in French or English")
    assert answer.language == "en" and answer.quotes and all(q.language == "en" for q in answer.quotes)


def test_an_act_question_through_the_command_line(settings: Settings) -> None:
    get_pipeline.cache_clear()
    result = CliRunner().invoke(cli_module.cli, ["ask", "--json", "What does the Parliament welcome?"])
    get_pipeline.cache_clear()
    assert result.exit_code == 0
    out = json.loads(result.output)
    assert out["citations"][0] == "paragraph-3" and not out["refused"]
    assert all("welcome" in q["text"].lower() for q in out["quotes"] if q["id"] == "paragraph-3")


async def test_an_act_question_and_a_subject_question_through_telegram(
    server: BotApiServer, app: Application
) -> None:
    (reply,) = await ask(server, "Que condamne le Parlement ?", language_code="fr")
    assert "(§ 3)" in reply.text and "condamne" in reply.text
    (reply,) = await ask(server, "What does the resolution say about trade unions?", language_code="en")
    assert "What the Parliament notes:" in reply.text and "What it asks or decides:" in reply.text


@pytest.mark.parametrize(
    ("clause", "language", "acts"),
    [
        ("invite instamment le gouvernement à revoir la loi", "fr", ("urges",)),
        ("demande instamment aux autorités de ne pas limiter", "fr", ("urges",)),
        ("Urgently calls on the Government to review the law", "en", ("urges",)),
        ("therefore urgently calls on the authorities to broaden", "en", ("urges",)),
        ("invite le Kazakhstan à appliquer", "fr", ("calls_for",)),
        ("further calls for measures to be taken", "en", ("calls_for",)),
    ],
)
def test_urgently_calling_on_is_urging(clause: str, language: str, acts: tuple[str, ...]) -> None:
    assert clause_acts(clause, language) == acts


def _all_hits(document: Document, ranked: list[tuple[str, float]], question: str) -> Retrieval:
    """A retrieval ranking every unit: `ranked` first, the others after them."""
    units = document.by_id()
    rest = [(u.id, 0.01) for u in document.units if u.id not in dict(ranked)]
    hits = [Hit(units[unit_id], score, 0.8, 0.0) for unit_id, score in ranked + rest]
    return Retrieval(question, question, hits, [])


def test_the_asks_part_may_be_the_paragraph_naming_the_same_person(document: Document) -> None:
    # recital K and § 3 both name Ardak Ashim; § 16 shares only "Parlement" with K, an EU body
    ranked = [("recital-K", 1.0), ("recital-C", 0.97), ("paragraph-16", 0.9), ("paragraph-3", 0.7)]
    chosen = choose_units(_all_hits(document, ranked, "What does the text say about activists?"), 2)
    assert [u.id for u in chosen] == ["recital-K", "recital-C", "paragraph-3"] and two_kinds(chosen)
    # a paragraph that names nobody the first unit names is not about the same case
    ranked = [("recital-C", 1.0), ("paragraph-16", 0.9), ("paragraph-3", 0.7)]
    chosen = choose_units(_all_hits(document, ranked, "What does the text say about activists?"), 2)
    assert [u.id for u in chosen] == ["recital-C"]


def test_a_question_about_an_act_alone_is_answered_not_refused(pipeline: Pipeline) -> None:
    # no key term at all: only what the Parliament does is asked, and § 3 and § 11 carry it
    answer = pipeline.ask("What is the Parliament pleased about?")
    assert not answer.refused and answer.citations[0] in {"paragraph-3", "paragraph-11"}
    assert all("welcome" in q.text.lower() for q in answer.quotes)
