"""Does the text give the fact a question asks for? A question that asks for a fact (when, who, how many,
where, which …) is answered only by a unit that speaks of the fact and of its subject together:
- when no unit holds more than half of its key terms, the text names the subject but not what is asked
  ("When did the EPCA enter into force in full?": the EPCA is in recital A, its entry into force nowhere);
- a date asked about a subject few units name: the units that name it must give one;
- "Qui a fondé …", "Who leads …": the units naming the subject must have that verb;
- "Quel tribunal …", "Which party did X lead?": what the question word asks for (its focus) must be named
  by a unit that names the question's rare subject (a name the text gives in a few units);
- "How long …", "À combien d'années …" about such a subject: a clause naming it must give a duration.
- what happened after the resolution was adopted ("levée depuis l'adoption de la résolution") is not in it;
- a country the text names about one thing only ("Kyrgyzstan": an extradition) answers nothing else.

Example usage:
    terms = vocabulary.key_terms(question)
    unasked(vocabulary, terms, "Quel tribunal a condamné Iskander Yerimbetov ?")  # [Term("tribunal", …)]
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from index.answerable import SPECIFIC, countries, focus
from index.coverage import Term, Vocabulary, name_like, not_key_terms, predicate_words
from index.lexical import fold

# Questions that ask for a fact: a date, a person, a place, a number, or "what/which <noun>" (with a focus).
_FACT = re.compile(
    r"^\W*(?:(?:et|and|so|alors|mais|but)\W+)?(?:qui|quand|o[uù]|depuis quand|en quelle|[àa] quel\w*|"
    r"dans quel\w*|when|who|whom|where|since when|how (?:many|much|long|old|often))\b|"
    r"\b(?:combien|depuis quand|how many|how much|quel [âa]ge|quelle ann[ée]e|which year|what year)\b",
    re.I,
)
_WHAT = re.compile(r"^\W*(?:(?:et|and)\W+)?(?:quel|quelle|quels|quelles|lequel|laquelle|what|which)\b", re.I)
# "Vladimir Kozlov dirigeait quel parti ?", "He was held in which city?": the question word inside
_WHICH_INSIDE = re.compile(r"\b(?:quel|quelle|quels|quelles|which)\b", re.I)
# "Qui a fondé …", "Who leads …": the verb right after who/qui is the relation the answer must hold.
_WHO_VERB = re.compile(
    r"^\W*(?:(?:et|and|so|alors|mais|but)\W+)?(?:qui|who)\s+(?:(?:a|avait|ont|avaient|has|had|have)\s+)?"
    r"([^\W\d_]+)",
    re.I,
)
_COPULAS = frozenset(["est", "sont", "etait", "etaient", "ete", "sera", "is", "are", "was", "were", "been"])
FACT_COVERAGE = 0.5  # a fact question whose best unit holds at most this share of its key terms: not answered
ASKS_DATE = re.compile(
    r"\b(quand|quelle date|quelle ann[ée]e|depuis quand|when|what date|what year|which year|since when)\b",
    re.I,
)
YEAR_OR_MONTH = re.compile(
    r"\b(1[89]\d\d|20\d\d|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|"
    r"décembre|january|february|march|april|may|june|july|august|september|october|november|december)\b",
    re.I,
)

# "How long …", "À combien d'années …": a duration, which the clause naming the subject must give
_ASKS_DURATION = re.compile(
    r"\b(combien de temps|combien d['’](?:ann[ée]es|ans)|combien de (?:mois|jours|semaines)|quelle dur[ée]e|"
    r"pendant combien|how long|how much time|how many (?:years|months|weeks|days)|what (?:length|term))\b",
    re.I,
)
_DURATIONS_WORDS = (
    "an ans annee annees mois jour jours semaine semaines year years month months week weeks day days"
)
_DURATIONS = frozenset(_DURATIONS_WORDS.split())
# What a question word may ask for without naming a thing the unit must have: "quel type de système",
# "which earlier texts", "quelles autres personnes"
_GENERIC_FOCUS_WORDS = (
    "type types genre sorte sort kind kinds other others autre autres earlier previous prior former "
    "later first last latest next premier premiere premiers dernier derniere derniers precedent "
    "precedente precedents anterieur anterieure anterieurs"
)
_GENERIC_FOCUS = frozenset(_GENERIC_FOCUS_WORDS.split())


@lru_cache(maxsize=1)
def answer_types() -> dict[str, frozenset[str]]:
    """Each focus word that names a kind of answer ("peine", "body") → the words that give one (data file)."""
    text = resources.files("index").joinpath("data/answer-types.tsv").read_text(encoding="utf-8")
    table: dict[str, frozenset[str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            kinds, cues = line.split("\t")
            table |= dict.fromkeys(kinds.split(), frozenset(cues.split()))
    return table


# What happened after the resolution was adopted is not in it: "a-t-elle été levée depuis l'adoption de la
# résolution ?", "Was it amended after this resolution came out?"
_AFTER_ADOPTION = re.compile(
    r"\b(?:(?:since|after|following) (?:this|the) (?:resolution|text|vote)|(?:since|after) (?:it|the "
    r"resolution|this resolution) (?:was adopted|was passed|came out|was voted)|since its adoption|"
    r"(?:depuis|apr[èe]s) (?:l['’]adoption de |le vote de )?(?:la|cette) r[ée]solution|depuis son adoption|"
    r"since then|depuis lors)\b",
    re.I,
)


def unasked(vocabulary: Vocabulary, terms: list[Term], question: str) -> list[Term]:
    """For a question that asks for a fact, the key terms that no unit holds together with the others: when
    the best unit has at most FACT_COVERAGE of them, the text does not give the fact (none: it may). A
    question on what happened after the resolution was adopted gets all of its terms.
    `terms`: the question's key terms, a follow-up's carried subject included."""
    if terms and _AFTER_ADOPTION.search(question):  # the text stops where it was adopted
        return terms
    elsewhere = _country_elsewhere(vocabulary, terms)
    if elsewhere:
        return elsewhere
    asks_fact = bool(_FACT.search(question)) or bool(_WHAT.search(question) and focus(question, terms))
    asks_inside = bool(
        _WHICH_INSIDE.search(question) and focus(question, terms)
    )  # "… dirigeait quel parti ?"
    predicates = predicate_words(question)
    terms = [t for t in terms if t.folded not in predicates]
    if not (asks_fact or asks_inside) or not terms:
        return []
    naming = {t: vocabulary.units_naming(t) for t in terms}
    if not asks_fact:
        return _no_focus(vocabulary, terms, question, naming)
    most, best = _best_units(naming, terms)
    if most <= FACT_COVERAGE * len(terms):
        # what the best units lack must include a word the text has in a few units: one in many units
        # ("people", "droits") or in none ("consent") may be the reader's own word for what the unit says
        lacking = [[t for t in terms if u not in naming[t]] for u in best]
        if not any(all(not 0 < len(naming[t]) <= SPECIFIC for t in lacks) for lacks in lacking):
            return (lacking or [terms])[0]
    return (
        _no_date(vocabulary, terms, question, naming)
        or _no_relation(vocabulary, terms, question, naming)
        or _no_focus(vocabulary, terms, question, naming)
        or _no_duration(vocabulary, terms, question, naming)
    )


def _country_elsewhere(vocabulary: Vocabulary, terms: list[Term]) -> list[Term]:
    """ "What does the text say about elections in Kyrgyzstan?": a country the text names only about
    something else (a blogger extradited from Kyrgyzstan) is no answer: a unit must name the country with
    one of the question's other key terms. The key terms no such unit holds."""
    for country in (t for t in terms if t.folded in countries()):
        holders = vocabulary.units_naming(country)
        others = [t for t in terms if t is not country and vocabulary.covers(t)]
        if holders and others and not any(holders & vocabulary.units_naming(t) for t in others):
            return others
    return []


