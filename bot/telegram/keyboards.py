"""The buttons under an answer: one per cited unit (opens its text), 👍 / 👎, and after a refusal one per
nearby subject the resolution does cover (asks about it); under a unit, the switch between the French
original and the English rendering. Callback data stays under Telegram's 64 bytes."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.answers.models import Answer
from bot.answers.scope import topics
from bot.text.labels import cite

BUTTON_CHARS = 48  # a longer subject is cut with "…": Telegram shows one line per button


def answer_keyboard(answer: Answer, answer_id: str) -> InlineKeyboardMarkup:
    """One button per cited unit (opens its full text), one per nearby subject (asks about it), 👍 / 👎."""
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
    return InlineKeyboardMarkup([*rows, votes])


def language_switch(unit_id: str, lang: str, shown: str) -> InlineKeyboardMarkup:
    """Under a unit shown in English, "🇫🇷 Original"; under the French, "🇬🇧 English": each edits the same
    message into the other text (t:<label language>:<text language>:<unit id>)."""
    other, text = ("fr", "🇫🇷 Original") if shown == "en" else ("en", "🇬🇧 English")
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=f"t:{lang}:{other}:{unit_id}")]])


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _short(text: str) -> str:
    return text if len(text) <= BUTTON_CHARS else text[: BUTTON_CHARS - 1].rstrip() + "…"
