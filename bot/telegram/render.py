"""Turn an answer into what a Telegram user reads: HTML messages under Telegram's length limit, quotes in
italics, citations in bold, every character of the text escaped."""

from __future__ import annotations

import html
import re

from bot.answers.models import Answer
from bot.text.labels import cite
from bot.text.language import Lang
from index.models import Unit

TELEGRAM_LIMIT = 4096  # characters (UTF-16 code units) per message
_TAG_ROOM = 64  # room left in every piece for the tags and the citation wrapped around it
_SENTENCE_END = re.compile(r"(?<=[.!?;…»”])\s+")
_QUOTED = re.compile(r"^(?P<quote>[«“].*[»”]) \((?P<cite>[^()]+)\)$", re.DOTALL)


def _u16(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _fits(text: str, budget: int) -> bool:
    return _u16(_esc(text)) <= budget


def split_plain(text: str, budget: int) -> list[str]:
    """Cut plain text into pieces whose escaped HTML fits `budget`: at line breaks first, then after
    sentences, then between words, and inside a word only when one word alone is too long."""
    if _fits(text, budget):
        return [text]
    for separator in (re.compile(r"\n+"), _SENTENCE_END, re.compile(r"\s+")):
        pieces = [p for p in separator.split(text) if p]
        if len(pieces) > 1:
            joiner = "\n" if separator.pattern == r"\n+" else " "
            return _pack([q for p in pieces for q in split_plain(p, budget)], joiner, budget)
    cut = budget // 6  # a single giant "word": "&" escapes to 5 characters, at most 2 units each
    return [text[:cut], *split_plain(text[cut:], budget)]


def _pack(pieces: list[str], joiner: str, budget: int) -> list[str]:
    packed: list[str] = []
    for piece in pieces:
        if packed and _fits(packed[-1] + joiner + piece, budget):
            packed[-1] += joiner + piece
        else:
            packed.append(piece)
    return packed


def _paragraph_html(paragraph: str, budget: int) -> list[str]:
    """One paragraph of an answer as HTML blocks: a quote in italics with its citation in bold."""
    m = _QUOTED.match(paragraph)
    if not m:
        return [_esc(p) for p in split_plain(paragraph, budget)]
    pieces = split_plain(m["quote"], budget)
    blocks = [f"<i>{_esc(p)}</i>" for p in pieces]
    blocks[-1] += f" (<b>{_esc(m['cite'])}</b>)"
    return blocks


def join_parts(blocks: list[str], limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Pack HTML blocks (each already under the limit) into messages, blank lines between blocks."""
    parts: list[str] = []
    for block in blocks:
        if parts and _u16(parts[-1]) + 2 + _u16(block) <= limit:
            parts[-1] += "\n\n" + block
        else:
            parts.append(block)
    return parts


def render_telegram(answer: Answer, lang: Lang | None = None, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """The answer as Telegram HTML messages, each at most `limit` characters; quotes in italics,
    citations in bold, every character of the text escaped. `lang` is only a fallback: the answer
    already speaks the user's language."""
    budget = limit - _TAG_ROOM
    blocks = [b for p in answer.text.split("\n\n") if p.strip() for b in _paragraph_html(p.strip(), budget)]
    return join_parts(blocks, limit) or [_esc(answer.text) or "…"]


def unit_html(unit: Unit, lang: Lang, limit: int = TELEGRAM_LIMIT, note: str = "") -> list[str]:
    """One unit's full text under its readable label ("§ 6" / "para. 6"), as Telegram HTML messages; `note`
    (in italics under the label) says when the text is a translation."""
    label = cite(unit.id, lang)
    head = f"<b>{_esc(label[:1].upper() + label[1:])}</b>" + (f"\n<i>{_esc(note)}</i>" if note else "")
    blocks = [head, *(_esc(p) for p in split_plain(unit.text, limit - _TAG_ROOM))]
    return join_parts(blocks, limit)