def _named_subject(terms: list[Term], question: str, naming: dict[Term, set[str]]) -> list[Term]:
    """The names the message itself gives (not a follow-up's carried subject, which may be another's) that
    the text has in a few units ("Iskander Yerimbetov", "CDK"): the units that hold what is asked of them."""
    own = {fold(w) for w in re.findall(r"\w+", question)}
    return [
        t
        for t in terms
        if t.folded in own
        and name_like(t, question)
        and t.folded.isalpha()
        and not YEAR_OR_MONTH.fullmatch(t.word)  # "April 2013" dates a text; the month is not its subject
        and 0 < len(naming.get(t, ())) <= SPECIFIC
    ]


def _no_focus(
    vocabulary: Vocabulary, terms: list[Term], question: str, naming: dict[Term, set[str]]
) -> list[Term]:
    """ "Quel tribunal a condamné Iskander Yerimbetov ?", "Which party did Kozlov lead?": what the question
    word asks for must be named by a unit that names the subject, or the text does not say it. A kind of
    answer ("Quelle peine …", "Which body …", data/answer-types.tsv) is given by a clause naming the subject
    that has a word of that kind ("sept ans", "groupe de travail")."""
    subject = _named_subject(terms, question, naming)
    asked = [  # a capitalized focus is a title ("Official Journal"): the words themselves are looked up
        t for t in focus(question, terms) if not name_like(t, question) and t.folded not in _GENERIC_FOCUS
    ][:1]  # the first: a noun ("quel parti politique", "what charge led to …"), not what follows it
    if not subject or not asked:
        return []
    holders, clauses = _subject_clauses(vocabulary, subject, naming)
    kinds = answer_types()

    def given(t: Term) -> bool:
        if t.folded in kinds:  # a kind of answer: a clause naming the subject has a word of that kind
            return any(clause & kinds[t.folded] for clause in clauses)
        return bool(holders & naming.get(t, set()))

    return [t for t in asked if not given(t)]


