"""Checks a model's claims against the units it was given, before anything reaches a user: unknown unit
ids go, quotes must be verbatim, every claim must be supported by a unit it cites (or is attributed to
the given unit that supports it), and unsupported claims are dropped. Pure functions: embeddings are
passed in."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from bot.answers import claim_rules as rules
from bot.answers.people import said_of_another
from bot.text.labels import cite
from bot.text.language import Lang, detect_language
from index.align import name_forms
from index.lexical import eu_terms, fold, tokens

logger = logging.getLogger(__name__)

# e5 cosines of a claim (as a query) with the sentences of a unit (as passages). Calibrated on true
# paraphrases (FR and EN) of the Kazakhstan resolution against off-topic and wrong-unit claims.
SIM_STRONG = 0.86  # supported on meaning alone
SIM_WEAK = 0.82  # supported when content words or names back it up
MIN_OVERLAP = 0.3  # share of the claim's content words found in the unit
MIN_REASON = 0.5  # share of the words of a claim's reason ("because …", "for …") found in the unit
STEMMERS = {"fr": "french", "en": "english"}
UNIT_ID = re.compile(r"\b(citation|recital|paragraph|footnote)-([0-9]+|[A-Z]{1,2})\b")
_MARKER = re.compile(
    r"\s*[\[(]\s*((?:citation|recital|paragraph|footnote)-[0-9A-Z]+(?:\s*[,;]\s*"
    r"(?:citation|recital|paragraph|footnote)-[0-9A-Z]+)*)\s*[\])]"
)
_QUOTED = re.compile(r"«\s*(.+?)\s*»|“(.+?)”|\"(.+?)\"|„(.+?)“", re.S)
_WORD = re.compile(r"[^\W\d_]+")  # apostrophes split: "qu'Erlan" → qu, Erlan
# Capitalized words that name no one in particular: sentence openers, and the institutional vocabulary
# that English capitalizes and the French text writes otherwise (folded).
_NOT_NAME_WORDS = (
    "the a an this that these it its in on of for and but or he she they his her their who what which "
    "le la les l un une des ce cette il elle ils elles qui que en au aux du de "
    "parliament parlement european europeen europeenne eu ue union resolution article member members "
    "states etats human rights commission council conseil government gouvernement authorities "
    "kazakhstan kazakh kazakhe kazakhes"  # the country the whole resolution is about goes without saying
)
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())


@dataclass(frozen=True)
class Claim:
    text: str
    units: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evidence:
    """A unit given to the model: its id, text, sentences and their e5 passage vectors; `rendering` is the
    same unit in the other language when there is one (a claim is read against the text in its own
    language: like with like)."""

    id: str
    text: str
    sentences: tuple[str, ...]
    vectors: np.ndarray  # one normalized row per sentence
    language: str = "fr"
    rendering: Evidence | None = None

    def views(self) -> list[Evidence]:
        return [self] if self.rendering is None else [self, self.rendering]

    def view(self, language: str) -> Evidence:
        """The unit in `language` if it is given in it, else as given."""
        return next((v for v in self.views() if v.language == language), self)


@dataclass
class Verdict:
    kept: list[Claim] = field(default_factory=list)
    dropped: list[tuple[Claim, str]] = field(default_factory=list)  # with the reason


def normalize(text: str) -> str:
    """Whitespace collapsed, typographic apostrophes made plain: what "verbatim" compares."""
    return " ".join(text.replace("’", "'").replace("\u00a0", " ").split())


def numbers(text: str) -> set[str]:
    """Numbers, dates' months and number words, in one form in both languages (claim_rules.numbers)."""
    return rules.numbers(UNIT_ID.sub(" ", text))


def names(text: str) -> set[str]:
    """Words that look like names: capitalized (not opening a sentence) or acronyms, folded."""
    found = set()
    for sentence in re.split(r"(?<=[.!?:;])\s+|^", text.strip()):
        words = _WORD.findall(sentence)
        for i, w in enumerate(words):
            looks_like_name = (w.isupper() and len(w) > 1) or (i > 0 and w[:1].isupper())
            if looks_like_name and fold(w) not in _NOT_NAMES and fold(w) not in rules.MONTHS:
                found.add(fold(w))
    return found


def _name_in(name: str, unit_words: set[str], unit_folded: str) -> bool:
    """A name is in a unit if a word of the unit starts like it (Kazakh/Kazakhstan, European/européen)
    or if the French form of an EU term containing it is in the unit (EU → UE)."""
    stem = name[: max(4, min(len(name), 5))]
    forms = name_forms()
    aliases = forms.get(name, set()) | {fr for fr, en in forms.items() if name in en}
    if aliases & unit_words:  # Venice / Venise, ILO / OIT
        return True
    if any(w.startswith(stem) or (len(w) >= 4 and name.startswith(w)) for w in unit_words):
        return True
    for en, fr in eu_terms():
        if name in fold(en).split() and any(fold(f) in unit_folded for f in fr.split() if len(f) > 1):
            return True
        forms = [fold(e) for e in f"{en} {fr}".split() if len(e) > 2]
        if name in fold(fr).split() and any(f in unit_words for f in forms):
            return True
    return False


