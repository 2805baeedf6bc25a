"""Which question a message asks, given the conversation before it. A follow-up ("Et à combien d'années
a-t-il été condamné ?") leans on the subject the conversation named: it is resolved into the message plus
that subject's key terms, never the whole conversation as a bag of words. A message that names a subject
of its own, even one that starts with "et", "and" or "what about", is a new question.

Example usage: resolve("When was he arrested?", ["Who is Maks Bokayev?"], vocabulary).text
    → "When was he arrested? Maks Bokayev"
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from index.coverage import Term, Vocabulary, name_like
from index.lexical import fold

# Words that point back to something named before ("il", "sa peine", "his sentence").
_POINTERS = frozenset(
    {
        *("il", "elle", "ils", "elles", "lui", "leur", "leurs", "son", "sa", "ses", "celui", "celle", "ceux"),
        *("celles", "dernier", "derniere", "derniers", "dernieres"),
        *("he", "she", "they", "him", "her", "them", "his", "hers", "their", "theirs", "it", "its"),
        *("latter", "former"),
    }
)
SPECIFIC_UNITS = 4  # a subject word in at most this many units names something specific ("CDK", "Bokayev")
OWN_SPECIFIC_UNITS = 8
# Verbs whose subject pronoun is the resolution or the Parliament: "que dit-elle", "what does it say".
_SAYING = frozenset(
    {
        *("say", "says", "said", "dit", "disent", "dire", "demande", "demandent", "exige", "exigent"),
        *("pense", "pensent", "estime", "estiment", "souligne", "soulignent", "think", "thinks"),
        *("mention", "mentions", "ask", "asks", "call", "calls", "urge", "urges", "state", "states"),
        *("write", "writes", "ecrit", "want", "wants", "veut", "veulent"),
    }
)
_EN_POINTER = re.compile(r"(?<!qu')\ben (ont|a|avait|avaient|pense|pensent|dit|disent|fait|font|sait)\b")
_DISLOCATED = re.compile(r",\s*(elles?|ils?|they|it)\b", re.I)
# A message that opens with these and names its own subject changes the topic: "Et les élections ?"
_NEW_TOPIC = re.compile(
    r"^\W*(et|and|also|aussi|what about|how about|and what about|qu'en est-il|et concernant|concernant|"
    r"regarding|as for|quant)\b",
    re.I,
)
# Anywhere in a message that names its own subject, these say the topic changes: "Parlons d'autre chose :"
_SWITCH = re.compile(
    r"\b(autre chose|autres? sujets?|autre question|changeons de sujet|changement de sujet|nouveau sujet|"
    r"(?:new|different|another|other) (?:subject|topic|question)|something else|change (?:of )?(?:the )?"
    r"(?:subject|topic)|changing (?:the )?(?:subject|topic))\b",
    re.I,
)
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Resolved:
    question: str  # the message as asked
    text: str  # what is searched and judged: the message, plus the subject a follow-up leans on
    terms: list[Term]  # the key terms of `text`
    followup: bool
    subject: str = ""  # the earlier message whose subject a follow-up carries
    context: str = ""  # that message and the last one that leaned on it: what a follow-up is searched with


OWN_SUBJECT_WORDS = 2  # key terms before a pronoun that give the message a subject of its own


def points_back(message: str, own: Sequence[Term] = ()) -> bool:
    """A pronoun or possessive that refers to something named earlier. One that belongs to the framing
    ("que dit-elle", "what does it say": the resolution) does not count, nor one that takes up a subject
    the message itself names first ("Et les ONG, elles …", "the two activists freed in 2018: what does it
    ask for them?"): OWN_SUBJECT_WORDS of its key terms `own`, or a name, before it."""
    if _EN_POINTER.search(fold(message)):  # "en ont-ils pensé" : "en" stands for something named before
        return True
    message = _DISLOCATED.sub(" ", message)
    words = [fold(w) for w in _TOKEN.findall(message)]
    keys = {t.folded for t in own}
    first = words[0] if words else ""
    # a name before the pronoun is what it refers to: "What about Kyrgyzstan, is it mentioned?"
    names = {t.folded for t in own if t.word[:1].isupper() and t.folded != first}
    for i, word in enumerate(words):
        before = set(words[:i])
        if word not in _POINTERS or len(keys & before) >= OWN_SUBJECT_WORDS or names & before:
            continue
        before = words[i - 1] if i > 0 and words[i - 1] != "t" else (words[i - 2] if i > 1 else "")
        after = words[i + 1] if i + 1 < len(words) else ""
        if before in _SAYING or after in _SAYING:
            continue
        return True
    return False


def _same_topic(own: list[Term], subject: list[Term], vocabulary: Vocabulary) -> bool:
    """A message without a pointer still continues the conversation when the text speaks of its words
    and of the subject's specific words (a name, a rare topic) in one unit: "Quelles peines de prison
    ont été prononcées ?" after a question on the CDK movement."""
    specific = [vocabulary.units_naming(t) for t in subject]
    specific = [units for units in specific if 0 < len(units) <= SPECIFIC_UNITS]
    named = [vocabulary.units_naming(t) for t in own]
    named = [units for units in named if 0 < len(units) <= OWN_SPECIFIC_UNITS]
    return any(a & b for a in specific for b in named)


def _leans(message: str, own: list[Term], subject: list[Term], vocabulary: Vocabulary) -> bool:
    if not subject or _SWITCH.search(message):
        return False
    continues = (
        not _NEW_TOPIC.match(fold(message))
        and not any(name_like(t, message) for t in own)  # a name or a number of its own: a new subject
        and _same_topic(own, subject, vocabulary)
    )
    return not own or points_back(message, own) or continues


def resolve(message: str, history: Sequence[str], vocabulary: Vocabulary) -> Resolved:
    """The question `message` asks after `history` (oldest first)."""
    subject, subject_terms, thread = "", [], []  # thread: the subject's message and those leaning on it
    for earlier in history:
        terms = vocabulary.key_terms(earlier)
        if _leans(earlier, terms, subject_terms, vocabulary):
            thread.append(earlier)
        elif terms:
            subject, subject_terms, thread = earlier, terms, [earlier]
    own = vocabulary.key_terms(message)
    if not _leans(message, own, subject_terms, vocabulary):
        return Resolved(message, message, own, followup=False)
    carried = [t for t in subject_terms if t.folded not in {o.folded for o in own}]
    text = " ".join([message, *(t.word for t in carried)])
    context = " ".join([subject, *thread[1:][-1:]])
    return Resolved(message, text, own + carried, followup=True, subject=subject, context=context)
