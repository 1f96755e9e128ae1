"""Status cards: one message per request and chat, edited in place as the request moves on."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

from telegram import Bot
from telegram.error import TelegramError

from bot.conversation import Conversation
from bot.conversation.cards import cards_of, remember_card
from bot.telegram.render import chat_id, edit_view, text_of
from bot.views import View
from core.app import Outpost
from core.events import Event
from core.lifecycle import FINAL, GrabState
from core.store.models import ChatCard, Grab

log = logging.getLogger(__name__)

# Grab states whose card still moves on its own (progress), so it is refreshed periodically.
MOVING = tuple(state.value for state in GrabState if state not in FINAL)


class CardKeeper:
    """Records the cards the frontend sends and keeps them current: on every lifecycle event
    of their request, and every `interval` seconds while a download is under way."""

    def __init__(
        self, app: Outpost, conversation: Conversation, bot: Bot, *, interval: float = 10.0
    ) -> None:
        self._app = app
        self._conversation = conversation
        self._bot = bot
        self._interval = interval
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._live = False

    def subscribe(self) -> None:
        """Every event about a request re-renders its cards (the bus has no unsubscribe, so a
        stopped keeper stays subscribed and ignores events)."""
        self._live = True
        self._app.bus.subscribe(Event, self.on_event)

    def close(self) -> None:
        self._live = False

    async def record(self, request_id: int, chat: str, message_id: int, text: str) -> None:
        """This message now shows that request's card in that chat (one card per chat)."""
        await remember_card(request_id, chat, str(message_id), text)

    async def on_event(self, event: Event) -> None:
        if self._live and event.request_id is not None:
            await self.refresh(event.request_id)

    async def refresh(self, request_id: int) -> int:
        """Edit every card of the request whose text changed; returns how many were edited."""
        async with self._locks[request_id]:
            view = await self._conversation.card(request_id)
            if view is None:
                return 0
            edited = 0
            for card in await cards_of(request_id):
                edited += await self._edit(card, view)
            return edited

    async def _edit(self, card: ChatCard, view: View) -> int:
        lang = await self._conversation.language(card.chat)
        text = text_of(view, lang)
        if text == card.text:
            return 0
        try:
            await edit_view(
                self._bot,
                chat_id(card.chat),
                int(card.message_id),
                view,
                lang,
                photo=view.photo is not None,
            )
        except TelegramError as err:
            log.warning("card %s in %s not edited: %s", card.id, card.chat, err)
            return 0
        card.text = text
        await card.save(update_fields=["text", "updated_at"])
        return 1

    async def run(self) -> None:
        """Refresh the cards of downloads under way until cancelled."""
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self.refresh_moving()
            except Exception:
                log.exception("refreshing status cards failed")

    async def refresh_moving(self) -> int:
        ids = await Grab.filter(state__in=MOVING, request_id__isnull=False).values_list(
            "request_id", flat=True
        )
        carded = await ChatCard.filter(request_id__in=set(ids)).values_list("request_id", flat=True)
        edited = 0
        for request_id in sorted({int(str(r)) for r in carded}):
            edited += await self.refresh(request_id)
        return edited
