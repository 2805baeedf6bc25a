"""Does the resolution speak of what a question asks? Its key terms (the subject: a person, a body, a law,
a place, a topic) are looked up in the text, unit by unit, in either language: French and English stems
and lemmas of the units and of their English rendering, the EU terms table, the everyday words for the
text's subjects (data/synonyms.tsv), compounds and typos of the text's own words.

The words that only frame a question ("résolution", "Parlement", "say", "demande") are not key terms:
every unit would match them. Example usage:

    vocabulary = Vocabulary.build(document, english_document)
    question = "What does the resolution say about floods?"
    vocabulary.uncovered(vocabulary.key_terms(question), question)  # [Term("floods", "floods")]
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from index.lexical import STOPWORDS, eu_terms, fold, has_phrase, stem, synonyms
from index.models import Document

if TYPE_CHECKING:
    from simplemma import Lemmatizer

_WORD = re.compile(r"[^\W_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_ELISION = re.compile(r"^(?:l|d|qu|n|s|j|c|m|t|jusqu|lorsqu|puisqu)['’]", re.I)
NEAR_SPELLING = 0.85  # difflib ratio at which "Bokaiev" is "Bokayev" (a typo, not another word)
NEAR_SPELLING_COMMON = 0.88  # stricter for common words: "exporte" is not "exhorte"
NEAR_MIN_LENGTH = 6
# Phrases that frame a question whose words may also name a subject ("temps" is also the weather).
_PHRASES = re.compile(r"\b(combien de temps|how long|how much time)\b", re.I)


@dataclass(frozen=True)
class Term:
    word: str  # as the user typed it ("floods", "Bokayev")
    folded: str  # lower case, no accents ("floods", "bokayev")


@lru_cache(maxsize=1)
def not_key_terms() -> frozenset[str]:
    """Words that never name what a question asks about: the stop words (the bm25s lists, and the fuller
    stopwords-iso list for French: "ceux", "souvent", "devant"; its English list holds topic words such as
    "work" and "home") and the framing words, folded."""
    import stopwordsiso

    words = set(STOPWORDS) | framing_words()
    words |= {fold(w) for w in stopwordsiso.stopwords("fr")}
    return frozenset(words)


@lru_cache(maxsize=1)
def _lemmatizer() -> Lemmatizer:
    """simplemma's lemmatizer, its dictionaries kept as MARISA tries in the user's cache directory
    (simplemma's own TrieDictionaryFactory): decoding the shipped dictionaries took 0.2-0.4 s in every
    process, most of a command-line question's own time; a cached trie loads in about a millisecond. The
    tries are built on first use; where the cache cannot be written, they are built in memory each time."""
    from simplemma import Lemmatizer
    from simplemma.strategies import DefaultStrategy
    from simplemma.strategies.dictionaries import TrieDictionaryFactory

    return Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=TrieDictionaryFactory()))


def lemmas(word: str) -> set[str]:
    """The word's dictionary forms in both languages, folded: "voulaient" → "vouloir", "jailed" → "jail"."""
    return {fold(_lemmatizer().lemmatize(word, lang=lang)) for lang in ("fr", "en")}


@lru_cache(maxsize=1)
def framing_words() -> frozenset[str]:
    """Folded words that frame a question about the resolution, in both languages (data/framing-words.txt)."""
    text = resources.files("index").joinpath("data/framing-words.txt").read_text(encoding="utf-8")
    return frozenset(fold(w) for line in text.splitlines() if not line.startswith("#") for w in line.split())


def _words(text: str) -> list[str]:
    """Words without French elisions ("l'avortement") or English possessives ("Parliament's")."""
    words = (_ELISION.sub("", w) for w in _WORD.findall(text.replace("’", "'")))
    return [w[:-2] if w.lower().endswith("'s") else w for w in words]


@lru_cache(maxsize=65536)
def _stems(folded: str) -> frozenset[str]:
    """The word and its French and English stems (remembered: the vocabulary asks for most words often)."""
    return frozenset({stem(folded, "french"), stem(folded, "english"), folded})


_AUXILIARY = re.compile(
    r"\b(ont|a|avait|avaient|sont|est|été|etre|être|was|were|been|be|is|are|has|have|had|got|get)"
    r"(?:[\s'-]+(?:t-)?\w+){0,2}[\s'-]+$",
    re.I,
)


def predicate_words(question: str) -> set[str]:
    """Past participles that say what happened to the subject ("ont été prononcées", "was he released",
    "died"), not what the subject is: they need not be in the text. A French participle counts only after
    an auxiliary, an English one not before a noun: "personnes handicapées", "disabled people" name a
    subject."""
    found = set()
    matches = list(re.finditer(r"[^\W\d_]+", question))
    for i, m in enumerate(matches):
        word = m.group().lower()
        french = word.endswith(("é", "ée", "és", "ées")) and _AUXILIARY.search(question[: m.start()])
        following = fold(matches[i + 1].group()) if i + 1 < len(matches) else ""
        adjective = following and following not in not_key_terms()  # "disabled people" names a subject
        if french or (len(word) >= 4 and word.endswith("ed") and not adjective):
            found.add(fold(word))
    return found


_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def name_like(term: Term, question: str) -> bool:
    """A capitalized word that does not open the message, or a word with a digit: a name, a year, a figure."""
    if any(c.isdigit() for c in term.word):
        return True
    first = _TOKEN.search(question)
    return term.word[:1].isupper() and not (first and first.group() == term.word)


@lru_cache(maxsize=1)
def _term_words() -> list[tuple[tuple[str, str], frozenset[str]]]:
    """Each EU term pair, folded, and the folded words of both its sides ("ilo", "oit", …)."""
    return [((fold(en), fold(fr)), frozenset(fold(w) for w in _words(f"{en} {fr}"))) for en, fr in eu_terms()]


@lru_cache(maxsize=1)
def _synonym_stems() -> list[tuple[frozenset[str], frozenset[str]]]:
    """Each word of data/synonyms.tsv as its stems, with the everyday words it stands for."""
    return [(_stems(fold(word)), everyday) for word, everyday in synonyms()]


def _unit_words(texts: list[str]) -> set[str]:
    """The folded words of one unit (in both languages), with the EU terms and everyday words its own words
    stand for: a unit that names the OIT also covers "ILO", one on LGBTI people covers "gay"."""
    words = {fold(w) for text in texts for w in _words(text)}
    folded = " " + " ".join(fold(t) for t in texts) + " "
    for sides, term_words in _term_words():
        if any(has_phrase(folded, side) for side in sides):
            words |= term_words
    stems = {s for w in words for s in _stems(w)}
    for word_stems, everyday in _synonym_stems():
        if word_stems & stems:
            words |= everyday
    return words


class Vocabulary:
    """Every word of the resolution, unit by unit: the French text, its English rendering (same unit ids),
    and the EU terms and everyday words they stand for; looked up by folded word and by stem, with both
    languages' stemmers."""

    def __init__(
        self,
        unit_words: dict[str, set[str]],
        clauses: dict[str, list[frozenset[str]]] | None = None,
        stem_units: dict[str, set[str]] | None = None,
    ) -> None:
        """`stem_units`: the units of each stem, as `as_json` kept them; worked out from `unit_words` if
        not given (the stemming is most of the build)."""
        self._unit_words = unit_words
        # each unit's clauses (the parts between semicolons, in either language) as their folded words
        self._clauses = clauses or {}
        self._word_units: dict[str, set[str]] = {}
        for unit_id, words in unit_words.items():
            for word in words:
                self._word_units.setdefault(word, set()).add(unit_id)
        self._words = sorted(w for w in self._word_units if not w.isdigit())
        if stem_units is None:
            stem_units = {}
            for word in self._words:
                for s in _stems(word):
                    stem_units.setdefault(s, set()).update(self._word_units[word])
        self._stem_units = stem_units

    @classmethod
    def build(cls, document: Document, english: Document | None = None) -> Vocabulary:
        counterparts = english.by_id() if english else {}
        texts = {
            u.id: [u.text] + ([counterparts[u.id].text] if u.id in counterparts else [])
            for u in document.units
        }
        clauses = {
            unit_id: [frozenset(fold(w) for w in _words(part)) for text in both for part in text.split(";")]
            for unit_id, both in texts.items()
        }
        return cls({unit_id: _unit_words(both) for unit_id, both in texts.items()}, clauses)

    def as_json(self) -> dict[str, dict[str, Any]]:
        """The words of each unit, its clauses' words and the units of each stem: `from_json` makes the
        same vocabulary (tests/test_derived.py compares every attribute)."""
        return {
            "unit_words": {u: sorted(words) for u, words in self._unit_words.items()},
            "clauses": {u: [sorted(c) for c in clauses] for u, clauses in self._clauses.items()},
            "stem_units": {s: sorted(units) for s, units in self._stem_units.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, dict[str, Any]]) -> Vocabulary:
        return cls(
            {u: set(words) for u, words in data["unit_words"].items()},
            {u: [frozenset(c) for c in clauses] for u, clauses in data["clauses"].items()},
            {s: set(units) for s, units in data["stem_units"].items()},
        )

    def key_terms(self, question: str) -> list[Term]:
        """The words of a question that name what it asks about: not stop words, not framing words."""
        terms: dict[str, Term] = {}
        skip = not_key_terms()
        for word in _words(_PHRASES.sub(" ", question)):
            folded = fold(word)
            if folded in skip or (len(folded) < 2 and not folded.isdigit()) or lemmas(word) & skip:
                continue
            terms.setdefault(folded, Term(word, folded))
        return list(terms.values())

    def units_naming(self, term: Term) -> set[str]:
        """The units that speak of the term: the same stem, a compound of the text that ends with it
        ("pluriethnique"), or a typo of one of its words ("Bokaiev", "sindicats")."""
        if term.folded.isdigit():
            return set(self._word_units.get(term.folded, ()))
        stems = {s for form in {term.folded} | lemmas(term.word) for s in _stems(form)}
        units = {u for s in stems for u in self._stem_units.get(s, ())}
        if units or len(term.folded) < NEAR_MIN_LENGTH:
            return units
        near = [w for w in self._words if w.endswith(term.folded)]
        cutoff = NEAR_SPELLING if term.word[:1].isupper() else NEAR_SPELLING_COMMON
        near += difflib.get_close_matches(term.folded, self._words, n=3, cutoff=cutoff)
        return {u for w in near for u in self._word_units[w]}

    def words_of(self, unit_id: str) -> set[str]:
        """The folded words of a unit, in both languages ("2018", "sept", "seven" …)."""
        return self._unit_words.get(unit_id, set())

    def clauses_naming(self, term: Term, units: set[str]) -> list[frozenset[str]]:
        """The clauses of `units` that have the term's stem, as their folded words: "Saken Tulbayev" is in
        one clause of recital H ("que Saken Tulbayev a été incarcéré …"), in French and in English."""
        stems = _stems(term.folded)
        clauses = [c for u in sorted(units) for c in self._clauses.get(u, ())]
        return [c for c in clauses if any(_stems(w) & stems for w in c)]

    def covers(self, term: Term) -> bool:
        return bool(self.units_naming(term))

    def uncovered(self, terms: list[Term], question: str = "") -> list[Term]:
        """The terms the text never mentions, less the participles that say what happened to the subject."""
        predicates = predicate_words(question)
        return [t for t in terms if t.folded not in predicates and not self.covers(t)]
