"""The bot's Bot API client: PTB's ExtBot, plus what long polling needs to lose nothing and never wedge.

- Every update fetched is recorded in the state store's inbox before PTB acknowledges it (PTB does so
  with the next getUpdates): a bot killed with questions queued answers them after its restart. An
  update already in the inbox (Telegram delivering again what a killed bot had fetched) is not handled
  twice.
- An update that PTB cannot parse (Telegram changed, or a proxy mangled it) would fail every getUpdates
  for ever: it is skipped with one warning that names its id and the error type, never its content.
- A 401 (the token revoked while running) sets `revoked`, so that the bot stops and exits non-zero
  instead of staying up deaf.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from telegram import Update
from telegram.error import InvalidToken
from telegram.ext import ExtBot

from bot.state.base import StateStore

logger = logging.getLogger(__name__)

JSONDict = dict[str, Any]


class ResobotBot(ExtBot):
    """ExtBot with the inbox, the skipping of unparsable updates, and the revoked-token signal."""

    def __init__(self, *args: Any, state: StateStore | None = None, recorded: set[int] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._inbox = state
        self._recorded = recorded if recorded is not None else set()  # the processor takes them out
        self._revoked = asyncio.Event()

    @property
    def revoked(self) -> asyncio.Event:
        """Set when the Bot API server rejects the token (401)."""
        return self._revoked

    async def _post(self, endpoint: str, data: JSONDict | None = None, *args: Any, **kwargs: Any) -> Any:
        try:
            result = await super()._post(endpoint, data, *args, **kwargs)
        except InvalidToken:
            self._revoked.set()
            raise
        if endpoint == "getUpdates" and isinstance(result, list) and result:
            result = await self._admit(result)
        return result

    def _parsable(self, update: object) -> bool:
        try:
            Update.de_json(dict(update), self)  # type: ignore[call-overload]
        except Exception as exc:
            update_id = update.get("update_id") if isinstance(update, dict) else None
            logger.warning("skipped update %s: it cannot be parsed (%s)", update_id, type(exc).__name__)
            return False
        return True

    async def _admit(self, updates: list[Any]) -> list[JSONDict]:
        """The batch as PTB will see it: unparsable and already-received updates become empty ones (which
        no handler takes, but whose id moves the offset on), the others are recorded in the inbox."""
        ids = [u.get("update_id") if isinstance(u, dict) else None for u in updates]
        if not all(isinstance(i, int) for i in ids):  # not even an id: nothing can be skipped safely
            logger.warning("skipped a batch of %d updates: one has no update_id", len(updates))
            return []
        good = {u["update_id"]: u for u in updates if self._parsable(u)}
        new = set(good)
        if self._inbox is not None and good:
            rows = [(i, json.dumps(u, ensure_ascii=False)) for i, u in good.items()]
            try:
                new = await asyncio.to_thread(self._inbox.receive, rows)
            except Exception:
                logger.exception("cannot record %d updates in the inbox; handling them anyway", len(rows))
        self._recorded.update(new)
        return [good[i] if i in new else {"update_id": i} for i in ids]
