"""Knowing when the resolution does not answer: absent subjects framed in the text's own words, questions
the text cannot answer about what it names, the same inside a conversation; new topics after a
conversation; follow-ups that lean on the subject named before; partly covered questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answers.models import Answer
from bot.pipeline import Pipeline
from bot.settings import Settings

EARLIER_FR = ["Qui est Iskander Yerimbetov ?", "Que dit la résolution sur la liberté de religion ?"]
EARLIER_EN = ["What does the resolution say about the Venice Commission?", "Who is Maks Bokayev?"]


def ask_alone_or_after(pipeline: Pipeline, question: str, history: object) -> Answer:
    """The question asked alone (`history` []) or after two unrelated questions in its language."""
    earlier = [] if history == [] else (EARLIER_FR if pipeline.ask(question).language == "fr" else EARLIER_EN)
    return pipeline.ask(question, earlier)


@pytest.fixture(scope="module")
def pipeline(built_index_dir: Path) -> Pipeline:
    return Pipeline(Settings(resobot_data_dir=built_index_dir))


@pytest.mark.parametrize(
    ("question", "absent"),
    [
        ("Que demande le Parlement européen au sujet de la pêche industrielle ?", "pêche"),
        ("Le Parlement condamne-t-il la peine de mort au Kazakhstan ?", "mort"),
        ("What does the resolution urge regarding nuclear waste?", "nuclear"),
        ("Does the Parliament call for sanctions against Uzbekistan?", "Uzbekistan"),
        ("Quel est le salaire de Maks Bokayev ?", "salaire"),
        ("What did the 2023 constitutional referendum change?", "2023"),
    ],
)
@pytest.mark.parametrize("history", [[], "earlier"])
def test_an_absent_subject_is_refused_alone_and_in_a_conversation(
    pipeline: Pipeline, question: str, absent: str, history: object
) -> None:
    answer = ask_alone_or_after(pipeline, question, history)
    assert answer.refused and answer.citations == []
    assert absent in answer.text  # the refusal names what the text does not speak of


def test_a_refusal_offers_nearby_subjects_the_text_covers(pipeline: Pipeline) -> None:
    answer = pipeline.ask("Que dit la résolution sur les droits des enfants handicapés ?")
    assert answer.refused
    assert 2 <= len(answer.suggestions) <= 3
    assert all(u.startswith(("recital-", "paragraph-")) for u in answer.suggestions)
    for unit_id in answer.suggestions:  # each suggestion, asked, is answered from the text
        assert unit_id.split("-")[1] in answer.text
    asked = pipeline.ask("Que dit la résolution sur la violence à l'égard des femmes ?")
    assert not asked.refused and {"recital-O", "paragraph-12"} & set(asked.citations)


@pytest.mark.parametrize(
    ("history", "question", "gold"),
    [
        (EARLIER_FR, "Et les syndicats indépendants ?", {"paragraph-6", "recital-E", "recital-F"}),
        (EARLIER_EN, "And what about violence against women?", {"recital-O", "paragraph-12"}),
        (EARLIER_EN, "What about the LGBTI community?", {"recital-P", "paragraph-13"}),
    ],
)
def test_a_new_topic_after_a_conversation_is_a_new_question(
    pipeline: Pipeline, history: list[str], question: str, gold: set[str]
) -> None:
    answer = pipeline.ask(question, history)
    assert not answer.refused and gold & set(answer.citations)
    assert not pipeline.search(question, history).followup


def test_a_follow_up_leans_on_the_subject_named_before(pipeline: Pipeline) -> None:
    history = ["Que dit la résolution sur la liberté de religion ?", "Qui est Iskander Yerimbetov ?"]
    retrieval = pipeline.search("Pourquoi est-il en prison ?", history)
    assert retrieval.followup and "Yerimbetov" in retrieval.query
    assert "religion" not in retrieval.query  # the subject, not the whole conversation
    answer = pipeline.ask("Pourquoi est-il en prison ?", ["Qui est Iskander Yerimbetov ?"])
    assert not answer.refused and "Yerimbetov" in pipeline.index.text_of(answer.citations[0], "fr")


def test_a_follow_up_asking_what_the_text_does_not_say_is_refused(pipeline: Pipeline) -> None:
    answer = pipeline.ask("Et quel âge a-t-il ?", ["Qui est Iskander Yerimbetov ?"])
    assert answer.refused and "âge" in answer.text


@pytest.mark.parametrize("question", ["La loi sur les médias ?", "Torture?", "Et les élections ?", "Bloggers?"
                                      ])
def test_short_questions_on_covered_subjects_are_answered(pipeline: Pipeline, question: str) -> None:
    assert not pipeline.ask(question).refused


def test_a_partly_covered_question_says_what_the_text_does_not_give(pipeline: Pipeline) -> None:
    answer = pipeline.ask("Combien de prisonniers politiques y a-t-il au Kazakhstan ?")
    assert not answer.refused and "recital-D" in answer.citations
    assert "ne donne pas de chiffre" in answer.text
    given = pipeline.ask("How many journalists were detained during the 2016 protests?")
    assert "55" in given.text and "no figure" not in given.text


@pytest.mark.parametrize(
    ("question", "gold"),
    [
        ("Are gay couples protected by law?", {"recital-P", "paragraph-13"}),
        ("Que dit le texte sur la presse ?", {"paragraph-9", "recital-L"}),
        ("What does it say about homosexual people?", {"recital-P", "paragraph-13"}),
    ],
)
def test_everyday_words_for_the_texts_subjects_are_answered(pipeline: Pipeline, question: str, gold: set[str]
                                                            ) -> None:
    answer = pipeline.ask(question)
    assert not answer.refused and gold & set(answer.citations)


def test_a_subject_taken_up_by_a_pronoun_in_the_same_message_is_a_new_topic(pipeline: Pipeline) -> None:
    history = ["Que demande le Parlement à l'OSCE ?"]
    retrieval = pipeline.search("Et les blogueurs, ils risquent quoi ?", history)
    assert not retrieval.followup
    assert "recital-L" in pipeline.ask("Et les blogueurs, ils risquent quoi ?", history).citations


def test_a_near_spelling_of_a_common_word_is_not_coverage(pipeline: Pipeline) -> None:
    # "exporte" is one letter from "exhorte" (a verb of the text): not the same word
    assert pipeline.ask("Combien de gaz le Kazakhstan exporte-t-il ?").refused
    assert not pipeline.ask("Qui est Maks Bokaiev ?").refused  # a typo of a name is


@pytest.mark.parametrize(
    ("question", "gold", "unused"),
    [
        ("Are NGOs pressured by the tax inspectors?", {"recital-G"}, "inspectors"),
        (
            "Des opposants sont-ils envoyés dans des pavillons psychiatriques ?",
            {"recital-K", "paragraph-3"},
            "pavillons",
        ),
    ],
)
def test_a_paraphrase_with_one_word_the_text_lacks_is_answered_and_says_so(
    pipeline: Pipeline, question: str, gold: set[str], unused: str
) -> None:
    answer = pipeline.ask(question)
    assert not answer.refused and set(answer.citations) & gold
    assert unused in answer.text.split("\n\n")[-1]  # the closing note names the word the text lacks


@pytest.mark.parametrize(
    "question",
    [
        "que dit le texte sur la liberte de la presse en hongrie",  # a country typed in lower case
        "Quelle est la capitale de l'ouzbékistan ?",
        "Quel âge a Iskander Yerimbetov ?",  # the focus of "quel …" is what is asked
        "What is the population of Almaty?",
        "Does the Parliament want to protect the rights of disabled people?",  # "X of Y": Y is the subject
        "Que demande le Parlement contre le travail des enfants ?",
    ],
)
@pytest.mark.parametrize("history", [[], "earlier"])
def test_a_country_a_focus_or_a_complement_the_text_lacks_is_refused(
    pipeline: Pipeline, question: str, history: object
) -> None:
    answer = ask_alone_or_after(pipeline, question, history)
    assert answer.refused and answer.citations == []


@pytest.mark.parametrize(
    ("question", "says"),
    [
        ("En quelle année est né Aron Atabek ?", "ne donne pas cette information"),
        ("Which year was Mukhtar Dzhakishev born?", "does not give this information"),
        ("Quand l'APCR est-il entré pleinement en vigueur ?", "ne donne pas cette information"),
        ("Where does the Venice Commission hold its sessions?", "does not give this information"),
    ],
)
@pytest.mark.parametrize("history", [[], "earlier"])
def test_a_fact_the_text_does_not_give_about_what_it_names_is_refused(
    pipeline: Pipeline, question: str, says: str, history: object
) -> None:
    """The text names the person or the agreement, not the date or the place asked: no unit holds the
    subject with what is asked, or the units naming the subject give no date."""
    earlier = [] if history == [] else (EARLIER_FR if "ne donne" in says else EARLIER_EN)
    answer = pipeline.ask(question, earlier)
    assert answer.refused and answer.citations == []
    assert says in answer.text
    assert len(answer.suggestions) >= 2  # nearby subjects are still offered


@pytest.mark.parametrize(
    ("question", "gold", "fact"),
    [
        ("When was Iskander Yerimbetov sentenced?", "recital-N", "2018"),
        ("Combien de journalistes ont été détenus en 2016 ?", "recital-D", "55"),
        ("How many people were detained in 2016?", "recital-D", "1 000"),
        ("Quand la Commission de Venise a-t-elle rendu son avis ?", "recital-B", "2012"),
        ("How many years was Almat Zhumagulov sentenced to?", "recital-I", "seven"),
    ],
)
def test_a_fact_the_text_gives_is_answered(pipeline: Pipeline, question: str, gold: str, fact: str) -> None:
    answer = pipeline.ask(question)
    assert not answer.refused and gold in answer.citations
    assert fact in answer.text


@pytest.mark.parametrize(
    ("history", "question", "gold"),
    [
        (["Qui est Iskander Yerimbetov ?"], "Maks Bokayev, why was he jailed?", {"recital-D", "paragraph-4"}),
        (["What does it say about torture?"], "The union leaders jailed in 2017: what does it ask for them?",
         {"paragraph-6"}),
        (["Que dit la résolution sur la liberté de religion ?"], "How many people were detained in 2016?",
         {"recital-D"}),
    ],
)
def test_a_message_that_names_its_own_subject_is_not_read_as_a_follow_up(
    pipeline: Pipeline, history: list[str], question: str, gold: set[str]
) -> None:
    """A pronoun after the message's own subject refers to it; a name or a number of its own says what
    the message is about, even when it shares a unit with the last subject."""
    retrieval = pipeline.search(question, history)
    assert not retrieval.followup and retrieval.query == question
    answer = pipeline.ask(question, history)
    assert not answer.refused and gold & set(answer.citations)


def test_a_sentence_in_years_answers_how_many_years(pipeline: Pipeline) -> None:
    answer = pipeline.ask("Combien d'années a-t-il prises ?", ["Qui est Almat Zhumagulov ?"])
    assert not answer.refused and "recital-I" in answer.citations
    assert "huit et sept ans" in answer.text


@pytest.mark.parametrize(
    ("question", "refused"),
    [
        ("Who founded the DCK?", True),  # the text bans the movement; who founded it, it never says
        ("Qui présidait la délégation du Parlement ?", True),
        ("Who leads the Confederation of Independent Trade Unions?", True),
        ("Qui a conclu que la détention de Yerimbetov était arbitraire ?", False),  # recital N says who
        ("Who welcomed the release of Vladimir Kozlov?", False),  # the Parliament, § 3
        ("Who was arrested in 2016?", False),  # a passive asks about those arrested: recital D
    ],
)
def test_who_did_something_is_answered_only_where_the_text_holds_the_relation(
    pipeline: Pipeline, question: str, refused: bool
) -> None:
    answer = pipeline.ask(question)
    assert answer.refused is refused
    assert bool(answer.citations) is not refused


def test_country_names_are_babels_territory_names_in_french_and_english() -> None:
    """countries() reads each language's own CLDR data, without the root locale's merged in: the same
    names as Babel's `Locale(…).territories`, as long as the root locale names no territory."""
    from babel import Locale

    from index.answerable import countries
    from index.lexical import fold

    expected = {
        fold(name): name
        for language in ("fr", "en")
        for code, name in Locale(language).territories.items()
        if code.isalpha() and len(name) >= 4
    }
    assert countries() == expected
    assert countries()["bielorussie"] == "Biélorussie" and countries()["hungary"] == "Hungary"


