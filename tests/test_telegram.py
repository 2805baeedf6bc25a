"""The Telegram bot end to end: the real PTB application polls a fake Bot API server over HTTP."""

from __future__ import annotations

import asyncio
import re
import threading
from types import SimpleNamespace

import pytest
from telegram.ext import Application

from bot.answers.models import Answer, Quote
from bot.pipeline import Pipeline
from bot.settings import Settings
from bot.telegram.app import TokenError, build_application
from bot.telegram.commands import source_id
from bot.telegram.render import TELEGRAM_LIMIT, render_telegram, unit_html
from bot.text.labels import cite
from tests.botapi_server import BotApiServer, BotMessage
from tests.telegram_helpers import BOKAYEV_FR, CHAT, GROUP, TOKEN, WAIT, ask, feedback, running

FOLLOW_UP = "Et à combien d'années a-t-il été condamné ?"


async def test_french_question_is_answered_with_citations_and_buttons(server: BotApiServer, app: Application
                                                                      ) -> None:
    (reply,) = await ask(server, BOKAYEV_FR, language_code="fr")
    assert reply.text.startswith("Voici ce que dit la résolution")
    assert "(§ 4)" in reply.text
    assert {"type": "bold", "offset": reply.text.index("§ 4"), "length": 3} in reply.entities
    assert reply.parse_mode == "HTML"
    assert reply.buttons == [
        {"text": "§ 4", "callback_data": "u:fr:paragraph-4"},
        {"text": "👍", "callback_data": reply.buttons[1]["callback_data"]},
        {"text": "👎", "callback_data": reply.buttons[2]["callback_data"]},
    ]
    assert re.fullmatch(r"v:up:[0-9a-f]{16}", reply.buttons[1]["callback_data"])
    assert server.chat_actions(CHAT) == ["typing"]


def shown(server: BotApiServer, message_id: int) -> BotMessage:
    """A message of the chat as it stands now (after edits)."""
    return next(m for m in server.messages(CHAT) if m.message_id == message_id)


async def test_english_question_quotes_english_and_a_unit_switches_between_languages_in_place(
    server: BotApiServer, app: Application, pipeline: Pipeline
) -> None:
    (reply,) = await ask(server, "Who is Maks Bokayev?", language_code="en")
    assert reply.text.startswith("Here is what the resolution says (unofficial English translation")
    unit_id = pipeline.ask("Who is Maks Bokayev?").citations[0]
    label = cite(unit_id, "en")
    assert f"({label})" in reply.text
    assert reply.buttons[0] == {"text": label[:1].upper() + label[1:], "callback_data": f"u:en:{unit_id}"}
    english, french = pipeline.index.text_of(unit_id, "en"), pipeline.index.text_of(unit_id, "fr")
    # the button opens the unit in English, with a switch that edits the same message to the French and back
    server.press_button(CHAT, reply.message_id, f"u:en:{unit_id}")
    (unit,) = await server.wait_for_messages(CHAT, after_message_id=reply.message_id, timeout=WAIT)
    assert unit.text.endswith(english) and "Unofficial English translation" in unit.text
    assert unit.buttons == [{"text": "🇫🇷 Original", "callback_data": f"t:en:fr:{unit_id}"}]
    server.press_button(CHAT, unit.message_id, f"t:en:fr:{unit_id}")
    await server.wait_until(lambda: shown(server, unit.message_id).text.endswith(french),
                            timeout=WAIT, what="the French original")
    edited = shown(server, unit.message_id)
    assert "translation" not in edited.text and edited.text.startswith(label[:1].upper() + label[1:])
    assert edited.buttons == [{"text": "🇬🇧 English", "callback_data": f"t:en:en:{unit_id}"}]
    server.press_button(CHAT, unit.message_id, f"t:en:en:{unit_id}")
    await server.wait_until(lambda: shown(server, unit.message_id).text.endswith(english),
                            timeout=WAIT, what="the English again")
    assert len(server.messages(CHAT)) == 2  # edited in place: no new message


