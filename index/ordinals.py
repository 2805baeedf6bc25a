"""Units a question names by their place in the text: "the first recital", "le dernier paragraphe", "the
first thing MEPs demand" (the first paragraph that carries the act asked about), "what does it call for
last?".

Example usage:
    ordinal_unit("What's the last thing Parliament calls for?", units, acts)  # the last unit calling for
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from index.lexical import fold
from index.models import Unit, UnitKind

# word → place: 1 the first, -1 the last
_ORDINALS = {
    **dict.fromkeys(("first", "1st", "premier", "premiere", "premiers", "premieres", "1er", "1re"), 1),
    **dict.fromkeys(("second", "2nd", "seconde", "deuxieme", "2e", "2eme"), 2),
    **dict.fromkeys(("third", "3rd", "troisieme", "3e", "3eme"), 3),
    **dict.fromkeys(("fourth", "4th", "quatrieme", "4e", "4eme"), 4),
    **dict.fromkeys(("fifth", "5th", "cinquieme", "5e", "5eme"), 5),
    **dict.fromkeys(("last", "final", "dernier", "derniere", "derniers", "dernieres"), -1),
}
# The words a place in the text is counted in: a kind of unit ("the first recital"), or an item of what the
# Parliament says ("the first thing it asks", "la première demande"). Not "the last elections", "last year".
_KIND_NOUNS: dict[str, UnitKind] = {
    **dict.fromkeys(("paragraph", "paragraphs", "paragraphe", "paragraphes", "point", "points"), "paragraph"),
    **dict.fromkeys(("recital", "recitals", "considerant", "considerants"), "recital"),
    **dict.fromkeys(("citation", "citations", "visa", "visas"), "citation"),
    **dict.fromkeys(("footnote", "footnotes", "note", "notes"), "footnote"),
}


def _with_plurals(*words: str) -> frozenset[str]:
    return frozenset(w + plural for w in words for plural in ("", "s"))


_ITEM_NOUNS = _with_plurals(
    *("thing", "item", "demand", "request", "call", "ask", "act", "action", "measure", "chose", "demande"),
    *("requete", "appel", "mesure", "priorite"),
) | {"priority", "priorities"}
# A place in time, not in the text: "last year", "for the first time", "les dernières élections".
_TIME_NOUNS = _with_plurals(
    *("time", "year", "month", "week", "day", "decade", "session", "election", "an", "annee", "semaine"),
    *("jour", "decennie", "siecle"),
) | {"century", "fois", "mois"}


@dataclass(frozen=True)
class Placed:
    unit_id: str
    named: bool  # "the second recital": named outright, as a reference; else "the first thing it demands"
    words: frozenset[str]  # the folded words that placed it ("first", "thing"): no subject of the question


def _place(
    question: str, is_act_word: Callable[[str], bool]
) -> tuple[int, UnitKind | None, frozenset[str]] | None:
    """The place the question asks for, the kind of unit it counts in (None: any unit carrying the act
    asked about) and the words that say so; None when no ordinal counts units or acts ("for the first
    time", "last year")."""
    words = re.findall(r"\w+", fold(question))
    for i, word in enumerate(words):
        if word not in _ORDINALS:
            continue
        following = words[i + 1] if i + 1 < len(words) else ""
        if following in _KIND_NOUNS:
            return _ORDINALS[word], _KIND_NOUNS[following], frozenset((word, following))
        if following in _TIME_NOUNS:
            continue
        # "the first thing", "demands first", "first calls for", "que demande-t-il en premier ?"
        around = (" ".join(words[max(i - 2, 0) : i]), " ".join(words[i + 1 : i + 3]))
        if following in _ITEM_NOUNS:
            return _ORDINALS[word], None, frozenset((word, following))
        if not following or any(is_act_word(w) for w in around if w):
            return _ORDINALS[word], None, frozenset((word,))
    return None


def ordinal_unit(
    question: str,
    units: Sequence[Unit],
    acts: tuple[str, ...],
    unit_acts: Callable[[str], frozenset[str]],
    is_act_word: Callable[[str], bool],
) -> Placed | None:
    """The unit at the place the question names: the nth of a kind ("the second recital"), or the nth
    unit carrying the act asked about ("the first thing MEPs demand"). `acts`: the acts the question asks
    about; `unit_acts`: what each unit does, by id; `is_act_word`: whether words ask about an act."""
    place = _place(question, is_act_word)
    if place is None:
        return None
    n, kind, words = place
    candidates = [u for u in units if kind is None or u.kind == kind]
    if acts:
        candidates = [u for u in candidates if unit_acts(u.id) & set(acts)]
    elif kind is None:
        return None  # "the first thing" with no act and no kind: nothing to count
    if not candidates or n > len(candidates):
        return None
    return Placed(candidates[n - 1 if n > 0 else n].id, kind is not None and not acts, words)