@pytest.mark.parametrize(
    "question",
    [
        "Quel tribunal a jugé Almat Zhumagulov ?",  # recital I: sentenced, no court named
        "Ablovas Dzhumayev travaillait pour quel journal ?",
        "How long did Natalia Ulasik spend in hospital?",  # § 3: her medical measures, no duration
        "À combien d'années de prison Sayat Ibrayev avait-il été condamné ?",  # § 3: released, no term
        "Maks Bokayev a-t-il été libéré depuis l'adoption de cette résolution ?",  # after the text
        "Did the OSCE office in Astana get its full mandate back since the resolution was adopted?",
        "What does the resolution say about torture in Kyrgyzstan?",  # named for an extradition only
    ],
)
@pytest.mark.parametrize("history", [[], "earlier"])
def test_what_the_text_does_not_say_about_a_name_it_gives_is_refused(
    pipeline: Pipeline, question: str, history: object
) -> None:
    answer = ask_alone_or_after(pipeline, question, history)
    assert answer.refused and answer.citations == []


@pytest.mark.parametrize(
    ("question", "gold"),
    [
        ("Quelle peine Kenzhebek Abishev a-t-il reçue ?", "recital-I"),  # "sept ans de prison"
        ("How many years was Aset Abishev sentenced to?", "recital-I"),
        ("Which UN body found Iskander Yerimbetov's detention arbitrary?", "recital-N"),  # its "groupe"
        ("Which prosecutor's office looked into Iskander Yerimbetov's torture claims?", "recital-N"),
        ("Quelle accusation a valu la prison à Saken Tulbayev ?", "recital-H"),  # "accusé d'incitation"
        ("Qui a jugé arbitraire la détention d'Iskander Yerimbetov ?", "recital-N"),  # "a conclu"
        ("On what page of the Official Journal was the March 2012 resolution printed?", "footnote-5"),  # "p."
    ],
)
def test_what_the_text_says_about_a_name_is_answered_in_its_own_words(
    pipeline: Pipeline, question: str, gold: str
) -> None:
    answer = pipeline.ask(question)
    assert not answer.refused and gold in answer.citations


