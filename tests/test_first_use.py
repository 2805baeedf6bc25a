"""The first question builds the index, and says so on stderr (index/progress.py): a progress bar on a
terminal, one plain line otherwise; stdout holds the answer alone, so `--json` output stays JSON. Builds
embed with the real model's vectors, remembered (`embed_log`, tests/conftest.py)."""

from __future__ import annotations

import io
import json
import os
import pty
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot import cli as cli_module
from bot.cli_shared import get_pipeline
from bot.settings import Settings
from tests.conftest import EmbedLog

QUESTION = "Qui est Maks Bokayev ?"
SAYS = "building the index, once: 50 units (French and English)"


@pytest.fixture(autouse=True)
def fresh_pipeline() -> Iterator[None]:
    get_pipeline.cache_clear()
    yield
    get_pipeline.cache_clear()


def test_first_ask_says_on_stderr_that_it_builds_the_index_and_prints_only_json(
    data_dir: Path, embed_log: EmbedLog
) -> None:
    assert not data_dir.exists()
    result = CliRunner().invoke(cli_module.cli, ["ask", "--json", QUESTION], catch_exceptions=False)
    assert result.exit_code == 0
    assert embed_log.texts  # the index was built by this command
    assert result.stderr == f"resobot: {SAYS} …\n"  # not a terminal: one plain line
    assert "paragraph-4" in json.loads(result.stdout)["citations"]


def test_ask_on_a_built_index_prints_nothing_on_stderr(settings: Settings, embed_log: EmbedLog) -> None:
    result = CliRunner().invoke(cli_module.cli, ["ask", "--json", QUESTION], catch_exceptions=False)
    assert result.exit_code == 0 and embed_log.calls == 0
    assert result.stderr == "" and json.loads(result.stdout)["citations"]


def test_index_force_says_it_rebuilds(settings: Settings, embed_log: EmbedLog) -> None:
    result = CliRunner().invoke(cli_module.cli, ["index", "--force"], catch_exceptions=False)
    assert result.stderr == "resobot: rebuilding the index: 50 units (French and English) …\n"
    assert result.stdout.startswith("index built: 50 units")


def _drain(fd: int, into: bytearray) -> None:
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the other end closed
            return
        if not chunk:
            return
        into += chunk


def test_on_a_terminal_the_first_ask_shows_a_progress_bar_on_stderr(
    data_dir: Path, embed_log: EmbedLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """stderr is a real pseudo-terminal; stdout a pipe-like buffer, as in `resobot ask --json | jq`."""
    for name in ("TERM", "NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    main, terminal = pty.openpty()
    screen = bytearray()
    reader = threading.Thread(target=_drain, args=(main, screen), daemon=True)
    reader.start()
    stdout = io.StringIO()
    with os.fdopen(terminal, "w", encoding="utf-8", closefd=False) as stderr:
        monkeypatch.setattr(sys, "stderr", stderr)
        monkeypatch.setattr(sys, "stdout", stdout)
        cli_module.cli.main(["ask", "--json", QUESTION], prog_name="resobot", standalone_mode=False)
        stderr.flush()
    os.close(terminal)
    reader.join(timeout=10)
    os.close(main)
    shown = screen.decode("utf-8", "replace")
    assert embed_log.texts and SAYS in shown
    assert "100%" in shown and "━" in shown  # the bar, finished
    assert "resobot: " not in shown  # not the plain line of a non-terminal
    assert "paragraph-4" in json.loads(stdout.getvalue())["citations"]
