"""Generative answers (LLM mode): the model writes JSON claims from the best units, every claim is
verified against the unit it cites (bot/verify.py), and anything short of a verified answer falls back to
the offline answer, with a one-line note saying why (never silently); the offline answer also gates
out-of-scope questions before the model is called."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
from langchain_core.language_models import BaseChatModel

from bot.answers.judge import ModelJudge
from bot.answers.llm import json_model, message_text
from bot.answers.models import Answer
from bot.answers.offline import OfflineAnswerer
from bot.answers.prompts import load_prompt, prompt_text
from bot.answers.scope import refusal
from bot.answers.shape import SECOND_UNIT_RATIO
from bot.answers.verify import Claim, Evidence, compose, leaks_prompt, markers, verify_claims
from bot.text.language import Lang
from bot.text.messages import say
from index.embeddings import E5Embeddings
from index.models import Unit
from index.retrieve import Retrieval
from index.sentences import split_sentences

logger = logging.getLogger(__name__)

GENERATION_UNITS = 3  # at most this many units are given to the model (prompt time grows with them)
# A unit is given only under the rule by which the offline answer quotes it (its fused score this close
# to the best one's): a small model happily answers from any unit it is shown, relevant or not.
# Dev set, real model: 0.85 → citations all relevant 0.812; 0.95 → 0.938, keywords unchanged (0.875).
UNIT_SCORE_RATIO = SECOND_UNIT_RATIO
LANGUAGE_NAMES: dict[Lang, str] = {"fr": "French", "en": "English"}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý«“\"])")


def format_units(units: Sequence[Unit]) -> str:
    """The units as the prompt shows them: each in its own tag, named by its language-neutral id."""
    return "\n".join(f'<unit id="{u.id}">\n{u.text}\n</unit>' for u in units)


def fence(text: str) -> str:
    """User text made unable to close the tag it is fenced in."""
    return text.replace("<", "‹").replace(">", "›")


def _claim(item: object) -> Claim | None:
    """One JSON claim, tolerant of the shapes small models produce ("unit": "paragraph-6", "citations")."""
    if isinstance(item, str):
        text, ids = markers(item)
        return Claim(text, tuple(ids))
    if not isinstance(item, dict):
        return None
    texts = [item[k] for k in ("text", "claim", "answer", "statement") if isinstance(item.get(k), str)]
    text = texts[0] if texts else ""
    ids: list[str] = []
    for key in ("units", "unit", "ids", "id", "citations", "sources", "source"):
        value = item.get(key)
        ids += [value] if isinstance(value, str) else [v for v in value or [] if isinstance(v, str)]
    text, inline = markers(text)
    ids = [i.strip().strip("[]()") for i in ids + inline]
    return Claim(text, tuple(ids)) if text else None


def parse_output(raw: str) -> tuple[bool, list[Claim]]:
    """(refused, claims) from the model's reply: the JSON object if there is one, else the plain text
    cut into sentences, each citing the unit ids written in it. Only {"refused": true} is a refusal."""
    start, end = raw.find("{"), raw.rfind("}")
    if start != -1 and end > start:
        try:
            data = json.loads(raw[start : end + 1])
        except json.JSONDecodeError:
            data = None
        if isinstance(data, dict):
            items = data.get("claims") or data.get("answer") or []
            items = [items] if isinstance(items, str | dict) else items
            claims = [c for c in map(_claim, items if isinstance(items, list) else []) if c]
            return data.get("refused") is True and not claims, claims
    claims = [_claim(s) for s in _SENTENCE_END.split(raw.strip()) if s.strip()]
    return False, [c for c in claims if c]


class GenerativeAnswerer:
    """Answers with a chat model, from the offline answerer's evidence and with its answer as fallback."""

    def __init__(
        self,
        model: BaseChatModel,
        offline: OfflineAnswerer,
        embeddings: E5Embeddings | None = None,
        max_units: int = GENERATION_UNITS,
    ) -> None:
        self.model = model
        self.offline = offline
        self.embeddings = embeddings or offline.index.embeddings
        self.max_units = max_units
        self.chain = (load_prompt("answer") | json_model(model)).with_config(run_name="GenerateClaims")
        self._system = prompt_text("answer")[0]
        mode = offline.settings.llm_judge
        self.judge = ModelJudge(model) if mode != "off" else None
        self.strict = mode == "strict"
        self._evidence: dict[str, Evidence] = {}

    def _text(self, unit_id: str, language: Lang) -> Evidence:
        key = f"{language}:{unit_id}"
        if key not in self._evidence:
            text = self.offline.index.text_of(unit_id, language)
            sentences = tuple(split_sentences(text))
            vectors = self.embeddings.passages(list(sentences))
            self._evidence[key] = Evidence(unit_id, text, sentences, vectors, language)
        return self._evidence[key]

    def evidence(self, unit: Unit, language: Lang = "fr") -> Evidence:
        """The unit's text in `language` (the one the model is given), split and embedded once, with its
        rendering in the other language when there is one: claims are read in their own language."""
        main = self._text(unit.id, language)
        if self.offline.index.english is None:
            return main
        return replace(main, rendering=self._text(unit.id, "fr" if language == "en" else "en"))

    def _embed(self, texts: list[str]) -> np.ndarray:
        return np.stack([self.embeddings.query(t) for t in texts]) if texts else np.zeros((0, 384))

    def _on_topic(self, text: str) -> bool:
        return self.offline.in_scope_margin(text) >= self.offline.settings.refusal_margin

    def answer(self, retrieval: Retrieval, language: Lang, history: Sequence[str] = (),
               on_units: Callable[[list[str]], None] | None = None) -> Answer:
        """A verified generative answer, a refusal, or the offline one with a note saying why. `history`:
        the earlier questions of the conversation; a follow-up is answered in their light in the same
        model call (one call per answer: no separate rewrite of the question).
        `on_units` is told the ids of the units given to the model, just before it is asked."""
        offline = self.offline.answer(retrieval, language)
        if offline.refused:  # out of scope, or a unit that does not exist: the model is not asked
            return offline
        top = retrieval.hits[0].score
        hits = retrieval.hits[: self.max_units]
        units = [h.unit for h in hits if h.referenced or h.score >= UNIT_SCORE_RATIO * top]
        quoted = self.offline.quote_language(language)  # English questions get the English rendering
        if quoted == "en" and self.offline.index.english is not None:
            units = [self.offline.index.english.by_id()[u.id] for u in units]
        # The earlier questions go with the question (fenced alike): a follow-up is read in their light.
        earlier = [f"(earlier question: {h})" for h in history[-2:]]
        inputs = {
            "units": format_units(units),
            "question": fence("\n".join([*earlier, retrieval.question])),
            "language": LANGUAGE_NAMES[language],
        }
        if on_units is not None:
            on_units([u.id for u in units])
        try:
            raw = message_text(self.chain.invoke(inputs))
        except Exception as e:  # timeout, connection refused, server error: the user still gets an answer
            logger.warning("language model not reachable (%s: %s); offline answer", type(e).__name__, e)
            return offline.with_note(say("llm_unreachable", language))
        logger.debug("model output: %s", raw)
        refused, claims = parse_output(raw)
        if refused and self.offline.weak(retrieval, [u.id for u in units]):
            logger.info("model found no answer and the evidence is weak: refused")
            refused_answer = refusal(retrieval, language, self.offline.document)
            return refused_answer.with_note(say("llm_refused", language))
        if refused:
            logger.info("model refused although retrieval found evidence; offline answer")
            return offline.with_note(say("llm_no_answer", language))
        evidence = [self.evidence(u, quoted) for u in units]
        verdict = verify_claims(claims, evidence, self._embed, self._on_topic)
        if self.judge is not None and verdict.kept:  # the second pass: one more call for all the claims
            texts = {e.id: e.text for e in evidence}
            verdict.kept, judged = self.judge.filter(verdict.kept, texts, strict=self.strict)
            verdict.dropped += judged
        for claim, reason in verdict.dropped:
            logger.info("claim dropped (%s): %r %s", reason, claim.text[:100], list(claim.units))
        if not verdict.kept:
            logger.info("no supported claim in the model's answer; offline answer")
            return offline.with_note(say("llm_unverified", language))
        text, citations = compose(verdict.kept, language)
        if leaks_prompt(text, self._system):
            logger.warning("model output repeats its prompt; offline answer")
            return offline.with_note(say("llm_withheld", language))
        return Answer(text, language, citations, refused=False)
