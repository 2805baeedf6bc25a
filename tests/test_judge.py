"""The model as a second-pass judge (bot/answers/judge.py, LLM_JUDGE): its reply read in the shapes small
models give, one call for all the claims of an answer, the claims it rejects dropped from the answer, and
the checker's verdicts standing when it cannot be reached. A fake chat model at the model boundary; the
real index and e5."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from aiohttp import web
from click.testing import CliRunner

from bot import cli as cli_module
from bot.answers.generate import GenerativeAnswerer
from bot.answers.judge import Judgement, ModelJudge, format_claims, parse_verdicts
from bot.answers.models import Answer
from bot.answers.verify import Claim
from bot.pipeline import Pipeline
from bot.settings import Settings
from bot.text.messages import say
from tests.model_server import ChatEndpoint
from tests.test_generate import RecordingModel, claims_json

TRADE_UNIONS = "Que dit la résolution sur les syndicats ?"
REPRESSION = "Le Parlement exhorte le Kazakhstan à mettre fin à la répression contre les syndicats libres"
HARASSMENT = "Le Parlement demande la fin du harcèlement des syndicalistes"


def test_verdicts_are_read_in_the_shapes_small_models_give() -> None:
    assert parse_verdicts('{"1": "yes", "2": "no"}', 2) == ("yes", "no")
    assert parse_verdicts('Sure! {"verdicts": [{"claim": 2, "verdict": "Partly"}, {"claim": 1, '
                          '"verdict": "yes"}]}', 2) == ("yes", "partly")
    assert parse_verdicts('{"verdicts": ["oui", "non"]}', 2) == ("yes", "no")
    assert parse_verdicts('{"verdict": "no, the unit welcomes it"}', 1) == ("no",)
    assert parse_verdicts("I cannot tell.", 2) == (None, None)
    assert parse_verdicts('{"1": "maybe", "7": "no"}', 2) == (None, None)


def test_partly_is_kept_unless_strict_and_no_verdict_leaves_the_claim() -> None:
    judgement = Judgement(("yes", "partly", "no", None))
    assert [judgement.keeps(i) for i in range(4)] == [True, True, False, True]
    assert [judgement.keeps(i, strict=True) for i in range(4)] == [True, False, False, True]


def test_the_judge_gets_each_cited_unit_once_and_the_claims_numbered() -> None:
    model = RecordingModel(responses=['{"1": "yes", "2": "no"}'])
    claims = [Claim("A.", ("paragraph-6",)), Claim("B.", ("paragraph-6", "recital-E"))]
    judgement = ModelJudge(model).judge(claims, {"paragraph-6": "six", "recital-E": "E text"})
    assert judgement.verdicts == ("yes", "no") and judgement.calls == 1 and len(model.sent) == 1
    prompt = model.sent[0][-1].content
    assert prompt.count('<unit id="paragraph-6">') == 1 and '<unit id="recital-E">\nE text' in prompt
    assert format_claims(claims) in prompt and "2. [paragraph-6, recital-E] B." in prompt


@pytest.fixture(scope="module")
def pipeline(built_index_dir: Path) -> Pipeline:
    return Pipeline(Settings(resobot_data_dir=built_index_dir, llm_judge="lenient"))


def answer_with(model: RecordingModel, pipeline: Pipeline) -> Answer:
    answerer = GenerativeAnswerer(model, pipeline.answerer)
    return answerer.answer(pipeline.retriever.search(TRADE_UNIONS), "fr")


def test_a_claim_the_judge_rejects_is_dropped_with_one_call_for_the_answer(pipeline: Pipeline) -> None:
    reply = claims_json((f"{REPRESSION}.", ["paragraph-6"]), (f"{HARASSMENT}.", ["paragraph-6"]))
    model = RecordingModel(responses=[reply, '{"1": "yes", "2": "no"}'])
    answer = answer_with(model, pipeline)
    assert len(model.sent) == 2  # the answer, then one judgement of both claims
    assert "2. [paragraph-6]" in model.sent[1][-1].content
    assert "syndicats libres (§ 6)" in answer.text and "harcèlement" not in answer.text


def test_every_claim_rejected_by_the_judge_gives_the_offline_answer_with_a_note(pipeline: Pipeline) -> None:
    reply = claims_json((f"{REPRESSION}.", ["paragraph-6"]))
    model = RecordingModel(responses=[reply, '{"1": "no"}'])
    answer = answer_with(model, pipeline)
    assert answer.text.startswith(say("llm_unverified", "fr"))


def test_an_unreachable_judge_leaves_the_checked_claims(pipeline: Pipeline) -> None:
    reply = claims_json((f"{REPRESSION}.", ["paragraph-6"]))

    class FailingJudge(RecordingModel):
        def _call(self, messages, *args, **kwargs):  # type: ignore[no-untyped-def]
            if len(self.sent) == 1:
                self.sent.append(messages)
                raise httpx.ConnectError("judge down")
            return super()._call(messages, *args, **kwargs)

    model = FailingJudge(responses=[reply])
    answer = answer_with(model, pipeline)
    assert "syndicats libres (§ 6)" in answer.text and len(model.sent) == 2


def test_the_judge_is_off_by_default(built_index_dir: Path) -> None:
    offline = Pipeline(Settings(resobot_data_dir=built_index_dir)).answerer
    model = RecordingModel(responses=[claims_json((f"{REPRESSION}.", ["paragraph-6"]))])
    assert GenerativeAnswerer(model, offline).judge is None


class JudgingServer(ChatEndpoint):
    """An OpenAI-compatible endpoint that judges every claim it is shown "no", and counts its calls."""

    name = "judging-model"

    def __init__(self) -> None:
        self.requests = 0
        super().__init__()

    async def _completions(self, request: web.Request) -> web.Response:
        self.requests += 1
        body = await request.json()
        return web.json_response({
            "id": f"chatcmpl-{self.requests}", "object": "chat.completion", "created": 0,
            "model": body.get("model", "judge"),
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": '{"1": "no"}'}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        })


def test_eval_claims_with_llm_reports_the_checker_alone_and_then_with_the_judge(tmp_path: Path) -> None:
    rows = [
        {"unit": "recital-B", "claim": "Kazakhstan joined the Venice Commission in March 2012.",
         "language": "en", "supported": True, "kind": "paraphrase"},
        {"unit": "recital-B", "claim": "Kazakhstan joined the Venice Commission in May 2012.",
         "language": "en", "supported": False, "kind": "wrong-number"},
    ]
    path = tmp_path / "claims.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    server = JudgingServer()
    try:
        env = {"LLM_MODEL": "openai:judge", "LLM_BASE_URL": server.base_url, "LLM_API_KEY": "none"}
        result = CliRunner().invoke(cli_module.cli, ["eval-claims", "--llm", "--json", str(path)], env=env,
                                    catch_exceptions=False)
    finally:
        server.stop()
    report = json.loads(result.output)
    assert report["overall"]["accepted"] == 1.0 and report["overall"]["rejected"] == 1.0  # the checker
    second = report["with_judge"]
    assert second["overall"]["accepted"] == 0.0 and second["overall"]["rejected"] == 1.0
    assert second["calls"] == 1 == server.requests  # only the claim the checker kept is judged
    assert second["mode"] == "lenient" and second["no_verdict"] == 0
