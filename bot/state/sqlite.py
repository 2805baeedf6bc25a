"""The default state store: one small SQLite file (stdlib sqlite3; one short transaction per call).
Enough for one bot process; two replicas need the PostgreSQL store (bot/state/postgres.py).

A file that is not a database (or a corrupt one) is moved aside, never deleted, and a fresh one is made:
history and votes start again, but the bot starts. WAL journal, synced at checkpoints: a power cut may
lose the last transactions, never the file."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from bot.state.base import HISTORY_SIZE, INBOX_KEEP, PRUNE_EVERY, VOTES, move_aside, user_hash

logger = logging.getLogger(__name__)

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
CREATE TABLE IF NOT EXISTS inbox (
    update_id INTEGER PRIMARY KEY, ts REAL NOT NULL, payload TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS inbox_pending ON inbox (done, ts);
"""


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, check_same_thread=False)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        with db:
            db.executescript(_SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(answers)")}
            if "chat_id" not in columns:  # a file from before votes were tied to the chat
                db.execute("ALTER TABLE answers ADD COLUMN chat_id INTEGER")
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db


class SqliteState:
    """Chat history, feedback and the inbox in a SQLite file. Safe to call from several threads (one
    connection, one lock)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.url = f"sqlite:///{path}"
        self._lock = threading.Lock()
        self._received = 0
        try:
            self._db = _connect(path)
        except sqlite3.DatabaseError as exc:
            aside = move_aside(path)
            for suffix in ("-wal", "-shm"):  # the journal of the broken file goes with it
                if (journal := path.with_name(path.name + suffix)).exists():
                    journal.rename(aside.with_name(aside.name + suffix))
            logger.error("the state file %s cannot be read (%s): moved it to %s and started a new one",
                         path, exc, aside)
            self._db = _connect(path)

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

    def record_answer(
        self, answer_id: str, question: str, citations: Sequence[str], chat_id: int | None = None
    ) -> None:
        """Keep what was asked and cited, and in which chat, so that a later vote on the answer can be
        checked and say what it rated."""
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO answers (answer_id, question, citations, ts, chat_id) "
                "VALUES (?, ?, ?, ?, ?)",
                (answer_id, question, json.dumps(list(citations)), time.time(), chat_id),
            )

    def vote(self, answer_id: str, vote: str, user_id: int, chat_id: int | None = None) -> bool:
        """Record 👍 or 👎 on an answer that was sent (to `chat_id`, when given); a user's new vote on the
        same answer replaces theirs. False, and nothing stored, for anything else."""
        if vote not in VOTES:
            return False
        with self._lock, self._db:
            row = self._db.execute(
                "SELECT question, citations, chat_id FROM answers WHERE answer_id = ?", (answer_id,)
            ).fetchone()
            if row is None or (chat_id is not None and row[2] is not None and row[2] != chat_id):
                return False
            who = user_hash(user_id)
            self._db.execute("DELETE FROM feedback WHERE answer_id = ? AND user_hash = ?", (answer_id, who))
            self._db.execute(
                "INSERT INTO feedback VALUES (?, ?, ?, ?, ?, ?)",
                (answer_id, vote, row[0], row[1], who, time.time()),
            )
        return True

    def feedback(self) -> list[dict[str, object]]:
        with self._lock:
            cursor = self._db.execute("SELECT * FROM feedback ORDER BY ts")
            names = [c[0] for c in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def receive(self, updates: Sequence[tuple[int, str]]) -> set[int]:
        """Record updates (id, JSON) as received; returns the ids that were not known yet. Now and then,
        handled ones older than a day are forgotten."""
        now, new = time.time(), set()
        with self._lock, self._db:
            self._received += 1
            if self._received % PRUNE_EVERY == 0:
                self._db.execute("DELETE FROM inbox WHERE done = 1 AND ts < ?", (now - INBOX_KEEP,))
            for update_id, payload in updates:
                cursor = self._db.execute(
                    "INSERT OR IGNORE INTO inbox (update_id, ts, payload) VALUES (?, ?, ?)",
                    (update_id, now, payload),
                )
                if cursor.rowcount:
                    new.add(update_id)
        return new

    def done(self, update_id: int) -> None:
        """The update was handled: its replies are sent."""
        with self._lock, self._db:
            self._db.execute("UPDATE inbox SET done = 1, payload = '' WHERE update_id = ?", (update_id,))

    def pending(self, max_age: float) -> tuple[list[str], int]:
        """The updates received but not handled, younger than `max_age` seconds, oldest first; older
        ones are given up (marked done) and counted. Handled ones older than a day are forgotten."""
        now = time.time()
        with self._lock, self._db:
            self._db.execute("DELETE FROM inbox WHERE done = 1 AND ts < ?", (now - INBOX_KEEP,))
            stale = self._db.execute(
                "UPDATE inbox SET done = 1, payload = '' WHERE done = 0 AND ts < ?", (now - max_age,)
            ).rowcount
            rows = self._db.execute(
                "SELECT payload FROM inbox WHERE done = 0 ORDER BY update_id"
            ).fetchall()
        return [payload for (payload,) in rows], stale
