"""The optional language model: any LangChain chat model named `provider:model` (`init_chat_model`),
typically an OpenAI-compatible server (llama.cpp, vLLM, Ollama) at `LLM_BASE_URL`. Unset: no model,
and resobot answers offline."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.settings import Settings

if TYPE_CHECKING:  # LangChain is imported when a model is built, not by whoever imports LLMError
    from langchain_core.language_models import BaseChatModel
    from langchain_core.runnables import Runnable

logger = logging.getLogger(__name__)

# Provider packages are optional extras: `pip install -e ".[openai]"`.
EXTRAS = {"openai": "langchain-openai", "ollama": "langchain-ollama", "anthropic": "langchain-anthropic"}
# Answers are a few JSON claims; a cap bounds the time a slow CPU model can take.
MAX_TOKENS = 512


class LLMError(RuntimeError):
    """LLM_MODEL is set but no chat model can be built from it (missing package, bad name)."""


def provider_of(model_name: str) -> str:
    """The provider of "provider:model" ("openai:qwen" → "openai"); a bare name means OpenAI-compatible."""
    provider, sep, _ = model_name.partition(":")
    return provider if sep else "openai"


def make_chat_model(settings: Settings) -> BaseChatModel | None:
    """The configured chat model, or None when LLM_MODEL is unset. Raises LLMError when the model is
    configured but cannot be built, so that a misconfiguration is seen at start-up, not at the first
    question."""
    if not settings.llm_model.strip():
        return None
    try:
        from langchain.chat_models import init_chat_model
    except ImportError as e:
        raise LLMError(
            'LLM_MODEL is set but the "langchain" package is missing: pip install -e ".[openai]"'
        ) from e
    name = settings.llm_model.strip()
    provider = provider_of(name)
    kwargs: dict[str, object] = {"temperature": 0, "timeout": settings.llm_timeout}
    if settings.llm_base_url:
        kwargs["base_url"] = settings.llm_base_url
    if provider == "openai":
        # A local server wants no key, but the OpenAI client refuses to start without one.
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        kwargs["api_key"] = key or ("not-needed" if settings.llm_base_url else None)
        kwargs["max_retries"] = 1  # a dead server should fall back quickly, not after three tries
        kwargs["max_tokens"] = MAX_TOKENS
        if kwargs["api_key"] is None:
            del kwargs["api_key"]
    elif settings.llm_api_key:
        kwargs["api_key"] = settings.llm_api_key.get_secret_value()
    if ":" not in name:
        name = f"openai:{name}"
    logger.info("chat model %s at %s, timeout %s s", name, settings.llm_base_url, settings.llm_timeout)
    try:
        return init_chat_model(name, **kwargs)
    except ImportError as e:
        package = EXTRAS.get(provider, f"langchain-{provider}")
        raise LLMError(f"LLM_MODEL={settings.llm_model!r} needs the {package} package: {e}") from e
    except Exception as e:  # pydantic validation, unknown provider, missing key…
        raise LLMError(f"cannot build the chat model LLM_MODEL={settings.llm_model!r}: {e}") from e


def is_openai_compatible(model: BaseChatModel) -> bool:
    """True for langchain-openai's ChatOpenAI (and subclasses), which speak OpenAI's response_format."""
    return any(cls.__name__ == "ChatOpenAI" for cls in type(model).__mro__)


def json_model(model: BaseChatModel) -> Runnable:
    """The model asked for a JSON object where the server supports it (json_mode, not json_schema:
    llama.cpp's server rejects json_schema); other models get the prompt's instructions alone."""
    if is_openai_compatible(model):
        return model.bind(response_format={"type": "json_object"})
    return model
