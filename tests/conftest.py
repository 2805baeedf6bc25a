"""Shared fixtures: every test runs in its own tmp dir, and the index is embedded once per session."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from bot.settings import DEFAULT_CORPUS, Settings
from index.models import Document
from index.parse import parse_resolution

# Environment variables that would point resobot (or Chroma) somewhere outside the test's tmp dir.
_LEAKY_ENV = (
    "RESOBOT_CORPUS", "RESOBOT_CORPUS_EN", "RESOBOT_CORPUS_EN_OFFICIAL",
    "CHROMA_MODE", "CHROMA_HOST", "CHROMA_PORT", "CHROMA_COLLECTION",
)


def _isolate(mp: pytest.MonkeyPatch, root: Path) -> Path:
    data_dir = root / "data"
    mp.chdir(root)  # no `.env` from the repository is read
    mp.setenv("RESOBOT_DATA_DIR", str(data_dir))
    mp.setenv("ANONYMIZED_TELEMETRY", "False")
    for name in _LEAKY_ENV:
        mp.delenv(name, raising=False)
    return data_dir


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test's data dir (`RESOBOT_DATA_DIR`, not created); the working directory is `tmp_path`."""
    return _isolate(monkeypatch, tmp_path)


@pytest.fixture(scope="session")
def corpus_text() -> str:
    return DEFAULT_CORPUS.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def document(corpus_text: str) -> Document:
    return parse_resolution(corpus_text)


@pytest.fixture(scope="session")
def built_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir holding the shipped corpus's index, embedded once per session. Treat it as read-only:
    tests that build or write go through the `settings` fixture, which works on a copy."""
    from index.store import build_index  # chromadb is slow to import; parser-only runs skip it

    root = tmp_path_factory.mktemp("built-index")
    with pytest.MonkeyPatch.context() as mp:
        data_dir = _isolate(mp, root)
        _, report = build_index(Settings(resobot_data_dir=data_dir))
    assert report.rebuilt and report.units == 50
    return data_dir


@pytest.fixture
def settings(built_index_dir: Path, data_dir: Path) -> Settings:
    """Settings whose data dir (also `RESOBOT_DATA_DIR`) is a private copy of the session's built index."""
    shutil.copytree(built_index_dir, data_dir)
    return Settings(resobot_data_dir=data_dir)


@dataclass
class EmbedLog:
    calls: int = 0
    texts: list[str] = field(default_factory=list)  # every text the store asked to embed
    computed: list[str] = field(default_factory=list)  # those the real model had to embed afresh


@pytest.fixture(scope="session")
def known_vectors(built_index_dir: Path) -> dict[str, np.ndarray]:
    """text → vector, as the real model embedded it into the session's store."""
    import chromadb

    client = chromadb.PersistentClient(
        path=str(built_index_dir / "chroma"), settings=chromadb.config.Settings(anonymized_telemetry=False)
    )
    vectors: dict[str, np.ndarray] = {}
    for name in ("resobot-units", "resobot-sentences"):
        got = client.get_collection(name).get(include=["documents", "embeddings"])
        vectors.update(zip(got["documents"], np.asarray(got["embeddings"], dtype=np.float32), strict=True))
    return vectors


@pytest.fixture
def embed_log(monkeypatch: pytest.MonkeyPatch, known_vectors: dict[str, np.ndarray]) -> EmbedLog:
    """Builds embed with the real model's vectors, remembered: each text the model already embedded
    (into the session's store, or for an earlier test) is not embedded again. Records every text asked."""
    from index.embeddings import E5Embeddings

    log = EmbedLog()
    real = E5Embeddings.passages

    def passages(self: E5Embeddings, texts: list[str]) -> np.ndarray:
        texts = list(texts)
        log.calls += 1
        log.texts += texts
        new = [t for t in dict.fromkeys(texts) if t not in known_vectors]
        if new:
            log.computed += new
            known_vectors.update(zip(new, real(self, new), strict=True))
        return real(self, []) if not texts else np.stack([known_vectors[t] for t in texts])

    monkeypatch.setattr(E5Embeddings, "passages", passages)
    return log


# ---------------------------------------------------------------- Telegram: the real PTB over a fake Bot API


@pytest.fixture(scope="module")
def pipeline(built_index_dir: Path):
    from bot.pipeline import Pipeline

    return Pipeline(Settings(resobot_data_dir=built_index_dir))


@pytest.fixture
def server() -> Iterator:
    """A fake Bot API server (tests/botapi_server.py) for the test token."""
    from tests.botapi_server import BotApiServer
    from tests.telegram_helpers import TOKEN

    with BotApiServer(token=TOKEN) as srv:
        yield srv


@pytest.fixture
def bot_settings(server, data_dir: Path) -> Settings:
    from tests.telegram_helpers import TOKEN

    return Settings(resobot_data_dir=data_dir, telegram_bot_token=TOKEN, telegram_base_url=server.base_url)


@pytest.fixture
async def app(bot_settings: Settings, pipeline) -> AsyncIterator:
    """The bot polling the fake server, with the shared pipeline."""
    from tests.telegram_helpers import running

    async with running(bot_settings, pipeline) as application:
        yield application
