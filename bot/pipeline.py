"""The one pipeline that the command line and the Telegram bot share: question → retrieval → answer."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from langchain_core.language_models import BaseChatModel

from bot.answers.generate import GenerativeAnswerer, rewrite_followup
from bot.answers.models import Answer
from bot.answers.offline import OfflineAnswerer
from bot.settings import Settings
from bot.text.language import DEFAULT_LANGUAGE, Lang, detect_language
from bot.text.messages import say
from index.retrieve import Retrieval, Retriever
from index.store import Index, open_index

_WORDISH = re.compile(r"[^\W_]", re.UNICODE)
ANSWER_CACHE = 2048  # offline answers kept per pipeline (per index): a question asked again is not redone
# Markup typed or pasted into a message ("<b>Qui</b>", "<script>") is not part of the question.
_MARKUP = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>")


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


def clean_question(raw: str, max_chars: int, history: Sequence[str] = ()) -> Question:
    """Normalize a user's message, or raise BadQuestion with a message in their language."""
    text = unicodedata.normalize("NFC", raw or "").replace("\x00", "")
    text = " ".join(_MARKUP.sub(" ", text).split())
    fallback = detect_language(history[-1]) if history else DEFAULT_LANGUAGE
    if not text:
        raise BadQuestion(say("empty", fallback))
    if not _WORDISH.search(text):  # only emoji, punctuation or symbols
        return Question(text, fallback, truncated=False, has_words=False)
    truncated = len(text) > max_chars
    if truncated:
        cut = text[:max_chars]
        text = cut.rsplit(" ", 1)[0] if " " in cut[max_chars // 2 :] else cut
    return Question(text, detect_language(text, fallback), truncated, has_words=True)


def _earlier(history: Sequence[str]) -> list[str]:
    """The earlier messages worth searching with: blank ones say nothing."""
    return [h for h in history if h and h.strip()]


class Pipeline:
    """Built once (loads the index, builds the lexical index); `ask` and `search` are then cheap.
    With a chat model, answers are generated and verified (bot/generate.py); without, quoted offline."""

    def __init__(
        self, settings: Settings, index: Index | None = None, llm: BaseChatModel | None = None
    ) -> None:
        self.settings = settings
        self.index = index or open_index(settings)
        self.retriever = Retriever(self.index, settings)
        self.answerer = OfflineAnswerer(self.index, settings)
        self.llm = llm
        self.generator = GenerativeAnswerer(llm, self.answerer) if llm is not None else None
        # Offline answers depend only on the question, the history and the index, all fixed here: the same
        # question in the same conversation is answered from memory (thread-safe; a burst of the same
        # question may compute it twice). Generated answers are not cached (a fallback would stick).
        self._offline = lru_cache(maxsize=ANSWER_CACHE)(self._offline_answer)

    def _offline_answer(self, text: str, history: tuple[str, ...], language: Lang) -> Answer:
        return self.answerer.answer(self.retriever.search(text, list(history), language), language)

    def search(self, question: str, history: Sequence[str] = ()) -> Retrieval:
        history = _earlier(history)
        q = clean_question(question, self.settings.max_question_chars, history)
        return self.retriever.search(q.text, history, q.language)

    def ask(self, question: str, history: Sequence[str] = ()) -> Answer:
        """Answer a question (raises BadQuestion for a message that is not one)."""
        history = _earlier(history)
        q = clean_question(question, self.settings.max_question_chars, history)
        if not q.has_words:
            return Answer(say("no_words", q.language), q.language, [], refused=True)
        if self.generator is None:
            answer = self._offline(q.text, tuple(history), q.language)
        else:
            # The model first makes a follow-up standalone; if it cannot, the conversation is searched.
            standalone = rewrite_followup(self.llm, q.text, history)
            rewritten = standalone != q.text
            retrieval = self.retriever.search(standalone, [] if rewritten else history, q.language)
            answer = self.generator.answer(retrieval, q.language, () if rewritten else history)
        if q.truncated:
            note = say("truncated", q.language, n=self.settings.max_question_chars)
            answer = replace(answer, text=f"{note}\n\n{answer.text}", note=note)
        return answer