def _subject_clauses(
    vocabulary: Vocabulary, subject: list[Term], naming: dict[Term, set[str]]
) -> tuple[set[str], list[frozenset[str]]]:
    """The units naming most of the subject's names, and their clauses that name one (as folded words)."""
    _, holders = _best_units(naming, subject)
    return set(holders), [c for t in subject for c in vocabulary.clauses_naming(t, set(holders))]


def _no_duration(
    vocabulary: Vocabulary, terms: list[Term], question: str, naming: dict[Term, set[str]]
) -> list[Term]:
    """ "How long was Maks Bokayev sentenced to?": a clause that names the subject must give a duration
    ("sept ans", "seven years"); the text names him serving a sentence, not its length."""
    subject = _named_subject(terms, question, naming)
    if not subject or not _ASKS_DURATION.search(question):
        return []
    _, clauses = _subject_clauses(vocabulary, subject, naming)
    if not clauses or any(c & _DURATIONS for c in clauses):
        return []
    return subject


def _best_units(naming: dict[Term, set[str]], terms: list[Term]) -> tuple[int, list[str]]:
    """How many of `terms` the units naming most of them name, and those units (sorted ids)."""
    counts: dict[str, int] = {}
    for term in terms:
        for unit in naming[term]:
            counts[unit] = counts.get(unit, 0) + 1
    most = max(counts.values(), default=0)
    return most, sorted(u for u, n in counts.items() if n == most)


def _no_relation(
    vocabulary: Vocabulary, terms: list[Term], question: str, naming: dict[Term, set[str]]
) -> list[Term]:
    """ "Who founded the DCK?", "Qui présidait la délégation ?": the verb after who/qui is the relation
    asked; the text answers only if a unit that names the subject also has that verb (passives and
    "who is" ask about the subject itself)."""
    match = _WHO_VERB.match(question)
    verb = fold(match.group(1)) if match else ""
    if not verb or verb in _COPULAS or verb in not_key_terms():
        return []
    relation = Term(match.group(1), verb)  # a key term even where its lemma is a stop word ("found")
    units = vocabulary.units_naming(relation)
    if verb in answer_types():  # "Qui a estimé …": any unit that says who judged ("a conclu", "found")
        units = naming_any(vocabulary, answer_types()[verb])
    subject = [t for t in terms if t.folded != verb and 0 < len(naming.get(t, ())) <= SPECIFIC]
    if not units or (subject and not any(units & naming[t] for t in subject)):
        return [relation]
    return []


def naming_any(vocabulary: Vocabulary, words: frozenset[str]) -> set[str]:
    """The units that have any of `words` (folded)."""
    return {u for w in words for u in vocabulary.units_naming(Term(w, w))}


def _no_date(
    vocabulary: Vocabulary, terms: list[Term], question: str, naming: dict[Term, set[str]]
) -> list[Term]:
    """A date asked about a subject few units name ("En quelle année est né Sanat Bukenov ?"): the units
    that name it must give one (a year, a month), or the text does not. A figure is different: "Combien de
    prisonniers politiques ?" gets what the text says and a note that it gives no figure (scope.py)."""
    asked = focus(question, terms)  # "année", "year": what the answer is, not its subject
    subject = [t for t in terms if t not in asked and 0 < len(naming[t]) <= SPECIFIC]
    if not ASKS_DATE.search(question) or not subject:
        return []
    _, holders = _best_units(naming, subject)
    if any(YEAR_OR_MONTH.fullmatch(w) for u in holders for w in vocabulary.words_of(u)):
        return []
    return asked or subject
