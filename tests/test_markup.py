"""Markup in a question (bot/text/markup.py): Markdown's bold, italics, code and links, and HTML tags, are
dropped and their text kept; text that only looks like markup stays as it is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.text.markup import MARKUP_CHARS, parsed_text, plain_text


def words(text: str) -> str:
    return " ".join(plain_text(text).split())


@pytest.mark.parametrize(
    ("marked", "plain"),
    [
        ("**What** does _paragraph 6_ say?", "What does paragraph 6 say?"),
        ("__Qui__ est *Maks Bokayev* ?", "Qui est Maks Bokayev ?"),
        ("What does `recital F` say?", "What does recital F say?"),
        ("Read [paragraph 6](https://example.org/6 \"title\") please", "Read paragraph 6 please"),
        ("See <https://example.org> and ![the map](map.png)", "See https://example.org and the map"),
        ("<b>Qui</b> est Natalia Ulasik ? & <script>", "Qui est Natalia Ulasik ? &"),
        ("first line\nsecond  line", "first line second line"),
    ],
)
def test_markup_is_dropped_and_its_text_kept(marked: str, plain: str) -> None:
    assert words(marked) == plain


@pytest.mark.parametrize(
    "text",
    ["5 * 3 * 2 = 30", "snake_case_name", "# 1. - > not blocks", "[1] and [2]", "C:\\Users", "a < b > c"],
)
def test_text_that_only_looks_like_markup_is_kept(text: str) -> None:
    assert words(text) == text


def test_the_characters_that_send_a_message_to_the_parser_are_markdown_its_terminators() -> None:
    """A message without MARKUP_CHARS is not parsed: markdown-it's inline parser reads it as one text
    token, so the set must hold every character at which that parser stops reading text."""
    from markdown_it import MarkdownIt

    every = "".join(map(chr, range(0x10000)))
    terminators = set(MarkdownIt("commonmark").inline.terminator_re.findall(every))
    assert terminators | {"\r", "\0"} == MARKUP_CHARS  # and the two its normalization rewrites


def _questions() -> list[str]:
    """Every question of the project's question sets."""
    return [
        json.loads(line)["question"]
        for path in sorted((Path(__file__).parent / "data").glob("*.jsonl"))
        if not path.name.startswith("claims-")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def test_a_question_without_markup_characters_is_what_the_parser_makes_of_it() -> None:
    questions = _questions()
    plain = [q for q in questions if MARKUP_CHARS.isdisjoint(q)]
    assert len(questions) > 500 and len(plain) > 100  # both ways are exercised
    for question in [*questions, " leading and trailing spaces  ", "tab\there", "naïve — « guillemets » ?"]:
        assert plain_text(question) == parsed_text(question), question
