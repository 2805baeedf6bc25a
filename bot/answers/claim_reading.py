"""Whether one unit says what one claim says, read without a model, for the claim checker
(bot/answers/verify.py): a number, date or name the unit lacks, another unit named, the opposite polarity,
another speaker, actor or subject, a reason it does not give, cause and effect swapped; then the meaning
(e5 cosines) and the words the claim shares with it."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.answers import claim_actors as actors
from bot.answers import claim_causes as causes
from bot.answers import claim_numbers as nums
from bot.answers import claim_polarity as polarity
from bot.answers import claim_speech as speech
from bot.answers.people import respective_mismatch, said_of_another
from bot.text.language import detect_language
from index.align import name_forms
from index.lexical import eu_terms, fold, tokens

logger = logging.getLogger(__name__)

# e5 cosines of a claim (as a query) with the sentences of a unit (as passages). Calibrated on true
# paraphrases (FR and EN) of the Kazakhstan resolution against off-topic and wrong-unit claims.
SIM_STRONG = 0.86  # supported on meaning alone
SIM_WEAK = 0.82  # supported when content words or names back it up
MIN_OVERLAP = 0.3  # share of the claim's content words found in the unit
STEMMERS = {"fr": "french", "en": "english"}
UNIT_ID = re.compile(r"\b(citation|recital|paragraph|footnote)-([0-9]+|[A-Z]{1,2})\b")
_WORD = re.compile(r"[^\W\d_]+")  # apostrophes split: "qu'Erlan" → qu, Erlan
_NOT_NAMES = actors.NOT_NAMES


@dataclass(frozen=True)
class Evidence:
    """A unit given to the model: its id, text, sentences and their e5 passage vectors; `rendering` is the
    same unit in the other language when there is one (a claim is read against the text in its own
    language: like with like)."""

    id: str
    text: str
    sentences: tuple[str, ...]
    vectors: np.ndarray  # one normalized row per sentence
    language: str = "fr"
    rendering: Evidence | None = None

    def views(self) -> list[Evidence]:
        return [self] if self.rendering is None else [self, self.rendering]

    def view(self, language: str) -> Evidence:
        """The unit in `language` if it is given in it, else as given."""
        return next((v for v in self.views() if v.language == language), self)


def numbers(text: str) -> set[str]:
    """Numbers, dates' months and number words, in one form in both languages (claim_numbers.numbers)."""
    return nums.numbers(UNIT_ID.sub(" ", text))


def names(text: str) -> set[str]:
    """Words that look like names: capitalized (not opening a sentence) or acronyms, folded."""
    found = set()
    for sentence in re.split(r"(?<=[.!?:;])\s+|^", text.strip()):
        words = _WORD.findall(sentence)
        for i, w in enumerate(words):
            looks_like_name = (w.isupper() and len(w) > 1) or (i > 0 and w[:1].isupper())
            if looks_like_name and fold(w) not in _NOT_NAMES and fold(w) not in nums.MONTHS:
                found.add(fold(w))
    return found


def _name_in(name: str, unit_words: set[str], unit_folded: str) -> bool:
    """A name is in a unit if a word of the unit starts like it (Kazakh/Kazakhstan, European/européen)
    or if the French form of an EU term containing it is in the unit (EU → UE)."""
    stem = name[: max(4, min(len(name), 5))]
    forms = name_forms()
    aliases = forms.get(name, set()) | {fr for fr, en in forms.items() if name in en}
    if aliases & unit_words:  # Venice / Venise, ILO / OIT
        return True
    if any(w.startswith(stem) or (len(w) >= 4 and name.startswith(w)) for w in unit_words):
        return True
    for en, fr in eu_terms():
        if name in fold(en).split() and any(fold(f) in unit_folded for f in fr.split() if len(f) > 1):
            return True
        forms = [fold(e) for e in f"{en} {fr}".split() if len(e) > 2]
        if name in fold(fr).split() and any(f in unit_words for f in forms):
            return True
    return False


def capitalized_in_french(unit: Evidence) -> set[str] | None:
    """The folded words the French text of `unit` capitalizes (people, places, bodies), or None."""
    french = unit.view("fr")
    if french.language != "fr":
        return None
    return {fold(w) for w in _WORD.findall(french.text) if w[:1].isupper()}


def proper_names(claim_names: set[str], unit: Evidence) -> set[str]:
    """The claim's names that the French text capitalizes too (people, places, bodies): English also
    capitalizes months and common words of titles ("Law on Public Associations")."""
    capitalized = capitalized_in_french(unit)
    if capitalized is None:
        return claim_names
    return {n for n in claim_names if any(c.startswith(n[:5]) or n.startswith(c) for c in capitalized)}


def content_overlap(claim: str, unit_text: str) -> float:
    """Share of the claim's content words (stemmed as French and as English) found in the unit."""
    words = set(tokens(claim))
    if not words:
        return 0.0
    unit = set(tokens(unit_text)) | set(tokens(unit_text, "english"))
    english = set(tokens(claim, "english"))
    return len((words & unit) | (english & unit)) / len(words)


def _best(claim_words: set[str], candidates: Sequence[str], language: str) -> str:
    """The candidate sharing most content words with the claim (the first one on a tie)."""
    return max(candidates, key=lambda c: len(claim_words & set(tokens(c, language))), default="")


