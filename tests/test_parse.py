"""Pin `index.parse.parse_resolution` on the shipped corpus, on variants of it and on malformed input."""

from __future__ import annotations

import dataclasses
import re
import string
from collections import Counter
from collections.abc import Callable, Iterable

import pytest

from index.models import Document, Unit
from index.parse import ParseError, parse_resolution

TITLE = "Résolution du Parlement européen sur la situation des droits de l’homme au Kazakhstan"
PROCEDURE = "2019/2610(RSP)"
RECITALS = string.ascii_uppercase[:17]  # A..Q

FOOTNOTES = {
    1: "Textes adoptés de cette date, P8_TA(2017)0485.",
    2: "Textes adoptés de cette date, P8_TA(2016)0083.",
    3: "Textes adoptés de cette date, P8_TA(2017)0484.",
    4: "JO C 45 du 5.2.2016, p. 85.",
    5: "JO C 251 E du 31.8.2013, p. 93..",  # the source's double dot is kept verbatim
    6: "JO C 224 E du 19.8.2010, p. 30.",
    7: "JO C 168 E du 14.6.2013, p. 91.",
    8: "JO C 58 du 15.2.2018, p. 119.",
}

# The page footer printed in the middle of paragraph 16.
FOOTER_LINES = [
    "RC\\1179596FR.docx 9/9 PE635.464v01-00 }",
    "PE635.465v01-00 }",
    "PE635.466v01-00 }",
    "PE635.467v01-00 }",
    "PE635.468v01-00 }",
    "PE635.469v01-00 } RC1",
    "FR",
]

# Each footnote marker as printed in the corpus (glued to a word or a year) and the text without it.
GLUED_MARKERS = [
    ("d’autre part1,", "d’autre part,"),
    ("au Kazakhstan2\n", "au Kazakhstan\n"),
    ("d’autre part3,", "d’autre part,"),
    ("18 avril 20134,", "18 avril 2013,"),
    ("15 mars 20125 ", "15 mars 2012 "),
    ("Zhovtis au \nKazakhstan6,", "Zhovtis au \nKazakhstan,"),
    ("en Asie centrale7,", "en Asie centrale,"),
    ("l’Asie centrale8,", "l’Asie centrale,"),
]


def _by_id(document: Document) -> dict[str, Unit]:
    return document.by_id()


# --- structure -------------------------------------------------------------------------------------


def test_title_and_procedure(document: Document) -> None:
    assert document.title == TITLE
    assert document.procedure == PROCEDURE


def test_counts_exactly_8_citations_17_recitals_17_paragraphs_8_footnotes(document: Document) -> None:
    assert len(document.of_kind("citation")) == 8
    assert len(document.of_kind("recital")) == 17
    assert len(document.of_kind("paragraph")) == 17
    assert len(document.of_kind("footnote")) == 8
    assert len(document.units) == 50


def test_ids_and_labels_are_in_document_order_with_footnotes_last(document: Document) -> None:
    expected = (
        [f"citation-{n}" for n in range(1, 9)]
        + [f"recital-{x}" for x in RECITALS]
        + [f"paragraph-{n}" for n in range(1, 18)]
        + [f"footnote-{n}" for n in range(1, 9)]
    )
    assert [u.id for u in document.units] == expected
    assert [u.order for u in document.units] == list(range(50))
    assert all(u.id == f"{u.kind}-{u.label}" for u in document.units)
    assert [u.label for u in document.of_kind("recital")] == list(RECITALS)
    assert len(document.by_id()) == 50  # ids are unique


def test_unit_markers_are_stripped_from_the_text(document: Document) -> None:
    units = _by_id(document)
    assert all(u.text.startswith("vu ") for u in document.of_kind("citation"))
    assert all(u.text.startswith("considérant que") for u in document.of_kind("recital"))
    assert units["citation-1"].text.startswith("vu sa résolution du 12 décembre 2017 sur le projet")
    assert units["recital-A"].text.startswith("considérant que le 21 décembre 2015, l’Union européenne")
    assert units["paragraph-1"].text.startswith("prie instamment le Kazakhstan de respecter")
    assert units["paragraph-10"].text.startswith("demande que les communications du Comité")
    assert units["paragraph-17"].text.startswith("charge son Président de transmettre la présente résolution")
    assert units["paragraph-17"].text.endswith("au gouvernement et au parlement du Kazakhstan.")
    assert units["citation-8"].text == (
        "vu l’article 135, paragraphe 5, et l’article 123, paragraphe 4, de son règlement intérieur,"
    )


