"""Build and open the Chroma store: one collection of units, one of their sentences, each in French and,
when the corpus has one, in its English rendering (checked unit by unit against the French first:
index/align.py). Every entry carries its `unit_id` and `language`.

Embedded (`PersistentClient` under the data dir) by default, a `chroma run` server when a host is
configured. The collections carry a fingerprint of the corpus, the parser and the model: an unchanged
corpus is never embedded twice, a changed one is rebuilt.

LangChain's `Chroma` builds the collections; questions read them with chromadb's own client (the query
vector is ours: `collection.query(query_embeddings=…)`, what LangChain's search by vector calls). A
question on a built index thus never imports langchain_chroma (langchain_core's callbacks and tracing,
langsmith, requests): 0.3-0.4 s of CPU of a command-line `ask` (benchmarks/bench_cli.py).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Literal

import chromadb
import httpx
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import NotFoundError

from bot.settings import Settings
from index.acts import as_metadata, clause_acts, unit_acts
from index.derived import Derived, derive, search_texts, work_out
from index.embeddings import E5Embeddings
from index.models import Document
from index.parse import PARSER_VERSION, parse_resolution, read_corpus
from index.progress import build_progress
from index.sentences import split_sentences

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection
    from langchain_chroma import Chroma

logger = logging.getLogger(__name__)

INDEX_FORMAT = "8"  # bump when what is embedded, or how, changes
_BATCH = 16


@dataclass(frozen=True)
class Index:
    """The parsed document (and its English rendering, if any) and their two Chroma collections."""

    document: Document
    units: Collection
    sentences: Collection
    embeddings: E5Embeddings
    english: Document | None = None
    english_official: bool = False  # the rendering is an official English version, not a translation
    client: chromadb.ClientAPI | None = None  # what opened the collections (for `store`)
    derived: Derived | None = None  # its vocabulary and BM25 tokens (index/derived.py), if worked out

    def derive(self) -> Derived:
        """The vocabulary and BM25 tokens of the text: those the store was opened with, else worked out."""
        return self.derived or work_out(self.document, self.english)

    def text_of(self, unit_id: str, language: str) -> str:
        """A unit's text in `language` ("en" falls back to the French when there is no rendering)."""
        if language == "en" and self.english is not None:
            return self.english.by_id()[unit_id].text
        return self.document.by_id()[unit_id].text

    def store(self, part: Literal["units", "sentences"]) -> Chroma:
        """LangChain's vector store over one of the two collections (text queries embedded with e5)."""
        if self.client is None:
            raise ValueError("this index has no Chroma client")
        collection = self.units if part == "units" else self.sentences
        return _langchain_store(self.client, collection.name)


def nearest(collection: Collection, vector: list[float], k: int) -> list[tuple[Mapping, float]]:
    """The metadata and cosine distance of the `k` entries closest to `vector`, closest first: the query
    LangChain's `similarity_search_by_vector_with_relevance_scores` makes, without its import."""
    got = collection.query(query_embeddings=[vector], n_results=k, include=["metadatas", "distances"])
    return list(zip(got["metadatas"][0], got["distances"][0], strict=True))


@dataclass(frozen=True)
class BuildReport:
    rebuilt: bool
    units: int  # of the French text (its English rendering, if any, has the same units)
    sentences: int  # of the French text
    seconds: float
    languages: tuple[str, ...] = ("fr",)


def fingerprint(corpus_text: str, model_id: str, english_text: str = "") -> str:
    h = hashlib.sha256()
    acts = resources.files("index").joinpath("data/acts.tsv").read_text(encoding="utf-8")  # metadata
    for part in (INDEX_FORMAT, PARSER_VERSION, model_id, corpus_text, english_text, acts):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:32]


