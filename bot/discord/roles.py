"""Guild roles as Outpost roles: `OUTPOST_DISCORD_ROLES=admin:ROLE_ID,member:ROLE_ID`.

A member of a household guild holding a mapped role is that Outpost role: a stranger with
the member role becomes a person of the household (named after their display name, linked to
their Discord account), a member with the admin role is raised. Taking the Discord role away
undoes what it gave (`core.services.household.Household.grant`). Roles are read from every
interaction's `member` and from GUILD_MEMBER_UPDATE (which needs the privileged Server Members
intent). Nobody becomes or stops being an admin silently: every admin is told in their DM.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping

from core import errors
from core.messages import Text, View
from core.recipients import Account
from core.services.household import Household, Role

log = logging.getLogger(__name__)
PLATFORM = "discord"
Tell = Callable[[Account, View], Awaitable[object]]


def guild_roles(value: str | None) -> dict[int, Role]:
    """ "admin:ID,member:ID" (an Outpost role may map from several guild roles); anything else
    is a UserError naming the entry, at start."""
    mapping: dict[int, Role] = {}
    for entry in (value or "").split(","):
        if not entry.strip():
            continue
        role, _, role_id = entry.strip().partition(":")
        if role.strip().lower() not in (Role.ADMIN, Role.MEMBER) or not role_id.strip().isdigit():
            raise errors.UserError(
                f"OUTPOST_DISCORD_ROLES: {entry.strip()!r} is not admin:ROLE_ID or member:ROLE_ID",
                key="discord.roles_bad",
                entry=entry.strip(),
            )
        mapping[int(role_id)] = Role(role.strip().lower())
    return mapping


class GuildRoles:
    def __init__(self, mapping: Mapping[int, Role], household: Household, tell: Tell) -> None:
        self.mapping = dict(mapping)
        self._household = household
        self._tell = tell

    def __bool__(self) -> bool:
        return bool(self.mapping)

    def role_of(self, role_ids: Iterable[int]) -> Role | None:
        """The highest Outpost role the guild roles map to; None when none is mapped."""
        mapped = {self.mapping[r] for r in role_ids if r in self.mapping}
        if Role.ADMIN in mapped:
            return Role.ADMIN
        return Role.MEMBER if mapped else None

    async def apply(
        self, user_id: int, name: str, role_ids: Iterable[int], language: str = "en"
    ) -> None:
        """The member's guild roles now (`language` is a new person's, from their client)."""
        if not self.mapping:
            return
        account = Account(PLATFORM, str(user_id))
        granted = await self._household.grant(account, name, language, self.role_of(role_ids))
        if not granted.changed:
            return
        who = granted.person.name if granted.person is not None else name or str(user_id)
        log.info("a Discord role changed a person's Outpost role")
        if granted.admin_changed:
            admin = granted.person is not None and granted.person.admin
            key = "discord.role_admin" if admin else "discord.role_not_admin"
            await self._tell_admins(Text(key, {"name": who}))

    async def _tell_admins(self, line: Text) -> None:
        for admin in await self._household.admins(PLATFORM):
            try:
                await self._tell(admin, View((line,)))
            except errors.OutpostError as err:
                log.warning("an admin was not told of a Discord role change: %s", err)
