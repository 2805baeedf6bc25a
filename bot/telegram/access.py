"""Who may talk to the bot, and how often: the allow-list (ALLOWED_IDS), the per-user question limit
(RATE_LIMIT_PER_MINUTE), and whether a group message is meant for us at all."""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Callable

from telegram import InlineQueryResultsButton, Message, MessageEntity, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.text.language import Lang
from bot.text.messages import say

WINDOW = 60.0  # seconds: RATE_LIMIT_PER_MINUTE counts the questions of the last minute


def user_language(update: Update) -> Lang:
    user = update.effective_user
    return "en" if user and (user.language_code or "").lower().startswith("en") else "fr"


def addressed_text(message: Message, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The question in a message meant for us; None in a group where we are not mentioned or replied to."""
    text = message.text or ""
    if message.chat.type == ChatType.PRIVATE:
        return text
    replied = message.reply_to_message
    if replied and replied.from_user and replied.from_user.id == context.bot.id:
        return text
    ours = f"@{context.bot.username}".lower()
    mentions = [m for m in message.parse_entities([MessageEntity.MENTION]).values() if m.lower() == ours]
    if not mentions:
        return None
    return re.sub(re.escape(ours), " ", text, flags=re.I).strip()


def _command_for_us(message: Message, context: ContextTypes.DEFAULT_TYPE) -> bool:
    commands = list(message.parse_entities([MessageEntity.BOT_COMMAND]).values())
    if not commands or not (message.text or "").startswith(commands[0]):
        return False
    _, _, bot = commands[0].partition("@")
    return not bot or bot.lower() == (context.bot.username or "").lower()


class QuestionLimit:
    """At most `per_minute` questions per user in any sliding minute, counted in memory; 0 = no limit.
    Only answered questions count, so a user who keeps asking while limited is not locked out forever."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._asked: dict[int, deque[float]] = {}

    def allow(self, user_id: int) -> bool:
        """True (and the question counted) if the user may ask now."""
        if self.per_minute <= 0:
            return True
        now = self._clock()
        if len(self._asked) > 10_000:  # forget users idle for a minute, so memory stays bounded
            self._asked = {u: q for u, q in self._asked.items() if q and q[-1] > now - WINDOW}
        asked = self._asked.setdefault(user_id, deque())
        while asked and asked[0] <= now - WINDOW:
            asked.popleft()
        if len(asked) >= self.per_minute:
            return False
        asked.append(now)
        return True


def allowed(update: Update, allowed_ids: frozenset[int]) -> bool:
    """Everyone when the allow-list is empty; else the user's id or the chat's id must be on it."""
    if not allowed_ids:
        return True
    ids = {update.effective_user.id if update.effective_user else None,
           update.effective_chat.id if update.effective_chat else None}
    return bool(ids & allowed_ids)


async def guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before every handler: an update from outside the allow-list gets a refusal, and stops here."""
    if not isinstance(update, Update) or allowed(update, context.bot_data["allowed_ids"]):
        return
    refusal = say("not_allowed", user_language(update))
    if update.callback_query:
        # CallbackQueries need to be answered, even when the answer is no.
        await update.callback_query.answer(refusal, show_alert=True)
    elif update.inline_query:  # no result (nothing from the text), and a line that says why
        why = say("inline_not_allowed", user_language(update))
        button = InlineQueryResultsButton(why, start_parameter="help")
        await update.inline_query.answer([], cache_time=0, is_personal=True, button=button)
    elif update.message and (
        addressed_text(update.message, context) is not None or _command_for_us(update.message, context)
    ):
        await update.message.reply_text(refusal)  # in a group, only when we were addressed
    raise ApplicationHandlerStop
