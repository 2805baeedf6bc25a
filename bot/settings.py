"""All of resobot's settings, in one place: environment variables (prefix-free) or a `.env` file."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_CORPUS = (
    Path(__file__).resolve().parent.parent
    / "index"
    / "data"
    / ("ep-resolution-2019-2610-RSP-kazakhstan.fr.txt")
)
DEFAULT_CORPUS_EN = DEFAULT_CORPUS.with_name("ep-resolution-2019-2610-RSP-kazakhstan.en.txt")


def _default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "resobot"


class Settings(BaseSettings):
    """resobot's configuration. Every field is read from the environment variable of the same name
    in upper case (e.g. `RESOBOT_DATA_DIR`, `CHROMA_HOST`) or from `.env` in the working directory."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    resobot_data_dir: Path = Field(default_factory=_default_data_dir, description="Where the store lives.")
    resobot_corpus: Path = Field(default=DEFAULT_CORPUS, description="The resolution's text file.")
    resobot_corpus_en: Path | None = Field(
        default=None,
        description="Its English rendering (default: the shipped one, with the shipped RESOBOT_CORPUS).",
    )
    resobot_corpus_en_official: bool = Field(
        default=False,
        description="RESOBOT_CORPUS_EN is an official English version (labelled so, not as a translation).",
    )
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
    llm_model: str = Field(
        default="", description='LangChain "provider:model", e.g. "openai:qwen2.5"; empty: offline answers.'
    )
    llm_base_url: str | None = Field(
        default=None, description='An OpenAI-compatible server, e.g. "http://127.0.0.1:8080/v1".'
    )
    llm_api_key: SecretStr | None = Field(default=None, description="The model server's API key, if any.")
    llm_timeout: float = Field(
        default=60.0, gt=0, description="Seconds a model call may take in all, however slowly it streams."
    )
    llm_judge: Literal["off", "lenient", "strict"] = Field(
        default="off", description="LLM mode: a second model call judges the checked claims against their "
        'units; "lenient" drops those it judges unsupported, "strict" also those it judges partly supported.',
    )
    answer_deadline: float = Field(
        default=30.0, gt=0, description="Seconds a Telegram answer may take in all (search and model); "
        "then the asker is told the service is not responding."
    )
    chroma_timeout: float = Field(default=10.0, gt=0, description="Seconds before a Chroma server call fails")
    pipeline_workers: int = Field(
        default=0, ge=0, description="Telegram questions worked on at once; 0 = one per CPU core."
    )
    inbox_max_age: float = Field(
        default=600.0, ge=0, description="Seconds: unanswered Telegram questions younger than this are "
        "answered when the bot starts again (after a crash or a kill); older ones are dropped."
    )
    stop_drain_seconds: float = Field(
        default=20.0, ge=0, description="On SIGTERM, seconds to finish the questions in hand; the rest are "
        "answered after the restart (docker-compose's stop_grace_period is longer)."
    )
    max_question_chars: int = Field(default=1000, ge=10, description="Longer questions are cut.")
    telegram_bot_token: SecretStr | None = Field(default=None, description="The token BotFather gave.")
    telegram_base_url: str | None = Field(
        default=None, description='Bot API base URL, e.g. "http://127.0.0.1:8081/bot" (default: Telegram).'
    )
    resobot_state_path: Path | None = Field(
        default=None, description="SQLite file for chat history and feedback (default: in the data dir)."
    )
    resobot_state_url: str | None = Field(
        default=None,
        description='The state store: "sqlite:///path/state.sqlite3" or "postgresql://user:pass@host/db" '
        "(shared by several bot processes); default: the SQLite file RESOBOT_STATE_PATH.",
    )
    telegram_webhook_url: str | None = Field(
        default=None, description="Public HTTPS URL that Telegram posts updates to (webhook mode)."
    )
    telegram_webhook_secret: SecretStr | None = Field(
        default=None, description="Token Telegram sends with every webhook request (1-256 of A-Za-z0-9_-)."
    )
    telegram_webhook_listen: str = Field(default="0.0.0.0", description="Address the webhook server binds.")
    telegram_webhook_port: int = Field(default=8443, ge=1, le=65535, description="Port it listens on.")
    rate_limit_per_minute: int = Field(
        default=10, ge=0, description="Questions a user may ask a minute; 0 = off."
    )
    inline_cache_time: int = Field(
        default=30, ge=0, le=86400, description="Seconds Telegram may show an inline answer again for the "
        "same query (by the same user) without asking the bot."
    )
    allowed_ids: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(), description="Telegram user or chat ids allowed to use the bot; empty = everyone."
    )

    @field_validator("allowed_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """ALLOWED_IDS="12345, -1001234" (commas, semicolons or spaces) → {12345, -1001234}."""
        if isinstance(value, str):
            parts = value.replace(";", ",").replace(",", " ").split()
            bad = [p for p in parts if not p.lstrip("-").isdigit()]
            if bad:
                raise ValueError(f"ALLOWED_IDS must be Telegram user or chat ids (integers), not {bad[0]!r}")
            return frozenset(int(p) for p in parts)
        return value

    @property
    def english_corpus(self) -> Path | None:
        """The English rendering that goes with the corpus, if there is one."""
        if self.resobot_corpus_en is not None:
            return self.resobot_corpus_en
        return DEFAULT_CORPUS_EN if self.resobot_corpus.resolve() == DEFAULT_CORPUS else None

    @property
    def use_server(self) -> bool:
        return self.chroma_mode == "server" or bool(self.chroma_host)

    @property
    def state_path(self) -> Path:
        return self.resobot_state_path or self.resobot_data_dir / "state.sqlite3"

    @property
    def state_url(self) -> str:
        """RESOBOT_STATE_URL if set, else the SQLite file (RESOBOT_STATE_PATH or the data dir's)."""
        return (self.resobot_state_url or "").strip() or f"sqlite:///{self.state_path}"

    @cached_property
    def store_dir(self) -> Path:
        return self.resobot_data_dir / "chroma"
