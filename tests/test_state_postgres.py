"""The state store as a setting: a SQLite file by default, or PostgreSQL shared by several bot processes.

The PostgreSQL tests run against a real server: `.ci/run` starts one on 127.0.0.1 and sets
RESOBOT_TEST_POSTGRES_URL (and RESOBOT_REQUIRE_POSTGRES=1, so that they fail there instead of skipping)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from bot import cli as cli_module
from bot.settings import Settings
from bot.state.base import StateError, StateStore, redact_url
from bot.state.factory import open_state
from bot.state.sqlite import SqliteState
from tests.botapi_server import BotApiServer
from tests.telegram_helpers import BOKAYEV_FR, CHAT, TOKEN
from tests.test_telegram import FOLLOW_UP
from tests.test_telegram_webhook import SECRET, free_port

_TABLES = ("resobot_history", "resobot_feedback", "resobot_answers", "resobot_inbox")


@pytest.fixture
def pg_url() -> str:
    """The test server's URL, its resobot tables dropped: every test starts from an empty store."""
    url = os.environ.get("RESOBOT_TEST_POSTGRES_URL")
    if not url:
        why = "RESOBOT_TEST_POSTGRES_URL is not set (.ci/run starts a PostgreSQL server and sets it)"
        if os.environ.get("RESOBOT_REQUIRE_POSTGRES") == "1":
            pytest.fail(why)
        pytest.skip(why)
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {', '.join(_TABLES)}")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateStore]:
    """Each store in turn: the same contract holds for both."""
    sqlite = f"sqlite:///{tmp_path}/state.sqlite3"
    url = sqlite if request.param == "sqlite" else request.getfixturevalue("pg_url")
    state = open_state(url)
    yield state
    state.close()


def test_state_url_defaults_to_the_sqlite_file_and_a_url_takes_precedence(data_dir: Path) -> None:
    assert Settings().state_url == f"sqlite:///{data_dir}/state.sqlite3"
    assert Settings(resobot_state_path="/srv/s.db").state_url == "sqlite:////srv/s.db"
    url = "postgresql://resobot:pw@db:5432/resobot"
    assert Settings(resobot_state_path="/srv/s.db", resobot_state_url=url).state_url == url


def test_open_state_picks_the_store_from_the_url(tmp_path: Path) -> None:
    for url in (f"sqlite:///{tmp_path}/a.sqlite3", str(tmp_path / "b.sqlite3")):
        state = open_state(url)
        assert isinstance(state, SqliteState)
        state.close()
    assert (tmp_path / "a.sqlite3").exists() and (tmp_path / "b.sqlite3").exists()
    with pytest.raises(StateError, match=r"must be sqlite:///.* not 'mysql://u:\*\*\*@db/x'"):
        open_state("mysql://u:hunter2@db/x")
    assert redact_url("postgresql://u:hunter2@db:5432/x") == "postgresql://u:***@db:5432/x"


def test_history_keeps_the_last_questions_of_each_chat_oldest_first(store: StateStore) -> None:
    for i in range(6):
        store.remember(1, f"q{i}")
    store.remember(2, "other chat")
    assert store.history(1) == ["q2", "q3", "q4", "q5"]
    assert store.history(1, size=2) == ["q4", "q5"]
    store.forget(1)
    assert (store.history(1), store.history(2)) == ([], ["other chat"])


def test_votes_carry_what_was_asked_and_cited_and_no_user_id(store: StateStore) -> None:
    store.record_answer("a1", "Qui est Maks Bokayev ?", ["paragraph-4"], CHAT)
    assert store.vote("a1", "up", 12345, CHAT)
    rows = store.feedback()
    assert [(r["answer_id"], r["vote"], r["question"], json.loads(r["citations"])) for r in rows] == [
        ("a1", "up", "Qui est Maks Bokayev ?", ["paragraph-4"])]
    assert set(rows[0]) == {"answer_id", "vote", "question", "citations", "user_hash", "ts"}
    assert "12345" not in json.dumps(rows) and isinstance(rows[0]["ts"], float)


