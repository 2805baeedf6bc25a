"""Print the out-of-scope margin of every question in one or more JSONL files, and the margin that
best separates the `oos` questions from the others (balanced accuracy). Explicit look-ups are skipped:
they never reach the gate.

    python benchmarks/calibrate_refusal.py tests/data/heldout-questions.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.evaluate import load_questions
from bot.pipeline import Pipeline
from bot.settings import Settings
from index.references import find_references


def main(paths: list[str]) -> None:
    pipeline = Pipeline(Settings())
    rows = [row for path in paths for row in load_questions(Path(path))]
    scored = []
    for row in rows:
        if find_references(row["question"]):
            continue
        query = pipeline.search(row["question"], row.get("history") or []).query
        scored.append(
            (pipeline.answerer.in_scope_margin(query), row["type"] == "oos", row["id"], row["question"])
        )
    scored.sort()
    for margin, oos, qid, question in scored:
        print(f"{margin:+.4f} {'OOS' if oos else '   '} {qid:8} {question[:70]}")
    n_oos = sum(1 for s in scored if s[1]) or 1
    n_in = sum(1 for s in scored if not s[1]) or 1
    best = max(
        (
            (
                sum(1 for m, o, *_ in scored if o and m < t) / n_oos
                + sum(1 for m, o, *_ in scored if not o and m >= t) / n_in
            )
            / 2,
            t,
        )
        for t in sorted({round(s[0] + 0.0005, 4) for s in scored})
    )
    print(
        f"best threshold {best[1]:+.4f}: balanced accuracy {best[0]:.3f} over {n_oos} oos and {n_in} others"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
