"""The household: who may talk to Outpost, as whom, in which language; claim codes and strangers."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from bot.conversation import tokens
from bot.i18n import DEFAULT, languages
from bot.views import Button, Reply, Sender, Text, View
from core import errors
from core.store.models import AccessRequest, Identity, Person, Role, Setting

CLAIM_SETTING = "household.claim"
APPROVAL_SETTING = "household.approval"
CONSOLE = "console"
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # read from a terminal, typed on a phone


@dataclass(frozen=True, slots=True)
class Member:
    """A known sender: the person and the language to answer in."""

    person: Person
    lang: str

    @property
    def admin(self) -> bool:
        return self.person.role == Role.ADMIN


def client_language(code: str | None) -> str:
    """A client's language code ("de-DE") as one of ours, else English."""
    first = (code or "").replace("_", "-").split("-")[0].lower()
    return first if first in languages() else DEFAULT


async def person_of(sender: Sender) -> Person | None:
    """The person behind the sender's user id (never the display name), if known."""
    identity = await Identity.get_or_none(platform=sender.platform, external_id=sender.user_id)
    if identity is None:
        return None
    return await Person.get(id=identity.person_id)  # type: ignore[attr-defined]


async def member_of(sender: Sender) -> Member | None:
    person = await person_of(sender)
    if person is None:
        return None
    lang = person.language if person.language in languages() else client_language(sender.language)
    return Member(person, lang)


async def chat_language(chat: str) -> str:
    """The language of a private chat's person; groups and strangers get English."""
    platform, _, external = chat.partition(":")
    identity = await Identity.get_or_none(platform=platform, external_id=external)
    if identity is None:
        return DEFAULT
    person = await Person.get(id=identity.person_id)  # type: ignore[attr-defined]
    return person.language if person.language in languages() else DEFAULT


async def needs_approval(person: Person) -> bool:
    """Whether this person's grabs wait for an admin (members only, unless turned off)."""
    if person.role == Role.ADMIN:
        return False
    setting = await Setting.get_or_none(key=APPROVAL_SETTING)
    return setting is None or bool(setting.value)


async def admin_chats(platform: str) -> list[tuple[Person, str]]:
    """Each admin's private chat on `platform` (a private chat's id is the user's id)."""
    rows = await Identity.filter(platform=platform, person__role=Role.ADMIN).order_by("id")
    found = []
    for identity in rows:
        person = await Person.get(id=identity.person_id)  # type: ignore[attr-defined]
        found.append((person, f"{platform}:{identity.external_id}"))
    return found


async def ask_admins(
    platform: str, prompt: Text, subject: str, payload: dict[str, Any]
) -> list[Reply]:
    """`prompt` with Approve / Decline (taps "approve_<subject>", "decline_<subject>") to each
    admin's private chat; the tokens last long, as an admin may answer hours later."""
    replies = []
    for admin, chat in await admin_chats(platform):
        yes = await tokens.issue(admin, chat, f"approve_{subject}", payload, ttl=tokens.LONG_TTL)
        no = await tokens.issue(admin, chat, f"decline_{subject}", payload, ttl=tokens.LONG_TTL)
        buttons = ((Button(Text("button.approve"), yes), Button(Text("button.decline"), no)),)
        replies.append(Reply(View((prompt,), buttons), chat=chat))
    return replies


# --- people ------------------------------------------------------------------------------


async def _free_name(wanted: str) -> str:
    base = (wanted.strip() or "person")[:90]
    name, n = base, 1
    while await Person.exists(name=name):
        n += 1
        name = f"{base} {n}"
    return name


async def add_person(
    name: str, role: Role, identities: dict[str, str], language: str = DEFAULT
) -> Person:
    """A new person with their chat accounts; Conflict if the name or an account is taken."""
    if not name.strip():
        raise errors.UserError("a person needs a name", key="error.person_name")
    if await Person.exists(name=name):
        raise errors.Conflict(f"{name!r} exists", key="error.person_exists", name=name)
    for platform, external in identities.items():
        if await Identity.exists(platform=platform, external_id=external):
            raise errors.Conflict(
                f"{platform} {external} is taken",
                key="error.identity_taken",
                platform=platform,
                id=external,
            )
    async with in_transaction():
        person = await Person.create(name=name, role=role, language=language)
        for platform, external in identities.items():
            await Identity.create(person=person, platform=platform, external_id=external)
    return person


