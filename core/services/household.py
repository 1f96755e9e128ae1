"""The household: people and their accounts, roles, the claim code, strangers and approval.

These are the rules, with the store; frontends only turn them into views. People leave as
plain `Person` values, never as store rows.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from core import errors
from core.recipients import CONSOLE, Account, Channel, parse
from core.services.notify import QUIET_HOURS
from core.store.models import AccessRequest, Identity, Role, Setting, Subscription
from core.store.models import Person as PersonRow

__all__ = ["Admission", "Granted", "Household", "Person", "Role"]

CLAIM_SETTING = "household.claim"
LINK_SETTING = "household.link."  # + the code's digest: {"person": id, "expires": unix time}
LINK_TTL = 600.0
APPROVAL_SETTING = "household.approval"
GRANT_SETTING = "household.grant."  # + an account's address: a role a chat's own role gave
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # read from a terminal, typed on a phone
_QUIET = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)-([01]?\d|2[0-3]):([0-5]\d)")


@dataclass(frozen=True, slots=True)
class Person:
    """Someone of the household, with their chat accounts."""

    id: int
    name: str
    role: Role
    language: str  # as stored; a frontend checks it is one it speaks
    accounts: tuple[Account, ...] = ()

    @property
    def admin(self) -> bool:
        return self.role == Role.ADMIN


@dataclass(frozen=True, slots=True)
class Granted:
    """What a chat role (a Discord guild role) changed: the person as they are now (None when
    the account was taken away), and their role before (None: they were not a person yet)."""

    person: Person | None
    before: Role | None
    changed: bool

    @property
    def admin_changed(self) -> bool:
        """The person became an admin or stopped being one: the admins are told, always."""
        now = self.person.role if self.person is not None else None
        return self.changed and Role.ADMIN in (self.before, now) and self.before != now


@dataclass(frozen=True, slots=True)
class Admission:
    """An admin's answer to a stranger: `decided` already before, or the new member."""

    decided: bool
    person: Person | None = None


def same_place(address: str) -> list[str]:
    """The address, and the one a channel had before channels were told apart from accounts
    ("telegram:-1009" for "telegram:#-1009"), so older rows are still found."""
    to = parse(address)
    return [address, f"{to.platform}:{to.channel_id}"] if isinstance(to, Channel) else [address]


def _rank(role: Role) -> int:
    return 1 if role == Role.ADMIN else 0


