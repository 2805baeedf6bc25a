"""All of resobot's settings, in one place: environment variables (prefix-free) or a `.env` file."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_CORPUS = (
    Path(__file__).resolve().parent.parent
    / "index"
    / "data"
    / ("ep-resolution-2019-2610-RSP-kazakhstan.fr.txt")
)


def _default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "resobot"


class Settings(BaseSettings):
    """resobot's configuration. Every field is read from the environment variable of the same name
    in upper case (e.g. `RESOBOT_DATA_DIR`, `CHROMA_HOST`) or from `.env` in the working directory."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    resobot_data_dir: Path = Field(default_factory=_default_data_dir, description="Where the store lives.")
    resobot_corpus: Path = Field(default=DEFAULT_CORPUS, description="The resolution's text file.")
    chroma_mode: Literal["embedded", "server"] = Field(
        default="embedded", description="embedded: PersistentClient in the data dir; server: `chroma run`."
    )
    chroma_host: str = Field(default="", description="Chroma server host; setting it implies server mode.")
    chroma_port: int = Field(default=8000, description="Chroma server port.")
    chroma_collection: str = Field(default="resobot", description="Chroma collection name prefix.")
    retrieval_k: int = Field(default=4, ge=1, le=50, description="Units shown by `search`.")
    answer_max_units: int = Field(default=2, ge=1, le=5, description="Units quoted in an offline answer.")
    refusal_margin: float = Field(
        default=0.02,
        description="Out-of-scope gate: refuse when the best sentence is not this much closer to the "
        "question than off-topic reference sentences are (calibrated by benchmarks/calibrate_refusal.py).",
    )
    max_question_chars: int = Field(default=1000, ge=10, description="Longer questions are cut.")
    telegram_bot_token: SecretStr | None = Field(default=None, description="The token BotFather gave.")
    telegram_base_url: str | None = Field(
        default=None, description='Bot API base URL, e.g. "http://127.0.0.1:8081/bot" (default: Telegram).'
    )
    resobot_state_path: Path | None = Field(
        default=None, description="SQLite file for chat history and feedback (default: in the data dir)."
    )

    @property
    def use_server(self) -> bool:
        return self.chroma_mode == "server" or bool(self.chroma_host)

    @property
    def state_path(self) -> Path:
        return self.resobot_state_path or self.resobot_data_dir / "state.sqlite3"

    @cached_property
    def store_dir(self) -> Path:
        return self.resobot_data_dir / "chroma"