def test_as_json_exposes_id_kind_label_text(document: Document) -> None:
    unit = _by_id(document)["recital-B"]
    assert unit.as_json() == {
        "id": "recital-B",
        "kind": "recital",
        "label": "B",
        "text": "considérant que le Kazakhstan a rejoint la Commission européenne pour la démocratie "
        "par le droit (Commission de Venise) en mars 2012;",
    }


# --- page furniture and footnotes ----------------------------------------------------------------


def test_footnote_block_that_interrupts_recital_A_is_lifted_out(document: Document) -> None:
    text = _by_id(document)["recital-A"].text
    assert "les principes de l’économie de marché et du développement durable ainsi que la coopération de " \
        "la société civile, notamment la participation" in text
    assert text.endswith("à l’élaboration des politiques publiques;")
    assert "Textes adoptés" not in text
    assert "JO C" not in text
    assert "P8_TA" not in text


def test_page_footer_inside_paragraph_16_is_removed(document: Document) -> None:
    text = _by_id(document)["paragraph-16"].text
    assert text.endswith("et de vérifier que le droit à un procès équitable s’applique à tous;")
    assert not re.search(r"\bFR\b|\bRC1\b|9/9", text)
    for unit in document.units:
        assert "PE635" not in unit.text
        assert ".docx" not in unit.text
        assert "RC\\" not in unit.text


def test_footnote_texts_are_kept_verbatim_including_the_sources_double_dot(document: Document) -> None:
    notes = {int(u.label): u.text for u in document.of_kind("footnote")}
    assert notes == FOOTNOTES
    assert all(u.footnotes == () for u in document.of_kind("footnote"))


def test_glued_footnote_markers_become_links(document: Document) -> None:
    units = _by_id(document)
    linked = {u.id: u.footnotes for u in document.units if u.footnotes}
    assert linked == {"citation-1": (1, 2), "citation-2": (3,), "citation-3": (4, 5, 6), "citation-5": (7, 8)}

    c1 = units["citation-1"].text
    assert "et la République du Kazakhstan, d’autre part, et sa résolution du 10 mars 2016" in c1
    assert c1.endswith("sur la liberté d’expression au Kazakhstan")
    assert units["citation-2"].text.endswith("du Kazakhstan, d’autre part,")

    c3 = units["citation-3"].text
    assert "notamment celles du 18 avril 2013, du 15 mars 2012 et du 17 septembre 2009" in c3
    assert c3.endswith("sur le cas d’Evgeniy Zhovtis au Kazakhstan,")
    assert "20134" not in c3
    assert "20125" not in c3

    c5 = units["citation-5"].text
    assert "de la stratégie européenne en Asie centrale, et celle du 13 avril 2016" in c5
    assert c5.endswith("de la stratégie de l’UE pour l’Asie centrale,")
    for unit in document.units:
        if unit.kind != "footnote":
            assert not re.search(r"[^\W\d_]\d\b", unit.text.replace("1er", "")), unit.id  # no "part1"


def test_numbers_that_are_not_footnote_markers_are_kept(document: Document) -> None:
    units = _by_id(document)
    assert "aux articles 1er, 4, 5 et 235 de l’APCR;" in units["paragraph-1"].text
    assert "de 1 000 participants (parmi lesquels 55 journalistes)" in units["recital-D"].text
    assert "le 143e rang sur 167" in units["recital-Q"].text
    assert "l’article 135, paragraphe 5" in units["citation-8"].text


# --- line joining ------------------------------------------------------------------------------------


def test_lines_are_joined_into_one_clean_paragraph(document: Document) -> None:
    for unit in document.units:
        assert "\n" not in unit.text and "\r" not in unit.text, unit.id
        assert "  " not in unit.text, unit.id
        assert unit.text == unit.text.strip(), unit.id
    assert "Maks Bokayev purge une peine de prison" in _by_id(document)["recital-D"].text


def test_hyphenated_word_broken_across_lines_stays_whole(document: Document) -> None:
    text = _by_id(document)["recital-O"].text
    assert "la violence à l’égard des femmes est sous-déclarée et que le taux" in text
    assert "sous- " not in text and "sous -" not in text


# --- nothing lost, nothing extra -------------------------------------------------------------------


