"""The fake Bot API server must accept what Telegram accepts and reject what Telegram rejects."""

from __future__ import annotations

import asyncio
import html
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from telegram import Bot, BotCommandScopeAllGroupChats, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.botapi_server import BotApiServer, ParseError, parse_html, parse_markdown_v2

TOKEN = "123456789:TEST-resobot-token"
CHAT = 4242


@pytest.fixture
def server() -> Iterator[BotApiServer]:
    with BotApiServer(token=TOKEN) as srv:
        yield srv


@pytest.fixture
async def bot(server: BotApiServer) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=server.base_url) as b:
        yield b


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d or "empty", callback_data=d)] for d in data])


def rejected(pattern: str) -> pytest.RaisesExc[BadRequest]:
    """PTB strips "Bad Request: " and str.capitalize()s the rest, so match case-insensitively."""
    return pytest.raises(BadRequest, match=f"(?i){pattern}")


def raw(server: BotApiServer, method: str, token: str = TOKEN, **params: object) -> httpx.Response:
    return httpx.post(f"{server.base_url}{token}/{method}", json=params, timeout=5)


# ---------------------------------------------------------------- envelope, routing, getMe
def test_unknown_token_is_unauthorized(server: BotApiServer) -> None:
    r = raw(server, "getMe", token="1:wrong")
    assert (r.status_code, r.json()) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})


def test_unknown_method_is_not_found(server: BotApiServer) -> None:
    r = raw(server, "sendTelepathy")
    assert (r.status_code, r.json()) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})


def test_method_names_are_case_insensitive_and_all_encodings_accepted(server: BotApiServer) -> None:
    server.send_text(CHAT, "hi")
    url = f"{server.base_url}{TOKEN}"
    assert httpx.get(f"{url}/getme").json()["result"]["username"] == "resobot_test_bot"
    assert httpx.post(f"{url}/sendMessage", data={"chat_id": str(CHAT), "text": "form"}).json()["ok"]
    multipart = {"chat_id": (None, str(CHAT)), "text": (None, "multi")}
    assert httpx.post(f"{url}/sendMessage", files=multipart).json()["ok"]
    assert httpx.post(f"{url}/sendMessage", json={"chat_id": CHAT, "text": "json"}).json()["ok"]
    assert [m.text for m in server.messages(CHAT)] == ["form", "multi", "json"]


@pytest.mark.asyncio
async def test_get_me_describes_the_test_bot(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.first_name, me.username) == (123456789, True, "resobot", "resobot_test_bot")
    assert me.can_join_groups is True


# ---------------------------------------------------------------- sendMessage validation
@pytest.mark.asyncio
async def test_send_message_to_unknown_chat_is_rejected(bot: Bot) -> None:
    with rejected("^Chat not found$"):  # PTB capitalises and strips "Bad Request: "
        await bot.send_message(999, "hello")


def test_error_descriptions_are_telegrams_verbatim(server: BotApiServer) -> None:
    server.send_text(CHAT, "hi")
    assert raw(server, "sendMessage", chat_id=CHAT, text="").json()["description"] == (
        "Bad Request: message text is empty")
    assert raw(server, "sendMessage", text="x").json()["description"] == "Bad Request: chat_id is empty"
    assert raw(server, "sendMessage", chat_id=CHAT, text="   ").json()["description"] == (
        "Bad Request: text must be non-empty")
    r = raw(server, "sendMessage", chat_id=CHAT, text="<b>x", parse_mode="HTML")
    assert (r.status_code, r.json()["description"]) == (
        400, 'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b"')


@pytest.mark.asyncio
async def test_send_message_over_4096_chars_is_rejected(server: BotApiServer, bot: Bot) -> None:
    server.send_text(CHAT, "hi")
    await bot.send_message(CHAT, "a" * 4096)
    with rejected("Message is too long"):
        await bot.send_message(CHAT, "a" * 4097)


