"""Language detection on short questions full of names."""

from __future__ import annotations

import pytest

from bot.text.language import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Qui est Natalia Ulasik ?", "fr"),
        ("Who is Maks Bokayev?", "en"),
        ("Was he released?", "en"),
        ("Parle-moi du mouvement CDK", "fr"),
        ("Que dit le considérant M ?", "fr"),
        ("What does paragraph 12 say?", "en"),
        ("Que dit le paragraphe 42 ?", "fr"),
        ("quelles resolutions sur l'asie centrale sont citees ?", "fr"),
        ("freedom of the press", "en"),
        ("Quel âge a Aron Atabek ?", "fr"),
        ("What does Mukhtar Dzhakishev do?", "en"),
    ],
)
def test_language_of_short_questions(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_question_without_clues_takes_the_conversation_language() -> None:
    assert detect_language("§ 6", fallback="en") == "en"
    assert detect_language("§ 6", fallback="fr") == "fr"
    assert detect_language("OSCE?", fallback="en") == "en"  # acronyms alone are no clue
    assert detect_language("CDK", fallback="fr") == "fr"


@pytest.mark.parametrize("text", ["Zhanaozen ?", "Bokayev ?", "Ardak Ashim !"])
def test_a_space_before_a_question_mark_is_french_typography(text: str) -> None:
    assert detect_language(text, fallback="en") == "fr"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Trade union rules?", "en"),  # no function word: "rules", "trade" are only in the English text
        ("Interpol notices?", "en"),
        ("EU Central Asia strategy?", "en"),  # "eu" is also a French word; "strategy", "asia" are not
        ("Stratégie pour l'Asie centrale ?", "fr"),
        ("regles ONG", "fr"),  # typed without accents
    ],
)
def test_short_questions_take_their_language_from_the_words_only_one_rendering_of_the_text_uses(
    text: str, expected: str
) -> None:
    assert detect_language(text, fallback="fr" if expected == "en" else "en") == expected
