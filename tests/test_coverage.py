"""The vocabulary that decides whether the text speaks of a question's key terms: its data tables are
consistent with the text, and each rule does what it says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.settings import DEFAULT_CORPUS, DEFAULT_CORPUS_EN
from index.coverage import Vocabulary, predicate_words
from index.lexical import fold, synonyms
from index.models import Document
from index.parse import parse_resolution


@pytest.fixture(scope="module")
def vocabulary(document: Document) -> Vocabulary:
    return Vocabulary.build(document, parse_resolution(DEFAULT_CORPUS_EN.read_text(encoding="utf-8")))


def french_words(document: Document) -> set[str]:
    return {fold(w) for u in document.units for w in re.findall(r"\w+", u.text)}


def test_every_synonym_row_starts_with_a_word_of_the_text_and_adds_only_words_it_lacks(document: Document
                                                                                      ) -> None:
    words = french_words(document)
    for head, everyday in synonyms():
        assert fold(head) in words, head
        assert not [w for w in everyday if fold(w) in words], head  # those are covered anyway


def covered(vocabulary: Vocabulary, question: str) -> list[str]:
    return [t.word for t in vocabulary.uncovered(vocabulary.key_terms(question), question)]


@pytest.mark.parametrize(
    ("question", "uncovered"),
    [
        ("Que dit la résolution sur les inondations ?", ["inondations"]),  # framing words are not terms
        ("What does the Parliament's text say about bitcoin?", ["bitcoin"]),
        ("Are gay couples protected?", []),  # an everyday word for a subject of the text
        ("Et le caractère ethnique du pays ?", []),  # a compound of the text: "pluriethnique"
        ("Qui est Maks Bokaiev ?", []),  # a typo of a name
        ("Le Kazakhstan exporte-t-il du gaz ?", ["exporte", "gaz"]),  # "exhorte" is another word
        ("Que demande-t-il pour les personnes handicapées ?", ["handicapées"]),  # not a participle here
        ("Quelles peines ont été prononcées ?", []),  # a participle after its auxiliary
        ("Combien de temps dure l'interdiction ?", []),  # "how long", not the weather
        ("Quel temps fait-il à Almaty ?", ["temps"]),
    ],
)
def test_key_terms_the_text_does_not_speak_of(vocabulary: Vocabulary, question: str, uncovered: list[str]
                                             ) -> None:
    assert covered(vocabulary, question) == uncovered


def test_participles_count_after_an_auxiliary_only() -> None:
    assert predicate_words("Pourquoi a-t-il été arrêté ?") >= {"arrete"}
    assert predicate_words("les personnes déplacées") == set()
    assert "released" in predicate_words("Was he released?")


def test_the_shipped_english_rendering_has_the_french_units(document: Document) -> None:
    english = parse_resolution(DEFAULT_CORPUS_EN.read_text(encoding="utf-8"))
    assert [u.id for u in english.units] == [u.id for u in document.units]
    assert DEFAULT_CORPUS.is_file()


def test_lemmas_from_the_cached_tries_are_simplemmas_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The trie-backed dictionaries (index/coverage.py) give the lemmas simplemma's default ones give, built
    afresh into an empty cache and read back from it."""
    import simplemma

    from index import coverage

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    coverage._lemmatizer.cache_clear()
    words = ["voulaient", "jailed", "syndicats", "unions", "prononcées", "released", "Bokayev", "élections"]
    expected = [{fold(simplemma.lemmatize(w, lang=lang)) for lang in ("fr", "en")} for w in words]
    try:
        assert [coverage.lemmas(w) for w in words] == expected  # built, and written to the cache
        assert sorted(p.name for p in tmp_path.glob("simplemma/marisa_trie/*/*.dic")) == ["en.dic", "fr.dic"]
        coverage._lemmatizer.cache_clear()
        assert [coverage.lemmas(w) for w in words] == expected  # read back from the cache
    finally:
        coverage._lemmatizer.cache_clear()
