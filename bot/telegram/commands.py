"""The commands and the messages: /start and /help (and deep links, /start paragraph-6), /source, /reset,
an unknown command, a question, a photo or a sticker; and the command menu, in French and English."""

from __future__ import annotations

import html
import re

from telegram import Bot, BotCommand, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.answers.offline import no_such_unit
from bot.telegram.access import QuestionLimit, addressed_text, user_language
from bot.telegram.answering import answer_question, stored
from bot.telegram.browse import send_unit_view
from bot.telegram.units import index_of, send_unit
from bot.text.messages import say
from index.references import find_references

# /source arguments: any explicit reference ("§ 6", "recital C", "visa 3", "note 2"), or a bare "6" / "C".
_BARE_LABEL = re.compile(r"^(?:(\d{1,3})|([A-Za-z]{1,2}))$")
# A deep link's payload that names a unit, existing or not ("paragraph-42").
_UNIT_ID = re.compile(r"^(citation|recital|paragraph|footnote)-([0-9]{1,3}|[A-Z]{1,2})$")
MENU = ("start", "help", "browse", "source", "reset")


def source_id(argument: str) -> str | None:
    """The unit id named by a /source argument ("6", "C", "visa 3", "note 2"), or None."""
    argument = " ".join(argument.split())
    if references := find_references(argument):
        return references[0]
    if m := _BARE_LABEL.match(argument):
        return f"paragraph-{int(m.group(1))}" if m.group(1) else f"recital-{m.group(2).upper()}"
    return None


async def set_menu(bot: Bot) -> None:
    """The command menu in French (also the default, for every other language) and in English."""
    for language_code, lang in (("", "fr"), ("fr", "fr"), ("en", "en")):
        commands = [BotCommand(name, say(f"cmd_{name}", lang)) for name in MENU]
        await bot.set_my_commands(commands, language_code=language_code or None)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Says what the bot knows, with example questions and how citations read; a deep link's payload
    (/start paragraph-6) opens that unit instead."""
    lang = user_language(update)
    payload = (context.args or [""])[0]
    if payload and payload != "help":
        await _open_link(update, context, payload)
        return
    document = index_of(context).document
    username = html.escape(context.bot.username or "", quote=False)
    share = say("help_share", lang, bot=username) if context.bot.supports_inline_queries else ""
    text = say(
        "help",
        lang,
        procedure=html.escape(document.procedure, quote=False),
        title=html.escape(document.title, quote=False),
        share=share,
    )
    await update.effective_message.reply_html(text)


async def _open_link(update: Update, context: ContextTypes.DEFAULT_TYPE, payload: str) -> None:
    lang = user_language(update)
    document = index_of(context).document
    if payload in document.by_id():
        await send_unit_view(update.effective_message, context, payload, lang)
    elif _UNIT_ID.match(payload):  # a unit the resolution does not have: say how many it has
        await update.effective_message.reply_text(no_such_unit(document, payload, lang))
    else:
        await update.effective_message.reply_text(say("bad_link", lang))


async def source(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends the full text of the unit named by /source 6, /source C, /source visa 3, /source note 2."""
    lang = user_language(update)
    unit_id = source_id(" ".join(context.args or []))
    if unit_id is None:
        await update.effective_message.reply_text(say("source_usage", lang))
        return
    await send_unit(update.effective_message, context, unit_id, lang)


async def reset(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Forgets the chat's history, so that the next question is not read as a follow-up."""
    await stored(context, "forget", None, update.effective_chat.id)
    await update.effective_message.reply_text(say("reset_done", user_language(update)))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An unknown command gets the help, unless in a group it was meant for another bot."""
    command = (update.effective_message.text or "").split()[0]
    if "@" in command and command.split("@", 1)[1].lower() != (context.bot.username or "").lower():
        return
    await start(update, context)


async def question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answers a text message from the resolution, with a button per cited unit and 👍/👎. A message posted
    through our own inline mode (an answer shared into the chat) is no question."""
    message = update.effective_message
    if message.via_bot is not None and message.via_bot.id == context.bot.id:
        return
    text = addressed_text(message, context)
    if text is None:  # a group conversation that is not for us
        return
    chat_id = message.chat_id
    limit: QuestionLimit = context.bot_data["limit"]
    if not limit.allow(update.effective_user.id if update.effective_user else chat_id):
        await message.reply_text(say("slow_down", user_language(update), n=limit.per_minute))
        return
    await answer_question(message, context, text)


async def media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Photos, stickers, voice, documents, locations: politely ask for a text question."""
    message = update.effective_message
    replied = message.reply_to_message
    to_us = replied is not None and replied.from_user is not None and replied.from_user.id == context.bot.id
    if message.chat.type == ChatType.PRIVATE or to_us:
        await message.reply_text(say("text_only", user_language(update)))
