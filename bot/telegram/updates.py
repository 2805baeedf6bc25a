"""Update processing: different chats are served concurrently, the updates of one chat in order.

PTB's default handles one update at a time, so every user waits for the Bot API round trips of everyone
before them; its `concurrent_updates(True)` would instead let a follow-up overtake the question it
follows. This processor gives each chat its own queue (a lock), and runs the queues concurrently.

It also keeps the inbox (bot/telegram/client.py records what long polling fetches; an update that
comes another way, a webhook's, is recorded here, and one already known is not handled twice): an
update handled (its replies sent, or the error message) is marked done in the state store. On a stop
it drains within a bound: what is not done by then is cancelled and stays in the inbox, to be answered
after the restart.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.state.base import StateStore

logger = logging.getLogger(__name__)
CREATED = inspect.CORO_CREATED


class ChatOrderedProcessor(BaseUpdateProcessor):
    """At most `max_concurrent_updates` updates at once; those of one chat one after the other."""

    def __init__(self, max_concurrent_updates: int = 64, state: StateStore | None = None,
                 recorded: set[int] | None = None) -> None:
        super().__init__(max_concurrent_updates)
        self.state = state
        self.recorded = recorded if recorded is not None else set()  # ids already in the inbox
        self._locks: dict[int, asyncio.Lock] = {}
        self._pending: dict[int, int] = {}
        self._tasks: set[asyncio.Task] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    async def process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
            self._idle.clear()
        try:
            if await self._first_time(update):
                await super().process_update(update, coroutine)
        finally:
            unstarted = inspect.iscoroutine(coroutine) and inspect.getcoroutinestate(coroutine) == CREATED
            if unstarted:  # cancelled before it started: it stays in the inbox
                coroutine.close()  # type: ignore[union-attr]
            self._tasks.discard(task)  # type: ignore[arg-type]
            if not self._tasks:
                self._idle.set()

    async def _first_time(self, update: object) -> bool:
        """False for an update the inbox knew already (Telegram sending again what a stopped bot had
        received); an update not recorded yet (a webhook's) is recorded now."""
        if self.state is None or not isinstance(update, Update):
            return True
        if update.update_id in self.recorded:
            self.recorded.discard(update.update_id)
            return True
        try:
            new = await asyncio.to_thread(self.state.receive, [(update.update_id, update.to_json())])
        except Exception:
            logger.exception("cannot record update %d in the inbox; handling it anyway", update.update_id)
            return True
        return update.update_id in new

    async def drain(self, bound: float) -> int:
        """Wait up to `bound` seconds for the updates in hand, then cancel the rest; returns how many were
        cancelled (they stay in the inbox)."""
        try:
            await asyncio.wait_for(self._idle.wait(), bound)
            return 0
        except TimeoutError:
            left = list(self._tasks)
            for task in left:
                task.cancel()
            await asyncio.gather(*left, return_exceptions=True)
            return len(left)

    async def do_process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        await self._in_order(update, coroutine)
        if self.state is not None and isinstance(update, Update):
            try:
                await asyncio.to_thread(self.state.done, update.update_id)
            except Exception:
                logger.exception("cannot mark update %d done in the inbox", update.update_id)

    async def _in_order(self, update: object, coroutine: Awaitable[object]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        lock = self._locks.setdefault(chat.id, asyncio.Lock())
        self._pending[chat.id] = self._pending.get(chat.id, 0) + 1
        try:
            async with lock:  # asyncio.Lock is fair: waiters get it in arrival order
                await coroutine
        finally:
            self._pending[chat.id] -= 1
            if not self._pending[chat.id]:  # no one queued: forget the chat, memory stays bounded
                del self._pending[chat.id], self._locks[chat.id]

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
