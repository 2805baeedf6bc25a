"""The prompts of LLM mode, read once from `prompts/*.txt`: a `[system]` and a `[user]` section each, with
`{name}` placeholders; every other brace is literal. A missing or unknown placeholder fails loudly."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from langchain_core.prompts import ChatPromptTemplate

# The placeholders each prompt must use, and may only use.
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "answer": frozenset({"units", "question", "language"}),
    "judge": frozenset({"units", "claims"}),
}
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_SECTION = re.compile(r"^\[(system|user)\]\s*$", re.M)


class PromptError(RuntimeError):
    """A prompt file is missing, malformed, or does not use exactly its placeholders."""


def prompts_dir() -> Traversable:
    """The package `bot.prompt_files` when a wheel carries the prompts there (pyproject maps it onto
    `prompts/`), else the repository's `prompts/` (an editable install or a checkout)."""
    try:
        packaged = resources.files("bot.prompt_files")
        if packaged.joinpath("answer.txt").is_file():
            return packaged
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parents[2] / "prompts"


def parse_prompt(name: str, text: str) -> tuple[str, str]:
    """The (system, user) texts of a prompt file, checked against PLACEHOLDERS[name]."""
    parts = _SECTION.split(text)
    sections = dict(zip(parts[1::2], (p.strip() for p in parts[2::2]), strict=True))
    if set(sections) != {"system", "user"} or parts[0].strip():
        raise PromptError(f"prompt {name!r} must have exactly a [system] and a [user] section")
    used = set(_PLACEHOLDER.findall(sections["system"] + sections["user"]))
    wanted = PLACEHOLDERS[name]
    if missing := wanted - used:
        raise PromptError(f"prompt {name!r} lacks the placeholder(s) {', '.join(sorted(missing))}")
    if unknown := used - wanted:
        raise PromptError(f"prompt {name!r} uses unknown placeholder(s) {', '.join(sorted(unknown))}")
    return sections["system"], sections["user"]


def _f_string(text: str, names: frozenset[str]) -> str:
    """Escape every brace for LangChain's f-string templates, then let the placeholders through."""
    escaped = text.replace("{", "{{").replace("}", "}}")
    return re.sub(r"\{\{([a-z_]+)\}\}", lambda m: f"{{{m[1]}}}" if m[1] in names else m[0], escaped)


@cache
def prompt_text(name: str) -> tuple[str, str]:
    """The checked (system, user) texts of prompts/NAME.txt, read once per process."""
    if name not in PLACEHOLDERS:
        raise PromptError(f"no such prompt {name!r}: expected one of {', '.join(PLACEHOLDERS)}")
    path = prompts_dir().joinpath(f"{name}.txt")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise PromptError(f"cannot read prompt {name!r} at {path}: {e}") from e
    return parse_prompt(name, text)


def load_prompt(name: str) -> ChatPromptTemplate:
    """prompts/NAME.txt as a ChatPromptTemplate (system + human message)."""
    system, user = prompt_text(name)
    names = PLACEHOLDERS[name]
    return ChatPromptTemplate.from_messages(
        [("system", _f_string(system, names)), ("human", _f_string(user, names))]
    )
