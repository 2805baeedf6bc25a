"""resobot's command line: one group, one command per job, all over the shared pipeline.

Every command imports what it needs when it runs: `resobot --help` and `resobot units` never load
Chroma, LangChain, the embedding model or python-telegram-bot (tests/test_cli_imports.py), and an offline
`ask` loads no chat-model or Telegram code.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from bot import collector
from bot.cli_ops import COMMANDS
from bot.cli_shared import get_pipeline, get_settings, llm_option, print_json

if TYPE_CHECKING:
    pass


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log what happens (to stderr).")
@click.version_option(package_name="resobot")
def cli(verbose: bool) -> None:
    """resobot answers questions about the European Parliament resolution 2019/2610(RSP) on human rights
    in Kazakhstan, in French or English, and cites the paragraphs that support every answer.

    Settings come from environment variables or `.env` (docs/settings.md): RESOBOT_DATA_DIR, CHROMA_HOST, …
    """
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )


@cli.command()
@click.option("--force", is_flag=True, help="Re-embed even if the corpus has not changed.")
def index(force: bool) -> None:
    """Parse the corpus and build the Chroma store (only if the corpus or model changed).

    Example usage: resobot index
    """
    from index.align import AlignmentError
    from index.parse import ParseError
    from index.store import build_index

    try:
        _, report = build_index(get_settings(), force=force, show_progress=True)
    except (FileNotFoundError, ParseError, AlignmentError) as exc:
        raise click.ClickException(str(exc)) from exc
    state = "built" if report.rebuilt else "up to date"
    languages = " and ".join({"fr": "French", "en": "English"}[lang] for lang in report.languages)
    click.echo(
        f"index {state}: {report.units} units, {report.sentences} sentences ({languages}), "
        f"{report.seconds:.1f} s"
    )


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of {id, kind, label, text}.")
@click.option("--language", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
              help="fr: the French text (authoritative); en: its English rendering, same ids and order.")
def units(as_json: bool, language: str) -> None:
    """List the units of the resolution (citations, recitals, paragraphs, footnotes) in document order.

    Example usage: resobot units --json --language en
    """
    from index.parse import parse_resolution, read_corpus

    settings = get_settings()
    path = settings.resobot_corpus if language == "fr" else settings.english_corpus
    if path is None:
        from bot.text.messages import say

        raise click.ClickException(say("no_english", "en"))
    document = parse_resolution(read_corpus(path))
    if as_json:
        print_json([u.as_json() for u in document.units])
        return
    for u in document.units:
        click.echo(f"{u.id:14} {u.text[:100]}")


@cli.command()
@click.argument("question")
@click.option("-k", "k", type=click.IntRange(1, 100), default=None, help="How many units [RETRIEVAL_K: 4].")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of {id, score, text}, best first.")
def search(question: str, k: int, as_json: bool) -> None:
    """Show the units that best match QUESTION, best first.

    Example usage: resobot search --json -k 3 "Who is Maks Bokayev?"
    """
    from bot.pipeline import BadQuestion

    pipeline = get_pipeline()
    try:
        retrieval = pipeline.search(question)
    except BadQuestion as exc:
        raise click.UsageError(exc.message) from exc
    hits = retrieval.hits[: k or pipeline.settings.retrieval_k]
    if as_json:
        print_json([{"id": h.unit.id, "score": round(h.score, 6), "text": h.unit.text} for h in hits])
        return
    for h in hits:
        click.echo(f"{h.score:.4f}  {h.unit.id:14} {h.unit.text[:90]}")


@cli.command()
@click.argument("question")
@click.option("--history", multiple=True, help="An earlier user message of the conversation (oldest first).")
@click.option("--json", "as_json", is_flag=True,
              help="Print {answer, language, citations, refused, quotes: [{id, text, language}]}.")
@click.option("--original", is_flag=True, help="Under each English source, the authoritative French text.")
@llm_option
def ask(question: str, history: Sequence[str], as_json: bool, original: bool, llm: bool) -> None:
    """Answer QUESTION from the resolution, with citations.

    Example usage: resobot ask "Que dit la résolution sur les syndicats ?"
    """
    from bot.pipeline import BadQuestion
    from bot.terminal import render_terminal

    pipeline = get_pipeline(llm)
    # announced, so that the texts the question embeds (the question, the text its answer is judged with)
    # are embedded in one call, not one each (index/query_batch.py); withdrawn once answered, so that an
    # answer from memory leaves nothing to embed ahead in a later call
    ticket = pipeline.expect(question, history)
    try:
        answer = pipeline.ask(question, list(history))
    except BadQuestion as exc:
        raise click.UsageError(exc.message) from exc
    finally:
        ticket.withdraw()
    if as_json:
        print_json(answer.as_json())
    else:
        click.echo(render_terminal(answer, pipeline.index, original=original))


@cli.command()
@llm_option
def chat(llm: bool) -> None:
    """Talk with resobot in the terminal; follow-up questions use the conversation. Ctrl-D to quit.

    Example usage: resobot chat
    """
    from bot.pipeline import BadQuestion
    from bot.terminal import render_terminal

    pipeline = get_pipeline(llm)
    history: list[str] = []
    click.echo("resobot — posez vos questions / ask your questions (Ctrl-D pour quitter / to quit)")
    while True:
        try:
            question = click.prompt(">", prompt_suffix=" ", default="", show_default=False)
        except (EOFError, click.Abort):
            click.echo()
            return
        try:
            answer = pipeline.ask(question, history)
        except BadQuestion as exc:
            click.echo(exc.message)
            continue
        click.echo(render_terminal(answer, pipeline.index))
        history = [*history, question][-4:]


for command in COMMANDS:
    cli.add_command(command)


def main() -> None:
    """The `resobot` console script: the command line with the garbage collector held while the command
    starts (bot/collector.py)."""
    collector.hold()
    cli()
