"""The claim checker (bot/answers/verify.py) measured like a classifier, offline: over a JSONL file of
(unit, claim, label) triples, the share of unsupported claims it rejects and of supported ones it
accepts, per kind of claim, per language of the claim and overall. No language model is involved,
unless the second pass is measured too (`--llm`): the model judges each claim the checker kept
(bot/answers/judge.py), and both passes are reported."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.answers.verify import Claim, Evidence, verify_claims
from bot.jsonl import read_rows
from bot.settings import Settings
from index.embeddings import E5Embeddings
from index.models import Document
from index.parse import parse_resolution
from index.sentences import split_sentences
from index.store import read_corpus

if TYPE_CHECKING:
    from bot.answers.judge import ModelJudge

LANGUAGES = ("fr", "en")


@dataclass(frozen=True)
class ClaimCase:
    """One line of a claims file: `claim` (in `language`) said of `unit`, checked against the unit's
    text in `unit_language` (by default the claim's own language); `kind` names the kind of claim."""

    unit: str
    claim: str
    language: str
    supported: bool
    kind: str
    unit_language: str


def load_claims(path: Path) -> list[ClaimCase]:
    """The claims of a JSONL file; a malformed line raises ValueError naming the file and line."""
    cases = []
    for n, row in read_rows(path, {"unit", "claim", "language", "supported", "kind"}):
        unit_language = row.get("unit_language", row["language"])
        if row["language"] not in LANGUAGES or unit_language not in LANGUAGES:
            raise ValueError(f"{path}:{n}: language must be one of {', '.join(LANGUAGES)}")
        if not isinstance(row["supported"], bool):
            raise ValueError(f"{path}:{n}: supported must be true or false")
        cases.append(
            ClaimCase(row["unit"], str(row["claim"]), row["language"], row["supported"], str(row["kind"]),
                      unit_language)
        )
    if not cases:
        raise ValueError(f"{path}: no claims")
    return cases


class ClaimJudge:
    """Checks one claim against one unit as generation does: the unit is the only evidence given, the
    claim cites it, and the claim is accepted if the checker keeps it."""

    def __init__(self, documents: dict[str, Document], embeddings: E5Embeddings | None = None) -> None:
        self.units = {lang: doc.by_id() for lang, doc in documents.items()}
        self.embeddings = embeddings or E5Embeddings()
        self._evidence: dict[tuple[str, str], Evidence] = {}

    def _text(self, unit_id: str, language: str) -> Evidence:
        key = (language, unit_id)
        if key not in self._evidence:
            if language not in self.units:
                raise ValueError(f"no {language} text of the resolution is configured")
            if unit_id not in self.units[language]:
                raise ValueError(f"unknown unit: {unit_id}")
            text = self.units[language][unit_id].text
            sentences = tuple(split_sentences(text))
            vectors = self.embeddings.passages(list(sentences))
            self._evidence[key] = Evidence(unit_id, text, sentences, vectors, language)
        return self._evidence[key]

    def evidence(self, unit_id: str, language: str) -> Evidence:
        """The unit in `language`, with its rendering in the other language when there is one (as
        generation gives it)."""
        main = self._text(unit_id, language)
        other = [lang for lang in self.units if lang != language and unit_id in self.units[lang]]
        return replace(main, rendering=self._text(unit_id, other[0])) if other else main

    def _embed(self, texts: list[str]) -> np.ndarray:
        return np.stack([self.embeddings.query(t) for t in texts]) if texts else np.zeros((0, 384))

    def accepts(self, case: ClaimCase) -> bool:
        evidence = self.evidence(case.unit, case.unit_language)
        verdict = verify_claims([Claim(case.claim, (case.unit,))], [evidence], self._embed)
        return bool(verdict.kept)


def _shares(cases: Sequence[ClaimCase], accepted: Sequence[bool]) -> dict[str, Any]:
    """Share of unsupported claims rejected and of supported claims accepted (None when there are none)."""
    bad = [not a for c, a in zip(cases, accepted, strict=True) if not c.supported]
    good = [a for c, a in zip(cases, accepted, strict=True) if c.supported]
    return {
        "rejected": round(sum(bad) / len(bad), 3) if bad else None,
        "accepted": round(sum(good) / len(good), 3) if good else None,
        "unsupported": len(bad),
        "supported": len(good),
    }


def summarize(cases: Sequence[ClaimCase], accepted: Sequence[bool], path: str = "") -> dict[str, Any]:
    def subset(keep: Callable[[ClaimCase], bool]) -> dict[str, Any]:
        pairs = [(c, a) for c, a in zip(cases, accepted, strict=True) if keep(c)]
        return _shares([c for c, _ in pairs], [a for _, a in pairs])

    kinds = list(dict.fromkeys(c.kind for c in cases))
    languages = sorted({c.language for c in cases})
    return {
        "file": path,
        "claims": len(cases),
        "overall": _shares(cases, accepted),
        "by_kind": {k: subset(lambda c, k=k: c.kind == k) for k in kinds},
        "by_language": {lang: subset(lambda c, lang=lang: c.language == lang) for lang in languages},
    }


def misjudged(cases: Sequence[ClaimCase], accepted: Sequence[bool]) -> list[dict[str, Any]]:
    return [
        {"unit": c.unit, "claim": c.claim, "language": c.language, "kind": c.kind, "supported": c.supported}
        for c, a in zip(cases, accepted, strict=True)
        if a != c.supported
    ]


def documents(settings: Settings) -> dict[str, Document]:
    """The French text and, if configured, its English rendering, parsed into units."""
    docs = {"fr": parse_resolution(read_corpus(settings.resobot_corpus))}
    if settings.english_corpus is not None:
        docs["en"] = parse_resolution(read_corpus(settings.english_corpus))
    return docs


def evaluate_claims_file(
    path: Path, judge: ClaimJudge, details: bool = False, model: ModelJudge | None = None,
    strict: bool = False,
) -> dict[str, Any]:
    """The checker's figures on the claims of `path`; with `model`, also those of the checker followed by
    the model's judgement of each claim it kept ("with_judge"), and what the judge cost."""
    cases = load_claims(path)
    accepted = [judge.accepts(c) for c in cases]
    report = summarize(cases, accepted, str(path))
    if details:
        report["misjudged"] = misjudged(cases, accepted)
    if model is not None:
        report["with_judge"] = _second_pass(cases, accepted, judge, model, strict, details)
    return report


def _second_pass(cases: Sequence[ClaimCase], accepted: Sequence[bool], judge: ClaimJudge, model: ModelJudge,
                 strict: bool, details: bool) -> dict[str, Any]:
    """Each claim the checker kept, judged by the model against its unit (in the claim's language, as
    generation gives it), one call per claim; the figures of both passes together."""
    kept, seconds, calls, unanswered = [], 0.0, 0, 0
    for case, ok in zip(cases, accepted, strict=True):
        if not ok:
            kept.append(False)
            continue
        unit = judge.evidence(case.unit, case.unit_language).view(case.language)
        start = time.monotonic()
        verdict = model.judge([Claim(case.claim, (case.unit,))], {case.unit: unit.text})
        seconds += time.monotonic() - start
        calls += verdict.calls
        unanswered += verdict.verdicts[0] is None
        kept.append(verdict.keeps(0, strict))
    report = summarize(cases, kept)
    report.update(mode="strict" if strict else "lenient", calls=calls, no_verdict=unanswered,
                  seconds_per_call=round(seconds / calls, 2) if calls else None)
    if details:
        report["misjudged"] = misjudged(cases, kept)
    return report


def _cell(block: dict[str, Any], key: str) -> str:
    value, n = block[key], block["unsupported" if key == "rejected" else "supported"]
    return f"{value:.3f} (n={n})" if value is not None else "-"


def format_claims_report(report: dict[str, Any]) -> str:
    lines = [f"{report['file']}: {report['claims']} claims", "", "the checker alone:"]
    lines += _table(report)
    second = report.get("with_judge")
    if second:
        lines += ["", f"the checker, then the model as judge ({second['mode']}): {second['calls']} calls, "
                  f"{second['seconds_per_call']} s a call, {second['no_verdict']} without a verdict"]
        lines += _table(second)
    return "\n".join(lines)


def _table(report: dict[str, Any]) -> list[str]:
    lines = [f"{'':22}{'unsupported rejected':>24}{'supported accepted':>24}"]
    rows = [("overall", report["overall"])]
    rows += [(f"kind {k}", v) for k, v in report["by_kind"].items()]
    rows += [(f"language {k}", v) for k, v in report["by_language"].items()]
    for name, block in rows:
        lines.append(f"{name:22}{_cell(block, 'rejected'):>24}{_cell(block, 'accepted'):>24}")
    for m in report.get("misjudged", []):
        verdict = "accepted" if not m["supported"] else "rejected"
        lines.append(f"  {verdict}: [{m['kind']}, {m['language']}] {m['unit']}: {m['claim']}")
    return lines
