"""Admins choose the household chat and the quiet hours; members cannot."""

from __future__ import annotations

from core.store.models import Setting, Subscription
from tests.conversation.conftest import ADMIN, MEMBER, World, in_group, keys


async def test_the_household_chat_is_toggled_by_an_admin_only(world: World) -> None:
    group = in_group(ADMIN)
    assert keys(await world.conv.command(in_group(MEMBER), "household", "")) == [
        "household.admins_only"
    ]
    assert await Subscription.filter(scope="household").count() == 0
    assert keys(await world.conv.command(group, "household", "")) == ["household.on"]
    rows = await Subscription.filter(scope="household").values_list("chat", flat=True)
    assert rows == [group.chat]
    assert keys(await world.conv.command(group, "household", "")) == ["household.off"]
    assert await Subscription.filter(scope="household").count() == 0


async def test_quiet_hours_are_checked_and_stored(world: World) -> None:
    conv = world.conv
    assert keys(await conv.command(MEMBER, "quiet", "22:00-07:00")) == ["household.admins_only"]
    assert keys(await conv.command(ADMIN, "quiet", "late")) == ["quiet.usage"]
    assert keys(await conv.command(ADMIN, "quiet", "25:00-07:00")) == ["quiet.usage"]
    assert not await Setting.exists(key="notify.quiet_hours")
    assert keys(await conv.command(ADMIN, "quiet", "22:00 - 07:00")) == ["quiet.on"]
    assert (await Setting.get(key="notify.quiet_hours")).value == {"hours": "22:00-07:00"}
    assert keys(await conv.command(ADMIN, "quiet", "off")) == ["quiet.off"]
    assert not await Setting.exists(key="notify.quiet_hours")


async def test_a_household_chat_set_before_channels_were_told_apart_is_still_found(
    world: World,
) -> None:
    """A group's row from before ("telegram:-1009") is the same place as "telegram:#-1009"."""
    group = in_group(ADMIN)
    legacy = f"telegram:{group.chat_id}"
    await Subscription.create(chat=legacy, scope="household")
    await Subscription.create(chat=legacy, scope="title", media_key="tmdb:1")
    assert group.chat == f"telegram:#{group.chat_id}"
    assert keys(await world.conv.command(group, "household", "")) == ["household.off"]
    assert not await Subscription.filter(scope="household").exists()
    household = world.conv.services.household
    person = await household.person_of(ADMIN.account)
    assert person is not None
    assert not await household.follow(person, group.chat, "tmdb:1")  # already, from before
    assert await Subscription.filter(scope="title").count() == 1
