"""Progress in a private chat while a language model answers, with `sendMessageDraft` (Bot API 10.0): a
"searching the resolution…" draft, then the units found (the ones the model is given), then the caller
sends the verified answer as a normal message. A draft is an ephemeral preview (Telegram drops it after
~30 s), so the current one is sent again every REFRESH seconds; nothing the model wrote is ever drafted:
what the user reads as the answer has been verified first. A draft that Telegram refuses costs nothing
but the progress (a blocked bot, 403, is raised: no answer is worth making then)."""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import secrets
from collections.abc import AsyncIterator, Sequence

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError

from bot.text.labels import cite
from bot.text.language import Lang
from bot.text.messages import say
from index.models import Document

logger = logging.getLogger(__name__)
REFRESH = 20.0  # seconds: Telegram shows a draft for about 30
EXCERPT = 90  # characters of each unit found shown in the draft


def found_text(document: Document, unit_ids: Sequence[str], lang: Lang) -> str:
    """The units found, as Telegram HTML: "§ 4 — demande la réhabilitation complète…", one a line."""
    lines = []
    for unit_id in unit_ids:
        text = document.by_id()[unit_id].text
        excerpt = text if len(text) <= EXCERPT else text[:EXCERPT].rsplit(" ", 1)[0] + "…"
        label = cite(unit_id, lang)
        lines.append(f"<b>{html.escape(label[:1].upper() + label[1:])}</b> — <i>{html.escape(excerpt)}</i>")
    return say("draft_found", lang, units="\n".join(lines))


class DraftProgress:
    """The drafts of one answer: `units_found` may be called from the pipeline's worker thread."""

    def __init__(self, bot: Bot, chat_id: int, lang: Lang, document: Document) -> None:
        self.bot, self.chat_id, self.lang, self.document = bot, chat_id, lang, document
        self.draft_id = secrets.randbelow(2**31 - 1) + 1  # non-zero: Telegram requires it
        self.current = ""
        self._loop = asyncio.get_running_loop()
        self._pending: set[asyncio.Task[None]] = set()

    async def show(self, text: str) -> None:
        self.current = text
        try:
            await self.bot.send_message_draft(self.chat_id, self.draft_id, text, parse_mode=ParseMode.HTML)
        except Forbidden:
            raise
        except TelegramError as exc:
            logger.debug("draft refused: %s", exc)

    def units_found(self, unit_ids: list[str]) -> None:
        """Thread-safe: the "units found" draft, sent from the event loop."""
        known = [u for u in unit_ids if u in self.document.by_id()]
        if known:
            with contextlib.suppress(RuntimeError):  # the loop is closing: the answer is lost anyway
                self._loop.call_soon_threadsafe(self._start, found_text(self.document, known, self.lang))

    def _start(self, text: str) -> None:
        task = asyncio.create_task(self.show(text))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def settle(self) -> None:
        """Wait for the drafts under way, so that none arrives after the answer."""
        await asyncio.gather(*self._pending, return_exceptions=True)


@contextlib.asynccontextmanager
async def drafting(bot: Bot, chat_id: int, lang: Lang, document: Document) -> AsyncIterator[DraftProgress]:
    """The "searching…" draft now, refreshed until the block ends; the drafts under way are awaited at the
    end, so that the caller's answer comes last."""
    progress = DraftProgress(bot, chat_id, lang, document)
    await progress.show(say("draft_searching", lang))

    async def refresh() -> None:
        while True:
            await asyncio.sleep(REFRESH)
            await progress.show(progress.current)

    task = asyncio.create_task(refresh())
    try:
        yield progress
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, TelegramError):
            await task
        await progress.settle()
