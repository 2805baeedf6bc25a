"""The one pipeline that the command line and the Telegram bot share: question → retrieval → answer."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.answers.models import Answer
from bot.answers.offline import OfflineAnswerer
from bot.settings import Settings
from bot.text.language import DEFAULT_LANGUAGE, Lang, detect_language, other_language
from bot.text.markup import plain_text
from bot.text.messages import say
from index.followup import resolve
from index.lexical import bridge_terms
from index.query_batch import Ticket
from index.retrieve import Retrieval, Retriever
from index.store import Index, open_index

if TYPE_CHECKING:  # the chat model's machinery is imported only when there is a model
    from langchain_core.language_models import BaseChatModel

    from bot.answers.generate import GenerativeAnswerer

_WORDISH = re.compile(r"[^\W_]", re.UNICODE)
ANSWER_CACHE = 2048  # offline answers kept per pipeline (per index): a question asked again is not redone


class BadQuestion(ValueError):
    """An empty message: there is nothing to answer; `message` says so in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Question:
    text: str
    language: Lang
    truncated: bool
    has_words: bool  # False for a message of only emoji, symbols or punctuation
    other: str | None = None  # a language other than French or English ("German"): answered in English


def clean_question(raw: str, max_chars: int, history: Sequence[str] = ()) -> Question:
    """Normalize a user's message, or raise BadQuestion with a message in their language."""
    text = unicodedata.normalize("NFC", raw or "").replace("\x00", "")
    text = " ".join(plain_text(text).split())  # HTML and Markdown markup dropped, its text kept
    fallback = detect_language(history[-1]) if history else DEFAULT_LANGUAGE
    if not text:
        raise BadQuestion(say("empty", fallback))
    if not _WORDISH.search(text):  # only emoji, punctuation or symbols
        return Question(text, fallback, truncated=False, has_words=False)
    truncated = len(text) > max_chars
    if truncated:
        cut = text[:max_chars]
        text = cut.rsplit(" ", 1)[0] if " " in cut[max_chars // 2 :] else cut
    other = other_language(text)
    language = "en" if other else detect_language(text, fallback)
    return Question(text, language, truncated, has_words=True, other=other)


def _earlier(history: Sequence[str]) -> list[str]:
    """The earlier messages worth searching with: blank ones say nothing."""
    return [h for h in history if h and h.strip()]


class Pipeline:
    """Built once (loads the index, builds the lexical index); `ask` and `search` are then cheap.
    With a chat model, answers are generated and verified (bot/generate.py); without, quoted offline.
    `show_progress`: a first use that builds the index shows it on stderr (index/progress.py)."""

    def __init__(
        self,
        settings: Settings,
        index: Index | None = None,
        llm: BaseChatModel | None = None,
        show_progress: bool = False,
    ) -> None:
        self.settings = settings
        self.index = index or open_index(settings, show_progress=show_progress)
        self.retriever = Retriever(self.index, settings)
        self.answerer = OfflineAnswerer(self.index, settings)
        self.llm = llm
        self.generator: GenerativeAnswerer | None = None
        if llm is not None:
            from bot.answers.generate import GenerativeAnswerer

            self.generator = GenerativeAnswerer(llm, self.answerer)
        # Offline answers depend only on the question, the history and the index, all fixed here: the same
        # question in the same conversation is answered from memory (thread-safe; a burst of the same
        # question may compute it twice). Generated answers are not cached (a fallback would stick).
        self._offline = lru_cache(maxsize=ANSWER_CACHE)(self._offline_answer)

    def _offline_answer(
        self, text: str, history: tuple[str, ...], language: Lang, other: str | None = None
    ) -> Answer:
        """`other`: the question is in another language ("German"): searched by meaning only, and its
        words cannot be looked up in the text, so a stricter similarity gate judges it."""
        retrieval = self.retriever.search(text, list(history), "other" if other else language)
        if other:
            retrieval = replace(retrieval, terms=[], uncovered=[], unmentioned=[])
        return self.answerer.answer(retrieval, language, strict=bool(other))

    def search(self, question: str, history: Sequence[str] = ()) -> Retrieval:
        history = _earlier(history)
        q = clean_question(question, self.settings.max_question_chars, history)
        return self.retriever.search(q.text, history, q.language)

    def query_texts(self, question: str, history: Sequence[str] = ()) -> list[str]:
        """The texts `ask` gives the embedding model for this question: what index/retrieve.py searches
        with (the question, and a follow-up with the subject it leans on) and, offline, what the answer is
        judged and quoted with (bot/answers/offline.py), in model mode too (one search, no rewrite).
        tests/test_query_batch.py pins that these are the texts embedded."""
        history = _earlier(history)
        q = clean_question(question, self.settings.max_question_chars, history)
        if not q.has_words:
            return []
        resolved = resolve(q.text, history, self.retriever.vocabulary)
        texts = [bridge_terms(q.text)]
        if resolved.followup:
            texts.append(bridge_terms(f"{resolved.context} {q.text}"))
        if self.generator is None:
            texts.append(resolved.text)
        return list(dict.fromkeys(texts))

    def expect(self, question: str, history: Sequence[str] = ()) -> Ticket:
        """Announce a question queued for `ask` (the batching hook): its texts may be embedded in the same
        call as those of the questions before it (index/query_batch.py). Withdraw the ticket when it runs."""
        history = list(history)
        return self.index.embeddings.expect(lambda: self.query_texts(question, history))

    def ask(
        self,
        question: str,
        history: Sequence[str] = (),
        *,
        generate: bool = True,
        on_units: Callable[[list[str]], None] | None = None,
    ) -> Answer:
        """Answer a question (raises BadQuestion for a message that is not one). `generate=False`: the
        offline answer even with a model (when there is no time for one). `on_units`: told the ids of the
        units the model is given, before it is asked (to show progress)."""
        history = _earlier(history)
        q = clean_question(question, self.settings.max_question_chars, history)
        if not q.has_words:
            return Answer(say("no_words", q.language), q.language, [], refused=True)
        if self.generator is None or not generate:
            answer = self._offline(q.text, tuple(history), q.language, q.other)
        else:
            # One model call per answer: a follow-up is searched with the subject it leans on (as offline,
            # index/followup.py) and the model reads it with the earlier questions.
            retrieval = self.retriever.search(q.text, history, q.language)
            answer = self.generator.answer(retrieval, q.language, history, on_units)
        if q.other:
            answer = answer.with_note(say("other_language", q.language))
        if q.truncated:
            answer = answer.with_note(say("truncated", q.language, n=self.settings.max_question_chars))
        return answer
