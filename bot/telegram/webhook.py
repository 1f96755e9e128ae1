"""Webhook mode: Telegram posts updates to us; a post without our secret token is refused."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from telegram.ext import Updater

from core import errors, redact

# Telegram's rule for secret_token: 1-256 characters of A-Z, a-z, 0-9, _ and -
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


@dataclass(frozen=True, slots=True)
class Webhook:
    """`url` is the public address Telegram posts to; we listen on `host:port` for its path."""

    url: str
    secret: str
    host: str = "127.0.0.1"
    port: int = 8443

    @property
    def path(self) -> str:
        return urlsplit(self.url).path.lstrip("/")

    def __repr__(self) -> str:
        return f"Webhook(url={self.url!r}, host={self.host!r}, port={self.port})"


def parse_listen(value: str) -> tuple[str, int]:
    """ "0.0.0.0:8443" -> ("0.0.0.0", 8443); "[::1]:8443" works too."""
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise errors.UserError(f"not host:port: {value}", key="error.bad_listen", value=value)
    return host.strip("[]") or "127.0.0.1", int(port)


def webhook_from_env(env: Mapping[str, str]) -> Webhook | None:
    """OUTPOST_TELEGRAM_WEBHOOK_URL, _SECRET and _LISTEN; no URL means long polling."""
    url = env.get("OUTPOST_TELEGRAM_WEBHOOK_URL")
    if not url:
        return None
    secret = env.get("OUTPOST_TELEGRAM_WEBHOOK_SECRET", "")
    if not _SECRET.fullmatch(secret):
        raise errors.UserError("the webhook needs a secret token", key="error.webhook_secret")
    redact.register(secret)
    host, port = parse_listen(env.get("OUTPOST_TELEGRAM_WEBHOOK_LISTEN", "127.0.0.1:8443"))
    return Webhook(url, secret, host, port)


async def start_webhook(updater: Updater, hook: Webhook, allowed: Sequence[str]) -> None:
    """Listen for posts and tell Telegram where to send them; pending updates are dropped."""
    await updater.start_webhook(
        listen=hook.host,
        port=hook.port,
        url_path=hook.path,
        webhook_url=hook.url,
        secret_token=hook.secret,
        allowed_updates=list(allowed),
        drop_pending_updates=True,
    )