async def test_unit_button_opens_the_cited_unit_and_votes_are_recorded(
    server: BotApiServer, app: Application, pipeline: Pipeline, bot_settings: Settings
) -> None:
    (reply,) = await ask(server, BOKAYEV_FR)
    server.press_button(CHAT, reply.message_id, "u:fr:paragraph-4")
    (unit,) = await server.wait_for_messages(CHAT, after_message_id=reply.message_id, timeout=WAIT)
    text = pipeline.index.document.by_id()["paragraph-4"].text
    assert unit.text == f"§ 4\n\n{text}"
    server.press_button(CHAT, reply.message_id, text="👎")
    await server.wait_until(lambda: not server.unanswered_callback_queries(), timeout=WAIT, what="answers")
    await server.wait_until(lambda: feedback(bot_settings), timeout=WAIT, what="vote")
    (vote,) = feedback(bot_settings)
    assert (vote["vote"], vote["question"], vote["citations"]) == ("down", BOKAYEV_FR, '["paragraph-4"]')
    assert len(str(vote["user_hash"])) == 64


@pytest.mark.parametrize(
    ("argument", "unit_id", "head"),
    [("6", "paragraph-6", "§ 6"), ("C", "recital-C", "Considérant C"), ("visa 3", "citation-3", "Visa 3"),
     ("note 2", "footnote-2", "Note 2")],
)
async def test_source_command_shows_the_unit(server: BotApiServer, app: Application, pipeline: Pipeline,
                                             argument: str, unit_id: str, head: str) -> None:
    (reply,) = await ask(server, f"/source {argument}", language_code="fr")
    assert reply.text == f"{head}\n\n{pipeline.index.document.by_id()[unit_id].text}"


async def test_source_command_with_a_bad_argument_shows_usage(server: BotApiServer, app: Application) -> None:
    (reply,) = await ask(server, "/source banana", language_code="en")
    assert reply.text.startswith("Usage: /source 6")
    (missing,) = await ask(server, "/source 99", language_code="en")
    assert missing.text == "The resolution has no paragraph 99 (it has 17 paragraphs)."


def test_source_arguments_name_units() -> None:
    arguments = ["6", "§ 6", "para. 6", "c", "recital F", "citation 3", "footnote 2", "?", "note"]
    assert [source_id(a) for a in arguments] == [
        "paragraph-6", "paragraph-6", "paragraph-6", "recital-C", "recital-F", "citation-3", "footnote-2",
        None, None,
    ]


async def test_follow_up_question_uses_the_chat_history(server: BotApiServer, app: Application,
                                                        pipeline: Pipeline) -> None:
    await ask(server, BOKAYEV_FR)
    (reply,) = await ask(server, FOLLOW_UP)
    expected = pipeline.ask(FOLLOW_UP, [BOKAYEV_FR])
    assert not expected.refused and expected.citations != pipeline.ask(FOLLOW_UP).citations  # history helps
    assert reply.buttons[0]["callback_data"] == f"u:fr:{expected.citations[0]}"
    (forgotten,) = await ask(server, "/reset", language_code="fr")
    assert forgotten.text.startswith("C'est oublié")
    (alone,) = await ask(server, FOLLOW_UP)
    assert alone.buttons[0]["callback_data"] != reply.buttons[0]["callback_data"]


