"""resobot on Telegram: flat handlers that do the Telegram I/O and call the shared pipeline.

Example usage: TELEGRAM_BOT_TOKEN=123456:ABC… resobot telegram [--webhook-url https://…]

The handlers: commands and messages (commands.py), the table of contents and browsing (browse.py), units
and their language switch (units.py), inline mode (inline.py); buttons are dispatched here.
Around the handlers: the allow-list and question limit (access.py), retries of Bot API calls
(flood.py), chats served concurrently but each in order and the inbox closed (updates.py), the Bot API
client that records the inbox and skips unparsable updates (client.py), answers within a deadline on a
worker pool, with drafts in private chats when a model answers (answering.py, drafts.py), webhook
settings (webhook.py), the index check at start (bot/startup.py), secrets kept out of logs (redact.py),
the polling loop with its bounded stop (serve.py).
"""

from __future__ import annotations

import json
import logging
import os
import re
from concurrent.futures import ThreadPoolExecutor

from telegram import Message, Update
from telegram.error import Forbidden
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.answers.llm import make_chat_model
from bot.answers.scope import topic_question, topics
from bot.pipeline import Pipeline
from bot.settings import Settings
from bot.startup import open_pipeline
from bot.state.base import redact_url
from bot.state.factory import open_state
from bot.telegram import browse, commands
from bot.telegram.access import QuestionLimit, guard, user_language
from bot.telegram.answering import answer_question, stored
from bot.telegram.client import ResobotBot
from bot.telegram.flood import RetryingRateLimiter
from bot.telegram.inline import inline_query
from bot.telegram.redact import hide_in_logs
from bot.telegram.units import send_unit, switch_language
from bot.telegram.updates import ChatOrderedProcessor
from bot.text.messages import say

logger = logging.getLogger(__name__)

TOKEN_PATTERN = re.compile(r"^\d+:[A-Za-z0-9_-]{30,}$")
# Media that cannot hold a question: they get the polite "text questions only".
_MEDIA = filters.PHOTO | filters.Sticker.ALL | filters.VOICE | filters.AUDIO | filters.Document.ALL
_MEDIA = _MEDIA | filters.LOCATION | filters.VIDEO | filters.VIDEO_NOTE
# New messages only: an edited question is deliberately ignored, because answering it again would post
# a second answer far below the edited message (and re-run the history); the user can simply ask again.
_NEW = filters.UpdateType.MESSAGE


class TokenError(ValueError):
    """TELEGRAM_BOT_TOKEN is missing or is not shaped like a BotFather token."""


def check_token(settings: Settings) -> str:
    """The bot token, checked before any network call."""
    if settings.telegram_bot_token is None or not settings.telegram_bot_token.get_secret_value().strip():
        raise TokenError("TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather (/newbot) and set it.")
    token = settings.telegram_bot_token.get_secret_value().strip()
    if not TOKEN_PATTERN.match(token):
        raise TokenError(
            "TELEGRAM_BOT_TOKEN is malformed: expected digits, a colon and 30+ letters, digits, '_' or '-' "
            "(as given by @BotFather), e.g. 123456789:AAH…"
        )
    return token


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Parses the CallbackQuery: u:<lang>:<unit id> opens a unit, t:… switches its language (edit in place),
    q:<lang>:<unit id> asks about its subject, v:<up|down>:<answer id> records a vote, c:… and b:… browse
    the contents (bot/telegram/browse.py)."""
    query = update.callback_query
    kind, _, rest = (query.data or "").partition(":")
    if kind == "v":  # counted only if 👍 / 👎 on an answer sent to this chat; the user's last vote counts
        vote, _, answer_id = rest.partition(":")
        chat_id = query.message.chat.id if query.message is not None else None
        counted = chat_id is not None and await stored(
            context, "vote", False, answer_id, vote, query.from_user.id, chat_id)
        await query.answer(say("vote_thanks" if counted else "vote_not_counted", user_language(update)))
        return
    # CallbackQueries need to be answered, even if no notification to the user is needed.
    await query.answer()
    if kind == "t":
        await switch_language(query, context, rest)
        return
    if kind in ("c", "b"):
        await browse.on_button(query, context, kind, rest)
        return
    lang, _, unit_id = rest.partition(":")
    if lang not in ("fr", "en") or not isinstance(query.message, Message):
        return
    if kind == "u":
        await send_unit(query.message, context, unit_id, lang)  # type: ignore[arg-type]
    elif kind == "q" and unit_id in topics():  # a nearby subject offered after a refusal: ask about it
        limit: QuestionLimit = context.bot_data["limit"]
        if not limit.allow(query.from_user.id):
            await query.message.reply_text(say("slow_down", lang, n=limit.per_minute))
            return
        await answer_question(query.message, context, topic_question(unit_id, lang))  # type: ignore[arg-type]


async def error_handler(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Logs the error and tells the user that something went wrong."""
    logger.error("Exception while handling an update:", exc_info=context.error)
    if isinstance(context.error, Forbidden):  # blocked by the user, or removed from the group
        return
    if isinstance(update, Update) and update.effective_chat:
        await context.bot.send_message(update.effective_chat.id, say("error", user_language(update)))


