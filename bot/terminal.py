"""Turn an answer into what a terminal user reads: wrapped text, then the full text of each cited unit."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from bot.answers.models import Answer
from bot.text.labels import cite
from bot.text.messages import say

if TYPE_CHECKING:
    from index.store import Index


def render_terminal(answer: Answer, index: Index, width: int = 100, original: bool = False) -> str:
    """The answer, wrapped, with the full text of every cited unit listed under it, in the language it was
    quoted in; with `original`, English quotes are followed by the authoritative French text."""
    paragraphs = [
        "\n".join(textwrap.fill(line, width) for line in p.split("\n")) for p in answer.text.split("\n\n")
    ]
    if answer.citations:
        quoted = answer.quotes[0].language if answer.quotes else "fr"
        paragraphs.append(f"— {say('sources', answer.language)} —")
        for unit_id in answer.citations:
            head = f"[{cite(unit_id, answer.language)}] "
            text = index.text_of(unit_id, quoted)
            paragraphs.append(textwrap.fill(head + text, width, subsequent_indent="    "))
            if original and quoted != "fr":
                french = f"[{say('original', answer.language)}] {index.text_of(unit_id, 'fr')}"
                pad = "    "
                paragraphs.append(textwrap.fill(french, width, initial_indent=pad, subsequent_indent=pad))
    return "\n\n".join(paragraphs)
