"""Update processing: different chats are served concurrently, the updates of one chat in order.

PTB's default handles one update at a time, so every user waits for the Bot API round trips of everyone
before them; its `concurrent_updates(True)` would instead let a follow-up overtake the question it
follows. This processor gives each chat its own queue (a lock), and runs the queues concurrently.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class ChatOrderedProcessor(BaseUpdateProcessor):
    """At most `max_concurrent_updates` updates at once; those of one chat one after the other."""

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._pending: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[object]) -> None:
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
