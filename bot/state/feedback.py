"""What users thought of the answers: a summary of the 👍 / 👎 votes stored by the Telegram bot."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any


def latest_votes(rows: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """One vote per user and answer, the last one: pressing 👍 twice counts once, and a user who changes
    their mind from 👍 to 👎 counts as 👎. Rows as returned by State.feedback(), oldest first."""
    latest: dict[tuple[str, str], Mapping[str, Any]] = {}
    for row in sorted(rows, key=lambda r: r["ts"]):
        latest.pop((row["answer_id"], row["user_hash"]), None)  # re-inserted: dicts keep insertion order
        latest[(row["answer_id"], row["user_hash"])] = row
    return list(latest.values())


def summarize(rows: Iterable[Mapping[str, Any]], recent: int = 5) -> dict[str, Any]:
    """Counts of 👍 and 👎, the share of 👍, votes per cited unit, and the latest down-voted questions."""
    votes = latest_votes(rows)
    counts = Counter(str(v["vote"]) for v in votes)
    up, down = counts["up"], counts["down"]
    units: dict[str, Counter[str]] = {}
    for v in votes:
        for unit_id in json.loads(v["citations"] or "[]"):
            units.setdefault(unit_id, Counter())[str(v["vote"])] += 1
    per_unit = [
        {"unit": unit_id, "up": c["up"], "down": c["down"]}
        for unit_id, c in sorted(units.items(), key=lambda kv: (-kv[1]["down"], -kv[1]["up"], kv[0]))
    ]
    downs = [v for v in votes if v["vote"] == "down"][::-1][:recent]
    return {
        "up": up,
        "down": down,
        "total": up + down,
        "up_ratio": round(up / (up + down), 3) if up + down else None,
        "units": per_unit,
        "recent_down": [
            {"question": v["question"], "citations": json.loads(v["citations"] or "[]"),
             "time": time.strftime("%Y-%m-%d %H:%M", time.gmtime(v["ts"]))}
            for v in downs
        ],
    }


def format_summary(summary: Mapping[str, Any]) -> str:
    """The summary as terminal text."""
    if not summary["total"]:
        return "No votes yet."
    lines = [
        f"votes: {summary['total']}  👍 {summary['up']}  👎 {summary['down']}  "
        f"({summary['up_ratio']:.0%} 👍)",
        "",
        "per cited unit (👍 / 👎):",
        *(f"  {u['unit']:14} {u['up']:>4} {u['down']:>4}" for u in summary["units"]),
    ]
    if summary["recent_down"]:
        lines += ["", "latest 👎 questions:"]
        lines += [
            f"  {d['time']}  {d['question']}  [{', '.join(d['citations']) or 'no citation'}]"
            for d in summary["recent_down"]
        ]
    return "\n".join(lines)
