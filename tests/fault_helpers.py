"""What the fault tests share: the real `resobot telegram` process, started, signalled and read."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from bot.settings import Settings
from tests.botapi_server import BotApiServer
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
        self.server.wait_until_sync(
            lambda: len(self.server.calls("getUpdates")) > self._polls or self.process.poll() is not None,
            timeout=START, what="the bot polling")
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
