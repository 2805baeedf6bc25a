"""Build and open the Chroma store: one collection of units, one of their sentences.

Embedded (`PersistentClient` under the data dir) by default, a `chroma run` server when a host is
configured. The collections carry a fingerprint of the corpus, the parser and the model: an unchanged
corpus is never embedded twice, a changed one is rebuilt.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import chromadb
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from rich.progress import Progress

from bot.settings import Settings
from index.embeddings import E5Embeddings
from index.models import Document
from index.parse import PARSER_VERSION, parse_resolution
from index.sentences import split_sentences

logger = logging.getLogger(__name__)

INDEX_FORMAT = "4"  # bump when what is embedded, or how, changes
_BATCH = 16


@dataclass(frozen=True)
class Index:
    """The parsed document and its two LangChain Chroma stores."""

    document: Document
    units: Chroma
    sentences: Chroma
    embeddings: E5Embeddings


@dataclass(frozen=True)
class BuildReport:
    rebuilt: bool
    units: int
    sentences: int
    seconds: float


def search_texts(document: Document) -> dict[str, str]:
    """What is searched for each unit: its text; a footnote ("JO C 45 …") also carries the text of the
    unit that refers to it, which says what the reference is about."""
    referrers = {n: u for u in document.units for n in u.footnotes}
    return {
        u.id: f"{u.text} — {referrers[int(u.label)].text}"
        if u.kind == "footnote" and int(u.label) in referrers
        else u.text
        for u in document.units
    }


def fingerprint(corpus_text: str, model_id: str) -> str:
    h = hashlib.sha256()
    for part in (INDEX_FORMAT, PARSER_VERSION, model_id, corpus_text):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:32]


def chroma_client(settings: Settings) -> chromadb.ClientAPI:
    """A Chroma client with telemetry off: a `chroma run` server if configured, else embedded."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.use_server:
        return chromadb.HttpClient(
            host=settings.chroma_host or "127.0.0.1", port=settings.chroma_port, settings=chroma_settings
        )
    settings.store_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.store_dir), settings=chroma_settings)


def read_corpus(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise FileNotFoundError(f"corpus file not found: {path} (set RESOBOT_CORPUS)") from exc


def _stores(
    client: chromadb.ClientAPI, settings: Settings, embeddings: E5Embeddings
) -> tuple[Chroma, Chroma]:
    def store(name: str) -> Chroma:
        return Chroma(
            collection_name=f"{settings.chroma_collection}-{name}",
            embedding_function=embeddings,
            client=client,
            collection_configuration={"hnsw": {"space": "cosine"}},
        )

    return store("units"), store("sentences")


def _current(store: Chroma, wanted: str) -> bool:
    collection = store._collection
    return (collection.metadata or {}).get("fingerprint") == wanted and collection.count() > 0


def _fill(
    store: Chroma,
    ids: list[str],
    texts: list[str],
    metadatas: list[dict],
    progress: Progress,
    label: str,
    embeddings: E5Embeddings,
    print_: str,
) -> None:
    task = progress.add_task(label, total=len(texts))
    for i in range(0, len(texts), _BATCH):
        vectors = embeddings.passages(texts[i : i + _BATCH]).tolist()
        store._collection.add(
            ids=ids[i : i + _BATCH],
            documents=texts[i : i + _BATCH],
            embeddings=vectors,
            metadatas=metadatas[i : i + _BATCH],
        )
        progress.advance(task, len(texts[i : i + _BATCH]))
    store._collection.modify(metadata={"fingerprint": print_})


def build_index(
    settings: Settings, *, force: bool = False, show_progress: bool = False
) -> tuple[Index, BuildReport]:
    """Parse the corpus and make sure the store holds it; embed only when the fingerprint changed."""
    started = time.perf_counter()
    text = read_corpus(settings.resobot_corpus)
    document = parse_resolution(text)
    embeddings = E5Embeddings()
    wanted = fingerprint(text, embeddings.model_id)
    client = chroma_client(settings)
    units, sentences = _stores(client, settings, embeddings)
    if not force and _current(units, wanted) and _current(sentences, wanted):
        report = BuildReport(
            False, units._collection.count(), sentences._collection.count(), time.perf_counter() - started
        )
        return Index(document, units, sentences, embeddings), report

    units.reset_collection()
    sentences.reset_collection()
    searched = search_texts(document)
    unit_rows = [
        (u.id, searched[u.id], {"kind": u.kind, "label": u.label, "order": u.order}) for u in document.units
    ]
    sentence_rows = [
        (f"{u.id}/{k}", s, {"unit_id": u.id, "kind": u.kind, "position": k})
        for u in document.units
        for k, s in enumerate(split_sentences(u.text))
    ]
    with Progress(disable=not show_progress, transient=True) as progress:
        for store, rows, label in ((units, unit_rows, "units"), (sentences, sentence_rows, "sentences")):
            ids, texts, metas = (list(col) for col in zip(*rows, strict=True))
            _fill(store, ids, texts, metas, progress, f"Embedding {label}", embeddings, wanted)
    report = BuildReport(True, len(unit_rows), len(sentence_rows), time.perf_counter() - started)
    logger.info("indexed %d units and %d sentences in %.1f s", report.units, report.sentences, report.seconds)
    return Index(document, units, sentences, embeddings), report


def open_index(settings: Settings) -> Index:
    """The index, built first if the store is missing or out of date (the first `ask` builds it)."""
    return build_index(settings)[0]
