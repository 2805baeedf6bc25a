"""Who a sentence says what of: each word of a sentence belongs to the person named last before it
("Elena Semenova, who is subject to a travel ban …, and Ardak Ashim, … placed in psychiatric detention").
A claim about one person that takes its words from another person's part of the sentence is wrong."""

from __future__ import annotations

import re

from bot.answers import claim_numbers as nums
from bot.answers.claim_actors import NOT_NAMES
from index.lexical import STOPWORDS, fold, stem

_WORD = re.compile(r"[^\W\d_]+")
_DISTRIBUTIVE = re.compile(r"\b(respectively|respectivement)\b", re.I)  # "A and B got 8 and 7 years"
MIN_WORDS = 2  # words of another person's part a claim must take to be said of the wrong person


def _owners(
    sentence: str, claim_names: set[str], proper: set[str], language: str
) -> list[tuple[str, str | None]]:
    """(stem, owner) for each content word of `sentence`: the owner is the last person named before it,
    a person being one of the claim's names or two words in a row (no punctuation between them) that
    are `proper` names (the French text capitalizes them: not "Democratic Choice", "High Representative")."""
    words = [(m[0], m.start(), m.end()) for m in _WORD.finditer(sentence)]
    out: list[tuple[str, str | None]] = []
    owner: str | None = None
    i = 0

    def joined(j: int) -> bool:  # words j-1 and j are two names in a row
        gap = sentence[words[j - 1][2] : words[j][1]]
        return gap.strip() == "" and all(fold(words[k][0]) in proper for k in (j - 1, j))

    while i < len(words):
        word = words[i][0]
        run = 1
        while i + run < len(words) and joined(i + run):
            run += 1
        folded = [fold(w) for w, _, _ in words[i : i + run]]
        if word[:1].isupper() and (run >= 2 or folded[0] in claim_names):
            owner = " ".join(folded)
            # a title written right before the name is the name's: "and poet Kenzhebek Abishev"
            adjacent = i and sentence[words[i - 1][2] : words[i][1]].strip() == ""
            if adjacent and out and words[i - 1][0].islower():
                out[-1] = (out[-1][0], owner)
            out += [(f, owner) for f in folded]
            i += run
            continue
        f = fold(word)
        if f not in STOPWORDS:
            out.append((stem(f, language), owner))
        i += 1
    return out


def _people(claim: str, claim_names: set[str]) -> list[set[str]]:
    """The people a claim names: runs of its name words in a row ("Kenzhebek Abishev" → one person)."""
    runs: list[set[str]] = []
    previous_end = -2
    for m in _WORD.finditer(claim):
        if fold(m[0]) in claim_names and m[0][:1].isupper():
            if runs and claim[previous_end : m.start()].strip() == "":
                runs[-1].add(fold(m[0]))
            else:
                runs.append({fold(m[0])})
            previous_end = m.end()
    return runs


def said_of_another(
    claim: str, claim_names: set[str], sentence: str, language: str, proper: set[str]
) -> bool:
    """True when most of the claim's words that `sentence` has belong to a person the claim does not
    name, and at least MIN_WORDS of them do. `proper`: the folded words the French text capitalizes."""
    if not claim_names or _DISTRIBUTIVE.search(sentence):
        return False
    claim_stems = {stem(fold(w), language) for w in _WORD.findall(claim) if fold(w) not in STOPWORDS}
    claim_stems -= {stem(n, language) for n in claim_names}
    people = _people(claim, claim_names)
    mine = theirs = 0
    for word, owner in _owners(sentence, claim_names, proper, language):
        if owner is None or word not in claim_stems:
            continue
        names = set(owner.split())
        if any(p <= names or names <= p for p in people):  # "Abishev" may be Aset Abishev, not Kenzhebek
            mine += 1
        else:
            theirs += 1
    return theirs >= MIN_WORDS and theirs > mine


_NUMBER = re.compile(r"\d+|[^\W\d_]+")


def _ordered_numbers(text: str) -> list[str]:
    """The numbers of `text` in order, digits and number words alike ("eight and seven" → 8, 7)."""
    out = []
    for token in _NUMBER.findall(text):
        value = nums.numbers(token)
        out += sorted(value) if token.isdigit() or fold(token) in nums.NUMBER_WORDS else []
    return out


def _name_runs(text: str, min_words: int) -> list[set[str]]:
    """Runs of capitalized words in a row (not opening the text), as folded sets, in order."""
    runs: list[set[str]] = []
    words = [(m[0], m.start(), m.end()) for m in _WORD.finditer(text)]
    for i, (w, start, _) in enumerate(words):
        if not w[:1].isupper() or i == 0 or fold(w) in NOT_NAMES:
            continue
        joined = runs and text[words[i - 1][2] : start].strip() == "" and words[i - 1][0][:1].isupper()
        if joined:
            runs[-1].add(fold(w))
        else:
            runs.append({fold(w)})
    return [r for r in runs if len(r) >= min_words]


def respective_mismatch(claim: str, sentences: list[str]) -> bool:
    """True when the claim gives a person the number that a "respectively" sentence of the unit gives
    another ("A and B were sentenced to eight and seven years respectively": A got eight)."""
    mine_people, mine_numbers = _name_runs(f"x {claim}", 1), _ordered_numbers(claim)
    if not mine_people or len(mine_people) != len(mine_numbers):
        return False
    for sentence in sentences:
        if not _DISTRIBUTIVE.search(sentence):
            continue
        people, values = _name_runs(sentence, 2), _ordered_numbers(sentence)
        if len(people) < 2 or len(people) != len(values):
            continue
        for person, number in zip(mine_people, mine_numbers, strict=True):
            for theirs, value in zip(people, values, strict=True):
                if (person <= theirs or theirs <= person) and value != number:
                    return True
    return False
