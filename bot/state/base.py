"""What the Telegram bot remembers between messages and restarts: each chat's last questions and the
votes on answers. One interface, two stores, chosen by a URL (RESOBOT_STATE_URL):

- `sqlite:///path/to/state.sqlite3` (the default, in the data dir): one file, one bot process;
- `postgresql://user:password@host:5432/db`: shared by several bot processes (replicas behind one webhook).

Example usage: state = open_state(settings.state_url); state.remember(chat_id, "Qui est…"); state.close()
(`open_state` lives in bot.state.factory: this interface does not import the stores it chooses between.)
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

HISTORY_SIZE = 4  # questions of a chat handed to the pipeline for follow-ups
VOTES = ("up", "down")  # the only votes a 👍 / 👎 button sends
INBOX_KEEP = 24 * 3600.0  # seconds a handled update stays in the inbox (so that a redelivery is recognized)
PRUNE_EVERY = 1000  # getUpdates batches between two prunings of the inbox


class StateError(RuntimeError):
    """The state store URL is unusable, or its driver is missing; the message says what to do."""


def user_hash(user_id: int) -> str:
    """Votes are kept without the Telegram user id: only its sha256."""
    return hashlib.sha256(str(user_id).encode()).hexdigest()


class StateStore(Protocol):
    """Chat history and feedback; every method is one short transaction, safe from several threads."""

    url: str

    def close(self) -> None: ...
    def ping(self) -> None: ...
    def history(self, chat_id: int, size: int = HISTORY_SIZE) -> list[str]: ...
    def remember(self, chat_id: int, question: str, keep: int = HISTORY_SIZE) -> None: ...
    def forget(self, chat_id: int) -> None: ...
    def record_answer(
        self, answer_id: str, question: str, citations: Sequence[str], chat_id: int | None = None
    ) -> None: ...
    def vote(self, answer_id: str, vote: str, user_id: int, chat_id: int | None = None) -> bool: ...
    def feedback(self) -> list[dict[str, object]]: ...
    # The durable inbox: Telegram updates recorded when received, marked done once answered.
    def receive(self, updates: Sequence[tuple[int, str]]) -> set[int]: ...
    def done(self, update_id: int) -> None: ...
    def pending(self, max_age: float) -> tuple[list[str], int]: ...


def sqlite_path(url: str) -> Path | None:
    """The file of a `sqlite:///…` URL (or of a bare path), None for any other store."""
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///") or "state.sqlite3")
    if "://" not in url:
        return Path(url)
    return None


def is_postgres(url: str) -> bool:
    return urlsplit(url).scheme in ("postgresql", "postgres", "postgresql+psycopg")


def redact_url(url: str) -> str:
    """The URL without its password, for logs and messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username or ''}:***@{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def move_aside(path: Path) -> Path:
    """Rename `path` to `path.broken-<UTC time>` (a number appended if taken) and return the new path."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    target, n = path.with_name(f"{path.name}.broken-{stamp}"), 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.broken-{stamp}-{n}")
    path.rename(target)
    return target
