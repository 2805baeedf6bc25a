"""What an answer is, for every front end: its text in the asker's language, the units it cites, the
quotes it shows, and whether it is a refusal."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot.text.language import Lang


@dataclass(frozen=True)
class Quote:
    unit_id: str
    text: str
    language: Lang = "fr"  # the text quoted: the French original, or the English rendering


@dataclass(frozen=True)
class Answer:
    text: str
    language: Lang
    citations: list[str]  # unit ids, in order of appearance in the text
    refused: bool
    quotes: list[Quote] = field(default_factory=list)
    note: str = ""  # e.g. "the question was cut"
    suggestions: list[str] = field(default_factory=list)  # a refusal's nearby units, to ask about instead

    def with_note(self, note: str) -> Answer:
        """The same answer, opened by a one-line note ("the question was cut", "the model could not be
        reached"); `note` keeps the last one added, the text shows them all."""
        return replace(self, text=f"{note}\n\n{self.text}", note=note)

    def as_json(self) -> dict[str, object]:
        return {
            "answer": self.text,
            "language": self.language,
            "citations": self.citations,
            "refused": self.refused,
            "quotes": [{"id": q.unit_id, "text": q.text, "language": q.language} for q in self.quotes],
        }
