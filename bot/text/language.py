"""Which language a question is in: French or English, robust on short questions full of names."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_FRENCH

from index.lexical import fold

Lang = Literal["fr", "en"]
DEFAULT_LANGUAGE: Lang = "fr"

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_FR_ONLY = frozenset(STOPWORDS_FRENCH) - frozenset(STOPWORDS_EN)
_EN_ONLY = frozenset(STOPWORDS_EN) - frozenset(STOPWORDS_FRENCH)
# Words that name a part of the resolution say which language the asker uses ("paragraphe 7").
# So do question words, which the stop lists lack ("quel âge", "what organisation does").
_FR_CUES = frozenset(
    {"paragraphe", "considérant", "considerant", "visa", "résolution", "quel", "quelle", "quels", "quelles",
     "combien", "pourquoi", "comment", "quand", "où", "qui", "est-ce", "quoi", "dit", "demande"}
)
_EN_CUES = frozenset(
    {"paragraph", "recital", "citation", "footnote", "para", "what", "which", "who", "how", "why", "when",
     "where", "does", "did", "do", "has", "have", "about", "say", "says"}
)
_FR_LETTERS = re.compile(r"[éèêàùâîôûçœ]", re.IGNORECASE)


@lru_cache(maxsize=1)
def _text_cues() -> tuple[frozenset[str], frozenset[str]]:
    """Words (folded, 4 letters or more) of the French text that its English rendering lacks, and the
    reverse: "règles", "stratégie" / "rules", "strategy", "cases". The two renderings of one text are a
    dictionary of exactly the words its readers use; names are in both and say nothing."""
    from bot.settings import DEFAULT_CORPUS, DEFAULT_CORPUS_EN

    def words(path: Path) -> set[str]:
        return {fold(w) for w in _WORD.findall(path.read_text(encoding="utf-8")) if len(w) >= 4}

    fr, en = words(DEFAULT_CORPUS), words(DEFAULT_CORPUS_EN)
    return frozenset(fr - en), frozenset(en - fr)


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.FRENCH, Language.ENGLISH).build()


def _common_words(text: str) -> list[str]:
    """The words that are not names: names ("Maks Bokayev", "CDK") say nothing of the asker's language; a
    message of acronyms alone ("CDK", "OSCE ?") has none."""
    words = _WORD.findall(text)
    if all(w.isupper() for w in words):
        return []
    return [w.lower() for i, w in enumerate(words) if (i == 0 or not w[:1].isupper()) and len(w) > 1]


# French typography puts a space before "?", "!", ":" and ";" ("Zhanaozen ?"); English does not.
_FRENCH_SPACING = re.compile(r"\w[ \u00a0\u202f][?!:;]")


def detect_language(text: str, fallback: Lang = DEFAULT_LANGUAGE) -> Lang:
    """fr or en. Function words and the words only one rendering of the text uses decide first ("qui est"
    / "who is", "stratégie" / "strategy"), then lingua on the text without names; a question that gives no
    clue ("§ 6", "CDK ?") takes `fallback` (the conversation's language)."""
    words = _common_words(text)
    elided = sum(1 for w in words if re.match(r"^(l|d|qu|n|s|j|c)['’]", w))
    fr = sum(1 for w in words if w in _FR_ONLY or w in _FR_CUES) + elided + bool(_FRENCH_SPACING.search(text))
    en = sum(1 for w in words if w in _EN_ONLY or w in _EN_CUES)
    fr_text, en_text = _text_cues()  # and the words only one rendering of the text uses ("strategy")
    folded = [fold(w) for w in words]
    fr += sum(1 for w in folded if w in fr_text)
    en += sum(1 for w in folded if w in en_text)
    if fr != en and max(fr, en) >= 2 * min(fr, en) + 1:
        return "fr" if fr > en else "en"
    if _FR_LETTERS.search(" ".join(words)):
        return "fr"
    if words:
        from lingua import Language

        values = {
            c.language: c.value for c in _detector().compute_language_confidence_values(" ".join(words))
        }
        if values.get(Language.ENGLISH, 0) >= 0.65:
            return "en"
        if values.get(Language.FRENCH, 0) >= 0.65:
            return "fr"
    return fallback


# Languages a reader of an EP resolution may write in, besides French and English.
_OTHERS = ("GERMAN", "SPANISH", "ITALIAN", "PORTUGUESE", "DUTCH", "POLISH", "RUSSIAN", "KAZAKH", "UKRAINIAN")
OTHER_LANGUAGE_CONFIDENCE, OTHER_LANGUAGE_MIN_WORDS = 0.7, 3


@lru_cache(maxsize=1)
def _wide_detector():
    from lingua import Language, LanguageDetectorBuilder

    languages = [Language.FRENCH, Language.ENGLISH, *(getattr(Language, name) for name in _OTHERS)]
    return LanguageDetectorBuilder.from_languages(*languages).build()


@lru_cache(maxsize=1)
def _other_stopwords() -> frozenset[str]:
    """Function words of the other languages that are not French or English ones ("die", "über", "los")."""
    import stopwordsiso

    words = set().union(*(stopwordsiso.stopwords(code) for code in ("de", "es", "it", "pt", "nl", "pl")))
    return frozenset(words - set(STOPWORDS_FRENCH) - set(STOPWORDS_EN) - _FR_CUES - _EN_CUES)


def _looks_other(words: list[str]) -> bool:
    """A cheap first look, so that French and English messages never pay for the wide detector: Cyrillic
    letters, or two function words of another language."""
    return any("\u0400" <= c <= "\u04ff" for w in words for c in w) or (
        sum(1 for w in words if w in _other_stopwords()) >= 2
    )


def other_language(text: str) -> str | None:
    """The language of a message written in neither French nor English ("Was sagt die Resolution über
    Gewerkschaften?" → "German"), or None. Short messages and names give no verdict."""
    words = _common_words(text)
    if len(words) < OTHER_LANGUAGE_MIN_WORDS or not _looks_other(words):
        return None
    best = _wide_detector().compute_language_confidence_values(" ".join(words))[0]
    if best.language.name in ("FRENCH", "ENGLISH") or best.value < OTHER_LANGUAGE_CONFIDENCE:
        return None
    return best.language.name.capitalize()
