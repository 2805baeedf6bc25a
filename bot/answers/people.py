"""Who a sentence says what of: each word of a sentence belongs to the person named last before it
("Elena Semenova, who is subject to a travel ban …, and Ardak Ashim, … placed in psychiatric detention").
A claim about one person that takes its words from another person's part of the sentence is wrong."""

from __future__ import annotations

import re

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
            out += [(f, owner) for f in folded]
            i += run
            continue
        f = fold(word)
        if f not in STOPWORDS:
            out.append((stem(f, language), owner))
        i += 1
    return out


def said_of_another(
    claim: str, claim_names: set[str], sentence: str, language: str, proper: set[str]
) -> bool:
    """True when most of the claim's words that `sentence` has belong to a person the claim does not
    name, and at least MIN_WORDS of them do. `proper`: the folded words the French text capitalizes."""
    if not claim_names or _DISTRIBUTIVE.search(sentence):
        return False
    claim_stems = {stem(fold(w), language) for w in _WORD.findall(claim) if fold(w) not in STOPWORDS}
    claim_stems -= {stem(n, language) for n in claim_names}
    mine = theirs = 0
    for word, owner in _owners(sentence, claim_names, proper, language):
        if owner is None or word not in claim_stems:
            continue
        if set(owner.split()) & claim_names:
            mine += 1
        else:
            theirs += 1
    return theirs >= MIN_WORDS and theirs > mine
