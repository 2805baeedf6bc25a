"""Open the pipeline at start: the index is built if missing or outdated (index.store.open_index), and an
embedded store that cannot be opened is moved aside (never deleted) and rebuilt once."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from bot.pipeline import Pipeline
from bot.settings import Settings
from bot.state.base import move_aside
from index.align import AlignmentError
from index.parse import ParseError

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

logger = logging.getLogger(__name__)


class StoreError(RuntimeError):
    """The Chroma store cannot be opened or rebuilt; the message says where and what to do."""


def _forget_client(store_dir: Path) -> None:
    """Chroma caches one client system per path, even a broken one: drop it, so that the rebuilt store
    at the same path is opened afresh."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_system.pop(str(store_dir), None)


def open_pipeline(
    settings: Settings, llm: BaseChatModel | None = None, show_progress: bool = False
) -> Pipeline:
    """The pipeline over a checked index: built if missing or outdated, rebuilt once if corrupt;
    `show_progress`: a build is shown on stderr."""
    try:
        return Pipeline(settings, llm=llm, show_progress=show_progress)
    except (FileNotFoundError, ParseError, AlignmentError):
        raise  # the corpus is missing or malformed: not the store's fault, and the message says so
    except Exception as exc:
        if settings.use_server:
            raise StoreError(
                f"cannot open the index on the Chroma server {settings.chroma_host or '127.0.0.1'}:"
                f"{settings.chroma_port} ({exc}); check that `chroma run` is up, or unset CHROMA_HOST"
            ) from exc
        store = settings.store_dir
        if not store.exists():
            raise StoreError(f"cannot build the index in {store}: {exc}") from exc
        logger.exception("the index in %s cannot be opened; moving it aside and rebuilding", store)
        _forget_client(store)
        aside = move_aside(store)
        logger.warning("moved the broken index to %s; rebuilding it in %s", aside, store)
    try:
        return Pipeline(settings, llm=llm, show_progress=show_progress)
    except Exception as exc:
        raise StoreError(
            f"the index in {store} was broken and could not be rebuilt ({exc}); the broken copy is kept in "
            f"{aside}. Check the disk and RESOBOT_DATA_DIR, then run `resobot index --force`."
        ) from exc
