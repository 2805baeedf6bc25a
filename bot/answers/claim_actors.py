"""Who speaks and who acts in a claim, read without a model (for bot/answers/claim_reading.py): the
Parliament speaks in the paragraphs (what it asks, welcomes or stresses), the recitals state facts; the
body acting first in a claim must be the one acting where the unit says it, and the subject of a verb
must be the one the unit gives it ("the police tried to meet MEPs" where demonstrators did)."""

from __future__ import annotations

import re

from bot.answers.claim_numbers import MONTHS
from index.lexical import STOPWORDS, fold, stem

# Capitalized words that name no one in particular: sentence openers, and the institutional vocabulary
# that English capitalizes and the French text writes otherwise (folded).
_NOT_NAME_WORDS = (
    "the a an this that these it its in on of for and but or he she they his her their who what which "
    "le la les l un une des ce cette il elle ils elles qui que en au aux du de "
    "parliament parlement european europeen europeenne eu ue union resolution article member members "
    "states etats human rights commission council conseil government gouvernement authorities "
    "kazakhstan kazakh kazakhe kazakhes"  # the country the whole resolution is about goes without saying
)
NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())

# Who speaks: the paragraphs are what the Parliament asks, welcomes or stresses; the recitals and
# citations state facts. Request verbs (folded prefixes) and the words that name the Parliament.
_REQUEST = re.compile(
    r"\b(urg\w*|call\w*|ask\w*|says|considers|believes|estime|considere|affirme|demand\w*|want\w*|insist\w*|welcom\w*|stress\w*|notes?|expect\w*|"
    r"instruct\w*|reaffirm\w*|condemns?|request\w*|invit\w*|encourag\w*|should|must|"
    r"exhort\w*|prie|prient|salu\w*|felicit\w*|soulign\w*|releve|espere|escompte|charge|reaffirme|"
    r"condamne|reclam\w*|exig\w*|veut|veulent|souhait\w*|doit|doivent|devrai\w*|appel\w*|hop\w*|"
    r"(?:is|are) to be)\b"
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
_PLACE = frozenset(
    ["in", "of", "to", "from", "at", "au", "aux", "du", "de", "des", "d", "en", "vers", "dans"]
)
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




# The subject of a verb: bodies (ACTORS), the people the text speaks of, and names.
_PEOPLE = {
    "press": "journalist journalists journaliste journalistes blogger bloggers blogueur blogueurs",
    "activists": "activist activists militant militants militante militantes defenders defenseurs",
    "protesters": "demonstrators demonstrator protesters protester manifestants manifestant participants",
    "organisations": "organisations organizations organisation organization",
}
PEOPLE = {w: name for name, words in _PEOPLE.items() for w in words.split()}
_BE = frozenset(
    "is are was were be been being est sont etait etaient ete etre soit soient fut furent".split()  # noqa: SIM905
)
# auxiliaries and adverbs between a subject and its verb
_AUX = frozenset(
    "a ont avait avaient has have had will would also then now still ensuite deja already".split()  # noqa: SIM905
)
_BY = frozenset(["by", "par"])
_AND = frozenset(["and", "et"])
_PATIENT = re.compile(
    r"^(?:now\s+|still\s+|continue\s+to\s+)?(?:(?:is|are|was|were|remain|remains|sont|est|restent|reste)\s+)?(?:subject|subjected|soumis\w*|"
    r"faces?|facing|font face|fait face|confront\w*|victims?|victimes?|suffer\w*|subi\w*|under|objet)\b"
)
_PARTICIPLE = re.compile(r"(?:ed|en|e|ee|es|ees|is|ise|it|ite|u|ue|us)$")
_TOKEN = re.compile(r"[^\W\d_]+|\d+")


def _role(word: str, position: int) -> str | None:
    """The subject a word names: an actor class, a group of people, or a person or body by name."""
    folded = fold(word)
    if folded == "eu" and word != "EU":  # French "eu" is a participle ("a eu recours"), not the Union
        return None
    if folded in ACTORS:
        return ACTORS[folded]
    if folded in PEOPLE:
        return PEOPLE[folded]
    if word[:1].isupper() and folded not in NOT_NAMES and folded not in MONTHS and len(folded) > 2:
        return f"name:{folded}"
    return None


def _run(words: list[str], j: int, step: int) -> tuple[set[str], int]:
    """The roles of the subject starting at `words[j]` and going by `step` (+1 forward, -1 backward):
    a name of several words, a body and its adjective ("police kazakhe"), subjects joined by "and"."""
    roles: set[str] = set()
    while 0 <= j < len(words):
        role = _role(words[j], j)
        if role is not None:
            roles.add(role)
        elif not (fold(words[j]) in _AND and 0 <= j + step < len(words) and _role(words[j + step], 0)):
            break
        j += step
    return roles, j


_CONCESSIVE = frozenset(["although", "though", "whereas", "but", "mais", "bien", "alors", "tandis", "malgre",
                         "despite"])


def _lowercase(parts: list[str]) -> set[str]:
    """The words the unit writes in lower case: a claim capitalizing one of them at its start names nobody."""
    return {w for p in parts for w in _TOKEN.findall(p) if w.islower()}


def _subject_and_verb(claim: str, common: set[str] = frozenset()) -> tuple[set[str], int, list[str]] | None:
    """The claim's first subject, the position of the word after it (and its auxiliaries), its words.
    A first word the unit writes in lower case ("Civil society …", "More than …") names nobody; a
    possessive ("Tungishbayev's extradition") is no subject: None."""
    words = _TOKEN.findall(claim)
    for i, w in enumerate(words):
        if fold(w) in _CONCESSIVE or (i > 0 and fold(w) in _AUX | _BE):  # past the subject's verb
            return None
        if i == 0 and w.lower() in common and fold(w) not in ACTORS | PEOPLE:
            continue  # a capital that only opens the claim ("Civil society …", "More than …") names nobody
        if _role(w, i) is not None and not (i > 0 and fold(words[i - 1]) in _PLACE):  # "in Kazakhstan"
            roles, j = _run(words, i, 1)
            if re.search(r"['’]s\b", claim) and j < len(words) and words[j] == "s":
                return None
            while j < len(words) and fold(words[j]) in _AUX:
                j += 1
            return roles, j, words
    return None


def _agent(words: list[str], k: int) -> set[str] | None:
    """Who does the verb at `words[k]` of a unit part: after "by" / "par" for a passive verb with an agent,
    else the nearest subject before it (not a complement: "of X", "de X"); None when it is another verb's
    coordinated ("… and prohibited") or nobody is named."""
    folded = [fold(w) for w in words]
    if _passive(words, k):
        for j in range(k + 1, min(len(words), k + 5)):
            if folded[j] in _BY:
                after = next((i for i in range(j + 1, min(len(words), j + 4)) if _role(words[i], i)), None)
                return None if after is None else _run(words, after, 1)[0]
    j = k - 1
    while j >= 0 and folded[j] in _AUX | _BE:
        j -= 1
    if j >= 0 and folded[j] in _AND:
        return None
    for i in range(j, -1, -1):
        if _role(words[i], i) is not None:
            roles, start = _run(words, i, -1)
            if not (start >= 0 and folded[start] in _PLACE):
                return roles
    return None


def wrong_subject(claim: str, parts: list[str], language: str) -> bool:
    """True when the claim's subject does what the unit has someone else do: the first word after the
    subject that the unit also has is, in every part of the unit that has it, done by another subject
    ("The police tried to meet …" where the unit's demonstrators were trying; "Kyrgyzstan monitors …"
    where the use of social networks is monitored by the authorities), or when the unit's subject
    undergoes it ("Tulbayev accused …" where Tulbayev was accused)."""
    found = _subject_and_verb(claim, _lowercase(parts))
    if found is None:
        return False
    subject, start, words = found
    folded = [fold(w) for w in words]
    if start < len(words) and folded[start] in _BE | {"being"}:
        return False  # a passive claim: its subject undergoes the verb
    unit_parts = [_TOKEN.findall(p) for p in parts]
    for i in range(start, min(len(words), start + 4)):
        if folded[i] in STOPWORDS or _role(words[i], i) is not None:
            continue
        target = stem(folded[i], language)
        agents = []
        for unit_words in unit_parts:
            for k, w in enumerate(unit_words):
                if stem(fold(w), language) == target:
                    agent = _agent(unit_words, k)
                    if _passive(unit_words, k) and not _by(unit_words, k):  # done by someone unnamed
                        agent = {"patient"} if agent and agent & subject else {"unnamed"}
                    agents.append(agent)
        if agents:
            known = [a for a in agents if a is not None]
            return bool(known) and len(known) == len(agents) and not any(_same(a, subject) for a in known)
    return False


def _same(agent: set[str], subject: set[str]) -> bool:
    """Whether the unit's `agent` may be the claim's `subject`: one of them, or the state (the
    authorities, the government) doing what the unit says was done without naming by whom."""
    return bool(agent & subject) or (agent == {"unnamed"} and subject <= {"state"})


def _passive(words: list[str], k: int) -> bool:
    """The verb at `words[k]` is a past participle after "be" / "être" ("is monitored", "a été accusé"),
    or a French participle opening a part of the unit ("…, accusé d'incitation …")."""
    if k == 0:
        return bool(re.search(r"é(?:e|s|es)?$", words[k]))
    return fold(words[k - 1]) in _BE and bool(_PARTICIPLE.search(fold(words[k])))


def _by(words: list[str], k: int) -> bool:
    return any(fold(w) in _BY for w in words[k + 1 : k + 5])


def patient_made_agent(claim: str, parts: list[str]) -> bool:
    """True when the claim's subject acts ("organisations put pressure on …") where the unit's undergoes
    ("organisations are subjected to pressure")."""
    found = _subject_and_verb(claim, _lowercase(parts))
    if found is None:
        return False
    subject, start, words = found
    rest = " ".join(fold(w) for w in words[start : start + 3])
    if not rest or fold(words[start]) in _BE | {"being"}:
        return False
    # the rest of the subject's noun phrase may stand before its verb ("activists and human rights
    # defenders still face …")
    if any(_PATIENT.match(" ".join(fold(w) for w in words[k : k + 3])) for k in range(start, start + 6)):
        return False
    for part in parts:
        unit_words = _TOKEN.findall(part)
        for k, w in enumerate(unit_words):
            after = " ".join(fold(x) for x in unit_words[k + 1 : k + 4])
            in_place = k > 0 and fold(unit_words[k - 1]) in _PLACE
            if _role(w, k) in subject and not in_place and _PATIENT.match(after):
                return True
    return False