def chroma_client(settings: Settings) -> chromadb.ClientAPI:
    """A Chroma client with telemetry off: a `chroma run` server if configured, else embedded."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.use_server:
        client = chromadb.HttpClient(
            host=settings.chroma_host or "127.0.0.1", port=settings.chroma_port, settings=chroma_settings
        )
        # chromadb's HTTP session waits for ever (timeout=None): a server that stops answering would hold
        # every search. CHROMA_TIMEOUT bounds each call (the session is shared by the clients of a host).
        session = getattr(getattr(client, "_server", None), "_session", None)
        if isinstance(session, httpx.Client):
            session.timeout = httpx.Timeout(settings.chroma_timeout)
        return client
    settings.store_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.store_dir), settings=chroma_settings)


def corpus_fingerprint(settings: Settings, model_id: str) -> str:
    """The fingerprint the store must carry for the configured corpus and its English rendering."""
    english = read_corpus(settings.english_corpus) if settings.english_corpus else ""
    return fingerprint(read_corpus(settings.resobot_corpus), model_id, english)


def _langchain_store(client: chromadb.ClientAPI, name: str) -> Chroma:
    """LangChain's `Chroma` over the collection `name`, created if missing (cosine distances); its text
    searches are embedded with e5."""
    from langchain_chroma import Chroma

    from index.langchain_e5 import LangChainE5

    return Chroma(
        collection_name=name,
        embedding_function=LangChainE5(),
        client=client,
        collection_configuration={"hnsw": {"space": "cosine"}},
    )


def _names(settings: Settings) -> tuple[str, str]:
    return f"{settings.chroma_collection}-units", f"{settings.chroma_collection}-sentences"


def _current(collection: Collection, wanted: str) -> bool:
    return (collection.metadata or {}).get("fingerprint") == wanted and collection.count() > 0


def _open_current(client: chromadb.ClientAPI, settings: Settings, wanted: str) -> tuple[Collection, ...]:
    """The units and sentences collections if both exist and hold the index `wanted`, else ()."""
    collections = []
    for name in _names(settings):
        try:
            collection = client.get_collection(name, embedding_function=None)  # we embed the queries
        except NotFoundError:
            return ()
        if not _current(collection, wanted):
            return ()
        collections.append(collection)
    return tuple(collections)


def _fill(
    store: Chroma,
    rows: list[tuple[str, str, dict]],
    vectors: dict[str, list[float]],
    print_: str,
) -> None:
    for i in range(0, len(rows), _BATCH):
        ids, texts, metadatas = (list(col) for col in zip(*rows[i : i + _BATCH], strict=True))
        store._collection.add(
            ids=ids, documents=texts, embeddings=[vectors[t] for t in texts], metadatas=metadatas
        )
    store._collection.modify(metadata={"fingerprint": print_})


def _embed_once(
    texts: list[str], embeddings: E5Embeddings, label: str, show_progress: bool
) -> dict[str, list[float]]:
    """Each distinct text embedded once: a one-sentence unit is its own sentence."""
    distinct = list(dict.fromkeys(texts))
    vectors: dict[str, list[float]] = {}
    with build_progress(label, len(distinct), show_progress) as advance:
        for i in range(0, len(distinct), _BATCH):
            batch = distinct[i : i + _BATCH]
            vectors.update(zip(batch, embeddings.passages(batch).tolist(), strict=True))
            advance(len(batch))
    return vectors


def _label(force: bool, first: bool, document: Document, english: Document | None) -> str:
    """What the progress says is being built: "building the index, once: 50 units (French and English)"."""
    what = f"{len(document.units)} units ({'French and English' if english is not None else 'French'})"
    if force:
        return f"rebuilding the index: {what}"
    if first:
        return f"building the index, once: {what}"
    return f"rebuilding the index (the corpus, the parser or the model changed): {what}"


def _report(rebuilt: bool, document: Document, english: Document | None, started: float) -> BuildReport:
    sentences = sum(len(split_sentences(u.text)) for u in document.units)
    languages = ("fr", "en") if english is not None else ("fr",)
    return BuildReport(rebuilt, len(document.units), sentences, time.perf_counter() - started, languages)


def build_index(
    settings: Settings, *, force: bool = False, show_progress: bool = False
) -> tuple[Index, BuildReport]:
    """Parse the corpus and make sure the store holds it; embed only when the fingerprint changed. With
    `show_progress`, an embedding run is shown on stderr (index/progress.py)."""
    started = time.perf_counter()
    text = read_corpus(settings.resobot_corpus)
    document = parse_resolution(text)
    english_text = read_corpus(settings.english_corpus) if settings.english_corpus else ""
    english = parse_resolution(english_text) if english_text else None
    embeddings = E5Embeddings()
    wanted = fingerprint(text, embeddings.model_id, english_text)  # = corpus_fingerprint(settings, …)
    # refuses to build on a rendering that does not match the French text (index/align.py): checked, or
    # found checked next to the store with the rest of what the corpus gives (index/derived.py); with a
    # Chroma server nothing is written locally
    derived = derive(document, english, wanted, None if settings.use_server else settings.resobot_data_dir)
    client = chroma_client(settings)
    official = settings.resobot_corpus_en_official
    if not force and (current := _open_current(client, settings, wanted)):
        units_collection, sentences_collection = current
        report = _report(False, document, english, started)
        index = Index(
            document, units_collection, sentences_collection, embeddings, english, official, client, derived
        )
        return index, report

    units, sentences = (_langchain_store(client, name) for name in _names(settings))
    label = _label(force, units._collection.count() == 0, document, english)
    units.reset_collection()
    sentences.reset_collection()
    unit_rows, sentence_rows = [], []
    for language, doc in (("fr", document), ("en", english)):
        if doc is None:
            continue
        # a French footnote is searched with the text that cites it; its rendering need not repeat that
        searched = search_texts(doc) if language == "fr" else {u.id: u.text for u in doc.units}
        suffix = "" if language == "fr" else "@en"
        # what each unit and clause does (index/acts.py): "welcomes,condemns"; Chroma metadata are scalars
        unit_rows += [
            (
                f"{u.id}{suffix}",
                searched[u.id],
                {
                    "unit_id": u.id,
                    "language": language,
                    "kind": u.kind,
                    "acts": as_metadata(unit_acts(u, language)),
                },
            )
            for u in doc.units
        ]
        sentence_rows += [
            (
                f"{u.id}{suffix}/{k}",
                s,
                {
                    "unit_id": u.id,
                    "language": language,
                    "kind": u.kind,
                    "position": k,
                    "acts": as_metadata(clause_acts(s, language) if u.kind == "paragraph" else unit_acts(u)),
                },
            )
            for u in doc.units
            for k, s in enumerate(split_sentences(u.text))
        ]
    texts = [text for _, text, _ in unit_rows + sentence_rows]
    vectors = _embed_once(texts, embeddings, label, show_progress)
    for store, rows in ((units, unit_rows), (sentences, sentence_rows)):
        _fill(store, rows, vectors, wanted)
    report = _report(True, document, english, started)
    logger.info("indexed %d units and %d sentences in %.1f s", report.units, report.sentences, report.seconds)
    index = Index(
        document, units._collection, sentences._collection, embeddings, english, official, client, derived
    )
    return index, report


def open_index(settings: Settings, show_progress: bool = False) -> Index:
    """The index, built first if the store is missing or out of date (the first `ask` builds it)."""
    return build_index(settings, show_progress=show_progress)[0]
