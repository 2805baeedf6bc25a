"""Choose the state store a URL names. The interface (base) does not import its backends; this does."""

from __future__ import annotations

from pathlib import Path

from bot.state.base import StateError, StateStore, is_postgres, redact_url, sqlite_path


def open_state(url: str | Path) -> StateStore:
    """The state store named by `url`: `sqlite:///file` (or a plain path) or `postgresql://…`."""
    url = str(url)
    if (path := sqlite_path(url)) is not None:
        from bot.state.sqlite import SqliteState

        return SqliteState(path)
    if is_postgres(url):
        from bot.state.postgres import PostgresState

        return PostgresState(url)
    raise StateError(
        f"RESOBOT_STATE_URL must be sqlite:///path/to/state.sqlite3 or postgresql://user:pass@host/db, "
        f"not {redact_url(url)!r}"
    )
