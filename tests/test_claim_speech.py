"""The checker's newer readings, against the real units and the real e5: what the Parliament does in a
clause (its own verbs), of whom a demand is made, on whose word a claim reports, recitals that ask for
nothing, dates written with dots, a negation read by what it denies, antonyms, reasons and conditions,
an agent the unit does not name, and "respectively". Each distorted claim has a faithful paraphrase of
the same unit beside it that must stay accepted."""

from __future__ import annotations

import numpy as np
import pytest

from bot.answers.verify import Claim, verify_claims
from bot.evaluate_claims import ClaimJudge, documents
from bot.settings import Settings
from index.embeddings import E5Embeddings


@pytest.fixture(scope="module")
def judge() -> ClaimJudge:
    return ClaimJudge(documents(Settings()), E5Embeddings())


def kept(judge: ClaimJudge, unit: str, claim: str, language: str = "fr") -> bool:
    evidence = judge.evidence(unit, language)
    embed = lambda texts: np.stack([judge.embeddings.query(t) for t in texts])  # noqa: E731
    return bool(verify_claims([Claim(claim, (unit,))], [evidence], embed).kept)


def test_a_request_said_of_a_clause_that_welcomes_is_another_act(judge: ClaimJudge) -> None:
    assert kept(judge, "paragraph-3", "Parliament welcomes the release of Talgat Ayan.", "en")
    assert not kept(judge, "paragraph-3", "Parliament calls for the release of Talgat Ayan.", "en")
    assert kept(judge, "paragraph-3", "Le Parlement salue la libération de Talgat Ayan.")
    assert not kept(judge, "paragraph-3", "Le Parlement exige la libération de Talgat Ayan.")


def test_a_demand_made_of_another_body_than_the_clause_addresses_is_rejected(judge: ClaimJudge) -> None:
    assert kept(judge, "paragraph-17", "Parliament instructs its President to send the resolution to the "
                "Council.", "en")
    assert not kept(judge, "paragraph-17", "Parliament instructs the Council to send the resolution to "
                    "the Commission.", "en")
    assert kept(judge, "paragraph-16", "Le Parlement invite le SEAE à participer activement aux missions "
                "d'observation des procès.")
    assert not kept(judge, "paragraph-16", "Le Parlement invite la délégation de l'Union à participer "
                    "activement aux missions d'observation des procès.")


def test_a_body_s_word_needs_a_clause_that_gives_it_as_that_body_s(judge: ClaimJudge) -> None:
    assert kept(judge, "paragraph-14", "Selon la mission d'observation de l'OSCE/BIDDH, le pays a encore "
                "beaucoup à faire pour tenir ses engagements sur les élections démocratiques.")
    assert not kept(judge, "paragraph-14", "Le BIDDH recommande que les droits électoraux des citoyens "
                    "soient respectés.")
    assert not kept(judge, "paragraph-14", "The ODIHR recommends that the authorities leave independent "
                    "candidates free to campaign.", "en")


def test_a_recital_asks_for_nothing(judge: ClaimJudge) -> None:
    assert kept(judge, "recital-O", "Selon des ONG, les violences contre les femmes sont sous-déclarées.")
    assert not kept(judge, "recital-O", "Il faut poursuivre davantage les violences contre les femmes.")
    assert not kept(judge, "recital-O", "Sexual harassment should be prosecuted more often.", "en")
    # a recital that states what a law requires still asks for nothing itself
    assert kept(judge, "recital-J", "All public associations must register with the Ministry of Justice.",
                "en")
    assert not kept(judge, "recital-J", "Il faudrait abroger l'obligation d'enregistrement des associations.")
    assert not kept(judge, "recital-L", "Il faut revoir la loi sur les médias et l'information.")
    # a recital that reports a body asking supports the claim that it asked
    assert kept(judge, "recital-N", "The UN Working Group on Arbitrary Detention called for Iskander "
                "Yerimbetov's release.", "en")


def test_a_date_written_with_dots_reads_as_day_month_and_year(judge: ClaimJudge) -> None:
    assert kept(judge, "footnote-7", "The reference is OJ C 168 E of 14 June 2013, page 91.", "en")
    assert not kept(judge, "footnote-7", "The reference is OJ C 168 E of 14 July 2013, page 91.", "en")


def test_a_negation_is_read_by_what_it_denies(judge: ClaimJudge) -> None:
    assert kept(judge, "recital-N", "The Almaty Prosecutor's Office found no credible evidence for the "
                "torture allegations made by Iskander Yerimbetov.", "en")
    assert not kept(judge, "recital-N", "The Almaty Prosecutor's Office found credible evidence for the "
                    "torture allegations made by Iskander Yerimbetov.", "en")
    assert kept(judge, "paragraph-9", "Parliament urges an end to the harassment of journalists who "
                "criticise the government.", "en")


def test_antonyms_of_the_unit_s_words_are_rejected(judge: ClaimJudge) -> None:
    assert kept(judge, "paragraph-6", "Parliament urges the government to lift the restrictions on "
                "independent trade unions.", "en")
    assert not kept(judge, "paragraph-6", "Parliament urges the government to keep the restrictions on "
                    "independent trade unions.", "en")
    assert not kept(judge, "recital-A", "The EPCA gives little weight to democracy and the rule of law.",
                    "en")


def test_a_reason_or_a_condition_the_unit_does_not_give_is_rejected(judge: ClaimJudge) -> None:
    assert kept(judge, "recital-H", "Saken Tulbayev was imprisoned after being accused of inciting "
                "religious hatred.", "en")
    assert not kept(judge, "recital-H", "Saken Tulbayev was imprisoned following a presidential decree.",
                    "en")
    assert not kept(judge, "recital-C", "Because journalists were prosecuted, the government kept "
                    "Article 174 of the Criminal Code.", "en")
    assert not kept(judge, "paragraph-15", "Parliament says continued cooperation between the EU and "
                    "Kazakhstan is a condition for broadening the OSCE's mandate.", "en")


def test_an_agent_the_unit_does_not_name_is_invented(judge: ClaimJudge) -> None:
    assert kept(judge, "recital-H", "Saken Tulbayev a été emprisonné après avoir été accusé d'incitation "
                "à la haine religieuse.")
    assert not kept(judge, "recital-H", "Le procureur a accusé Saken Tulbayev d'incitation à la haine "
                    "religieuse.")


def test_a_subject_is_a_name_or_a_body_not_a_capital_opening_the_claim(judge: ClaimJudge) -> None:
    assert kept(judge, "recital-K", "Civil society activists face reprisals in Kazakhstan.", "en")
    assert kept(judge, "recital-L", "Muratbek Tungishbayev's extradition from Kyrgyzstan flagrantly "
                "violated the law.", "en")


def test_respectively_gives_each_person_their_own_number(judge: ClaimJudge) -> None:
    assert kept(judge, "recital-I", "Le poète Kenzhebek Abishev a été condamné à sept ans de prison.")
    assert not kept(judge, "recital-I", "Le poète Kenzhebek Abishev a été condamné à huit ans de prison.")
    assert not kept(judge, "recital-I", "Kenzhebek Abishev and Almat Zhumagulov got eight and seven years "
                    "respectively.", "en")
