"""Load on the Telegram bot: the real `resobot telegram` process polling the fake Bot API server
(tests/botapi_server.py) over real HTTP. Printed figures, no assertions.

    python benchmarks/bench_telegram.py burst  [--chats 200] [--questions 3]
    python benchmarks/bench_telegram.py steady [--rate 20] [--seconds 60]
    python benchmarks/bench_telegram.py chats  [--chats 50] [--questions 5]
    … [--code DIR]  runs the bot from another checkout (e.g. a `git worktree` of main), same machine, same run
    … [--index-from DIR]  copies the index of a data dir (checked by `resobot index`) instead of building it
    … [--overall-rate N]  DIAGNOSTIC ONLY: the bot's outgoing limiter lets N requests a second through
                          instead of Telegram's 30, to show what the rest of the bot can do (never do
                          this against Telegram: it answers a bot that sends faster with flood bans)

burst:  every chat sends all its questions at once (200 × 3 = 600 updates queued together).
steady: `--rate` questions a second for `--seconds`, spread over enough chats that no user passes
        RATE_LIMIT_PER_MINUTE.
chats:  in rounds: every chat asks, and the next round starts when all were answered.

Questions are cycled from tests/data/heldout-questions.jsonl (93 distinct: the bot's answer cache serves
the repeats), or with --every-set from every question set in tests/data (461 distinct: few repeats, so
the pipeline works on most questions). The bot keeps to Telegram's 30 messages a second (PTB's
AIORateLimiter), which caps a burst at 30 answers/s whatever the CPU. Prints answered/total, the reply latency
p50/p95/max (question pushed → the answer's last message, the one with buttons, received by the server),
throughput, the messages the server received (all, and the most in any one second: the limiter's
mark), the bot process's CPU time over the run (how many of the cores it kept busy), its peak RSS
(VmHWM), and the machine's load average (other work on a shared machine weighs on every figure).
The index is built once in a temporary data dir.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.botapi_server

from tests.botapi_server import BotApiServer  # noqa: E402

TOKEN = "123456789:AAHresobot-BENCH_token-0123456789abcdef"
QUESTIONS = ROOT / "tests" / "data" / "heldout-questions.jsonl"
FIRST_CHAT = 10_000
PER_USER_MINUTE = 5  # questions a bench user asks a minute at most (RATE_LIMIT_PER_MINUTE defaults to 10)
# The bot with PTB's AIORateLimiter letting more requests a second through (the diagnostic --overall-rate):
# its default rate is replaced before the bot builds its limiter; everything else is `python -m bot`.
RAISED_LIMITER = """
import runpy, sys
from telegram.ext import AIORateLimiter
rate = float(sys.argv.pop(1))
default_init = AIORateLimiter.__init__
def raised(self, *args, **kwargs):
    kwargs["overall_max_rate"] = rate
    default_init(self, *args, **kwargs)
AIORateLimiter.__init__ = raised
runpy.run_module("bot", run_name="__main__")
"""


def load_questions(every_set: bool = False) -> list[tuple[str, str]]:
    """The held-out questions, or (`every_set`) every distinct question of tests/data (461)."""
    paths = sorted(QUESTIONS.parent.glob("*.jsonl")) if every_set else [QUESTIONS]
    found: dict[str, str] = {}
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            if "question" in row and "lang" in row:
                found.setdefault(row["question"], row["lang"])
    return list(found.items())


def bot_env(code: Path, data_dir: Path, server: BotApiServer | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RESOBOT_", "CHROMA_", "TELEGRAM_"))}
    env.update(PYTHONPATH=str(code), RESOBOT_DATA_DIR=str(data_dir), ANONYMIZED_TELEMETRY="False")
    if server is not None:
        env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=server.base_url)
    return env


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" ({os.cpu_count()} cores)"


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


class Run:
    """The bot process and what was asked of it."""

    def __init__(self, server: BotApiServer, code: Path, data_dir: Path, workdir: Path,
                 overall_rate: float | None = None) -> None:
        self.server = server
        self.sent: dict[int, list[float]] = {}
        log = (workdir / "bot.log").open("wb")
        command = [sys.executable, "-m", "bot", "telegram"]
        if overall_rate is not None:
            command = [sys.executable, "-c", RAISED_LIMITER, str(overall_rate), "telegram"]
        self.process = subprocess.Popen(
            command, cwd=workdir, env=bot_env(code, data_dir, server), stdout=log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 180  # a Bot API call does not wake wait_until_sync: poll
        while not server.calls("getUpdates") and time.monotonic() < deadline and self.process.poll() is None:
            time.sleep(0.1)
        if self.process.poll() is not None:
            log_text = (workdir / "bot.log").read_text(errors="replace")
            sys.exit(f"the bot stopped at start:\n{log_text[-3000:]}")
        self.cpu_at_start = cpu_seconds(self.process.pid)

    def ask(self, chat_id: int, text: str, lang: str) -> None:
        self.sent.setdefault(chat_id, []).append(time.time())
        self.server.send_text(chat_id, text, language_code=lang)

    def finished(self) -> dict[int, list[float]]:
        """Per chat, the times at which the server received each answer's last message."""
        done: dict[int, list[float]] = {}
        for call in self.server.calls("sendMessage"):
            if call.error is None and call.params.get("reply_markup"):
                done.setdefault(int(call.params["chat_id"]), []).append(call.timestamp)
        return done

    def wait(self, timeout: float) -> None:
        total = sum(map(len, self.sent.values()))
        deadline = time.monotonic() + timeout
        while sum(map(len, self.finished().values())) < total and time.monotonic() < deadline:
            time.sleep(0.2)

    def report(self, started: float) -> None:
        done = self.finished()
        ms = [(end - start) * 1000 for chat, starts in self.sent.items()
              for start, end in zip(starts, done.get(chat, []), strict=False)]
        total = sum(map(len, self.sent.values()))
        rss = peak_rss_mb(self.process.pid)
        cpu = cpu_seconds(self.process.pid) - self.cpu_at_start
        wall = time.time() - started
        messages = sorted(c.timestamp for c in self.server.calls("sendMessage") if c.error is None)
        self.process.terminate()
        self.process.wait(timeout=60)
        print(f"answered: {len(ms)}/{total}")
        if ms:
            last = max(t for times in done.values() for t in times)
            print(f"reply latency: p50 {pct(ms, 50):.0f} ms, p95 {pct(ms, 95):.0f} ms, max {max(ms):.0f} ms")
            print(f"throughput: {len(ms) / (last - started):.1f} answers/s ({last - started:.1f} s)")
        if messages:
            busiest = max(bisect.bisect_left(messages, t + 1.0) - i for i, t in enumerate(messages))
            print(f"messages sent: {len(messages)}, at most {busiest} in any one second")
        print(f"bot CPU: {cpu:.1f} s in {wall:.1f} s ({cpu / wall:.2f} cores busy on average)")
        print(f"bot peak RSS: {rss:.0f} MB")
        print(f"load average at the end: {load()}")


