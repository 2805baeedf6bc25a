"""Cut a unit's text into the sentences (clauses) an answer quotes."""

from __future__ import annotations

import re

# Resolutions chain their clauses with semicolons ("considérant que …; que …;") and full stops.
_BOUNDARY = re.compile(r"(?<=;)\s+|(?<=[.!?])\s+(?=[A-ZÀ-Ý«“])")


def split_sentences(text: str) -> list[str]:
    """The clauses of a unit, verbatim, in order; they join back (with spaces) into the text."""
    parts = [p.strip() for p in _BOUNDARY.split(text) if p and p.strip()]
    return parts or [text.strip()]
