"""The English rendering is checked against the French text, unit by unit, before anything is indexed:
every unit has its counterpart, and the numbers, dates, article numbers and proper names of each unit
all appear in its counterpart (names that the languages write differently come from data/names.tsv).

Example usage: check_alignment(french, english)  # raises AlignmentError("recital F: … 2018 …")
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from index.lexical import fold, has_phrase
from index.models import Document, Unit

# "1 000" and "1,000" are one number; "143e", "1er" and "143rd" are 143 and 1.
_NUMBER = re.compile(r"\d+(?:[ \u00a0\u202f,]\d{3}(?!\d))*")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_ELISION = re.compile(r"^(?:l|d|qu|n|s|j|c)['’]", re.I)


class AlignmentError(ValueError):
    """The English rendering does not match the French text; the message names the unit and what differs."""


@lru_cache(maxsize=1)
def name_forms() -> dict[str, set[str]]:
    """French word → the English forms that stand for it ("Venise" → {"venice"}), folded."""
    text = resources.files("index").joinpath("data/names.tsv").read_text(encoding="utf-8")
    forms: dict[str, set[str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            french, english = line.split("\t")
            forms[fold(french.strip())] = {fold(e) for e in english.split()}
    return forms


def numbers(text: str) -> set[str]:
    return {re.sub(r"\D", "", n).lstrip("0") or "0" for n in _NUMBER.findall(text)}


def names(text: str) -> list[str]:
    """Capitalized words past the first one: people, places, bodies, acronyms."""
    words = [_ELISION.sub("", w) for w in _WORD.findall(text)]
    return [w for w in words[1:] if w[:1].isupper()]


def differences(french: Unit, english: Unit) -> list[str]:
    """What of the French unit its English counterpart lacks, and numbers it adds."""
    problems = []
    lost, added = numbers(french.text) - numbers(english.text), numbers(english.text) - numbers(french.text)
    if lost:
        problems.append(f"numbers missing in English: {', '.join(sorted(lost))}")
    if added:
        problems.append(f"numbers not in the French: {', '.join(sorted(added))}")
    folded = fold(english.text)
    missing = []
    for name in dict.fromkeys(names(french.text)):
        forms = name_forms().get(fold(name), {fold(name)})
        if not any(has_phrase(folded, form) for form in forms):
            missing.append(name)
    if missing:
        problems.append(f"names missing in English: {', '.join(missing)}")
    return problems


def check_alignment(french: Document, english: Document) -> None:
    """Raise AlignmentError naming every unit that lacks its counterpart or does not match it."""
    theirs = english.by_id()
    ours = french.by_id()
    problems = [f"{u.id}: no English counterpart" for u in french.units if u.id not in theirs]
    problems += [f"{u.id}: in the English rendering only" for u in english.units if u.id not in ours]
    for unit in french.units:
        if unit.id in theirs:
            problems += [f"{unit.id}: {p}" for p in differences(unit, theirs[unit.id])]
    if problems:
        listing = "\n  ".join(problems)
        raise AlignmentError(f"the English rendering does not match the French text:\n  {listing}")