def burst(run: Run, chats: int, per_chat: int, questions: list[tuple[str, str]]) -> float:
    pool = itertools.cycle(questions)
    started = time.time()
    for chat in range(FIRST_CHAT, FIRST_CHAT + chats):
        for _ in range(per_chat):
            run.ask(chat, *next(pool))
    return started


def steady(run: Run, rate: float, seconds: float, questions: list[tuple[str, str]]) -> float:
    pool = itertools.cycle(questions)
    users = itertools.cycle(range(FIRST_CHAT, FIRST_CHAT + max(1, int(rate * 60 / PER_USER_MINUTE) + 1)))
    started = time.time()
    for n in range(int(rate * seconds)):
        time.sleep(max(0.0, started + n / rate - time.time()))
        run.ask(next(users), *next(pool))
    return started


def closed_loop(run: Run, chats: int, per_chat: int, questions: list[tuple[str, str]]) -> float:
    pool = itertools.cycle(questions)
    plan = {FIRST_CHAT + i: [next(pool) for _ in range(per_chat)] for i in range(chats)}
    started = time.time()
    for step in range(per_chat):
        for chat, asked in plan.items():
            if step < len(asked):
                run.ask(chat, *asked[step])
        run.wait(300)
    return started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["burst", "steady", "chats"], nargs="?", default="burst")
    parser.add_argument("--chats", type=int, default=None, help="burst: 200, chats: 50")
    parser.add_argument("--questions", type=int, default=None, help="per chat (burst: 3, chats: 5)")
    parser.add_argument("--rate", type=float, default=20.0, help="steady: questions a second")
    parser.add_argument("--seconds", type=float, default=60.0, help="steady: how long")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose bot is run")
    parser.add_argument("--every-set", action="store_true",
                        help="every question set in tests/data (461 distinct), not the 93 held-out")
    parser.add_argument("--index-from", type=Path, default=None,
                        help="a data dir whose index is copied (checked, rebuilt if stale) instead of built")
    parser.add_argument("--overall-rate", type=float, default=None,
                        help="DIAGNOSTIC: the limiter's overall rate (requests/s) instead of Telegram's 30")
    args = parser.parse_args()
    questions = load_questions(args.every_set)
    code = args.code.resolve()
    with tempfile.TemporaryDirectory(prefix="resobot-bench-") as tmp:
        workdir, data_dir = Path(tmp), Path(tmp) / "data"
        started = time.perf_counter()
        if args.index_from is not None:  # its state store (history, inbox) is left behind
            shutil.copytree(args.index_from, data_dir, ignore=shutil.ignore_patterns("state.sqlite3*"))
        subprocess.run([sys.executable, "-m", "bot", "index"], cwd=workdir, env=bot_env(code, data_dir),
                       check=True, capture_output=True)
        print(f"code: {code}; index built or checked in {time.perf_counter() - started:.1f} s")
        with BotApiServer(token=TOKEN) as server:
            run = Run(server, code, data_dir, workdir, args.overall_rate)
            if args.overall_rate is not None:
                print(f"DIAGNOSTIC: outgoing limiter raised to {args.overall_rate:g} requests/s "
                      "(Telegram's limit is about 30 messages/s; the bot's default keeps to it)")
            print(f"questions: {len(set(questions))} distinct, cycled; load average at the start: {load()}")
            if args.mode == "burst":
                chats, per_chat = args.chats or 200, args.questions or 3
                print(f"burst: {chats} chats × {per_chat} questions, sent at once")
                begun = burst(run, chats, per_chat, questions)
            elif args.mode == "steady":
                print(f"steady: {args.rate:g} questions/s for {args.seconds:g} s")
                begun = steady(run, args.rate, args.seconds, questions)
            else:
                chats, per_chat = args.chats or 50, args.questions or 5
                print(f"chats: {chats} × {per_chat} questions, each after the previous answer")
                begun = closed_loop(run, chats, per_chat, questions)
            run.wait(600)
            run.report(begun)


if __name__ == "__main__":
    main()
