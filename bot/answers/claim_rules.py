"""What a sentence says, read without a model, for the claim checker (bot/answers/verify.py): numbers,
dates and months normalized across French and English, references to a unit by its own number, the
polarity of a clause (negations, opposite words), who asks what (the Parliament speaks in the paragraphs),
and which part of a sentence is the cause and which the effect."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.lexical import fold, tokens

_MONTHS = (
    ("janvier", "january"), ("fevrier", "february"), ("mars", "march"), ("avril", "april"), ("mai", "may"),
    ("juin", "june"), ("juillet", "july"), ("aout", "august"), ("septembre", "september"),
    ("octobre", "october"), ("novembre", "november"), ("decembre", "december"),
)
MONTHS = {name: f"month-{i}" for i, pair in enumerate(_MONTHS, 1) for name in pair}
_NUMBER_WORDS = (
    ("deux", "two"), ("trois", "three"), ("quatre", "four"), ("cinq", "five"), ("six", "six"),
    ("sept", "seven"), ("huit", "eight"), ("neuf", "nine"), ("dix", "ten"), ("onze", "eleven"),
    ("douze", "twelve"), ("treize", "thirteen"), ("quatorze", "fourteen"), ("quinze", "fifteen"),
    ("seize", "sixteen"), ("vingt", "twenty"), ("trente", "thirty"), ("cent", "hundred"),
)
NUMBER_WORDS = {name: str(i) for i, pair in enumerate(_NUMBER_WORDS, 2) for name in pair}
NUMBER_WORDS.update({"vingt": "20", "twenty": "20", "trente": "30", "thirty": "30", "cent": "100",
                     "hundred": "100"})
# "1 000", "1,000", "143rd", "143e": one number each; "5.2.2016" stays one token.
_NUMERAL = re.compile(r"\d{1,3}(?:[ \u00a0\u202f,]\d{3})+(?!\d)|\d+(?:\.\d+)*")
_ALPHA = re.compile(r"[^\W\d_]+")

# A unit named by its number or letter: "paragraph 7", "paragraphe 7", "point 13", "§ 13", "recital P",
# "considérant P", "citation 3", "visa 3", "footnote 2", "note 2".
_KINDS = {
    "paragraph": "paragraph", "paragraphe": "paragraph", "para": "paragraph", "point": "paragraph",
    "§": "paragraph", "recital": "recital", "considerant": "recital", "citation": "citation",
    "visa": "citation", "footnote": "footnote", "note": "footnote",
}
UNIT_REFERENCE = re.compile(
    r"(?<![\w-])(?:(§)\s*|(paragraphe|paragraph|para\.|point|recital|considérant|considerant|citation|"
    r"visa|footnote|note)\s+)(\d+|[A-Z]{1,2})\b(?!-)",
    re.I,
)


def numbers(text: str) -> set[str]:
    """The numbers of a text, each in one form whatever the language: digits without thousands
    separators, number words as digits ("seven", "sept" → 7), months as month-N ("March", "mars")."""
    found = {re.sub(r"[ \u00a0\u202f,]", "", n).rstrip(".") for n in _NUMERAL.findall(text)}
    for word in _ALPHA.findall(fold(text)):
        if word in MONTHS:
            found.add(MONTHS[word])
        elif word in NUMBER_WORDS:
            found.add(NUMBER_WORDS[word])
    return found


def unit_references(text: str) -> list[tuple[str, re.Match[str]]]:
    """The unit ids that `text` names in words ("paragraph 7" → paragraph-7), with their matches."""
    refs = []
    for m in UNIT_REFERENCE.finditer(text):
        kind = _KINDS[fold(m[1] or m[2]).rstrip(".")]
        label = m[3].upper() if kind == "recital" else m[3]
        if (kind == "recital") == label.isalpha():
            refs.append((f"{kind}-{label}", m))
    return refs


def without_own_reference(text: str, unit_id: str) -> tuple[str, list[str]]:
    """`text` without the words naming `unit_id` itself ("In paragraph 7, …" said of paragraph-7), and the
    other units it names (a claim naming another unit than the one it cites is not supported by it)."""
    refs = unit_references(text)
    others = [ref for ref, _ in refs if ref != unit_id]
    for ref, m in reversed(refs):
        if ref == unit_id:
            text = text[: m.start()] + text[m.end():]
    return " ".join(text.split()), others


# Polarity: negations (counted once per negated verb) and pairs of opposite words (folded prefixes).
_NEGATIONS_EN = frozenset(["not", "no", "never", "cannot", "none", "neither", "nothing"])
_NEGATIONS_FR_ALONE = frozenset(["aucun", "aucune", "jamais", "rien"])
# "an end to X" is "no more X"
_ENDINGS = frozenset(["end", "ended", "ends", "ending", "fin", "stop", "stopped", "cease", "halt"])
OPPOSITES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("increas", "rise", "risen", "rose", "grow", "augment", "hausse", "accru"),
     ("decreas", "declin", "fell", "fall", "diminu", "baiss")),
    (("restrict", "restrei", "limit", "hamper", "entrav", "curb"),
     ("respect", "guarant", "garant", "broad", "widen", "expand", "elarg", "extend")),
    (("ban", "banned", "prohibit", "interdi", "block", "bloqu"),
     ("allow", "permit", "autoris", "unblock", "retabl", "restor")),
    (("strengthen", "tighten", "reinforc", "renforc", "durc", "tough"),
     ("narrow", "weaken", "loosen", "relax", "assoupl", "moratori", "repeal", "abrog", "limit")),
    (("legal", "legaux"), ("illegal", "illegaux")),
    (("welcom", "salu", "felicit", "prais"), ("condemn", "criticis", "criticiz", "critiqu", "deplor")),
    (("join", "rejoin", "adher"), ("left", "leav", "quit", "withdr")),
    (("high", "eleve", "fort"), ("low", "faibl")),
    (("protect", "proteg"), ("forc", "violen", "repress", "harass", "harcel")),
)
_CLAUSE_BREAK = re.compile(
    r"\s*[;:]\s*|,?\s+\b(?:but|mais|whereas|although|though|bien que|alors que|while)\b\s*", re.I
)


def clauses(sentence: str) -> list[str]:
    return [c for c in _CLAUSE_BREAK.split(sentence) if c and c.strip()] or [sentence]


def negations(words: list[str]) -> int:
    """Negated verbs among folded words: "not", "ne … pas" (once), "aucun" alone, and "end" / "fin" ("an
    end to X" is "no more X"); "without" / "sans" negate a noun, not what the clause says."""
    french = sum(w in ("ne", "n") for w in words)
    if not french:
        french = sum(w in _NEGATIONS_FR_ALONE for w in words)
    english = sum(w in _NEGATIONS_EN for w in words) + sum(w.endswith("n't") for w in words)
    return french + english + sum(w in _ENDINGS for w in words)


_SEGMENT_BREAK = re.compile(
    r"\s*[,;:]\s*|\s+(?=\b(?:but|mais|whereas|although|though|bien que|alors que)\b)", re.I
)
_DEPENDENT = re.compile(
    r"^(such as|including|in particular|telles? que|tels? que|notamment|which|who|qui|dont)\b"
)
_NEGATION_WORDS = re.compile(r"[^\W\d_]+(?:n't)?")


@dataclass(frozen=True)
class Segment:
    text: str
    negated: bool  # its verb is negated, or that of the segment it depends on ("…, such as …")


def segments(sentence: str) -> list[Segment]:
    """The sentence cut at commas, semicolons and "but" / "mais", each with its polarity."""
    out: list[Segment] = []
    for part in (p for p in _SEGMENT_BREAK.split(sentence) if p and p.strip()):
        negated = negations(_NEGATION_WORDS.findall(fold(part))) > 0
        if out and _DEPENDENT.match(fold(part.strip())):
            negated = negated or out[-1].negated
        out.append(Segment(part, negated))
    return out or [Segment(sentence, negations(_NEGATION_WORDS.findall(fold(sentence))) > 0)]


def _has(words: list[str], prefixes: tuple[str, ...]) -> bool:
    return any(w.startswith(p) for w in words for p in prefixes)


# The country the whole resolution is about: in nearly every sentence, it tells no part from another.
_COUNTRY = frozenset(tokens("Kazakhstan kazakh", "english") + tokens("Kazakhstan kazakhe", "french"))
NEAR_BEST = 0.8  # segments sharing this share of the best one's words with the claim are candidates


def opposed(claim: str, sentence: str, language: str) -> bool:
    """True when the claim's polarity is not that of the part of `sentence` saying the same thing: one
    is negated and the other not, or the claim uses a word whose opposite it uses, and not the word
    itself (restrict / protect, rise / fall). Every near-best part of the sentence must be against it."""
    words = set(tokens(claim, language)) - _COUNTRY
    parts = segments(sentence)
    overlap = [len(words & set(tokens(p.text, language))) for p in parts]
    best = max(overlap, default=0)
    candidates = [p for p, n in zip(parts, overlap, strict=True) if n >= NEAR_BEST * best]
    cw = _NEGATION_WORDS.findall(fold(claim))
    negated = negations(cw) > 0
    if all(p.negated != negated for p in candidates):
        return True
    clause = max(clauses(sentence), key=lambda c: len(words & set(tokens(c, language))))
    return _opposite_words(cw, clause)


def _opposite_words(claim_words: list[str], text: str) -> bool:
    uw = _ALPHA.findall(fold(text))
    for a, b in OPPOSITES:
        for mine, other in ((a, b), (b, a)):
            if _has(claim_words, mine) and _has(uw, other) and not _has(uw, mine):
                return True
    return False


# Who speaks: the paragraphs are what the Parliament asks, welcomes or stresses; the recitals and
# citations state facts. Request verbs (folded prefixes) and the words that name the Parliament.
_REQUEST = re.compile(
    r"\b(urg\w*|call\w*|ask\w*|demand\w*|want\w*|insist\w*|welcom\w*|stress\w*|notes?|expect\w*|"
    r"instruct\w*|reaffirm\w*|condemns?|request\w*|invit\w*|encourag\w*|should|must|"
    r"exhort\w*|prie|prient|salu\w*|felicit\w*|soulign\w*|releve|espere|escompte|charge|reaffirme|"
    r"condamne|reclam\w*|exig\w*|veut|veulent|souhait\w*|doit|doivent|devrai\w*|appel\w*)\b"
)
_PASSIVE = re.compile(
    r"\b(is|are|be|being|was|were|est|sont|soit|soient|etre)\s+(\w+\s+)?(urged|called|asked|invited|"
    r"instructed|requested|encouraged|invite\w*|prie\w*|exhorte\w*|appele\w*|charge\w*|demande\w*)|"
    r"\b(should|must|doit|doivent|devrai\w*|has to|have to)\b"
)
_PARLIAMENT = re.compile(r"\b(parliament|parlement|meps|deputes|resolution|it|il)\b")
_ACTOR_CLASSES = {
    "state": "kazakhstan kazakh kazakhe kazakhes government gouvernement authorities autorites",
    "parliament": "parliament parlement meps deputes",
    "eu": "eu ue eeas seae delegation",  # "the Union" too (_EU), not "trade union"
    "un": "onu nations group groupe rapporteur",
    "ilo": "ilo oit", "osce": "osce odihr biddh", "prosecutor": "prosecutor procureur",
    "police": "police", "council": "council conseil", "commission": "commission", "court": "court cour",
    "ngo": "ngo ngos ong ongs", "donors": "donors donateurs", "china": "china chine",
}
_EU = re.compile(r"\b(?:european union|union europeenne|l'union|the union|de l union)\b")
ACTORS = {w: name for name, words in _ACTOR_CLASSES.items() for w in words.split()}
_ACTORS = re.compile(r"\b(" + "|".join(sorted(ACTORS, key=len, reverse=True)) + r")\b")
_MEMBERS = frozenset(["members", "member", "membres", "membre"])
_PLACE = frozenset(["in", "of", "to", "from", "at", "au", "aux", "du", "de", "des", "en", "vers", "dans"])


def first_actor(text: str, skip: frozenset[str] = frozenset()) -> str | None:
    """The body that acts first in `text` (its class: "state" for the government, the authorities or
    Kazakhstan), skipping the classes in `skip` and places ("in Kazakhstan", "of Kazakhstan")."""
    words = re.findall(r"\w+|[,;:]", _EU.sub("eu", fold(text)))
    for i, w in enumerate(words):
        before = " ".join(words[max(0, i - 4) : i]).split(",")[-1].split()  # a comma ends a phrase
        in_place = bool(_PLACE & set(before)) and not _MEMBERS & set(before)  # "Members of Parliament" act
        if w in ACTORS and ACTORS[w] not in skip and not in_place:
            return ACTORS[w]
    return None


def actor_classes(text: str) -> set[str]:
    """The bodies `text` names, as classes ("eu" for the Union, the EEAS or the EU delegation)."""
    return {ACTORS[w] for w in re.findall(r"\w+", _EU.sub("eu", fold(text))) if w in ACTORS}


def addressed(claim: str) -> str | None:
    """Who the claim says is asked to act ("The EEAS is asked to …", "X should …"): the words before the
    passive or modal verb, or None when the claim has none."""
    folded = fold(claim)
    m = _PASSIVE.search(folded)
    return folded[: m.start()] if m else None


def requests(claim: str) -> bool:
    """True when the claim says what someone asks, welcomes or stresses (or must do)."""
    return bool(_REQUEST.search(fold(claim)))


def parliament_asks(claim: str) -> bool:
    """True when the claim has the Parliament (or the resolution) ask, welcome or stress something."""
    folded = fold(claim)
    m = _REQUEST.search(folded)
    return bool(m and _PARLIAMENT.search(folded[: m.start()]))


def someone_else_asks(claim: str) -> bool:
    """True when another body than the Parliament is the one asking ("The Commission urges …")."""
    folded = fold(claim)
    m = _REQUEST.search(folded)
    if not m or _PASSIVE.search(folded):
        return False
    before = folded[: m.start()]
    return bool(_ACTORS.search(before)) and not _PARLIAMENT.search(before)


# Cause and effect: "E because C", "E for C" (after a sanction), "C led to E", "C as a pretext for E".
_SANCTION = (
    r"(?:sentenc\w*|imprison\w*|jail\w*|prison|accus\w*|detain\w*|detention|convict\w*|arrest\w*|"
    r"investigat\w*|ban\w*|persecut\w*|condamn\w*|incarc\w*|emprison\w*|peine|enquete|interdit\w*|"
    r"poursui\w*|arret\w*)"
)
_CAUSE_AFTER = re.compile(
    r"\b(because(?: of)?|due to|owing to|as a result of|(?:a |the )?consequence of|after|in order to|"
    r"so as to|parce qu\w*|car|a cause d\w*|en raison d\w*|faute d\w*|apres|afin d\w*|suite a|"
    r"for(?= (?:his|her|their|its|\w+ing)\b)|"
    r"pour(?= (?:avoir|sa|son|ses|leurs?|\w+(?:er|ir|re))\b))\b"
)
_SANCTION_FOR = re.compile(rf"\b{_SANCTION}\b(?:\s+\S+){{0,6}}?\s+(for|pour)\b")
_CAUSE_BEFORE = re.compile(
    r"\b(led to|leads? to|lead to|caused?|causes|triggered|resulted in|results in|prompted|provoked|"
    r"as (?:a )?pretext (?:for|to)|obstacles? to|obstacles? (?:\w+ )?a|entrain\w*|ont conduit a|"
    r"a conduit a|conduit a|provoqu\w*|"
    r"comme pretexte (?:a|pour|aux?))\b"
)


@dataclass(frozen=True)
class Causal:
    cause: frozenset[str]
    effect: frozenset[str]


def causal(text: str, language: str) -> Causal | None:
    """The cause and effect words of the first causal link in `text`, if it has one."""
    folded = fold(text)
    found = []
    for pattern, cause_first in ((_CAUSE_BEFORE, True), (_CAUSE_AFTER, False), (_SANCTION_FOR, False)):
        m = pattern.search(folded)
        if m:
            group = 1 if pattern is _SANCTION_FOR else 0
            found.append((m.start(group), m.end(group), cause_first))
    if not found:
        return None
    start, end, cause_first = min(found)
    before, after = set(tokens(folded[:start], language)), set(tokens(folded[end:], language))
    cause, effect = (before, after) if cause_first else (after, before)
    return Causal(frozenset(cause), frozenset(effect))


def swapped(claim: Causal, unit: Causal) -> bool:
    """True when the claim's cause is the unit's effect and its effect the unit's cause."""
    straight = len(claim.cause & unit.cause) + len(claim.effect & unit.effect)
    crossed = len(claim.cause & unit.effect) + len(claim.effect & unit.cause)
    return crossed > straight