def _expected_tokens(corpus: str) -> Counter[str]:
    """The words of the body, computed from the raw corpus independently of the parser."""
    lines = corpus.split("\n")
    assert lines[0].strip() == TITLE
    assert lines[1].strip() == f"({PROCEDURE})"
    body = []
    footer = notes = opening = 0
    for line in lines[2:]:
        stripped = line.strip()
        if stripped == "Le Parlement européen,":
            opening += 1
        elif stripped in FOOTER_LINES:
            footer += 1
        elif m := re.fullmatch(r"([1-8]) ((?:Textes adoptés|JO C) .*)", stripped):
            notes += 1
            body.append(m.group(2))
        else:
            body.append(line)
    assert (opening, footer, notes) == (1, len(FOOTER_LINES), 8)
    text = "\n".join(body)
    for glued, clean in GLUED_MARKERS:
        assert text.count(glued) == 1, glued
        text = text.replace(glued, clean)
    return Counter(re.findall(r"\w+", text))


def _unit_tokens(units: Iterable[Unit]) -> Counter[str]:
    tokens: Counter[str] = Counter()
    for unit in units:
        if unit.kind in ("recital", "paragraph"):
            tokens.update(re.findall(r"\w+", unit.label))  # "A." and "1." are printed in the body
        tokens.update(re.findall(r"\w+", unit.text))
    return tokens


def _token_diff(document: Document, expected: Counter[str]) -> tuple[Counter[str], Counter[str]]:
    got = _unit_tokens(document.units)
    return expected - got, got - expected  # (lost, extra)


def test_every_word_of_the_body_lands_in_exactly_one_unit(corpus_text: str, document: Document) -> None:
    expected = _expected_tokens(corpus_text)
    assert sum(expected.values()) > 2500
    lost, extra = _token_diff(document, expected)
    assert not lost and not extra, f"lost: {dict(lost)}, extra: {dict(extra)}"


@pytest.mark.parametrize(
    ("unit_id", "mutate", "lost", "extra"),
    [
        ("recital-D", lambda t: t.replace("Maks Bokayev", "Maks", 1), {"Bokayev": 1}, {}),
        ("paragraph-16", lambda t: t + " FR", {}, {"FR": 1}),  # footer left behind
        ("citation-3", lambda t: t.replace("2013,", "20134,", 1), {"2013": 1}, {"20134": 1}),  # marker kept
        ("recital-O", lambda t: t.replace("sous-déclarée", "sousdéclarée"), {"sous": 1, "déclarée": 1},
         {"sousdéclarée": 1}),
        ("footnote-2", lambda t: t, {}, {}),  # control: an untouched copy compares equal
    ],
)
def test_word_comparison_detects_a_lost_or_extra_word(
    corpus_text: str, document: Document, unit_id: str, mutate: Callable[[str], str],
    lost: dict[str, int], extra: dict[str, int],
) -> None:
    mutated = Document(
        title=document.title,
        procedure=document.procedure,
        units=tuple(
            dataclasses.replace(u, text=mutate(u.text)) if u.id == unit_id else u for u in document.units
        ),
    )
    got_lost, got_extra = _token_diff(mutated, _expected_tokens(corpus_text))
    assert (dict(got_lost), dict(got_extra)) == (lost, extra)


def test_word_comparison_detects_a_duplicated_unit(corpus_text: str, document: Document) -> None:
    doubled = Document(document.title, document.procedure, (*document.units, document.units[0]))
    _, extra = _token_diff(doubled, _expected_tokens(corpus_text))
    assert extra["vu"] == 1 and extra["Kazakhstan"] >= 1


# --- robustness ----------------------------------------------------------------------------------------


def test_crlf_and_bom_copy_parses_identically(corpus_text: str, document: Document) -> None:
    assert parse_resolution(corpus_text.replace("\n", "\r\n")) == document
    assert parse_resolution("\ufeff" + corpus_text.replace("\n", "\r\n")) == document
    assert parse_resolution(corpus_text.replace("\n", "\r")) == document


def test_nbsp_and_tabs_are_normalised_to_single_spaces(corpus_text: str, document: Document) -> None:
    variant = corpus_text.replace("Maks Bokayev", "Maks\u00a0\tBokayev").replace("de 1 000", "de 1\u202f000")
    units = _by_id(parse_resolution(variant))
    assert "Maks Bokayev purge" in units["recital-D"].text
    assert "de 1 000 participants" in units["recital-D"].text


ENGLISH = """European Parliament resolution on the human rights situation in Examplestan
(2020/2001(RSP))

The European Parliament,

– having regard to its previous resolutions on Examplestan1,

– having regard to Rule 144 of its Rules of Procedure,

A. whereas the government of Examplestan has detained
journalists and human rights defenders;

B. whereas the situation has deteriorated since 2019;

1 OJ C 1, 1.1.2019, p. 1.

1. Calls on the authorities to release all political
prisoners;

2. Instructs its President to forward this resolution to the Council, the Commission and the
government of Examplestan.
"""


