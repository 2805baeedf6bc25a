"""Markup in a question (bot/text/markup.py): Markdown's bold, italics, code and links, and HTML tags, are
dropped and their text kept; text that only looks like markup stays as it is."""

from __future__ import annotations

import pytest

from bot.text.markup import plain_text


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