def _digest(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


async def _person(row: PersonRow) -> Person:
    ids = await Identity.filter(person_id=row.id).order_by("platform", "id")
    accounts = tuple(Account(i.platform, i.external_id, row.id) for i in ids)
    return Person(row.id, row.name, row.role, row.language, accounts)


class Household:
    """Who may talk to Outpost, as whom, and whose grabs wait for an admin."""

    async def person_of(self, account: Account) -> Person | None:
        """The person behind an account (its platform user id, never a display name)."""
        identity = await Identity.get_or_none(
            platform=account.platform, external_id=account.user_id
        )
        if identity is None:
            return None
        return await _person(await PersonRow.get(id=identity.person_id))  # type: ignore[attr-defined]

    async def language_at(self, account: Account) -> str | None:
        """The stored language of the account's person, if the account is known."""
        person = await self.person_of(account)
        return person.language if person is not None else None

    async def needs_approval(self, person: Person) -> bool:
        """Whether this person's grabs wait for an admin (members only, unless turned off)."""
        if person.admin:
            return False
        setting = await Setting.get_or_none(key=APPROVAL_SETTING)
        return setting is None or bool(setting.value)

    async def admins(self, platform: str) -> list[Account]:
        """Each admin's account on `platform`: where approval prompts go."""
        rows = await Identity.filter(platform=platform, person__role=Role.ADMIN).order_by("id")
        return [Account(platform, i.external_id, i.person_id) for i in rows]  # type: ignore[attr-defined]

    # --- people --------------------------------------------------------------------------

    async def add_person(
        self, name: str, role: Role, identities: dict[str, str], language: str = "en"
    ) -> Person:
        """A new person with their chat accounts; Conflict if the name or an account is taken."""
        if not name.strip():
            raise errors.UserError("a person needs a name", key="error.person_name")
        if await PersonRow.exists(name=name):
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
            row = await PersonRow.create(name=name, role=role, language=language)
            for platform, external in identities.items():
                await Identity.create(person=row, platform=platform, external_id=external)
        return await _person(row)

    async def remove_person(self, name: str) -> None:
        deleted = await PersonRow.filter(name=name).delete()
        if not deleted:
            raise errors.NotFound(f"no person {name!r}", key="error.person_not_found", name=name)

    async def people(self) -> list[Person]:
        return [await _person(row) for row in await PersonRow.all().order_by("name")]

    async def _welcome(self, account: Account, name: str, role: Role, language: str) -> Person:
        """The account's owner as a person of the household, under a free name."""
        base = (name.strip() or f"{account.platform}-{account.user_id}")[:90]
        free, n = base, 1
        while await PersonRow.exists(name=free):
            n += 1
            free = f"{base} {n}"
        return await self.add_person(free, role, {account.platform: account.user_id}, language)

    # --- claim ---------------------------------------------------------------------------

    async def has_admin(self) -> bool:
        """An admin reachable in a chat (the console's own admin does not count)."""
        return await Identity.filter(person__role=Role.ADMIN).exclude(platform=CONSOLE).exists()

    async def ensure_claim_code(self) -> str | None:
        """A new one-time claim code while the household has no admin; only its hash is kept."""
        if await self.has_admin():
            await Setting.filter(key=CLAIM_SETTING).delete()
            return None
        code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))
        # an object, not a bare string: Tortoise's JSONField reads a str as JSON text
        value = {"sha256": _digest(code)}
        await Setting.update_or_create(key=CLAIM_SETTING, defaults={"value": value})
        return code

    async def claim(self, account: Account, name: str, language: str, code: str) -> Person | None:
        """The account's owner becomes the admin and the code is burnt; None if it was wrong."""
        stored = await Setting.get_or_none(key=CLAIM_SETTING)
        digest = stored.value.get("sha256") if stored and isinstance(stored.value, dict) else None
        if not digest or not code or not hmac.compare_digest(str(digest), _digest(code)):
            return None
        async with in_transaction():
            burnt = await Setting.filter(key=CLAIM_SETTING).delete()
            if not burnt:  # claimed a moment ago by someone else
                return None
            person = await self.person_of(account)
            if person is None:
                person = await self._welcome(account, name, Role.ADMIN, language)
            else:
                await PersonRow.filter(id=person.id).update(role=Role.ADMIN)
            await AccessRequest.filter(
                platform=account.platform, external_id=account.user_id
            ).update(decision="approved")
        return person

    async def link_code(self, person: Person, now: float) -> str:
        """A one-time code that adds the chat account it is sent from to `person`."""
        code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))
        value = {"person": person.id, "expires": now + LINK_TTL}
        await Setting.create(key=LINK_SETTING + _digest(code), value=value)
        return code

    async def link(self, account: Account, code: str, now: float) -> Person | None:
        """The account joins the code's person and the code is burnt; None if it was wrong or
        expired; Conflict if the account already belongs to someone."""
        key = LINK_SETTING + _digest(code.strip())
        stored = await Setting.get_or_none(key=key)
        async with in_transaction():
            if stored is None or not await Setting.filter(key=key).delete():
                return None
            value = stored.value if isinstance(stored.value, dict) else {}
            if float(value.get("expires", 0)) < now:
                return None
            if await Identity.exists(platform=account.platform, external_id=account.user_id):
                raise errors.Conflict("the account is taken", key="link.taken")
            row = await PersonRow.get_or_none(id=value.get("person"))
            if row is None:
                return None
            await Identity.create(
                person=row, platform=account.platform, external_id=account.user_id
            )
        return await _person(row)

    # --- strangers -----------------------------------------------------------------------

    async def knock(self, account: Account, name: str, address: str) -> bool:
        """A stranger wrote: recorded once; True the first time (the admins are asked then)."""
        _, created = await AccessRequest.get_or_create(
            platform=account.platform,
            external_id=account.user_id,
            defaults={"display_name": name[:255], "chat": address},
        )
        return bool(created)

    async def admit(self, account: Account, name: str, language: str, approve: bool) -> Admission:
        """An admin's answer to a stranger: a member, or a refusal on record."""
        pending = await AccessRequest.get_or_none(
            platform=account.platform, external_id=account.user_id
        )
        if pending is None or pending.decision is not None:
            return Admission(decided=True)
        if not approve:
            pending.decision = "declined"
            await pending.save(update_fields=["decision"])
            return Admission(decided=False)
        async with in_transaction():
            person = await self.person_of(account) or await self._welcome(
                account, name, Role.MEMBER, language
            )
            pending.decision = "approved"
            await pending.save(update_fields=["decision"])
        return Admission(decided=False, person=person)

    # --- roles a chat gives (Discord guild roles) -----------------------------------------

    async def grant(self, account: Account, name: str, language: str, role: Role | None) -> Granted:
        """The role the account holds by its chat's own roles (None: no mapped role).

        A role given this way raises a person (or admits a stranger as a new person of that
        role) and is remembered, so that taking the chat role away undoes exactly that: a
        raise goes back to the role before, an admission takes this account from the person
        (who keeps their requests and history). A role the household gave otherwise (the CLI,
        the claim, an admin's approval) is never lowered by a chat role."""
        key = GRANT_SETTING + account.address
        async with in_transaction():
            stored = await Setting.get_or_none(key=key)
            given = stored.value if stored is not None and isinstance(stored.value, dict) else None
            person = await self.person_of(account)
            if role is None:
                if given is None or person is None:
                    if stored is not None:
                        await stored.delete()
                    return Granted(person, person.role if person else None, False)
                await stored.delete()  # type: ignore[union-attr]
                return await self._ungrant(account, person, given)
            if person is None:
                person = await self._welcome(account, name, role, language)
                await Setting.create(key=key, value={"person": person.id, "before": None})
                return Granted(person, None, True)
            if given is None and _rank(role) <= _rank(person.role):
                return Granted(person, person.role, False)  # the household's own role stands
            if given is None:
                given = {"person": person.id, "before": person.role.value}
                await Setting.create(key=key, value=given)
            if person.role == role:
                return Granted(person, role, False)
            await PersonRow.filter(id=person.id).update(role=role)
            now = await self.person_of(account)
            return Granted(now, person.role, True)

    async def _ungrant(self, account: Account, person: Person, given: dict[str, Any]) -> Granted:
        before = given.get("before")
        if before is None:  # admitted by the chat role: the account leaves the person
            await Identity.filter(platform=account.platform, external_id=account.user_id).delete()
            if not await Identity.filter(person_id=person.id).exists():
                await PersonRow.filter(id=person.id).update(role=Role.MEMBER)
            return Granted(None, person.role, True)
        if person.role == Role(before):
            return Granted(person, person.role, False)
        await PersonRow.filter(id=person.id).update(role=Role(before))
        return Granted(await self.person_of(account), person.role, True)

    # --- what the household hears --------------------------------------------------------

    async def toggle_household_chat(self, person: Person, address: str) -> bool:
        """This address hears every notice, or stops to; True when it now does."""
        found = Subscription.filter(scope="household", chat__in=same_place(address))
        if await found.exists():
            await found.delete()
            return False
        await Subscription.create(person_id=person.id, chat=address, scope="household")
        return True

    async def is_household_chat(self, address: str) -> bool:
        """Whether an admin made this chat the household chat (`toggle_household_chat`)."""
        return await Subscription.exists(scope="household", chat__in=same_place(address))

    async def household_channels(self, platform: str) -> list[Channel]:
        """The channels of `platform` that hear every notice (`toggle_household_chat`)."""
        rows = await Subscription.filter(scope="household").order_by("id")
        found = [parse(row.chat) for row in rows]
        return [to for to in found if isinstance(to, Channel) and to.platform == platform]

    async def follow(self, person: Person, address: str, media_key: str) -> bool:
        """This address hears of a title ("tmdb:438631"); False if it did already."""
        places = same_place(address)
        if await Subscription.exists(chat__in=places, scope="title", media_key=media_key):
            return False
        await Subscription.create(
            chat=address, scope="title", media_key=media_key, person_id=person.id
        )
        return True

    async def set_quiet_hours(self, spec: str | None) -> str | None:
        """ "22:00-07:00" (spaces ignored) sends notices silently then; None ends it. Returns
        the hours kept; raises UserError for anything unreadable."""
        if spec is None:
            await Setting.filter(key=QUIET_HOURS).delete()
            return None
        hours = spec.replace(" ", "")
        if not _QUIET.fullmatch(hours):
            raise errors.UserError(f"not quiet hours: {spec!r}", key="quiet.usage")
        await Setting.update_or_create({"value": {"hours": hours}}, key=QUIET_HOURS)
        return hours
