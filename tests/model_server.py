"""A small OpenAI-compatible chat server on 127.0.0.1 that answers like a careful model, for end-to-end
tests of LLM mode that must not wait for a real model (tests/llm_server.py runs one, opt-in): it reads
the units in the prompt and claims, citing it, the first sentence of the first one (or `claim`, which
the text may not support), after `delay` seconds. Its claims go through the bot's real verification
like any model's."""

from __future__ import annotations

import asyncio
import json
import re
import threading

from aiohttp import web

_UNIT = re.compile(r'<unit id="([^"]+)">\n(.*?)\n</unit>', re.S)
_SENTENCE = re.compile(r"(?<=[;.])\s")


class ChatEndpoint:
    """An OpenAI-compatible `/v1/chat/completions` on 127.0.0.1 (a free port), served from its own thread;
    subclasses answer in `_completions`."""

    name = "chat-endpoint"

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name=self.name, daemon=True)
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(timeout=10)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._completions)
        self.runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", 0).start()
        self.port = self.runner.addresses[0][1]

    async def _completions(self, request: web.Request) -> web.StreamResponse:
        raise NotImplementedError

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)


class QuotingModelServer(ChatEndpoint):
    name = "quoting-model"

    def __init__(self, delay: float = 0.0, claim: str | None = None) -> None:
        self.delay, self.claim, self.requests = delay, claim, 0
        super().__init__()

    def reply(self, prompt: str) -> str:
        """The JSON claims for a prompt: the first sentence of its first unit, or a refusal."""
        found = _UNIT.search(prompt)
        if found is None:
            return json.dumps({"refused": True, "claims": []})
        first = _SENTENCE.split(found.group(2).strip())[0].rstrip(";.,")
        text = self.claim or f"{first}."
        return json.dumps({"refused": False, "claims": [{"text": text, "units": [found.group(1)]}]})

    async def _completions(self, request: web.Request) -> web.Response:
        self.requests += 1
        body = await request.json()
        prompt = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))
        await asyncio.sleep(self.delay)
        return web.json_response({
            "id": f"chatcmpl-{self.requests}", "object": "chat.completion", "created": 0,
            "model": body.get("model", "quoting"),
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": self.reply(prompt)}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        })

        self.thread.join(timeout=10)
