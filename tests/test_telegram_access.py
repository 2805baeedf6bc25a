"""Who may use the bot and how often: the per-user question limit and the allow-list, end to end."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from bot.answers.models import Answer
from bot.pipeline import Pipeline
from bot.settings import Settings
from bot.telegram.access import QuestionLimit
from tests.botapi_server import BotApiServer
from tests.telegram_helpers import BOKAYEV_FR, CHAT, GROUP, ask, running

STRANGER = 666


def quick(pipeline: Pipeline) -> SimpleNamespace:
    """A pipeline that answers at once, so that many questions take no time."""
    answer = Answer("Voici ce que dit la résolution :\n\n« … » (§ 4)", "fr", ["paragraph-4"], False)
    return SimpleNamespace(index=pipeline.index, ask=lambda text, history: answer)


@pytest.mark.parametrize(("language_code", "slow_down"), [
    ("fr", "Vous posez beaucoup de questions : au plus 10"),
    ("en", "You are asking a lot of questions: at most 10"),
])
async def test_eleventh_question_within_a_minute_gets_slow_down_and_no_answer(
    server: BotApiServer, bot_settings: Settings, pipeline: Pipeline, language_code: str, slow_down: str
) -> None:
    async with running(bot_settings, quick(pipeline)):
        for _ in range(10):
            (reply,) = await ask(server, BOKAYEV_FR, language_code=language_code)
            assert reply.text.startswith("Voici")
        (limited,) = await ask(server, BOKAYEV_FR, language_code=language_code)
        (other,) = await ask(server, BOKAYEV_FR, chat_id=CHAT + 1)  # another user is not limited
    assert limited.text.startswith(slow_down) and limited.buttons == []
    assert other.text.startswith("Voici")


async def test_rate_limit_zero_means_no_limit(server: BotApiServer, bot_settings: Settings,
                                              pipeline: Pipeline) -> None:
    settings = bot_settings.model_copy(update={"rate_limit_per_minute": 0})
    async with running(settings, quick(pipeline)):
        for _ in range(12):
            (reply,) = await ask(server, BOKAYEV_FR)
            assert reply.text.startswith("Voici")


def test_question_limit_is_a_sliding_minute_per_user() -> None:
    now = [0.0]
    limit = QuestionLimit(2, clock=lambda: now[0])
    assert [limit.allow(1), limit.allow(1), limit.allow(1), limit.allow(2)] == [True, True, False, True]
    now[0] = 30.0
    assert not limit.allow(1)  # refused questions do not count, but the first two are still in the minute
    now[0] = 60.5
    assert [limit.allow(1), limit.allow(1), limit.allow(1)] == [True, True, False]


def test_allowed_ids_are_read_from_a_comma_separated_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLOWED_IDS", " 4242, -1001234;77 ")
    assert Settings().allowed_ids == {4242, -1001234, 77}
    monkeypatch.setenv("ALLOWED_IDS", "")
    assert Settings().allowed_ids == frozenset()
    monkeypatch.setenv("ALLOWED_IDS", "4242,alice")
    with pytest.raises(ValueError, match="ALLOWED_IDS must be Telegram user or chat ids"):
        Settings()


async def test_user_outside_the_allow_list_is_refused_and_gets_nothing_from_the_document(
    server: BotApiServer, bot_settings: Settings, pipeline: Pipeline
) -> None:
    async with running(bot_settings, pipeline):  # before the allow-list: an answer with buttons
        (answer,) = await ask(server, BOKAYEV_FR, STRANGER, language_code="fr")
    settings = bot_settings.model_copy(update={"allowed_ids": frozenset({CHAT})})
    async with running(settings, pipeline):
        replies = [(await ask(server, text, STRANGER, language_code=lang))[0].text
                   for text, lang in [(BOKAYEV_FR, "fr"), ("/source 6", "en"), ("/start", "fr")]]
        server.press_button(STRANGER, answer.message_id, "u:fr:paragraph-4")
        await server.wait_until(lambda: server.callback_answers(STRANGER), what="the button's answer")
        (allowed,) = await ask(server, BOKAYEV_FR, CHAT)
        await asyncio.sleep(0.3)  # time for a unit to be sent, if it were
    assert replies == [
        "Désolé, ce bot est réservé à certains utilisateurs : je ne peux pas vous répondre.",
        "Sorry, this bot is restricted to certain users: I cannot answer you.",
        "Désolé, ce bot est réservé à certains utilisateurs : je ne peux pas vous répondre.",
    ]
    (refusal,) = server.callback_answers(STRANGER)
    assert refusal["text"].startswith("Sorry, this bot is restricted") and refusal["show_alert"]
    assert len(server.messages(STRANGER)) == 4  # the old answer and the three refusals: no unit
    assert "(§ 4)" in allowed.text


async def test_allowed_chat_id_lets_everyone_in_that_group_ask(server: BotApiServer, bot_settings: Settings,
                                                               pipeline: Pipeline) -> None:
    settings = bot_settings.model_copy(update={"allowed_ids": frozenset({GROUP})})
    group = {"chat_type": "supergroup", "user_id": 77}
    other_group = {"chat_type": "supergroup", "user_id": 78}
    async with running(settings, pipeline):
        (reply,) = await ask(server, f"@resobot_test_bot {BOKAYEV_FR}", GROUP, **group)
        server.send_text(GROUP - 1, BOKAYEV_FR, **other_group)  # type: ignore[arg-type]  # not addressed
        (refusal,) = await ask(server, f"@resobot_test_bot {BOKAYEV_FR}", GROUP - 1, **other_group)
    assert "(§ 4)" in reply.text
    assert refusal.text.startswith("Sorry, this bot is restricted")
    assert len(server.messages(GROUP - 1)) == 1  # the plain group message got no refusal
