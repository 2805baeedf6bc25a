"""`resobot health`: is this bot able to answer? The index is in the Chroma store (embedded or server),
current and not empty, and the state store (SQLite file or PostgreSQL) answers. Nothing is built or
repaired here: that is the bot's job at start (bot/startup.py). The Dockerfile's HEALTHCHECK runs it.

Example usage: resobot health
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from bot.settings import Settings


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def check_index(settings: Settings) -> Check:
    """Both collections exist in the configured store, carry the current corpus's fingerprint, and hold
    rows."""
    where = (f"Chroma server {settings.chroma_host or '127.0.0.1'}:{settings.chroma_port}"
             if settings.use_server else str(settings.store_dir))
    if not settings.use_server and not settings.store_dir.exists():
        return Check("index", False, f"no index in {where}: run `resobot index`")
    try:
        from index.embeddings import MODEL_ID
        from index.store import chroma_client, corpus_fingerprint

        wanted = corpus_fingerprint(settings, MODEL_ID)
        client = chroma_client(settings)
        counts = []
        for part in ("units", "sentences"):
            collection = client.get_collection(f"{settings.chroma_collection}-{part}")
            if (collection.metadata or {}).get("fingerprint") != wanted:
                why = f"{collection.name} in {where} is out of date: run `resobot index`"
                return Check("index", False, why)
            counts.append(len(collection.get(where={"language": "fr"}, include=[])["ids"]))  # French rows
    except Exception as exc:  # a server down, a missing collection, a corrupt file: all mean "not healthy"
        return Check("index", False, f"cannot open the index in {where}: {exc}")
    if not all(counts):
        return Check("index", False, f"the index in {where} is empty: run `resobot index`")
    return Check("index", True, f"{counts[0]} units, {counts[1]} sentences in {where}")


def check_state(settings: Settings) -> Check:
    """The state store opens and answers a query."""
    from bot.state.base import redact_url, sqlite_path
    from bot.state.factory import open_state

    url = settings.state_url
    path = sqlite_path(url)
    if path is not None and not path.exists():  # the bot creates it at start: a health check creates nothing
        parent = next((p for p in [path.parent, *path.parent.parents] if p.exists()), None)
        if parent is not None and os.access(parent, os.W_OK):
            return Check("state", True, f"{url} (no file yet: the bot creates it at start)")
        return Check("state", False, f"{url} cannot be created: {parent} is not writable")
    try:
        state = open_state(url)
        try:
            state.ping()
        finally:
            state.close()
    except Exception as exc:
        return Check("state", False, f"{redact_url(url)} does not answer: {exc}")
    return Check("state", True, redact_url(url))


def check_all(settings: Settings) -> list[Check]:
    return [check_index(settings), check_state(settings)]
