"""Does the resolution answer the question, and how much of it? A question whose key terms the text never
mentions is refused, naming them, with two or three nearby subjects the text does cover; a question
that asks for a figure or a date the quoted text does not give gets a note saying so.

Example usage: refusal(retrieval, "en", document).text → "Resolution … does not mention “floods”: …"
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from bot.answers.models import Answer, Quote
from bot.text.labels import cite, quoted_words
from bot.text.language import Lang
from bot.text.messages import say
from index.facts import ASKS_DATE, YEAR_OR_MONTH
from index.lexical import tokens
from index.models import Document
from index.parse import is_closing
from index.retrieve import Retrieval

NEARBY = 3  # subjects offered with a refusal
_NEARBY_KINDS = ("recital", "paragraph")
_ASKS_FIGURE = re.compile(
    r"\b(combien|nombre|chiffres?|pourcentage|montant|how many|how much|number of|figures?|percentage|"
    r"amount)\b",
    re.I,
)
_NUMBER = re.compile(r"\d")


@lru_cache(maxsize=1)
def topics() -> dict[str, dict[Lang, str]]:
    """Each unit's subject in French and English (data/topics.tsv), as offered after a refusal."""
    text = resources.files("bot.answers").joinpath("data/topics.tsv").read_text(encoding="utf-8")
    table: dict[str, dict[Lang, str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            unit_id, fr, en = line.split("\t")
            table[unit_id] = {"fr": fr.strip(), "en": en.strip()}
    return table


def topic_question(unit_id: str, language: Lang) -> str:
    """The question a nearby-subject button asks: "Que dit la résolution sur les syndicats ?"."""
    return say("ask_about", language, topic=topics()[unit_id][language])


def nearby(retrieval: Retrieval, n: int = NEARBY) -> list[str]:
    """The best-ranked recitals and paragraphs with distinct subjects: what the text says closest by."""
    chosen: list[str] = []
    seen: set[str] = set()
    for hit in retrieval.hits:
        topic = topics().get(hit.unit.id, {}).get("en")
        if hit.unit.kind in _NEARBY_KINDS and topic and topic not in seen and not is_closing(hit.unit.text):
            chosen.append(hit.unit.id)
            seen.add(topic)
        if len(chosen) == n:
            break
    return chosen


def refusal(retrieval: Retrieval, language: Lang, document: Document) -> Answer:
    """Short: what the text does not speak of (the uncovered key terms, when there are some), then the
    nearby subjects it does cover, each with its citation."""
    used = [t for t in retrieval.uncovered if t in retrieval.terms and t not in retrieval.unmentioned]
    if used:  # it has the words, not the fact: "When did the EPCA enter into force in full?"
        head = say("fact_not_given", language, procedure=document.procedure)
    elif retrieval.uncovered:
        subject = quoted_words([t.word for t in retrieval.uncovered], language)
        head = say("not_covered", language, procedure=document.procedure, subject=subject)
    else:
        head = say("not_covered_question", language, procedure=document.procedure)
    suggestions = nearby(retrieval)
    text = head
    if suggestions:
        items = [f"• {topics()[u][language]} ({cite(u, language)})" for u in suggestions]
        text += "\n\n" + "\n".join([say("nearby", language), *items])
    return Answer(text, language, [], refused=True, suggestions=suggestions)


def gaps(retrieval: Retrieval, quotes: list[Quote], language: Lang) -> list[str]:
    """What a question asks that the quotes do not give: words the text never uses, a figure about its
    subject, or a date."""
    notes = []
    if retrieval.unmentioned:  # answered from the words the text has: say which ones it lacks
        words = quoted_words([t.word for t in retrieval.unmentioned], language)
        notes.append(say("unmentioned", language, words=words))
    question = retrieval.question
    words = " ".join(t.word for t in retrieval.terms)  # key terms only: "Kazakhstan" frames every question
    terms = set(tokens(words)) | set(tokens(words, "english"))
    if _ASKS_FIGURE.search(question):
        numbers = [q.text for q in quotes if _NUMBER.search(YEAR_OR_MONTH.sub("", q.text))]
        if not any(terms & set(tokens(text)) for text in numbers):
            notes.append(say("no_figure", language))
    if ASKS_DATE.search(question) and not any(YEAR_OR_MONTH.search(q.text) for q in quotes):
        notes.append(say("no_date", language))
    return notes
