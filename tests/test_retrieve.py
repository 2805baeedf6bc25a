"""Retrieval: explicit references, cross-lingual hybrid search, follow-ups."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.pipeline import Pipeline
from bot.settings import Settings
from index.references import find_references


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
