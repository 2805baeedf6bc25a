"""The English rendering is checked against the French text, unit by unit, before it is used."""

from __future__ import annotations

import pytest

from bot.settings import DEFAULT_CORPUS_EN
from index.align import AlignmentError, check_alignment, numbers
from index.models import Document
from index.parse import parse_resolution


@pytest.fixture(scope="module")
def english_text() -> str:
    return DEFAULT_CORPUS_EN.read_text(encoding="utf-8")


def test_the_shipped_rendering_matches_the_french_text(document: Document, english_text: str) -> None:
    check_alignment(document, parse_resolution(english_text))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("in May 2018", "in May 2017"), "recital-F: numbers missing in English: 2018"),
        (("Maks Bokayev", "Max Bokaev"), "names missing in English: Maks, Bokayev"),
        (("Venice Commission", "Vienna Commission"), "recital-B: names missing in English: Venise"),
        (("Article 274", "Article 247"), "numbers not in the French: 247"),
    ],
)
def test_a_broken_rendering_is_refused_naming_the_unit(document: Document, english_text: str,
                                                       change: tuple[str, str], message: str) -> None:
    old, new = change
    assert old in english_text
    broken = parse_resolution(english_text.replace(old, new))
    with pytest.raises(AlignmentError, match=message):
        check_alignment(document, broken)


def test_a_missing_unit_is_named(document: Document, english_text: str) -> None:
    english = parse_resolution(english_text)
    kept = tuple(u for u in english.units if u.id != "recital-P")
    partial = Document(english.title, english.procedure, kept)
    with pytest.raises(AlignmentError, match="recital-P: no English counterpart"):
        check_alignment(document, partial)


def test_numbers_are_read_alike_in_both_languages() -> None:
    assert numbers("plus de 1 000 participants, 143e rang, 1er") == numbers("over 1,000 people, 143rd, 1")
