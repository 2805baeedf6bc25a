"""Secrets never reach the logs: every log record (its message and its traceback) has them replaced.

PTB logs the Bot API URL, which carries the token, at DEBUG ("Set Bot API URL: …/bot123:AAH…"), and
any library may put a URL into an exception; filtering at the source, in the record factory, covers
every logger and every handler at once.
"""

from __future__ import annotations

import logging
from typing import Any

MASK = "<redacted>"
_secrets: set[str] = set()


def _redact(text: str) -> str:
    for secret in _secrets:
        text = text.replace(secret, MASK)
    return text


def _install() -> None:
    make_record = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: leave it to logging to report
            return record
        clean = _redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            if _redact(text) != text:
                record.exc_text = _redact(text)
        return record

    logging.setLogRecordFactory(factory)


def hide_in_logs(secret: str) -> None:
    """From now on, `secret` (e.g. the bot token) appears in no log record of this process."""
    if len(secret) < 8:  # too short to be a secret, and masking it would garble ordinary words
        return
    if not _secrets:
        _install()
    _secrets.add(secret)