async def post_init(application: Application) -> None:
    """Sets the command menu in French (also the default) and in English, and queues the updates that a
    stopped or killed bot received but did not answer (the inbox), each once."""
    await commands.set_menu(application.bot)
    settings: Settings = application.bot_data["settings"]
    try:
        payloads, stale = application.bot_data["state"].pending(settings.inbox_max_age)
    except Exception:
        logger.exception("cannot read the inbox: questions left unanswered at the last stop are lost")
        return
    if stale:
        logger.warning("dropped %d unanswered updates older than INBOX_MAX_AGE", stale)
    if payloads:
        logger.warning("answering %d updates left unanswered at the last stop", len(payloads))
    processor: ChatOrderedProcessor = application.update_processor  # type: ignore[assignment]
    for payload in payloads:
        update = Update.de_json(json.loads(payload), application.bot)
        processor.recorded.add(update.update_id)  # in the inbox already: handle it, once
        await application.update_queue.put(update)


async def post_shutdown(application: Application) -> None:
    # A thread held by a hung dependency is not waited for: it ends at its own timeout.
    application.bot_data["worker"].shutdown(wait=False, cancel_futures=True)
    application.bot_data["state"].close()


def workers(settings: Settings) -> int:
    """Questions worked on at once: PIPELINE_WORKERS, or one per core."""
    return settings.pipeline_workers or os.cpu_count() or 1


def build_application(settings: Settings, pipeline: Pipeline | None = None) -> Application:
    """The bot, wired and ready to poll or serve a webhook; the token is checked first (TokenError), before
    any network call. Without `pipeline`, the index is opened (built, or rebuilt if corrupt: StoreError)."""
    token = check_token(settings)
    hide_in_logs(token)  # PTB logs its URLs (with the token) at DEBUG
    hide_in_logs(token.split(":", 1)[1])
    for secret in (settings.llm_api_key, settings.telegram_webhook_secret):
        if secret is not None:
            hide_in_logs(secret.get_secret_value())
    if settings.state_url != redact_url(settings.state_url):  # a PostgreSQL password
        hide_in_logs(settings.state_url)
    for name in ("httpx", "httpcore"):  # every request URL carries the token: do not even log them
        logging.getLogger(name).setLevel(logging.WARNING)
    state = open_state(settings.state_url)
    recorded: set[int] = set()  # updates the client put in the inbox, for the processor
    bot = ResobotBot(
        token,
        base_url=settings.telegram_base_url or "https://api.telegram.org/bot",
        request=HTTPXRequest(connection_pool_size=256),
        get_updates_request=HTTPXRequest(),
        rate_limiter=RetryingRateLimiter(max_retries=3),
        state=state,
        recorded=recorded,
    )
    builder = (
        Application.builder()
        .bot(bot)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .concurrent_updates(ChatOrderedProcessor(state=state, recorded=recorded))
    )
    application = builder.build()
    application.bot_data["settings"] = settings
    if pipeline is None:
        pipeline = open_pipeline(settings, llm=make_chat_model(settings))
        pipeline.answerer.warm_up()  # a long-running bot pays its first-question costs at start
    application.bot_data["pipeline"] = pipeline
    application.bot_data["state"] = state
    application.bot_data["worker"] = ThreadPoolExecutor(workers(settings), thread_name_prefix="pipeline")
    application.bot_data["allowed_ids"] = settings.allowed_ids
    application.bot_data["limit"] = QuestionLimit(settings.rate_limit_per_minute)

    application.add_handler(TypeHandler(Update, guard), group=-1)  # the allow-list, before any handler
    application.add_handler(CommandHandler(["start", "help"], commands.start, filters=_NEW))
    application.add_handler(CommandHandler("browse", browse.browse, filters=_NEW))
    application.add_handler(CommandHandler("source", commands.source, filters=_NEW))
    application.add_handler(CommandHandler("reset", commands.reset, filters=_NEW))
    application.add_handler(MessageHandler(_NEW & filters.COMMAND, commands.unknown_command))
    application.add_handler(MessageHandler(_NEW & filters.TEXT & ~filters.COMMAND, commands.question))
    application.add_handler(MessageHandler(_NEW & _MEDIA, commands.media))
    application.add_handler(CallbackQueryHandler(button))
    application.add_handler(InlineQueryHandler(inline_query))
    application.add_error_handler(error_handler)
    return application
