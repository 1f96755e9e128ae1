"""Guild roles as Outpost roles (OUTPOST_DISCORD_ROLES=admin:ID,member:ID): read from the
interaction's `member.roles` and from GUILD_MEMBER_UPDATE, in Discord's payload shapes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import pytest

from bot.discord.frontend import DiscordFrontend
from bot.discord.roles import guild_roles
from core import errors
from core.app import Outpost
from core.services.household import Household
from core.store.models import Identity, Role
from core.store.models import Person as PersonRow
from tests.discord.conftest import Start
from tests.support.discordapi import DiscordApiServer


async def eventually(probe: Callable[[], Awaitable[bool]], within: float = 20.0) -> None:
    """Until the store says so (the update is handled in discord.py's own task)."""
    deadline = time.monotonic() + within
    while not await probe():
        assert time.monotonic() < deadline, "the store never changed"
        await asyncio.sleep(0.02)


async def role_of(name: str) -> Role | None:
    row = await PersonRow.get_or_none(name=name)
    return None if row is None else row.role


async def test_a_stranger_with_the_member_role_is_a_member_and_an_admin_role_is_told(
    start_bot: Start, discordapi: DiscordApiServer
) -> None:
    api = discordapi
    home, ada, eve, bob = api.guild("Home"), api.user("Ada"), api.user("Eve"), api.user("Bob")
    admins, members = api.role(home, "Outpost admins"), api.role(home, "Family")
    api.member(home, eve, members)
    api.member(home, bob, members)
    await Household().add_person("Ada", Role.ADMIN, {"discord": ada.id}, "en")
    roles = {int(admins): Role.ADMIN, int(members): Role.MEMBER}
    await start_bot(frozenset({int(home.id)}), roles=roles)

    # Eve is nobody to Outpost, but holds the member role: answered as a member, no prompt
    queue = await api.slash(eve, home, "queue")
    await api.until(lambda: queue.callbacks)
    assert not queue.callbacks[0].get("data", {}).get("flags", 0) & 64  # not a refusal
    assert await role_of("Eve") == Role.MEMBER
    assert await Identity.exists(platform="discord", external_id=eve.id, person__name="Eve")
    assert ada.id not in api.state.dm_channels  # the admin was not asked about Eve

    # Bob is given the admin role in Discord: GUILD_MEMBER_UPDATE, and Ada is told
    await Household().add_person("Bob", Role.MEMBER, {"discord": bob.id}, "en")
    await api.set_roles(home, bob, members, admins)
    dm = await api.until(lambda: api.state.dm_channels.get(ada.id))
    told = await api.until(lambda: api.in_channel(dm))
    assert "Bob is now an Outpost admin" in told[0]["content"]
    assert await role_of("Bob") == Role.ADMIN
    # taken away again: back to the member he was, and said so
    await api.set_roles(home, bob, members)
    await api.until(lambda: len(api.in_channel(dm)) == 2)
    assert "Bob is no longer an Outpost admin" in api.in_channel(dm)[1]["content"]
    assert await role_of("Bob") == Role.MEMBER

    # Eve loses the member role: her Discord account is no longer the household's
    await api.set_roles(home, eve)

    async def eve_gone() -> bool:
        return not await Identity.exists(platform="discord", external_id=eve.id)

    await eventually(eve_gone)  # by GUILD_MEMBER_UPDATE alone, before she writes again
    again = await api.slash(eve, home, "queue")
    await api.until(lambda: again.callbacks)
    assert again.callbacks[0]["data"]["flags"] == 64  # the stranger's one refusal
    assert not await Identity.exists(platform="discord", external_id=eve.id)
    assert await PersonRow.exists(name="Eve")  # her person (and requests) stay, without her
    assert len(api.in_channel(dm)) == 2  # a member leaving is no admin change: nobody told


async def test_a_household_admin_is_never_lowered_and_a_stranger_without_a_role_is_refused(
    start_bot: Start, discordapi: DiscordApiServer
) -> None:
    api = discordapi
    home, ada, mal = api.guild("Home"), api.user("Ada"), api.user("Mal")
    members, other = api.role(home, "Family"), api.role(home, "Gamers")
    api.member(home, ada, members)
    api.member(home, mal, other)
    await Household().add_person("Ada", Role.ADMIN, {"discord": ada.id}, "en")
    await start_bot(frozenset({int(home.id)}), roles={int(members): Role.MEMBER})
    status = await api.slash(ada, home, "status")
    stranger = await api.slash(mal, home, "queue")
    await api.until(lambda: status.callbacks and stranger.callbacks)
    assert await role_of("Ada") == Role.ADMIN  # the CLI's admin holds only the member role
    assert stranger.callbacks[0]["data"]["flags"] == 64
    assert await role_of("Mal") is None


async def test_a_stranger_with_the_admin_role_is_an_admin_and_every_admin_is_told(
    start_bot: Start, discordapi: DiscordApiServer
) -> None:
    api = discordapi
    home, ada, zed = api.guild("Home"), api.user("Ada"), api.user("Zed")
    admins = api.role(home, "Outpost admins")
    api.member(home, zed, admins)
    await Household().add_person("Ada", Role.ADMIN, {"discord": ada.id}, "en")
    await start_bot(frozenset({int(home.id)}), roles={int(admins): Role.ADMIN})
    status = await api.slash(zed, home, "status")
    await api.until(lambda: status.callbacks)
    assert await role_of("Zed") == Role.ADMIN
    dm = await api.until(lambda: api.state.dm_channels.get(ada.id))
    told = await api.until(lambda: api.in_channel(dm))
    assert "Zed is now an Outpost admin" in told[0]["content"]  # never a silent admin


def test_the_setting_is_read_and_a_bad_entry_is_one_clear_error() -> None:
    assert guild_roles("admin:11, member:22,member:33") == {
        11: Role.ADMIN,
        22: Role.MEMBER,
        33: Role.MEMBER,
    }
    assert guild_roles(None) == {} and guild_roles("") == {}
    for bad in ("owner:11", "admin:", "admin:12x", "member"):
        with pytest.raises(errors.UserError) as caught:
            guild_roles(bad)
        assert caught.value.key == "discord.roles_bad" and bad in str(caught.value)


def test_from_env_reads_the_roles(outpost: Outpost) -> None:
    from bot.conversation import Conversation

    env = {"OUTPOST_DISCORD_TOKEN": "x", "OUTPOST_DISCORD_ROLES": "admin:5"}
    frontend = DiscordFrontend.from_env(outpost, Conversation(outpost), env)
    assert frontend._roles == {5: Role.ADMIN}
    with pytest.raises(errors.UserError):
        DiscordFrontend.from_env(
            outpost, Conversation(outpost), {**env, "OUTPOST_DISCORD_ROLES": "root:5"}
        )
