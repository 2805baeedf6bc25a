"""The Chroma store, for real: embedded (`PersistentClient`) and against a `chroma run` server.

Embedding the corpus with the real model takes seconds, so it happens once per session (the
`built_index_dir` fixture). Later builds go through `embed_log` (tests/conftest.py), which wraps
`E5Embeddings.passages`: it records every text the store asks to embed, and answers with the real model's
vectors, taken from the session's store or computed by the real model for a text it has never seen (an
edited paragraph).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import chromadb
import httpx
import pytest

from bot.settings import DEFAULT_CORPUS_EN, Settings
from index.embeddings import E5Embeddings
from index.models import Document
from index.parse import parse_resolution
from index.sentences import split_sentences
from index.store import (
    INDEX_FORMAT,
    Index,
    build_index,
    corpus_fingerprint,
    fingerprint,
    nearest,
    open_index,
    search_texts,
)
from tests.conftest import EmbedLog

UNITS, SENTENCES = "resobot-units", "resobot-sentences"


def _expected_rows(index: Index) -> tuple[dict[str, str], dict[str, str]]:
    units, sentences = {}, {}
    for suffix, doc in (("", index.document), ("@en", index.english)):
        if doc is None:
            continue
        searched = search_texts(doc) if doc is index.document else {u.id: u.text for u in doc.units}
        units |= {f"{unit_id}{suffix}": text for unit_id, text in searched.items()}
        sentences |= {
            f"{u.id}{suffix}/{k}": s for u in doc.units for k, s in enumerate(split_sentences(u.text))
        }
    return units, sentences


def _french(rows: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in rows.items() if "@en" not in k}


def _check_store(index: Index, document: Document) -> None:
    """The store holds exactly the document and its English rendering: one row per unit, one per sentence,
    each with its unit id and language."""
    assert index.document == document
    units, sentences = _expected_rows(index)
    got = index.units.get(include=["documents", "metadatas"])
    assert dict(zip(got["ids"], got["documents"], strict=True)) == units
    for row_id, meta in zip(got["ids"], got["metadatas"], strict=True):
        unit_id, _, english = row_id.partition("@")
        acts = meta.pop("acts")  # what the unit does (index/acts.py): every paragraph does something
        assert isinstance(acts, str) and (acts or not unit_id.startswith("paragraph"))
        assert meta == {"unit_id": unit_id, "language": english or "fr", "kind": unit_id.split("-")[0]}
    got = index.sentences.get(include=["documents", "metadatas"])
    assert dict(zip(got["ids"], got["documents"], strict=True)) == sentences
    for sid, meta in zip(got["ids"], got["metadatas"], strict=True):
        head, position = sid.split("/")
        unit_id, _, english = head.partition("@")
        assert isinstance(meta.pop("acts"), str)
        assert meta == {"unit_id": unit_id, "language": english or "fr", "kind": unit_id.split("-")[0],
                        "position": int(position)}
    for unit in document.units:  # a unit's sentences, in order, join back into its text
        count = sum(1 for sid in sentences if sid.split("/")[0] == unit.id)
        assert " ".join(sentences[f"{unit.id}/{k}"] for k in range(count)) == unit.text
    for collection in (index.units, index.sentences):
        assert collection.configuration["hnsw"]["space"] == "cosine"
        assert collection.metadata["fingerprint"] == corpus_fingerprint(Settings(), E5Embeddings.model_id)


def _contains(index: Index, word: str) -> tuple[list[str], list[str]]:
    where = {"$contains": word}
    return (
        index.units.get(where_document=where)["ids"],
        index.sentences.get(where_document=where)["ids"],
    )


# --- embedded mode ---------------------------------------------------------------------------------------


def test_session_build_created_a_store_under_the_data_dir(built_index_dir: Path, document: Document) -> None:
    assert (built_index_dir / "chroma" / "chroma.sqlite3").is_file()
    # the store, and what each start works out from the corpus (index/derived.py), and nothing else
    assert sorted(p.name for p in built_index_dir.iterdir()) == ["chroma", "derived.json"]
    client = chromadb.PersistentClient(
        path=str(built_index_dir / "chroma"), settings=chromadb.config.Settings(anonymized_telemetry=False)
    )
    english = parse_resolution(DEFAULT_CORPUS_EN.read_text(encoding="utf-8"))
    index = Index(document, None, None, None, english)  # type: ignore[arg-type]  # rows only
    units, sentences = _expected_rows(index)
    assert client.get_collection(UNITS).count() == len(units) == 100  # 50 units, in French and in English
    assert client.get_collection(SENTENCES).count() == len(sentences) == 186


def test_build_into_an_empty_data_dir_embeds_every_unit_and_sentence(
    data_dir: Path, document: Document, embed_log: EmbedLog
) -> None:
    settings = Settings()  # from the environment: RESOBOT_DATA_DIR is the test's data dir
    assert settings.store_dir == data_dir / "chroma"
    assert not data_dir.exists()

    index, report = build_index(settings)

    assert (data_dir / "chroma" / "chroma.sqlite3").is_file()
    units, sentences = _expected_rows(index)
    assert (report.rebuilt, report.units, report.sentences) == (True, 50, len(_french(sentences)))
    assert report.languages == ("fr", "en")
    assert sorted(embed_log.texts) == sorted({*units.values(), *sentences.values()})  # each text, once
    assert embed_log.computed == []  # same texts as the session build: the real model's vectors are known
    assert index.document == document
    _check_store(index, document)


def test_unchanged_corpus_is_not_embedded_again(
    settings: Settings, document: Document, embed_log: EmbedLog
) -> None:
    index, report = build_index(settings)

    assert report.rebuilt is False
    assert embed_log.calls == 0
    assert (report.units, report.sentences) == (50, len(_french(_expected_rows(index)[1])))
    assert index.document == document
    _check_store(index, document)


def test_changed_corpus_is_rebuilt_and_the_new_word_is_searchable(
    settings: Settings, corpus_text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, embed_log: EmbedLog
) -> None:
    assert corpus_text.count("pluriethnique") == 1  # paragraph 11
    edited = tmp_path / "edited.fr.txt"
    edited.write_text(corpus_text.replace("pluriethnique", "cosmopolite"), encoding="utf-8")
    monkeypatch.setenv("RESOBOT_CORPUS", str(edited))
    changed = Settings()
    assert changed.resobot_corpus == edited and changed.resobot_data_dir == settings.resobot_data_dir

    index, report = build_index(changed)

    assert report.rebuilt is True
    distinct = {t for rows in _expected_rows(index) for t in rows.values()}
    assert len(embed_log.texts) == len(distinct)  # every distinct text, once
    new_unit = index.document.by_id()["paragraph-11"].text
    assert "le caractère cosmopolite et multiconfessionnel du Kazakhstan" in new_unit
    assert embed_log.computed == [new_unit, split_sentences(new_unit)[0]]  # only these are new texts
    assert _contains(index, "cosmopolite") == (["paragraph-11"], ["paragraph-11/0"])
    assert _contains(index, "pluriethnique") == ([], [])
    assert index.units.count() == 50  # replaced, not added to
    top = index.store("sentences").similarity_search("Kazakhstan cosmopolite et multiconfessionnel", k=3)
    assert "paragraph-11/0" in [d.id for d in top]

    embed_log.texts.clear()
    assert build_index(changed)[1].rebuilt is False  # the new fingerprint was stored
    assert embed_log.texts == []
    monkeypatch.delenv("RESOBOT_CORPUS")
    assert build_index(Settings())[1].rebuilt is True  # and going back to the shipped corpus rebuilds again
    assert _contains(build_index(Settings())[0], "pluriethnique") == (["paragraph-11"], ["paragraph-11/0"])


def test_force_rebuilds_an_unchanged_store(
    settings: Settings, document: Document, embed_log: EmbedLog
) -> None:
    index, report = build_index(settings, force=True)

    assert report.rebuilt is True
    units, sentences = _expected_rows(index)
    assert sorted(embed_log.texts) == sorted({*units.values(), *sentences.values()})
    assert (index.units.count(), index.sentences.count()) == (100, len(sentences))
    _check_store(index, document)
    embed_log.texts.clear()
    assert build_index(settings)[1].rebuilt is False
    assert embed_log.texts == []


def test_dense_search_returns_unit_ids(settings: Settings, document: Document, embed_log: EmbedLog) -> None:
    index = open_index(settings)
    assert embed_log.calls == 0

    found = index.store("units").similarity_search("Maks Bokayev prisonnier", k=3)
    ids = [d.metadata["unit_id"] for d in found]
    assert {"recital-D", "paragraph-4"} & set(ids), ids
    for doc in found:
        assert doc.page_content == _expected_rows(index)[0][doc.id]
        assert doc.metadata["kind"] == doc.metadata["unit_id"].split("-")[0]

    scored = index.store("sentences").similarity_search_with_score(
        "Maks Bokayev purge une peine de prison", k=3
    )
    assert scored[0][0].metadata["unit_id"] in {"recital-D", "paragraph-4"}
    assert scored[0][0].metadata["unit_id"] == scored[0][0].id.split("/")[0].removesuffix("@en")
    assert [s for _, s in scored] == sorted(s for _, s in scored)  # cosine distances, nearest first


def _nearest_is_langchains_search(index: Index, question: str) -> None:
    """`nearest` (what retrieval reads the store with) finds what LangChain's search by vector finds: the
    same rows, metadata and distances, in the same order, over every row of both collections."""
    vector = E5Embeddings().query(question).tolist()
    for part, collection in (("units", index.units), ("sentences", index.sentences)):
        k = collection.count()
        theirs = index.store(part).similarity_search_by_vector_with_relevance_scores(vector, k=k)
        ours = nearest(collection, vector, k)
        assert len(ours) == k
        assert ours == [(doc.metadata, distance) for doc, distance in theirs]


def test_nearest_reads_the_store_as_langchains_search_by_vector(settings: Settings) -> None:
    _nearest_is_langchains_search(open_index(settings), "Que dit la résolution sur les syndicats ?")


def test_missing_corpus_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="RESOBOT_CORPUS"):
        build_index(Settings(resobot_corpus=tmp_path / "absent.txt"))
    assert not (tmp_path / "data").exists()  # nothing is created for a corpus that cannot be read


def test_fingerprint_depends_on_corpus_model_and_format() -> None:
    base = fingerprint("texte", "model-a")
    assert base == fingerprint("texte", "model-a") and len(base) == 32
    assert base != fingerprint("texte ", "model-a")
    assert base != fingerprint("texte", "model-b")
    assert fingerprint("ab", "c") != fingerprint("a", "bc")  # parts are separated
    assert base != fingerprint("texte", "model-a", "text")  # the English rendering counts too
    assert INDEX_FORMAT in {"8"}  # bump INDEX_FORMAT (and this test) when what is embedded changes


# --- server mode -----------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[int]:
    """A real `chroma run` on a free port, with its own empty data dir; stopped whatever happens."""
    chroma = Path(sys.executable).parent / "chroma"
    if not chroma.exists():
        pytest.fail(f"the chroma CLI is not installed next to {sys.executable}")
    root = tmp_path_factory.mktemp("chroma-server")
    port = _free_port()
    log = (root / "server.log").open("wb")
    process = subprocess.Popen(
        [str(chroma), "run", "--path", str(root / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"}, cwd=root,
    )

    def stop() -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        log.close()

    request.addfinalizer(stop)
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            pytest.fail(f"chroma run exited with {process.returncode}:\n{(root / 'server.log').read_text()}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"chroma run did not answer within 60 s:\n{(root / 'server.log').read_text()}")
        time.sleep(0.2)
    yield port


@pytest.mark.server
def test_server_mode_builds_searches_and_skips_an_unchanged_rebuild(
    chroma_server: int,
    data_dir: Path,
    document: Document,
    embed_log: EmbedLog,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = Settings(chroma_host="127.0.0.1", chroma_port=chroma_server)
    assert settings.use_server

    index, report = build_index(settings)

    units, sentences = _expected_rows(index)
    assert (report.rebuilt, report.units, report.sentences) == (True, 50, len(_french(sentences)))
    assert sorted(embed_log.texts) == sorted({*units.values(), *sentences.values()})
    assert not data_dir.exists()  # the server holds the store; nothing is written locally
    _check_store(index, document)
    listed = httpx.get(
        f"http://127.0.0.1:{chroma_server}/api/v2/tenants/default_tenant/databases/default_database/collections"
    ).json()
    assert {c["name"] for c in listed} >= {UNITS, SENTENCES}

    found = [
        d.metadata["unit_id"] for d in index.store("units").similarity_search("Maks Bokayev prisonnier", k=3)
    ]
    assert {"recital-D", "paragraph-4"} & set(found), found

    embed_log.texts.clear()
    monkeypatch.setenv("CHROMA_MODE", "server")  # the host defaults to 127.0.0.1 in server mode
    monkeypatch.setenv("CHROMA_PORT", str(chroma_server))
    again, report = build_index(Settings())
    assert (report.rebuilt, report.units, report.sentences) == (False, 50, len(_french(sentences)))
    assert embed_log.texts == []
    again_found = again.store("units").similarity_search("Maks Bokayev prisonnier", k=3)
    assert [d.metadata["unit_id"] for d in again_found] == found
    _nearest_is_langchains_search(again, "Who is Maks Bokayev?")  # opened without LangChain, over HTTP


def test_footnote_is_searched_with_the_text_that_refers_to_it(document: Document) -> None:
    searched = search_texts(document)
    assert searched["footnote-4"].startswith("JO C 45 du 5.2.2016, p. 85. — vu ses résolutions antérieures")
    assert searched["paragraph-6"] == document.by_id()["paragraph-6"].text
