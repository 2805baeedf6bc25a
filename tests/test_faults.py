"""The bot under faults: a rejected or revoked token, a broken state store (SQLite read-only, full or
corrupt; PostgreSQL connection lost), a huge message, an update that cannot be parsed, forged votes,
hard stops with questions queued, a hung Chroma server, a hung or dripping model server. Real PTB
polling the Bot-API-faithful server, real SQLite files and PostgreSQL, and, where an exit code or a
signal matters, the real `resobot telegram` process."""

from __future__ import annotations

import itertools
import json
import logging
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.answers.llm import make_chat_model
from bot.pipeline import Pipeline
from bot.settings import Settings
from bot.state.factory import open_state
from tests.botapi_server import BotApiServer
from tests.fault_helpers import BotProcess, ChromaServer, StuckModelServer
from tests.telegram_helpers import BOKAYEV_FR, CHAT, TOKEN, WAIT, ask, feedback, running
from tests.test_state_postgres import pg_url as pg_url  # the PostgreSQL fixture
from tests.test_telegram_webhook import free_port

OTHER_TOKEN = "987654321:AAHresobot-OTHER_token-0123456789abcdef"


# ---------------------------------------------------------------- the token never shows, and a 401 is fatal


def test_a_rejected_token_is_one_line_without_the_token_and_exit_code_1(server: BotApiServer,
                                                                        settings: Settings, tmp_path: Path
                                                                        ) -> None:
    bot = BotProcess(tmp_path, settings, server, token=OTHER_TOKEN)
    code = bot.wait(timeout=120)
    out = bot.output()
    assert code == 1
    assert out.strip().splitlines() == [
        "Error: the Bot API server rejected TELEGRAM_BOT_TOKEN (401 Unauthorized): check it with @BotFather"]
    assert OTHER_TOKEN.split(":")[1] not in out


def test_a_token_revoked_while_running_stops_the_bot_with_exit_code_1(server: BotApiServer,
                                                                     settings: Settings, tmp_path: Path
                                                                     ) -> None:
    bot = BotProcess(tmp_path, settings, server)
    bot.wait_polling()
    server.token = OTHER_TOKEN  # the owner revoked it with @BotFather: every call is now a 401
    code = bot.wait(timeout=30)
    out = bot.output()
    assert code == 1
    assert "rejected TELEGRAM_BOT_TOKEN (401 Unauthorized) while running" in out
    assert TOKEN.split(":")[1] not in out


def test_an_uncaught_exception_prints_its_traceback_without_the_secret() -> None:
    secret = "AAHuncaught-secret_0123456789abcdef"
    code = "\n".join([
        "import threading",
        "from bot.telegram.redact import hide_in_logs",
        f"hide_in_logs({secret!r})",
        "def fail():",
        f"    raise ValueError({secret!r})",
        "thread = threading.Thread(target=fail)",
        "thread.start()",
        "thread.join()",
        f"raise RuntimeError('cannot reach https://api.telegram.org/bot1:{secret}/getMe')",
    ])
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert secret not in done.stderr
    assert "RuntimeError: cannot reach https://api.telegram.org/bot1:<redacted>/getMe" in done.stderr
    assert "ValueError: <redacted>" in done.stderr  # a thread's uncaught exception too


# ---------------------------------------------------------------- the store never costs an answer


