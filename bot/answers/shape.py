"""The shape of an answer in an EP reader's terms. A question about what the resolution says on a subject
gets what the Parliament notes (a recital) and what it asks or decides (a paragraph), when the text has
both for that subject; a question about an act ("what does it condemn") gets the units that carry it.

Example usage: choose_units(retrieval, 2) → [recital-E, paragraph-6] for "What does it say about unions?"
"""

from __future__ import annotations

import re
from functools import lru_cache

from index.lexical import eu_terms, fold
from index.models import Unit
from index.retrieve import Retrieval

# A second unit is quoted only when its fused score is close to the first one's …
SECOND_UNIT_RATIO = 0.95
# … or, for "what does it say about X", when it is the best unit of the other kind (recital or paragraph)
# among the first few, not far behind, and about X: it speaks of one of the question's specific key terms,
# one that at most SUBJECT_UNITS recitals and paragraphs speak of ("unions", "online"; not "freedom",
# "rights"). A paragraph that only shares the question's general words is about another subject: that
# part is left out.
OTHER_KIND_RATIO, OTHER_KIND_WITHIN = 0.6, 6
SUBJECT_UNITS = 8
# … or when it names a person, place or movement that the first unit names and that few recitals and
# paragraphs name ("Ardak Ashim": recital K and § 3): what the Parliament asks about the same case. The
# EU's and the UN's bodies ("Commission", "Parlement") are named for other reasons: they do not count.
SHARED_NAME_UNITS = 3
_NAME = re.compile(r"(?<=\s)[A-ZÀ-Ý][\w’'-]+")
_SAYS_ABOUT = re.compile(
    r"\b(que|qu['’]est-ce que|ce que)\s+(?:(?:la|le|ce|cette)\s+(?:r[ée]solution|texte|parlement|pe)\s+)?"
    r"(dit|disent|pense|pensent|contient)\b|\bparle(nt)?-t-(elle|il|ils)\b|"
    r"\bposition\b|\bsays?\s+(anything\s+)?about\b|\bsaid about\b|\bthink about\b|\bstance on\b|"
    r"\bposition on\b|\bmentions?\b",
    re.I,
)
_KINDS = ("recital", "paragraph")


def says_about(question: str) -> bool:
    """ "Que dit la résolution sur les syndicats ?", "What does it say about elections?"."""
    return bool(_SAYS_ABOUT.search(question))


def choose_units(retrieval: Retrieval, max_units: int) -> list[Unit]:
    """The units an answer quotes, best first."""
    hits = retrieval.hits
    top = hits[0]
    chosen = [top.unit] + [h.unit for h in hits[1:max_units] if h.score >= SECOND_UNIT_RATIO * top.score]
    if retrieval.acts or not says_about(retrieval.question) or top.unit.kind not in _KINDS or max_units < 2:
        return chosen
    other = "paragraph" if top.unit.kind == "recital" else "recital"
    if any(u.kind == other for u in chosen):
        return chosen
    names = _rare_names(retrieval, top.unit)
    for hit in hits[1:OTHER_KIND_WITHIN]:
        if (
            hit.unit.kind == other
            and hit.score >= OTHER_KIND_RATIO * top.score
            and (about(retrieval, hit.unit) or names & _names(hit.unit))
        ):
            return [*chosen, hit.unit]
    return chosen


@lru_cache(maxsize=1)
def _institutions() -> frozenset[str]:
    """The words of the EU and UN bodies' names, folded (index/data/eu-terms.tsv)."""
    return frozenset(w for pair in eu_terms() for side in pair for w in re.findall(r"\w+", fold(side)))


def _names(unit: Unit) -> set[str]:
    """The capitalized words of a unit, past its first word: names of people, places and movements."""
    return {n for n in _NAME.findall(unit.text) if fold(n) not in _institutions()}


def _rare_names(retrieval: Retrieval, unit: Unit) -> set[str]:
    """The names `unit` shares with at most SHARED_NAME_UNITS recitals and paragraphs in all."""
    body = [_names(h.unit) for h in retrieval.hits if h.unit.kind in _KINDS]
    return {n for n in _names(unit) if sum(n in names for names in body) <= SHARED_NAME_UNITS}


def about(retrieval: Retrieval, unit: Unit) -> bool:
    """The unit speaks of the question's subject: of one of its key terms that few recitals and
    paragraphs speak of (the citations and footnotes, which list texts by title, do not count)."""
    for units in retrieval.naming.values():
        body = [u for u in units if u.startswith(_KINDS)]
        if unit.id in body and len(body) <= SUBJECT_UNITS:
            return True
    return False


def two_kinds(units: list[Unit]) -> bool:
    """Both what the Parliament notes and what it asks: the answer says which is which."""
    kinds = {u.kind for u in units}
    return "recital" in kinds and "paragraph" in kinds
