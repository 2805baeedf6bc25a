"""Numbers in claims, read without a model (for bot/answers/claim_reading.py): numbers, dates and months
in one form in French and English, the words naming a unit by its own number ("paragraph 7", "point 13"),
and a number bound to another noun than in the unit ("the 2015 Law" where the unit has "the 2014 Law")."""

from __future__ import annotations

import re

from index.lexical import fold, stem

_MONTHS = (
    ("janvier", "january"), ("fevrier", "february"), ("mars", "march"), ("avril", "april"), ("mai", "may"),
    ("juin", "june"), ("juillet", "july"), ("aout", "august"), ("septembre", "september"),
    ("octobre", "october"), ("novembre", "november"), ("decembre", "december"),
)
MONTHS = {name: f"month-{i}" for i, pair in enumerate(_MONTHS, 1) for name in pair}
_NUMBER_WORDS = (
    ("deux", "two"), ("trois", "three"), ("quatre", "four"), ("cinq", "five"), ("six", "six"),
    ("sept", "seven"), ("huit", "eight"), ("neuf", "nine"), ("dix", "ten"), ("onze", "eleven"),
    ("douze", "twelve"), ("treize", "thirteen"), ("quatorze", "fourteen"), ("quinze", "fifteen"),
    ("seize", "sixteen"), ("vingt", "twenty"), ("trente", "thirty"), ("cent", "hundred"),
)
NUMBER_WORDS = {name: str(i) for i, pair in enumerate(_NUMBER_WORDS, 2) for name in pair}
NUMBER_WORDS.update({"vingt": "20", "twenty": "20", "trente": "30", "thirty": "30", "cent": "100",
                     "hundred": "100"})
# "1 000", "1,000", "143rd", "143e": one number each; "5.2.2016" stays one token.
_NUMERAL = re.compile(r"\d{1,3}(?:[ \u00a0\u202f,]\d{3})+(?!\d)|\d+(?:\.\d+)*")
_ALPHA = re.compile(r"[^\W\d_]+")

# A unit named by its number or letter: "paragraph 7", "paragraphe 7", "point 13", "§ 13", "recital P",
# "considérant P", "citation 3", "visa 3", "footnote 2", "note 2".
_KINDS = {
    "paragraph": "paragraph", "paragraphe": "paragraph", "para": "paragraph", "point": "paragraph",
    "§": "paragraph", "recital": "recital", "considerant": "recital", "citation": "citation",
    "visa": "citation", "footnote": "footnote", "note": "footnote",
}
UNIT_REFERENCE = re.compile(
    r"(?<![\w-])(?:(§)\s*|(paragraphe|paragraph|para\.|point|recital|considérant|considerant|citation|"
    r"visa|footnote|note)\s+)(\d+|[A-Z]{1,2})\b(?!-)",
    re.I,
)


# A date written with dots ("31.8.2013", as footnotes write them): day, month and year.
_DOTTED_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def numbers(text: str) -> set[str]:
    """The numbers of a text, each in one form whatever the language: digits without thousands
    separators, number words as digits ("seven", "sept" → 7), months as month-N ("March", "mars"),
    dotted dates as their day, month and year ("31.8.2013" = "31 August 2013")."""
    found = set()
    for n in (re.sub(r"[ \u00a0\u202f,]", "", n).rstrip(".") for n in _NUMERAL.findall(text)):
        date = _DOTTED_DATE.match(n)
        if date and 1 <= int(date[2]) <= 12:
            found |= {str(int(date[1])), f"month-{int(date[2])}", date[3]}
        else:
            found.add(n)
    for word in _ALPHA.findall(fold(text)):
        if word in MONTHS:
            found.add(MONTHS[word])
        elif word in NUMBER_WORDS:
            found.add(NUMBER_WORDS[word])
    return found


def unit_references(text: str) -> list[tuple[str, re.Match[str]]]:
    """The unit ids that `text` names in words ("paragraph 7" → paragraph-7), with their matches."""
    refs = []
    for m in UNIT_REFERENCE.finditer(text):
        kind = _KINDS[fold(m[1] or m[2]).rstrip(".")]
        label = m[3].upper() if kind == "recital" else m[3]
        if (kind == "recital") == label.isalpha():
            refs.append((f"{kind}-{label}", m))
    return refs


def without_own_reference(text: str, unit_id: str) -> tuple[str, list[str]]:
    """`text` without the words naming `unit_id` itself ("In paragraph 7, …" said of paragraph-7), and the
    other units it names (a claim naming another unit than the one it cites is not supported by it)."""
    refs = unit_references(text)
    others = [ref for ref, _ in refs if ref != unit_id]
    for ref, m in reversed(refs):
        if ref == unit_id:
            text = text[: m.start()] + text[m.end():]
    return " ".join(text.split()), others




_BOUND = re.compile(r"(\d[\d ,.\u00a0\u202f]*\d|\d)(?:st|nd|rd|th|e|er)?\s+([^\W\d_]{3,})")


def _followers(text: str, language: str) -> dict[str, set[str]]:
    """Each number of `text` → the stems of the words written right after it ("2014 Law" → {law})."""
    out: dict[str, set[str]] = {}
    for m in _BOUND.finditer(text):
        word = fold(m[2])
        if word in MONTHS or word in NUMBER_WORDS:
            continue
        number = re.sub(r"[ \u00a0\u202f,]", "", m[1]).rstrip(".")
        out.setdefault(number, set()).add(stem(word, language))
    return out


def misbound(claim: str, unit_text: str, language: str) -> bool:
    """True when the claim writes a number right before a word that the unit writes right after another
    number, and never after this one: the claim moved the number to another thing."""
    mine, theirs = _followers(claim, language), _followers(unit_text, language)
    for number, words in mine.items():
        for word in words:
            elsewhere = any(word in w for n, w in theirs.items() if n != number)
            if elsewhere and word not in theirs.get(number, set()):
                return True
    return False
