"""Inline mode: "@bot question" in any chat offers the cited answer and the units it cites; choosing one
posts it, with buttons that open the units in the bot (deep links). An empty query offers the table of
contents. Enabled with @BotFather's /setinline.

The same rules as messages: the allow-list (bot/telegram/access.py answers outsiders with nothing from the
text), the per-user rate limit (Telegram sends a query each time the user pauses in typing: a query that
extends or shortens the user's previous one is the same question, and is not counted again), the
out-of-scope refusal (then one result that says so), questions cut
at MAX_QUESTION_CHARS. Telegram waits only seconds for an inline answer, so it is the offline one (quoted
from the text, verified by construction) even when a language model answers in private; results are
personal (is_personal) and cached by Telegram for INLINE_CACHE_TIME seconds.
"""

from __future__ import annotations

import asyncio
import html
import logging

from telegram import (
    InlineQuery,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.answers.models import Answer
from bot.pipeline import BadQuestion, clean_question
from bot.settings import Settings
from bot.telegram.access import QuestionLimit, user_language
from bot.telegram.answering import NotResponding, ask_pipeline
from bot.telegram.browse import contents_text, reading_order
from bot.telegram.keyboards import contents_keyboard, deep_link, unit_links
from bot.telegram.render import TELEGRAM_LIMIT, render_telegram
from bot.telegram.units import index_of, shown_language, unit_parts
from bot.text.labels import cite, short_cite
from bot.text.language import Lang
from bot.text.messages import say

logger = logging.getLogger(__name__)
UNIT_RESULTS = 2  # the answer, then at most this many of the units it cites
INLINE_DEADLINE = 8.0  # seconds: Telegram drops an inline query that is not answered within about 10
DESCRIPTION = 120  # characters of a result's description (the line under its title)
TYPING_USERS = 10_000  # users whose last inline query is remembered (the oldest is forgotten first)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _short(text: str, size: int = DESCRIPTION) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[:size].rsplit(" ", 1)[0] + "…"


def _article(result_id: str, title: str, description: str, message: str, **kw: object
             ) -> InlineQueryResultArticle:
    content = InputTextMessageContent(message, parse_mode=ParseMode.HTML)
    return InlineQueryResultArticle(result_id, title, content, description=description,
                                    **kw)  # type: ignore[arg-type]


def answer_results(context: ContextTypes.DEFAULT_TYPE, question: str, answer: Answer
                   ) -> list[InlineQueryResultArticle]:
    """The cited answer (under the question, so that it reads in a group), then the units it cites; a
    refusal alone."""
    lang, username = answer.language, context.bot.username or ""
    header = f"❓ <i>{html.escape(question, quote=False)}</i>\n\n"
    parts = render_telegram(answer, limit=TELEGRAM_LIMIT - 2 * len(header) - 4)  # UTF-16 units
    body = header + parts[0] + ("\n…" if len(parts) > 1 else "")
    description = _short(answer.text)
    if answer.refused or not answer.citations:
        return [_article("refused", say("inline_refused_title", lang), description, body)]
    cites = ", ".join(cite(u, lang) for u in answer.citations)
    results = [_article("answer", say("inline_answer_title", lang, cites=cites), description, body,
                        reply_markup=unit_links(username, answer.citations, lang))]
    index = index_of(context)
    for unit_id in answer.citations[:UNIT_RESULTS]:
        shown = shown_language(index, lang)
        title = say("inline_unit_title", lang, label=_capital(cite(unit_id, lang)))
        results.append(_article(f"unit-{unit_id}", title, _short(index.text_of(unit_id, shown)),
                                unit_parts(index, unit_id, lang, shown)[0],
                                reply_markup=unit_links(username, [unit_id], lang)))
    return results


def contents_result(context: ContextTypes.DEFAULT_TYPE, lang: Lang) -> InlineQueryResultArticle:
    """The table of contents, each button a link that opens the unit in the bot."""
    document, username = index_of(context).document, context.bot.username or ""
    keyboard = contents_keyboard(reading_order(document), lambda u: short_cite(u, lang),
                                 lambda u: {"url": deep_link(username, u)})
    title = say("inline_contents_title", lang, procedure=document.procedure)
    return _article("contents", title, say("inline_contents_description", lang),
                    contents_text(document, lang), reply_markup=keyboard)


def new_question(context: ContextTypes.DEFAULT_TYPE, user_id: int, text: str) -> bool:
    """False when `text` extends or shortens the user's previous inline query: they are still typing it."""
    last: dict[int, str] = context.bot_data.setdefault("inline_last", {})
    previous = last.pop(user_id, None)
    last[user_id] = text
    if len(last) > TYPING_USERS:
        del last[next(iter(last))]
    return previous is None or not (text.startswith(previous) or previous.startswith(text))


async def _nothing(query: InlineQuery, why: str) -> None:
    """No result, and a line above the (empty) list that says why; it opens the bot's help."""
    await query.answer([], cache_time=0, is_personal=True,
                       button=InlineQueryResultsButton(why, start_parameter="help"))


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answers "@bot question" (the allow-list has been checked already: bot/telegram/access.py)."""
    query = update.inline_query
    settings: Settings = context.bot_data["settings"]
    lang = user_language(update)
    text = query.query.strip()
    if not text:
        await query.answer([contents_result(context, lang)], cache_time=settings.inline_cache_time,
                           is_personal=True)
        return
    limit: QuestionLimit = context.bot_data["limit"]
    if new_question(context, query.from_user.id, text) and not limit.allow(query.from_user.id):
        await _nothing(query, say("inline_slow_down", lang))
        return
    try:
        answer = await ask_pipeline(context, text, [], budget=min(INLINE_DEADLINE, settings.answer_deadline),
                                    generate=False)
    except BadQuestion:  # only markup, no text: nothing to answer yet
        await query.answer([], cache_time=0, is_personal=True)
        return
    except NotResponding as exc:
        logger.warning("inline query: %s", exc)
        await _nothing(query, say("inline_not_responding", lang))
        return
    # as answered: cut, markup dropped (off the event loop: reading its language may build a detector)
    question = (await asyncio.to_thread(clean_question, text, settings.max_question_chars)).text
    await query.answer(answer_results(context, question, answer), cache_time=settings.inline_cache_time,
                       is_personal=True)
