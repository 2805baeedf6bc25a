"""The shared state store: PostgreSQL (psycopg 3), so that several bot processes (replicas behind one
webhook) see the same chat histories and votes. `pip install "resobot[postgres]"`.

One connection per process, guarded by a lock (the bot's calls are short and few); a connection lost
(server restart, network blip) is reopened once and the call retried. Times come from the server's clock,
so replicas on different hosts order history the same way. Tables are prefixed `resobot_`."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from bot.state.base import HISTORY_SIZE, INBOX_KEEP, PRUNE_EVERY, VOTES, StateError, redact_url, user_hash

logger = logging.getLogger(__name__)
T = TypeVar("T")

_NOW = "extract(epoch from clock_timestamp())::double precision"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS resobot_history (
    id BIGSERIAL PRIMARY KEY, chat_id BIGINT NOT NULL, ts DOUBLE PRECISION NOT NULL, question TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS resobot_history_chat ON resobot_history (chat_id, ts);
CREATE TABLE IF NOT EXISTS resobot_feedback (
    id BIGSERIAL PRIMARY KEY, answer_id TEXT NOT NULL, vote TEXT NOT NULL, question TEXT NOT NULL,
    citations TEXT NOT NULL, user_hash TEXT NOT NULL, ts DOUBLE PRECISION NOT NULL
);
CREATE TABLE IF NOT EXISTS resobot_answers (
    answer_id TEXT PRIMARY KEY, question TEXT NOT NULL, citations TEXT NOT NULL, ts DOUBLE PRECISION NOT NULL
);
ALTER TABLE resobot_answers ADD COLUMN IF NOT EXISTS chat_id BIGINT;
CREATE TABLE IF NOT EXISTS resobot_inbox (
    update_id BIGINT PRIMARY KEY, ts DOUBLE PRECISION NOT NULL, payload TEXT NOT NULL,
    done BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX IF NOT EXISTS resobot_inbox_pending ON resobot_inbox (done, ts);
"""
_SCHEMA_LOCK = 0x7265736F  # pg_advisory_xact_lock key: two processes starting at once create tables once


