"""What a claim has the Parliament do, to whom, and on whose word, read against the unit's own acts
(index/acts.py) without a model, for bot/answers/claim_reading.py:

- the act: a claim that the Parliament asks for what the clause saying it welcomes or condemns (or
  welcomes what it asks for) says another thing than the unit: acts are read from the unit's verbs;
- the addressee: the body a demand is made of ("calls on the EEAS to …") must be the one the clause
  names, not another body of the text;
- the source: a claim that reports what a body says, finds or recommends ("according to the ODIHR, …",
  "le BIDDH recommande …") is supported only by a clause that gives that body's word;
- recitals state findings: they ask for nothing, so a claim that one asks ("il faut revoir la loi",
  "Parliament calls for") is unsupported, unless the recital reports a body that asked.
"""

from __future__ import annotations

import re

from bot.answers.claim_actors import ACTORS
from index.acts import clause_acts, head_act
from index.lexical import fold, tokens

FAMILIES = {
    "urges": "request", "calls_for": "request", "instructs": "request", "expects": "request",
    "welcomes": "praise", "condemns": "blame", "regrets": "blame", "concerned": "blame",
}
# Who the Parliament is in a claim: its subject words, before the verb that carries its act.
_PARLIAMENT = re.compile(
    r"\b(?:the\s+)?(?:european\s+)?(?:parliament|meps|resolution)(?:\s+(?:also|further|then|therefore))?"
    r"\s+|\b(?:le\s+)?(?:parlement(?:\s+europeen)?|deputes|resolution|texte)(?:\s+(?:europeen|aussi|"
    r"egalement|donc|en outre))?\s+|^(?:it|il|elle)\s+"
)
_BODY_NAMES = (
    (re.compile(r"\beuropean external action service\b|\bservice europeen pour l'?\s?action exterieure\b"),
     "eeas"),
    (re.compile(r"\beuropean union\b|\bunion europeenne\b|\bthe union\b|\bl'?\s?union\b"), "eu"),
    (re.compile(r"\bmember states\b|\betats membres\b"), "memberstates"),
    (re.compile(r"\bhigh representative\b|\bhaute representante\b|\bvice-president\w*\b"), "hrvp"),
    (re.compile(r"\bspecial representative\b|\brepresentant special\b"), "eusr"),
)
# Finer than claim_actors' classes: a demand made of the EEAS is not one made of the EU Delegation.
_FINE = {
    "eeas": "eeas", "seae": "eeas", "delegation": "delegation", "president": "president",
    "presidente": "president", "memberstates": "memberstates", "hrvp": "hrvp", "eusr": "eusr",
}
# "calls on X to", "urges X to", "invite X à", "demande au X de", "charge X de"
_ADDRESSING = re.compile(
    r"\b(?:calls?\s+(?:up)?on|call(?:ed|ing)\s+(?:up)?on|urges?|urged|urging|asks?|asked|instructs?|"
    r"instructed|invites?|invited|requests?|requested|demande\w*|invite\w*|prie\w*|exhorte\w*|"
    r"charge\w*|appelle\w*)\s+(.{1,120}?)\s+(?:to|a|de|d')\b"
)
# A body whose word a claim reports: "according to X", "selon X", "X recommends / found / believes".
_ACCORDING = re.compile(
    r"\b(?:according to|selon|d'apres|in the view of|as (?:noted|found) by)\s+(.{1,80}?)(?:,|$)"
)
_REPORTING = re.compile(
    r"\b(recommend\w*|recommand\w*|found|finds|concluded|concludes|considers?|believes?|says|said|"
    r"estime\w*|considere\w*|conclu\w*|constate\w*|affirme\w*)\b"
)
# Words of a unit that give a body's word: its recommendations, findings, concerns; "according to".
_SOURCE = re.compile(
    r"\b(?:recommendations?|recommandations?|findings?|conclusions?|concerns?|preoccupations?|"
    r"according to|selon)\b"
)
_ASKS = re.compile(
    r"\b(?:urg\w*|calls?\s+(?:for|on|upon)|called\s+(?:for|on)|asks?|asked|demands?|demanded|requests?|"
    r"recommend\w*|wants?|insists?|exige\w*|reclame\w*|demande\w*|exhorte\w*|appelle\w*|recommande\w*|"
    r"veut|veulent|souhaite\w*|invite\w*|prie\w*)\b"
)
# The speaker's own prescription ("il faut revoir la loi", "X should be amended"), never a recital's finding;
# "must" / "doit" may also tell what a law requires ("associations must register"), a finding.
_PRESCRIBES = re.compile(
    r"\b(?:il faut|il faudrait|il convient|il est (?:necessaire|urgent|indispensable)|it is (?:necessary|"
    r"essential|urgent)|there is a need|needs? to be|ought to|should|devrai\w*|faudrait)\b"
)
_OBLIGES = re.compile(r"\b(?:must|doit|doivent|has to|have to)\b")
# What a recital may say that a claim's demand rests on: a body that asked; a claim's "must", also a
# legal obligation.
_UNIT_ASKS = re.compile(
    r"\b(?:urg\w*|call\w*|ask\w*|demand\w*|request\w*|recommend\w*|recommand\w*|exhort\w*|appel\w*|"
    r"prie\w*|invit\w*)\b"
)
_UNIT_OBLIGES = re.compile(r"\b(?:requir\w*|oblig\w*|exig\w*|must|doit|doivent|tenu\w*|impos\w*)\b")


_CODES = {"french": "fr", "english": "en"}


def _named(text: str) -> str:
    """Folded text with the bodies of several words made one word ("European Union" → eu)."""
    folded = fold(text).replace("’", "'")
    for pattern, name in _BODY_NAMES:
        folded = pattern.sub(f" {name} ", folded)
    return folded