def capitalized_in_french(unit: Evidence) -> set[str] | None:
    """The folded words the French text of `unit` capitalizes (people, places, bodies), or None."""
    french = unit.view("fr")
    if french.language != "fr":
        return None
    return {fold(w) for w in _WORD.findall(french.text) if w[:1].isupper()}


def proper_names(claim_names: set[str], unit: Evidence) -> set[str]:
    """The claim's names that the French text capitalizes too (people, places, bodies): English also
    capitalizes months and common words of titles ("Law on Public Associations")."""
    capitalized = capitalized_in_french(unit)
    if capitalized is None:
        return claim_names
    return {n for n in claim_names if any(c.startswith(n[:5]) or n.startswith(c) for c in capitalized)}


def content_overlap(claim: str, unit_text: str) -> float:
    """Share of the claim's content words (stemmed as French and as English) found in the unit."""
    words = set(tokens(claim))
    if not words:
        return 0.0
    unit = set(tokens(unit_text)) | set(tokens(unit_text, "english"))
    english = set(tokens(claim, "english"))
    return len((words & unit) | (english & unit)) / len(words)


def markers(text: str) -> tuple[str, list[str]]:
    """Unit-id markers written in a claim's text ("[paragraph-6]"): the text without them, and the ids."""
    ids = [m for group in _MARKER.findall(text) for m in re.split(r"\s*[,;]\s*", group)]
    return " ".join(_MARKER.sub("", text).split()), ids


def drop_unknown_ids(claim: Claim, known: Sequence[str]) -> Claim:
    """The claim citing only units that were given; every other id is removed and logged."""
    keep = tuple(dict.fromkeys(u for u in claim.units if u in known))
    for unit_id in claim.units:
        if unit_id not in known:
            logger.warning("model cited a unit it was not given: %s (claim %r)", unit_id, claim.text[:80])
    return replace(claim, units=keep)


def fix_quotes(text: str, sources: Sequence[str]) -> tuple[str, list[str]]:
    """Quotation marks kept only around words found verbatim (after whitespace normalization) in one of
    the `sources`; the others lose their marks, not their words. Returns the text and the kept quotes."""
    kept: list[str] = []
    normalized = [normalize(s) for s in sources]

    def check(m: re.Match[str]) -> str:
        quoted = next(g for g in m.groups() if g is not None)
        if any(normalize(quoted) in s for s in normalized):
            kept.append(quoted)
            return m[0]
        logger.info("quote not verbatim in the cited unit, marks removed: %r", quoted[:80])
        return quoted

    return _QUOTED.sub(check, text), kept


def _best(claim_words: set[str], candidates: Sequence[str], language: str) -> str:
    """The candidate sharing most content words with the claim (the first one on a tie)."""
    return max(candidates, key=lambda c: len(claim_words & set(tokens(c, language))), default="")


def _other_actor(claim: str, unit_id: str, clause: str, sentence: str) -> bool:
    """True when the body acting first in the claim is not the one acting first where the unit says it:
    in a recital, the clause's (or its sentence's) subject; in a paragraph, the body asked to act, when
    the claim names one ("The EEAS is asked to …"). The Parliament speaks in paragraphs: it is skipped."""
    skip = frozenset()
    if not unit_id.startswith("recital"):  # the Parliament speaks in paragraphs and citations
        addressee = rules.addressed(claim)
        if addressee is None:
            return False
        claim, skip = addressee, frozenset({"parliament"})
    mine = rules.first_actor(claim, skip)
    theirs = rules.first_actor(clause, skip) or rules.first_actor(sentence, skip)
    return mine is not None and theirs is not None and mine != theirs


