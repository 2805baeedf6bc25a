"""The units a resolution is made of, and the document that holds them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

UnitKind = Literal["citation", "recital", "paragraph", "footnote"]
KINDS: tuple[UnitKind, ...] = ("citation", "recital", "paragraph", "footnote")


@dataclass(frozen=True)
class Unit:
    """One citable unit: a citation ("– vu …"), a recital (A, B, …), a paragraph (1, 2, …) or a footnote."""

    id: str  # "citation-3", "recital-F", "paragraph-6", "footnote-2"
    kind: UnitKind
    label: str  # the unit's own marker: "3", "F", "6", "2"
    text: str  # clean text: no footnote markers, no page furniture, lines joined
    order: int  # position in the document, 0-based, footnotes last
    footnotes: tuple[int, ...] = ()  # numbers of the footnotes this unit refers to
    marks: tuple[int, ...] = ()  # where in `text` each of those footnotes' markers stood

    def cited_by(self, footnote: int) -> str:
        """The words a footnote's marker closes, from the previous marker (or the start): in "its
        resolutions of 18 April 2013⁴, of 15 March 2012⁵", note 5 is ", of 15 March 2012"."""
        if footnote not in self.footnotes or len(self.marks) != len(self.footnotes):
            return ""
        i = self.footnotes.index(footnote)
        return self.text[self.marks[i - 1] if i else 0 : self.marks[i]].strip(" ,;")

    def as_json(self) -> dict[str, str]:
        return {"id": self.id, "kind": self.kind, "label": self.label, "text": self.text}


@dataclass(frozen=True)
class Document:
    """A parsed resolution: its title, procedure number and units in document order."""

    title: str
    procedure: str
    units: tuple[Unit, ...] = field(default_factory=tuple)

    def by_id(self) -> dict[str, Unit]:
        return {u.id: u for u in self.units}

    def of_kind(self, kind: UnitKind) -> list[Unit]:
        return [u for u in self.units if u.kind == kind]