@pytest.mark.asyncio
async def test_message_length_counts_utf16_units_after_entity_parsing(server: BotApiServer, bot: Bot) -> None:
    server.send_text(CHAT, "hi")
    await bot.send_message(CHAT, "<b>" + "é" * 4096 + "</b>", parse_mode=ParseMode.HTML)  # tags don't count
    await bot.send_message(CHAT, "&lt;" * 4096, parse_mode=ParseMode.HTML)  # an entity is one character
    with rejected("Message is too long"):
        await bot.send_message(CHAT, "😀" * 2049)  # 2049 emoji = 4098 UTF-16 code units


@pytest.mark.asyncio
async def test_empty_message_is_rejected(server: BotApiServer, bot: Bot) -> None:
    server.send_text(CHAT, "hi")
    with rejected("Message text is empty"):
        await bot.send_message(CHAT, "")
    with rejected("Text must be non-empty"):
        await bot.send_message(CHAT, "<b> </b>\n", parse_mode=ParseMode.HTML)


# ---------------------------------------------------------------- HTML parse mode
@pytest.mark.asyncio
async def test_unbalanced_html_is_rejected(server: BotApiServer, bot: Bot) -> None:
    server.send_text(CHAT, "hi")
    with rejected("^Can't parse entities: can't find end tag corresponding to start tag"):
        await bot.send_message(CHAT, "<b>bold <i>both</i>", parse_mode=ParseMode.HTML)
    with rejected(r'Unmatched end tag at byte offset 10, expected "</i>", found "</b>"'):
        await bot.send_message(CHAT, "<b><i>test</b></i>", parse_mode=ParseMode.HTML)
    with rejected("Unexpected end tag at byte offset 4"):
        await bot.send_message(CHAT, "oops</b>", parse_mode=ParseMode.HTML)


@pytest.mark.asyncio
async def test_unknown_tag_is_rejected(server: BotApiServer, bot: Bot) -> None:
    server.send_text(CHAT, "hi")
    for text, tag, offset in [("<foo>x</foo>", "foo", 0), ("a<br>b", "br", 1), ("é <p>x</p>", "p", 3),
                              ("1 < 2", "", 2)]:
        with rejected(f'Unsupported start tag "{tag}" at byte offset {offset}$'):
            await bot.send_message(CHAT, text, parse_mode=ParseMode.HTML)
    with rejected("Unclosed start tag at byte offset 2"):
        await bot.send_message(CHAT, "a <b", parse_mode=ParseMode.HTML)
    with rejected('Tag "span" must have class "tg-spoiler"'):
        await bot.send_message(CHAT, "<span>x</span>", parse_mode=ParseMode.HTML)
    assert server.messages(CHAT) == []


@pytest.mark.asyncio
async def test_escaped_html_is_shown_as_plain_text(server: BotApiServer, bot: Bot) -> None:
    server.send_text(CHAT, "hi")
    source = 'Résolution <2024/0001> & "§ 12" — R&D'
    sent = await bot.send_message(CHAT, f"<b>Source</b>: {html.escape(source)}", parse_mode=ParseMode.HTML)
    (shown,) = server.messages(CHAT)
    assert shown.text == sent.text == f"Source: {source}"
    assert shown.raw_text == f"<b>Source</b>: {html.escape(source)}"
    assert shown.parse_mode == "HTML"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [("bold", 0, 6)]


