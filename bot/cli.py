"""resobot's command line: one group, one command per job, all over the shared pipeline.

Every command imports what it needs when it runs: `resobot --help` and `resobot units` never load
Chroma, LangChain, the embedding model or python-telegram-bot (tests/test_cli_imports.py), and an offline
`ask` loads no chat-model or Telegram code.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot import collector

if TYPE_CHECKING:
    from bot.pipeline import Pipeline
    from bot.settings import Settings


def _settings() -> Settings:
    from bot.settings import Settings

    return Settings()


@cache
def _pipeline(llm: bool = False) -> Pipeline:
    """The shared pipeline; with `llm`, answers come from the configured chat model (LLM_MODEL). A first
    use builds the index, shown on stderr: a progress bar on a terminal, else one line."""
    from bot.startup import StoreError, open_pipeline

    settings = _settings()
    model = None
    if llm:
        from bot.answers.llm import LLMError, make_chat_model

        try:
            model = make_chat_model(settings)
        except LLMError as exc:
            raise click.ClickException(str(exc)) from exc
        if model is None:
            raise click.UsageError("--llm needs LLM_MODEL (e.g. openai:qwen2.5) and maybe LLM_BASE_URL")
    try:
        pipeline = open_pipeline(settings, llm=model, show_progress=True)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    collector.release()  # the start is over (bot/collector.py)
    return pipeline


_llm_option = click.option(
    "--llm", is_flag=True, envvar="RESOBOT_LLM", help="Generate answers with LLM_MODEL (verified citations)."
)


def _print_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


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
        _, report = build_index(_settings(), force=force, show_progress=True)
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

    settings = _settings()
    path = settings.resobot_corpus if language == "fr" else settings.english_corpus
    if path is None:
        from bot.text.messages import say

        raise click.ClickException(say("no_english", "en"))
    document = parse_resolution(read_corpus(path))
    if as_json:
        _print_json([u.as_json() for u in document.units])
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

    pipeline = _pipeline()
    try:
        retrieval = pipeline.search(question)
    except BadQuestion as exc:
        raise click.UsageError(exc.message) from exc
    hits = retrieval.hits[: k or pipeline.settings.retrieval_k]
    if as_json:
        _print_json([{"id": h.unit.id, "score": round(h.score, 6), "text": h.unit.text} for h in hits])
        return
    for h in hits:
        click.echo(f"{h.score:.4f}  {h.unit.id:14} {h.unit.text[:90]}")


@cli.command()
@click.argument("question")
@click.option("--history", multiple=True, help="An earlier user message of the conversation (oldest first).")
@click.option("--json", "as_json", is_flag=True,
              help="Print {answer, language, citations, refused, quotes: [{id, text, language}]}.")
@click.option("--original", is_flag=True, help="Under each English source, the authoritative French text.")
@_llm_option
def ask(question: str, history: Sequence[str], as_json: bool, original: bool, llm: bool) -> None:
    """Answer QUESTION from the resolution, with citations.

    Example usage: resobot ask "Que dit la résolution sur les syndicats ?"
    """
    from bot.pipeline import BadQuestion
    from bot.terminal import render_terminal

    pipeline = _pipeline(llm)
    try:
        answer = pipeline.ask(question, list(history))
    except BadQuestion as exc:
        raise click.UsageError(exc.message) from exc
    if as_json:
        _print_json(answer.as_json())
    else:
        click.echo(render_terminal(answer, pipeline.index, original=original))


@cli.command()
@_llm_option
def chat(llm: bool) -> None:
    """Talk with resobot in the terminal; follow-up questions use the conversation. Ctrl-D to quit.

    Example usage: resobot chat
    """
    from bot.pipeline import BadQuestion
    from bot.terminal import render_terminal

    pipeline = _pipeline(llm)
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


@cli.command()
@click.option("--webhook-url", metavar="URL", envvar="TELEGRAM_WEBHOOK_URL",
              help="Run behind a webhook at this public https:// URL instead of long polling "
              "[TELEGRAM_WEBHOOK_URL].")
def telegram(webhook_url: str | None) -> None:
    """Run the Telegram bot until Ctrl-C: long polling, or a webhook with --webhook-url.

    Needs TELEGRAM_BOT_TOKEN (from @BotFather); TELEGRAM_BASE_URL points it at another Bot API server,
    RESOBOT_STATE_PATH moves its chat history and feedback file (RESOBOT_STATE_URL=postgresql://… shares
    them between several bot processes). A webhook also needs
    TELEGRAM_WEBHOOK_SECRET, and listens on TELEGRAM_WEBHOOK_LISTEN:TELEGRAM_WEBHOOK_PORT (0.0.0.0:8443)
    behind a reverse proxy that ends TLS. The index is checked (built, or rebuilt if corrupt) first.

    Example usage: TELEGRAM_BOT_TOKEN=123456789:AAH… resobot telegram
    """
    import os

    from telegram.error import InvalidToken

    from bot.answers.llm import LLMError
    from bot.startup import StoreError
    from bot.state.base import StateError
    from bot.telegram.app import TokenError, build_application
    from bot.telegram.redact import hide_in_logs
    from bot.telegram.serve import run_polling, stuck_workers
    from bot.telegram.webhook import WebhookError, webhook_config

    settings = _settings()
    try:
        webhook = webhook_config(settings, webhook_url) if webhook_url else None
        application = build_application(settings)
    except (TokenError, WebhookError, StoreError, StateError, LLMError) as exc:
        raise click.ClickException(str(exc)) from exc
    collector.release()  # the bot runs for long: the collector back on (bot/collector.py)
    rejected = "the Bot API server rejected TELEGRAM_BOT_TOKEN (401 Unauthorized)"
    try:
        if webhook is None:
            if not run_polling(application, settings):
                click.echo(f"Error: {rejected} while running: stopped (revoked? check it with @BotFather)",
                           err=True)
                sys.exit(1)
        else:
            hide_in_logs(webhook.secret)
            application.run_webhook(**webhook.kwargs())
    except InvalidToken:  # its message holds the token: never print it
        raise click.ClickException(f"{rejected}: check it with @BotFather") from None
    finally:
        if stuck_workers():  # a thread held by a hung dependency: do not wait for it at exit
            logging.shutdown()
            os._exit(1)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--recent", type=click.IntRange(0, 1000), default=5, show_default=True,
              help="How many of the latest 👎 questions to list.")
def feedback(as_json: bool, recent: int) -> None:
    """Summarize the 👍 / 👎 votes given on Telegram: counts, share of 👍, votes per cited unit, and the
    latest down-voted questions (one vote per user and answer: the last one counts).

    Example usage: resobot feedback --json
    """
    from bot.state.base import StateError, sqlite_path
    from bot.state.factory import open_state
    from bot.state.feedback import format_summary, summarize

    url = _settings().state_url
    rows: list[dict[str, object]] = []
    path = sqlite_path(url)
    if path is None or path.exists():  # no SQLite file yet: no votes, and nothing to create
        try:
            state = open_state(url)
        except StateError as exc:
            raise click.ClickException(str(exc)) from exc
        try:
            rows = state.feedback()
        finally:
            state.close()
    summary = summarize(rows, recent=recent)
    if as_json:
        _print_json(summary)
    else:
        click.echo(format_summary(summary))


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON.")
def health(as_json: bool) -> None:
    """Check that the bot can answer: the index is in the Chroma store (CHROMA_HOST or the data dir),
    current and not empty, and the state store (RESOBOT_STATE_URL) answers. Exit code 0 if so, 1 if not;
    nothing is built or repaired (the Docker image's HEALTHCHECK runs this).

    Example usage: resobot health
    """
    from bot.health import check_all

    checks = check_all(_settings())
    if as_json:
        _print_json([{"name": c.name, "ok": c.ok, "detail": c.detail} for c in checks])
    else:
        for c in checks:
            click.echo(f"{c.name}: {'ok' if c.ok else 'FAILED'}  {c.detail}")
    if not all(c.ok for c in checks):
        sys.exit(1)


@cli.command(name="eval")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.option("--details", is_flag=True, help="Also list every question with its rank and citations.")
@_llm_option
def evaluate(path: Path, as_json: bool, details: bool, llm: bool) -> None:
    """Measure retrieval and answers over a JSONL file of questions with gold unit ids.

    Example usage: resobot eval tests/data/heldout-questions.jsonl
    """
    from bot.evaluate import evaluate_file, format_report

    try:
        report = evaluate_file(_pipeline(llm), path)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        _print_json(report)
    else:
        click.echo(format_report(report, details=details))


@cli.command(name="eval-claims")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True,
              help='Print {"overall": {"rejected", "accepted"}, "by_kind": …, "by_language": …}.')
@click.option("--details", is_flag=True, help="Also list every claim the checker misjudged.")
def eval_claims(path: Path, as_json: bool, details: bool) -> None:
    """Measure the claim checker offline over a JSONL file of {unit, claim, language, supported, kind}:
    the share of unsupported claims rejected and of supported claims accepted, per kind and language.

    Example usage: resobot eval-claims tests/data/claims-dev.jsonl
    """
    from bot.evaluate_claims import ClaimJudge, documents, evaluate_claims_file, format_claims_report

    try:
        report = evaluate_claims_file(path, ClaimJudge(documents(_settings())), details=details)
    except (ValueError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        _print_json(report)
    else:
        click.echo(format_claims_report(report))


def main() -> None:
    """The `resobot` console script: the command line with the garbage collector held while the command
    starts (bot/collector.py)."""
    collector.hold()
    cli()
