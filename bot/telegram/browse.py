"""/browse: the whole resolution, one unit at a time, in one message edited in place.

The table of contents is a keyboard (citations, recitals, paragraphs, footnotes, in reading order); a unit
opened from it has ◀ ▶ to its neighbours, ☰ back to the contents and, when there is an English rendering,
the switch between it and the French original. Callback data (at most 64 bytes):

- ``c:<lang>``: the contents, labelled in `lang`;
- ``b:<lang>:<unit id>[:<text language>]``: a unit, labelled in `lang`, its text in the given language
  (default: the English rendering for English readers).

A deep link (https://t.me/<bot>?start=paragraph-6) opens the same view of a unit (bot/telegram/commands.py).
"""

from __future__ import annotations

import html

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes

from bot.telegram.access import user_language
from bot.telegram.keyboards import contents_keyboard
from bot.telegram.units import edit_in_place, index_of, shown_language, unit_parts
from bot.text.labels import cite, kind_name, short_cite, split_id
from bot.text.language import Lang
from bot.text.messages import say
from index.models import Document
from index.store import Index

_KINDS = ("citation", "recital", "paragraph", "footnote")


def reading_order(document: Document) -> list[str]:
    """Every unit id, as the resolution reads: citations, recitals, paragraphs, then footnotes."""
    return [u.id for kind in _KINDS for u in document.of_kind(kind)]  # type: ignore[arg-type]


def contents_text(document: Document, lang: Lang) -> str:
    """"Resolution 2019/2610(RSP) — contents / citations 1–8 · recitals A–Q · …" as Telegram HTML."""
    sections = []
    for kind in _KINDS:
        units = document.of_kind(kind)  # type: ignore[arg-type]
        if units:
            first, last = split_id(units[0].id)[1], split_id(units[-1].id)[1]
            span = first if first == last else f"{first}–{last}"
            sections.append(f"{kind_name(kind, lang, plural=True)} {span}")
    text = " · ".join(sections)
    return say("contents", lang, procedure=html.escape(document.procedure, quote=False),
               sections=html.escape(text[:1].upper() + text[1:], quote=False))


def contents_view(document: Document, lang: Lang) -> tuple[str, InlineKeyboardMarkup]:
    keyboard = contents_keyboard(reading_order(document), lambda u: short_cite(u, lang),
                                 lambda u: {"callback_data": f"b:{lang}:{u}"})
    return contents_text(document, lang), keyboard


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def unit_view(index: Index, unit_id: str, lang: Lang, shown: Lang) -> tuple[str, InlineKeyboardMarkup]:
    """The unit (its first message's worth: the units of a resolution are short) with ◀ ▶, ☰ and the
    language switch."""
    order = reading_order(index.document)
    at = order.index(unit_id)
    moves = []
    if at > 0:
        moves.append(InlineKeyboardButton(f"◀ {_capital(cite(order[at - 1], lang))}",
                                          callback_data=f"b:{lang}:{order[at - 1]}:{shown}"))
    if at < len(order) - 1:
        moves.append(InlineKeyboardButton(f"{_capital(cite(order[at + 1], lang))} ▶",
                                          callback_data=f"b:{lang}:{order[at + 1]}:{shown}"))
    bottom = [InlineKeyboardButton(say("contents_button", lang), callback_data=f"c:{lang}")]
    if index.english is not None:
        other, text = ("fr", "🇫🇷 Original") if shown == "en" else ("en", "🇬🇧 English")
        bottom.append(InlineKeyboardButton(text, callback_data=f"b:{lang}:{unit_id}:{other}"))
    keyboard = InlineKeyboardMarkup([moves, bottom] if moves else [bottom])
    return unit_parts(index, unit_id, lang, shown)[0], keyboard


async def browse(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/browse: the table of contents."""
    text, keyboard = contents_view(index_of(context).document, user_language(update))
    await update.effective_message.reply_html(text, reply_markup=keyboard)


async def send_unit_view(message: Message, context: ContextTypes.DEFAULT_TYPE, unit_id: str, lang: Lang
                         ) -> None:
    """A unit with its browsing buttons, as a new message (a deep link opened it)."""
    index = index_of(context)
    text, keyboard = unit_view(index, unit_id, lang, shown_language(index, lang))
    await message.reply_html(text, reply_markup=keyboard)


async def on_button(query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE, kind: str, rest: str) -> None:
    """c:… and b:… buttons: the same message edited into the contents or into a unit. Forged or stale
    data is ignored; a second tap on the same button ("message is not modified") is harmless."""
    index = index_of(context)
    lang, _, rest = rest.partition(":")
    if lang not in ("fr", "en") or not isinstance(query.message, Message):
        return
    if kind == "c":
        text, keyboard = contents_view(index.document, lang)  # type: ignore[arg-type]
    else:
        unit_id, _, shown = rest.partition(":")
        if unit_id not in index.document.by_id() or shown not in ("", "fr", "en"):
            return
        text, keyboard = unit_view(index, unit_id, lang,  # type: ignore[arg-type]
                                   shown or shown_language(index, lang))  # type: ignore[arg-type]
    await edit_in_place(query, text, keyboard)