def test_html_parser_follows_telegram_rules() -> None:
    assert parse_html("AT&T &lt;3 &amp &#x1F600; &#233;") == ("AT&T <3 & 😀 é", [])  # a bare '&' stays
    text, entities = parse_html('<a href="https://europarl.europa.eu/?a=1&amp;b=2">EP</a> <i>x</i>')
    assert text == "EP x"
    assert entities == [
        {"type": "text_link", "offset": 0, "length": 2, "url": "https://europarl.europa.eu/?a=1&b=2"},
        {"type": "italic", "offset": 3, "length": 1}]
    text, entities = parse_html('😀<pre><code class="language-python">x = 1</code></pre>'
                                "<blockquote expandable>q</blockquote><tg-spoiler>s</tg-spoiler>"
                                '<span class="tg-spoiler">t</span>')
    assert text == "😀x = 1qst"  # offsets count UTF-16 units: the emoji is 2
    assert entities == [{"type": "pre", "offset": 2, "length": 5, "language": "python"},
                        {"type": "expandable_blockquote", "offset": 7, "length": 1},
                        {"type": "spoiler", "offset": 8, "length": 1},
                        {"type": "spoiler", "offset": 9, "length": 1}]
    with pytest.raises(ParseError, match="Unexpected end of name token"):  # unquoted URL in href
        parse_html('<a href=https://europarl.europa.eu>EP</a>')


@pytest.mark.asyncio
async def test_markdown_v2_reserved_characters_must_be_escaped(server: BotApiServer, bot: Bot) -> None:
    server.send_text(CHAT, "hi")
    with rejected(r"Character '\.' is reserved and must be escaped with the preceding"):
        await bot.send_message(CHAT, "Paragraph 12.", parse_mode=ParseMode.MARKDOWN_V2)
    with rejected("Can't find end of Bold entity at byte offset 0"):
        await bot.send_message(CHAT, "*unclosed", parse_mode=ParseMode.MARKDOWN_V2)
    sent = await bot.send_message(CHAT, r"*Paragraph* 12\. [EP](https://europarl.europa.eu)",
                                  parse_mode=ParseMode.MARKDOWN_V2)
    assert sent.text == "Paragraph 12. EP"
    assert parse_markdown_v2("_a_ __u__ ||s|| `c\\.` ```py\nx```")[0] == "a u s c. x"


@pytest.mark.asyncio
async def test_unknown_parse_mode_is_rejected(server: BotApiServer, bot: Bot) -> None:
    server.send_text(CHAT, "hi")
    with rejected("Unsupported parse_mode"):
        await bot.send_message(CHAT, "x", parse_mode="Markdown3")
    assert (await bot.send_message(CHAT, "*bold* _it_", parse_mode=ParseMode.MARKDOWN)).text == "bold it"


# ---------------------------------------------------------------- inline keyboards
@pytest.mark.asyncio
async def test_callback_data_over_64_bytes_is_rejected(server: BotApiServer, bot: Bot) -> None:
    server.send_text(CHAT, "hi")
    await bot.send_message(CHAT, "ok", reply_markup=keyboard("x" * 64))
    with rejected("^Button_data_invalid$"):
        await bot.send_message(CHAT, "too long", reply_markup=keyboard("x" * 65))
    with rejected("Button_data_invalid"):  # 33 × 2-byte "é" = 66 bytes, 33 chars
        await bot.send_message(CHAT, "bytes, not characters", reply_markup=keyboard("é" * 33))
    assert [m.text for m in server.messages(CHAT)] == ["ok"]


@pytest.mark.asyncio
async def test_invalid_inline_buttons_are_rejected(server: BotApiServer, bot: Bot) -> None:
    server.send_text(CHAT, "hi")
    with rejected("Text buttons are unallowed in the inline keyboard"):
        await bot.send_message(CHAT, "x", reply_markup=keyboard(""))
    with rejected("Button_text_invalid"):
        await bot.send_message(CHAT, "x", reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("", callback_data="d")]]))
    with rejected("Reply markup is too long"):
        await bot.send_message(CHAT, "x", reply_markup=keyboard(*(str(i) for i in range(101))))
    with rejected("inline keyboard button URL 'not-a-url' is invalid: Wrong HTTP URL"):
        await bot.send_message(CHAT, "x", reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("EP", url="not-a-url")]]))
    await bot.send_message(CHAT, "ok", reply_markup=InlineKeyboardMarkup(
        [[InlineKeyboardButton("EP", url="https://europarl.europa.eu")],
         [InlineKeyboardButton("go", callback_data="go")]]))
    assert server.messages(CHAT)[0].keyboard == [[{"text": "EP", "url": "https://europarl.europa.eu"}],
                                                 [{"text": "go", "callback_data": "go"}]]


