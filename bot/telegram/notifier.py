"""Notices to Telegram chats: coalesced per chat, silent in quiet hours, failures made typed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from telegram import Bot
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.conversation import Conversation
from bot.conversation.channel import QUIET_HOURS
from bot.i18n import t
from bot.telegram.render import TEXT_LIMIT, chat_id
from core import errors
from core.services.notify import render
from core.store.models import Setting

log = logging.getLogger(__name__)

SERVICE = "telegram"


def parse_quiet_hours(spec: str) -> tuple[time, time]:
    """ "22:00-07:00" -> (22:00, 07:00); raises ValueError on anything else."""
    start, end = (time.fromisoformat(part.strip()) for part in spec.split("-"))
    return start, end


def is_quiet(spec: str | None, now: time) -> bool:
    """Whether `now` falls in the quiet hours; a range may wrap past midnight."""
    if not spec:
        return False
    try:
        start, end = parse_quiet_hours(spec)
    except ValueError:
        log.warning("ignoring unreadable quiet hours %r", spec)
        return False
    if start <= end:
        return start <= now < end
    return now >= start or now < end


def chunks(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split at line ends into messages of at most `limit` characters."""
    parts: list[str] = []
    for line in text.split("\n"):
        line = line[:limit]
        if parts and len(parts[-1]) + 1 + len(line) <= limit:
            parts[-1] += "\n" + line
        else:
            parts.append(line)
    return parts


@dataclass
class _Batch:
    done: asyncio.Future[None]
    items: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


class TelegramNotifier:
    """core.ports.Notifier for "telegram:<id>" chats. Notices to one chat within `window`
    seconds go out as one message (a batch finishing together); each `send` returns once
    that message is delivered, or raises the typed error for all notices in it."""

    name = SERVICE

    def __init__(
        self,
        bot: Bot,
        conversation: Conversation,
        *,
        window: float = 2.0,
        clock: Callable[[], time] | None = None,
    ) -> None:
        self._bot = bot
        self._conversation = conversation
        self._window = window
        self._clock = clock or (lambda: datetime.now().time())
        self._batches: dict[str, _Batch] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def send(self, chat: str, text_key: str, params: Mapping[str, Any]) -> None:
        batch = self._batches.get(chat)
        if batch is None:
            batch = self._batches[chat] = _Batch(asyncio.get_running_loop().create_future())
            task = asyncio.create_task(self._flush_later(chat, batch))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        batch.items.append((text_key, dict(params)))
        await asyncio.shield(batch.done)

    async def aclose(self) -> None:
        """Deliver what is waiting now instead of after the window."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _flush_later(self, chat: str, batch: _Batch) -> None:
        try:
            await asyncio.sleep(self._window)
        finally:
            self._batches.pop(chat, None)
            await self._settle(chat, batch)

    async def _settle(self, chat: str, batch: _Batch) -> None:
        try:
            await self.deliver(chat, batch.items)
        except errors.OutpostError as err:
            batch.done.set_exception(err)
        else:
            batch.done.set_result(None)
        if batch.done.exception() is not None:
            batch.done.exception()  # retrieved here, so an unawaited failure is not reported

    async def deliver(self, chat: str, items: list[tuple[str, dict[str, Any]]]) -> None:
        """Send the notices as one message (more if it would exceed Telegram's cap)."""
        lang = await self._conversation.language(chat)

        def translate(key: str, **params: Any) -> str:
            return t(key, lang, **params)

        text = "\n".join(render(key, params, translate) for key, params in items)
        silent = is_quiet(await _quiet_hours(), self._clock())
        for part in chunks(text):
            await self._send(chat, part, silent)

    async def _send(self, chat: str, text: str, silent: bool) -> None:
        try:
            target = chat_id(chat)
        except ValueError:
            raise errors.UserError(f"not a Telegram chat: {chat}") from None
        try:
            await self._bot.send_message(target, text, disable_notification=silent)
        except TelegramError as err:
            raise typed(err) from None  # from None: a transport error may quote the token URL


def typed(err: TelegramError) -> errors.OutpostError:
    """Telegram's errors in Outpost's tree: what retrying can fix is retryable."""
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


async def _quiet_hours() -> str | None:
    # an object, as Tortoise's JSONField reads a bare string as JSON text
    setting = await Setting.get_or_none(key=QUIET_HOURS)
    value = setting.value if setting is not None else None
    hours = value.get("hours") if isinstance(value, dict) else value
    return hours if isinstance(hours, str) else None
