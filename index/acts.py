"""What each clause of the resolution does: the Parliament's acts, read from the operative verb at the head
of each clause of a numbered paragraph ("prie instamment" → urges, "salue" → welcomes), in French and in
the English rendering alike (data/acts.tsv). Recitals are findings, citations references.

Example usage:
    clause_acts("salue la libération de plusieurs prisonniers politiques", "fr")  # ("welcomes",)
    unit_acts(paragraph_3)  # ("welcomes", "condemns")
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from index.lexical import fold
from index.models import Unit
from index.sentences import split_sentences

FINDING, REFERENCE = "finding", "reference"
# Words that may stand around a clause's verb: "demande également", "further urges", "invite donc".
_MODIFIERS = frozenset(
    {"egalement", "en", "outre", "donc", "aussi", "enfin", "par", "ailleurs", "further", "also", "therefore"}
    | {"finally", "then", "moreover", "et", "and"}
)


@lru_cache(maxsize=1)
def verbs() -> dict[str, list[tuple[str, str]]]:
    """language → [(folded verb phrase, act)], longest phrases first ("prie instamment" before "prie");
    "asked" → the words a reader asks about each act with (both languages)."""
    table: dict[str, list[tuple[str, str]]] = {"fr": [], "en": [], "asked": []}
    text = resources.files("index").joinpath("data/acts.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            act, language, phrases = line.split("\t")
            table[language.strip()] += [(fold(p.strip()), act.strip()) for p in phrases.split("|")]
    for rows in table.values():
        rows.sort(key=lambda row: -len(row[0]))
    return table


def _act_at(words: list[str], language: str) -> str | None:
    """The act of the verb at the head of `words`, modifiers aside wherever they stand ("demande en outre",
    "invite donc instamment"). "Instamment" and "urgently" are no mere modifiers: "invite instamment" and
    "urgently calls on" urge."""
    head = " ".join([w for w in words[:8] if w not in _MODIFIERS][:4])
    for phrase, act in verbs()[language]:
        if head == phrase or head.startswith(phrase + " "):
            return act
    return None


def head_act(clause: str, language: str) -> str | None:
    """The act of the verb at the head of `clause` alone ("calls for …" → calls_for), or None."""
    return _act_at(re.findall(r"[\w’']+", fold(clause)), language)


def clause_acts(clause: str, language: str) -> tuple[str, ...]:
    """The acts of one clause of a paragraph: the verb at its head, and one joined by "et"/"and" later
    ("condamne une mesure … et demande qu'il soit mis fin …"); none when it opens otherwise."""
    words = re.findall(r"[\w’']+", fold(clause))
    acts = [_act_at(words, language)]
    acts += [_act_at(words[i + 1 :], language) for i, w in enumerate(words) if i and w in ("et", "and")]
    return tuple(dict.fromkeys(a for a in acts if a))


def as_metadata(acts: tuple[str, ...]) -> str:
    """Acts as a Chroma metadata value (metadata values are scalars): "welcomes,condemns"."""
    return ",".join(acts)


def from_metadata(metadata: dict) -> frozenset[str]:
    """The acts a unit's or clause's Chroma metadata carries (none for a store without them)."""
    return frozenset(a for a in str(metadata.get("acts", "")).split(",") if a)


def unit_acts(unit: Unit, language: str = "fr") -> tuple[str, ...]:
    """What a unit does: a paragraph's acts in clause order (distinct), a recital's finding, a citation's
    reference; footnotes do nothing."""
    if unit.kind == "recital":
        return (FINDING,)
    if unit.kind == "citation":
        return (REFERENCE,)
    if unit.kind != "paragraph":
        return ()
    acts = [a for clause in split_sentences(unit.text) for a in clause_acts(clause, language)]
    return tuple(dict.fromkeys(acts))


# "Calling for" covers urging: a question about what the Parliament asks is answered by both. A reader's
# assessment stands for the acts that carry it: what the text finds positive is what the Parliament
# welcomes; what it finds negative, what it condemns, regrets or is concerned about.
_COVERS = {
    "calls_for": ("calls_for", "urges"),
    "positive": ("welcomes",),
    "negative": ("condemns", "regrets", "concerned"),
}


def asked_acts(question: str) -> tuple[str, ...]:
    """The acts a question asks about, from its verbs: "What does the Parliament condemn?" → condemns;
    "Que demande-t-il au SEAE ?" → calls_for, urges; "Anything positive?" → welcomes. Participles
    ("condamnés", "sentenced") are not acts."""
    found: list[str] = []
    # a French participle ("condamné", "salués") says what was done to someone, not what Parliament does;
    # an elided word is a word: "Qu'attend le Parlement" asks what it expects
    words = [w for w in re.findall(r"\w+", question.lower()) if not re.search(r"ée?s?$", w)]
    text = " " + " ".join(fold(w) for w in words) + " "
    for phrase, act in verbs()["asked"]:
        if f" {phrase} " in text:
            found += _COVERS.get(act, (act,))
    return tuple(dict.fromkeys(found))


def is_act_word(words: str) -> bool:
    """Whether these words ask about an act: "demands", "call for", "salue"."""
    return bool(asked_acts(words))
