"""Sharing and reading on Telegram end to end, the real PTB application polling the fake Bot API server
with inline mode on: "@bot question" in any chat, deep links that open a unit, ↗ Share under answers, and
/browse through the whole resolution in one message edited in place."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from telegram.ext import Application

from bot.pipeline import Pipeline
from bot.settings import Settings
from bot.telegram.render import render_telegram
from tests.botapi_server import BotApiServer, BotMessage
from tests.telegram_helpers import BOKAYEV_FR, CHAT, GROUP, TOKEN, WAIT, ask, running

LINK = "https://t.me/resobot_test_bot?start="
OUT_OF_SCOPE = "Que dit la résolution sur la pollution de la mer d'Aral ?"


@pytest.fixture
def server() -> Iterator[BotApiServer]:
    """The fake Bot API server, for a bot whose inline mode is on (@BotFather /setinline)."""
    with BotApiServer(token=TOKEN, inline_mode=True) as srv:
        yield srv


async def inline(server: BotApiServer, query: str, language_code: str = "fr", user_id: int = CHAT) -> dict:
    query_id = server.send_inline_query(query, language_code=language_code, user_id=user_id)
    return (await server.inline_answer(query_id, timeout=WAIT)) | {"query_id": query_id}


def now(server: BotApiServer, message_id: int, chat_id: int = CHAT) -> BotMessage:
    return next(m for m in server.messages(chat_id) if m.message_id == message_id)


async def edited(server: BotApiServer, message_id: int, test: Callable[[BotMessage], bool], what: str
                 ) -> BotMessage:
    await server.wait_until(lambda: test(now(server, message_id)), timeout=WAIT, what=what)
    return now(server, message_id)


# ---------------------------------------------------------------- inline mode
async def test_inline_query_in_french_offers_the_cited_answer_then_its_unit_and_posts_with_links(
        server: BotApiServer, app: Application, pipeline: Pipeline, bot_settings: Settings) -> None:
    answer = await inline(server, BOKAYEV_FR)
    expected = pipeline.ask(BOKAYEV_FR, generate=False)
    assert expected.citations == ["paragraph-4"]
    assert [r["id"] for r in answer["results"]] == ["answer", "unit-paragraph-4"]
    assert (answer["cache_time"], answer["is_personal"]) == (bot_settings.inline_cache_time, True)
    first, unit = answer["results"]
    assert first["title"] == "Réponse citée (§ 4)"
    assert first["raw_text"] == f"❓ <i>{BOKAYEV_FR}</i>\n\n{render_telegram(expected)[0]}"
    assert {"type": "bold", "offset": first["text"].index("§ 4"), "length": 3} in first["entities"]
    assert first["reply_markup"] == {"inline_keyboard": [[{"text": "§ 4 ↗", "url": f"{LINK}paragraph-4"}]]}
    assert unit["text"] == f"§ 4\n\n{pipeline.index.document.by_id()['paragraph-4'].text}"
    # chosen in a group: posted "via @bot" with its link; the bot does not take it for a question
    posted = server.choose_inline_result(answer["query_id"], "answer", GROUP, chat_type="supergroup")
    assert posted["via_bot"]["username"] == "resobot_test_bot" and posted["text"] == first["text"]
    # the link opens § 4 in the bot, with its browsing buttons
    opened = server.open_link(posted["reply_markup"]["inline_keyboard"][0][0]["url"], language_code="fr")
    (shown,) = await server.wait_for_messages(CHAT, after_message_id=opened["message_id"], timeout=WAIT)
    assert shown.text == unit["text"]
    assert [b["text"] for b in shown.buttons] == ["◀ § 3", "§ 5 ▶", "☰ Sommaire", "🇬🇧 English"]
    assert server.messages(GROUP) == []


async def test_inline_query_in_english_answers_in_english_from_the_english_rendering(
        server: BotApiServer, app: Application, pipeline: Pipeline) -> None:
    question = "Who is Maks Bokayev?"
    answer = await inline(server, question, language_code="en")
    expected = pipeline.ask(question, generate=False)
    unit_id = expected.citations[0]
    first = answer["results"][0]
    assert first["title"].startswith("Cited answer (para. ") or first["title"].startswith("Cited answer (")
    assert first["text"].startswith(f"❓ {question}\n\nHere is what the resolution says (unofficial English")
    units = [r for r in answer["results"] if r["id"].startswith("unit-")]
    assert units and units[0]["id"] == f"unit-{unit_id}" and units[0]["title"].endswith("— full text")
    assert units[0]["text"].endswith(pipeline.index.text_of(unit_id, "en"))
    assert "Unofficial English translation" in units[0]["text"]
    # posted in a private chat with the bot: a shared answer is no question, nothing is answered
    server.choose_inline_result(answer["query_id"], "answer", CHAT, chat_type="private")
    (help_,) = await ask(server, "/help", language_code="en")
    assert len(server.messages(CHAT)) == 1 and help_.text.startswith("I answer")
    assert "type @resobot_test_bot and your question in any chat" in help_.text


async def test_out_of_scope_inline_query_offers_one_result_that_says_so(
        server: BotApiServer, app: Application) -> None:
    answer = await inline(server, OUT_OF_SCOPE)
    (only,) = answer["results"]
    assert only["id"] == "refused" and only["title"] == "La résolution ne traite pas de cette question"
    assert "ne parle pas de « pollution »" in only["text"] and only["reply_markup"] is None


async def test_inline_query_from_outside_the_allow_list_gets_nothing_from_the_text(
        server: BotApiServer, bot_settings: Settings, pipeline: Pipeline) -> None:
    settings = bot_settings.model_copy(update={"allowed_ids": frozenset({999})})
    async with running(settings, pipeline):
        answer = await inline(server, BOKAYEV_FR)
        empty = await inline(server, "")
    for refused in (answer, empty):
        assert refused["results"] == [] and refused["cache_time"] == 0 and refused["is_personal"]
        assert refused["button"] == {"text": "Bot réservé à certains utilisateurs", "start_parameter": "help"}
    assert server.messages(CHAT) == []


async def test_empty_inline_query_offers_the_contents_each_unit_a_link(
        server: BotApiServer, app: Application, pipeline: Pipeline) -> None:
    (contents,) = (await inline(server, "", language_code="en"))["results"]
    assert contents["id"] == "contents" and contents["title"] == "Contents of resolution 2019/2610(RSP)"
    assert "Citations 1–8 · recitals A–Q · paragraphs 1–17 · footnotes 1–8" in contents["text"]
    buttons = [b for row in contents["reply_markup"]["inline_keyboard"] for b in row]
    assert [b["url"] for b in buttons] == [LINK + u.id for u in pipeline.index.document.units]
    assert [b["text"] for b in buttons][:9] == [*(f"cit. {i}" for i in range(1, 9)), "A"]


async def test_inline_questions_count_against_the_rate_limit_once_however_typed_and_are_cut(
        server: BotApiServer, bot_settings: Settings, pipeline: Pipeline) -> None:
    settings = bot_settings.model_copy(update={"rate_limit_per_minute": 1, "max_question_chars": 30})
    long = "Qui est Maks Bokayev ? Et que demande le Parlement à son sujet ?"
    async with running(settings, Pipeline(settings, index=pipeline.index)):
        typing = [await inline(server, long[:n]) for n in (8, 22, len(long))]  # one question being typed
        limited = await inline(server, "Que dit la résolution sur les syndicats ?")
    assert all(a["results"] for a in typing)
    first = typing[-1]["results"][0]
    assert first["text"].startswith("❓ Qui est Maks Bokayev ? Et que\n\n")
    assert "seuls ses 30 premiers caractères ont été lus" in first["text"]
    assert limited["results"] == [] and limited["button"]["text"].startswith("Trop de questions")


# ---------------------------------------------------------------- ↗ Share and deep links
async def test_every_answer_has_a_share_button_that_types_the_question_inline(
        server: BotApiServer, app: Application) -> None:
    (reply,) = await ask(server, BOKAYEV_FR, language_code="fr")
    assert reply.buttons[-1] == {"text": "↗ Partager", "switch_inline_query": BOKAYEV_FR}
    (refusal,) = await ask(server, OUT_OF_SCOPE, language_code="fr")
    assert refusal.buttons[-1] == {"text": "↗ Partager", "switch_inline_query": OUT_OF_SCOPE}


async def test_deep_link_opens_a_recital_in_the_readers_language(
        server: BotApiServer, app: Application, pipeline: Pipeline) -> None:
    opened = server.open_link(f"{LINK}recital-C", language_code="fr")
    (unit,) = await server.wait_for_messages(CHAT, after_message_id=opened["message_id"], timeout=WAIT)
    assert unit.text == f"Considérant C\n\n{pipeline.index.document.by_id()['recital-C'].text}"
    assert unit.buttons == [
        {"text": "◀ Considérant B", "callback_data": "b:fr:recital-B:fr"},
        {"text": "Considérant D ▶", "callback_data": "b:fr:recital-D:fr"},
        {"text": "☰ Sommaire", "callback_data": "c:fr"},
        {"text": "🇬🇧 English", "callback_data": "b:fr:recital-C:en"},
    ]
    opened = server.open_link(f"{LINK}recital-C", language_code="en")
    (english,) = await server.wait_for_messages(CHAT, after_message_id=opened["message_id"], timeout=WAIT)
    assert english.text.startswith("Recital C\nUnofficial English translation")
    assert english.text.endswith(pipeline.index.text_of("recital-C", "en"))


async def test_deep_link_to_a_unit_that_does_not_exist_says_so_in_the_readers_language(
        server: BotApiServer, app: Application) -> None:
    opened = server.open_link(f"{LINK}paragraph-42", language_code="fr")
    (reply,) = await server.wait_for_messages(CHAT, after_message_id=opened["message_id"], timeout=WAIT)
    assert reply.text == "La résolution n'a pas de paragraphe 42 (elle compte 17 paragraphes)."
    opened = server.open_link(f"{LINK}banana", language_code="en")
    (reply,) = await server.wait_for_messages(CHAT, after_message_id=opened["message_id"], timeout=WAIT)
    assert reply.text == "This link leads to no part of the resolution. Type /browse for the contents."


# ---------------------------------------------------------------- /browse
async def test_browse_goes_forward_past_paragraph_17_and_back_in_one_message(
        server: BotApiServer, app: Application, pipeline: Pipeline) -> None:
    (contents,) = await ask(server, "/browse", language_code="fr")
    assert contents.text.startswith("Résolution 2019/2610(RSP) — sommaire\nVisas 1–8 · considérants A–Q")
    assert len(contents.buttons) == 50 and contents.buttons[25] == {
        "text": "§ 1", "callback_data": "b:fr:paragraph-1"}
    units = pipeline.index.document.by_id()
    server.press_button(CHAT, contents.message_id, "b:fr:paragraph-16")
    page = await edited(server, contents.message_id, lambda m: m.text.startswith("§ 16"), "§ 16")
    for label, unit_id in (("§ 17", "paragraph-17"), ("Note 1", "footnote-1")):
        server.press_button(CHAT, page.message_id, text=f"{label} ▶")
        page = await edited(server, page.message_id, lambda m, u=unit_id: m.text.endswith(units[u].text),
                            label)
    assert page.text == f"Note 1\n\n{units['footnote-1'].text}"
    assert [b["text"] for b in page.buttons] == ["◀ § 17", "Note 2 ▶", "☰ Sommaire", "🇬🇧 English"]
    server.press_button(CHAT, page.message_id, text="◀ § 17")
    page = await edited(server, page.message_id, lambda m: m.text.startswith("§ 17"), "back to § 17")
    server.press_button(CHAT, page.message_id, text="🇬🇧 English")  # the language switch keeps the buttons
    page = await edited(server, page.message_id, lambda m: "Traduction anglaise" in m.text, "English")
    assert page.text.endswith(pipeline.index.text_of("paragraph-17", "en"))
    assert [b["text"] for b in page.buttons] == ["◀ § 16", "Note 1 ▶", "☰ Sommaire", "🇫🇷 Original"]
    server.press_button(CHAT, page.message_id, text="☰ Sommaire")
    await edited(server, page.message_id, lambda m: m.text == contents.text, "the contents again")
    assert len(server.messages(CHAT)) == 1  # all in place
    assert not server.unanswered_callback_queries()


async def test_browse_ends_at_the_last_note_and_ignores_a_repeated_or_forged_tap(
        server: BotApiServer, app: Application) -> None:
    (contents,) = await ask(server, "/browse", language_code="en")
    server.press_button(CHAT, contents.message_id, "b:en:footnote-8")
    page = await edited(server, contents.message_id, lambda m: m.text.startswith("Footnote 8"), "note 8")
    assert [b["text"] for b in page.buttons] == ["◀ Footnote 7", "☰ Contents", "🇫🇷 Original"]
    server.forge_callback_query(CHAT, page.message_id, "b:en:footnote-8:en")  # what it shows already
    server.forge_callback_query(CHAT, page.message_id, "b:en:footnote-99")
    await server.wait_until(lambda: not server.unanswered_callback_queries(), timeout=WAIT, what="answers")
    assert len(server.messages(CHAT)) == 1 and now(server, page.message_id).text == page.text
    assert [c.error for c in server.calls("editMessageText") if c.error] == [
        "Bad Request: message is not modified: specified new message content and reply markup are exactly "
        "the same as a current content and reply markup of the message"]
