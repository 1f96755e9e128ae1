"""The household in chat: the rules are core's (`core.services.household`); here they become
views (refusals, the claim, Approve/Decline prompts) and a language to answer in."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from bot.conversation import tokens
from bot.i18n import DEFAULT, languages
from bot.views import Button, Reply, Sender, Text, View
from core.recipients import Account, parse
from core.services.household import Household, Person


@dataclass(frozen=True, slots=True)
class Member:
    """A known sender: the person and the language to answer in."""

    person: Person
    lang: str

    @property
    def admin(self) -> bool:
        return self.person.admin


def client_language(code: str | None) -> str:
    """A client's language code ("de-DE") as one of ours, else English."""
    first = (code or "").replace("_", "-").split("-")[0].lower()
    return first if first in languages() else DEFAULT


async def member_of(household: Household, sender: Sender) -> Member | None:
    person = await household.person_of(sender.account)
    if person is None:
        return None
    lang = person.language if person.language in languages() else client_language(sender.language)
    return Member(person, lang)


async def chat_language(household: Household, address: str) -> str:
    """The language of an account's person; channels and strangers get English."""
    to = parse(address)
    lang = await household.language_at(to) if isinstance(to, Account) else None
    return lang if lang in languages() else DEFAULT


async def ask_admins(
    household: Household, platform: str, prompt: Text, subject: str, payload: dict[str, Any]
) -> list[Reply]:
    """`prompt` with Approve / Decline (taps "approve_<subject>", "decline_<subject>") to each
    admin's own account; the tokens last long, as an admin may answer hours later."""
    replies = []
    for admin in await household.admins(platform):
        who, chat = admin.person_id, admin.address
        yes = await tokens.issue(who, chat, f"approve_{subject}", payload, tokens.LONG_TTL)
        no = await tokens.issue(who, chat, f"decline_{subject}", payload, tokens.LONG_TTL)
        buttons = ((Button(Text("button.approve"), yes), Button(Text("button.decline"), no)),)
        replies.append(Reply(View((prompt,), buttons), chat=chat))
    return replies


async def claim(household: Household, sender: Sender, code: str) -> list[Reply]:
    """`/claim CODE` in a private chat makes the sender the admin and burns the code."""
    if not sender.confidential:
        return [Reply(View((Text("claim.private_only"),)), delete_trigger=True)]
    lang = client_language(sender.language)
    person = await household.claim(sender.account, sender.name, lang, code)
    if person is None:
        return [Reply(View((Text("claim.wrong"),)), delete_trigger=True)]
    return [Reply(View((Text("claim.done", {"name": person.name}), Text("start.next"))))]


async def link(
    household: Household, sender: Sender, member: Member | None, code: str
) -> list[Reply]:
    """`/link` gives a member a one-time code; `/link CODE` in another chat (Telegram or
    Discord) adds that chat's account to the same person. Private chats only."""
    if not sender.confidential:
        return [Reply(View((Text("link.private_only"),)), delete_trigger=True)]
    if not code.strip():
        if member is None:
            return [Reply(View((Text("link.wrong"),)))]
        issued = await household.link_code(member.person, time.time())
        return [Reply(View((Text("link.code", {"code": issued}),)))]
    person = await household.link(sender.account, code, time.time())
    if person is None:
        return [Reply(View((Text("link.wrong"),)), delete_trigger=True)]
    return [Reply(View((Text("link.done", {"name": person.name}),)), delete_trigger=True)]


async def stranger(household: Household, sender: Sender) -> list[Reply]:
    """One short refusal, and an Approve/Decline prompt to every admin; then silence."""
    if not await household.knock(sender.account, sender.name, sender.chat):
        return []
    payload = {
        "platform": sender.platform,
        "user": sender.user_id,
        "name": sender.name[:100],
        "chat": sender.chat,
        "lang": client_language(sender.language),
    }
    prompt = Text("access.prompt", {"name": sender.name or sender.user_id, "id": sender.user_id})
    refused = [Reply(View((Text("access.refused"),)))]
    return refused + await ask_admins(household, sender.platform, prompt, "person", payload)


async def decide_stranger(household: Household, tap: tokens.Tap, approve: bool) -> list[Reply]:
    """An admin's answer to a stranger: a member, or a refusal on record."""
    p = tap.payload
    account = Account(p["platform"], p["user"])
    admitted = await household.admit(account, p["name"], p["lang"], approve)
    if admitted.decided:
        return [Reply(View((Text("access.already_decided"),)), edit=True)]
    if admitted.person is None:
        declined = Text("access.declined", {"name": p["name"] or p["user"]})
        return [Reply(View((declined,)), edit=True)]
    return [
        Reply(View((Text("access.approved", {"name": admitted.person.name}),)), edit=True),
        Reply(View((Text("access.welcome"), Text("start.next"))), chat=p["chat"]),
    ]
