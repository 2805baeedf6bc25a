"""Shared fixtures: every test runs in its own tmp dir, and the index is embedded once per session."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

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
