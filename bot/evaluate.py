"""Evaluation over a JSONL file of questions with gold unit ids (format of dev-questions.jsonl)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.jsonl import read_rows
from bot.pipeline import Pipeline

METRICS = (
    ("hit@1", "retrieval: a gold unit ranked first"),
    ("hit@3", "retrieval: a gold unit in the top 3"),
    ("mrr", "retrieval: mean reciprocal rank of the first gold unit"),
    ("citations_relevant", "answers citing something, all of it in `relevant`"),
    ("cites_gold", "answers citing at least one gold unit"),
    ("keywords", "answers containing one item of every keyword list"),
    ("oos_refused", "out-of-scope questions refused"),
    ("oos_alone", "out-of-scope questions asked alone, refused"),
    ("oos_in_chat", "out-of-scope questions asked after earlier questions, refused"),
    ("switch_gold", "new topics after a conversation citing a gold unit"),
    ("act_gold", "questions about an act (kind \"act\": welcome, condemn, call for…) citing a gold unit"),
    ("both_kinds", "gold with a recital and a paragraph: the answer cites a gold one of each"),
    ("false_refusals", "in-scope questions refused"),
    ("language_match", "answers in the question's language"),
    ("quotes_language", "answers whose quotes are all in the question's language"),
    ("generated", "LLM mode: answers written by the model (not refused, not quoted from the text)"),
    ("fallback_noted", "LLM mode: answers quoted from the text instead of the model's, opening with a note"),
)


def load_questions(path: Path) -> list[dict[str, Any]]:
    rows = [row for _, row in read_rows(path, {"id", "lang", "type", "question"})]
    if not rows:
        raise ValueError(f"{path}: no questions")
    return rows


def judge(pipeline: Pipeline, row: dict[str, Any]) -> dict[str, Any]:
    """Run one question through retrieval and the answer; say what was right."""
    history = row.get("history") or []
    gold, relevant = set(row.get("gold") or []), set(row.get("relevant") or []) | set(row.get("gold") or [])
    answer = pipeline.ask(row["question"], history)
    ranked = [h.unit.id for h in pipeline.search(row["question"], history).hits]
    rank = next((i + 1 for i, unit_id in enumerate(ranked) if unit_id in gold), None)
    text = answer.text.lower()
    result: dict[str, Any] = {
        "id": row["id"],
        "lang": row["lang"],
        "type": row["type"],
        "rank": rank,
        "top": ranked[:3],
        "citations": answer.citations,
        "refused": answer.refused,
        "language": answer.language,
        "language_match": answer.language == row["lang"],
    }
    if answer.quotes:
        result["quotes_language"] = all(q.language == row["lang"] for q in answer.quotes)
    if pipeline.generator is not None:  # LLM mode: was the answer the model's, and is a fallback said?
        result["generated"] = not answer.refused and not answer.quotes
        if answer.quotes:
            result["fallback_noted"] = bool(answer.note)
        result["note"] = answer.note
    if row["type"] == "oos":
        result["oos_refused"] = answer.refused
        result["oos_in_chat" if history else "oos_alone"] = answer.refused
        return result
    result.update(
        {
            "hit@1": rank == 1,
            "hit@3": rank is not None and rank <= 3,
            "mrr": 1 / rank if rank else 0.0,
            "citations_relevant": bool(answer.citations) and set(answer.citations) <= relevant,
            "cites_gold": bool(gold & set(answer.citations)),
            "false_refusals": answer.refused,
        }
    )
    if history and row["type"] != "followup":  # an in-scope question on a new topic, mid-conversation
        result["switch_gold"] = bool(gold & set(answer.citations))
    if row.get("kind") == "act":
        result["act_gold"] = result["cites_gold"]
    gold_kinds = {g.split("-")[0] for g in gold}
    if {"recital", "paragraph"} <= gold_kinds:
        cited = {c.split("-")[0] for c in gold & set(answer.citations)}
        result["both_kinds"] = {"recital", "paragraph"} <= cited
    if row.get("keywords"):
        result["keywords"] = all(any(k.lower() in text for k in alts) for alts in row["keywords"])
    return result


def _aggregate(results: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"questions": len(results)}
    for name, _ in METRICS:
        values = [float(r[name]) for r in results if name in r]
        out[name] = round(sum(values) / len(values), 3) if values else None
        out[f"{name}_n"] = len(values)
    return out


def evaluate_file(pipeline: Pipeline, path: Path) -> dict[str, Any]:
    results = [judge(pipeline, row) for row in load_questions(path)]
    languages = sorted({r["lang"] for r in results})
    return {
        "file": str(path),
        "overall": _aggregate(results),
        "by_language": {lang: _aggregate([r for r in results if r["lang"] == lang]) for lang in languages},
        "questions": results,
    }


def format_report(report: dict[str, Any], details: bool = False) -> str:
    columns = ["overall", *report["by_language"]]
    blocks = {"overall": report["overall"], **report["by_language"]}
    lines = [f"{report['file']}: {report['overall']['questions']} questions", ""]
    lines.append(f"{'metric':20}" + "".join(f"{c:>12}" for c in columns) + "   meaning")
    for name, meaning in METRICS:
        cells = []
        for c in columns:
            value, n = blocks[c][name], blocks[c][f"{name}_n"]
            cells.append(f"{'—':>12}" if value is None else f"{value:>7.3f} ({n:>2})")
        lines.append(f"{name:20}" + "".join(cells) + f"   {meaning}")
    if details:
        lines.append("")
        for r in report["questions"]:
            lines.append(
                f"{r['id']:8} {r['type']:8} rank={r['rank']} top={r['top']} cites={r['citations']}"
                f"{' REFUSED' if r['refused'] else ''}"
            )
    return "\n".join(lines)
