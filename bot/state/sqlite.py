"""The default state store: one small SQLite file (stdlib sqlite3; one short transaction per call).
Enough for one bot process; two replicas need the PostgreSQL store (bot/state_postgres.py)."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from bot.state.base import HISTORY_SIZE, user_hash

_SCHEMA = """
CREATE TABLE IF NOT EXISTS history (chat_id INTEGER NOT NULL, ts REAL NOT NULL, question TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS history_chat ON history (chat_id, ts);
CREATE TABLE IF NOT EXISTS feedback (
    answer_id TEXT NOT NULL, vote TEXT NOT NULL, question TEXT NOT NULL, citations TEXT NOT NULL,
    user_hash TEXT NOT NULL, ts REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS answers (
    answer_id TEXT PRIMARY KEY, question TEXT NOT NULL, citations TEXT NOT NULL, ts REAL NOT NULL
);
"""


class SqliteState:
    """Chat history and feedback in a SQLite file. Safe to call from several threads (one connection, one
    lock)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.url = f"sqlite:///{path}"
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False)
        with self._lock, self._db:
            self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def ping(self) -> None:
        """Raises if the store does not answer (the health check)."""
        with self._lock:
            self._db.execute("SELECT count(*) FROM history").fetchone()

    def history(self, chat_id: int, size: int = HISTORY_SIZE) -> list[str]:
        """The chat's last `size` questions, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT question FROM history WHERE chat_id = ? ORDER BY ts DESC, rowid DESC LIMIT ?",
                (chat_id, size),
            ).fetchall()
        return [q for (q,) in reversed(rows)]

    def remember(self, chat_id: int, question: str, keep: int = HISTORY_SIZE) -> None:
        """Add a question to the chat's history and drop the older ones."""
        with self._lock, self._db:
            self._db.execute("INSERT INTO history VALUES (?, ?, ?)", (chat_id, time.time(), question))
            self._db.execute(
                "DELETE FROM history WHERE chat_id = ? AND rowid NOT IN "
                "(SELECT rowid FROM history WHERE chat_id = ? ORDER BY ts DESC, rowid DESC LIMIT ?)",
                (chat_id, chat_id, keep),
            )

    def forget(self, chat_id: int) -> None:
        with self._lock, self._db:
            self._db.execute("DELETE FROM history WHERE chat_id = ?", (chat_id,))

    def record_answer(self, answer_id: str, question: str, citations: Sequence[str]) -> None:
        """Keep what was asked and cited, so that a later vote on the answer can say what it rated."""
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?)",
                (answer_id, question, json.dumps(list(citations)), time.time()),
            )

    def vote(self, answer_id: str, vote: str, user_id: int) -> None:
        with self._lock, self._db:
            row = self._db.execute(
                "SELECT question, citations FROM answers WHERE answer_id = ?", (answer_id,)
            ).fetchone()
            question, citations = row or ("", "[]")
            self._db.execute(
                "INSERT INTO feedback VALUES (?, ?, ?, ?, ?, ?)",
                (answer_id, vote, question, citations, user_hash(user_id), time.time()),
            )

    def feedback(self) -> list[dict[str, object]]:
        with self._lock:
            cursor = self._db.execute("SELECT * FROM feedback ORDER BY ts")
            names = [c[0] for c in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