def test_english_structured_resolution_parses() -> None:
    document = parse_resolution(ENGLISH)
    assert document.title == "European Parliament resolution on the human rights situation in Examplestan"
    assert document.procedure == "2020/2001(RSP)"
    assert [(u.id, u.text) for u in document.units] == [
        ("citation-1", "having regard to its previous resolutions on Examplestan,"),
        ("citation-2", "having regard to Rule 144 of its Rules of Procedure,"),
        ("recital-A", "whereas the government of Examplestan has detained journalists and human rights "
         "defenders;"),
        ("recital-B", "whereas the situation has deteriorated since 2019;"),
        ("paragraph-1", "Calls on the authorities to release all political prisoners;"),
        ("paragraph-2", "Instructs its President to forward this resolution to the Council, the Commission "
         "and the government of Examplestan."),
        ("footnote-1", "OJ C 1, 1.1.2019, p. 1."),
    ]
    assert document.by_id()["citation-1"].footnotes == (1,)


def _cut(text: str, start: str, end: str) -> str:
    i, j = text.index(start), text.index(end)
    return text[:i] + text[j:]


MALFORMED: list[tuple[str, Callable[[str], str], list[str]]] = [
    ("empty", lambda t: "", ["empty"]),
    ("blank", lambda t: " \n\r\n\t\n", ["empty"]),
    ("no opening", lambda t: t.replace("Le Parlement européen,\n", ""), ['"Le Parlement européen,"']),
    ("no title", lambda t: t[t.index("Le Parlement européen,") :], ["title"]),
    (
        "truncated in paragraph 10",
        lambda t: t[: t.index("de torture, y compris celles formulées")],
        ["stops at paragraph 10", "closing paragraph", "charge son Président", "truncated"],
    ),
    ("closing paragraph dropped", lambda t: t[: t.index("17. charge son Président")],
     ["stops at paragraph 16", "truncated"]),
    ("no recitals", lambda t: _cut(t, "A. considérant", "1. prie instamment"), ["no recitals"]),
    (
        "recitals removed, footnotes kept",
        lambda t: t[: t.index("A. considérant")]
        + t[t.index("1 Textes adoptés") : t.index(" durable ainsi que la coopération")]
        + "\n"
        + t[t.index("1. prie instamment") :],
        ["no recitals", "considérant que"],
    ),
    ("no citations", lambda t: _cut(t, "– vu sa résolution du 12", "A. considérant"), ["no citations"]),
    ("footnote 3 marker absent", lambda t: t.replace("d’autre part3,", "d’autre part,"),
     ["footnote 3", "no marker"]),
    (
        "footnote 9 defined but never referred to",
        lambda t: t.replace("p. 119.\n", "p. 119.\n9 JO C 1 du 1.1.2019, p. 1.\n"),
        ["footnote 9", "no marker"],
    ),
    (
        "text before the first citation",
        lambda t: t.replace("Le Parlement européen,\n", "Le Parlement européen,\n\nun texte égaré\n"),
        ["before the first citation", "un texte égaré"],
    ),
]


@pytest.mark.parametrize(("mutate", "fragments"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_malformed_input_raises_parse_error_naming_what_is_missing(
    corpus_text: str, mutate: Callable[[str], str], fragments: list[str]
) -> None:
    with pytest.raises(ParseError) as info:
        parse_resolution(mutate(corpus_text))
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message


def test_parse_error_is_a_value_error() -> None:
    assert issubclass(ParseError, ValueError)


# --- digits and notes that once fooled the parser ----------------------------------------------------


def test_word_ending_in_a_digit_is_not_taken_for_a_footnote_marker(corpus_text: str) -> None:
    variant = corpus_text.replace("au Kazakhstan2\n", "et les émissions de CO2 au Kazakhstan2\n")
    text = _by_id(parse_resolution(variant))["citation-1"].text
    assert text.endswith("d’expression et les émissions de CO2 au Kazakhstan")


def test_footnote_without_final_full_stop_does_not_swallow_the_body(corpus_text: str) -> None:
    variant = corpus_text.replace("8 JO C 58 du 15.2.2018, p. 119.", "8 https://www.osce.org/odihr/elections/kaz")
    units = _by_id(parse_resolution(variant))
    assert units["footnote-8"].text == "https://www.osce.org/odihr/elections/kaz"
    assert units["recital-A"].text.endswith("à l’élaboration des politiques publiques;")