async def test_out_of_scope_question_after_earlier_ones_is_refused_with_nearby_subjects_to_ask(
    server: BotApiServer, app: Application, pipeline: Pipeline
) -> None:
    await ask(server, BOKAYEV_FR)
    await ask(server, "Que dit la résolution sur la liberté de religion ?")
    (reply,) = await ask(server, "Que dit la résolution sur la pollution de la mer d'Aral ?")
    assert reply.text.startswith("La résolution 2019/2610(RSP) ne parle pas de « pollution »")
    nearby = [b for b in reply.buttons if b["callback_data"].startswith("q:fr:")]
    assert 2 <= len(nearby) <= 3 and not [b for b in reply.buttons if b["callback_data"].startswith("u:")]
    assert [b["text"] for b in reply.buttons][-2:] == ["👍", "👎"]
    server.press_button(CHAT, reply.message_id, nearby[0]["callback_data"])
    (asked,) = await server.wait_for_messages(CHAT, after_message_id=reply.message_id, timeout=WAIT)
    unit_id = nearby[0]["callback_data"].removeprefix("q:fr:")
    assert asked.text.startswith("Voici ce que dit la résolution")
    assert unit_id in [b["callback_data"].removeprefix("u:fr:") for b in asked.buttons]


async def test_a_fact_the_text_does_not_give_about_a_name_it_gives_is_refused_mid_chat(
    server: BotApiServer, app: Application
) -> None:
    await ask(server, BOKAYEV_FR)
    await ask(server, "Que dit la résolution sur la liberté de religion ?")
    (reply,) = await ask(server, "Quel tribunal a condamné Saken Tulbayev ?")  # recital H names no court
    assert reply.text.startswith("La résolution 2019/2610(RSP) ne donne pas cette information")
    assert not [b for b in reply.buttons if b["callback_data"].startswith("u:")]  # no quote, no unit
    (given,) = await ask(server, "De quoi Saken Tulbayev a-t-il été accusé ?")
    assert given.text.startswith("Voici ce que dit la résolution") and "(considérant H)" in given.text


def test_long_answer_is_split_into_parts_under_the_limit_without_losing_text() -> None:
    sentence = "Le Parlement <demande> la libération de M. Bokayev & de ses collègues. "
    quote = "« " + sentence * 400 + "»"
    answer = Answer(f"Voici ce que dit la résolution :\n\n{quote} (§ 4)", "fr", ["paragraph-4"], False,
                    [Quote("paragraph-4", quote)])
    parts = render_telegram(answer, "fr")
    assert len(parts) > 1
    assert all(len(p) <= TELEGRAM_LIMIT for p in parts)
    assert all(p.count("<i>") == p.count("</i>") for p in parts)
    plain = " ".join(re.sub(r"</?[ib]>", "", p) for p in parts)
    plain = plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert plain.split() == answer.text.split()


def test_a_single_huge_word_is_cut_too() -> None:
    parts = render_telegram(Answer("&" * 10_000, "en", [], True))
    assert all(len(p) <= TELEGRAM_LIMIT for p in parts)
    assert "".join(parts) == "&amp;" * 10_000


def test_unit_html_labels_and_escapes(pipeline: Pipeline) -> None:
    unit = pipeline.index.document.by_id()["recital-F"]
    assert unit_html(unit, "en")[0].startswith("<b>Recital F</b>\n\n")


async def test_long_answer_arrives_in_several_messages_with_buttons_under_the_last(
    server: BotApiServer, bot_settings: Settings, pipeline: Pipeline
) -> None:
    quote = "« " + "Une phrase assez longue sur la liberté syndicale au Kazakhstan. " * 200 + "»"
    long = Answer(f"Voici :\n\n{quote} (§ 4)", "fr", ["paragraph-4"], False, [Quote("paragraph-4", quote)])
    stub = SimpleNamespace(index=pipeline.index, ask=lambda text, history: long)
    count = len(render_telegram(long))
    assert count > 1
    async with running(bot_settings, stub):
        replies = await ask(server, "Longue réponse ?", count=count)
    assert len(replies) == count
    assert all(m.buttons == [] for m in replies[:-1]) and replies[-1].buttons
    assert " ".join(m.text for m in replies).split() == long.text.split()


