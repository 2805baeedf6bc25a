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

from bot.text.labels import cite
from bot.text.language import Lang
from index.lexical import eu_terms, fold, tokens

logger = logging.getLogger(__name__)

# e5 cosines of a claim (as a query) with the sentences of a unit (as passages). Calibrated on true
# paraphrases (FR and EN) of the Kazakhstan resolution against off-topic and wrong-unit claims.
SIM_STRONG = 0.86  # supported on meaning alone
SIM_WEAK = 0.82  # supported when content words or names back it up
MIN_OVERLAP = 0.3  # share of the claim's content words found in the unit
UNIT_ID = re.compile(r"\b(citation|recital|paragraph|footnote)-([0-9]+|[A-Z]{1,2})\b")
_MARKER = re.compile(
    r"\s*[\[(]\s*((?:citation|recital|paragraph|footnote)-[0-9A-Z]+(?:\s*[,;]\s*"
    r"(?:citation|recital|paragraph|footnote)-[0-9A-Z]+)*)\s*[\])]"
)
_QUOTED = re.compile(r"«\s*(.+?)\s*»|“(.+?)”|\"(.+?)\"|„(.+?)“", re.S)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[^\W\d_]+")  # apostrophes split: "qu'Erlan" → qu, Erlan
# Capitalized words that name no one in particular: sentence openers, and the institutional vocabulary
# that English capitalizes and the French text writes otherwise (folded).
_NOT_NAME_WORDS = (
    "the a an this that these it its in on of for and but or he she they his her their who what which "
    "le la les l un une des ce cette il elle ils elles qui que en au aux du de "
    "parliament parlement european europeen europeenne eu ue union resolution article member members "
    "states etats human rights commission council conseil government gouvernement authorities"
)
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())


@dataclass(frozen=True)
class Claim:
    text: str
    units: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evidence:
    """A unit given to the model: its id, text, sentences and their e5 passage vectors."""

    id: str
    text: str
    sentences: tuple[str, ...]
    vectors: np.ndarray  # one normalized row per sentence


@dataclass
class Verdict:
    kept: list[Claim] = field(default_factory=list)
    dropped: list[tuple[Claim, str]] = field(default_factory=list)  # with the reason


def normalize(text: str) -> str:
    """Whitespace collapsed, typographic apostrophes made plain: what "verbatim" compares."""
    return " ".join(text.replace("’", "'").replace("\u00a0", " ").split())


def numbers(text: str) -> set[str]:
    return {n.replace(",", ".").rstrip(".") for n in _NUMBER.findall(UNIT_ID.sub(" ", text))}


def names(text: str) -> set[str]:
    """Words that look like names: capitalized (not opening a sentence) or acronyms, folded."""
    found = set()
    for sentence in re.split(r"(?<=[.!?:;])\s+|^", text.strip()):
        words = _WORD.findall(sentence)
        for i, w in enumerate(words):
            looks_like_name = (w.isupper() and len(w) > 1) or (i > 0 and w[:1].isupper())
            if looks_like_name and fold(w) not in _NOT_NAMES:
                found.add(fold(w))
    return found


def _name_in(name: str, unit_words: set[str], unit_folded: str) -> bool:
    """A name is in a unit if a word of the unit starts like it (Kazakh/Kazakhstan, European/européen)
    or if the French form of an EU term containing it is in the unit (EU → UE)."""
    stem = name[: max(4, min(len(name), 5))]
    if any(w.startswith(stem) or (len(w) >= 4 and name.startswith(w)) for w in unit_words):
        return True
    for en, fr in eu_terms():
        if name in fold(en).split() and any(fold(f) in unit_folded for f in fr.split() if len(f) > 1):
            return True
    return False


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


def support(claim: str, vector: np.ndarray, unit: Evidence) -> float:
    """How well `unit` supports `claim`: its best sentence cosine, or 0.0 when a number of the claim is
    not in the unit, when a name of the claim is not in it, or when neither meaning nor words agree."""
    if not numbers(claim) <= numbers(unit.text):
        return 0.0
    unit_folded = fold(unit.text)
    unit_words = set(_WORD.findall(unit_folded))
    claim_names = names(claim)
    missing = {n for n in claim_names if not _name_in(n, unit_words, unit_folded)}
    sim = float((unit.vectors @ vector).max()) if len(unit.vectors) else 0.0
    if missing and (len(missing) > len(claim_names) / 2 or sim < SIM_STRONG):
        return 0.0
    if sim >= SIM_STRONG:
        return sim
    backed = content_overlap(claim, unit.text) >= MIN_OVERLAP or len(claim_names) > len(missing)
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
