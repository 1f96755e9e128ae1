"""Closed by default: strangers, claim codes, languages, and secrets only in private chats."""

from __future__ import annotations

import dataclasses

from bot.conversation import Conversation
from bot.views import FORM, PROMPT, Sender
from core.app import Outpost
from core.services.household import CLAIM_SETTING, Household
from core.store.models import AccessRequest, Identity, Integration, Person, Role, Setting
from tests.conversation.conftest import (
    ADMIN,
    GROUP,
    MEMBER,
    STRANGER,
    World,
    button,
    in_group,
    keys,
    text,
)


async def test_a_stranger_is_refused_once_then_silence_and_the_admin_lets_them_in(
    world: World,
) -> None:
    conv = world.conv
    first = await conv.command(STRANGER, "search", "dune")
    mine = [r for r in first if r.chat is None]
    prompts = [r for r in first if r.chat is not None]
    assert keys(mine) == ["access.refused"]
    assert [r.chat for r in prompts] == [ADMIN.chat]  # only the admin, in her private chat
    assert await conv.command(STRANGER, "start", "") == []
    assert await conv.message(STRANGER, "hello?") == []
    assert await AccessRequest.filter(external_id=STRANGER.user_id).count() == 1
    assert not await Identity.exists(external_id=STRANGER.user_id)

    approve = button(prompts[0].view, "button.approve")
    denied = await conv.tap(MEMBER, approve.token)  # not the member's button
    assert denied.alert is not None and denied.alert.key == "tap.foreign"
    assert not await Identity.exists(external_id=STRANGER.user_id)

    answer = await conv.tap(ADMIN, approve.token)
    assert answer.alert is None
    assert keys(answer.replies) == ["access.approved", "access.welcome", "start.next"]
    assert answer.replies[1].chat == STRANGER.chat
    identity = await Identity.get(platform="telegram", external_id=STRANGER.user_id)
    person = await Person.get(id=identity.person_id)  # type: ignore[attr-defined]
    assert (person.name, person.role, person.language) == ("Eve", Role.MEMBER, "en")  # fr: none
    assert keys(await conv.command(STRANGER, "start", ""))[0] == "start.hello"


async def test_a_declined_stranger_stays_unanswered(world: World) -> None:
    conv = world.conv
    prompt = next(r for r in await conv.command(STRANGER, "start", "") if r.chat)
    answer = await conv.tap(ADMIN, button(prompt.view, "button.decline").token)
    assert keys(answer.replies) == ["access.declined"]
    assert await conv.command(STRANGER, "start", "") == []
    assert not await Identity.exists(external_id=STRANGER.user_id)
    again = await conv.tap(ADMIN, button(prompt.view, "button.approve").token)
    assert keys(again.replies) == ["access.already_decided"]
    assert not await Identity.exists(external_id=STRANGER.user_id)


async def test_claim_makes_the_first_admin_once(app: Outpost) -> None:
    conv = Conversation(app)
    code = await Household().ensure_claim_code()
    assert code is not None
    stored = await Setting.get(key=CLAIM_SETTING)
    assert code not in str(stored.value)  # only a hash is kept

    assert keys(await conv.command(STRANGER, "claim", "WRONGCODE1")) == ["claim.wrong"]
    group = await conv.command(in_group(STRANGER), "claim", code)
    assert keys(group) == ["claim.private_only"] and group[0].delete_trigger
    assert await Person.all().count() == 0 and await Setting.exists(key=CLAIM_SETTING)

    done = await conv.command(STRANGER, "claim", code.lower())
    assert keys(done) == ["claim.done", "start.next"]
    eve = await Person.get(name="Eve")
    assert eve.role == Role.ADMIN
    other = Sender("telegram", "301", "301", True, "de", "Mallory")
    assert keys(await conv.command(other, "claim", code)) == ["claim.wrong"]
    assert not await Identity.exists(external_id="301")
    assert await Household().ensure_claim_code() is None  # the household has its admin


