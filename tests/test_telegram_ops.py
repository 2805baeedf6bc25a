"""The bot under a misbehaving Bot API: 5xx answers are retried, Telegram's refusals are not, and the
token never reaches the logs."""

from __future__ import annotations

import asyncio
import logging
import time
from types import SimpleNamespace

import pytest
from telegram.ext import Application

from bot.answers.models import Answer
from bot.pipeline import Pipeline
from bot.settings import Settings
from bot.telegram.redact import hide_in_logs
from tests.botapi_server import BotApiServer
from tests.telegram_helpers import BOKAYEV_FR, CHAT, TOKEN, WAIT, ask, running


@pytest.mark.parametrize("status", [502, 500])
async def test_server_errors_are_retried_and_the_reply_still_arrives(server: BotApiServer, app: Application,
                                                                     status: int) -> None:
    server.fail_next("sendMessage", status)
    (reply,) = await ask(server, BOKAYEV_FR)
    assert "(§ 4)" in reply.text
    first, second = server.calls("sendMessage")
    assert first.error in ("Bad Gateway", "Internal Server Error") and second.error is None


async def test_repeated_server_errors_are_retried_up_to_three_times(server: BotApiServer,
                                                                    app: Application) -> None:
    server.fail_next("sendMessage", 502, times=2)
    (reply,) = await ask(server, BOKAYEV_FR)
    assert "(§ 4)" in reply.text
    assert [c.error for c in server.calls("sendMessage")] == ["Bad Gateway", "Bad Gateway", None]


async def test_bad_request_is_not_retried(server: BotApiServer, app: Application) -> None:
    server.fail_next("sendMessage", 400, description="Bad Request: chat not found")
    (reply,) = await ask(server, BOKAYEV_FR, language_code="fr")
    answer, error = server.calls("sendMessage")  # the answer once, then the error handler's message
    assert answer.error == "Bad Request: chat not found" and "Maks Bokayev" in answer.params["text"]
    assert reply.text == "Désolé, quelque chose s'est mal passé. Réessayez dans un instant."
    assert error.params["text"] == reply.text


async def test_blocked_user_is_not_retried(server: BotApiServer, app: Application) -> None:
    await ask(server, BOKAYEV_FR)
    server.block_chat(CHAT)
    server.send_text(CHAT, BOKAYEV_FR)
    # the typing action is refused, once: no retry, and no "something went wrong" sent into the void
    await server.wait_until(lambda: [c for c in server.calls() if c.error], timeout=WAIT, what="refusal")
    await asyncio.sleep(1.0)  # a retry, if any, would come after 0.5 s
    refused = [c for c in server.calls() if c.error]
    assert [(c.method, c.error) for c in refused] == [
        ("sendChatAction", "Forbidden: bot was blocked by the user")]
    assert len(server.calls("sendMessage")) == 1  # the answer before the block


async def test_the_token_never_appears_in_logs(server: BotApiServer, bot_settings: Settings,
                                               pipeline: Pipeline, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    calls = {"n": 0}

    def sometimes_broken(text: str, history: list[str]) -> Answer:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("index gone")
        return pipeline.ask(text, history)

    async with running(bot_settings, SimpleNamespace(index=pipeline.index, ask=sometimes_broken)):
        server.fail_next("sendMessage", 502)
        server.fail_next("sendChatAction", 429, retry_after=1)
        (reply,) = await ask(server, BOKAYEV_FR)
        server.press_button(CHAT, reply.message_id, text="👍")
        (error,) = await ask(server, "Et ensuite ?")
        server.fail_next("sendMessage", 400)
        await ask(server, "/source 4")
    assert error.text.startswith("Sorry, something went wrong")
    debug = [r for r in caplog.records if r.levelno == logging.DEBUG and r.name.startswith("telegram")]
    assert debug and any(r.exc_info for r in caplog.records)  # the logs did capture requests and errors
    assert TOKEN not in caplog.text and TOKEN.split(":")[1] not in caplog.text
    assert not [r for r in caplog.records if TOKEN.split(":")[1] in r.getMessage()]


def test_hidden_secrets_are_masked_in_messages_and_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    secret = "AAHanother-secret_0123456789abcdef"
    hide_in_logs(secret)
    logger = logging.getLogger("some.library")
    try:
        raise ConnectionError(f"cannot reach https://api.telegram.org/bot1:{secret}/getMe")
    except ConnectionError:
        logger.exception("request to %s failed", f"/bot1:{secret}/getMe")
    assert secret not in caplog.text
    assert "request to /bot1:<redacted>/getMe failed" in caplog.text
    assert "cannot reach https://api.telegram.org/bot1:<redacted>/getMe" in caplog.text


async def test_typing_stays_on_while_a_slow_model_works(server: BotApiServer, bot_settings: Settings,
                                                       pipeline: Pipeline) -> None:
    def slow(text: str, history: list[str]) -> Answer:
        time.sleep(9)  # a language model on a small CPU
        return pipeline.ask(text, history)

    async with running(bot_settings, SimpleNamespace(index=pipeline.index, ask=slow)):
        (reply,) = await ask(server, BOKAYEV_FR)
    assert "(§ 4)" in reply.text or "considérant D" in reply.text
    assert server.chat_actions(CHAT).count("typing") >= 3  # at 0 s, 4 s and 8 s
