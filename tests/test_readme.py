"""The README cannot drift: its command blocks are run as a newcomer would run them, its links lead
somewhere, and it stays a front page (at most 8 KB).

The blocks' convention (docs/evaluation.md): a ```bash block is run with bash (errexit, pipefail) and must
succeed; in a ```console block, every line that starts with `$ ` is a command, run, whose output must be
the lines shown under it. A block that needs what a test cannot have says so in its info string —
`needs-token` (a Telegram bot token) or `needs-server` (a package index, a model server, Docker) — and
exactly those are skipped. Commands run in a temporary directory that looks like a clone (the project's
files, `.venv` = this test's environment, no `.env`), with a built index in RESOBOT_DATA_DIR.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SKIPPED = {"needs-token": "needs a Telegram bot token", "needs-server": "needs a server"}
RUN = ("bash", "console")
MAX_BYTES = 8 * 1024
_FENCE = re.compile(r"^```(\w*)([^\n]*)\n(.*?)^```$", re.M | re.S)
_LINK = re.compile(r"\]\(([^)\s]+)\)")


@dataclass(frozen=True)
class Block:
    line: int  # where it starts in the file
    language: str
    marks: frozenset[str]
    body: str

    @property
    def skip_reason(self) -> str | None:
        reasons = [SKIPPED[m] for m in sorted(self.marks) if m in SKIPPED]
        return "; ".join(reasons) or None


def command_blocks(text: str) -> list[Block]:
    """The fenced blocks in `text` whose language is a shell's (bash, console)."""
    found = []
    for match in _FENCE.finditer(text):
        language, marks = match[1], frozenset(match[2].split())
        if language in RUN:
            found.append(Block(text.count("\n", 0, match.start()) + 1, language, marks, match[3]))
    return found


def console_steps(body: str) -> list[tuple[str, list[str]]]:
    """A console block's (command, expected output lines) pairs."""
    steps: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps:
            steps[-1][1].append(line.rstrip())
    return steps


def links(path: Path) -> list[tuple[Path, str]]:
    """The project's files that a Markdown page links to (relative links), with the #anchor, if any."""
    found = []
    for link in _LINK.findall(path.read_text(encoding="utf-8")):
        if "://" not in link and not link.startswith(("#", "mailto:")):
            target, _, anchor = link.partition("#")
            found.append(((path.parent / target).resolve(), anchor))
    return found


def linked_pages(path: Path = README) -> list[Path]:
    return [target for target, _ in links(path)]


def anchors(page: Path) -> set[str]:
    """The #anchors of a Markdown page's headings, as GitHub makes them ("## Behind a webhook" →
    "behind-a-webhook")."""
    headings = re.findall(r"^#+ (.+)$", page.read_text(encoding="utf-8"), re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


BLOCKS = command_blocks(README.read_text(encoding="utf-8"))


def _params() -> list:
    params = []
    for block in BLOCKS:
        first = block.body.strip().splitlines()[0][:50]
        marks = [pytest.mark.skip(reason=block.skip_reason)] if block.skip_reason else []
        params.append(pytest.param(block, id=f"line{block.line}:{first}", marks=marks))
    return params


@pytest.fixture
def clone(tmp_path: Path, settings: Settings) -> tuple[Path, dict[str, str]]:
    """A working directory like a fresh clone with its virtualenv, and the environment to run in."""
    work = tmp_path / "clone"
    work.mkdir()
    for entry in ROOT.iterdir():
        if entry.name not in (".env", ".venv", ".git"):
            (work / entry.name).symlink_to(entry)
    (work / ".venv").symlink_to(Path(sys.prefix))
    assert (work / ".venv" / "bin" / "resobot").exists(), "the project is not installed in this environment"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("RESOBOT_", "CHROMA_", "LLM_", "TELEGRAM_"))}
    env |= {"PATH": f"{Path(sys.prefix) / 'bin'}{os.pathsep}{env.get('PATH', '')}",
            "RESOBOT_DATA_DIR": str(settings.resobot_data_dir), "HOME": str(tmp_path / "home"),
            "ANONYMIZED_TELEMETRY": "False"}
    return work, env


def _run(command: str, work: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", command], cwd=work, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("block", _params())
def test_readme_command_block_runs_as_shown(block: Block, clone: tuple[Path, dict[str, str]]) -> None:
    work, env = clone
    if block.language == "bash":
        done = _run(block.body, work, env)
        assert done.returncode == 0, f"README.md line {block.line}:\n{done.stdout}\n{done.stderr}"
        return
    steps = console_steps(block.body)
    assert steps, f"README.md line {block.line}: a console block without a `$ ` command"
    for command, expected in steps:
        done = _run(command, work, env)
        assert done.returncode == 0, f"README.md line {block.line}: {command}\n{done.stderr}"
        shown = [line.rstrip() for line in done.stdout.rstrip("\n").splitlines()]
        assert shown == expected, f"README.md line {block.line}: the output of `{command}` changed"


def test_the_readme_has_command_blocks_to_run_and_skips_only_marked_ones() -> None:
    run = [b for b in BLOCKS if b.skip_reason is None]
    assert len(run) >= 3 and any(b.language == "console" for b in run)
    assert {m for b in BLOCKS for m in b.marks} <= set(SKIPPED)  # no unknown mark silently ignored


def test_a_marked_block_is_skipped_and_an_unmarked_one_is_run() -> None:
    """The convention itself, on a made-up page."""
    page = "```bash needs-token\nresobot telegram\n```\n\n```bash\nresobot --help\n```\n\n```yaml\na: 1\n```"
    marked, plain = command_blocks(page)
    assert marked.skip_reason == "needs a Telegram bot token" and plain.skip_reason is None
    assert (marked.line, plain.line) == (1, 5)
    assert console_steps("$ a\nout 1\nout 2  \n$ b\n") == [("a", ["out 1", "out 2"]), ("b", [])]


def test_the_readme_is_a_front_page_linking_to_every_docs_page() -> None:
    assert len(README.read_bytes()) <= MAX_BYTES
    docs = sorted((ROOT / "docs").glob("*.md"))
    assert docs and set(docs) <= set(linked_pages())


@pytest.mark.parametrize("page", [README, *sorted((ROOT / "docs").glob("*.md"))], ids=lambda p: p.name)
def test_every_link_of_the_documentation_leads_somewhere(page: Path) -> None:
    for target, anchor in links(page):
        assert target.exists(), f"{page.name} links to {target}, which does not exist"
        if anchor and target.suffix == ".md":
            assert anchor in anchors(target), f"{page.name}: #{anchor} is not a heading of {target.name}"
