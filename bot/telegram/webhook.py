"""Webhook mode: Telegram POSTs each update to a public HTTPS URL (usually a reverse proxy that ends TLS and
forwards to TELEGRAM_WEBHOOK_LISTEN:TELEGRAM_WEBHOOK_PORT); every request must carry the secret token.

Example usage: TELEGRAM_WEBHOOK_SECRET=… resobot telegram --webhook-url https://bot.example.org/resobot
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bot.settings import Settings

SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram accepts as secret_token


class WebhookError(ValueError):
    """The webhook settings are missing or invalid; the message says which and how to fix it."""


@dataclass(frozen=True)
class Webhook:
    url: str  # what Telegram is told to call
    url_path: str  # the path our server answers on: the URL's path, so a proxy can forward it unchanged
    listen: str
    port: int
    secret: str

    def kwargs(self) -> dict[str, Any]:
        """Arguments for Application.run_webhook and Updater.start_webhook."""
        return {"listen": self.listen, "port": self.port, "url_path": self.url_path,
                "webhook_url": self.url, "secret_token": self.secret}


def webhook_config(settings: Settings, url: str | None = None) -> Webhook:
    """The checked webhook settings (url defaults to TELEGRAM_WEBHOOK_URL); WebhookError if unusable."""
    url = (url or settings.telegram_webhook_url or "").strip()
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise WebhookError(
            f"the webhook URL must be a public https:// URL (Telegram only calls HTTPS), not {url!r}"
        )
    secret = settings.telegram_webhook_secret.get_secret_value() if settings.telegram_webhook_secret else ""
    if not secret:
        raise WebhookError(
            "TELEGRAM_WEBHOOK_SECRET is not set: a webhook needs a secret token that Telegram sends with "
            "every request (1-256 letters, digits, '_' or '-'), e.g. the output of `openssl rand -hex 32`."
        )
    if not SECRET_PATTERN.match(secret):
        raise WebhookError(
            "TELEGRAM_WEBHOOK_SECRET is invalid: Telegram accepts 1-256 characters among A-Z, a-z, 0-9, "
            "'_' and '-' (try `openssl rand -hex 32`)."
        )
    path = parts.path.strip("/")
    return Webhook(url, path, settings.telegram_webhook_listen, settings.telegram_webhook_port, secret)
