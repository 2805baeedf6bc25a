"""Does the resolution speak of what a question asks? Its key terms (the subject: a person, a body, a law,
a place, a topic) are looked up in the text, in either language: French stems of the units, English
stems of the English rendering, the EU terms table, and near spellings of the text's own words.

The words that only frame a question ("résolution", "Parlement", "say", "demande") are not key terms:
every unit would match them. Example usage:

    vocabulary = Vocabulary.build(document, english_text)
    vocabulary.uncovered(vocabulary.key_terms("What does the resolution say about floods?"))  # ["floods"]
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from index.lexical import STOPWORDS, eu_terms, fold, stem
from index.models import Document

_WORD = re.compile(r"[^\W_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_ELISION = re.compile(r"^(?:l|d|qu|n|s|j|c|m|t|jusqu|lorsqu|puisqu)['’]", re.I)
NEAR_SPELLING = 0.85  # difflib ratio at which "Bokaiev" is "Bokayev" (a typo, not another word)
NEAR_MIN_LENGTH = 6


@dataclass(frozen=True)
class Term:
    word: str  # as the user typed it ("floods", "Bokayev")
    folded: str  # lower case, no accents ("floods", "bokayev")


@lru_cache(maxsize=1)
def framing_words() -> frozenset[str]:
    """Folded words that frame a question about the resolution, in both languages (data/framing-words.txt)."""
    text = resources.files("index").joinpath("data/framing-words.txt").read_text(encoding="utf-8")
    return frozenset(
        fold(w) for line in text.splitlines() if not line.startswith("#") for w in line.split()
    )


def _words(text: str) -> list[str]:
    """Words without French elisions ("l'avortement") or English possessives ("Parliament's")."""
    words = (_ELISION.sub("", w) for w in _WORD.findall(text.replace("’", "'")))
    return [w[:-2] if w.lower().endswith("'s") else w for w in words]


def _stems(folded: str) -> set[str]:
    return {stem(folded, "french"), stem(folded, "english"), folded}


def is_participle(word: str) -> bool:
    lower = word.lower()
    return lower.endswith(("é", "ée", "és", "ées")) or (len(lower) > 4 and lower.endswith("ed"))


class Vocabulary:
    """Every word of the resolution (French units, English rendering, EU terms whose French form is in
    the text) as folded words and stems, for both languages' stemmers."""

    def __init__(self, words: set[str], unit_stems: dict[str, set[str]] | None = None) -> None:
        self._words = sorted(w for w in words if not w.isdigit())
        self._numbers = {w for w in words if w.isdigit()}
        self._stems = {s for w in self._words for s in _stems(w)}
        self._unit_stems = unit_stems or {}

    @classmethod
    def build(cls, document: Document, english_text: str = "") -> Vocabulary:
        unit_stems = {u.id: {s for w in _words(u.text) for s in _stems(fold(w))} for u in document.units}
        text = " ".join(u.text for u in document.units) + " " + english_text
        words = {fold(w) for w in _words(text)}
        folded_text = fold(text)
        for en, fr in eu_terms():  # "ILO" is covered when the text names the OIT, "ONU" when the UN
            if any(re.search(rf"(?<!\w){re.escape(fold(side))}(?!\w)", folded_text) for side in (en, fr)):
                words |= {fold(w) for w in _words(f"{en} {fr}")}
        return cls(words, unit_stems)

    def key_terms(self, question: str) -> list[Term]:
        """The words of a question that name what it asks about: not stop words, not framing words."""
        terms: dict[str, Term] = {}
        for word in _words(question):
            folded = fold(word)
            if folded in STOPWORDS or folded in framing_words() or (len(folded) < 2 and not folded.isdigit()):
                continue
            terms.setdefault(folded, Term(word, folded))
        return list(terms.values())

    def covers(self, term: Term) -> bool:
        if term.folded.isdigit():
            return term.folded in self._numbers
        if _stems(term.folded) & self._stems:
            return True
        if len(term.folded) >= NEAR_MIN_LENGTH:  # a typo of a word of the text ("Bokaiev", "sindicats")
            return bool(difflib.get_close_matches(term.folded, self._words, n=1, cutoff=NEAR_SPELLING))
        return False

    def units_naming(self, term: Term) -> set[str]:
        """The (French) units whose words include the term's stem."""
        stems = _stems(term.folded)
        return {unit_id for unit_id, held in self._unit_stems.items() if stems & held}

    def uncovered(self, terms: list[Term]) -> list[Term]:
        """The terms the text never mentions; a participle ("prononcées", "released") says what happened
        to the subject, not what the subject is, and is not required."""
        return [t for t in terms if not self.covers(t) and not is_participle(t.word)]
