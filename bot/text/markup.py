"""Markup typed or pasted into a question is not part of it: HTML tags ("<b>Qui</b>", "<script>") and
Markdown's bold, italics, code and links are dropped and their text kept, so that a reference the markup
wraps still counts.

Example usage: plain_text("**What** does _paragraph 6_ say?") → "What does paragraph 6 say?"
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

_HTML_TAG = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>")
# Inline tokens whose content is text the user wrote; the other tokens are markup (`strong_open`, …).
_TEXT = ("text", "code_inline", "image")  # an image's content is its alt text
_SPACE = ("softbreak", "hardbreak", "html_inline")
# Where markdown-it's inline parser stops reading plain text (its default terminators), and what its
# normalization rewrites ("\r", "\0"): a message with none of them is one text token, itself, and has no
# HTML tag either. Most questions have none, and are not parsed (markdown-it's import is the slow part);
# tests/test_markup.py pins the set against markdown-it's, and the two ways against each other.
MARKUP_CHARS = frozenset("\n!#$%&*+-:<=>@[\\]^_`{}~\r\0")


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    """CommonMark's inline rules only: a line that starts with "#", "1." or "-" stays text."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


def plain_text(text: str) -> str:
    """`text` without its Markdown and HTML markup; whitespace is left for the caller to normalize."""
    if MARKUP_CHARS.isdisjoint(text):
        return text
    return parsed_text(text)


def parsed_text(text: str) -> str:
    """`plain_text`, always through markdown-it's parser."""
    pieces: list[str] = []
    for token in _markdown().parseInline(text):
        for child in token.children or []:
            if child.type in _TEXT:
                pieces.append(child.content)
            elif child.type in _SPACE:
                pieces.append(" ")
    return _HTML_TAG.sub(" ", "".join(pieces))
