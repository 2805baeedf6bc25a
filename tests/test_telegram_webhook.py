"""Webhook mode: Telegram is told the URL and the secret, and only requests carrying the secret are served."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator

import httpx
import pytest
from click.testing import CliRunner
from pydantic import SecretStr
from telegram.ext import Application

from bot import cli as cli_module
from bot.pipeline import Pipeline
from bot.settings import Settings
from bot.telegram.app import build_application
from bot.telegram.webhook import WebhookError, webhook_config
from tests.botapi_server import BotApiServer
from tests.telegram_helpers import BOKAYEV_FR, CHAT, TOKEN, WAIT

SECRET = "s3cret_-Token"
URL = "https://bot.example.org/resobot/hook"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def webhook_app(bot_settings: Settings, pipeline: Pipeline) -> AsyncIterator[tuple[Application, str]]:
    """The bot in webhook mode on 127.0.0.1, as `run_webhook` runs it; yields it and its local URL."""
    settings = bot_settings.model_copy(update={
        "telegram_webhook_secret": SecretStr(SECRET), "telegram_webhook_listen": "127.0.0.1",
        "telegram_webhook_port": free_port()})
    webhook = webhook_config(settings, URL)
    application = build_application(settings, pipeline)
    async with application:
        await application.post_init(application)  # type: ignore[misc]
        await application.start()
        await application.updater.start_webhook(**webhook.kwargs())
        try:
            yield application, f"http://127.0.0.1:{webhook.port}/{webhook.url_path}"
        finally:
            await application.updater.stop()
            await application.stop()
    await application.post_shutdown(application)  # type: ignore[misc]


async def test_webhook_is_registered_with_its_secret_and_answers_only_requests_that_carry_it(
    server: BotApiServer, webhook_app: tuple[Application, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _, local_url = webhook_app
    assert server.webhook["url"] == URL and server.webhook["secret_token"] == SECRET
    server.send_text(CHAT, BOKAYEV_FR)  # the user writes; Telegram would now POST this update to us
    update = server.pending_updates()[-1]
    async with httpx.AsyncClient() as client:
        wrong = await client.post(local_url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"})
        missing = await client.post(local_url, json=update)
        assert (wrong.status_code, missing.status_code) == (403, 403)
        assert server.calls("sendMessage") == []
        right = await client.post(local_url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
    assert right.status_code == 200
    (reply,) = await server.wait_for_messages(CHAT, timeout=WAIT)
    assert "(§ 4)" in reply.text
    assert len(server.calls("sendMessage")) == 1
    assert TOKEN not in caplog.text and TOKEN.split(":")[1] not in caplog.text


@pytest.mark.parametrize(
    ("url", "secret", "why"),
    [(URL, None, "TELEGRAM_WEBHOOK_SECRET is not set"), (URL, "", "TELEGRAM_WEBHOOK_SECRET is not set"),
     (URL, "has space", "TELEGRAM_WEBHOOK_SECRET is invalid"), (URL, "é", "is invalid"),
     (URL, "x" * 257, "is invalid"), ("http://bot.example.org/hook", SECRET, "must be a public https://"),
     ("bot.example.org", SECRET, "must be a public https://")],
)
def test_webhook_needs_an_https_url_and_a_valid_secret(url: str, secret: str | None, why: str) -> None:
    with pytest.raises(WebhookError, match=why):
        webhook_config(Settings(telegram_webhook_secret=secret), url)


def test_webhook_path_is_the_urls_path_and_defaults_apply() -> None:
    webhook = webhook_config(Settings(telegram_webhook_url=URL, telegram_webhook_secret="x" * 256))
    assert webhook.kwargs() == {"listen": "0.0.0.0", "port": 8443, "url_path": "resobot/hook",
                                "webhook_url": URL, "secret_token": "x" * 256}


def test_telegram_command_with_a_webhook_but_no_secret_fails_clearly(
    server: BotApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_BASE_URL", server.base_url)
    monkeypatch.delenv("TELEGRAM_WEBHOOK_SECRET", raising=False)
    result = CliRunner().invoke(cli_module.cli, ["telegram", "--webhook-url", URL])
    assert result.exit_code == 1
    assert "Error: TELEGRAM_WEBHOOK_SECRET is not set" in result.output
    assert server.calls() == []


async def test_a_webhook_update_is_recorded_in_the_inbox_and_one_posted_again_is_answered_once(
    server: BotApiServer, webhook_app: tuple[Application, str]
) -> None:
    application, local_url = webhook_app
    server.send_text(CHAT, BOKAYEV_FR)
    update = server.pending_updates()[-1]
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with httpx.AsyncClient() as client:
        first = await client.post(local_url, json=update, headers=headers)
        await server.wait_for_messages(CHAT, timeout=WAIT)
        again = await client.post(local_url, json=update, headers=headers)  # Telegram retrying
    assert (first.status_code, again.status_code) == (200, 200)
    await asyncio.sleep(1.0)  # a second answer, if any, would arrive now
    assert len(server.messages(CHAT)) == 1
    state = application.bot_data["state"]
    assert state.receive([(update["update_id"], "{}")]) == set()  # it is in the inbox
    assert state.pending(max_age=600) == ([], 0)  # and done