def test_only_up_or_down_on_an_answer_sent_to_that_chat_counts_and_a_users_last_vote_wins(
        store: StateStore) -> None:
    store.record_answer("a1", "Qui est Maks Bokayev ?", ["paragraph-4"], CHAT)
    forged = [("a1", "sideways", CHAT), ("a1", "", CHAT), ("never-sent", "down", CHAT), ("a1", "down", 999)]
    assert [store.vote(answer_id, vote, 7, chat) for answer_id, vote, chat in forged] == [False] * 4
    assert store.feedback() == []
    assert store.vote("a1", "up", 7, CHAT) and store.vote("a1", "down", 7, CHAT)
    assert store.vote("a1", "up", 8, CHAT)
    assert sorted(r["vote"] for r in store.feedback()) == ["down", "up"]  # one row per user, the last


def test_the_inbox_knows_each_update_once_and_hands_back_the_young_unanswered_ones(
        store: StateStore) -> None:
    assert store.receive([(i, f'{{"update_id": {i}}}') for i in (1, 2, 3)]) == {1, 2, 3}
    assert store.receive([(2, '{"update_id": 2}'), (4, '{"update_id": 4}')]) == {4}  # 2: delivered again
    store.done(1)
    assert store.pending(max_age=600) == (['{"update_id": 2}', '{"update_id": 3}', '{"update_id": 4}'], 0)
    time.sleep(0.05)
    assert store.pending(max_age=0.01) == ([], 3)  # too old to answer now: given up, counted once
    assert store.pending(max_age=600) == ([], 0)
    assert store.receive([(3, '{"update_id": 3}')]) == set()  # and still known


def test_two_postgres_stores_share_history_and_votes(pg_url: str) -> None:
    a, b = open_state(pg_url), open_state(pg_url)
    try:
        a.remember(CHAT, BOKAYEV_FR)
        a.record_answer("a1", BOKAYEV_FR, ["paragraph-4"])
        assert b.history(CHAT) == [BOKAYEV_FR]
        b.vote("a1", "up", 1)
        assert [r["question"] for r in a.feedback()] == [BOKAYEV_FR]
    finally:
        a.close()
        b.close()


def test_processes_starting_together_create_the_tables_once(pg_url: str) -> None:
    errors: list[BaseException] = []

    def start() -> None:
        try:
            open_state(pg_url).close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []


def test_a_lost_connection_is_reopened(pg_url: str) -> None:
    import psycopg

    state = open_state(pg_url)
    try:
        state.remember(CHAT, "before")
        with psycopg.connect(pg_url, autocommit=True) as admin:  # the server drops the bot's connection
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        state.remember(CHAT, "after")
        assert state.history(CHAT) == ["before", "after"]
    finally:
        state.close()


def test_an_unreachable_server_is_a_clear_error_without_the_password() -> None:
    port = free_port()
    with pytest.raises(StateError, match=rf"cannot connect to the state store postgresql://u:\*\*\*@127.0.0.1:{port}/x"
                       ) as info:
        open_state(f"postgresql://u:hunter2@127.0.0.1:{port}/x")
    assert "hunter2" not in str(info.value)


