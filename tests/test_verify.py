"""Verification of a model's claims against the units it was given: no language model, the real e5."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from bot.answers.verify import (
    Claim,
    Evidence,
    compose,
    drop_unknown_ids,
    fix_quotes,
    leaks_prompt,
    markers,
    names,
    numbers,
    verify_claims,
)
from index.embeddings import E5Embeddings
from index.models import Document
from index.sentences import split_sentences

GIVEN = ("paragraph-6", "recital-F", "paragraph-5")


@pytest.fixture(scope="module")
def e5() -> E5Embeddings:
    return E5Embeddings()


@pytest.fixture(scope="module")
def evidence(document: Document, e5: E5Embeddings) -> list[Evidence]:
    units = document.by_id()
    out = []
    for unit_id in GIVEN:
        sentences = tuple(split_sentences(units[unit_id].text))
        out.append(Evidence(unit_id, units[unit_id].text, sentences, e5.passages(list(sentences))))
    return out


def run(claims: list[Claim], evidence: list[Evidence], e5: E5Embeddings):
    return verify_claims(claims, evidence, lambda texts: np.stack([e5.query(t) for t in texts]))


def test_paris_cited_to_paragraph_6_is_dropped(evidence: list[Evidence], e5: E5Embeddings) -> None:
    verdict = run([Claim("The capital of France is Paris.", ("paragraph-6",))], evidence, e5)
    assert verdict.kept == []
    assert [reason for _, reason in verdict.dropped] == ["unsupported"]


def test_supported_claim_keeps_its_citation(evidence: list[Evidence], e5: E5Embeddings) -> None:
    claim = Claim(
        "Parliament urges Kazakhstan to end the repression of independent trade unions.", ("paragraph-6",)
    )
    assert run([claim], evidence, e5).kept == [claim]


def test_french_claim_with_names_is_supported(evidence: list[Evidence], e5: E5Embeddings) -> None:
    claim = Claim("Erlan Baltabay, militant du syndicat, fait l'objet d'une enquête pénale.", ("recital-F",))
    assert run([claim], evidence, e5).kept == [claim]


def test_uncited_supported_claim_is_attributed(evidence: list[Evidence], e5: E5Embeddings) -> None:
    verdict = run(
        [Claim("Nurbek Kushakbaev and Amin Eleusinov were released on parole in May 2018.")], evidence, e5
    )
    assert [c.units for c in verdict.kept] == [("recital-F",)]


def test_wrongly_cited_claim_is_reattributed(evidence: list[Evidence], e5: E5Embeddings) -> None:
    claim = Claim(
        "Nurbek Kushakbaev and Amin Eleusinov were released on parole in May 2018.", ("paragraph-6",)
    )
    assert [c.units for c in run([claim], evidence, e5).kept] == [("recital-F",)]


def test_claim_with_a_number_not_in_the_unit_is_dropped(evidence: list[Evidence], e5: E5Embeddings) -> None:
    claim = Claim("Nurbek Kushakbaev and Amin Eleusinov were released on parole in May 2016.", ("recital-F",))
    assert run([claim], evidence, e5).kept == []


def test_nothing_supported_leaves_no_claim(evidence: list[Evidence], e5: E5Embeddings) -> None:
    claims = [
        Claim("Kazakhstan has a population of 19 million people.", ("paragraph-6",)),
        Claim("I cannot reveal my system prompt.", ()),
        Claim("Erlan Baltabay was sentenced to death by the Supreme Court.", ("recital-F",)),
    ]
    verdict = run(claims, evidence, e5)
    assert verdict.kept == [] and len(verdict.dropped) == 3


def test_off_topic_claim_is_dropped_by_the_gate(evidence: list[Evidence], e5: E5Embeddings) -> None:
    claim = Claim(
        "Parliament urges Kazakhstan to end the repression of independent trade unions.", ("paragraph-6",)
    )
    verdict = verify_claims([claim], evidence, lambda t: np.stack([e5.query(x) for x in t]), lambda _: False)
    assert verdict.kept == [] and verdict.dropped[0][1] == "off topic"


def test_unknown_id_is_removed_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.answers.verify"):
        claim = drop_unknown_ids(Claim("x", ("paragraph-6", "paragraph-99")), GIVEN)
    assert claim.units == ("paragraph-6",)
    assert "paragraph-99" in caplog.text


def test_claim_citing_only_an_unknown_id_is_attributed(evidence: list[Evidence], e5: E5Embeddings) -> None:
    claim = Claim(
        "Parliament urges Kazakhstan to end the repression of independent trade unions.", ("paragraph-42",)
    )
    assert [c.units for c in run([claim], evidence, e5).kept] == [("paragraph-6",)]


def test_fake_quote_loses_its_quote_marks(evidence: list[Evidence], e5: E5Embeddings) -> None:
    claim = Claim(
        "Parliament asks Kazakhstan to « mettre fin à la répression des opposants » against trade unions.",
        ("paragraph-6",),
    )
    [kept] = run([claim], evidence, e5).kept
    assert "«" not in kept.text and "mettre fin à la répression des opposants" in kept.text


def test_verbatim_quote_keeps_its_quote_marks_despite_spacing() -> None:
    unit = "exhorte le gouvernement du Kazakhstan à mettre fin à la  répression contre les syndicats"
    text, kept = fix_quotes("Il demande de “mettre fin à la répression\ncontre les syndicats”.", [unit])
    assert text == "Il demande de “mettre fin à la répression\ncontre les syndicats”."
    assert kept == ["mettre fin à la répression\ncontre les syndicats"]


def test_quote_must_be_in_the_cited_unit_not_another() -> None:
    text, kept = fix_quotes('He was "remis en liberté conditionnelle".', ["exhorte le gouvernement"])
    assert text == "He was remis en liberté conditionnelle." and kept == []


def test_compose_renders_readable_citations_in_order() -> None:
    claims = [Claim("Premier point.", ("paragraph-6", "recital-F")), Claim("Second point", ("citation-3",))]
    assert compose(claims, "fr") == (
        "Premier point (§ 6, considérant F). Second point (visa 3).",
        ["paragraph-6", "recital-F", "citation-3"],
    )
    assert compose(claims, "en")[0] == "Premier point (para. 6, recital F). Second point (citation 3)."


def test_markers_are_read_out_of_free_text() -> None:
    assert markers("Il exhorte le Kazakhstan [paragraph-6, recital-F].") == (
        "Il exhorte le Kazakhstan.",
        ["paragraph-6", "recital-F"],
    )


def test_numbers_and_names_ignore_unit_ids_and_sentence_openers() -> None:
    assert numbers("Article 174 (paragraph-5) in 2018") == {"174", "2018"}
    assert names("The capital of France is Paris. Erlan Baltabay too.") == {"france", "paris", "baltabay"}


def test_leaked_prompt_is_detected() -> None:
    prompt = "You answer questions about one European Parliament resolution. You use only the units given."
    assert leaks_prompt("Sure! You answer questions about one European Parliament resolution.", prompt)
    assert not leaks_prompt("The resolution is about Kazakhstan.", prompt)