def reading(claim: str, unit: Evidence) -> str | None:
    """Why `unit` does not say what `claim` says, read without a model (None when nothing is against
    it): a number, date or name it lacks, another unit named, the opposite polarity, the wrong speaker,
    a reason it does not give, or cause and effect swapped. `claim` is without its own unit's number."""
    texts = " ".join(v.text for v in unit.views())
    if not numbers(claim) <= numbers(texts):
        return "number"
    folded = fold(texts)
    words = set(_WORD.findall(folded))
    claim_names = names(claim)
    if any(not _name_in(n, words, folded) for n in claim_names):
        return "name"
    if rules.actor_classes(claim) - rules.actor_classes(texts) - {"parliament"}:  # the EU, the ILO, the UN…
        return "body"
    language = detect_language(claim, unit.language)
    stemmer = STEMMERS[language]
    view = unit.view(language)
    claim_words = set(tokens(claim, stemmer))
    sentence = _best(claim_words, view.sentences, stemmer)
    if view.language == language:
        # a name may stand in the sentence before, the sentence saying "his arrest"
        before = view.sentences[max(0, view.sentences.index(sentence) - 1)] if sentence else ""
        sentence_folded = fold(f"{before} {sentence}")
        sentence_words = set(_WORD.findall(sentence_folded))
        proper = proper_names(claim_names, unit)
        if any(not _name_in(n, sentence_words, sentence_folded) for n in proper):
            return "name elsewhere in the unit"
        if said_of_another(claim, proper, sentence, stemmer, capitalized_in_french(unit) or set()):
            return "said of another person"
        if rules.opposed(claim, sentence, stemmer):
            return "polarity"
        clause = _best(claim_words, rules.clauses(sentence), stemmer)
        if _other_actor(claim, unit.id, clause, sentence):
            return "actor"
    if unit.id.startswith("paragraph"):
        if not rules.requests(claim) or rules.someone_else_asks(claim):
            return "speaker"
    elif rules.parliament_asks(claim):
        return "speaker"
    cause = rules.causal(claim, stemmer)
    if cause is not None and view.language == language:
        backed = cause.cause & set(tokens(view.text, stemmer))
        if len(backed) < MIN_REASON * len(cause.cause):
            return "reason"
        said = rules.causal(sentence, stemmer)
        if said is not None and rules.swapped(cause, said):
            return "cause and effect"
    return None


def support(claim: str, vector: np.ndarray, unit: Evidence) -> float:
    """How well `unit` supports `claim`: its best sentence cosine, or 0.0 when the unit's words say
    otherwise (`reading`), or when neither meaning nor words agree."""
    claim, others = rules.without_own_reference(claim, unit.id)
    if others or not claim:
        return 0.0
    why = reading(claim, unit)
    if why is not None:
        logger.debug("%s does not support %r: %s", unit.id, claim[:80], why)
        return 0.0
    sims = [float((v.vectors @ vector).max()) for v in unit.views() if len(v.vectors)]
    sim = max(sims, default=0.0)
    if sim >= SIM_STRONG:
        return sim
    texts = " ".join(v.text for v in unit.views())
    backed = content_overlap(claim, texts) >= MIN_OVERLAP or bool(names(claim))
    return sim if sim >= SIM_WEAK and backed else 0.0


def verify_claims(
    claims: Sequence[Claim],
    evidence: Sequence[Evidence],
    embed: Callable[[list[str]], np.ndarray],
    on_topic: Callable[[str], bool] = lambda _: True,
) -> Verdict:
    """Keep the claims that a given unit supports, citing the units that support them: cited units that
    do not are removed, an uncited (or wrongly cited) claim is attributed to the best given unit that
    supports it, and a claim that no given unit supports, or that is off the resolution's topic, goes.
    `embed` maps texts to normalized e5 query vectors; `on_topic` is the out-of-scope gate on a claim."""
    by_id = {e.id: e for e in evidence}
    verdict = Verdict()
    claims = [drop_unknown_ids(c, list(by_id)) for c in claims if c.text.strip()]
    vectors = embed([c.text for c in claims]) if claims else np.zeros((0, 384))
    for claim, vector in zip(claims, vectors, strict=True):
        if not on_topic(claim.text):
            verdict.dropped.append((claim, "off topic"))
            continue
        scores = {e.id: support(claim.text, vector, e) for e in evidence}
        cited = [u for u in claim.units if scores[u] > 0]
        if not cited:
            best = max(scores, key=scores.__getitem__, default=None)
            if best is None or scores[best] <= 0:
                verdict.dropped.append((claim, "unsupported"))
                logger.info("claim dropped, no given unit supports it: %r", claim.text[:80])
                continue
            cited = [best]
            if claim.units:
                logger.info("claim re-attributed from %s to %s: %r", claim.units, best, claim.text[:80])
        text, _ = fix_quotes(claim.text, [by_id[u].text for u in cited])
        verdict.kept.append(Claim(text, tuple(cited)))
    return verdict


def compose(claims: Sequence[Claim], language: Lang) -> tuple[str, list[str]]:
    """The claims as one paragraph with readable citations ("… (§ 6, considérant F)."), and the cited
    unit ids in order of first appearance."""
    sentences = []
    for claim in claims:
        body = claim.text.strip().rstrip(".;")
        refs = ", ".join(cite(u, language) for u in claim.units)
        sentences.append(f"{body} ({refs}).")
    citations = list(dict.fromkeys(u for c in claims for u in c.units))
    return " ".join(sentences), citations


def leaks_prompt(text: str, prompt: str, n: int = 8) -> bool:
    """True when `text` repeats any run of `n` consecutive words of `prompt` (a leaked system prompt)."""
    words = fold(prompt).split()
    haystack = " ".join(fold(text).split())
    return any(" ".join(words[i : i + n]) in haystack for i in range(len(words) - n + 1))
