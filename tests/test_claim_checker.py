"""The claim checker on each kind of distorted claim, against the real units (French, with and without
their English rendering) and the real e5; and `resobot eval-claims`, which measures it on a claims file."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from bot import cli as cli_module
from bot.answers.verify import Claim, Evidence, verify_claims
from bot.evaluate_claims import ClaimJudge, documents
from bot.settings import Settings
from index.embeddings import E5Embeddings

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def judge() -> ClaimJudge:
    return ClaimJudge(documents(Settings()), E5Embeddings())


def kept(judge: ClaimJudge, unit: str, claim: str, language: str = "fr", rendering: bool = True) -> bool:
    """True if the checker keeps `claim` cited to `unit` (given in `language`, with its rendering)."""
    evidence = judge.evidence(unit, language)
    if not rendering:
        evidence = Evidence(evidence.id, evidence.text, evidence.sentences, evidence.vectors, language)
    embed = lambda texts: np.stack([judge.embeddings.query(t) for t in texts])  # noqa: E731
    return bool(verify_claims([Claim(claim, (unit,))], [evidence], embed).kept)


def test_english_names_and_months_match_the_french_text_without_a_rendering(judge: ClaimJudge) -> None:
    claim = "Kazakhstan joined the Venice Commission in March 2012."
    assert kept(judge, "recital-B", claim, rendering=False)
    assert not kept(judge, "recital-B", claim.replace("March", "May"), rendering=False)


def test_negated_claim_is_rejected(judge: ClaimJudge) -> None:
    assert kept(judge, "recital-P", "Same-sex couples cannot get the same legal protections.")
    assert not kept(judge, "recital-P", "Yes, same-sex couples are legally protected in Kazakhstan.")
    assert not kept(judge, "paragraph-15", "Le Parlement demande de restreindre le mandat de l'OSCE.")


def test_claim_with_the_wrong_actor_is_rejected(judge: ClaimJudge) -> None:
    assert kept(judge, "paragraph-6", "Parliament urges an end to the crackdown on trade unions.")
    assert not kept(judge, "paragraph-6", "The Commission urges an end to the crackdown on trade unions.")
    assert not kept(judge, "recital-K", "Members of the European Parliament used excessive force against "
                    "peaceful demonstrators.", "en")


def test_claim_naming_a_body_the_unit_does_not_name_is_rejected(judge: ClaimJudge) -> None:
    assert kept(judge, "citation-7", "The EU and Kazakhstan hold human rights dialogues every year.", "en")
    assert kept(judge, "recital-E", "Le gouvernement s'est engagé à répondre aux préoccupations de l'OIT.")
    assert not kept(judge, "recital-E", "Le gouvernement s'est engagé à répondre aux préoccupations de "
                    "l'Union européenne.")


def test_claim_with_the_wrong_number_is_rejected(judge: ClaimJudge) -> None:
    assert kept(judge, "recital-I", "Almat Zhumagulov was sentenced to eight years in prison.", "en")
    assert not kept(judge, "recital-I", "Almat Zhumagulov was sentenced to ten years in prison.", "en")


def test_claim_about_another_person_of_the_unit_is_rejected(judge: ClaimJudge) -> None:
    assert kept(judge, "recital-F", "Nurbek Kushakbaev and Amin Eleusinov were released on parole.")
    assert not kept(judge, "recital-F", "Larisa Kharkova and Amin Eleusinov were released on parole.")


def test_invented_reason_is_rejected(judge: ClaimJudge) -> None:
    assert kept(judge, "recital-D", "Maks Bokayev is in prison for taking part in a peaceful rally.", "en")
    assert not kept(judge, "recital-D", "Maks Bokayev is in prison for fraud.", "en")


def test_cause_and_effect_swapped_is_rejected(judge: ClaimJudge) -> None:
    assert not kept(judge, "recital-D", "The detention of more than 1,000 participants led to peaceful "
                    "demonstrations against the Land Code amendment.", "en")


def test_claim_true_in_another_unit_is_rejected(judge: ClaimJudge) -> None:
    assert kept(judge, "paragraph-10", "Parliament urges a review of the case of Iskander Yerimbetov.")
    assert not kept(judge, "recital-N", "Parliament urges the government to review the case of Iskander "
                    "Yerimbetov.")


def test_the_units_own_number_is_not_a_wrong_number(judge: ClaimJudge) -> None:
    assert kept(judge, "paragraph-7", "Le paragraphe 7 invite à revoir la loi sur les associations.")
    assert kept(judge, "paragraph-13", "Au point 13, le Parlement insiste sur les droits LGBTI.")
    assert not kept(judge, "paragraph-7", "Le paragraphe 8 invite le gouvernement à revoir la loi sur les "
                    "associations.")


def invoke(*args: str):
    return CliRunner().invoke(cli_module.cli, list(args), catch_exceptions=False)


def test_eval_claims_reports_rejected_and_accepted_per_kind_and_language(tmp_path: Path) -> None:
    rows = [
        {"unit": "recital-B", "claim": "Le Kazakhstan a rejoint la Commission de Venise en mars 2012.",
         "language": "fr", "supported": True, "kind": "paraphrase"},
        {"unit": "recital-B", "claim": "Kazakhstan joined the Venice Commission in March 2012.",
         "language": "en", "unit_language": "fr", "supported": True, "kind": "cross-language"},
        {"unit": "recital-B", "claim": "Kazakhstan joined the Venice Commission in May 2012.",
         "language": "en", "supported": False, "kind": "wrong-number"},
        # mislabelled on purpose: the checker rightly rejects it, so "accepted" must count it as missed
        {"unit": "recital-B", "claim": "Le Kazakhstan a quitté la Commission de Venise en mars 2012.",
         "language": "fr", "supported": True, "kind": "paraphrase"},
    ]
    path = tmp_path / "claims.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    result = invoke("eval-claims", "--json", str(path))
    assert result.exit_code == 0
    report = json.loads(result.output)
    assert report["overall"]["rejected"] == 1.0 and report["overall"]["accepted"] == round(2 / 3, 3)
    assert report["by_kind"]["wrong-number"]["rejected"] == 1.0
    assert report["by_kind"]["paraphrase"]["accepted"] == 0.5
    assert report["by_kind"]["cross-language"]["accepted"] == 1.0
    assert report["by_language"]["en"] == {"rejected": 1.0, "accepted": 1.0, "unsupported": 1, "supported": 1}
    text = invoke("eval-claims", "--details", str(path)).output
    assert "kind wrong-number" in text and "rejected: [paraphrase, fr] recital-B" in text


def test_eval_claims_rejects_a_malformed_file_clearly(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"unit": "recital-B", "claim": "x", "language": "fr", "kind": "k"}\n', encoding="utf-8")
    result = invoke("eval-claims", str(bad))
    assert result.exit_code == 1 and "bad.jsonl:1: missing field(s) supported" in result.output
    bad.write_text('{"unit": "recital-ZZ", "claim": "x", "language": "fr", "kind": "k", "supported": true}\n')
    result = invoke("eval-claims", str(bad))
    assert result.exit_code == 1 and "unknown unit: recital-ZZ" in result.output


def test_the_claim_files_hold_both_languages_and_every_kind() -> None:
    for name in ("claims-dev.jsonl", "claims-holdout.jsonl"):
        rows = [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()]
        assert {r["language"] for r in rows} == {"fr", "en"}
        assert {r["kind"] for r in rows if not r["supported"]} == {
            "negation", "wrong-actor", "wrong-number", "wrong-person", "invented-reason", "cause-effect",
            "wrong-unit",
        }
    total = sum(len((DATA / n).read_text(encoding="utf-8").splitlines())
                for n in ("claims-dev.jsonl", "claims-holdout.jsonl"))
    assert total >= 300
