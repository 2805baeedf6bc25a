"""Offline answers: verbatim quotes, citations, language, refusals."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.pipeline import Pipeline
from bot.settings import Settings
from bot.text.labels import cite


@pytest.fixture(scope="module")
def pipeline(built_index_dir: Path) -> Pipeline:
    return Pipeline(Settings(resobot_data_dir=built_index_dir))


def quotes(text: str) -> list[str]:
    return re.findall(r"[«“]\s?(.+?)\s?[»”] \(", text, flags=re.S)


def test_french_answer_quotes_and_cites_in_french(pipeline: Pipeline) -> None:
    answer = pipeline.ask("Que dit la résolution sur l'article 274 du code pénal ?")
    assert answer.language == "fr" and not answer.refused
    assert answer.citations[0] in {"paragraph-5", "recital-C"}
    assert f"({cite(answer.citations[0], 'fr')})" in answer.text
    assert "274" in answer.text


def test_english_question_quotes_the_english_rendering_labelled_once(pipeline: Pipeline) -> None:
    answer = pipeline.ask("What happened to Erlan Baltabay?")
    assert answer.language == "en" and not answer.refused
    label = "unofficial English translation — the French text is authoritative"
    assert answer.text.count(label) == 1
    assert "recital-F" in answer.citations and "(recital F)" in answer.text
    assert {q.language for q in answer.quotes} == {"en"}
    french = pipeline.ask("Qu'est-il arrivé à Erlan Baltabay ?")
    assert {q.language for q in french.quotes} == {"fr"} and "traduction" not in french.text


def test_every_quote_is_verbatim_from_the_unit_it_cites(pipeline: Pipeline) -> None:
    units = pipeline.index.document.by_id()
    for question in [
        "Qui est Natalia Ulasik ?",
        "What should the EU delegation in Astana keep doing?",
        "Que dit la résolution sur les syndicats ?",
    ]:
        answer = pipeline.ask(question)
        assert answer.quotes
        for quote in answer.quotes:  # in the text of the language it is quoted in
            assert quote.text in pipeline.index.text_of(quote.unit_id, quote.language)
        texts = " ".join(pipeline.index.text_of(u, answer.quotes[0].language) for u in units)
        for shown in quotes(answer.text):
            assert all(part in texts for part in shown.split(" […] "))


def test_citations_are_listed_in_order_of_appearance(pipeline: Pipeline) -> None:
    answer = pipeline.ask("Who is Maks Bokayev?")
    positions = [answer.text.index(f"({cite(c, 'en')})") for c in answer.citations]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Quel temps fait-il à Almaty aujourd'hui ?", "fr"),
        ("What is the population of Kazakhstan?", "en"),
        ("Tell me a joke about cats", "en"),
    ],
)
def test_out_of_scope_question_is_refused_politely_in_its_language(
    pipeline: Pipeline, question: str, language: str
) -> None:
    answer = pipeline.ask(question)
    assert answer.refused and answer.citations == [] and answer.language == language
    head = "La résolution 2019/2610(RSP) ne" if language == "fr" else "Resolution 2019/2610(RSP) does not"
    assert answer.text.startswith(head)


def test_lookup_quotes_the_whole_unit(pipeline: Pipeline) -> None:
    answer = pipeline.ask("Que dit le considérant M ?")
    assert answer.citations == ["recital-M"]
    assert pipeline.index.document.by_id()["recital-M"].text in answer.text


def test_reference_to_a_missing_unit_says_so(pipeline: Pipeline) -> None:
    answer = pipeline.ask("What does paragraph 42 say?")
    assert answer.refused and "no paragraph 42" in answer.text and "17 paragraphs" in answer.text
    assert "pas de paragraphe 42" in pipeline.ask("Que dit le paragraphe 42 ?").text


def test_emoji_only_message_gets_a_clear_message(pipeline: Pipeline) -> None:
    answer = pipeline.ask("😀🎉👍")
    assert answer.refused and "mots" in answer.text


def test_long_question_is_cut_with_a_notice(pipeline: Pipeline) -> None:
    answer = pipeline.ask("Que dit la résolution sur les syndicats ? " + "blabla " * 2000)
    assert answer.text.startswith("(Votre question était longue")


def test_markup_in_the_question_does_not_change_the_answer(pipeline: Pipeline) -> None:
    plain = pipeline.ask("Qui est Natalia Ulasik ?")
    marked = pipeline.ask("<b>Qui</b> est Natalia Ulasik ? & <script>")
    assert marked.citations == plain.citations and not marked.refused
