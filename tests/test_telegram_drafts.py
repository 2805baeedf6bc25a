"""Progress while a language model answers, end to end: the real PTB application polls the fake Bot API
server, and the model is a local OpenAI-compatible server (tests/model_server.py) whose claims go
through the real verification. A private chat sees drafts (searching, then the units found), then one
final message, the verified answer; a group sees "typing…"."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from bot.answers.llm import make_chat_model
from bot.pipeline import Pipeline
from bot.settings import Settings
from tests.botapi_server import BotApiServer
from tests.model_server import QuotingModelServer
from tests.telegram_helpers import CHAT, GROUP, ask, running

TRADE_UNIONS = "Que dit la résolution sur les syndicats ?"
# A quote that is not the resolution's words: the verification drops the claim.
FALSE_CLAIM = "Le Parlement écrit que « les syndicats sont entièrement libres au Kazakhstan »."


@pytest.fixture
def model() -> Iterator[QuotingModelServer]:
    server = QuotingModelServer(delay=1.0)
    yield server
    server.stop()


def with_model(settings: Settings, pipeline: Pipeline, model: QuotingModelServer
               ) -> tuple[Settings, Pipeline]:
    settings = settings.model_copy(update={"llm_model": "openai:quoting", "llm_base_url": model.base_url,
                                           "llm_timeout": 15.0})
    return settings, Pipeline(settings, index=pipeline.index, llm=make_chat_model(settings))


def sent(server: BotApiServer) -> list[str]:
    return [c.method for c in server.calls() if c.method in ("sendMessageDraft", "sendMessage")]


async def test_private_question_in_llm_mode_shows_drafts_then_one_final_verified_answer(
        server: BotApiServer, bot_settings: Settings, pipeline: Pipeline, model: QuotingModelServer) -> None:
    settings, answering = with_model(bot_settings, pipeline, model)
    async with running(settings, answering):
        (reply,) = await ask(server, TRADE_UNIONS, language_code="fr")
        await asyncio.sleep(0.5)  # nothing comes after the answer
    drafts = server.drafts(CHAT)
    assert [d["text"].split("\n")[0] for d in drafts] == [
        "🔎 Je cherche dans la résolution…", "📖 Passages trouvés :"]
    assert len({d["draft_id"] for d in drafts}) == 1 and drafts[0]["draft_id"] != 0
    assert "§ 6 — exhorte le gouvernement du Kazakhstan" in drafts[1]["text"]
    offset = len(drafts[1]["text"].split("§ 6")[0].encode("utf-16-le")) // 2
    assert {"type": "bold", "offset": offset, "length": 3} in drafts[1]["entities"]
    assert sent(server) == ["sendMessageDraft", "sendMessageDraft", "sendMessage"]
    assert server.messages(CHAT) == [reply]  # one final message
    assert reply.text.startswith("exhorte le gouvernement du Kazakhstan à mettre fin à la répression")
    assert "(§ 6)" in reply.text and "n'a pas pu" not in reply.text  # the model's answer, verified
    assert model.requests == 1 and server.chat_actions(CHAT) == []


async def test_an_unverified_model_answer_is_never_shown_the_offline_answer_is(
        server: BotApiServer, bot_settings: Settings, pipeline: Pipeline) -> None:
    liar = QuotingModelServer(delay=0.2, claim=FALSE_CLAIM)
    try:
        settings, answering = with_model(bot_settings, pipeline, liar)
        async with running(settings, answering):
            (reply,) = await ask(server, TRADE_UNIONS, language_code="fr")
    finally:
        liar.stop()
    assert liar.requests == 1
    assert reply.text.startswith("(La réponse rédigée par le modèle n'a pas pu être vérifiée")
    assert "entièrement libres" not in reply.text
    assert not any("entièrement libres" in d["text"] for d in server.drafts(CHAT))
    assert sent(server) == ["sendMessageDraft", "sendMessageDraft", "sendMessage"]


async def test_a_group_question_in_llm_mode_keeps_the_typing_action(
        server: BotApiServer, bot_settings: Settings, pipeline: Pipeline, model: QuotingModelServer) -> None:
    settings, answering = with_model(bot_settings, pipeline, model)
    async with running(settings, answering):
        (reply,) = await ask(server, f"@resobot_test_bot {TRADE_UNIONS}", chat_id=GROUP,
                             chat_type="supergroup", user_id=7, language_code="fr")
    assert "(§ 6)" in reply.text
    assert server.drafts(GROUP) == [] and set(server.chat_actions(GROUP)) == {"typing"}
