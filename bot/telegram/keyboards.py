"""The buttons under an answer: one per cited unit (opens its text), 👍 / 👎, ↗ Share (when inline mode is
on), and after a refusal one per nearby subject the resolution does cover (asks about it); under a unit,
the switch between the French original and the English rendering; the table of contents; links that
open a unit in the bot (deep links). Callback data stays under Telegram's 64 bytes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import groupby

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.answers.models import Answer
from bot.answers.scope import topics
from bot.text.labels import cite, split_id
from bot.text.language import Lang
from bot.text.messages import say

BUTTON_CHARS = 48  # a longer subject is cut with "…": Telegram shows one line per button
INLINE_QUERY_CHARS = 256  # Telegram's limit on an inline query (what ↗ Share types after "@bot ")
ROW = {"citation": 4, "recital": 6, "paragraph": 6, "footnote": 4}  # contents buttons per row, by kind


def answer_keyboard(answer: Answer, answer_id: str, share: str | None = None) -> InlineKeyboardMarkup:
    """One button per cited unit (opens its full text), one per nearby subject (asks about it), 👍 / 👎,
    and with `share` (the question) ↗ Share: it opens the chat picker, then types "@bot question"."""
    lang = answer.language
    units = [
        InlineKeyboardButton(_capital(cite(unit_id, lang)), callback_data=f"u:{lang}:{unit_id}")
        for unit_id in answer.citations
    ]
    rows = [units[i : i + 4] for i in range(0, len(units), 4)]
    rows += [
        [InlineKeyboardButton(_short(_capital(topics()[unit_id][lang])), callback_data=f"q:{lang}:{unit_id}")]
        for unit_id in answer.suggestions
    ]
    votes = [
        InlineKeyboardButton("👍", callback_data=f"v:up:{answer_id}"),
        InlineKeyboardButton("👎", callback_data=f"v:down:{answer_id}"),
    ]
    if share is not None:
        votes.append(InlineKeyboardButton(say("share", lang), switch_inline_query=share[:INLINE_QUERY_CHARS]))
    return InlineKeyboardMarkup([*rows, votes])


def language_switch(unit_id: str, lang: str, shown: str) -> InlineKeyboardMarkup:
    """Under a unit shown in English, "🇫🇷 Original"; under the French, "🇬🇧 English": each edits the same
    message into the other text (t:<label language>:<text language>:<unit id>)."""
    other, text = ("fr", "🇫🇷 Original") if shown == "en" else ("en", "🇬🇧 English")
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=f"t:{lang}:{other}:{unit_id}")]])


def deep_link(bot_username: str, unit_id: str) -> str:
    """https://t.me/<bot>?start=paragraph-6: opens the bot, which shows the unit (/start paragraph-6)."""
    return f"https://t.me/{bot_username}?start={unit_id}"


def unit_links(bot_username: str, unit_ids: Sequence[str], lang: Lang) -> InlineKeyboardMarkup:
    """One button per unit, that opens it in the bot (for messages posted in other chats)."""
    buttons = [InlineKeyboardButton(f"{_capital(cite(u, lang))} ↗", url=deep_link(bot_username, u))
               for u in unit_ids]
    return InlineKeyboardMarkup([buttons[i : i + 3] for i in range(0, len(buttons), 3)])


def contents_keyboard(unit_ids: Sequence[str], label: Callable[[str], str],
                      action: Callable[[str], dict[str, str]]) -> InlineKeyboardMarkup:
    """The table of contents: the units in reading order, a few rows per kind; `label` names a button,
    `action` says what it does ({"callback_data": …} or {"url": …})."""
    rows: list[list[InlineKeyboardButton]] = []
    for kind, group in groupby(unit_ids, key=lambda u: split_id(u)[0]):
        buttons = [InlineKeyboardButton(label(u), **action(u)) for u in group]  # type: ignore[arg-type]
        width = ROW.get(kind, 4)
        rows += [buttons[i : i + width] for i in range(0, len(buttons), width)]
    return InlineKeyboardMarkup(rows)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _short(text: str) -> str:
    return text if len(text) <= BUTTON_CHARS else text[: BUTTON_CHARS - 1].rstrip() + "…"