@pytest.mark.parametrize("fault", ["read-only", "full"])
async def test_a_failing_state_store_is_logged_and_the_answer_and_vote_still_go_out(
        server: BotApiServer, bot_settings: Settings, pipeline: Pipeline, fault: str,
        caplog: pytest.LogCaptureFixture) -> None:
    async with running(bot_settings, pipeline) as app:
        (first,) = await ask(server, BOKAYEV_FR)  # a working store: the answer is recorded
        db = app.bot_data["state"]._db
        if fault == "read-only":
            db.execute("PRAGMA query_only = ON")  # writes now fail: "attempt to write a readonly database"
        else:
            pages = db.execute("PRAGMA page_count").fetchone()[0]
            db.execute(f"PRAGMA max_page_count = {pages}")  # "database or disk is full"
        (reply,) = await ask(server, "Que demande le Parlement au sujet des syndicats ?" + " syndicats" * 400)
        assert reply.buttons and "Sorry, something went wrong" not in reply.text
        query = server.press_button(CHAT, first.message_id, text="👍")
        await server.wait_until(lambda: query not in server.unanswered_callback_queries(), timeout=WAIT,
                                what="the vote's callback answered")
    failed = {r.getMessage() for r in caplog.records if r.levelno == logging.ERROR}
    assert "cannot record 1 updates in the inbox; handling them anyway" in failed  # the long question
    if fault == "read-only":  # a full file still takes the small rows that fit in its free pages
        assert {"the state store failed (remember); going on without it",
                "the state store failed (vote); going on without it"} <= failed
        assert server.callback_answers(CHAT)[-1]["text"] == "This vote cannot be recorded."


def test_a_corrupt_state_file_is_moved_aside_and_rebuilt_with_a_log_line(tmp_path: Path,
                                                                       caplog: pytest.LogCaptureFixture
                                                                       ) -> None:
    path = tmp_path / "state.sqlite3"
    garbage = b"this is not a database" * 100
    path.write_bytes(garbage)
    state = open_state(f"sqlite:///{path}")
    try:
        state.remember(CHAT, "after the rebuild")
        assert state.history(CHAT) == ["after the rebuild"]
    finally:
        state.close()
    (aside,) = tmp_path.glob("state.sqlite3.broken-*")
    assert aside.read_bytes() == garbage  # kept, never deleted
    (line,) = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert line.startswith(f"the state file {path} cannot be read (") and str(aside) in line


# ---------------------------------------------------------------- one long message slows no one


async def test_history_keeps_the_question_as_answered_cut_to_max_question_chars(
        server: BotApiServer, bot_settings: Settings, pipeline: Pipeline, app: Application) -> None:
    huge = "Que dit la résolution sur les syndicats ? " * 2500  # ~100 000 characters
    (cut,) = await ask(server, huge)
    assert "seuls ses 1000 premiers caractères" in cut.text
    (reply,) = await ask(server, BOKAYEV_FR)
    assert reply.buttons and "Bokayev" in reply.text
    history = app.bot_data["state"].history(CHAT)
    assert len(history) == 2 and max(map(len, history)) <= bot_settings.max_question_chars


# ---------------------------------------------------------------- an unparsable update wedges nothing


async def test_an_unparsable_update_is_skipped_with_one_warning_without_its_text(
        server: BotApiServer, app: Application, caplog: pytest.LogCaptureFixture) -> None:
    secret_text = "my private question nobody should log"
    bad = server.push_raw_update("message", {  # no "date": PTB cannot build a Message from it
        "message_id": 99, "chat": {"id": CHAT, "type": "private"}, "text": secret_text,
        "from": {"id": CHAT, "is_bot": False, "first_name": "Alice"}})
    (reply,) = await ask(server, BOKAYEV_FR)
    assert reply.buttons
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and warnings[0].startswith(f"skipped update {bad}: it cannot be parsed (")
    assert secret_text not in caplog.text
    assert server.pending_updates() == [] or all(u["update_id"] > bad for u in server.pending_updates())


# ---------------------------------------------------------------- votes are checked


