"""The polarity of what a claim says, read without a model (for bot/answers/claim_reading.py): negations
counted per clause, pairs of opposite words (restrict / protect, rise / fall, ban / allow), opposite words
tied to the part of the unit the claim is about ("the Constitution restricts" where the unit's
Constitution protects), and the Parliament's evaluative acts (welcomes / condemns, regrets)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.lexical import fold, tokens

_ALPHA = re.compile(r"[^\W\d_]+")
_NEGATIONS_EN = frozenset(["not", "no", "never", "cannot", "none", "neither", "nothing"])
_NEGATIONS_FR_ALONE = frozenset(["aucun", "aucune", "jamais", "rien"])
# Nouns and phrases that deny what follows them: "the lack of a fair trial" is "no fair trial", "free from
# monitoring" is "not monitored".
_LACKS = frozenset(["lack", "lacks", "lacking", "absence", "manque", "manquent", "defaut", "free", "exempt",
                    "exempts", "exemptes"])
# "an end to X" is "no more X"; "refuse to X", "fail to X" do not X
_ENDINGS = frozenset([
    "end", "ended", "ends", "ending", "fin", "stop", "stopped", "cease", "ceased", "halt", "cesser",
    "cesse", "cessent", "arreter", "refuse", "refused", "refuses", "refusing", "refuse", "refusent",
    "refuser", "failed", "fails", "fail",
])
# Opposite words: folded prefixes, or whole words when written with a trailing "=".
OPPOSITES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("increas", "rise", "risen", "rose", "grow", "augment", "hausse", "accru", "raise=", "raised=",
      "raises=", "raising="),
     ("decreas", "declin", "fell", "fall", "diminu", "baiss", "cap=", "caps=", "capped=", "capping=",
      "plafonn", "lower", "reduc", "redui", "abaiss")),
    (("restrict", "restrei", "limit", "hamper", "entrav", "curb", "narrow"),
     ("respect", "guarant", "garant", "broad", "widen", "expand", "elarg", "extend", "protect", "proteg")),
    (("ban", "banned", "prohibit", "interdi", "block", "bloqu"),
     ("allow", "permit", "autoris", "authoris", "authoriz", "unblock", "retabl", "restor", "can=", "peuvent=",
      "peut=", "able=")),
    (("strengthen", "tighten", "reinforc", "renforc", "durc", "tough"),
     ("narrow", "weaken", "loosen", "relax", "assoupl", "moratori", "repeal", "abrog", "limit")),
    (("legal", "legaux"), ("illegal", "illegaux")),
    (("welcom", "salu", "felicit", "prais"), ("condemn", "criticis", "criticiz", "critiqu", "deplor")),
    (("join", "rejoin", "adher"), ("left", "leav", "quit", "withdr")),
    (("high", "eleve", "fort", "strong", "great", "much=", "many=", "beaucoup", "considerabl", "major"),
     ("low", "faibl", "little=", "few=", "peu=", "weak", "scant", "minor", "slight", "leger")),
    (("homogen", "uniform", "mono"), ("multi", "divers", "pluri", "heterogen")),
    (("maintain", "maintien", "maintenir=", "maintenu=", "maintenus=", "keep=", "keeps=", "kept=", "retain",
      "preserv"), ("lift", "leve=", "levee=", "lever=", "remov", "supprim", "abolish", "abol")),
    (("improv", "amelior", "progress"), ("worsen", "deterior", "degrad", "aggrav", "regress")),
    (("respect",), ("violat", "breach", "infring", "bafou", "enfrei")),
    (("protect", "proteg"), ("forc", "violen", "repress", "harass", "harcel")),
)
# The Parliament's evaluative acts: a claim that it welcomes what it condemns (or that it welcomes what it
# only asks for) says another thing than the unit.
EVALUATIONS = {
    "praise": ("welcom", "salu", "felicit", "prais", "congratul", "applaud", "commend"),
    "blame": ("condemn", "condamn", "deplor", "regret", "criticis", "criticiz", "critiqu", "denounc",
              "denonc"),
}
_CLAUSE_BREAK = re.compile(
    r"\s*[;:]\s*|,?\s+\b(?:but|mais|whereas|although|though|bien que|alors que|while)\b\s*", re.I
)
_REQUEST_VERB = (
    r"(?:calls?|asks?|urges?|demands?|insists?|welcomes?|condemns?|stresses|notes|invites?|demande|"
    r"invite|exhorte|exige|salue|condamne|souligne|insiste|reclame|prie|se felicite)"
)
_SEGMENT_BREAK = re.compile(
    r"\s*[,;:]\s*|\s+(?=\b(?:but|mais|whereas|although|though|bien que|alors que)\b)|"
    rf"\s+(?:and|et)\s+(?={_REQUEST_VERB}\b)",
    re.I,
)
# "… and that …" starts a clause of its own; "… and to …" one that keeps the negation before it when it
# has none of its own ("an end to violations and to all forms of repression")
_COORDINATED = re.compile(r"\s+(?:and|et)\s+(?=(?:that|que|qu|to|de|d|a|aux?)\b)", re.I)
_OWN_CLAUSE = re.compile(r"^(?:that|que|qu)\b", re.I)
# "… and to lift the restrictions", "… et de lever": a verb of its own, not more of what was negated
_VERB_AFTER = re.compile(
    r"^(?:to|de|d)\s+(?!(?:all|the|a|an|any|every|its|their|his|her|these|those|such|tous|toutes|tout|"
    r"la|le|les|l|un|une|des|du|ses|leurs?|son|sa|ces|cette|ce)\b)[a-z]+(?:er|ir|re)?\b"
)
_DEPENDENT = re.compile(r"^(such as|including|in particular|telles? que|tels? que|notamment)\b")
_NEGATION_WORDS = re.compile(r"[^\W\d_]+(?:n't)?")
NEAR_BEST = 0.8  # segments sharing this share of the best one's words with the claim are candidates


def clauses(sentence: str) -> list[str]:
    return [c for c in _CLAUSE_BREAK.split(sentence) if c and c.strip()] or [sentence]


def negations(words: list[str]) -> int:
    """Negated verbs among folded words: "not", "ne … pas" (once), "aucun" alone, "end" / "fin" ("an end
    to X" is "no more X"), "refuse", "fail"; "without" / "sans" negate a noun, not the clause."""
    french = sum(w in ("ne", "n") for w in words)
    if not french:
        french = sum(w in _NEGATIONS_FR_ALONE for w in words)
    english = sum(w in _NEGATIONS_EN for w in words) + sum(w.endswith("n't") for w in words)
    following = [*words[1:], ""][: len(words)]
    pairs = zip(words, following, strict=True)
    lacks = sum(w in _LACKS and (w != "free" or nxt == "from") for w, nxt in pairs)
    return french + english + lacks + sum(w in _ENDINGS for w in words)


def negated(text: str) -> bool:
    """An odd number of negations: "never committed to tolerating no torture" is not negated twice over."""
    return negations(_NEGATION_WORDS.findall(fold(text))) % 2 == 1


@dataclass(frozen=True)
class Segment:
    text: str
    negated: bool  # its verb is negated, or that of the segment it lists examples of ("…, such as …")


def segments(sentence: str) -> list[Segment]:
    """The sentence cut at commas, semicolons, "but" / "mais" and "and calls for", with its polarity; a
    relative clause ("which urged it to …") has its own."""
    out: list[Segment] = []
    for part in (p for p in _SEGMENT_BREAK.split(sentence) if p and p.strip()):
        neg = negated(part)
        if out and _DEPENDENT.match(fold(part.strip())):
            neg = neg or out[-1].negated
        first, *rest = _COORDINATED.split(part)
        out.append(Segment(first, negated(first) if rest else neg))
        for piece in rest:
            own = negated(piece)
            inherit = not _OWN_CLAUSE.match(piece) and not _VERB_AFTER.match(fold(piece)) and out[-1].negated
            out.append(Segment(piece, own or inherit))
    return out or [Segment(sentence, negated(sentence))]


def _has(words: list[str], prefixes: tuple[str, ...]) -> bool:
    return any(w == p[:-1] if p.endswith("=") else w.startswith(p) for w in words for p in prefixes)


# The country the whole resolution is about: in nearly every sentence, it tells no part from another.
_COUNTRY = frozenset(tokens("Kazakhstan kazakh", "english") + tokens("Kazakhstan kazakhe", "french"))


def _near_best(words: set[str], parts: list[str], language: str) -> list[int]:
    overlap = [len(words & set(tokens(p, language))) for p in parts]
    best = max(overlap, default=0)
    return [i for i, n in enumerate(overlap) if n >= NEAR_BEST * best]


def opposed(claim: str, sentences: str | list[str], language: str) -> bool:
    """True when the claim's polarity is not that of the parts of the unit saying the same thing: one is
    negated and the other not, or the claim uses a word whose opposite they use and not the word itself
    (restrict / protect, rise / fall). Every near-best sentence and part must be against it."""
    sentences = [sentences] if isinstance(sentences, str) else sentences
    words = set(tokens(claim, language)) - _COUNTRY
    cw = _NEGATION_WORDS.findall(fold(claim))
    claim_negated = negations(cw) % 2 == 1
    near = [sentences[i] for i in _near_best(words, sentences, language)]
    if claim_negated and _denied_alike(cw, sentences, language):
        return False
    for sentence in near:
        parts = segments(sentence)
        candidates = [parts[i] for i in _near_best(words, [p.text for p in parts], language)]
        candidates += _anchored(words, parts, language)
        if any(p.negated == claim_negated for p in candidates):
            cl = clauses(sentence)
            if not any(_opposite_words(cw, cl[i]) for i in _near_best(words, cl, language)):
                return False
    return bool(near)


_SCOPE = 8  # words after a negation that it governs ("an end to all forms of X, Y and Z")


def _denied(words: list[str], language: str) -> set[str]:
    """The stems of the first content word after each negation of `words` (folded): what it denies."""
    out = set()
    for i, w in enumerate(words):
        if negations([w, *words[i + 1 : i + 2]]):
            after = [t for x in words[i + 1 : i + 1 + _SCOPE] for t in tokens(x, language)]
            out.update(after[:1])
    return out


def _denied_alike(claim_words: list[str], sentences: list[str], language: str) -> bool:
    """True when something the claim denies ("an end to impunity", "no fair trial") is denied in the unit
    too: a negation stands at most _SCOPE words before it, in the same clause. A claim that joins two
    clauses of the unit is read by what its negation governs, not by the clause it shares most words with."""
    targets = _denied(claim_words, language)
    for sentence in sentences:
        for clause in clauses(sentence):
            words = _NEGATION_WORDS.findall(fold(clause))
            if targets & _denied(words, language):
                return True
            for k, w in enumerate(words):
                if targets & set(tokens(w, language)) and negations(words[max(0, k - _SCOPE) : k]):
                    return True
    return False


def _anchored(words: set[str], parts: list[Segment], language: str) -> list[Segment]:
    """The parts holding at least two claim words that no other part has: what the claim is about even
    when another part shares more of its words ("lift the restrictions" beside "the crackdown on trade
    unions")."""
    stems = [set(tokens(p.text, language)) for p in parts]
    out = []
    for i, mine in enumerate(stems):
        others = set().union(*(s for j, s in enumerate(stems) if j != i))
        if len((words & mine) - others) >= 2:
            out.append(parts[i])
    return out


def _opposite_words(claim_words: list[str], text: str) -> bool:
    uw = _ALPHA.findall(fold(text))
    for a, b in OPPOSITES:
        for mine, other in ((a, b), (b, a)):
            if _has(claim_words, mine) and not _has(claim_words, other) and _has(uw, other) and not _has(
                uw, mine
            ):
                return True
    return False


def anchored_opposite(claim: str, unit_text: str, language: str) -> bool:
    """True when a claim word that only one part of the unit has (its anchor: "Constitution", "174")
    stands in a part using the opposite of a claim word and not that word ("although protected by the
    Constitution" against "the Constitution restricts")."""
    parts = [s.text for s in segments(unit_text)]
    stems = [set(tokens(p, language)) | set(re.findall(r"\d+", p)) for p in parts]
    claim_stems = (set(tokens(claim, language)) | set(re.findall(r"\d+", claim))) - _COUNTRY
    cw = _NEGATION_WORDS.findall(fold(claim))
    for word in claim_stems:
        holders = [i for i, s in enumerate(stems) if word in s]
        if len(holders) == 1 and _opposite_words(cw, parts[holders[0]]):
            return True
    return False


def evaluation(text: str) -> set[str]:
    words = _ALPHA.findall(fold(text))
    return {name for name, prefixes in EVALUATIONS.items() if _has(words, prefixes)}


def other_evaluation(claim: str, sentences: list[str], language: str) -> bool:
    """True when the claim has the Parliament praise or blame something that the clause of the unit
    saying it does not (it blames it, or asks for it): "welcomes the release" said of "condemns"."""
    mine = evaluation(claim)
    if not mine:
        return False
    words = set(tokens(claim, language)) - _COUNTRY
    words -= {w for w in words if evaluation(w)}
    parts = [c for s in sentences for c in re.split(r"\s*;\s*", s) if c.strip()]
    return all(not mine <= evaluation(parts[i]) for i in _near_best(words, parts, language))