def _other_actor(claim: str, unit_id: str, clause: str, sentence: str) -> bool:
    """True when the body acting first in the claim is not the one acting first where the unit says it:
    in a recital, the clause's (or its sentence's) subject; in a paragraph, the body asked to act, when
    the claim names one ("The EEAS is asked to …"). The Parliament speaks in paragraphs: it is skipped."""
    skip = frozenset()
    if not unit_id.startswith("recital"):  # the Parliament speaks in paragraphs and citations
        addressee = actors.addressed(claim)
        if addressee is None:
            return False
        claim, skip = addressee, frozenset({"parliament"})
    mine = actors.first_actor(claim, skip)
    theirs = actors.first_actor(clause, skip) or actors.first_actor(sentence, skip)
    return mine is not None and theirs is not None and mine != theirs


def reading(claim: str, unit: Evidence) -> str | None:
    """Why `unit` does not say what `claim` says, read without a model (None when nothing is against
    it): a number, date or name it lacks, another unit named, the opposite polarity or evaluation, the
    wrong speaker, actor or subject, a reason it does not give, or cause and effect swapped. `claim` is
    without its own unit's number."""
    texts = " ".join(v.text for v in unit.views())
    if not numbers(claim) <= numbers(texts):
        return "number"
    folded = fold(texts)
    words = set(_WORD.findall(folded))
    claim_names = names(claim)
    if any(not _name_in(n, words, folded) for n in claim_names):
        return "name"
    if actors.actor_classes(claim) - actors.actor_classes(texts) - {"parliament"}:  # the EU, the ILO…
        return "body"
    language = detect_language(claim, unit.language)
    stemmer = STEMMERS[language]
    view = unit.view(language)
    if view.language == language:
        why = _read_alike(claim, claim_names, unit, view, stemmer)
        if why is not None:
            return why
    if unit.id.startswith("paragraph"):  # the Parliament speaks, unless the claim reports another's word
        reported = speech.source(claim) is not None
        if not reported and (not actors.requests(claim) or actors.someone_else_asks(claim)):
            return "speaker"
    elif actors.parliament_asks(claim) or speech.recital_asks(claim, texts):
        return "speaker"  # recitals state findings: they ask for nothing
    return None


def _read_alike(
    claim: str, claim_names: set[str], unit: Evidence, view: Evidence, stemmer: str
) -> str | None:
    """The checks that compare the claim with the unit's text in the claim's language."""
    claim_words = set(tokens(claim, stemmer))
    sentence = _best(claim_words, view.sentences, stemmer)
    # a name may stand in the sentence before, the sentence saying "his arrest"
    before = view.sentences[max(0, view.sentences.index(sentence) - 1)] if sentence else ""
    sentence_folded = fold(f"{before} {sentence}")
    sentence_words = set(_WORD.findall(sentence_folded))
    proper = proper_names(claim_names, unit)
    if any(not _name_in(n, sentence_words, sentence_folded) for n in proper):
        return "name elsewhere in the unit"
    if nums.misbound(claim, view.text, stemmer):
        return "number of another thing"
    if respective_mismatch(claim, list(view.sentences)):
        return "number of another person"
    if said_of_another(claim, proper, sentence, stemmer, capitalized_in_french(unit) or set()):
        return "said of another person"
    sentences = list(view.sentences)
    if polarity.opposed(claim, sentences, stemmer) or polarity.anchored_opposite(claim, view.text, stemmer):
        return "polarity"
    asks = speech.FAMILIES.get(speech.parliament_act(claim) or "") == "request"
    if not asks and polarity.other_evaluation(claim, sentences, stemmer):  # "urges … who criticise" asks
        return "evaluation"
    if speech.unsourced(claim, sentences, stemmer):
        return "source"
    if unit.id.startswith("paragraph"):
        if speech.other_act(claim, sentences, stemmer):
            return "act"
        if speech.other_addressee(claim, sentences, stemmer):
            return "addressee"
    clause = _best(claim_words, polarity.clauses(sentence), stemmer)
    if _other_actor(claim, unit.id, clause, sentence):
        return "actor"
    if not unit.id.startswith("paragraph"):
        parts = [s.text for s in polarity.segments(view.text)]
        if actors.wrong_subject(claim, parts, stemmer) or actors.patient_made_agent(claim, parts):
            return "subject"
    return causes.unbacked_link(claim, view.text, stemmer)


def support(claim: str, vector: np.ndarray, unit: Evidence) -> float:
    """How well `unit` supports `claim`: its best sentence cosine, or 0.0 when the unit's words say
    otherwise (`reading`), or when neither meaning nor words agree."""
    claim, others = nums.without_own_reference(claim, unit.id)
    if others or not claim:
        return 0.0
    why = reading(claim, unit)
    if why is not None:
        logger.debug("%s does not support %r: %s", unit.id, claim[:80], why)
        return 0.0
    sims = [float((v.vectors @ vector).max()) for v in unit.views() if len(v.vectors)]
    sim = max(sims, default=0.0)
    if sim >= SIM_STRONG:
        return sim
    texts = " ".join(v.text for v in unit.views())
    backed = content_overlap(claim, texts) >= MIN_OVERLAP or bool(names(claim))
    return sim if sim >= SIM_WEAK and backed else 0.0