# ---------------------------------------------------------------- edits, deletes, callbacks, actions
@pytest.mark.asyncio
async def test_unchanged_edit_is_rejected(server: BotApiServer, bot: Bot) -> None:
    server.send_text(CHAT, "hi")
    sent = await bot.send_message(CHAT, "<b>Answer</b>", parse_mode=ParseMode.HTML,
                                  reply_markup=keyboard("more"))
    with rejected("^Message is not modified: specified new message content and reply markup"):
        await bot.edit_message_text("<b>Answer</b>", CHAT, sent.message_id, parse_mode=ParseMode.HTML,
                                    reply_markup=keyboard("more"))
    with rejected("Message is not modified"):  # same rendering, other markup language
        await bot.edit_message_text("*Answer*", CHAT, sent.message_id, parse_mode=ParseMode.MARKDOWN_V2,
                                    reply_markup=keyboard("more"))
    with rejected("Message is not modified"):
        await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=keyboard("more"))


@pytest.mark.asyncio
async def test_edits_apply_in_place_and_keep_history(server: BotApiServer, bot: Bot) -> None:
    server.send_text(CHAT, "hi")
    sent = await bot.send_message(CHAT, "Searching…", reply_markup=keyboard("cancel"))
    await bot.edit_message_text("<i>Found</i>", CHAT, sent.message_id, parse_mode=ParseMode.HTML)
    (shown,) = server.messages(CHAT)
    assert (shown.text, shown.keyboard) == ("Found", [])  # editing text without markup drops the keyboard
    assert [h["text"] for h in shown.history] == ["Searching…"]
    await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=keyboard("again"))
    assert server.messages(CHAT)[0].buttons == [{"text": "again", "callback_data": "again"}]
    with rejected("Message to edit not found"):
        await bot.edit_message_text("x", CHAT, 9999)
    with rejected("Message can't be edited"):
        await bot.edit_message_text("x", CHAT, 1)  # the user's own message


@pytest.mark.asyncio
async def test_replies_must_target_an_existing_message(server: BotApiServer, bot: Bot) -> None:
    question = server.send_text(CHAT, "Que dit le § 3 ?")
    sent = await bot.send_message(CHAT, "Le § 3…", reply_to_message_id=question["message_id"])
    assert sent.reply_to_message.text == "Que dit le § 3 ?"
    assert server.messages(CHAT)[0].reply_to_message_id == question["message_id"]
    with rejected("Message to be replied not found"):
        await bot.send_message(CHAT, "x", reply_to_message_id=999)
    assert (await bot.send_message(CHAT, "x", reply_to_message_id=999, allow_sending_without_reply=True)).text


@pytest.mark.asyncio
async def test_delete_message(server: BotApiServer, bot: Bot) -> None:
    server.send_text(CHAT, "hi")
    sent = await bot.send_message(CHAT, "temporary")
    assert await bot.delete_message(CHAT, sent.message_id)
    assert server.messages(CHAT) == [] and server.messages(CHAT, include_deleted=True)[0].deleted
    with rejected("Message to delete not found"):
        await bot.delete_message(CHAT, sent.message_id)