async def test_html_in_the_question_is_shown_safely(server: BotApiServer, bot_settings: Settings,
                                                    pipeline: Pipeline) -> None:
    question = "<b>Qui</b> est Natalia Ulasik ? & <script>"
    async with running(bot_settings, pipeline):
        (reply,) = await ask(server, question)  # the server rejects unescaped HTML
        assert reply.text
    echo = SimpleNamespace(index=pipeline.index, ask=lambda text, history: Answer(
        f"Vous avez demandé :\n\n« {text} » (§ 4)", "fr", ["paragraph-4"], False))
    async with running(bot_settings, echo):
        (reply,) = await ask(server, question)
    assert reply.text == f"Vous avez demandé :\n\n« {question} » (§ 4)"
    assert not [c for c in server.calls("sendMessage") if c.error]


async def test_a_failing_pipeline_is_logged_and_the_user_told(
    server: BotApiServer, bot_settings: Settings, pipeline: Pipeline, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(text: str, history: list[str]) -> Answer:
        raise RuntimeError("index gone")

    async with running(bot_settings, SimpleNamespace(index=pipeline.index, ask=broken)):
        (reply,) = await ask(server, BOKAYEV_FR, language_code="fr")
    assert reply.text == "Désolé, quelque chose s'est mal passé. Réessayez dans un instant."
    assert any(r.exc_info and "index gone" in str(r.exc_info[1]) for r in caplog.records)


async def test_photo_gets_the_text_only_message(server: BotApiServer, app: Application) -> None:
    sent = server.send_photo(CHAT, language_code="fr")
    (reply,) = await server.wait_for_messages(CHAT, after_message_id=sent["message_id"], timeout=WAIT)
    assert reply.text.startswith("Je ne lis que les questions écrites")
    sent = server.send_sticker(CHAT, language_code="en")
    (reply,) = await server.wait_for_messages(CHAT, after_message_id=sent["message_id"], timeout=WAIT)
    assert reply.text == "I can only read text questions: please type your question."


async def test_edited_question_is_ignored(server: BotApiServer, app: Application) -> None:
    (first,) = await ask(server, BOKAYEV_FR)
    server.edit_user_message(CHAT, first.message_id - 1, "Who is Maks Bokayev?")
    (reply,) = await ask(server, "/help", language_code="en")  # handled after the edit, in order
    assert reply.text.startswith("I answer questions")
    assert len(server.messages(CHAT)) == 2


async def test_too_many_requests_is_retried_and_the_reply_still_arrives(server: BotApiServer,
                                                                        app: Application) -> None:
    server.fail_next("sendMessage", 429, retry_after=1)
    (reply,) = await ask(server, BOKAYEV_FR)
    assert "(§ 4)" in reply.text
    assert server.calls("sendMessage")[0].error.startswith("Too Many Requests")


async def test_history_survives_a_restart(server: BotApiServer, bot_settings: Settings,
                                          pipeline: Pipeline) -> None:
    async with running(bot_settings, pipeline):
        await ask(server, BOKAYEV_FR)
    async with running(bot_settings, pipeline):
        (reply,) = await ask(server, FOLLOW_UP)
    assert reply.text.startswith("Voici ce que dit la résolution")
    assert reply.buttons[0]["callback_data"] == f"u:fr:{pipeline.ask(FOLLOW_UP, [BOKAYEV_FR]).citations[0]}"


async def test_thirty_chats_at_once_are_all_answered(server: BotApiServer, app: Application) -> None:
    chats = range(1, 31)
    for chat in chats:
        server.send_text(chat, BOKAYEV_FR)
    replies = await asyncio.gather(*(server.wait_for_messages(c, 1, timeout=WAIT * 4) for c in chats))
    assert all(len(r) == 1 and "(§ 4)" in r[0].text for r in replies)


async def test_a_slow_answer_holds_up_its_own_chat_only(server: BotApiServer, bot_settings: Settings,
                                                       pipeline: Pipeline) -> None:
    release = threading.Event()

    def slow(text: str, history: list[str]) -> Answer:
        release.wait(WAIT)
        return pipeline.ask(text, history)

    async with running(bot_settings, SimpleNamespace(index=pipeline.index, ask=slow)):
        server.send_text(CHAT, BOKAYEV_FR)
        server.send_text(CHAT, "/help")  # must come after the answer, not overtake it
        (other,) = await ask(server, "/source 6", CHAT + 1)  # another chat is served meanwhile
        assert server.messages(CHAT) == []
        release.set()
        answer, help_ = await server.wait_for_messages(CHAT, 2, timeout=WAIT)
    assert other.text.startswith("Para. 6")
    assert "(§ 4)" in answer.text and help_.text.startswith("I answer")


@pytest.mark.parametrize(("language_code", "start"), [("fr", "Je réponds"), ("en", "I answer"),
                                                      (None, "Je réponds")])
async def test_start_speaks_the_users_language(server: BotApiServer, app: Application,
                                               language_code: str | None, start: str) -> None:
    (reply,) = await ask(server, "/start", language_code=language_code)
    assert reply.text.startswith(start)
    assert "2019/2610(RSP)" in reply.text


async def test_commands_are_set_in_french_and_english_with_browse(server: BotApiServer, app: Application
                                                                   ) -> None:
    for language_code in ("", "fr", "en"):
        assert [c["command"] for c in server.commands(language_code)] == [
            "start", "help", "browse", "source", "reset"]
    assert server.commands("en")[2]["description"] == "Contents: read the resolution unit by unit"
    assert server.commands("fr")[2]["description"] == "Sommaire : lire la résolution passage par passage"
    assert server.commands("en")[4]["description"] == "Forget the conversation"
    assert server.commands("fr")[4]["description"] == "Oublier la conversation"
    assert server.commands() == server.commands("fr")  # French for every other language
    calls = [c.params for c in server.calls("setMyCommands")]
    assert sorted(str(c.get("language_code", "")) for c in calls) == ["", "en", "fr"]


async def test_unknown_command_gets_the_help(server: BotApiServer, app: Application) -> None:
    (reply,) = await ask(server, "/bonjour", language_code="fr")
    assert reply.text.startswith("Je réponds")


@pytest.mark.parametrize(("token", "why"), [(None, "not set"), ("", "not set"), ("abc", "malformed"),
                                            ("123:short", "malformed"), (TOKEN + " x", "malformed")])
def test_missing_or_malformed_token_fails_before_any_network_call(
    server: BotApiServer, pipeline: Pipeline, token: str | None, why: str
) -> None:
    settings = Settings(telegram_bot_token=token, telegram_base_url=server.base_url)
    with pytest.raises(TokenError, match=why):
        build_application(settings, pipeline)
    assert server.calls() == []


async def test_groups_are_answered_only_when_the_bot_is_addressed(server: BotApiServer,
                                                                  app: Application) -> None:
    group = {"chat_type": "supergroup", "user_id": 77}
    server.send_text(GROUP, BOKAYEV_FR, **group)  # type: ignore[arg-type]
    server.send_photo(GROUP, **group)
    (reply,) = await ask(server, f"@resobot_test_bot {BOKAYEV_FR}", GROUP, **group)
    assert "(§ 4)" in reply.text
    (again,) = await ask(server, "Who is Maks Bokayev?", GROUP, reply_to_message_id=reply.message_id, **group)
    assert "(para. 4)" in again.text
    (usage,) = await ask(server, "/source@resobot_test_bot 4", GROUP, **group)
    assert usage.text.startswith("Para. 4\nUnofficial English translation — the French text is authoritative")
    server.send_text(GROUP, "/start@other_bot", **group)  # type: ignore[arg-type]
    (last,) = await ask(server, "/help", GROUP, **group)
    assert len(server.messages(GROUP)) == 4 and last.text.startswith("I answer")