class PostgresState:
    """Chat history and feedback in PostgreSQL, shared by every process that opens the same URL."""

    def __init__(self, url: str, connect_timeout: float = 10) -> None:
        try:
            import psycopg
        except ImportError as exc:
            raise StateError('RESOBOT_STATE_URL is a PostgreSQL URL but psycopg is missing: '
                             'pip install "resobot[postgres]"') from exc
        self._psycopg = psycopg
        self.url = redact_url(url)  # what logs and `resobot health` show
        self._dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
        self._timeout = connect_timeout
        self._lock = threading.Lock()
        self._received = 0
        self._conn: Any = None
        self._run(self._create_schema)

    def _connect(self) -> Any:
        try:
            return self._psycopg.connect(self._dsn, connect_timeout=int(self._timeout), autocommit=True)
        except self._psycopg.Error as exc:
            raise StateError(f"cannot connect to the state store {self.url}: {exc}") from exc

    def _run(self, work: Callable[[Any], T]) -> T:
        """`work(conn)` in one transaction; a broken connection is reopened and the work retried once."""
        with self._lock:
            for attempt in (1, 2):
                if self._conn is None or self._conn.closed:
                    self._conn = self._connect()
                try:
                    with self._conn.transaction():
                        return work(self._conn)
                except self._psycopg.OperationalError:
                    if attempt == 2 or not self._conn.closed:
                        raise
                    logger.warning("lost the connection to %s; reconnecting", self.url)
                    self._conn = None
        raise AssertionError("unreachable")

    @staticmethod
    def _create_schema(conn: Any) -> None:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
        conn.execute(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def ping(self) -> None:
        """Raises if the store does not answer (the health check)."""
        self._run(lambda c: c.execute("SELECT count(*) FROM resobot_history").fetchone())

    def history(self, chat_id: int, size: int = HISTORY_SIZE) -> list[str]:
        """The chat's last `size` questions, oldest first."""
        rows = self._run(lambda c: c.execute(
            "SELECT question FROM resobot_history WHERE chat_id = %s ORDER BY ts DESC, id DESC LIMIT %s",
            (chat_id, size)).fetchall())
        return [q for (q,) in reversed(rows)]

    def remember(self, chat_id: int, question: str, keep: int = HISTORY_SIZE) -> None:
        """Add a question to the chat's history and drop the older ones."""

        def work(c: Any) -> None:
            c.execute(f"INSERT INTO resobot_history (chat_id, ts, question) VALUES (%s, {_NOW}, %s)",
                      (chat_id, question))
            c.execute(
                "DELETE FROM resobot_history WHERE chat_id = %s AND id NOT IN (SELECT id FROM "
                "resobot_history WHERE chat_id = %s ORDER BY ts DESC, id DESC LIMIT %s)",
                (chat_id, chat_id, keep),
            )

        self._run(work)

    def forget(self, chat_id: int) -> None:
        self._run(lambda c: c.execute("DELETE FROM resobot_history WHERE chat_id = %s", (chat_id,)))

    def record_answer(
        self, answer_id: str, question: str, citations: Sequence[str], chat_id: int | None = None
    ) -> None:
        """Keep what was asked and cited, and in which chat, so that a later vote on the answer can be
        checked and say what it rated."""
        self._run(lambda c: c.execute(
            f"INSERT INTO resobot_answers (answer_id, question, citations, ts, chat_id) "
            f"VALUES (%s, %s, %s, {_NOW}, %s) ON CONFLICT (answer_id) DO UPDATE SET question = "
            "EXCLUDED.question, citations = EXCLUDED.citations, ts = EXCLUDED.ts, chat_id = EXCLUDED.chat_id",
            (answer_id, question, json.dumps(list(citations)), chat_id)))

    def vote(self, answer_id: str, vote: str, user_id: int, chat_id: int | None = None) -> bool:
        """Record 👍 or 👎 on an answer that was sent (to `chat_id`, when given); a user's new vote on the
        same answer replaces theirs. False, and nothing stored, for anything else."""
        if vote not in VOTES:
            return False

        def work(c: Any) -> bool:
            row = c.execute("SELECT question, citations, chat_id FROM resobot_answers WHERE answer_id = %s",
                            (answer_id,)).fetchone()
            if row is None or (chat_id is not None and row[2] is not None and row[2] != chat_id):
                return False
            who = user_hash(user_id)
            c.execute("DELETE FROM resobot_feedback WHERE answer_id = %s AND user_hash = %s",
                      (answer_id, who))
            c.execute(
                "INSERT INTO resobot_feedback (answer_id, vote, question, citations, user_hash, ts) "
                f"VALUES (%s, %s, %s, %s, %s, {_NOW})",
                (answer_id, vote, row[0], row[1], who),
            )
            return True

        return self._run(work)

    def feedback(self) -> list[dict[str, object]]:
        def work(c: Any) -> list[dict[str, object]]:
            cursor = c.execute("SELECT answer_id, vote, question, citations, user_hash, ts "
                               "FROM resobot_feedback ORDER BY ts, id")
            names = [d.name for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

        return self._run(work)

    def receive(self, updates: Sequence[tuple[int, str]]) -> set[int]:
        """Record updates (id, JSON) as received; returns the ids that were not known yet. Now and then,
        handled ones older than a day are forgotten."""
        self._received += 1
        prune = self._received % PRUNE_EVERY == 0

        def work(c: Any) -> set[int]:
            if prune:
                c.execute(f"DELETE FROM resobot_inbox WHERE done AND ts < {_NOW} - %s", (INBOX_KEEP,))
            new: set[int] = set()
            for update_id, payload in updates:
                row = c.execute(f"INSERT INTO resobot_inbox (update_id, ts, payload) VALUES (%s, {_NOW}, %s) "
                                "ON CONFLICT (update_id) DO NOTHING RETURNING update_id",
                                (update_id, payload)).fetchone()
                if row is not None:
                    new.add(update_id)
            return new

        return self._run(work)

    def done(self, update_id: int) -> None:
        """The update was handled: its replies are sent."""
        self._run(lambda c: c.execute(
            "UPDATE resobot_inbox SET done = TRUE, payload = '' WHERE update_id = %s", (update_id,)))

    def pending(self, max_age: float) -> tuple[list[str], int]:
        """The updates received but not handled, younger than `max_age` seconds, oldest first; older
        ones are given up (marked done) and counted. Handled ones older than a day are forgotten."""

        def work(c: Any) -> tuple[list[str], int]:
            c.execute(f"DELETE FROM resobot_inbox WHERE done AND ts < {_NOW} - %s", (INBOX_KEEP,))
            stale = c.execute(f"UPDATE resobot_inbox SET done = TRUE, payload = '' "
                              f"WHERE NOT done AND ts < {_NOW} - %s", (max_age,)).rowcount
            rows = c.execute("SELECT payload FROM resobot_inbox WHERE NOT done ORDER BY update_id").fetchall()
            return [payload for (payload,) in rows], stale

        return self._run(work)