@pytest.mark.asyncio
async def test_callback_query_can_be_answered_once(server: BotApiServer, bot: Bot) -> None:
    server.send_text(CHAT, "hi")
    sent = await bot.send_message(CHAT, "Pick", reply_markup=keyboard("fr", "en"))
    query_id = server.press_button(CHAT, sent.message_id, "en")
    update = (await bot.get_updates())[-1]
    assert update.callback_query.data == "en" and update.callback_query.message.message_id == sent.message_id
    assert server.unanswered_callback_queries() == [query_id]
    assert await bot.answer_callback_query(query_id, text="English")
    with rejected("Query is too old and response timeout expired or query id is invalid"):
        await bot.answer_callback_query(query_id)
    with rejected("Query is too old"):
        await bot.answer_callback_query("123")
    assert [a["text"] for a in server.callback_answers(CHAT)] == ["English"]
    with pytest.raises(LookupError, match="no such callback button"):
        server.press_button(CHAT, sent.message_id, "de")


@pytest.mark.asyncio
async def test_chat_action_names_are_validated(server: BotApiServer, bot: Bot) -> None:
    server.send_text(CHAT, "hi")
    assert await bot.send_chat_action(CHAT, "typing")
    with rejected("Wrong parameter action in request"):
        await bot.send_chat_action(CHAT, "thinking")
    assert server.chat_actions(CHAT) == ["typing"]


@pytest.mark.asyncio
async def test_blocked_user_is_forbidden(server: BotApiServer, bot: Bot) -> None:
    server.send_text(CHAT, "hi")
    server.block_chat(CHAT)
    with pytest.raises(Forbidden, match="Forbidden: bot was blocked by the user"):
        await bot.send_message(CHAT, "hello?")


# ---------------------------------------------------------------- commands
@pytest.mark.asyncio
async def test_set_my_commands_is_validated_and_stored_per_language_and_scope(
        server: BotApiServer, bot: Bot) -> None:
    await bot.set_my_commands([("start", "Commencer"), ("help", "Aide")], language_code="fr")
    await bot.set_my_commands([("start", "Start")])
    assert [(c.command, c.description) for c in await bot.get_my_commands(language_code="fr")] == [
        ("start", "Commencer"), ("help", "Aide")]
    assert [c.command for c in await bot.get_my_commands()] == ["start"]
    assert server.commands("fr")[1] == {"command": "help", "description": "Aide"}
    await bot.set_my_commands([("ask", "Ask in a group")], scope=BotCommandScopeAllGroupChats())
    assert [c.command for c in await bot.get_my_commands(scope=BotCommandScopeAllGroupChats())] == ["ask"]
    assert [c.command for c in await bot.get_my_commands()] == ["start"]
    for bad in [[("Start", "x")], [("a" * 33, "x")], [("with-dash", "x")], [("ok", "")], [("ok", "d" * 257)]]:
        with rejected("Bot_command"):
            await bot.set_my_commands(bad)
    with rejected("Bot_commands_too_much"):
        await bot.set_my_commands([(f"c{i}", "d") for i in range(101)])


# ---------------------------------------------------------------- flood control and failures
@pytest.mark.asyncio
async def test_flood_control_returns_retry_after(server: BotApiServer, bot: Bot) -> None:
    server.send_text(CHAT, "hi")
    server.fail_next("sendMessage", status=429, retry_after=2)
    with pytest.raises(RetryAfter, match=r"Retry in 2(\.0)? seconds"):
        await bot.send_message(CHAT, "too fast")
    server.fail_next("sendMessage", retry_after=3)
    r = raw(server, "sendMessage", chat_id=CHAT, text="x")
    assert r.status_code == 429
    assert r.json() == {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 3",
                        "parameters": {"retry_after": 3}}
    await bot.send_message(CHAT, "later")
    assert [m.text for m in server.messages(CHAT)] == ["later"]
    assert [c.error for c in server.calls("sendMessage")] == [
        "Too Many Requests: retry after 2", "Too Many Requests: retry after 3", None]


@pytest.mark.asyncio
async def test_server_errors_can_be_injected(server: BotApiServer, bot: Bot) -> None:
    server.send_text(CHAT, "hi")
    server.fail_next("sendMessage", status=502, times=2)
    server.fail_next("editMessageText", status=500, description="Internal Server Error: restart")
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(CHAT, "x")
    sent = await bot.send_message(CHAT, "x")
    with pytest.raises(NetworkError, match="restart"):
        await bot.edit_message_text("y", CHAT, sent.message_id)


