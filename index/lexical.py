"""Lexical matching: BM25 over accent-folded, stemmed text, with EU terms bridged across languages."""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache
from importlib import resources

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_FRENCH

# bm25s sets its own logger to DEBUG when imported, and logs every index build at that level.
logging.getLogger("bm25s").setLevel(logging.WARNING)

_TOKEN = re.compile(r"\w+")
STOPWORDS = (
    frozenset(STOPWORDS_FRENCH) | frozenset(STOPWORDS_EN) | {"vu", "considerant", "qu", "d", "l", "s", "n"}
)


class _Combining(dict[int, int | None]):
    """For str.translate: a combining mark (an accent once NFKD has split it off) → None (dropped), any
    other character → itself; each character is looked up once per process."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_NO_COMBINING = _Combining()


def fold(text: str) -> str:
    """Lower case without accents and with typographic apostrophes made plain: "Lʼétat" → "l'etat".
    ASCII text has nothing to decompose; the rest loses its combining marks in one str.translate."""
    text = text.lower().replace("’", "'").replace("œ", "oe")
    if text.isascii():
        return text
    return unicodedata.normalize("NFKD", text).translate(_NO_COMBINING)


@lru_cache(maxsize=2)
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(language)


def stem(word: str, language: str = "french") -> str:
    """The stem of one folded word ("elections" → "elect"); numbers are kept whole."""
    return word if word.isdigit() else _stemmer(language).stemWord(word)


def tokens(text: str, language: str = "french") -> list[str]:
    """Folded, stemmed content words; numbers ("274", "2016") are kept whole."""
    words = [w for w in _TOKEN.findall(fold(text)) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]
    return [stem(w, language) for w in words]


@lru_cache(maxsize=1)
def eu_terms() -> list[tuple[str, str]]:
    """English ↔ French pairs of EU and UN institutional vocabulary (acronyms, bodies, instruments),
    which the two languages write differently and a multilingual embedding model often misses."""
    pairs = []
    table = resources.files("index").joinpath("data/eu-terms.tsv").read_text(encoding="utf-8")
    for line in table.splitlines():
        if line.strip() and not line.startswith("#"):
            en, fr = line.split("\t")
            pairs.append((en.strip(), fr.strip()))
    return pairs


@lru_cache(maxsize=1)
def synonyms() -> list[tuple[str, frozenset[str]]]:
    """A word of the resolution and the everyday words (folded) a reader names its subject with
    (data/synonyms.tsv): "LGBTI" → "gay", "homosexuelles"; "médias" → "press", "outlets"."""
    text = resources.files("index").joinpath("data/synonyms.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return [(word.strip(), frozenset(fold(w) for w in everyday.split())) for word, everyday in rows]


def has_phrase(text: str, phrase: str) -> bool:
    """`text` holds `phrase` as whole words ("ilo" in "the ilo says", not in "philosophy"). The substring
    test comes first: most phrases are absent, and a regular expression compiled for each is the slow part."""
    return phrase in text and re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None


def bridge_terms(question: str) -> str:
    """Append the French form of every EU term the question names in English, and the resolution's own
    word for every everyday word it uses ("press" → "médias"), word-bounded."""
    folded = fold(question)
    words = set(re.findall(r"\w+", folded))
    extra = [fr for en, fr in eu_terms() if has_phrase(folded, fold(en))]
    extra += [word for word, everyday in synonyms() if words & everyday]
    return question + (" " + " ".join(extra) if extra else "")


def unit_tokens(texts: list[str], language: str = "french") -> list[list[str]]:
    """What BM25 indexes of each text: its tokens (`tokens`), a placeholder for a text that has none."""
    return [tokens(t, language) or ["\0"] for t in texts]


class LexicalIndex:
    """BM25 over the units' text in one language, stemmed with that language's stemmer; queries are stemmed
    both as French and as English (a French question may name an English term, and the other way).
    `tokenized`: each unit's tokens (`unit_tokens`), as index/derived.py keeps them."""

    def __init__(self, tokenized: list[list[str]]) -> None:
        self._bm25 = bm25s.BM25()
        self._bm25.index(tokenized, show_progress=False)
        self._size = len(tokenized)

    def scores(self, text: str) -> np.ndarray:
        """BM25 scores of every unit for `text` (a question already passed through `bridge_terms`)."""
        query = list(dict.fromkeys(tokens(text) + tokens(text, "english")))
        if not query:
            return np.zeros(self._size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(query), dtype=np.float32)