async def test_forged_votes_are_refused_and_every_query_is_answered(
        server: BotApiServer, bot_settings: Settings, app: Application) -> None:
    (mine,) = await ask(server, BOKAYEV_FR)
    (theirs,) = await ask(server, BOKAYEV_FR, chat_id=CHAT + 1)
    their_id = theirs.buttons[-1]["callback_data"].rsplit(":", 1)[1]
    forged = ["v:sideways:" + their_id, "v:up:never-sent-0000", "junk", "v:", f"v:up:{their_id}"]
    queries = [server.forge_callback_query(CHAT, mine.message_id, data) for data in forged]
    await server.wait_until(lambda: not set(queries) & set(server.unanswered_callback_queries()),
                            timeout=WAIT, what="every forged query answered")
    assert feedback(bot_settings) == []
    server.press_button(CHAT, mine.message_id, text="👍")
    server.press_button(CHAT, mine.message_id, text="👎")  # changed their mind: the last counts
    await server.wait_until(lambda: not server.unanswered_callback_queries(), timeout=WAIT, what="votes")
    assert [(v["vote"], json.loads(str(v["citations"]))) for v in feedback(bot_settings)] == [
        ("down", ["paragraph-4"])]


# ---------------------------------------------------------------- hard stops lose nothing


def _answers_per_chat(server: BotApiServer, chats: list[int]) -> dict[int, int]:
    return {chat: sum(1 for m in server.messages(chat) if m.buttons) for chat in chats}


def _stop_between_answers(bot: BotProcess, server: BotApiServer, state_path: Path, chats: list[int]) -> None:
    """SIGSTOP the bot at a moment when every answer the server shows is marked done in the inbox: the
    few milliseconds between a reply and its mark are the one window in which a kill repeats an answer."""
    for _ in range(100):
        bot.signal(signal.SIGSTOP)
        time.sleep(0.1)  # a reply already on its way reaches the server before we count
        db = sqlite3.connect(state_path)
        try:
            done = db.execute("SELECT count(*) FROM inbox WHERE done = 1").fetchone()[0]
        finally:
            db.close()
        if sum(_answers_per_chat(server, chats).values()) == done:
            return
        bot.signal(signal.SIGCONT)
        time.sleep(0.02)
    raise AssertionError("never caught the bot between two answers")


def test_questions_queued_at_a_kill_or_a_stop_are_each_answered_once_after_the_restart(
        server: BotApiServer, settings: Settings, tmp_path: Path) -> None:
    chats = list(range(20_000, 20_120))
    questions = [json.loads(line)["question"] for line in
                 (Path(__file__).parent / "data" / "heldout-questions.jsonl").read_text().splitlines()]
    env = {"STOP_DRAIN_SECONDS": "2"}
    first = BotProcess(tmp_path, settings, server, **env)
    first.wait_polling()
    for chat, text in zip(chats, itertools.cycle(questions), strict=False):
        server.send_text(chat, text, language_code="fr")
    server.wait_until_sync(lambda: sum(_answers_per_chat(server, chats).values()) >= 10, timeout=WAIT * 3,
                           what="10 answers")
    _stop_between_answers(first, server, settings.state_path, chats)
    first.signal(signal.SIGKILL)  # what Docker does after the grace period
    first.wait(timeout=10)
    answered_before = sum(_answers_per_chat(server, chats).values())
    assert answered_before < len(chats)  # questions were still queued

    second = BotProcess(tmp_path, settings, server, **env)
    second.wait_polling()
    server.wait_until_sync(lambda: sum(_answers_per_chat(server, chats).values()) >= answered_before + 10,
                           timeout=WAIT * 3, what="10 more answers")
    stopped = time.monotonic()
    second.signal(signal.SIGTERM)  # `docker stop`: a bounded drain, then exit 0
    assert second.wait(timeout=20) == 0
    assert time.monotonic() - stopped < 2 + 10
    assert "answering" in second.output() and "updates left unanswered at the last stop" in second.output()

    third = BotProcess(tmp_path, settings, server, **env)
    third.wait_polling()
    server.wait_until_sync(lambda: all(_answers_per_chat(server, chats).values()), timeout=WAIT * 6,
                           what="every question answered")
    time.sleep(1.0)  # a duplicate, if any, would arrive now
    third.signal(signal.SIGTERM)
    assert third.wait(timeout=20) == 0
    counts = _answers_per_chat(server, chats)
    assert set(counts.values()) == {1}, {c: n for c, n in counts.items() if n != 1}


# ---------------------------------------------------------------- a hung dependency costs one message


