"""The fake Bot API server's inline mode, deep links, drafts and keyboard edits accept what Telegram accepts
and reject what it rejects (tests/botapi_inline.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes

from tests.botapi_server import BotApiServer

TOKEN = "123456789:TEST-resobot-token"
CHAT, GROUP = 4242, -100777


@pytest.fixture
def server() -> Iterator[BotApiServer]:
    with BotApiServer(token=TOKEN, inline_mode=True) as srv:
        yield srv


@pytest.fixture
async def bot(server: BotApiServer) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=server.base_url) as b:
        yield b


def rejected(pattern: str) -> pytest.RaisesExc[BadRequest]:
    return pytest.raises(BadRequest, match=f"(?i){pattern}")


def article(result_id: str, text: str = "Answer", **kw: object) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(result_id, "Title", InputTextMessageContent(text, **kw))  # type: ignore[arg-type]


async def inline_query(server: BotApiServer, bot: Bot, query: str = "syndicats") -> str:
    query_id = server.send_inline_query(query, language_code="fr")
    (update,) = await bot.get_updates(timeout=1)
    assert update.inline_query is not None and update.inline_query.query == query
    assert update.inline_query.from_user.language_code == "fr" and update.inline_query.chat_type == "sender"
    await bot.get_updates(offset=update.update_id + 1)
    return query_id


async def test_get_me_says_whether_inline_mode_is_on(bot: Bot) -> None:
    assert (await bot.get_me()).supports_inline_queries is True
    with BotApiServer(token=TOKEN) as off:
        async with Bot(TOKEN, base_url=off.base_url) as plain:
            assert (await plain.get_me()).supports_inline_queries is False
        with pytest.raises(RuntimeError, match="inline mode is off"):
            off.send_inline_query("hello")


async def test_an_inline_answer_is_recorded_and_a_chosen_result_is_posted_via_the_bot(
        server: BotApiServer, bot: Bot) -> None:
    query_id = await inline_query(server, bot)
    link = InlineKeyboardMarkup([[InlineKeyboardButton("§ 6", url="https://t.me/resobot_test_bot?start=p-6")]])
    await bot.answer_inline_query(query_id, [article("a", "<b>§ 6</b> syndicats", parse_mode=ParseMode.HTML,
                                                     ), article("b")], cache_time=10, is_personal=True)
    answer = await server.inline_answer(query_id)
    assert (answer["cache_time"], answer["is_personal"]) == (10, True)
    assert [(r["id"], r["text"]) for r in answer["results"]] == [("a", "§ 6 syndicats"), ("b", "Answer")]
    with rejected("query is too old"):  # answered once only
        await bot.answer_inline_query(query_id, [])
    query_id = await inline_query(server, bot)
    await bot.answer_inline_query(query_id, [InlineQueryResultArticle(
        "a", "Title", InputTextMessageContent("<b>§ 6</b>", parse_mode=ParseMode.HTML), reply_markup=link)])
    await server.inline_answer(query_id)
    posted = server.choose_inline_result(query_id, "a", GROUP)
    assert posted["text"] == "§ 6" and posted["via_bot"]["username"] == "resobot_test_bot"
    assert posted["reply_markup"] == link.to_dict() and posted["entities"][0]["type"] == "bold"
    (update,) = await bot.get_updates(timeout=1)
    assert update.message is not None and update.message.via_bot.id == bot.id


async def test_inline_answers_are_rejected_like_telegram_rejects_them(server: BotApiServer, bot: Bot) -> None:
    query_id = await inline_query(server, bot)
    with rejected("RESULTS_TOO_MUCH"):
        await bot.answer_inline_query(query_id, [article(str(i)) for i in range(51)])
    with rejected("RESULT_ID_INVALID"):
        await bot.answer_inline_query(query_id, [article("x" * 65)])
    with rejected("RESULT_ID_DUPLICATE"):
        await bot.answer_inline_query(query_id, [article("a"), article("a")])
    with rejected("can't parse entities"):
        await bot.answer_inline_query(query_id, [article("a", "<b>§ 6", parse_mode=ParseMode.HTML)])
    with rejected("MESSAGE_TOO_LONG"):
        await bot.answer_inline_query(query_id, [article("a", "x" * 4097)])
    with rejected("BUTTON_DATA_INVALID"):
        await bot.answer_inline_query(query_id, [InlineQueryResultArticle(
            "a", "T", InputTextMessageContent("t"),
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("b", callback_data="x" * 65)]]))])
    with rejected("START_PARAM_INVALID"):
        await bot.answer_inline_query(query_id, [],
                                      button=InlineQueryResultsButton("Open", start_parameter="a b"))
    with rejected("NEXT_OFFSET_INVALID"):
        await bot.answer_inline_query(query_id, [], next_offset="9" * 65)
    url = f"{server.base_url}{TOKEN}/answerInlineQuery"
    for field, value in (("cache_time", "soon"), ("cache_time", 1.5), ("is_personal", "maybe")):
        r = httpx.post(url, json={"inline_query_id": query_id, "results": [], field: value})
        assert r.status_code == 400 and field in r.json()["description"]
    with rejected("query is too old"):
        await bot.answer_inline_query("123", [])
    await bot.answer_inline_query(query_id, [article(str(i)) for i in range(50)])  # 50 is fine
    assert len((await server.inline_answer(query_id))["results"]) == 50


def test_inline_queries_hold_at_most_256_characters(server: BotApiServer) -> None:
    with pytest.raises(ValueError, match="256"):
        server.send_inline_query("x" * 257)


async def test_drafts_go_to_private_chats_only_with_a_non_zero_id(server: BotApiServer, bot: Bot) -> None:
    server.send_text(CHAT, "Question ?")
    server.send_text(GROUP, "Question ?", chat_type="supergroup", user_id=7)
    assert await bot.send_message_draft(CHAT, 5, "<i>Searching…</i>", parse_mode=ParseMode.HTML)
    assert await bot.send_message_draft(CHAT, 5)  # no text: the "Thinking…" placeholder
    assert [(d["draft_id"], d["text"]) for d in server.drafts(CHAT)] == [(5, "Searching…"), (5, "")]
    with rejected("TEXTDRAFT_PEER_INVALID"):
        await bot.send_message_draft(GROUP, 5, "Searching…")
    with rejected("DRAFT_ID_INVALID"):
        await bot.send_message_draft(CHAT, 0, "Searching…")
    with rejected("TEXT_TOO_LONG"):
        await bot.send_message_draft(CHAT, 5, "x" * 4097)
    with rejected("can't parse entities"):
        await bot.send_message_draft(CHAT, 5, "<b>unclosed", parse_mode=ParseMode.HTML)
    with rejected("chat not found"):
        await bot.send_message_draft(999, 5, "hi")
    assert len(server.drafts(CHAT)) == 2 and server.messages(CHAT) == []  # a draft is no message


async def test_a_deep_link_sends_start_with_its_payload(server: BotApiServer) -> None:
    seen: list[list[str]] = []

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(list(context.args or []))

    app = ApplicationBuilder().token(TOKEN).base_url(server.base_url).build()
    app.add_handler(CommandHandler("start", start))
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)  # type: ignore[union-attr]
        sent = server.open_link("https://t.me/resobot_test_bot?start=recital-C", user_id=CHAT)
        assert sent["text"] == "/start recital-C" and sent["entities"][0]["type"] == "bot_command"
        server.open_link("https://t.me/resobot_test_bot?start=no%20spaces", user_id=CHAT)
        await server.wait_until(lambda: len(seen) == 2, what="both /start")
        await app.updater.stop()  # type: ignore[union-attr]
        await app.stop()
    assert seen == [["recital-C"], []]
    with pytest.raises(ValueError, match="not a link"):
        server.open_link("https://t.me/other_bot?start=recital-C")


async def test_edits_with_keyboards_are_checked(server: BotApiServer, bot: Bot) -> None:
    server.send_text(CHAT, "hi")
    sent = await bot.send_message(CHAT, "Contents")
    with rejected("can't parse entities"):
        await bot.edit_message_text("<b>§ 6", CHAT, sent.message_id, parse_mode=ParseMode.HTML)
    with rejected("BUTTON_DATA_INVALID"):
        await bot.edit_message_text("§ 6", CHAT, sent.message_id, reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("▶", callback_data="b:" + "x" * 63)]]))
    nav = InlineKeyboardMarkup([[InlineKeyboardButton("▶", callback_data="b:fr:paragraph-7")]])
    await bot.edit_message_text("§ 6", CHAT, sent.message_id, reply_markup=nav)
    with rejected("message is not modified"):
        await bot.edit_message_text("§ 6", CHAT, sent.message_id, reply_markup=nav)
    with rejected("message to edit not found"):
        await bot.edit_message_text("§ 7", CHAT, sent.message_id + 10, reply_markup=nav)
    assert server.messages(CHAT)[0].buttons == [{"text": "▶", "callback_data": "b:fr:paragraph-7"}]
