"""Turn an answer into what a terminal user reads: wrapped text, then the full text of each cited unit."""

from __future__ import annotations

import textwrap

from bot.answers.models import Answer
from bot.text.labels import cite
from bot.text.messages import say
from index.models import Document


def render_terminal(answer: Answer, document: Document, width: int = 100) -> str:
    """The answer, wrapped, with the full text of every cited unit listed under it."""
    paragraphs = [
        "\n".join(textwrap.fill(line, width) for line in p.split("\n")) for p in answer.text.split("\n\n")
    ]
    if answer.citations:
        units = document.by_id()
        paragraphs.append(f"— {say('sources', answer.language)} —")
        for unit_id in answer.citations:
            head = f"[{cite(unit_id, answer.language)}] "
            paragraphs.append(textwrap.fill(head + units[unit_id].text, width, subsequent_indent="    "))
    return "\n\n".join(paragraphs)
