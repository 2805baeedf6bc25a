"""Keep Telegram's "typing…" shown while an answer is being made: Telegram clears it after ~5 s, and a
language model can take much longer."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from telegram import Bot
from telegram.constants import ChatAction
from telegram.error import Forbidden, TelegramError

logger = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def keep_typing(bot: Bot, chat_id: int, every: float = 4.0) -> AsyncIterator[None]:
    """Send "typing" now (a refusal, e.g. a user who blocked the bot, is raised: no answer is worth
    making then; any other failure is harmless), and again every `every` seconds until the block ends."""
    try:
        await bot.send_chat_action(chat_id, ChatAction.TYPING)
    except Forbidden:
        raise
    except TelegramError as exc:
        logger.debug("chat action failed: %s", exc)

    async def repeat() -> None:
        while True:
            await asyncio.sleep(every)
            try:
                await bot.send_chat_action(chat_id, ChatAction.TYPING)
            except TelegramError as exc:  # a lost "typing" is harmless; the answer still goes out
                logger.debug("chat action failed: %s", exc)

    task = asyncio.create_task(repeat())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
