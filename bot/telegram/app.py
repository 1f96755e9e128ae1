"""Builds the python-telegram-bot Application: token, Bot API server, outbound rate limiting."""

from __future__ import annotations

import logging
import os
from typing import Any

from telegram.ext import AIORateLimiter, Application, ApplicationBuilder

from core import redact

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
CONCURRENT_UPDATES = 16  # a slow search must not hold up the answer to a tap
MAX_RETRIES = 3  # flood-control answers (429) waited out per request before giving up

TelegramApp = Application[Any, Any, Any, Any, Any, Any]


def build_application(token: str, base_url: str | None = None) -> TelegramApp:
    """A PTB Application that has not touched the network yet; the token is masked in logs."""
    redact.register(token)
    # PTB 22 warns on every duration it hands out unless opted in to timedeltas; opt in
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    # httpx logs every request URL, which holds the token, at INFO
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    builder = ApplicationBuilder().token(token).base_url(base_url or DEFAULT_BASE_URL)
    limiter: Any = AIORateLimiter(max_retries=MAX_RETRIES)  # PTB's builder generics disagree
    builder = builder.rate_limiter(limiter)
    return builder.concurrent_updates(CONCURRENT_UPDATES).build()
