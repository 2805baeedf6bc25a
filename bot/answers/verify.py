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

from bot.answers.claim_reading import Evidence, names, numbers, support
from bot.text.labels import cite
from bot.text.language import Lang
from index.lexical import fold

__all__ = ["Claim", "Evidence", "Verdict", "compose", "drop_unknown_ids", "fix_quotes", "leaks_prompt",
           "markers", "names", "numbers", "verify_claims"]

logger = logging.getLogger(__name__)

_MARKER = re.compile(
    r"\s*[\[(]\s*((?:citation|recital|paragraph|footnote)-[0-9A-Z]+(?:\s*[,;]\s*"
    r"(?:citation|recital|paragraph|footnote)-[0-9A-Z]+)*)\s*[\])]"
)
_QUOTED = re.compile(r"«\s*(.+?)\s*»|“(.+?)”|\"(.+?)\"|„(.+?)“", re.S)


@dataclass(frozen=True)
class Claim:
    text: str
    units: tuple[str, ...] = ()


@dataclass
class Verdict:
    kept: list[Claim] = field(default_factory=list)
    dropped: list[tuple[Claim, str]] = field(default_factory=list)  # with the reason


def normalize(text: str) -> str:
    """Whitespace collapsed, typographic apostrophes made plain: what "verbatim" compares."""
    return " ".join(text.replace("’", "'").replace("\u00a0", " ").split())


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
