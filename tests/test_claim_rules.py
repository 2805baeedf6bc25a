"""The checker's reading of a sentence without a model: numbers across languages, a unit's own number,
polarity, who speaks and who acts, cause and effect (bot/answers/claim_*.py)."""

from __future__ import annotations

from bot.answers.claim_actors import (
    actor_classes,
    addressed,
    first_actor,
    parliament_asks,
    requests,
    someone_else_asks,
)
from bot.answers.claim_causes import causal, swapped
from bot.answers.claim_numbers import numbers, without_own_reference
from bot.answers.claim_polarity import opposed, segments


def test_dates_and_number_words_read_the_same_in_french_and_english() -> None:
    assert numbers("le 10 mai 2018") == numbers("on 10 May 2018") == {"10", "month-5", "2018"}
    assert numbers("condamné à sept ans") == numbers("sentenced to seven years") == {"7"}
    assert numbers("plus de 1 000 participants") == numbers("over 1,000 participants") == {"1000"}
    assert numbers("Kazakhstan joined in March 2012") != numbers("Kazakhstan joined in May 2012")


def test_a_claim_naming_its_own_unit_loses_that_number_only() -> None:
    assert without_own_reference("In paragraph 7, Parliament urges", "paragraph-7") == (
        "In , Parliament urges", []
    )
    for text in ("Au paragraphe 7, il", "Le point 7 invite", "§ 7 : il demande", "Para. 7 asks"):
        assert without_own_reference(text, "paragraph-7")[1] == []
        assert "7" not in without_own_reference(text, "paragraph-7")[0]
    assert without_own_reference("Le considérant P indique", "recital-P")[1] == []


def test_a_claim_naming_another_unit_says_so() -> None:
    assert without_own_reference("Paragraph 8 urges the government", "paragraph-7")[1] == ["paragraph-8"]
    assert without_own_reference("Recital Q says", "recital-P")[1] == ["recital-Q"]


def test_negation_in_one_and_not_the_other_is_opposed() -> None:
    sentence = (
        "que les relations sexuelles entre hommes et femmes de même sexe sont légales au Kazakhstan, mais "
        "que les couples de même sexe ne peuvent pas bénéficier des mêmes protections juridiques"
    )
    assert opposed("Les couples de même sexe bénéficient des mêmes protections.", sentence, "french")
    assert not opposed("Les couples de même sexe ne bénéficient pas des protections.", sentence, "french")
    assert not opposed("Les relations homosexuelles sont légales.", sentence, "french")


def test_a_negation_governs_the_part_that_depends_on_it() -> None:
    sentence = "but has not taken steps to implement the roadmap, such as amending the Law on Trade Unions"
    assert [s.negated for s in segments(sentence)] == [True, True]
    assert opposed("The government has amended the Law on Trade Unions.", sentence, "english")


def test_an_end_to_something_is_no_more_of_it() -> None:
    sentence = "demande qu’il ne soit plus recouru abusivement aux procédures d’extradition d’Interpol"
    assert not opposed("Le Parlement demande la fin du recours abusif à l'extradition.", sentence, "french")


def test_opposite_words_are_opposed() -> None:
    assert opposed("Parliament asks to restrict the OSCE mandate.", "calls on the authorities to broaden the "
                   "OSCE's mandate", "english")
    assert opposed("The number of political prisoners has decreased.", "whereas the number of political "
                   "prisoners in Kazakhstan has increased", "english")


def test_the_parliament_speaks_and_others_are_asked() -> None:
    assert parliament_asks("Le Parlement demande la libération de Maks Bokayev.")
    assert not parliament_asks("Maks Bokayev purge une peine de prison.")
    assert someone_else_asks("The Commission urges Kazakhstan to end the crackdown.")
    assert someone_else_asks("L'OSCE demande au Kazakhstan d'élargir son mandat.")
    assert not someone_else_asks("The EEAS is asked to monitor trials.")
    assert requests("Le SEAE doit surveiller la situation.") and not requests("Kazakhstan ranks 143rd.")
    assert addressed("The EEAS is asked to monitor trials.") == "the eeas "


def test_bodies_are_named_by_class_and_a_trade_union_is_not_the_union() -> None:
    assert actor_classes("envers l’Union européenne et le SEAE") == {"eu"}
    assert actor_classes("the Law on Trade Unions") == set()
    assert actor_classes("the Government of Kazakhstan and the ILO") == {"state", "ilo"}


