"""What every start works out from the corpus before it can answer — the check of the English rendering
against the French (index/align.py), the vocabulary (index/coverage.py) and each language's BM25 tokens
(index/lexical.py) — kept in one JSON file in the data dir, next to the embedded store (with a Chroma
server, nothing is written locally), so that a start on a built index reads them instead: about 50 ms
of CPU less for a command-line `ask` on a busy machine (benchmarks/bench_cli.py).

The file holds one key: a hash of everything they derive from — the store's fingerprint (the corpus, its
English rendering, INDEX_FORMAT, the parser, the model), every file of the `index` package (its code and
its data: synonyms, EU terms, names) and the versions of bm25s and PyStemmer. Any change, or a file that
cannot be read, and they are worked out afresh and the file is rewritten (atomically); where it cannot
be written, they are worked out at each start. A rendering that fails the alignment check is never kept.

Example usage: derived = derive(document, english, fingerprint, settings.resobot_data_dir)
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import bm25s
import Stemmer

from index.align import check_alignment
from index.coverage import Vocabulary
from index.lexical import unit_tokens
from index.models import Document

logger = logging.getLogger(__name__)

FILE_NAME = "derived.json"
ANALYZERS = {"fr": "french", "en": "english"}  # each language's text is stemmed with its own stemmer
_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Derived:
    vocabulary: Vocabulary
    tokens: dict[str, list[list[str]]]  # "fr", "en" → each unit's BM25 tokens, in document order


def search_texts(document: Document) -> dict[str, str]:
    """What is searched for each unit: its text; a footnote ("JO C 45 …") also carries the words its
    marker closes ("… du 18 avril 2013"), which name the text it refers to, and the whole unit that
    refers to it, which says what the reference is about."""
    referrers = {n: u for u in document.units for n in u.footnotes}
    texts = {u.id: u.text for u in document.units}
    for u in document.of_kind("footnote"):
        if (referrer := referrers.get(int(u.label))) is not None:
            named = referrer.cited_by(int(u.label))
            texts[u.id] = " — ".join(t for t in (u.text, named, referrer.text) if t)
    return texts


def work_out(document: Document, english: Document | None) -> Derived:
    """The vocabulary and each language's BM25 tokens, worked out afresh (no alignment check)."""
    tokens = {}
    for language, doc in (("fr", document), ("en", english)):
        if doc is not None:
            searched = search_texts(doc)
            tokens[language] = unit_tokens([searched[u.id] for u in document.units], ANALYZERS[language])
    return Derived(Vocabulary.build(document, english), tokens)


def cache_key(fingerprint: str) -> str:
    h = hashlib.sha256()
    for part in (fingerprint, bm25s.__version__, Stemmer.version()):
        h.update(f"{part}\0".encode())
    for folder in (_PACKAGE, _PACKAGE / "data"):
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.is_file():
                h.update(f"{entry.name}\0".encode())
                h.update(Path(entry.path).read_bytes())
    return h.hexdigest()


def _read(path: Path, key: str, units: int, languages: set[str]) -> Derived | None:
    """What the file keeps for `key`, if it holds it whole: `units` token lists in each language."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("key") != key:
            return None
        tokens = data["tokens"]
        whole = set(tokens) == languages and all(
            len(lists) == units and all(isinstance(t, list) and t for t in lists) for lists in tokens.values()
        )
        if not whole:
            raise ValueError("not a token list per unit in each language")
        return Derived(Vocabulary.from_json(data["vocabulary"]), tokens)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        logger.info("cannot read %s; working it out again", path, exc_info=True)
        return None


def _write(path: Path, key: str, derived: Derived) -> None:
    data = {"key": key, "vocabulary": derived.vocabulary.as_json(), "tokens": derived.tokens}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError:
        logger.info("cannot keep %s; it is worked out at each start", path, exc_info=True)
        return
    try:
        with open(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, separators=(",", ":"))
        os.replace(temporary, path)  # a reader sees the old file or the new one, never half of one
    except OSError:
        logger.info("cannot keep %s; it is worked out at each start", path, exc_info=True)
        Path(temporary).unlink(missing_ok=True)


def derive(
    document: Document, english: Document | None, fingerprint: str, data_dir: Path | None = None
) -> Derived:
    """What this corpus gives, the rendering checked against the French text (AlignmentError if it does
    not match): from `data_dir`'s file if it holds them for `fingerprint`, else worked out and kept there."""
    if data_dir is not None:
        key = cache_key(fingerprint)
        languages = {"fr", "en"} if english is not None else {"fr"}
        if (kept := _read(data_dir / FILE_NAME, key, len(document.units), languages)) is not None:
            return kept
    if english is not None:
        check_alignment(document, english)
    derived = work_out(document, english)
    if data_dir is not None:
        _write(data_dir / FILE_NAME, key, derived)
    return derived
