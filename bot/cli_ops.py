"""The operator's and the evaluator's commands: run the Telegram bot, read its feedback, check its health,
measure answers and the claim checker. Each imports what it needs when it runs."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from bot import collector
from bot.cli_shared import chat_model, get_pipeline, get_settings, llm_option, print_json


@click.command()
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

    settings = get_settings()
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


@click.command()
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

    url = get_settings().state_url
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
        print_json(summary)
    else:
        click.echo(format_summary(summary))


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON.")
def health(as_json: bool) -> None:
    """Check that the bot can answer: the index is in the Chroma store (CHROMA_HOST or the data dir),
    current and not empty, and the state store (RESOBOT_STATE_URL) answers. Exit code 0 if so, 1 if not;
    nothing is built or repaired (the Docker image's HEALTHCHECK runs this).

    Example usage: resobot health
    """
    from bot.health import check_all

    checks = check_all(get_settings())
    if as_json:
        print_json([{"name": c.name, "ok": c.ok, "detail": c.detail} for c in checks])
    else:
        for c in checks:
            click.echo(f"{c.name}: {'ok' if c.ok else 'FAILED'}  {c.detail}")
    if not all(c.ok for c in checks):
        sys.exit(1)


@click.command(name="eval")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.option("--details", is_flag=True, help="Also list every question with its rank and citations.")
@llm_option
def evaluate(path: Path, as_json: bool, details: bool, llm: bool) -> None:
    """Measure retrieval and answers over a JSONL file of questions with gold unit ids.

    Example usage: resobot eval tests/data/heldout-questions.jsonl
    """
    from bot.evaluate import evaluate_file, format_report

    try:
        report = evaluate_file(get_pipeline(llm), path)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        print_json(report)
    else:
        click.echo(format_report(report, details=details))


@click.command(name="eval-claims")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True,
              help='Print {"overall": {"rejected", "accepted"}, "by_kind": …, "by_language": …}.')
@click.option("--details", is_flag=True, help="Also list every claim the checker misjudged.")
@click.option("--llm", is_flag=True, help="Also measure the second pass: LLM_MODEL judges each claim the "
              "checker kept (LLM_JUDGE=strict drops 'partly' too; otherwise only 'no').")
def eval_claims(path: Path, as_json: bool, details: bool, llm: bool) -> None:
    """Measure the claim checker offline over a JSONL file of {unit, claim, language, supported, kind}:
    the share of unsupported claims rejected and of supported claims accepted, per kind and language.
    With --llm, the same figures after the model's judgement too, and its cost.

    Example usage: resobot eval-claims tests/data/claims-dev.jsonl
    """
    from bot.evaluate_claims import ClaimJudge, documents, evaluate_claims_file, format_claims_report

    settings = get_settings()
    model = None
    if llm:
        from bot.answers.judge import ModelJudge

        model = ModelJudge(chat_model(settings))
    try:
        report = evaluate_claims_file(path, ClaimJudge(documents(settings)), details=details, model=model,
                                      strict=settings.llm_judge == "strict")
    except (ValueError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        print_json(report)
    else:
        click.echo(format_claims_report(report))


COMMANDS = (telegram, feedback, health, evaluate, eval_claims)
