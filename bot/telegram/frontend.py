"""The Telegram frontend as one service: `await start()` when Outpost runs, `await stop()`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

from telegram import BotCommand, Update
from telegram.error import TelegramError

from bot.conversation import Conversation, tokens
from bot.conversation.entry import COMMANDS, describe
from bot.i18n import languages
from bot.telegram.app import TelegramApp, build_application
from bot.telegram.errors import typed
from bot.telegram.handlers import Handlers
from bot.telegram.port import TelegramPort
from bot.telegram.render import PLATFORM
from bot.telegram.replies import Replier
from bot.telegram.webhook import Webhook, start_webhook, webhook_from_env
from core.app import Outpost
from core.services.cards import CardKeeper
from core.shutdown import within

log = logging.getLogger(__name__)

ALLOWED_UPDATES = (Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER)
# Seconds each step of `stop()` may take when the Bot API has gone away; four steps fit
# within the frontend's share of the stop (bot/cli/system.py FRONTEND_STOP).
STEP_LIMIT = 0.8


class TelegramFrontend:
    """Long polling by default, a webhook when `webhook` is given. While it runs, its port
    (`core.ports.Frontend`) delivers notices, merged per recipient within `coalesce` seconds,
    and keeps status cards current."""

    kind = PLATFORM  # how the log names it

    @classmethod
    def from_env(
        cls, app: Outpost, conversation: Conversation, env: Mapping[str, str]
    ) -> TelegramFrontend:
        """Built from OUTPOST_TELEGRAM_TOKEN, OUTPOST_TELEGRAM_API_URL and the webhook's
        variables (what `outpost run` reads)."""
        return cls(
            app,
            conversation,
            token=env["OUTPOST_TELEGRAM_TOKEN"],
            base_url=env.get("OUTPOST_TELEGRAM_API_URL") or None,
            webhook=webhook_from_env(env),
        )

    def __init__(
        self,
        app: Outpost,
        conversation: Conversation,
        *,
        token: str,
        base_url: str | None = None,
        webhook: Webhook | None = None,
        card_interval: float = 10.0,
        coalesce: float = 2.0,
        poll_timeout: int = 10,
    ) -> None:
        self.app = app
        self.conversation = conversation
        self._token = token
        self._base_url = base_url
        self._webhook = webhook
        self._card_interval = card_interval
        self._coalesce = coalesce
        self._poll_timeout = poll_timeout
        self.application: TelegramApp | None = None
        self.cards: CardKeeper | None = None
        self.port: TelegramPort | None = None
        self.handlers: Handlers | None = None
        self._refresher: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Connect (getMe), publish the command list, start receiving updates."""
        application = self.application = build_application(self._token, self._base_url)
        bot = application.bot
        port = self.port = TelegramPort(bot, self.conversation.language)
        self.cards = CardKeeper(
            self.app.bus, interval=self._card_interval, view_of=self.conversation.card
        )
        self.handlers = Handlers(self.conversation, Replier(port, self.conversation), port)
        self.handlers.install(application)
        await _connect(application)
        dropped = await tokens.purge()  # buttons that expired while the service was down
        log.debug("dropped %s expired button tokens", dropped)
        await self._publish_commands()
        await application.start()
        await self._receive(application)
        self.cards.add_frontend(port)
        self.app.add_frontend(port, window=self._coalesce)
        self._refresher = asyncio.create_task(self.cards.run(), name="telegram-cards")
        log.info("Telegram bot @%s is listening", bot.username)

    async def _receive(self, application: TelegramApp) -> None:
        updater = application.updater
        assert updater is not None  # built with the default updater
        if self._webhook is not None:
            await start_webhook(updater, self._webhook, ALLOWED_UPDATES)
            return
        await updater.start_polling(
            timeout=self._poll_timeout,
            allowed_updates=list(ALLOWED_UPDATES),
            drop_pending_updates=True,  # a backlog from while we were down is not replayed
        )

    async def _publish_commands(self) -> None:
        """The command menu, in every language Outpost speaks (English as the default)."""
        assert self.application is not None
        for lang in languages():
            menu = [BotCommand(name, describe(name, lang)) for name in COMMANDS]
            code = None if lang == "en" else lang
            try:
                await self.application.bot.set_my_commands(menu, language_code=code)
            except TelegramError as err:
                log.warning("the %s command menu was not set: %s", lang, err)

    async def stop(self) -> None:
        """Stop receiving, let running handlers finish, deliver waiting notices, disconnect."""
        if self._refresher is not None:
            self._refresher.cancel()
            await asyncio.gather(self._refresher, return_exceptions=True)
        if self.cards is not None:
            self.cards.remove_frontend(PLATFORM)
        application = self.application
        if application is None:
            return
        self.application = None
        if application.updater is not None and application.updater.running:
            await within("Telegram's long poll", STEP_LIMIT, application.updater.stop())
        if application.running:
            stopped = await within("Telegram's running handlers", STEP_LIMIT, application.stop())
            if not stopped and self.handlers is not None:
                self.handlers.cancel_running()
        if self.port is not None:
            delivery = self.app.notices.remove_frontend(PLATFORM)
            await within("Telegram's waiting notices", STEP_LIMIT, delivery)
        await within("Telegram's connections", STEP_LIMIT, application.shutdown())


async def _connect(application: TelegramApp) -> None:
    try:
        await application.initialize()
    except TelegramError as err:  # a refused token is typed AuthFailed too
        raise typed(err) from None
