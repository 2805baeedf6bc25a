"""Cause and effect in a claim, read without a model (for bot/answers/claim_reading.py): a claim that
says why ("E because C", "E for C" after a sanction, "C led to E", "C, therefore E", "C as a pretext for
E") is supported only by a unit that links the same cause to the same effect, in that order; a reason the
unit does not give is invented, and a link read backwards is cause and effect swapped."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.lexical import fold, tokens

MIN_REASON = 0.5  # share of the words of a claim's reason ("because …", "for …") found in the unit
_SANCTION = (
    r"(?:sentenc\w*|imprison\w*|jail\w*|prison|accus\w*|detain\w*|detention|convict\w*|arrest\w*|"
    r"investigat\w*|ban\w*|persecut\w*|condamn\w*|incarc\w*|emprison\w*|peine|enquete|interdit\w*|"
    r"poursui\w*|arret\w*)"
)
_CAUSE_AFTER = re.compile(
    r"\b(because(?: of)?|due to|owing to|as a result of|(?:a |the )?consequence of|after|in order to|"
    r"for (?:reasons|grounds) of|on (?:the )?grounds of|in the name of|thanks to|following|"
    r"(?:which|that) followed|pour des (?:raisons|motifs) d\w*|au nom d\w*|grace a|a la suite d\w*|"
    r"so as to|parce qu\w*|car|a cause d\w*|en raison d\w*|faute d\w*|apres|afin d\w*|suite a|"
    r"for(?= (?:his|her|their|its|\w+ing)\b)|"
    r"pour(?= (?:avoir|sa|son|ses|leurs?|\w+(?:er|ir|re))\b))\b"
)
_SANCTION_FOR = re.compile(rf"\b{_SANCTION}\b(?:\s+\S+){{0,6}}?\s+(for|pour)\b")
_CAUSE_BEFORE = re.compile(
    r"\b(led to|leads? to|lead to|caused?|causes|triggered|resulted in|results in|prompted|provoked|"
    r"as (?:a )?pretext (?:for|to)|obstacles? to|obstacles? (?:\w+ )?a|entrain\w*|ont conduit aux?|"
    r"a conduit aux?|conduit aux?|provoqu\w*|"
    r"comme pretexte (?:a|pour|aux?)|(?:a |an )?(?:\w+ )?(?:pre)?conditions? (?:for|of)|prerequisite for|"
    r"(?:une |la )?(?:\w+ )?conditions? (?:de|pour|du|des)|prealable a)\b"
)


_THEREFORE = re.compile(
    r"\b(therefore|thus|hence|consequently|as a result|so that|which led to|donc|ainsi|par consequent|"
    r"c'est pourquoi|de ce fait|ce qui a entraine|ce qui a conduit a)\b"
)
# "calls for …", "asks for …": a request, not a reason
_NOT_CAUSAL_FOR = frozenset(
    ["call", "calls", "called", "calling", "ask", "asks", "asked", "asking", "need", "needs", "time"]
)
_CLAUSE = re.compile(r"\s*;\s*")


@dataclass(frozen=True)
class Causal:
    cause: frozenset[str]
    effect: frozenset[str]
    weak: bool = False  # "for", "after", "in order to": also said without a connective


_WEAK = re.compile(r"^(for|pour|after|apres|in order to|so as to|afin d\w*|following|(?:which|that) followed|"
                   r"a la suite d\w*)$")


def _connectives(folded: str) -> list[tuple[int, int, bool]]:
    """(start, end, cause_first) of each causal connective of a folded text, in order."""
    found = []
    patterns = ((_CAUSE_BEFORE, True, 0), (_THEREFORE, True, 0), (_CAUSE_AFTER, False, 0),
                (_SANCTION_FOR, False, 1))
    for pattern, cause_first, group in patterns:
        for m in pattern.finditer(folded):
            before = folded[: m.start(group)].split()
            if m[group] in ("for", "pour") and before and before[-1] in _NOT_CAUSAL_FOR:
                continue
            found.append((m.start(group), m.end(group), cause_first))
    return sorted(set(found))


def links(text: str, language: str) -> list[Causal]:
    """Every causal link of `text`, each read within its clause (up to a semicolon)."""
    out = []
    for clause in _CLAUSE.split(fold(text)):
        for start, end, cause_first in _connectives(clause):
            before, after = set(tokens(clause[:start], language)), set(tokens(clause[end:], language))
            if not cause_first and not before and "," in clause[end:]:  # "Because X, Y": Y because X
                cause_part, _, effect_part = clause[end:].partition(",")
                before, after = set(tokens(effect_part, language)), set(tokens(cause_part, language))
            cause, effect = (before, after) if cause_first else (after, before)
            weak = bool(_WEAK.match(clause[start:end]))
            out.append(Causal(_prefixes(cause), _prefixes(effect), weak))
    return out


def _prefixes(stems: set[str]) -> frozenset[str]:
    """Stems cut to 5 letters: "detain" / "detention" no, but "arbitrarili" / "arbitrari" yes."""
    return frozenset(s[:5] for s in stems)


def causal(text: str, language: str) -> Causal | None:
    """The cause and effect words of the first causal link in `text`, if it has one."""
    folded = fold(text)
    found = _connectives(folded)
    if not found:
        return None
    start, end, cause_first = found[0]
    before, after = set(tokens(folded[:start], language)), set(tokens(folded[end:], language))
    cause, effect = (before, after) if cause_first else (after, before)
    return Causal(frozenset(cause), frozenset(effect))


def swapped(claim: Causal, unit: Causal) -> bool:
    """True when the claim's cause is the unit's effect and its effect the unit's cause."""
    straight = len(claim.cause & unit.cause) + len(claim.effect & unit.effect)
    crossed = len(claim.cause & unit.effect) + len(claim.effect & unit.cause)
    return crossed > straight


def unbacked_link(claim: str, unit_text: str, language: str) -> str | None:
    """Why the unit does not back the claim's causal link, or None: "reason" when the claim's cause is
    mostly not in the unit, or the unit links nothing to nothing that way; "cause and effect" when the
    unit links them the other way round."""
    unit_words = _prefixes(set(tokens(unit_text, language)))
    theirs = links(unit_text, language)
    for mine in (c for c in links(claim, language) if c.cause and c.effect):
        if len(mine.cause & unit_words) < MIN_REASON * len(mine.cause):
            return "reason"
        if any(_backs(mine, t) for t in theirs):
            continue
        if any(swapped(mine, t) for t in theirs):
            return "cause and effect"
        if not mine.weak:  # "because", "led to", "therefore": the unit must say it too
            return "reason"
    return None


def _backs(claim: Causal, unit: Causal) -> bool:
    cause, effect = len(claim.cause & unit.cause), len(claim.effect & unit.effect)
    crossed = len(claim.cause & unit.effect) + len(claim.effect & unit.cause)
    return cause >= 1 and effect >= 1 and cause + effect > crossed
