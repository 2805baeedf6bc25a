"""One unit of the resolution shown on Telegram: under its label in the reader's language, its text in
French or, for English readers, in the English rendering (which says it is one), with the switch between
the two that edits the same message."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.answers.offline import no_such_unit
from bot.telegram.keyboards import language_switch
from bot.telegram.render import unit_html
from bot.text.language import Lang
from bot.text.messages import say
from index.store import Index

logger = logging.getLogger(__name__)


def index_of(context: ContextTypes.DEFAULT_TYPE) -> Index:
    return context.bot_data["pipeline"].index


def shown_language(index: Index, lang: Lang) -> Lang:
    """The text an English reader is shown first: the English rendering when there is one."""
    return "en" if lang == "en" and index.english is not None else "fr"


def unit_parts(index: Index, unit_id: str, lang: Lang, shown: Lang) -> list[str]:
    """A unit as Telegram HTML, labelled in the reader's language, its text in `shown` (the English rendering
    says it is one)."""
    if shown == "en" and index.english is not None:
        note = say("unit_english_official" if index.english_official else "unit_english_translation", lang)
        return unit_html(index.english.by_id()[unit_id], lang, note=note)
    return unit_html(index.document.by_id()[unit_id], lang)


async def send_unit(message: Message, context: ContextTypes.DEFAULT_TYPE, unit_id: str, lang: Lang) -> None:
    """The unit in the asker's language (English: the rendering, with a switch to the French original)."""
    index = index_of(context)
    if unit_id not in index.document.by_id():
        await message.reply_text(no_such_unit(index.document, unit_id, lang))
        return
    shown = shown_language(index, lang)
    parts = unit_parts(index, unit_id, lang, shown)
    switch = language_switch(unit_id, lang, shown) if index.english is not None and len(parts) == 1 else None
    for i, part in enumerate(parts):
        await message.reply_html(part, reply_markup=switch if i == len(parts) - 1 else None)


async def switch_language(query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE, rest: str) -> None:
    """t:<label language>:<text language>:<unit id>: the same message, edited into the other text."""
    lang, shown, unit_id = [*rest.split(":", 2), "", ""][:3]
    index = index_of(context)
    if lang not in ("fr", "en") or shown not in ("fr", "en") or unit_id not in index.document.by_id():
        return
    parts = unit_parts(index, unit_id, lang, shown)  # type: ignore[arg-type]
    if len(parts) == 1 and index.english is not None:
        await edit_in_place(query, parts[0], language_switch(unit_id, lang, shown))


async def edit_in_place(query: CallbackQuery, text: str, keyboard: InlineKeyboardMarkup) -> None:
    """The button's message edited into `text` (HTML); a second tap on the same button, which Telegram
    answers with "message is not modified", is harmless."""
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise
        logger.debug("the message already shows this")
