"""Offline answers: quote, verbatim, the sentences of the best units that answer the question, cite
each one, or refuse politely when the resolution does not cover the question."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from importlib import resources

import numpy as np

from bot.answers.document import about_document, document_answer
from bot.answers.models import Answer, Quote
from bot.answers.scope import gaps, refusal
from bot.answers.shape import choose_units, two_kinds
from bot.settings import Settings
from bot.text.labels import cite, kind_name, quote_marks, split_id
from bot.text.language import Lang
from bot.text.messages import say
from index.acts import from_metadata
from index.lexical import tokens
from index.models import Document
from index.retrieve import Retrieval
from index.store import Index


def no_such_unit(document: Document, unit_id: str, language: Lang) -> str:
    """What to say when a question names a unit the resolution does not have ("paragraph 42")."""
    kind, label = split_id(unit_id)
    return say(
        "no_such_unit",
        language,
        name=kind_name(kind, language),
        label=label,
        count=len(document.of_kind(kind)),  # type: ignore[arg-type]
        plural=kind_name(kind, language, plural=True),
    )


def _background_sentences() -> list[str]:
    text = resources.files("bot.answers").joinpath("data/background.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


# Out-of-scope gate for a question in another language, judged by similarity alone (no key terms).
OTHER_LANGUAGE_MARGIN = 0.05


class OfflineAnswerer:
    """Builds answers from the index alone: no language model, no network."""

    def __init__(self, index: Index, settings: Settings) -> None:
        self.index = index
        self.settings = settings
        self.document = index.document
        self._units = index.document.by_id()
        got = index.sentences.get(include=["embeddings", "documents", "metadatas"])
        metas = got["metadatas"]
        order = sorted(range(len(got["ids"])), key=lambda i: (metas[i]["unit_id"], metas[i]["position"]))
        # language → unit id → its sentences, in order, with their vectors and acts ("calls_for", …)
        self._sentences: dict[str, dict[str, list[tuple[str, np.ndarray, frozenset[str]]]]] = {
            "fr": {},
            "en": {},
        }
        for i in order:
            self._sentences[metas[i].get("language", "fr")].setdefault(metas[i]["unit_id"], []).append(
                (
                    got["documents"][i],
                    np.asarray(got["embeddings"][i], dtype=np.float32),
                    from_metadata(metas[i]),
                )
            )
        # the refusal margin was calibrated on the French sentences
        self._all_sentences = np.stack([v for s in self._sentences["fr"].values() for _, v, _ in s])

    @cached_property
    def _background(self) -> np.ndarray:
        """The off-topic reference sentences, embedded when a question first needs them (one without key
        terms): most questions never do, and a command-line `ask` should not pay for them."""
        return self.index.embeddings.passages(_background_sentences())

    def warm_up(self) -> None:
        """Embed the off-topic reference sentences now: a long-running bot pays once at start, not in the
        first question that needs them (which then outlasted a stop's drain on a busy machine)."""
        _ = self._background

    def in_scope_margin(self, query: str) -> float:
        """How much closer the question is to the resolution's best sentence than to off-topic reference
        sentences (country facts, weather, chit-chat): e5 cosines all sit around 0.8, a margin does not."""
        vector = self.index.embeddings.query(query)
        return float((self._all_sentences @ vector).max() - (self._background @ vector).max())

    def quote_language(self, language: Lang) -> Lang:
        """English questions are quoted from the English rendering (if any), French ones in French."""
        return "en" if language == "en" and self.index.english is not None else "fr"

    def intro(self, key: str, language: Lang) -> str:
        """ "Here is what the resolution says" and which text the quotes come from."""
        if self.quote_language(language) == "fr":
            return say(key, language, source=say("source_fr", language))
        source = "source_en_official" if self.index.english_official else "source_en_translation"
        return say(key, language, source=say(source, language))

    def _best_sentences(
        self,
        unit_id: str,
        vector: np.ndarray,
        question: str,
        n: int,
        language: Lang = "fr",
        acts: tuple[str, ...] = (),
    ) -> list[str]:
        """The unit's clauses closest to the question; for a question about an act, those that carry it."""
        sentences = self._sentences[language].get(unit_id)
        if not sentences:
            sentences = [(self.index.text_of(unit_id, language), vector, frozenset())]
        carrying = [s for s in sentences if s[2] & set(acts)]
        sentences = carrying or sentences
        words = set(tokens(question)) | set(tokens(question, "english"))
        scored = []
        for position, (text, emb, _) in enumerate(sentences):
            overlap = len(words & set(tokens(text))) / (len(words) or 1)
            scored.append((float(emb @ vector) + 0.1 * overlap, position, text))
        best = sorted(scored, reverse=True)[:n]
        return [text for _, _, text in sorted(best, key=lambda s: s[1])]

    def answer(self, retrieval: Retrieval, language: Lang, strict: bool = False) -> Answer:
        """`strict`: a question in another language, judged by similarity alone (no key terms), must clear
        OTHER_LANGUAGE_MARGIN instead of REFUSAL_MARGIN."""
        notes = [
            no_such_unit(self.document, ref, language)
            for ref in retrieval.references
            if ref not in self._units
        ]
        quoted = self.quote_language(language)
        referenced = [h.unit for h in retrieval.hits if h.referenced]
        if referenced:
            quotes = [Quote(u.id, self.index.text_of(u.id, quoted), quoted) for u in referenced]
            return self._compose(self.intro("lookup", language), quotes, language, notes)
        if notes:
            return Answer(" ".join(notes), language, [], refused=True)
        if about_document(retrieval.question):
            title = (self.index.english or self.document).title if quoted == "en" else self.document.title
            return document_answer(self.document, language, title)
        if not self.answerable(retrieval, OTHER_LANGUAGE_MARGIN if strict else None):
            return refusal(retrieval, language, self.document)
        chosen = choose_units(retrieval, self.settings.answer_max_units)
        by_kind = two_kinds(chosen)  # one clause of each, to stay within one screen (about 1,200 characters)
        vector = self.index.embeddings.query(retrieval.query)
        quotes = [
            Quote(u.id, s, quoted)
            for i, u in enumerate(chosen)
            for s in self._best_sentences(
                u.id, vector, retrieval.query, 2 if i == 0 and not by_kind else 1, quoted, retrieval.acts
            )
        ]
        notes_after = gaps(retrieval, quotes, language)
        return self._compose(
            self.intro("intro", language), quotes, language, [], notes_after, by_kind=by_kind
        )

    def answerable(self, retrieval: Retrieval, margin: float | None = None) -> bool:
        """The text speaks of every key term of the question; a question without any ("Bonjour !") must
        also be closer to the resolution than to off-topic reference sentences, by `margin` (by default
        REFUSAL_MARGIN), unless it asks only what the Parliament does ("is it pleased about anything?"),
        which the paragraphs carrying that act answer."""
        if retrieval.uncovered:
            return False
        if retrieval.acts and not retrieval.terms and retrieval.hits:
            return retrieval.hits[0].unit.kind == "paragraph"
        margin = self.settings.refusal_margin if margin is None else margin
        return bool(retrieval.terms) or self.in_scope_margin(retrieval.query) >= margin

    @staticmethod
    def weak(retrieval: Retrieval, given: Sequence[str]) -> bool:
        """The evidence found is weak: the question uses key words the text never uses, or has no key
        term at all (its units were found by meaning alone), or none of the `given` units names any of
        its key terms. A unit the question names ("Que dit le considérant M ?") is never weak evidence."""
        if any(h.referenced for h in retrieval.hits):
            return False
        if retrieval.unmentioned or not retrieval.terms:
            return True
        return not any(set(given) & retrieval.naming.get(t.folded, frozenset()) for t in retrieval.terms)

    @staticmethod
    def _compose(
        intro: str,
        quotes: list[Quote],
        language: Lang,
        notes: list[str],
        after: Sequence[str] = (),
        by_kind: bool = False,
    ) -> Answer:
        """The intro, then each unit's quotes with its citation; `by_kind`: what the Parliament notes
        (recitals) first, then what it asks or decides (paragraphs), each under a heading."""
        open_q, close_q = quote_marks(language)
        merged: list[tuple[str, list[str]]] = []  # consecutive quotes of one unit share one citation
        for q in quotes:
            if merged and merged[-1][0] == q.unit_id:
                merged[-1][1].append(q.text)
            else:
                merged.append((q.unit_id, [q.text]))
        if by_kind:  # recitals before paragraphs, as the resolution reads
            merged.sort(key=lambda m: split_id(m[0])[0] != "recital")
        lines = [*notes, intro]
        heading = ""
        for unit_id, texts in merged:
            kind = split_id(unit_id)[0]
            if by_kind and kind != heading:
                lines.append(say("notes_heading" if kind == "recital" else "asks_heading", language))
                heading = kind
            lines.append(f"{open_q}{' […] '.join(texts)}{close_q} ({cite(unit_id, language)})")
        lines += after
        citations = list(dict.fromkeys(unit_id for unit_id, _ in merged))  # in the order shown
        return Answer("\n\n".join(lines), language, citations, refused=False, quotes=quotes)
