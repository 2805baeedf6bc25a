"""Retrieval: explicit references, cross-lingual hybrid search, follow-ups."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.pipeline import Pipeline
from bot.settings import Settings
from index.acts import asked_acts, is_act_word
from index.models import Document
from index.ordinals import ordinal_unit
from index.references import find_references
from index.store import search_texts


@pytest.fixture(scope="module")
def pipeline(built_index_dir: Path) -> Pipeline:
    return Pipeline(Settings(resobot_data_dir=built_index_dir))


def top(pipeline: Pipeline, question: str, history: list[str] | None = None, n: int = 1) -> list[str]:
    return [h.unit.id for h in pipeline.search(question, history or []).hits[:n]]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Que dit le paragraphe 7 ?", ["paragraph-7"]),
        ("§7 et § 8", ["paragraph-7", "paragraph-8"]),
        ("point 3 please", ["paragraph-3"]),
        ("What does paragraph 12 say?", ["paragraph-12"]),
        ("para. 2?", ["paragraph-2"]),
        ("Que dit le considérant C ?", ["recital-C"]),
        ("summarise recital c", ["recital-C"]),
        ("visa 3", ["citation-3"]),
        ("citation 3", ["citation-3"]),
        ("note 2", ["footnote-2"]),
        ("footnote 5?", ["footnote-5"]),
        ("note de bas de page n° 4", ["footnote-4"]),
    ],
)
def test_explicit_references_are_found_in_both_languages(question: str, expected: list[str]) -> None:
    assert find_references(question) == expected


def test_article_paragraph_of_another_text_is_not_a_reference() -> None:
    assert find_references("Que dit l'article 135, paragraphe 5, du règlement ?") == []
    assert find_references("considérant qu'il a été libéré") == []


def test_referenced_unit_comes_first(pipeline: Pipeline) -> None:
    assert top(pipeline, "Que dit le considérant M ?") == ["recital-M"]
    assert top(pipeline, "What does paragraph 12 say?") == ["paragraph-12"]
    assert top(pipeline, "visa 4") == ["citation-4"]


def test_names_and_article_numbers_are_found(pipeline: Pipeline) -> None:
    assert top(pipeline, "Natalia Ulasik") == ["paragraph-3"]
    assert set(top(pipeline, "article 274", n=2)) == {"recital-C", "paragraph-5"}


def test_english_question_finds_french_unit(pipeline: Pipeline) -> None:
    assert top(pipeline, "What should happen to victims of torture?") == ["paragraph-10"]
    assert top(pipeline, "How many journalists were among those detained in 2016?") == ["recital-D"]


def test_eu_acronyms_are_bridged_across_languages(pipeline: Pipeline) -> None:
    assert top(pipeline, "What is the EEAS asked to do?") == ["paragraph-16"]
    assert "recital-E" in top(pipeline, "What are the ILO's concerns?", n=2)


def test_generic_words_do_not_pull_up_the_citations(pipeline: Pipeline) -> None:
    hits = top(pipeline, "What does the resolution say about Kazakhstan's democracy ranking?", n=3)
    assert hits[0] == "recital-Q"
    assert not any(h.startswith("citation-") for h in hits)


def test_citations_still_answer_questions_about_sources(pipeline: Pipeline) -> None:
    first = top(pipeline, "Quelles résolutions antérieures sur le Kazakhstan sont citées ?")[0]
    assert first.startswith("citation-")


def test_followup_is_resolved_against_history(pipeline: Pipeline) -> None:
    assert top(pipeline, "Was he released?", ["What does the resolution say about Ardak Ashim?"]) == [
        "paragraph-3"
    ]
    assert top(pipeline, "Et à combien d'années a-t-il été condamné ?", ["Parle-moi du mouvement CDK"]) == [
        "recital-I"
    ]


def test_search_ranks_every_unit_once(pipeline: Pipeline) -> None:
    ids = [h.unit.id for h in pipeline.search("syndicats").hits]
    assert len(ids) == len(set(ids)) == 50


@pytest.mark.parametrize(
    ("earlier", "expected"),
    [
        ("Qui est Maks Bokayev ?", {"recital-D", "paragraph-4"}),
        ("Qui est Iskander Yerimbetov ?", {"recital-N"}),
        ("Parle-moi d'Almat Zhumagulov", {"recital-I"}),
    ],
)
def test_followup_stays_on_the_person_named_before(
    pipeline: Pipeline, earlier: str, expected: set[str]
) -> None:
    assert top(pipeline, "Et à combien d'années a-t-il été condamné ?", [earlier])[0] in expected


def test_a_question_is_embedded_once_per_answer(pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    import index.embeddings as embeddings

    embeddings.QUERIES.clear()
    seen: list[str] = []
    model = embeddings._model()
    monkeypatch.setattr(
        embeddings,
        "_model",
        lambda: type("Spy", (), {"query": lambda _, text: seen.append(text) or model.query(text)})(),
    )
    pipeline.ask("Qui est Natalia Ulasik ?")
    assert seen == ["Qui est Natalia Ulasik ?"]
    assert not embeddings.E5Embeddings().query("Qui est Natalia Ulasik ?").flags.writeable


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What is the last thing the Parliament demands?", "paragraph-16"),
        ("Quelle est la première chose que demande le Parlement ?", "paragraph-1"),
        ("What does the Parliament call for first?", "paragraph-1"),
    ],
)
def test_the_place_of_an_act_picks_the_nth_paragraph_that_carries_it(
    pipeline: Pipeline, question: str, expected: str
) -> None:
    assert top(pipeline, question) == [expected]
    answer = pipeline.ask(question)  # "chose", "last": where to look, no subject the text lacks
    assert not answer.refused and answer.citations[0] == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What does the third recital say?", "recital-C"),
        ("Que dit le dernier paragraphe ?", "paragraph-17"),
        ("the second footnote?", "footnote-2"),
    ],
)
def test_a_unit_named_by_its_place_is_a_reference(pipeline: Pipeline, question: str, expected: str) -> None:
    retrieval = pipeline.search(question)
    assert retrieval.references == [expected] and retrieval.hits[0].referenced
    assert pipeline.ask(question).citations == [expected]


@pytest.mark.parametrize(
    "question",
    [
        "What did the Parliament ask about the last elections?",
        "Is this the first time the Parliament condemns Kazakhstan?",
        "What did MEPs demand last year?",
        "What is the first priority of the EPCA?",  # a place, but no act and no kind of unit to count
    ],
)
def test_a_place_in_time_or_without_an_act_picks_no_unit(document: Document, question: str) -> None:
    every_act = frozenset({"calls_for", "urges", "condemns", "welcomes"})
    assert (
        ordinal_unit(question, document.units, asked_acts(question), lambda _: every_act, is_act_word) is None
    )


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Is the European Parliament happy about anything?", {"paragraph-3", "paragraph-11"}),
        ("Y a-t-il des points positifs pour le Kazakhstan dans ce texte ?", {"paragraph-3", "paragraph-11"}),
        ("Que reproche le Parlement au Kazakhstan ?", {"paragraph-3"}),
    ],
)
def test_an_assessment_finds_what_the_parliament_welcomes_or_condemns(
    pipeline: Pipeline, question: str, expected: set[str]
) -> None:
    assert top(pipeline, question)[0] in expected
    answer = pipeline.ask(question)
    assert not answer.refused and answer.citations and set(answer.citations) <= expected


@pytest.mark.parametrize(
    "question",
    [
        "What does the text hope the agreement will bring?",
        "Qu'espère le Parlement de l'accord avec le Kazakhstan ?",
    ],
)
def test_a_hope_finds_the_paragraph_that_carries_it_not_the_recital_on_the_agreement(
    pipeline: Pipeline, question: str
) -> None:
    assert top(pipeline, question) == ["paragraph-2"]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "In which Official Journal was the resolution of 15 December 2011 on Central Asia published?",
            "footnote-7",
        ),
        ("Où la résolution du 17 septembre 2009 a-t-elle été publiée ?", "footnote-6"),
        ("Where was the resolution of March 2012 printed in the Official Journal?", "footnote-5"),
    ],
)
def test_where_a_text_was_published_is_its_footnote(pipeline: Pipeline, question: str, expected: str) -> None:
    assert top(pipeline, question) == [expected]


def test_a_footnote_is_searched_with_the_words_its_marker_closes(document: Document) -> None:
    citation = document.by_id()["citation-3"]
    assert citation.cited_by(5) == "du 15 mars 2012"
    assert citation.cited_by(4).endswith("notamment celles du 18 avril 2013")
    assert citation.cited_by(7) == ""  # not one of its notes
    searched = search_texts(document)["footnote-5"]
    assert searched.startswith(f"{document.by_id()['footnote-5'].text} — du 15 mars 2012 — ")
    assert searched.endswith(citation.text)


@pytest.mark.parametrize(
    ("question", "gold"),
    [
        ("Does the preamble mention the Council conclusions on Central Asia?", "citation-6"),
        ("Le préambule renvoie-t-il au dialogue annuel sur les droits de l'homme ?", "citation-7"),
        ("Which 2011 resolution is referred to?", "citation-5"),
    ],
)
def test_questions_about_the_preamble_and_dated_resolutions_find_the_citations(
    pipeline: Pipeline, question: str, gold: str
) -> None:
    assert top(pipeline, question) == [gold]
