"""Speed of LLM mode against a real llama.cpp server, printed as figures (no assertions).

    scripts/llm-setup && python benchmarks/bench_llm.py

Starts the test server (tests/llm_server.py) with the test model, then asks ~6 questions (FR, EN, one
follow-up) through the generative pipeline. Prints the server's start time, then per question: time to
answer, model calls, prompt and completion tokens, generation tokens/s (completion tokens over model
time), and whether the answer was generative or fell back to the offline answer; then the end-to-end
p50 and p95 seconds per answer and the model calls made (one per answer, follow-ups included).
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from langchain_core.callbacks import BaseCallbackHandler

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.answers.llm import make_chat_model
from bot.pipeline import Pipeline
from bot.settings import Settings
from tests.llm_server import MODEL_NAME, LlamaServer

QUESTIONS: list[tuple[str, list[str]]] = [
    ("Que demande le Parlement au sujet des syndicats ?", []),
    ("Qui est Maks Bokayev ?", []),
    ("Et à combien d'années a-t-il été condamné ?", ["Qui est Maks Bokayev ?"]),
    ("What does the resolution say about Erlan Baltabay?", []),
    ("What does Parliament ask the EU delegation to do?", []),
    ("Que dit la résolution sur l'article 174 du code pénal ?", []),
]


class Usage(BaseCallbackHandler):
    """Counts model calls, tokens and time spent in the model."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.calls, self.prompt, self.completion, self.seconds, self._start = 0, 0, 0, 0.0, 0.0

    def on_chat_model_start(self, *args: Any, **kwargs: Any) -> None:
        self._start = time.perf_counter()

    def on_llm_end(self, response: Any, **kwargs: Any) -> None:
        self.calls += 1
        self.seconds += time.perf_counter() - self._start
        usage = (response.llm_output or {}).get("token_usage") or {}
        self.prompt += usage.get("prompt_tokens", 0)
        self.completion += usage.get("completion_tokens", 0)


def main() -> None:
    started = time.perf_counter()
    Path("llama-server.log").unlink(missing_ok=True)
    server = LlamaServer(log=Path("llama-server.log")).start()
    print(f"server start (with warm-up): {time.perf_counter() - started:.1f} s")
    try:
        usage = Usage()
        settings = Settings(llm_model=f"openai:{MODEL_NAME}", llm_base_url=server.base_url, llm_timeout=180)
        model = make_chat_model(settings)
        assert model is not None
        model.callbacks = [usage]
        pipeline = Pipeline(settings, llm=model)
        pipeline.ask("Qui est Natalia Ulasik ?")  # loads the index and e5 outside the timings
        totals, rates, calls = [], [], []
        print(f"{'s/answer':>8} {'calls':>5} {'prompt':>6} {'compl':>5} {'tok/s':>6}  kind      question")
        for question, history in QUESTIONS:
            usage.reset()
            t = time.perf_counter()
            answer = pipeline.ask(question, history)
            elapsed = time.perf_counter() - t
            rate = usage.completion / usage.seconds if usage.seconds else 0.0
            kind = "refused" if answer.refused else ("offline" if answer.quotes else "generated")
            totals.append(elapsed)
            rates.append(rate)
            calls.append(usage.calls)
            print(
                f"{elapsed:8.1f} {usage.calls:5d} {usage.prompt:6d} {usage.completion:5d} {rate:6.1f}  "
                f"{kind:9s} {question}"
            )
        p50, p95 = percentile(totals, 50), percentile(totals, 95)
        print(f"end-to-end s/answer: p50 {p50:.1f}, p95 {p95:.1f} (n={len(totals)}); "
              f"model calls: {sum(calls)} for {len(calls)} answers; tokens/s: {statistics.median(rates):.1f}")
    finally:
        server.stop()
    print_server_rates(Path("llama-server.log"))


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile, interpolated between the closest ranks (numpy's default)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def print_server_rates(log: Path) -> None:
    """llama.cpp's own figures: prompt reading and generation speed, apart from each other."""
    text = log.read_text(errors="replace")
    prompt = [float(x) for x in re.findall(r"prompt eval time .*?([\d.]+) tokens per second", text)]
    gen = [float(x) for x in re.findall(r"\n\S*\s+eval time .*?([\d.]+) tokens per second", text)]
    prompt = [r for r in prompt if r < 10_000]  # a prompt served from the cache reads "inf" or millions
    if prompt and gen:
        reading, writing = statistics.median(prompt), statistics.median(gen)
        print(f"server: prompt {reading:.0f} tokens/s, generation {writing:.1f} tokens/s")


if __name__ == "__main__":
    main()
