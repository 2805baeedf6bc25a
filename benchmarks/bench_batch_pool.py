"""Embedding in one call for the questions queued, through the pipeline: a pool of worker threads (as the
Telegram bot runs it, bot/telegram/answering.py) answers distinct questions, with the questions announced
(index/query_batch.py, up to 16 texts a call) and without (one text a call, unless two threads wait at
once). Printed figures, no assertions.

    python benchmarks/bench_batch_pool.py [--questions 120] [--rounds 3] [--workers 2] [--batch 4 16]

The two modes alternate in one process, round after round, every cache emptied before each (so that a
busy machine weighs on both alike). Per mode and round: wall and CPU time, embedding calls and texts,
the time per text inside the calls, and whether the answers are those of the other mode. Uses the
index in RESOBOT_DATA_DIR (built if missing). Questions: every distinct question of tests/data.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import index.embeddings as embeddings  # noqa: E402
from bot.pipeline import Pipeline  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.startup import open_pipeline  # noqa: E402
from index.query_batch import Ticket  # noqa: E402


def load_questions(n: int) -> list[str]:
    found: dict[str, None] = {}
    for path in sorted((ROOT / "tests" / "data").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            if "question" in row and "lang" in row:
                found.setdefault(row["question"], None)
    return list(found)[:n]


class Calls:
    """The batcher's embedding calls, timed."""

    def __init__(self) -> None:
        self.real = embeddings.QUERIES._embed
        self.sizes: list[int] = []
        self.seconds = 0.0

    def __call__(self, texts: list[str]) -> np.ndarray:
        started = time.perf_counter()
        vectors = self.real(texts)
        self.seconds += time.perf_counter() - started
        self.sizes.append(len(texts))
        return vectors


def answer_all(pipeline: Pipeline, questions: list[str], workers: int, announce: bool) -> list[str]:
    def run(ticket: Ticket | None, question: str) -> str:
        if ticket is not None:
            ticket.withdraw()
        return pipeline.ask(question).text

    tickets = [pipeline.expect(q) if announce else None for q in questions]
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(run, tickets, questions))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=120)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, nargs="+", default=[embeddings.QUERY_BATCH],
                        help="texts a call at most, announced (one mode per size, after one text a call)")
    args = parser.parse_args()
    questions = load_questions(args.questions)
    pipeline = open_pipeline(Settings())
    calls = Calls()
    embeddings.QUERIES._embed = calls
    pipeline.ask("Qui est Maks Bokayev ?")  # the model and the caches warmed
    print(f"{len(questions)} distinct questions, {args.workers} workers, {os.cpu_count()} cores")
    answers: dict[str, list[str]] = {}
    for _ in range(args.rounds):
        for mode, batch in [("one text a call", 1)] + [(f"announced, {b} a call", b) for b in args.batch]:
            embeddings.QUERIES.clear()
            pipeline._offline.cache_clear()
            calls.sizes, calls.seconds = [], 0.0
            embeddings.QUERIES.max_batch = batch
            wall, cpu = time.perf_counter(), time.process_time()
            got = answer_all(pipeline, questions, args.workers, announce=batch > 1)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            same = answers.setdefault("first", got) == got
            texts = sum(calls.sizes)
            print(f"{mode:>19}: wall {wall:5.1f} s, CPU {cpu:5.1f} s; {len(calls.sizes)} embedding calls for "
                  f"{texts} texts, {calls.seconds / texts * 1000:4.0f} ms a text in them; answers as in the "
                  f"first run: {same}; load {os.getloadavg()[0]:.1f}")
    embeddings.QUERIES.max_batch = embeddings.QUERY_BATCH


if __name__ == "__main__":
    main()