def test_a_hung_chroma_server_costs_the_asker_one_message_and_holds_no_other_chat_nor_sigterm(
        server: BotApiServer, settings: Settings, tmp_path: Path) -> None:
    served = tmp_path / "chroma-served"
    shutil.copytree(settings.store_dir, served)
    port = free_port()
    chroma = ChromaServer(served, port, tmp_path / "chroma.log")
    try:
        bot = BotProcess(tmp_path, settings, server, CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(port),
                         CHROMA_TIMEOUT="2", ANSWER_DEADLINE="4", STOP_DRAIN_SECONDS="2")
        bot.wait_polling()
        chroma.process.send_signal(signal.SIGSTOP)  # the search service stops answering
        asked = time.monotonic()
        sent = server.send_text(CHAT, "What does the resolution say about trade unions?")
        (source,) = server.wait_for_messages_sync(CHAT + 1, after_message_id=server.send_text(
            CHAT + 1, "/source 6")["message_id"], timeout=WAIT)  # another chat, meanwhile
        assert "6" in source.text and time.monotonic() - asked < 4
        (told,) = server.wait_for_messages_sync(CHAT, after_message_id=sent["message_id"], timeout=WAIT)
        assert told.text == "The search service is not responding. Please try again in a minute."
        assert time.monotonic() - asked < 4 + 3
        server.send_text(CHAT, "And about journalists?")  # in flight when the stop comes
        time.sleep(0.5)
        stopped = time.monotonic()
        bot.signal(signal.SIGTERM)
        bot.wait(timeout=20)
        assert time.monotonic() - stopped < 2 + 4 + 3  # the drain, then at most a search's timeout
    finally:
        chroma.stop()


@pytest.mark.parametrize("mode", ["hang", "drip"])
async def test_a_hung_or_dripping_model_costs_each_asker_the_model_not_the_answer(
        server: BotApiServer, bot_settings: Settings, pipeline: Pipeline, mode: str) -> None:
    model_server = StuckModelServer(mode)
    try:
        settings = bot_settings.model_copy(update={
            "llm_model": "openai:stuck", "llm_base_url": model_server.base_url, "llm_timeout": 3.0,
            "answer_deadline": 6.0})
        with_model = Pipeline(settings, index=pipeline.index, llm=make_chat_model(settings))
        async with running(settings, with_model):
            asked = time.monotonic()
            first = server.send_text(CHAT, BOKAYEV_FR)
            second = server.send_text(CHAT + 1, "Que dit la résolution sur les syndicats ?")
            replies = [await server.wait_for_messages(chat, after_message_id=sent["message_id"], timeout=WAIT)
                       for chat, sent in ((CHAT, first), (CHAT + 1, second))]
            took = time.monotonic() - asked
        assert all(r[0].buttons and "n'a pas pu être joint" in r[0].text for r in replies)
        assert model_server.requests >= 2
        assert took < 6.0 + 2  # both within the deadline: side by side, not one after the other
    finally:
        model_server.stop()


async def test_a_lost_postgres_connection_costs_no_answer_and_is_reopened(
        server: BotApiServer, bot_settings: Settings, pipeline: Pipeline, pg_url: str) -> None:
    import psycopg

    settings = bot_settings.model_copy(update={"resobot_state_url": pg_url})
    async with running(settings, pipeline) as app:
        await ask(server, BOKAYEV_FR)
        with psycopg.connect(pg_url, autocommit=True) as admin:  # the server drops the bot's connection
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        (reply,) = await ask(server, "Et les syndicats ?")
        assert reply.buttons
        query = server.press_button(CHAT, reply.message_id, text="👍")
        await server.wait_until(lambda: query not in server.unanswered_callback_queries(), timeout=WAIT,
                                what="the vote answered")
        state = app.bot_data["state"]
        assert state.history(CHAT) == [BOKAYEV_FR, "Et les syndicats ?"]
        assert [r["vote"] for r in state.feedback()] == ["up"]
