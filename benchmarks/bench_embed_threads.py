"""What the embedding model's thread count costs a question, on this machine at its present load: one
OpenMP thread, one per core, and libgomp's choice from the load average (OMP_DYNAMIC, resobot's
default: index/embeddings.py). Printed figures, no assertions.

    python benchmarks/bench_embed_threads.py [--questions N] [--rounds R]

Each setting runs in a fresh process (OpenMP reads its settings when the engine loads), in rounds that
alternate the settings, so that a busy machine weighs on each alike. Each process embeds the questions
(tests/data/heldout-questions.jsonl, cycled) one call per question, as `resobot ask` does; prints the
median over rounds of the wall and CPU milliseconds per question, and whether every setting gave the
same vectors, bit for bit. The load average is printed: on a shared machine, compare settings within one
run only.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "data" / "heldout-questions.jsonl"
SETTINGS = {
    "1 thread": {"OMP_NUM_THREADS": "1"},
    f"{os.cpu_count()} threads": {"OMP_NUM_THREADS": str(os.cpu_count()), "OMP_DYNAMIC": "false"},
    "OMP_DYNAMIC (default)": {},
}


def child(count: int, out: Path) -> None:
    """Embed `count` questions one by one; write the timings (ms per question) and the vectors."""
    sys.path.insert(0, str(ROOT))
    from index.embeddings import E5Embeddings

    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()
    distinct = [json.loads(line)["question"] for line in lines if line.strip()]
    texts = [distinct[i % len(distinct)] for i in range(count)]
    embeddings = E5Embeddings()
    embeddings.queries(texts[:1])  # the engine loaded, its threads started
    wall, cpu = time.perf_counter(), time.process_time()
    vectors = np.stack([embeddings.queries([t])[0] for t in texts])
    timing = {
        "wall": (time.perf_counter() - wall) * 1000 / count,
        "cpu": (time.process_time() - cpu) * 1000 / count,
    }
    np.save(out.with_suffix(".npy"), vectors)
    out.write_text(json.dumps(timing))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=40, help="questions embedded per process")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.questions, args.child)
        return
    base = {k: v for k, v in os.environ.items() if not k.startswith(("OMP_", "GOMP_"))}
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    results: dict[str, list[dict[str, float]]] = {name: [] for name in SETTINGS}
    vectors: dict[str, np.ndarray] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            for n, (name, env) in enumerate(SETTINGS.items()):
                out = Path(tmp) / f"{r}-{n}.json"
                subprocess.run(
                    [sys.executable, __file__, "--questions", str(args.questions), "--child", str(out)],
                    env=base | env, check=True,
                )
                results[name].append(json.loads(out.read_text()))
                vectors[name] = np.load(out.with_suffix(".npy"))
    first = next(iter(vectors.values()))
    same = all(np.array_equal(first, v) for v in vectors.values())
    print(f"{args.questions} questions per process, one call each, {args.rounds} rounds")
    for name, runs in results.items():
        wall = statistics.median(t["wall"] for t in runs)
        cpu = statistics.median(t["cpu"] for t in runs)
        print(f"{name:24} {wall:7.1f} ms/question wall, {cpu:7.1f} ms CPU")
    print(f"same vectors, bit for bit, with every setting: {same}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
