"""The optional second pass of the claim checker (LLM mode, `LLM_JUDGE`): the model itself is asked, in
one call for all the claims of an answer, whether the units each claim cites say what it says
("yes" / "partly" / "no", prompts/judge.txt). Claims the checker kept (bot/answers/verify.py) and the
model judges "no" (or "partly", under `LLM_JUDGE_STRICT`) are dropped. A judge that cannot be reached or
whose reply cannot be read leaves the checker's verdict standing, and says so in the log."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from langchain_core.language_models import BaseChatModel

from bot.answers.llm import json_model, message_text
from bot.answers.prompts import load_prompt
from bot.answers.verify import Claim

logger = logging.getLogger(__name__)

Verdict = Literal["yes", "partly", "no"]
VERDICTS: tuple[Verdict, ...] = ("yes", "partly", "no")
_WORDS = {"oui": "yes", "non": "no", "true": "yes", "false": "no", "partial": "partly",
          "partially": "partly", "supported": "yes", "unsupported": "no"}
_VERDICT = re.compile(r"\b(yes|partly|no)\b", re.I)


@dataclass(frozen=True)
class Judgement:
    """The model's verdict on each claim, in order (None where it gave none), and how many calls it took."""

    verdicts: tuple[Verdict | None, ...]
    calls: int = 1

    def keeps(self, i: int, strict: bool = False) -> bool:
        """Whether claim `i` stays: anything but "no" ("partly" too, unless `strict`); no verdict: kept."""
        verdict = self.verdicts[i]
        return verdict is None or verdict == "yes" or (verdict == "partly" and not strict)


def format_claims(claims: Sequence[Claim]) -> str:
    """The claims as the judge prompt numbers them: "1. [paragraph-6] text"."""
    return "\n".join(f"{i}. [{', '.join(c.units)}] {c.text}" for i, c in enumerate(claims, 1))


def format_cited(claims: Sequence[Claim], texts: Mapping[str, str]) -> str:
    """The units the claims cite, each once, in its tag (as the answer prompt gives them)."""
    ids = [u for u in dict.fromkeys(u for c in claims for u in c.units) if u in texts]
    return "\n".join(f'<unit id="{u}">\n{texts[u]}\n</unit>' for u in ids)


def _verdict(value: object) -> Verdict | None:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not isinstance(value, str):
        return None
    word = value.strip().lower()
    word = _WORDS.get(word, word)
    if word in VERDICTS:
        return word  # type: ignore[return-value]
    m = _VERDICT.search(word)
    return m[1].lower() if m else None  # type: ignore[return-value]


def parse_verdicts(raw: str, n: int) -> tuple[Verdict | None, ...]:
    """The `n` verdicts of a judge's reply, {"1": "yes", "2": "no"}, tolerant of the shapes small models
    produce (a list of {"claim": 1, "verdict": …} objects, "answer" for "verdict"); missing → None."""
    out: list[Verdict | None] = [None] * n
    start, end = raw.find("{"), raw.rfind("}")
    data: object = None
    if start != -1 and end > start:
        try:
            data = json.loads(raw[start : end + 1])
        except json.JSONDecodeError:
            data = None
    items = data.get("verdicts", data.get("claims")) if isinstance(data, dict) else None
    if isinstance(data, dict) and items is None:
        numbered = {k.strip(): v for k, v in data.items() if k.strip().isdigit()}
        if numbered:  # {"1": "yes", "2": "no"}: the form the prompt asks for
            items = [{"claim": int(k), "verdict": v} for k, v in numbered.items()]
        elif "verdict" in data or "answer" in data:
            items = [data]
    if not isinstance(items, list):
        return tuple(out)
    for position, item in enumerate(items):
        index, value = position, item
        if isinstance(item, dict):
            number = item.get("claim", item.get("id", item.get("n")))
            if isinstance(number, int):  # a number that names no claim is no verdict
                index = number - 1 if 1 <= number <= n else n
            value = next((item[k] for k in ("verdict", "answer", "supported", "label") if k in item), None)
        if index < n:
            out[index] = _verdict(value)
    return tuple(out)


class ModelJudge:
    """Asks the chat model whether the units support each claim: one call for all the claims given."""

    def __init__(self, model: BaseChatModel) -> None:
        self.chain = (load_prompt("judge") | json_model(model)).with_config(run_name="JudgeClaims")

    def judge(self, claims: Sequence[Claim], texts: Mapping[str, str]) -> Judgement:
        """The verdicts on `claims`, each read against the `texts` (unit id → text) of the units it cites.
        A failed call or an unreadable reply gives no verdict (None) for the claims concerned."""
        if not claims:
            return Judgement((), calls=0)
        inputs = {"units": format_cited(claims, texts), "claims": format_claims(claims)}
        try:
            raw = message_text(self.chain.invoke(inputs))
        except Exception as e:  # timeout, connection refused: the checker's verdict stands
            logger.warning("judge not reachable (%s: %s); the checker's verdicts stand", type(e).__name__, e)
            return Judgement((None,) * len(claims))
        verdicts = parse_verdicts(raw, len(claims))
        if None in verdicts:
            logger.warning("judge gave no verdict on some claims (reply %r); those stand", raw[:200])
        return Judgement(verdicts)

    def filter(self, claims: Sequence[Claim], texts: Mapping[str, str], strict: bool = False
               ) -> tuple[list[Claim], list[tuple[Claim, str]]]:
        """The claims the model does not reject, and the rejected ones with the reason."""
        judgement = self.judge(claims, texts)
        kept, dropped = [], []
        for i, claim in enumerate(claims):
            if judgement.keeps(i, strict):
                kept.append(claim)
            else:
                dropped.append((claim, f"judged {judgement.verdicts[i]}"))
        return kept, dropped
