"""How a unit is cited in each language: "§ 6" / "para. 6", "considérant F" / "recital F"…"""

from __future__ import annotations

from bot.text.language import Lang

_FORMS: dict[str, dict[str, str]] = {
    "fr": {"paragraph": "§ {}", "recital": "considérant {}", "citation": "visa {}", "footnote": "note {}"},
    "en": {
        "paragraph": "para. {}",
        "recital": "recital {}",
        "citation": "citation {}",
        "footnote": "footnote {}",
    },
}
_SHORT: dict[str, dict[str, str]] = {  # on a table of contents' buttons: "visa 3", "F", "§ 6", "note 2"
    "fr": {"paragraph": "§ {}", "recital": "{}", "citation": "visa {}", "footnote": "note {}"},
    "en": {"paragraph": "§ {}", "recital": "{}", "citation": "cit. {}", "footnote": "fn. {}"},
}
_NAMES: dict[str, dict[str, tuple[str, str]]] = {  # singular, plural: for "the resolution has no …"
    "fr": {
        "paragraph": ("paragraphe", "paragraphes"),
        "recital": ("considérant", "considérants"),
        "citation": ("visa", "visas"),
        "footnote": ("note", "notes"),
    },
    "en": {
        "paragraph": ("paragraph", "paragraphs"),
        "recital": ("recital", "recitals"),
        "citation": ("citation", "citations"),
        "footnote": ("footnote", "footnotes"),
    },
}


def split_id(unit_id: str) -> tuple[str, str]:
    kind, _, label = unit_id.partition("-")
    return kind, label


def cite(unit_id: str, lang: Lang) -> str:
    """The readable citation of a unit id: cite("paragraph-6", "fr") == "§ 6"."""
    kind, label = split_id(unit_id)
    return _FORMS[lang][kind].format(label)


def short_cite(unit_id: str, lang: Lang) -> str:
    """The shortest readable label, for a button among its kind's: short_cite("recital-F", "en") == "F"."""
    kind, label = split_id(unit_id)
    return _SHORT[lang][kind].format(label)


def kind_name(kind: str, lang: Lang, plural: bool = False) -> str:
    return _NAMES[lang][kind][1 if plural else 0]


def quote_marks(lang: Lang) -> tuple[str, str]:
    """The quotation marks of the asker's language: « … » in French, “…” in English."""
    return ("« ", " »") if lang == "fr" else ("“", "”")


def quoted_words(words: list[str], lang: Lang) -> str:
    """Words named in a message, each in quotation marks: « mort », « Aral » / “taxman”."""
    open_q, close_q = quote_marks(lang)
    return ", ".join(f"{open_q}{w}{close_q}" for w in words)