# ---------------------------------------------------------------- getUpdates and users
@pytest.mark.asyncio
async def test_getupdates_long_polling_honours_offset(server: BotApiServer, bot: Bot) -> None:
    first = server.send_text(CHAT, "one")
    server.send_text(CHAT, "two")
    updates = await bot.get_updates(timeout=0)
    assert [u.message.text for u in updates] == ["one", "two"]
    assert updates[0].message.message_id == first["message_id"]
    assert [u.message.text for u in await bot.get_updates(limit=1)] == ["one"]
    assert [u.message.text for u in await bot.get_updates(offset=updates[0].update_id + 1)] == ["two"]
    assert [u.message.text for u in await bot.get_updates()] == ["two"]  # "one" was confirmed: gone

    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await bot.get_updates(offset=updates[1].update_id + 1, timeout=0.3) == ()
    assert loop.time() - started >= 0.25  # waited for the whole timeout

    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(offset=updates[1].update_id + 1, timeout=5))
    await asyncio.sleep(0.1)
    server.send_text(CHAT, "three")
    assert [u.message.text for u in await poll] == ["three"]
    assert loop.time() - started < 2  # returned as soon as the update arrived


@pytest.mark.asyncio
async def test_getupdates_honours_allowed_updates_and_conflicts(server: BotApiServer, bot: Bot) -> None:
    server.send_text(CHAT, "hi")
    sent = await bot.send_message(CHAT, "pick", reply_markup=keyboard("a"))
    server.press_button(CHAT, sent.message_id, "a")
    updates = await bot.get_updates(allowed_updates=["callback_query"])
    assert [u.callback_query is not None for u in updates] == [True]
    first = asyncio.create_task(bot.get_updates(offset=updates[0].update_id + 1, timeout=5))
    await asyncio.sleep(0.1)
    async with Bot(TOKEN, base_url=server.base_url) as second_instance:
        assert await second_instance.get_updates(offset=updates[0].update_id + 1) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await first
    await bot.set_webhook("https://example.com/hook")
    assert server.webhook["url"] == "https://example.com/hook"
    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await bot.get_updates()
    with rejected("An HTTPS URL must be provided"):
        await bot.set_webhook("http://example.com/hook")


@pytest.mark.asyncio
async def test_simulated_users_produce_realistic_updates(server: BotApiServer, bot: Bot) -> None:
    start = server.send_text(CHAT, "/start", language_code="fr", first_name="Marie")
    server.send_photo(CHAT, caption="scan")
    server.send_sticker(CHAT)
    server.send_voice(CHAT)
    server.send_document(CHAT, "resolution.pdf")
    server.send_location(CHAT, 48.6, 7.7)
    server.edit_user_message(CHAT, start["message_id"], "/start again")
    group = server.send_text(-100777, "@resobot_test_bot what is § 3?", chat_type="supergroup", user_id=7)
    server.send_text(-100777, "ok", chat_type="supergroup", reply_to_message_id=group["message_id"])
    updates = await bot.get_updates()
    message = updates[0].message
    assert (message.text, message.from_user.language_code) == ("/start", "fr")
    assert message.chat.first_name == "Marie"
    assert message.entities[0].type == "bot_command" and filters.COMMAND.check_update(updates[0])
    assert updates[1].message.photo[0].file_id and updates[1].message.caption == "scan"
    assert updates[2].message.sticker.emoji == "👍" and updates[3].message.voice.mime_type == "audio/ogg"
    assert updates[4].message.document.file_name == "resolution.pdf"
    assert updates[5].message.location.latitude == 48.6
    assert updates[6].edited_message.text == "/start again"
    mention = updates[7].message
    assert (mention.chat.type, mention.entities[0].type) == ("supergroup", "mention")
    assert mention.parse_entity(mention.entities[0]) == "@resobot_test_bot"
    assert updates[8].message.reply_to_message.message_id == group["message_id"]


