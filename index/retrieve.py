"""Hybrid retrieval: explicit references first, then dense (Chroma, units and sentences) and lexical
(BM25) rankings fused by reciprocal rank. A follow-up is searched with the subject it leans on
(index/followup.py); the key terms the text does not cover travel with the result (index/coverage.py)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from bot.settings import Settings
from index.acts import asked_acts, from_metadata, is_act_word
from index.answerable import missing
from index.coverage import Term
from index.facts import unasked
from index.followup import resolve
from index.lexical import LexicalIndex, bridge_terms
from index.models import Unit
from index.ordinals import ordinal_unit
from index.parse import is_closing
from index.references import find_references
from index.store import Index, nearest

# Reciprocal-rank fusion: score = Σ weight / (RRF_K + rank). A small K trusts the top of each list.
RRF_K = 10
WEIGHTS = {"dense_unit": 1.0, "dense_sentence": 1.0, "lexical": 1.0, "coverage": 1.0}
# BM25 runs over each language's text; the list in the question's language counts fully, the other less.
OTHER_LANGUAGE_LEXICAL = 0.5
# Citations ("– vu …") and footnotes list other texts by date, and the closing paragraph only forwards the
# resolution to its addressees: they answer questions about sources and addressees, and little else.
SOURCE_KINDS = ("citation", "footnote")
FOLLOWUP_OWN_WEIGHT = 0.5
SUBJECT_BOOST, SUBJECT_MAX_UNITS = 1.5, 4
SOURCE_PRIOR = 0.5
# A question about what the Parliament does ("what does it condemn", "que demande-t-il au SEAE") lifts the
# units that carry that act (index/acts.py) and lowers the others: "condamnés" in a recital is no act.
ACT_BOOST, ACT_OTHER = 1.6, 0.6
# Where a text was published is in the footnotes ("JO C 45 du 5.2.2016, p. 85"): the citations name the
# texts, their footnotes the Official Journal (or the "texts adopted") that printed them.
PUBLISHED_BOOST = 2.0
_ASKS_PUBLICATION = re.compile(
    r"\b(publi\w*|official journal|journal officiel|OJ|JO|texts adopted|textes adopt[ée]s)\b", re.I
)
_ASKS_SOURCES = re.compile(
    r"\b(vu|visas?|citations?|notes?|footnotes?|sources?|r[ée]f[ée]ren\w*|pr[ée]c[ée]dent\w*|ant[ée]rieur\w*|"
    r"earlier|previous|prior|former|adopt\w*|journal|JO|OJ|accord\w*|agreement\w*|sign\w*|conclusions?|"
    r"strat[ée]gie|strategy|dialogues?|r[èe]glement|rules|transm\w*|forward\w*|sen[dt]|envo\w*|"
    r"destinataires?|addressees?|pr[ée]ambule|preamble|refer\w*|cit[ée]\w*|positions?|"
    r"(?:19|20)\d\d resolutions?|r[ée]solutions? (?:of|du|de|from|in) (?:\w+ )?(?:19|20)\d\d|"
    r"pr[ée]sidente? du parlement|parliament'?s president|president of (?:the )?(?:european )?parliament)\b",
    re.I,
)


@dataclass(frozen=True)
class Hit:
    unit: Unit
    score: float  # fused score, higher is better
    dense: float  # best cosine of the question with the unit or one of its sentences
    lexical: float  # BM25 score
    referenced: bool = False  # the question named this unit explicitly


@dataclass(frozen=True)
class Retrieval:
    question: str
    query: str  # what was searched: the question, with the subject it leans on for a follow-up
    hits: list[Hit]  # every unit, best first
    references: list[str]  # ids the question named explicitly, existing or not
    terms: list[Term] = field(default_factory=list)  # key terms of `query` (not framing words)
    uncovered: list[Term] = field(default_factory=list)  # key terms the text lacks, that the answer needs
    followup: bool = False
    unmentioned: list[Term] = field(default_factory=list)  # key terms the text never uses, needed or not
    acts: tuple[str, ...] = ()  # the Parliament's acts the question asks about ("condemns", "calls_for")
    # each key term (folded) → the units that speak of it, in either language: "unions" → recital-E, § 6 …
    naming: dict[str, frozenset[str]] = field(default_factory=dict)


def _ranks(scores: np.ndarray) -> np.ndarray:
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.float64)
    ranks[order] = np.arange(1, len(scores) + 1)
    return ranks


class Retriever:
    """Ranks the units of an index for a question. Built once; `search` is cheap."""

    def __init__(self, index: Index, settings: Settings) -> None:
        self.index = index
        self.settings = settings
        self.units = list(index.document.units)
        self._position = {u.id: i for i, u in enumerate(self.units)}
        derived = index.derive()  # kept with the index (index/derived.py)
        # BM25 over each language's text with its own analyzer: language → index
        self._lexical = {language: LexicalIndex(tokens) for language, tokens in derived.tokens.items()}
        self._n_sentences = index.sentences.count()
        self._n_units = index.units.count()
        self.vocabulary = derived.vocabulary
        # a footnote stands for the text its marker closes: it speaks of what that unit names
        self._referrer = [
            (self._position[f"footnote-{n}"], self._position[u.id])
            for u in self.units
            for n in u.footnotes
            if f"footnote-{n}" in self._position
        ]
        # what each unit does, as the index carries it (Chroma metadata, French rows: the acts are the same)
        got = index.units.get(where={"language": "fr"}, include=["metadatas"])
        self.unit_acts: dict[str, frozenset[str]] = {m["unit_id"]: from_metadata(m) for m in got["metadatas"]}
        self._source_prior = np.array(
            [SOURCE_PRIOR if u.kind in SOURCE_KINDS or is_closing(u.text) else 1.0 for u in self.units]
        )

    def _subject_boost(self, message: str) -> np.ndarray:
        """A follow-up is about what the last message named: units that name the same person, movement or
        body ("Maks Bokayev", "CDK") are lifted. Only rare names count: "Kazakhstan" names everything."""
        boost = np.ones(len(self.units))
        first = message.split()[0] if message.split() else ""
        for term in self.vocabulary.key_terms(message):
            if not term.word[:1].isupper() or term.word == first:
                continue
            holders = self.vocabulary.units_naming(term)  # in French or in the English rendering
            if 0 < len(holders) <= SUBJECT_MAX_UNITS:
                boost[[self._position[u] for u in holders]] = SUBJECT_BOOST
        return boost

    def _coverage(self, naming: dict[str, frozenset[str]]) -> np.ndarray:
        """How much of the question each unit speaks of, in either language, with the everyday words and EU
        terms of the text: the key terms it names (`naming`: each key term's units), each weighted by how
        rare it is in the text."""
        covered = np.zeros(len(self.units))
        n = len(self.units)
        for units in naming.values():
            if units:
                covered[[self._position[u] for u in units]] += np.log(n / len(units))
        for footnote, referrer in self._referrer:
            covered[footnote] = max(covered[footnote], covered[referrer])
        return covered

    def _dense(self, query: str) -> tuple[np.ndarray, np.ndarray]:
        """Cosines of the query with each unit, and with each unit's best sentence (via Chroma)."""
        vector = self.index.embeddings.query(query).tolist()
        unit_cos = np.full(len(self.units), -1.0)
        for metadata, distance in nearest(self.index.units, vector, self._n_units):
            i = self._position[metadata["unit_id"]]  # a unit and its rendering: the better one counts
            unit_cos[i] = max(unit_cos[i], 1.0 - distance)
        sentence_cos = np.full(len(self.units), -1.0)
        for metadata, distance in nearest(self.index.sentences, vector, self._n_sentences):
            i = self._position[metadata["unit_id"]]
            sentence_cos[i] = max(sentence_cos[i], 1.0 - distance)
        return unit_cos, sentence_cos

    def _fused(self, query: str, language: str = "fr") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`language` "fr" or "en"; another ("de", "es" …): dense only, BM25 has no analyzer for it."""
        bridged = bridge_terms(query)
        unit_cos, sentence_cos = self._dense(bridged)
        fused = WEIGHTS["dense_unit"] / (RRF_K + _ranks(unit_cos))
        fused += WEIGHTS["dense_sentence"] / (RRF_K + _ranks(sentence_cos))
        if language not in self._lexical:
            return fused, np.maximum(unit_cos, sentence_cos), np.zeros(len(self.units), dtype=np.float32)
        scores = {lang: lexical.scores(bridged) for lang, lexical in self._lexical.items()}
        for lang, lexical in scores.items():
            weight = 1.0 if lang == language or len(scores) == 1 else OTHER_LANGUAGE_LEXICAL
            fused += np.where(lexical > 0, WEIGHTS["lexical"] * weight / (RRF_K + _ranks(lexical)), 0.0)
        return fused, np.maximum(unit_cos, sentence_cos), scores["fr"]

    def search(self, question: str, history: Sequence[str] = (), language: str = "fr") -> Retrieval:
        """`language`: the question's ("fr" or "en"), whose text's BM25 list counts fully; any other
        ("other": a message in German, Spanish …) is searched by meaning only."""
        resolved = resolve(question, history, self.vocabulary)
        fused, dense, lexical = self._fused(question, language)
        # each key term (folded) → the units that speak of it: ranks the units, and travels with the result
        naming = {t.folded: frozenset(self.vocabulary.units_naming(t)) for t in resolved.terms}
        if WEIGHTS.get("coverage"):
            covered = self._coverage(naming)
            fused = fused + np.where(covered > 0, WEIGHTS["coverage"] / (RRF_K + _ranks(covered)), 0.0)
        if resolved.followup:  # its own words lack the subject: the message that named it leads
            c_fused, c_dense, c_lexical = self._fused(f"{resolved.context} {question}", language)
            fused = (fused * FOLLOWUP_OWN_WEIGHT + c_fused) * self._subject_boost(resolved.subject)
            dense, lexical = np.maximum(dense, c_dense), np.maximum(lexical, c_lexical)
        if not _ASKS_SOURCES.search(question):
            fused = fused * self._source_prior
        acts = asked_acts(question)
        placed = ordinal_unit(
            question, self.units, acts, lambda unit_id: self.unit_acts.get(unit_id, frozenset()), is_act_word
        )
        # the words that say where to look ("la première chose") or what the Parliament does ("happy",
        # "reproche"), not what the question is about
        pointers = [
            t
            for t in resolved.terms
            if (acts and is_act_word(t.folded)) or (placed and t.folded in placed.words)
        ]
        if acts:
            carries = np.array([bool(self.unit_acts.get(u.id, frozenset()) & set(acts)) for u in self.units])
            fused = fused * np.where(carries, ACT_BOOST, ACT_OTHER)
            if len(pointers) == len(resolved.terms):  # about the act alone: the units that carry it lead
                fused = fused + np.where(carries, fused.max(), 0.0)
        if _ASKS_PUBLICATION.search(question):
            fused = fused * np.where([u.kind == "footnote" for u in self.units], PUBLISHED_BOOST, 1.0)
        references = find_references(question)
        if placed and placed.named and not references:  # "the second recital": named outright
            references = [placed.unit_id]
        elif placed and not placed.named:  # "the first thing MEPs demand": the first unit that demands
            fused[self._position[placed.unit_id]] += fused.max()
        referenced = {r for r in references if r in self._position}
        top = fused.max() if len(fused) else 0.0
        for r in referenced:
            fused[self._position[r]] += top + 1.0
        order = np.argsort(-fused, kind="stable")
        hits = [
            Hit(
                self.units[i],
                float(fused[i]),
                float(dense[i]),
                float(lexical[i]),
                self.units[i].id in referenced,
            )
            for i in order
        ]
        unmentioned = self.vocabulary.uncovered(resolved.terms, resolved.text)
        if set(unmentioned) <= set(pointers):  # "Is the Parliament happy about anything?": nothing lacking
            unmentioned = []
        own = self.vocabulary.key_terms(resolved.question)
        return Retrieval(
            question,
            resolved.text,
            hits,
            references,
            terms=resolved.terms,
            uncovered=missing(self.vocabulary, resolved.terms, resolved.text, unmentioned, own)
            or unasked(self.vocabulary, resolved.terms, question),
            followup=resolved.followup,
            unmentioned=unmentioned,
            acts=acts,
            naming=naming,
        )
