"""What the commands of the command line share: the settings, the one pipeline, the --llm option and JSON
output. Imports of Chroma, LangChain and the model happen inside, when a command needs the pipeline."""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING

import click

from bot import collector

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from bot.pipeline import Pipeline
    from bot.settings import Settings


def get_settings() -> Settings:
    from bot.settings import Settings

    return Settings()


def chat_model(settings: Settings) -> BaseChatModel:
    """The configured chat model, for --llm; a clear error when it is not configured or cannot be built."""
    from bot.answers.llm import LLMError, make_chat_model

    try:
        model = make_chat_model(settings)
    except LLMError as exc:
        raise click.ClickException(str(exc)) from exc
    if model is None:
        raise click.UsageError("--llm needs LLM_MODEL (e.g. openai:qwen2.5) and maybe LLM_BASE_URL")
    return model


@cache
def get_pipeline(llm: bool = False) -> Pipeline:
    """The shared pipeline; with `llm`, answers come from the configured chat model (LLM_MODEL). A first
    use builds the index, shown on stderr: a progress bar on a terminal, else one line."""
    from bot.startup import StoreError, open_pipeline

    config = get_settings()
    model = chat_model(config) if llm else None
    try:
        pipeline = open_pipeline(config, llm=model, show_progress=True)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    collector.release()  # the start is over (bot/collector.py)
    return pipeline


llm_option = click.option(
    "--llm", is_flag=True, envvar="RESOBOT_LLM", help="Generate answers with LLM_MODEL (verified citations)."
)


def print_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))