@pytest.mark.asyncio
async def test_privacy_mode_hides_group_chatter() -> None:
    async with BotApiServer(token=TOKEN, privacy_mode=True) as srv, Bot(TOKEN, base_url=srv.base_url) as bot:
        srv.send_text(-1001, "just chatting", chat_type="group")
        srv.send_text(-1001, "/ask@resobot_test_bot quoi ?", chat_type="group")
        srv.send_text(-1001, "hey @resobot_test_bot", chat_type="group")
        srv.send_text(-1001, "/start@other_bot", chat_type="group")
        assert [u.message.text for u in await bot.get_updates()] == ["/ask@resobot_test_bot quoi ?",
                                                                      "hey @resobot_test_bot"]
        assert (await bot.get_me()).can_read_all_group_messages is False


# ---------------------------------------------------------------- the real PTB Application
@pytest.mark.asyncio
async def test_real_ptb_application_polls_and_replies(server: BotApiServer) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_chat_action("typing")
        await update.message.reply_html(f"<b>Echo:</b> {html.escape(update.message.text)}",
                                        reply_markup=keyboard("again"))

    async def again(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer("ok")
        await update.callback_query.edit_message_text("Echoed again")

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        french = update.effective_user.language_code == "fr"
        await update.message.reply_text("Bonjour !" if french else "Hello!")

    application = ApplicationBuilder().token(TOKEN).base_url(server.base_url).build()
    application.add_handler(CommandHandler("start", start))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    application.add_handler(CallbackQueryHandler(again))
    async with application:
        await application.start()
        await application.updater.start_polling(poll_interval=0, timeout=1)
        asked = server.send_text(CHAT, "a < b & c")
        (reply,) = await server.wait_for_messages(CHAT, 1, after_message_id=asked["message_id"])
        assert reply.text == "Echo: a < b & c"
        assert reply.buttons == [{"text": "again", "callback_data": "again"}]
        assert server.chat_actions(CHAT) == ["typing"]
        server.press_button(CHAT, reply.message_id, "again")
        await server.wait_until(lambda: server.messages(CHAT)[0].text == "Echoed again", what="edit")
        await server.wait_until(lambda: not server.unanswered_callback_queries(), what="answer")
        greeted = server.send_text(CHAT, "/start", language_code="fr")
        (greeting,) = await server.wait_for_messages(CHAT, after_message_id=greeted["message_id"])
        assert greeting.text == "Bonjour !"
        await application.updater.stop()
        await application.stop()
    assert server.pending_updates() == []  # PTB confirmed everything it handled
    assert server.callback_answers(CHAT)[0]["text"] == "ok"


def test_sync_usage_with_a_bot_in_its_own_event_loop() -> None:
    with BotApiServer(token=TOKEN) as srv:
        srv.send_text(CHAT, "hi")

        async def reply() -> None:
            async with Bot(TOKEN, base_url=srv.base_url) as bot:
                await bot.send_message(CHAT, "hello")

        asyncio.run(reply())
        assert [m.text for m in srv.wait_for_messages_sync(CHAT, 1, timeout=2)] == ["hello"]
        with pytest.raises(TimeoutError, match=r"2 bot message\(s\) in chat 4242 \(shown: \['hello'\]\)"):
            srv.wait_for_messages_sync(CHAT, 2, timeout=0.1)


@pytest.mark.asyncio
async def test_wrong_token_makes_ptb_raise_invalid_token(server: BotApiServer) -> None:
    with pytest.raises(InvalidToken, match="rejected by the server"):
        async with Bot("1:wrong", base_url=server.base_url):  # initialize() calls getMe
            pass
