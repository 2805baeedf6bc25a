"""Load on the Telegram bot: many chats asking at once, through the real PTB stack (printed figures, no
assertions).

    python benchmarks/bench_telegram.py [--chats 50] [--questions 5]

Starts the fake Bot API server (tests/botapi_server.py), builds the index in a temporary data dir, runs
the real Application with long polling, and plays `--chats` users at once: each sends its next question
(cycled from tests/data/heldout-questions.jsonl) as soon as the bot's answer to the previous one has
arrived. Prints answered/total, the reply latency p50/p95 (question sent → the answer's last message
received by the server) and the wall time. Every chat is its own user, and `--questions` stays under
RATE_LIMIT_PER_MINUTE, so the per-user limit never kicks in.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.botapi_server

from bot.settings import Settings  # noqa: E402
from bot.startup import open_pipeline  # noqa: E402
from bot.telegram.app import build_application  # noqa: E402
from index.store import build_index  # noqa: E402
from tests.botapi_server import BotApiServer  # noqa: E402

TOKEN = "123456789:AAHresobot-BENCH_token-0123456789abcdef"
QUESTIONS = ROOT / "tests" / "data" / "heldout-questions.jsonl"
FIRST_CHAT = 10_000
TIMEOUT = 300.0


def load_questions() -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(r["question"], r["lang"]) for r in rows]


def answered(server: BotApiServer, chat_id: int, after: int) -> bool:
    """The answer is complete when its last message (the one with the buttons) has arrived."""
    return any(m.message_id > after and m.buttons for m in server.messages(chat_id))


async def play_chat(server: BotApiServer, chat_id: int, questions: list[tuple[str, str]],
                    sent_at: list[float]) -> int:
    """One user: asks each question once the previous answer arrived; returns how many were answered."""
    done = 0
    for text, lang in questions:
        sent_at.append(time.time())
        sent = server.send_text(chat_id, text, language_code=lang)
        deadline = time.monotonic() + TIMEOUT
        # Poll every 20 ms: cheap enough not to steal the bot's CPU; latency is measured from the
        # server's own timestamps, not from this loop.
        while not answered(server, chat_id, sent["message_id"]):
            if time.monotonic() > deadline:
                return done
            await asyncio.sleep(0.02)
        done += 1
    return done


def latencies(server: BotApiServer, sent_at: dict[int, list[float]]) -> list[float]:
    """Per answer: the time the server received its last message (with buttons) minus the question's."""
    finished: dict[int, list[float]] = {}
    for call in server.calls("sendMessage"):
        if call.error is None and call.params.get("reply_markup"):
            finished.setdefault(int(call.params["chat_id"]), []).append(call.timestamp)
    return [(end - start) * 1000 for chat, starts in sent_at.items()
            for start, end in zip(starts, finished.get(chat, []), strict=False)]


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


async def run(chats: int, per_chat: int, data_dir: Path) -> None:
    pool = itertools.cycle(load_questions())
    plan = {FIRST_CHAT + i: [next(pool) for _ in range(per_chat)] for i in range(chats)}
    async with BotApiServer(token=TOKEN) as server:
        settings = Settings(resobot_data_dir=data_dir, telegram_bot_token=TOKEN,
                            telegram_base_url=server.base_url)
        pipeline = open_pipeline(settings)
        application = build_application(settings, pipeline)
        async with application:
            await application.post_init(application)  # type: ignore[misc]
            await application.start()
            await application.updater.start_polling(poll_interval=0, timeout=1)
            sent_at: dict[int, list[float]] = {chat: [] for chat in plan}
            started = time.perf_counter()
            done = await asyncio.gather(*(play_chat(server, c, qs, sent_at[c]) for c, qs in plan.items()))
            wall = time.perf_counter() - started
            await application.updater.stop()
            await application.stop()
        await application.post_shutdown(application)  # type: ignore[misc]
        ms = latencies(server, sent_at)
    total = chats * per_chat
    print(f"chats: {chats} × {per_chat} questions, concurrently")
    print(f"answered: {sum(done)}/{total}")
    if ms:
        print(f"reply latency: p50 {pct(ms, 50):.0f} ms, p95 {pct(ms, 95):.0f} ms, max {max(ms):.0f} ms")
    print(f"wall time: {wall:.1f} s ({sum(done) / wall:.1f} answers/s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--questions", type=int, default=5, help="per chat (keep under 10: the rate limit)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG
    with tempfile.TemporaryDirectory(prefix="resobot-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        started = time.perf_counter()
        build_index(Settings(resobot_data_dir=data_dir))
        print(f"index built in {time.perf_counter() - started:.1f} s")
        asyncio.run(run(args.chats, args.questions, data_dir))


if __name__ == "__main__":
    main()
