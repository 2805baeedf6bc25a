"""Explicit references to units, in French or English: "§ 7", "paragraphe 7", "recital C", "visa 3"…"""

from __future__ import annotations

import re

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "paragraph",
        re.compile(r"(?:§|\bparagraphes?|\bparagraphs?|\bparas?\.?|\bpoints?|\bpts?\.)\s*(\d{1,3})\b", re.I),
    ),
    ("recital", re.compile(r"\b(?i:consid[ée]rants?|recitals?)\s+([A-Za-z]|[A-Z]{2})\b(?!['’])")),
    ("citation", re.compile(r"\b(?:visas?|citations?)\s*(?:n[°o]\s*)?(\d{1,2})\b", re.I)),
    (
        "footnote",
        re.compile(r"\b(?:notes?(?:\s+de\s+bas\s+de\s+page)?|footnotes?)\s*(?:n[°o]\s*)?(\d{1,2})\b", re.I),
    ),
]
# "l'article 135, paragraphe 5" names a paragraph of another text, not of the resolution.
_OTHER_TEXT = re.compile(r"\barticles?\s+\d+\s*,?\s*$", re.I)


def find_references(question: str) -> list[str]:
    """Unit ids the question names explicitly, in the order it names them (they may not exist)."""
    found: list[tuple[int, str]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(question):
            if kind == "paragraph" and _OTHER_TEXT.search(question[: m.start()]):
                continue
            label = m.group(1).upper() if kind == "recital" else str(int(m.group(1)))
            found.append((m.start(), f"{kind}-{label}"))
    return list(dict.fromkeys(unit_id for _, unit_id in sorted(found)))
