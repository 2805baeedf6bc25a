"""`resobot feedback`: what users thought of the answers, from the votes the Telegram bot stored."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from telegram.ext import Application

from bot import cli as cli_module
from bot.settings import Settings
from bot.state.sqlite import SqliteState
from tests.botapi_server import BotApiServer
from tests.telegram_helpers import BOKAYEV_FR, CHAT, WAIT, ask, feedback


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli_module.cli, ["feedback", *args], catch_exceptions=False)
    return result.exit_code, result.output


def record_votes(path: Path) -> None:
    state = SqliteState(path)
    state.record_answer("a1", "Qui est Maks Bokayev ?", ["paragraph-4"])
    state.record_answer("a2", "Quelle est la capitale du Kazakhstan ?", [])
    state.record_answer("a3", "What about trade unions?", ["recital-F", "paragraph-4"])
    for answer_id, vote, user in [("a1", "up", 1), ("a1", "up", 2), ("a2", "down", 3), ("a3", "down", 1),
                                  ("a1", "up", 4), ("a1", "down", 4),  # user 4 changed their mind
                                  ("a1", "up", 1)]:  # user 1 pressed 👍 twice: counted once
        state.vote(answer_id, vote, user)
    state.close()


def test_feedback_summarizes_votes_per_answer_and_per_cited_unit() -> None:
    record_votes(Settings().state_path)
    code, output = run("--json")
    assert code == 0
    summary = json.loads(output)
    assert {k: summary[k] for k in ("up", "down", "total", "up_ratio")} == {
        "up": 2, "down": 3, "total": 5, "up_ratio": 0.4}
    assert summary["units"] == [{"unit": "paragraph-4", "up": 2, "down": 2},
                                {"unit": "recital-F", "up": 0, "down": 1}]
    assert [(d["question"], d["citations"]) for d in summary["recent_down"]] == [
        ("Qui est Maks Bokayev ?", ["paragraph-4"]),
        ("What about trade unions?", ["recital-F", "paragraph-4"]),
        ("Quelle est la capitale du Kazakhstan ?", []),
    ]


def test_feedback_prints_a_readable_summary() -> None:
    record_votes(Settings().state_path)
    code, output = run("--recent", "1")
    assert code == 0
    lines = output.splitlines()
    assert lines[0] == "votes: 5  👍 2  👎 3  (40% 👍)"
    assert "  paragraph-4       2    2" in lines
    assert lines[-2] == "latest 👎 questions:"
    assert lines[-1].endswith("  Qui est Maks Bokayev ?  [paragraph-4]")


def test_feedback_without_votes_says_so_and_creates_nothing() -> None:
    assert run() == (0, "No votes yet.\n")
    assert json.loads(run("--json")[1])["total"] == 0
    assert not Settings().state_path.exists()


async def test_thumbs_up_pressed_in_telegram_is_counted(server: BotApiServer, app: Application,
                                                        bot_settings: Settings) -> None:
    (reply,) = await ask(server, BOKAYEV_FR)
    server.press_button(CHAT, reply.message_id, text="👍")
    (answer,) = await server.wait_until(lambda: server.callback_answers(CHAT), timeout=WAIT, what="answer")
    await server.wait_until(lambda: feedback(bot_settings), timeout=WAIT, what="vote")
    assert answer["text"] == "Thanks for your feedback!"
    summary = json.loads(run("--json")[1])
    assert (summary["up"], summary["down"], summary["units"]) == (1, 0, [
        {"unit": "paragraph-4", "up": 1, "down": 0}])
