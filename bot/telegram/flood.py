"""Flood control for Bot API calls: PTB's AIORateLimiter (Telegram's limits; a 429 waits its
retry_after and is retried), plus retries of network errors and 5xx answers, which it lets through.

"typing…" (sendChatAction) is not a message: it does not take a place in the 30 messages a second that
Telegram allows a bot, or a burst of questions would be answered at half that rate. It is best effort
(bot/telegram/chat_action.py), so it is sent at once and never waits for the limiter."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

logger = logging.getLogger(__name__)

JSONDict = dict[str, Any]


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter that also retries NetworkError (connection failures, TimedOut, and the 5xx answers
    PTB raises as NetworkError) with exponential backoff. BadRequest is a NetworkError in PTB but is
    Telegram refusing the request: retrying cannot help, so it is raised at once, as are Forbidden etc."""

    def __init__(self, *, network_tries: int = 3, backoff: float = 0.5, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.network_tries = network_tries
        self.backoff = backoff

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        if endpoint == "sendChatAction":
            return await callback(*args, **kwargs)
        for attempt in range(1, self.network_tries + 1):
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except BadRequest:
                raise
            except NetworkError as exc:
                if attempt == self.network_tries:
                    raise
                delay = self.backoff * 2 ** (attempt - 1)
                logger.warning("%s failed (%s); retry %d in %.1f s", endpoint, exc, attempt, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # the loop returns or raises