OSCE_FR = ["Que demande le Parlement pour le bureau de l'OSCE à Astana ?", "Et pourquoi ?"]


@pytest.mark.parametrize(
    ("history", "question", "gold"),
    [  # each one a pronoun ("elles", "ils") the old topic would have taken
        (OSCE_FR, "Autre chose : que dit le texte des militants emprisonnés pour avoir soutenu le CDK ?",
         {"recital-I"}),
        (OSCE_FR, "Parlons d'autre chose : les femmes sont-elles protégées contre la violence ?",
         {"recital-O", "paragraph-12"}),
        (["Qu'est-ce que le Parlement dit de Ardak Ashim ?", "Et sa libération ?"],
         "Nouveau sujet : les syndicats peuvent-ils s'affilier librement ?", {"recital-E", "recital-F"}),
    ],
)
def test_a_message_that_says_it_changes_the_subject_is_a_new_question(
    pipeline: Pipeline, history: list[str], question: str, gold: set[str]
) -> None:
    answer = pipeline.ask(question, history)
    assert not answer.refused and gold & set(answer.citations)
    assert not {"paragraph-15", "paragraph-16", "paragraph-3"} & set(answer.citations)  # the old topic's


def test_an_alternative_the_text_does_not_take_is_no_reason_to_refuse(pipeline: Pipeline) -> None:
    answer = pipeline.ask("Should Article 174 be narrowed or scrapped entirely?")  # § 5: narrowed
    assert not answer.refused and "paragraph-5" in answer.citations


def test_what_the_parliaments_president_must_do_is_the_closing_paragraph(pipeline: Pipeline) -> None:
    answer = pipeline.ask("Que doit faire le président du Parlement européen ?", OSCE_FR)
    assert "paragraph-17" in answer.citations


def test_a_country_the_text_names_is_answered_about_what_the_text_says_of_it(pipeline: Pipeline) -> None:
    answer = pipeline.ask("Quel blogueur a été extradé du Kirghizstan ?")
    assert not answer.refused and "recital-L" in answer.citations
