"""Long polling with a bounded stop, and an exit code a restart policy can act on.

PTB's `run_polling` waits, on SIGTERM, for every update it has fetched to be handled (500 queued
questions: a minute), and Docker kills it long before; and when the token is revoked it stops polling
but stays up, deaf. Here SIGTERM/SIGINT stop the polling, the updates in hand get STOP_DRAIN_SECONDS to
finish, and the rest are cancelled: they stay in the inbox and are answered after the restart. A token
rejected while running (401) stops the bot the same way, and `run_polling` returns False.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
import time

from telegram.error import InvalidToken
from telegram.ext import Application

from bot.settings import Settings
from bot.telegram.client import ResobotBot
from bot.telegram.updates import ChatOrderedProcessor

logger = logging.getLogger(__name__)


def _forget_queued(application: Application) -> int:
    """Drop the updates fetched but not started: they are in the inbox, for the next start."""
    queue, n = application.update_queue, 0
    while not queue.empty():
        queue.get_nowait()
        queue.task_done()
        n += 1
    return n


async def _poll(application: Application, settings: Settings) -> bool:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    bot: ResobotBot = application.bot  # type: ignore[assignment]
    await application.initialize()  # getMe: a rejected token raises InvalidToken here
    try:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        await application.updater.start_polling()  # type: ignore[union-attr]
        waits = [asyncio.create_task(stop.wait()), asyncio.create_task(bot.revoked.wait())]
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for task in waits:
            task.cancel()
        logger.info("stopping: finishing the questions in hand (at most %g s)", settings.stop_drain_seconds)
        if application.updater.running:  # type: ignore[union-attr]
            with contextlib.suppress(InvalidToken):  # the polling's own end, already logged
                await application.updater.stop()  # type: ignore[union-attr]
        queued = _forget_queued(application)
        processor: ChatOrderedProcessor = application.update_processor  # type: ignore[assignment]
        cancelled = await processor.drain(settings.stop_drain_seconds)
        if queued or cancelled:
            logger.warning("%d updates left for the next start (in the inbox)", queued + cancelled)
        await application.stop()
    finally:
        if application.running:  # an error above: stop without draining
            await application.stop()
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
    return not bot.revoked.is_set()


def run_polling(application: Application, settings: Settings) -> bool:
    """Poll until SIGTERM/SIGINT (True) or until the token is rejected (False). Raises InvalidToken when
    the token is rejected at start."""
    return asyncio.run(_poll(application, settings))


def stuck_workers(wait: float = 2.0) -> bool:
    """True if a pipeline thread is still held by a hung dependency after `wait` seconds: the process
    should then exit without waiting for it (it would, at interpreter exit)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if not any(t.name.startswith("pipeline") and t.is_alive() for t in threading.enumerate()):
            return False
        time.sleep(0.05)
    return True
