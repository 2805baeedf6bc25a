"""A real OpenAI-compatible llama.cpp server (llama-cpp-python[server]) on 127.0.0.1 for the opt-in `llm`
tests and the generation benchmark. Set it up with scripts/llm-setup."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

MODEL_NAME = "resobot-test"  # the alias the server answers to: LLM_MODEL=openai:resobot-test
DEFAULT_MODEL_PATH = Path.home() / ".cache" / "resobot" / "models" / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"


class ServerUnavailable(RuntimeError):
    """The server cannot be started here: no llama-cpp-python server, or no model file."""


def model_path() -> Path:
    return Path(os.environ.get("RESOBOT_LLM_GGUF", DEFAULT_MODEL_PATH))


def why_unavailable(python: str = sys.executable) -> str | None:
    """None when a server can start, else the reason (to skip on)."""
    if not model_path().is_file():
        return f"no model at {model_path()} (run scripts/llm-setup, or set RESOBOT_LLM_GGUF)"
    probe = subprocess.run(
        [python, "-c", "import llama_cpp.server.app, uvicorn"], capture_output=True, text=True, check=False
    )
    if probe.returncode != 0:
        return "llama-cpp-python[server] is not installed (run scripts/llm-setup)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LlamaServer:
    """`python -m llama_cpp.server` as a subprocess: start() waits for /v1/models, stop() ends it."""

    def __init__(self, model: Path | None = None, n_ctx: int = 4096, log: Path | None = None) -> None:
        self.model = model or model_path()
        self.n_ctx = n_ctx
        self.port = free_port()
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, timeout: float = 120.0) -> LlamaServer:
        if reason := why_unavailable():
            raise ServerUnavailable(reason)
        command = [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(self.model), "--model_alias", MODEL_NAME,
            "--host", "127.0.0.1", "--port", str(self.port),
            "--n_ctx", str(self.n_ctx), "--n_threads", str(os.cpu_count() or 2),
            "--chat_format", "chatml",
        ]  # fmt: skip
        out = self.log.open("ab") if self.log else subprocess.DEVNULL
        # OpenMP threads that spin while waiting starve each other (and the server's own threads) on 2
        # cores: token rates then swing between 2 and 20 per second. Passive waiting keeps them steady.
        env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
        self.process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerUnavailable(f"llama.cpp server exited with code {self.process.returncode}")
            try:
                if httpx.get(f"{self.base_url}/models", timeout=2).status_code == 200:
                    self.warm_up()
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise ServerUnavailable(f"llama.cpp server not ready after {timeout:.0f} s")

    def warm_up(self) -> None:
        """One token, so that the first real answer does not pay for paging the model in (~20 s)."""
        body = {"model": MODEL_NAME, "messages": [{"role": "user", "content": "Bonjour"}], "max_tokens": 1}
        httpx.post(f"{self.base_url}/chat/completions", json=body, timeout=120)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def __enter__(self) -> LlamaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
