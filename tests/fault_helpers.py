"""What the fault tests share: the real `resobot telegram` process, started, signalled and read; a real
`chroma run` server; a model server that hangs or drips."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from aiohttp import web

from bot.settings import Settings
from tests.botapi_server import BotApiServer
from tests.model_server import ChatEndpoint
from tests.telegram_helpers import TOKEN

START = 120.0  # seconds for a bot process to open its index and poll (2 busy cores)


class BotProcess:
    """`python -m bot telegram` against `server`, over the data dir of `settings`; its output in a file."""

    def __init__(self, workdir: Path, settings: Settings, server: BotApiServer, *, token: str = TOKEN,
                 **env: str) -> None:
        self.server = server
        self.log = workdir / f"bot-{len(list(workdir.glob('bot-*.log')))}.log"
        variables = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "LLM_"))}
        variables.update(RESOBOT_DATA_DIR=str(settings.resobot_data_dir), TELEGRAM_BOT_TOKEN=token,
                         TELEGRAM_BASE_URL=server.base_url, ANONYMIZED_TELEMETRY="False", **env)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "telegram"], cwd=workdir, env=variables, stdin=subprocess.DEVNULL,
            stdout=self.log.open("wb"), stderr=subprocess.STDOUT,
        )
        self._polls = len(server.calls("getUpdates"))

    def wait_polling(self) -> None:
        """Until the process polls (its index opened, its inbox read)."""
        deadline = time.monotonic() + START  # (a Bot API call does not wake wait_until_sync: poll)
        while len(self.server.calls("getUpdates")) <= self._polls and self.process.poll() is None:
            assert time.monotonic() < deadline, f"the bot did not poll within {START} s:\n{self.output()}"
            time.sleep(0.1)
        assert self.process.poll() is None, self.output()

    def signal(self, sig: signal.Signals) -> None:
        self.process.send_signal(sig)

    def wait(self, timeout: float) -> int:
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"the bot did not exit within {timeout} s:\n{self.output()}") from None

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


class ChromaServer:
    """`chroma run` over a copy of an embedded store (same files): a real server to hang with SIGSTOP."""

    def __init__(self, path: Path, port: int, log: Path) -> None:
        self.port = port
        chroma = Path(sys.executable).parent / "chroma"
        self.process = subprocess.Popen(
            [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"}, stdin=subprocess.DEVNULL,
            stdout=log.open("wb"), stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise AssertionError(f"chroma run did not start: {log.read_text(errors='replace')}")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGCONT)
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class StuckModelServer(ChatEndpoint):
    """An OpenAI-compatible endpoint that misbehaves: `hang` accepts and never answers; `drip` sends a
    valid answer one byte every `every` seconds (each read is quick, the whole takes minutes)."""

    name = "stuck-model"

    def __init__(self, mode: str, every: float = 1.5) -> None:
        self.mode, self.every, self.requests = mode, every, 0
        self.closing = threading.Event()
        super().__init__()

    async def _completions(self, request: web.Request) -> web.StreamResponse:
        self.requests += 1
        while self.mode == "hang" and not self.closing.is_set():
            await asyncio.sleep(0.1)
        body = json.dumps({"id": "x", "object": "chat.completion", "created": 0, "model": "stuck",
                           "choices": [{"index": 0, "finish_reason": "stop",
                                        "message": {"role": "assistant", "content": '{"claims": []}'}}]})
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        await response.prepare(request)
        for byte in body.encode():
            if self.closing.is_set():
                break
            await response.write(bytes([byte]))
            await asyncio.sleep(self.every)
        return response

    def stop(self) -> None:
        self.closing.set()
        super().stop()
        self.thread.join(timeout=10)
