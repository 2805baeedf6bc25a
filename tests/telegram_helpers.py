"""What the Telegram tests share: the token, and the application run as `run_polling` runs it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram.ext import Application

from bot.settings import Settings
from bot.state.sqlite import SqliteState
from bot.telegram.app import build_application
from tests.botapi_server import BotApiServer, BotMessage

TOKEN = "123456789:AAHresobot-TEST_token-0123456789abcdef"
CHAT = 4242
GROUP = -1001234
WAIT = 20.0
BOKAYEV_FR = "Que demande le Parlement pour Maks Bokayev ?"  # answered by § 4 alone


@asynccontextmanager
async def running(settings: Settings, pipeline: object) -> AsyncIterator[Application]:
    """The application as `run_polling` runs it: post_init, polling, then shutdown and post_shutdown."""
    application = build_application(settings, pipeline)  # type: ignore[arg-type]
    async with application:
        await application.post_init(application)  # type: ignore[misc]
        await application.start()
        await application.updater.start_polling(poll_interval=0, timeout=1)
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()
    await application.post_shutdown(application)  # type: ignore[misc]


async def ask(server: BotApiServer, text: str, chat_id: int = CHAT, count: int = 1, **kw: object
              ) -> list[BotMessage]:
    """A user sends `text`; the bot's next `count` messages in the chat."""
    sent = server.send_text(chat_id, text, **kw)  # type: ignore[arg-type]
    return await server.wait_for_messages(chat_id, count, after_message_id=sent["message_id"], timeout=WAIT)


def feedback(settings: Settings) -> list[dict[str, object]]:
    state = SqliteState(settings.state_path)
    try:
        return state.feedback()
    finally:
        state.close()
