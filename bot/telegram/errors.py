"""Telegram's errors in Outpost's tree: what retrying can fix is retryable."""

from __future__ import annotations

from datetime import timedelta

from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from core import errors

SERVICE = "telegram"


def typed(err: TelegramError) -> errors.OutpostError:
    """The typed error for a failed Bot API call (never quoting the URL, which holds the token)."""
    if isinstance(err, RetryAfter):
        wait = err.retry_after  # a timedelta: build_application opts in to PTB_TIMEDELTA
        seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
        return errors.RateLimited("Telegram asked to wait", service=SERVICE, retry_after=seconds)
    if isinstance(err, InvalidToken):
        return errors.AuthFailed("Telegram refused the bot token", service=SERVICE)
    if isinstance(err, BadRequest | Forbidden):
        return errors.BadResponse(f"Telegram refused the message: {err.message}", service=SERVICE)
    if isinstance(err, TimedOut):
        return errors.Timeout("Telegram did not answer in time", service=SERVICE)
    if isinstance(err, NetworkError):
        return errors.Unreachable(f"Telegram is unreachable: {err.message}", service=SERVICE)
    return errors.Unavailable(f"Telegram failed: {err.message}", service=SERVICE)
