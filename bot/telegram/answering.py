"""A question answered on Telegram: the pipeline run in the worker pool within a deadline, the reply,
and what is remembered, where a failing state store or a hung dependency never costs the user a reply.

- The pipeline is synchronous; it runs on a pool of threads sized to the cores (PIPELINE_WORKERS), so
  that several questions are in flight and one slow question holds no other chat. What it shares is
  safe from several threads: the embedding model is behind a lock, the Chroma clients, the lexical
  indexes and the prompts are read-only once built, and the caches are `lru_cache`s or plain dicts.
  A question queued in the pool is announced (`Pipeline.expect`): its question vector can be computed
  in the same embedding call as those of the questions before it (index/query_batch.py).
- ANSWER_DEADLINE bounds the whole answer (search and model): past it the asker is told the service is
  not responding, and the model's calls (bot/answers/llm.py `within`) end a little before it, so that
  the offline answer can still go out in time. A Chroma server that does not answer fails the same way
  (CHROMA_TIMEOUT).
- State-store calls run off the event loop; when one fails (read-only file, full disk, server gone),
  it is logged and the answer goes out anyway.
- While it works, the chat shows "typing…"; a private chat, when a language model answers, shows drafts
  instead (bot/telegram/drafts.py): what the bot is searching, then the units found.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import httpx
from telegram import InlineKeyboardMarkup, Message
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.answers.llm import within
from bot.answers.models import Answer
from bot.pipeline import BadQuestion, clean_question
from bot.settings import Settings
from bot.telegram.chat_action import keep_typing
from bot.telegram.drafts import drafting
from bot.telegram.keyboards import answer_keyboard
from bot.telegram.render import render_telegram
from bot.text.language import Lang, detect_language
from bot.text.messages import say
from index.query_batch import Ticket

logger = logging.getLogger(__name__)
T = TypeVar("T")
# The model's calls end this much before the answer's deadline (at most), for the offline answer.
MODEL_MARGIN = 3.0


class NotResponding(RuntimeError):
    """A dependency (the Chroma server, the model) did not answer within the deadline."""


async def stored(context: ContextTypes.DEFAULT_TYPE, method: str, default: T, *args: Any) -> T:
    """A state-store call, off the event loop; a failure is logged and `default` returned."""
    try:
        return await asyncio.to_thread(getattr(context.bot_data["state"], method), *args)
    except Exception:
        logger.exception("the state store failed (%s); going on without it", method)
        return default


def _ask_within(ask: Callable[..., Answer], ticket: Ticket | None, text: str, history: Sequence[str],
                deadline: float, budget: float, **options: Any) -> Answer:
    if ticket is not None:
        ticket.withdraw()  # running now: no longer embedded ahead by another question's call
    with within(deadline - min(MODEL_MARGIN, budget / 5)):
        return ask(text, history, **options)


async def ask_pipeline(context: ContextTypes.DEFAULT_TYPE, text: str, history: Sequence[str],
                       budget: float | None = None, **options: Any) -> Answer:
    """The pipeline's answer, from the worker pool, within `budget` seconds (default ANSWER_DEADLINE; else
    NotResponding). `options` go to Pipeline.ask (generate, on_units)."""
    settings: Settings = context.bot_data["settings"]
    worker: ThreadPoolExecutor = context.bot_data["worker"]
    budget = budget or settings.answer_deadline
    pipeline = context.bot_data["pipeline"]
    # Queued behind other questions, its question vector can be computed in their embedding call (a
    # stand-in pipeline with only `ask` and `index`, as some tests use, is not announced).
    expect = getattr(pipeline, "expect", None)
    ticket = expect(text, history) if expect is not None else None
    deadline = time.monotonic() + budget
    future = worker.submit(_ask_within, pipeline.ask, ticket, text, history, deadline, budget, **options)
    try:
        return await asyncio.wait_for(asyncio.wrap_future(future), budget)
    except TimeoutError:
        raise NotResponding(f"no answer within ANSWER_DEADLINE={budget:g} s") from None
    except httpx.TransportError as exc:  # the Chroma server timed out, or is down
        raise NotResponding(f"the search service failed: {type(exc).__name__}") from exc


async def answer_question(message: Message, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """Runs `text` through the pipeline with the chat's history, remembers the question (as answered: cut
    to MAX_QUESTION_CHARS) and what the answer cites, and replies with the answer (the last step, so that
    the update is marked done right after it: bot/telegram/updates.py)."""
    settings: Settings = context.bot_data["settings"]
    chat_id = message.chat_id
    limit = settings.max_question_chars
    history = [h[:limit] for h in await stored(context, "history", [], chat_id)]
    try:
        async with _progress(message, context, text[:limit]) as on_units:
            options = {} if on_units is None else {"on_units": on_units}
            answer = await ask_pipeline(context, text, history, **options)
    except BadQuestion as exc:
        await message.reply_text(exc.message)
        return
    except NotResponding as exc:
        logger.warning("chat %d: %s", chat_id, exc)
        await message.reply_text(say("not_responding", detect_language(text[:limit])))
        return
    question = clean_question(text, limit, history).text
    answer_id = uuid.uuid4().hex[:16]
    await stored(context, "record_answer", None, answer_id, question, answer.citations, chat_id)
    await stored(context, "remember", None, chat_id, question)
    share = question if context.bot.supports_inline_queries else None  # ↗ Share needs inline mode
    parts = render_telegram(answer)
    keyboard = answer_keyboard(answer, answer_id, share)
    sending = asyncio.ensure_future(_send(message, parts, keyboard))
    try:
        await asyncio.shield(sending)
    except asyncio.CancelledError:
        # A stop's drain ran out while the answer was going out: finish sending it, so that the update is
        # marked done and not answered a second time after the restart.
        await sending


async def _send(message: Message, parts: list[str], keyboard: InlineKeyboardMarkup) -> None:
    """The answer's messages in order, the buttons under the last."""
    for i, part in enumerate(parts):
        await message.reply_html(part, reply_markup=keyboard if i == len(parts) - 1 else None)


@contextlib.asynccontextmanager
async def _progress(message: Message, context: ContextTypes.DEFAULT_TYPE, text: str
                    ) -> AsyncIterator[Callable[[list[str]], None] | None]:
    """Drafts in a private chat when a language model answers (yields their `on_units`); else "typing…".
    The drafts speak the question's language (detected off the event loop: it may build a detector)."""
    pipeline = context.bot_data["pipeline"]
    if message.chat.type != ChatType.PRIVATE or getattr(pipeline, "generator", None) is None:
        async with keep_typing(context.bot, message.chat_id):
            yield None
        return
    index = pipeline.index
    lang: Lang = await asyncio.to_thread(detect_language, text)
    document = index.english if lang == "en" and index.english is not None else index.document
    async with drafting(context.bot, message.chat_id, lang, document) as progress:
        yield progress.units_found