def test_feedback_and_health_commands_read_the_postgres_store(pg_url: str, settings: Settings,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    state = open_state(pg_url)
    state.record_answer("a1", BOKAYEV_FR, ["paragraph-4"])
    state.vote("a1", "down", 7)
    state.close()
    monkeypatch.setenv("RESOBOT_STATE_URL", pg_url)
    result = CliRunner().invoke(cli_module.cli, ["feedback", "--json"], catch_exceptions=False)
    assert result.exit_code == 0 and json.loads(result.output)["down"] == 1
    result = CliRunner().invoke(cli_module.cli, ["health"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"state: ok  {redact_url(pg_url)}" in result.output
    password = pg_url.split("@")[0].rsplit(":", 1)[1]
    assert password not in result.output


# ---------------------------------------------------------------- two bot processes behind one webhook


def _start_bot(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    resobot = Path(sys.executable).parent / "resobot"
    return subprocess.Popen(
        [str(resobot), "-v", "telegram", "--webhook-url", "https://bot.example.org/resobot"],
        env={**env, "TELEGRAM_WEBHOOK_PORT": str(port)}, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )


def _wait_listening(process: subprocess.Popen, port: int, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the bot exited with {process.returncode}:\n{log.read_text()}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/resobot", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.3)
    pytest.fail(f"the bot did not listen on {port} within {timeout} s:\n{log.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_two_bot_processes_share_history_and_feedback_through_postgres(
    pg_url: str, server: BotApiServer, settings: Settings, tmp_path: Path
) -> None:
    """Two `resobot telegram` processes behind one webhook, updates alternating between them: process B
    answers a follow-up with the question asked through A, and `resobot feedback` counts votes from both."""
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": server.base_url,
           "TELEGRAM_WEBHOOK_SECRET": SECRET, "TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1",
           "RESOBOT_STATE_URL": pg_url, "RESOBOT_DATA_DIR": str(settings.resobot_data_dir)}
    ports = [free_port(), free_port()]
    logs = [tmp_path / "bot-a.log", tmp_path / "bot-b.log"]
    bots = [_start_bot(env, port, log) for port, log in zip(ports, logs, strict=True)]
    try:
        for bot, port, log in zip(bots, ports, logs, strict=True):
            _wait_listening(bot, port, log)

        def post(port: int, act: Callable[[], object]) -> None:
            act()  # the user acts; Telegram POSTs the update to one replica (here: the one we choose)
            update = server.pending_updates()[-1]
            response = httpx.post(f"http://127.0.0.1:{port}/resobot", json=update, timeout=10,
                                  headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
            assert response.status_code == 200

        def replies(count: int) -> list:
            return server.wait_for_messages_sync(CHAT, count, timeout=60)

        post(ports[0], lambda: server.send_text(CHAT, BOKAYEV_FR, language_code="fr"))  # through A
        first = replies(1)[0]
        post(ports[1], lambda: server.send_text(CHAT, FOLLOW_UP, language_code="fr"))  # through B
        second = replies(2)[1]
        # With A's question from the store, B answers the follow-up about the same person.
        assert "Bokayev" in second.text, second.text
        assert second.buttons[0]["callback_data"].startswith("u:fr:")
        # Votes cross over: the answer given by A is rated through B, and B's answer through A.
        post(ports[1], lambda: server.press_button(CHAT, first.message_id, text="👍"))
        post(ports[0], lambda: server.press_button(CHAT, second.message_id, text="👎"))
        server.wait_until_sync(lambda: len(server.callback_answers(CHAT)) == 2, timeout=30, what="votes")
    finally:
        for bot in bots:
            _stop(bot)
    result = subprocess.run([str(Path(sys.executable).parent / "resobot"), "feedback", "--json"],
                            env=env, capture_output=True, text=True, timeout=60, check=True)
    summary = json.loads(result.stdout)
    assert (summary["up"], summary["down"]) == (1, 1)
    assert [d["question"] for d in summary["recent_down"]] == [FOLLOW_UP]
    cited = [[b["callback_data"].split(":")[2] for b in m.buttons if b["callback_data"].startswith("u:")]
             for m in (first, second)]
    assert cited[0] == ["paragraph-4"] and summary["recent_down"][0]["citations"] == cited[1]
    expected = {u: {"up": int(u in cited[0]), "down": int(u in cited[1])} for u in cited[0] + cited[1]}
    assert {u["unit"]: {"up": u["up"], "down": u["down"]} for u in summary["units"]} == expected
    assert all("Error" not in log.read_text() for log in logs), [log.read_text() for log in logs]