async def remove_person(name: str) -> None:
    deleted = await Person.filter(name=name).delete()
    if not deleted:
        raise errors.NotFound(f"no person {name!r}", key="error.person_not_found", name=name)


async def people() -> list[tuple[Person, list[Identity]]]:
    rows = await Person.all().order_by("name")
    return [(p, list(await Identity.filter(person=p).order_by("platform"))) for p in rows]


async def _welcome(sender: Sender, role: Role, language: str) -> Person:
    """The sender as a person of the household (a stranger made member, or a claimant)."""
    name = await _free_name(sender.name or f"{sender.platform}-{sender.user_id}")
    return await add_person(name, role, {sender.platform: sender.user_id}, language)


# --- claim ---------------------------------------------------------------------------------


def _digest(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


async def has_admin() -> bool:
    """An admin reachable in a chat (the console's own admin does not count)."""
    return await Identity.filter(person__role=Role.ADMIN).exclude(platform=CONSOLE).exists()


async def ensure_claim_code() -> str | None:
    """A new one-time claim code while the household has no admin; only its hash is stored."""
    if await has_admin():
        await Setting.filter(key=CLAIM_SETTING).delete()
        return None
    code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))
    # an object, not a bare string: Tortoise's JSONField reads a str as JSON text
    await Setting.update_or_create(key=CLAIM_SETTING, defaults={"value": {"sha256": _digest(code)}})
    return code


async def claim(sender: Sender, code: str) -> list[Reply]:
    """`/claim CODE` in a private chat makes the sender the admin and burns the code."""
    if not sender.private:
        return [Reply(View((Text("claim.private_only"),)), delete_trigger=True)]
    stored = await Setting.get_or_none(key=CLAIM_SETTING)
    digest = stored.value.get("sha256") if stored and isinstance(stored.value, dict) else None
    if not digest or not code or not hmac.compare_digest(str(digest), _digest(code)):
        return [Reply(View((Text("claim.wrong"),)), delete_trigger=True)]
    async with in_transaction():
        burnt = await Setting.filter(key=CLAIM_SETTING).delete()
        if not burnt:  # claimed a moment ago by someone else
            return [Reply(View((Text("claim.wrong"),)), delete_trigger=True)]
        person = await person_of(sender)
        if person is None:
            person = await _welcome(sender, Role.ADMIN, client_language(sender.language))
        else:
            await Person.filter(id=person.id).update(role=Role.ADMIN)
        await AccessRequest.filter(platform=sender.platform, external_id=sender.user_id).update(
            decision="approved"
        )
    return [Reply(View((Text("claim.done", {"name": person.name}), Text("start.next"))))]


# --- strangers -----------------------------------------------------------------------------


async def stranger(sender: Sender) -> list[Reply]:
    """One short refusal, and an Approve/Decline prompt to every admin; then silence."""
    _, created = await AccessRequest.get_or_create(
        platform=sender.platform,
        external_id=sender.user_id,
        defaults={"display_name": sender.name[:255], "chat": sender.chat},
    )
    if not created:
        return []
    replies = [Reply(View((Text("access.refused"),)))]
    payload = {
        "platform": sender.platform,
        "user": sender.user_id,
        "name": sender.name[:100],
        "chat": sender.chat,
        "lang": client_language(sender.language),
    }
    prompt = Text("access.prompt", {"name": sender.name or sender.user_id, "id": sender.user_id})
    return replies + await ask_admins(sender.platform, prompt, "person", payload)


async def decide_stranger(tap: tokens.Tap, approve: bool) -> list[Reply]:
    """An admin's answer to a stranger: a member (Identity) or a refusal on record."""
    p = tap.payload
    pending = await AccessRequest.get_or_none(platform=p["platform"], external_id=p["user"])
    if pending is None or pending.decision is not None:
        return [Reply(View((Text("access.already_decided"),)), edit=True)]
    if not approve:
        pending.decision = "declined"
        await pending.save(update_fields=["decision"])
        return [
            Reply(View((Text("access.declined", {"name": p["name"] or p["user"]}),)), edit=True)
        ]
    sender = Sender(p["platform"], p["user"], p["chat"], private=True, name=p["name"])
    async with in_transaction():
        person = await person_of(sender) or await _welcome(sender, Role.MEMBER, p["lang"])
        pending.decision = "approved"
        await pending.save(update_fields=["decision"])
    return [
        Reply(View((Text("access.approved", {"name": person.name}),)), edit=True),
        Reply(View((Text("access.welcome"), Text("start.next"))), chat=p["chat"]),
    ]
