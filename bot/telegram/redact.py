"""Secrets never reach the logs: every log record (its message and its traceback) has them replaced,
and so do uncaught exceptions (sys.excepthook, threading.excepthook), which bypass logging.

PTB logs the Bot API URL, which carries the token, at DEBUG ("Set Bot API URL: …/bot123:AAH…"), and
any library may put a URL into an exception; filtering at the source, in the record factory, covers
every logger and every handler at once.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from types import TracebackType
from typing import Any

MASK = "<redacted>"
_secrets: set[str] = set()


def redact(text: str) -> str:
    """`text` with every hidden secret replaced by <redacted>."""
    return _redact(text)


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

    def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        sys.stderr.write(_redact("".join(traceback.format_exception(kind, exc, tb))))

    def thread_excepthook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread else "?"
        text = "".join(traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback))
        sys.stderr.write(_redact(f"Exception in thread {name}:\n{text}"))

    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook


def hide_in_logs(secret: str) -> None:
    """From now on, `secret` (e.g. the bot token) appears in no log record of this process, nor in the
    traceback of an uncaught exception."""
    if len(secret) < 8:  # too short to be a secret, and masking it would garble ordinary words
        return
    if not _secrets:
        _install()
    _secrets.add(secret)
