"""Which of a question's uncovered key terms keep the text from answering it.

A key term the text never mentions is not always fatal: readers paraphrase ("locked up" for "détenus",
"taxman" for the tax authorities), and the words around it may still name a subject the text treats. But
some terms carry the question, and when the text lacks one of them it does not answer:
- a name or a number: a capitalized word inside the message ("Semey", "Xinjiang"), a word with a digit,
  a year ("2022");
- a country the text does not mention ("la Biélorussie", "hungary"), in French or English (Babel's CLDR
  territory names);
- the focus: what a "quel …", "combien de …", "what/which …", "how many …" asks for ("Quel âge a …",
  "What's the literacy rate", "Which party did he lead"), and a complement that makes a subject another
  one ("la peine de mort", "the rights of migrant workers");
- and, for the other words, when the uncovered ones outnumber the covered key terms that are specific to a
  few units: "droits des personnes handicapées" names a subject ("handicapées") beside words every unit
  has ("droits", "personnes").

Whether the text gives the fact a question asks for, once it speaks of its subject, is index/facts.py's.

Example usage:
    vocabulary = Vocabulary.build(document, english)
    question = "Que dit la résolution sur la Biélorussie ?"
    terms = vocabulary.key_terms(question)
    missing(vocabulary, terms, question, vocabulary.uncovered(terms, question))  # [Term("Biélorussie", …)]
"""

from __future__ import annotations

import re
from functools import lru_cache

from index.coverage import Term, Vocabulary, name_like, predicate_words
from index.lexical import fold

# A covered key term counts fully when at most SPECIFIC units name it, half when at most SHARED do:
# "psychiatrique" names a subject, "droits" (19 units) does not.
SPECIFIC, SHARED = 3, 8
FOCUS_LENGTH = 2  # the focus is the run of at most this many key terms that follows the question word
_QUESTION_WORD = re.compile(
    r"\b(quels?|quelles?|quoi|combien|how many|how much|what(?:'s)?|which|whose|who(?:'s)? is the|"
    r"qui est (?:le|la|l'))\s*",
    re.I,
)
# Between the question word and what it asks for: a copula, an article, a superlative.
_BEFORE_FOCUS = frozenset(
    [
        "est",
        "sont",
        "etait",
        "etaient",
        "s",
        "is",
        "are",
        "was",
        "were",
        "the",
        "le",
        "la",
        "les",
        "l",
        "un",
        "une",
        "a",
        "an",
        "of",
        "de",
        "du",
        "des",
        "d",
        "plus",
        "most",
        "best",
        "biggest",
        "largest",
        "highest",
        "main",
        "other",
        "autre",
        "autres",
        "c",
        "ce",
    ]
)
_OF = frozenset({"de", "d", "du", "des", "of"})  # "taux de chômage", "rate of literacy": one focus
_ARTICLES = frozenset({"le", "la", "les", "l", "the", "a", "an", "un", "une"})
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


@lru_cache(maxsize=1)
def countries() -> dict[str, str]:
    """Folded country and territory names in French and English → the name as written (CLDR, via Babel).
    Read from each language's own data: Babel's `Locale(…).territories` first merges in all of the root
    locale's data (about twice the time), which names no territory (tests/test_answerability.py)."""
    from babel import localedata

    names = {}
    for language in ("fr", "en"):
        for code, name in localedata.load(language, merge_inherited=False)["territories"].items():
            if code.isalpha() and len(name) >= 4:  # not the regions "001", "150"
                names[fold(name)] = name
    return names


def _countries_named(question: str, vocabulary: Vocabulary) -> list[Term]:
    """Countries the question names and the text does not: "Biélorussie", "hungary", "Corée du Nord"."""
    folded = fold(question)
    found = []
    for name, written in countries().items():
        # the substring test first: ~500 names, each a regular expression to compile
        if name in folded and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", folded):
            words = [w for w in re.findall(r"\w+", name) if len(w) >= 4]
            if words and not any(vocabulary.covers(Term(w, w)) for w in words):
                found.append(Term(written, name))
    return found


def focus(question: str, terms: list[Term]) -> list[Term]:
    """What a question word asks for: the key terms right after "quel", "combien de", "what", "which" …,
    past a copula, an article or a superlative ("Quel est le plus haut sommet" → "haut", "sommet")."""
    by_folded = {t.folded: t for t in terms}
    found: list[Term] = []
    for m in _QUESTION_WORD.finditer(question):
        run: list[Term] = []
        for token in _TOKEN.findall(question[m.end() :]):
            word = fold(token)
            if (not run and word in _BEFORE_FOCUS) or (run and word in _OF):
                continue
            if word not in by_folded or len(run) == FOCUS_LENGTH:
                break
            run.append(by_folded[word])
        found += [t for t in run if t not in found]
    return found


def complements(question: str, terms: list[Term]) -> list[Term]:
    """Key terms that complement another with "de" or "of": "peine de mort", "travail des enfants",
    "rights of migrant workers": they make the subject another one ("mort", "enfants", "migrant")."""
    keys = {t.folded: t for t in terms}
    words = [fold(w) for w in _TOKEN.findall(question)]
    found = []
    for i, word in enumerate(words):
        j = i - 1
        while j > 0 and words[j] in _ARTICLES:
            j -= 1
        if word in keys and j > 0 and words[j] in _OF and words[j - 1] in keys:
            found.append(keys[word])
            if i + 1 < len(words) and words[i + 1] in keys:  # "des personnes handicapées"
                found.append(keys[words[i + 1]])
    return found


def alternatives(question: str, terms: list[Term], uncovered: list[Term]) -> list[Term]:
    """Uncovered terms offered as an alternative to a covered one: "narrowed or scrapped", "abrogé ou
    modifié": the text answers by the alternative it has."""
    keys = {t.folded: t for t in terms}
    words = [fold(w) for w in _TOKEN.findall(question)]
    found = []
    for i in range(1, len(words) - 1):
        a, b = keys.get(words[i - 1]), keys.get(words[i + 1])
        if words[i] in ("or", "ou") and a and b and (a in uncovered) != (b in uncovered):
            found.append(a if a in uncovered else b)
    return found


def missing(
    vocabulary: Vocabulary,
    terms: list[Term],
    question: str,
    uncovered: list[Term],
    own: list[Term] | None = None,
) -> list[Term]:
    """The uncovered key terms that keep the text from answering `question` (none: it may answer).
    `uncovered`: the terms the text never uses (`Vocabulary.uncovered`); `own`: the terms of the message
    itself, when `terms` also carries a follow-up's subject: only the message's own words may outweigh
    its uncovered ones."""
    offered = alternatives(question, terms, uncovered)
    uncovered = [t for t in uncovered if t not in offered]
    asked = focus(question, terms) + complements(question, terms)
    named_countries = _countries_named(question, vocabulary)
    countries = {c.folded for c in named_countries}
    carries = any(name_like(t, question) or t in asked or t.folded in countries for t in uncovered)
    others = [c for c in named_countries if c.folded not in {t.folded for t in uncovered}]
    if carries or others:  # all the words the text lacks, in the question's order: its subject
        return uncovered + others
    predicates = predicate_words(question)
    weight = 0.0
    for term in terms if own is None else own:
        if term not in uncovered and term.folded not in predicates:
            naming = len(vocabulary.units_naming(term))
            weight += 1.0 if 0 < naming <= SPECIFIC else 0.5 if 0 < naming <= SHARED else 0.0
    return uncovered if len(uncovered) > weight else []