def test_the_first_actor_skips_places() -> None:
    assert first_actor("whereas on 10 May 2018, during the visit of a European Parliament delegation to "
                       "Kazakhstan, the police used excessive force") == "police"
    assert first_actor("The Government of Kazakhstan does not appear to") == "state"
    assert first_actor("Elena Semenova is subject to a travel ban") is None


def test_cause_and_effect_swapped_are_detected() -> None:
    unit = causal("peaceful demonstrations against the amendment of the Land Code led to the detention of "
                  "more than 1 000 participants", "english")
    straight = causal("Demonstrations against the Land Code led to the detention of participants.", "english")
    crossed = causal("The detention of participants led to demonstrations against the Land Code.", "english")
    assert unit and straight and crossed
    assert not swapped(straight, unit) and swapped(crossed, unit)


def test_reasons_are_read_after_because_and_after_a_sanction() -> None:
    assert causal("Ardak Ashim was detained because he organised a demonstration.", "english")
    reason = causal("Iskander Yerimbetov a été condamné pour espionnage.", "french")
    assert reason is not None and reason.cause == {"espionnag"}
    assert causal("Kazakhstan joined the Venice Commission in March 2012.", "english") is None


def test_welcoming_what_the_unit_condemns_or_only_asks_for_is_another_evaluation() -> None:
    from bot.answers.claim_polarity import other_evaluation

    unit = ["welcomes the decision to release Ardak Ashim from the psychiatric clinic;",
            "condemns a measure as brutal as punitive psychiatry;"]
    assert other_evaluation("Parliament condemns the decision to release Ardak Ashim.", unit, "english")
    assert not other_evaluation("Parliament condemns punitive psychiatry.", unit, "english")
    asks = ["exhorte le gouvernement à mettre fin à la répression contre les syndicats;"]
    assert other_evaluation("Le Parlement salue la liberté accordée aux syndicats.", asks, "french")


def test_an_opposite_word_counts_in_the_part_of_the_unit_the_claim_is_anchored_to() -> None:
    from bot.answers.claim_polarity import anchored_opposite

    unit = "whereas, although protected by the Constitution, the right to association remains restricted;"
    assert anchored_opposite("The Constitution restricts the right to association.", unit, "english")
    assert not anchored_opposite("The right to association remains restricted.", unit, "english")


def test_a_double_negation_is_no_negation() -> None:
    from bot.answers.claim_polarity import negated

    assert negated("the government has committed itself to tolerating no torture")
    assert not negated("the government has never committed itself to tolerating no torture")


def test_the_subject_of_a_verb_must_be_the_one_the_unit_gives_it() -> None:
    from bot.answers.claim_actors import patient_made_agent, wrong_subject

    parts = ["the police used excessive force against peaceful demonstrators who were trying to meet MEPs"]
    assert wrong_subject("The police tried to meet MEPs.", parts, "english")
    assert not wrong_subject("Peaceful demonstrators tried to meet MEPs.", parts, "english")
    passive = ["whereas the use of social networks is monitored and restricted by the authorities"]
    assert wrong_subject("Kyrgyzstan monitors the use of social networks.", passive, "english")
    assert not wrong_subject("The authorities monitor the use of social networks.", passive, "english")
    undergoes = ["human rights organisations are subjected to tax pressure"]
    assert patient_made_agent("Human rights organisations put tax pressure on donors.", undergoes)
    assert not patient_made_agent("Human rights organisations face tax pressure.", undergoes)


def test_a_causal_claim_needs_the_same_link_in_the_unit_in_the_same_order() -> None:
    from bot.answers.claim_causes import unbacked_link

    unit = ("whereas in 2016 peaceful demonstrations against the amendment of the Land Code led to the "
            "detention of more than 1 000 participants;")
    assert unbacked_link("Peaceful demonstrations against the Land Code led to the detention of "
                         "participants.", unit, "english") is None
    assert unbacked_link("The detention of participants led to peaceful demonstrations against the "
                         "Land Code.", unit, "english") == "cause and effect"
    released = "whereas Kushakbaev was released on parole but remains banned from trade union activities;"
    assert unbacked_link("Kushakbaev remains banned from union activities because he violated his parole.",
                         released, "english") == "reason"


def test_a_number_moved_to_another_noun_is_caught() -> None:
    from bot.answers.claim_numbers import misbound

    unit = "to revise the 2014 Law on Trade Unions and the 2015 Labour Code"
    assert misbound("revise the 2015 Law on Trade Unions", unit, "english")
    assert not misbound("revise the 2014 Law on Trade Unions", unit, "english")
