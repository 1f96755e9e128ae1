"""The conversation layer's entry points, shared by every chat frontend.

A frontend authenticates the sender (its envelope, never message text), calls one of these,
and renders the answer; it never decides who may do what, and never speaks to an indexer.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Protocol

from bot.conversation import household, tokens
from bot.conversation.cards import card_view
from bot.conversation.channel import household_chat, quiet_hours
from bot.conversation.context import Command, Ctx, PrivateHandler, TapHandler, line, say
from bot.conversation.follow import follow, follow_tap
from bot.conversation.queue import control, queue
from bot.conversation.releases import choose, decide_grab, grab, grab_best
from bot.conversation.search import KINDS, search, turn_page
from bot.conversation.settings import PRIVATE_ADD, SECRET_COMMANDS, private_add, secret_command
from bot.conversation.status import history, status
from bot.i18n import DEFAULT, catalogue, t
from bot.views import Reply, Sender, TapAnswer, Text, View
from core import errors
from core.services.bundle import Services
from core.services.throttle import Verdict, stale_after

log = logging.getLogger(__name__)

COMMANDS = (
    "start",
    "help",
    "search",
    "movie",
    "tv",
    "music",
    "book",
    "audiobook",
    "anime",
    "queue",
    "history",
    "status",
    "follow",
    "claim",
    "link",
    "addindexer",
    "addclient",
    "household",
    "quiet",
)

# taps that would send a download to a client (an admin's approval is a decision of its own,
# taken whenever the admin reads the prompt, so it is not judged by its age)
GRABBING = frozenset({"grab", "grab_best"})


# what is answered in a group nobody registered: making it the household chat, and the
# commands that refuse to run in a group and delete their message (it may hold a secret)
GROUP_SETUP = frozenset({"household", *SECRET_COMMANDS})

# answers that hold settings or one-time codes: a frontend that can show an answer to its
# sender alone does so (Discord: ephemeral)
SETTINGS_COMMANDS = frozenset({"household", "quiet", "claim", "link", *SECRET_COMMANDS})


def describe(command: str, lang: str) -> str:
    """A command's one-line description for a frontend's menu (`command.<name>` keys)."""
    key = f"command.{command}"
    return t(key, lang) if key in catalogue(lang) or key in catalogue(DEFAULT) else command


async def start(ctx: Ctx, args: str) -> list[Reply]:
    return say(line("start.hello", name=ctx.person.name), line("start.what"), line("start.next"))


async def help_(ctx: Ctx, args: str) -> list[Reply]:
    lines = [line("help.header"), *(line(f"help.{name}") for name in COMMANDS if name != "claim")]
    return say(*lines)


def _search_as(command: str) -> Command:
    async def run(ctx: Ctx, args: str) -> list[Reply]:
        return await search(ctx, command, args)

    return run


def _secret_as(command: str) -> Command:
    async def run(ctx: Ctx, args: str) -> list[Reply]:
        return await secret_command(ctx, command, args)

    return run


def _handlers() -> dict[str, Command]:
    found: dict[str, Command] = {
        "start": start,
        "help": help_,
        "queue": queue,
        "history": history,
        "status": status,
        "follow": follow,
        "household": household_chat,
        "quiet": quiet_hours,
    }
    found.update({name: _search_as(name) for name in KINDS})
    found.update({name: _secret_as(name) for name in SECRET_COMMANDS})
    return found


async def _decide_person(approve: bool, ctx: Ctx, tap: tokens.Tap) -> list[Reply]:
    return await household.decide_stranger(ctx.services.household, tap, approve)


async def _decide_grab(approve: bool, ctx: Ctx, tap: tokens.Tap) -> list[Reply]:
    return await decide_grab(ctx, tap, approve)


TAPS: dict[str, TapHandler] = {
    "page": turn_page,
    "choose": choose,
    "grab": grab,
    "grab_best": grab_best,
    "follow": follow_tap,
    "pause": control,
    "resume": control,
    "remove": control,
    "approve_person": partial(_decide_person, True),
    "decline_person": partial(_decide_person, False),
    "approve_grab": partial(_decide_grab, True),
    "decline_grab": partial(_decide_grab, False),
}

# Answers to private input (`Ctx.ask`), by the action its token was issued for.
PRIVATE: dict[str, PrivateHandler] = {PRIVATE_ADD: private_add}


def _who(sender: Sender, member: household.Member | None) -> str:
    """Whose bucket: the person's, whichever chat they write from; a stranger's account."""
    return f"person:{member.person.id}" if member else f"account:{sender.account.address}"


class _HasServices(Protocol):
    def services(self) -> Services: ...


class Conversation:
    """Built on the core services (`Conversation(app)` takes them from an open Outpost)."""

    def __init__(self, services: Services | _HasServices) -> None:
        self.services = services if isinstance(services, Services) else services.services()
        self._household = self.services.household
        self._commands = _handlers()
        self.stale_after = stale_after()  # a tap that would grab, older than this: ignored

    async def _member(self, sender: Sender) -> household.Member | None:
        return await household.member_of(self._household, sender)

    def _throttled(self, sender: Sender, member: household.Member | None) -> Verdict:
        """One command or tap taken from the person's bucket (every frontend's the same)."""
        return self.services.throttle.take(_who(sender, member))

    def _slow_down(self, sender: Sender, member: household.Member | None) -> Text:
        return line("limit.slow_down", seconds=self.services.throttle.wait(_who(sender, member)))

    async def command(self, sender: Sender, name: str, args: str) -> list[Reply]:
        """A slash command (`name` without the slash, `args` the rest of the line). Too many
        from one person: "slow down" once, then no answer until their bucket refills."""
        name = name.lower().lstrip("/").split("@", 1)[0]
        member = await self._member(sender)
        verdict = self._throttled(sender, member)
        if verdict is not Verdict.ALLOWED:
            if verdict is Verdict.SILENT:
                return []
            return say(self._slow_down(sender, member))
        if name == "claim":
            return await household.claim(self._household, sender, args.strip())
        if name == "link":
            try:
                return await household.link(self._household, sender, member, args)
            except errors.OutpostError as err:
                return say(line(err.key, **err.params))
        if name not in GROUP_SETUP and not await self.registered(sender):
            return say(line("group.unregistered")) if member else []
        if member is None:
            replies = await household.stranger(self._household, sender)
            if name in SECRET_COMMANDS:  # never leave a secret standing in a chat
                return [Reply(r.view, r.edit, r.chat, r.chat is None) for r in replies] or [
                    Reply(View(()), delete_trigger=True)
                ]
            return replies
        handler = self._commands.get(name)
        if handler is None:
            return say(line("help.unknown", command=name))
        ctx = Ctx(self.services, sender, member)
        try:
            return await handler(ctx, args)
        except errors.OutpostError as err:
            log.info("/%s failed: %s", name, err)
            return say(line(err.key, **err.params))

    def _late(self, action: str, sent_at: datetime | None) -> int | None:
        """Minutes a tap that would grab came late by, when over `stale_after`; else None."""
        if sent_at is None or action not in GRABBING:
            return None
        age = datetime.now(UTC) - sent_at
        return int(age.total_seconds() // 60) if age > self.stale_after else None

    async def registered(self, sender: Sender) -> bool:
        """Whether the household is served where `sender` wrote: a private chat, a group the
        frontend vouches for, or a group an admin made the household chat. Anywhere else
        nobody is served, admins neither, bar the commands that set a group up."""
        if sender.private or sender.vouched:
            return True
        return await self._household.is_household_chat(sender.chat)

    async def stays(self, sender: Sender) -> bool:
        """Whether the bot should stay in the group where `sender` wrote, or which `sender`
        added it to: a registered group, or one a household admin brought it to."""
        if await self.registered(sender):
            return True
        member = await self._member(sender)
        return member is not None and member.admin

    async def message(self, sender: Sender, text: str) -> list[Reply]:
        """A plain message that is not a command."""
        member = await self._member(sender)
        verdict = self._throttled(sender, member)
        if verdict is not Verdict.ALLOWED:
            return [] if verdict is Verdict.SILENT else say(self._slow_down(sender, member))
        if not await self.registered(sender):
            return []
        if member is None:
            return await household.stranger(self._household, sender)
        return say(line("message.hint"))

    async def tap(self, sender: Sender, token: str, sent_at: datetime | None = None) -> TapAnswer:
        """A button tap; the token is whatever the client sent back, trusted for nothing.
        A tap that would grab, sent more than `stale_after` before now (a backlog after
        downtime), grabs nothing and is answered so."""
        member = await self._member(sender)
        verdict = self._throttled(sender, member)
        if verdict is not Verdict.ALLOWED:
            silent = verdict is Verdict.SILENT
            return TapAnswer() if silent else TapAnswer(alert=self._slow_down(sender, member))
        try:
            tap = await tokens.redeem(token, member.person if member else None, sender.chat)
        except tokens.Refused as refused:
            return TapAnswer(alert=refused.alert)
        handler = TAPS.get(tap.action)
        if handler is None or member is None:  # a data-only token (search results)
            return TapAnswer(alert=line("tap.unknown"))
        if not await self.registered(sender):
            return TapAnswer(alert=line("group.unregistered"))
        if (late := self._late(tap.action, sent_at)) is not None:
            log.info("ignored a %s tap sent %d min ago", tap.action, late)
            return TapAnswer(alert=line("limit.stale", minutes=late))
        try:
            replies = await handler(Ctx(self.services, sender, member), tap)
        except errors.OutpostError as err:
            log.info("tap %s failed: %s", tap.action, err)
            return TapAnswer(alert=line(err.key, **err.params))
        return TapAnswer(replies=tuple(replies))

    async def private_answer(
        self, sender: Sender, token: str, values: Mapping[str, str]
    ) -> list[Reply]:
        """Values a frontend collected privately for an `Ask` (its `token`, redeemed once, by
        the person it was issued to, in that chat)."""
        member = await self._member(sender)
        try:
            tap = await tokens.redeem(token, member.person if member else None, sender.chat)
        except tokens.Refused as refused:
            return say(refused.alert)
        handler = PRIVATE.get(tap.action)
        if handler is None or member is None:
            return say(line("tap.unknown"))
        try:
            return await handler(Ctx(self.services, sender, member), tap, dict(values))
        except errors.OutpostError as err:
            log.info("private answer %s failed: %s", tap.action, err)
            return say(line(err.key, **err.params))

    async def card(self, request_id: int) -> View | None:
        """The current status card of a request (None if it is gone)."""
        return await card_view(request_id)

    async def language(self, chat: str) -> str:
        """The language to speak in a chat ("telegram:<id>"): its person's setting, else "en"."""
        return await household.chat_language(self._household, chat)

    async def language_of(self, sender: Sender) -> str:
        """The language to answer this sender in (their person's, else their client's)."""
        member = await self._member(sender)
        if member is not None:
            return member.lang
        return household.client_language(sender.language)
