"""Parse the text of a European Parliament resolution (as extracted from its PDF) into citable units.

A resolution reads, in order: a title and a procedure number, "Le Parlement européen,", citations
("– vu …"), recitals ("A. considérant que …"), numbered paragraphs ("1. …"), with footnotes printed
at the foot of pages and page footers in mid-text. `parse_resolution` removes the page furniture,
lifts the footnotes out, turns footnote markers into links, joins broken lines and checks that
nothing is missing.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from index.models import Document, Unit

PARSER_VERSION = "2"  # bump when the units this parser produces change for the same text


class ParseError(ValueError):
    """The text is not a complete resolution; the message names what is missing."""


def read_corpus(path: Path) -> str:
    """The text of a corpus file; a missing file names the setting that points at it."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise FileNotFoundError(f"corpus file not found: {path} (set RESOBOT_CORPUS)") from exc


# Lines that belong to the page, not to the text: document references, page numbers, language tags.
_FURNITURE = [
    re.compile(r"^(RC|RR|AM|B\d|PR|A\d)\\\S+.*$"),  # "RC\1179596FR.docx 9/9 PE635.464v01-00 }"
    re.compile(r"^PE\s?\d{3}\.\d{3}v\d{2}-\d{2}\b.*$"),  # "PE635.465v01-00 }"
    re.compile(r"^\d+/\d+$"),  # "9/9"
    re.compile(r"^(BG|ES|CS|DA|DE|ET|EL|EN|FR|GA|HR|IT|LV|LT|HU|MT|NL|PL|PT|RO|SK|SL|FI|SV)$"),
    re.compile(r"^(Unie dans la diversité|United in diversity)$"),
]
_PREAMBLE_END = re.compile(r"^(Le Parlement européen|The European Parliament),\s*$")
_CITATION = re.compile(r"^[–—-]\s*(vu|having regard)\b", re.IGNORECASE)
_RECITAL = re.compile(r"^([A-Z]{1,2})\.\s+(considérant|whereas)\b")
_PARAGRAPH = re.compile(r"^(\d{1,3})\.\s+\S")
_FOOTNOTE = re.compile(r"^(\d{1,3})\s+(?!\.)(\S.*)$")
_PROCEDURE = re.compile(r"\((\d{4}/\d{4}\((?:RSP|INI|COD|NLE|INL|BUD|DEC|IMM|REG|RPS|APP)\))\)")
_CLOSING = re.compile(r"(charge son Président|instructs its President)", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0\u202f]+")


@dataclass
class _Block:
    kind: str
    label: str
    lines: list[str]


def is_closing(text: str) -> bool:
    """The last paragraph of a resolution only forwards it to its addressees ("charge son Président …")."""
    return bool(_CLOSING.search(text))


