"""Questions about the resolution as a document — who wrote or adopted it, when, under which procedure —
are answered from what the document itself states: its title and procedure number. What the text does not
state (its authors, the adoption date) is said plainly, with the procedure number to look it up by.

Example usage: about_document("Qui a rédigé cette résolution ?") → True
"""

from __future__ import annotations

import re

from bot.answers.models import Answer
from bot.text.language import Lang
from bot.text.messages import say
from index.models import Document

_ABOUT_DOCUMENT = re.compile(
    r"\b(qui a (r[ée]dig[ée]|[ée]crit|adopt[ée]|vot[ée]|propos[ée]|d[ée]pos[ée])|"
    r"quand .{0,40}\b(adopt[ée]e?|vot[ée]e?)|date d['’]adoption|auteurs?|r[ée]dacteurs?|rapporteurs?|"
    r"num[ée]ro de proc[ée]dure|quelle proc[ée]dure|"
    r"who (wrote|drafted|adopted|authored|proposed|tabled)|when was .{0,40}\b(adopted|voted|passed)|"
    r"adoption date|date of adoption|authors?|rapporteurs?|procedure number|which procedure|"
    r"what procedure)\b",
    re.I,
)


_THE_DOCUMENT = re.compile(r"\b(r[ée]solution|texte|document|text|it|elle)\b", re.I)
_ANOTHER_TEXT = re.compile(r"\b(loi|law|code|accord|agreement|strat[ée]gie|strategy|blog|article)\b", re.I)


def about_document(question: str) -> bool:
    """A question about the document's making (authors, adoption, procedure), not about its content nor
    about another text ("Quand la loi sur les médias a-t-elle été adoptée ?")."""
    return bool(
        _ABOUT_DOCUMENT.search(question)
        and _THE_DOCUMENT.search(question)
        and not _ANOTHER_TEXT.search(question)
    )


def document_answer(document: Document, language: Lang, title: str) -> Answer:
    """What the text states of itself, and what it does not: no authors, no adoption date."""
    text = say("about_document", language, title=title, procedure=document.procedure)
    return Answer(text, language, [], refused=False)