async def test_language_follows_the_person_then_the_client(world: World) -> None:
    conv = world.conv
    assert await conv.language(MEMBER.chat) == "de"
    assert await conv.language(ADMIN.chat) == "en"
    assert await conv.language(f"telegram:{GROUP}") == "en"
    assert await conv.language_of(Sender("telegram", "9", "9", True, "de-AT")) == "de"
    assert await conv.language_of(Sender("telegram", "9", "9", True, "pt-BR")) == "en"


async def test_secret_settings_only_in_private_and_only_for_admins(world: World) -> None:
    conv = world.conv
    args = "spy http://127.0.0.1:9/ secret-key-canary"
    group = await conv.command(in_group(ADMIN), "addindexer", args)
    assert keys(group) == ["secret.private_only"] and all(r.delete_trigger for r in group)
    member = await conv.command(MEMBER, "addindexer", args)
    assert keys(member) == ["secret.admin_only"] and member[0].delete_trigger
    wrong = await conv.command(ADMIN, "addclient", "qbit http://127.0.0.1:9/")
    assert keys(wrong) == ["secret.usage_addclient"] and wrong[0].delete_trigger
    stranger = await conv.command(STRANGER, "addindexer", args)
    assert stranger and all(r.delete_trigger for r in stranger if r.chat is None)
    assert await Integration.all().count() == 0


async def test_admin_adds_an_indexer_in_private_and_the_message_goes(world: World) -> None:
    from tests.support.torznab_server import TorznabFeed

    with TorznabFeed([], api_key="k-canary") as feed:
        added = await world.conv.command(ADMIN, "addindexer", f"home {feed.url} k-canary")
        refused = await world.conv.command(ADMIN, "addindexer", f"bad {feed.url} wrong-key")
    assert keys(added) == ["secret.added"] and added[0].delete_trigger
    assert keys(refused)[0] == "secret.failed" and refused[0].delete_trigger
    assert [i.name for i in await Integration.all()] == ["home"]
    row = await Integration.get(name="home")
    assert "k-canary" not in (row.secret or "")  # sealed, not in clear
    assert GROUP  # the group chat id is only used via in_group


async def test_secret_wording_follows_how_the_frontend_takes_secrets(world: World) -> None:
    """Only a chat that deletes the message says so (Telegram); Discord's modal and the
    console's prompt get their own words, in every step, and a FORM frontend (private in a
    guild channel too) takes the command outside a DM, but never a secret typed into it."""
    conv = world.conv
    chat = ADMIN
    form = dataclasses.replace(ADMIN, secret_input=FORM)
    prompt = dataclasses.replace(ADMIN, secret_input=PROMPT)
    in_channel = dataclasses.replace(in_group(ADMIN), secret_input=FORM)
    bare = "torznab home http://127.0.0.1:9/"
    assert keys(await conv.command(chat, "addindexer", bare)) == ["secret.ask"]
    assert keys(await conv.command(form, "addindexer", bare)) == ["secret.ask_form"]
    assert keys(await conv.command(prompt, "addindexer", bare)) == ["secret.ask_prompt"]
    [asked] = await conv.command(in_channel, "addindexer", bare)  # a guild: the modal is private
    assert asked.ask is not None and [f.label.key for f in asked.ask.fields] == ["secret.field"]
    typed = await conv.command(in_channel, "addindexer", bare + " secret-key-canary")
    assert keys(typed) == ["secret.not_in_command"]
    assert keys(await conv.command(form, "addclient", "")) == ["secret.usage"]
    assert keys(await conv.command(chat, "addclient", "")) == ["secret.usage_addclient"]
    member_form = dataclasses.replace(MEMBER, secret_input=FORM)
    assert keys(await conv.command(member_form, "addindexer", bare)) == ["secret.admin_only_plain"]
    for sender in (form, prompt, in_channel):
        worded = " ".join(
            text(r) for r in await conv.command(sender, "addindexer", bare + "x y z w")
        )
        assert "deleted" not in worded
    assert await Integration.all().count() == 0