def _recital_letter(n: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA" (resolutions go on with doubled letters)."""
    letters = string.ascii_uppercase
    return letters[n] if n < 26 else letters[n // 26 - 1] + letters[n % 26]


def _clean_lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    return [_SPACES.sub(" ", line).strip() for line in text.split("\n")]


def _is_furniture(line: str) -> bool:
    return any(p.match(line) for p in _FURNITURE)


def _split_footnotes(lines: list[str]) -> tuple[list[str], dict[int, str]]:
    """Lift footnote definitions out of the body: a run of lines "N text" numbered from the next
    expected footnote, starting after a blank line, with their continuation lines."""
    body: list[str] = []
    notes: dict[int, str] = {}
    expected = 1
    i = 0
    while i < len(lines):
        m = _FOOTNOTE.match(lines[i])
        starts_block = i == 0 or lines[i - 1] == "" or (body and body[-1] == "")
        if m and int(m.group(1)) == expected and starts_block and not _PARAGRAPH.match(lines[i]):
            # The notes cut a sentence when the body before them stops without punctuation: then the
            # first unnumbered line after them is the body going on, not the end of a long note.
            last_body = next((line for line in reversed(body) if line), "")
            body_cut = bool(last_body) and not last_body.endswith((";", ",", ".", ":"))
            while i < len(lines) and lines[i]:
                m = _FOOTNOTE.match(lines[i])
                if m and int(m.group(1)) == expected:
                    notes[expected] = m.group(2)
                    expected += 1
                elif notes and not body_cut and not notes[expected - 1].endswith((".", ")")):
                    notes[expected - 1] += " " + lines[i]  # a note that runs over two lines
                else:
                    break  # the body text goes on right after the notes
                i += 1
            continue
        body.append(lines[i])
        i += 1
    return body, notes


def _join(lines: Iterable[str]) -> str:
    """Join a unit's lines into one paragraph; a line-final hyphen keeps its word whole ("sous-déclarée")."""
    out = ""
    for line in lines:
        if not line:
            continue
        if not out:
            out = line
        elif out.endswith("-") and not out.endswith(" -"):
            out += line
        else:
            out += " " + line
    return out.strip()


def _blocks(body: list[str]) -> tuple[list[str], list[_Block]]:
    """Cut the body into the preamble and a block per citation, recital and paragraph."""
    start = next((i for i, line in enumerate(body) if _PREAMBLE_END.match(line)), None)
    if start is None:
        raise ParseError('missing "Le Parlement européen," that opens the resolution after its title')
    preamble = [line for line in body[:start] if line]
    blocks: list[_Block] = []
    citations = recitals = paragraphs = 0
    for line in body[start + 1 :]:
        after_blank = not blocks or not blocks[-1].lines or blocks[-1].lines[-1] == ""
        if _CITATION.match(line) and after_blank and recitals == 0 and paragraphs == 0:
            citations += 1
            blocks.append(_Block("citation", str(citations), [line[1:].strip()]))
        elif (m := _RECITAL.match(line)) and m.group(1) == _recital_letter(recitals) and paragraphs == 0:
            recitals += 1
            blocks.append(_Block("recital", m.group(1), [line[len(m.group(1)) + 1 :].strip()]))
        elif (m := _PARAGRAPH.match(line)) and int(m.group(1)) == paragraphs + 1 and recitals > 0:
            paragraphs += 1
            blocks.append(_Block("paragraph", m.group(1), [line[len(m.group(1)) + 1 :].strip()]))
        elif blocks:
            blocks[-1].lines.append(line)
        elif line:
            raise ParseError(f"text before the first citation that is not a citation: {line[:60]!r}")
    return preamble, blocks


def _is_formula(text: str, digit_at: int) -> bool:
    word = re.search(r"[^\W\d_]+$", text[:digit_at])
    return bool(word) and word.group(0).isupper() and len(word.group(0)) <= 3


def _link_footnotes(
    texts: list[str], count: int
) -> tuple[list[str], list[tuple[int, ...]], list[tuple[int, ...]]]:
    """Find the markers 1..count in order, glued to a word ("part1") or to a year ("20134" is 2013
    with note 4), remove them from the text and record which unit refers to which note, and where in the
    cleaned text each marker stood."""
    refs: list[list[int]] = [[] for _ in texts]
    marks: list[list[int]] = [[] for _ in texts]
    texts = list(texts)
    unit, pos = 0, 0
    for n in range(1, count + 1):
        marker = re.compile(rf"(?<=[^\W\d_])({n})(?=[\s,;.:)]|$)|(?<=\b(?:19|20)\d\d)({n})(?=[\s,;.:)]|$)")
        while unit < len(texts):
            m = marker.search(texts[unit], pos)
            while m and _is_formula(texts[unit], m.start()):  # "CO2", "NO2": not a note marker
                m = marker.search(texts[unit], m.end())
            if m:
                texts[unit] = texts[unit][: m.start()] + texts[unit][m.end() :]
                refs[unit].append(n)
                marks[unit].append(m.start())
                pos = m.start()
                break
            unit, pos = unit + 1, 0
        else:
            raise ParseError(f"footnote {n} is printed but no marker in the text refers to it")
    return texts, [tuple(r) for r in refs], [tuple(m) for m in marks]


def parse_resolution(text: str) -> Document:
    """Parse a resolution's text into a Document of citations, recitals, paragraphs and footnotes."""
    if not text or not text.strip():
        raise ParseError("the text is empty")
    lines = [line for line in _clean_lines(text) if not _is_furniture(line)]
    body, notes = _split_footnotes(lines)
    preamble, blocks = _blocks(body)

    missing = [
        name
        for kind, name in (
            ("citation", 'citations ("– vu …")'),
            ("recital", 'recitals ("A. considérant que …")'),
            ("paragraph", 'numbered paragraphs ("1. …")'),
        )
        if not any(b.kind == kind for b in blocks)
    ]
    if missing:
        raise ParseError("no " + ", no ".join(missing) + " found")
    last = blocks[-1]
    if not _CLOSING.search(_join(last.lines)):
        raise ParseError(
            f"the text stops at paragraph {last.label if last.kind == 'paragraph' else '?'}: the closing "
            'paragraph ("charge son Président de transmettre …") is missing, the text looks truncated'
        )

    joined = [_join(b.lines) for b in blocks]
    texts, refs, marks = _link_footnotes(joined, len(notes))
    units = [
        Unit(id=f"{b.kind}-{b.label}", kind=b.kind, label=b.label, text=t, order=i, footnotes=r, marks=k)  # type: ignore[arg-type]
        for i, (b, t, r, k) in enumerate(zip(blocks, texts, refs, marks, strict=True))
    ]
    units += [
        Unit(id=f"footnote-{n}", kind="footnote", label=str(n), text=note.strip(), order=len(units) + n - 1)
        for n, note in sorted(notes.items())
    ]
    title = " ".join(line for line in preamble if not _PROCEDURE.fullmatch(line))
    procedure = m.group(1) if (m := _PROCEDURE.search(" ".join(preamble))) else ""
    if not title:
        raise ParseError("the title before the procedure number is missing")
    return Document(title=title, procedure=procedure, units=tuple(units))
