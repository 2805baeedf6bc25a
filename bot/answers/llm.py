"""The optional language model: any LangChain chat model named `provider:model` (`init_chat_model`),
typically an OpenAI-compatible server (llama.cpp, vLLM, Ollama) at `LLM_BASE_URL`. Unset: no model,
and resobot answers offline.

Deadlines, not hopes: the OpenAI-compatible model gets a total time per call (`LLM_TIMEOUT`, shortened
to what is left of the answer's deadline, `within`), however slowly the server streams its bytes; the
call is then cancelled (its connection closed) and never retried. Other providers get LLM_TIMEOUT as
their client's timeout."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from bot.settings import Settings

if TYPE_CHECKING:  # LangChain is imported when a model is built, not by whoever imports LLMError
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage
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
        kwargs["max_retries"] = 0  # a retry would outlive the deadline: the offline answer instead
        kwargs["max_tokens"] = MAX_TOKENS
        if kwargs["api_key"] is None:
            del kwargs["api_key"]
    elif settings.llm_api_key:
        kwargs["api_key"] = settings.llm_api_key.get_secret_value()
    if ":" not in name:
        name = f"openai:{name}"
    logger.info("chat model %s at %s, timeout %s s", name, settings.llm_base_url, settings.llm_timeout)
    try:
        if provider == "openai":
            return _deadline_model_class()(model=name.split(":", 1)[1], total_timeout=settings.llm_timeout,
                                           **kwargs)
        return init_chat_model(name, **kwargs)
    except ImportError as e:
        package = EXTRAS.get(provider, f"langchain-{provider}")
        raise LLMError(f"LLM_MODEL={settings.llm_model!r} needs the {package} package: {e}") from e
    except Exception as e:  # pydantic validation, unknown provider, missing key…
        raise LLMError(f"cannot build the chat model LLM_MODEL={settings.llm_model!r}: {e}") from e


def message_text(message: BaseMessage | str) -> str:
    """The text of a model's reply, whatever the shape of its content."""
    if isinstance(message, str):
        return message
    content = message.content
    if isinstance(content, str):
        return content
    return "".join(b if isinstance(b, str) else str(b.get("text", "")) for b in content)


def is_openai_compatible(model: BaseChatModel) -> bool:
    """True for langchain-openai's ChatOpenAI (and subclasses), which speak OpenAI's response_format."""
    return any(cls.__name__ == "ChatOpenAI" for cls in type(model).__mro__)


def json_model(model: BaseChatModel) -> Runnable:
    """The model asked for a JSON object where the server supports it (json_mode, not json_schema:
    llama.cpp's server rejects json_schema); other models get the prompt's instructions alone."""
    if is_openai_compatible(model):
        return model.bind(response_format={"type": "json_object"})
    return model


# ------------------------------------------------------------------------------------------ deadlines
_deadline = threading.local()
_loop_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None


@contextlib.contextmanager
def within(at: float | None) -> Iterator[None]:
    """Model calls made by this thread inside the block end by `at` (a time.monotonic() value)."""
    previous = getattr(_deadline, "at", None)
    _deadline.at = at
    try:
        yield
    finally:
        _deadline.at = previous


def time_left(limit: float) -> float:
    """Seconds a model call may take now: `limit`, or less if the thread's deadline is nearer."""
    at = getattr(_deadline, "at", None)
    return limit if at is None else max(0.0, min(limit, at - time.monotonic()))


def _calls_loop() -> asyncio.AbstractEventLoop:
    """One event loop thread for the model calls: an asyncio call can be cancelled, a blocking read
    cannot."""
    global _loop
    with _loop_lock:
        if _loop is None:
            _loop = asyncio.new_event_loop()
            threading.Thread(target=_loop.run_forever, name="llm-calls", daemon=True).start()
        return _loop


def _deadline_model_class() -> type[BaseChatModel]:
    from langchain_openai import ChatOpenAI

    class DeadlineChatOpenAI(ChatOpenAI):
        """ChatOpenAI whose every call ends within `total_timeout` seconds (or the thread's deadline)."""

        total_timeout: float = 60.0

        def _generate(self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any) -> Any:
            budget = time_left(self.total_timeout)
            if budget <= 0:
                raise TimeoutError("no time left for the model")
            call = self._agenerate(messages, stop=stop, **kwargs)
            future = asyncio.run_coroutine_threadsafe(call, _calls_loop())
            try:
                return future.result(timeout=budget)
            except concurrent.futures.TimeoutError:
                future.cancel()
                raise TimeoutError(f"the model did not answer within {budget:.1f} s") from None

    return DeadlineChatOpenAI