def bodies(text: str) -> set[str]:
    """The bodies a (folded, _named) text names, as fine classes: the EEAS apart from the EU."""
    out = set()
    for w in re.findall(r"\w+", text):
        if w in _FINE:
            out.add(_FINE[w])
        elif w in ACTORS and ACTORS[w] != "parliament":
            out.add(ACTORS[w])
    return out


def _content(text: str, language: str) -> set[str]:
    return set(tokens(text, language)) - {"parliament", "parlement"}


def parliament_act(claim: str) -> str | None:
    """The act the claim has the Parliament do ("Le Parlement réclame …" → calls_for), read with the
    resolution's own verbs in both languages; a passive demand ("X is urged to") is a request."""
    folded = fold(claim).replace("’", "'")
    m = _PARLIAMENT.search(folded)
    if m is None:
        return None
    rest = folded[m.end():]
    for language in ("fr", "en"):
        acts = clause_acts(rest, language)
        if acts:
            return acts[0]
    return None


def acts_of(sentences: list[str], stemmer: str) -> list[tuple[str, str | None]]:
    """The unit's clauses, each cut again where "and" / "et" opens another act ("condemns … and calls
    for …"), with the act at its head, or that of the clause it continues."""
    language = _CODES[stemmer]
    out: list[tuple[str, str | None]] = []
    act: str | None = None
    for sentence in sentences:
        words = sentence.split()
        start, act = 0, head_act(sentence, language) or act
        for i, w in enumerate(words):
            later = head_act(" ".join(words[i + 1 :]), language) if fold(w) in ("and", "et") else None
            if i > start and later is not None:
                out.append((" ".join(words[start:i]), act))
                start, act = i + 1, later
        out.append((" ".join(words[start:]), act))
    return out


def _best(words: set[str], parts: list[str], language: str, ratio: float = 0.8) -> list[int]:
    overlap = [len(words & set(tokens(p, language))) for p in parts]
    top = max(overlap, default=0)
    return [i for i, n in enumerate(overlap) if top and n >= ratio * top]


def other_act(claim: str, sentences: list[str], language: str) -> bool:
    """True when the claim has the Parliament ask for what every clause of the unit saying it welcomes or
    condemns, or welcome or condemn what those clauses ask for."""
    act = parliament_act(claim)
    family = FAMILIES.get(act or "")
    if family is None:
        return False
    resolved = acts_of(sentences, language)
    words = _content(claim, language) - set(tokens(act.replace("_", " "), language))
    near = _best(words, [t for t, _ in resolved], language)
    theirs = [FAMILIES.get(resolved[i][1] or "") for i in near]
    return bool(theirs) and all(f is not None and f != family for f in theirs)


def addressee(text: str) -> set[str] | None:
    """The bodies a demand is made of ("calls on the EEAS to" → {eeas}), or None when it names none."""
    m = _ADDRESSING.search(_named(text))
    if m is None:
        return None
    found = bodies(m[1])
    return found or None


def other_addressee(claim: str, sentences: list[str], language: str) -> bool:
    """True when the claim makes a demand of a body that no clause of the unit saying it addresses."""
    mine = addressee(claim)
    if mine is None:
        return False
    m = _ADDRESSING.search(_named(claim))
    words = _content(_named(claim)[m.end():] if m else claim, language)
    near = _best(words, sentences, language)
    theirs = [addressee(sentences[i]) for i in near]
    known = [t for t in theirs if t is not None]
    return bool(known) and len(known) == len(theirs) and not any(mine <= t for t in known)


def source(claim: str) -> tuple[set[str], str] | None:
    """The bodies whose word a claim reports ("according to the ODIHR observers, …" → {osce}), and the
    words it reports, or None when it reports nobody's word (or the Parliament's)."""
    folded = _named(claim)
    m = _ACCORDING.search(folded)
    if m and bodies(m[1]):
        return bodies(m[1]), folded[: m.start()] + " " + folded[m.end():]
    r = _REPORTING.search(folded)
    if r and not _PARLIAMENT.search(folded[: r.end()]) and bodies(folded[: r.start()]):
        return bodies(folded[: r.start()]), folded[r.end():]
    return None


def unsourced(claim: str, sentences: list[str], language: str) -> bool:
    """True when the claim reports a body's word that the clause saying it does not give as that body's:
    the clause must name the body after words that give a body's word ("recommendations of", "according
    to") or have it as its subject, before what the claim reports."""
    found = source(claim)
    if found is None:
        return False
    who, said = found
    words = _content(said, language) - {w for b in who for w in tokens(b, language)}
    near = _best(words, sentences, language)
    for i in near:
        clause = _named(sentences[i])
        names = [m.start() for m in re.finditer(r"\w+", clause) if bodies(m[0]) & who]
        if not names:
            continue
        given = _SOURCE.search(clause[: names[0] + 40]) or not bodies(clause[: names[0]]) - who
        if given:
            return False
    return True


def recital_asks(claim: str, unit_text: str) -> bool:
    """True when a claim has a recital (or a citation) ask for something: a prescription ("il faut",
    "should be") or a demand where the unit reports no body asking; "must" where it reports neither a
    body asking nor an obligation ("the law requires")."""
    folded, unit = fold(claim), fold(unit_text)
    if _PRESCRIBES.search(folded) or _ASKS.search(folded):
        return not _UNIT_ASKS.search(unit)
    if _OBLIGES.search(folded):
        return not (_UNIT_ASKS.search(unit) or _UNIT_OBLIGES.search(unit))
    return False


__all__ = ["addressee", "other_act", "other_addressee", "parliament_act", "recital_asks",
           "source", "unsourced"]
