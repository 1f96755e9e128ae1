"""A gateway disconnect or resume loses no notice and sends none twice: a notice that failed
during an outage goes out when the gateway is back (RESUME, or a fresh IDENTIFY), once; one
produced while the gateway is away goes out over REST, once."""

from __future__ import annotations

from core.app import Outpost
from core.events import ImportCompleted
from core.services.household import Household
from core.store.models import MediaRequest, Notice, Role
from core.store.models import Person as PersonRow
from tests.discord.conftest import Start
from tests.support.discordapi import DiscordApiServer, FakeUser


async def _request(ada: FakeUser, title: str) -> int:
    person = await PersonRow.get(name="Ada")
    request = await MediaRequest.create(person=person, kind="movie", title=title)
    return int(request.id)


async def test_a_notice_failed_in_an_outage_goes_out_once_after_the_resume(
    outpost: Outpost, start_bot: Start, discordapi: DiscordApiServer
) -> None:
    api = discordapi
    home, ada = api.guild("Home"), api.user("Ada")
    await Household().add_person("Ada", Role.MEMBER, {"discord": ada.id}, "en")
    frontend = await start_bot(frozenset({int(home.id)}), coalesce=0.0)
    client = frontend.client
    assert client is not None
    request = await _request(ada, "Sintel")
    api.down.append("/channels/")  # Discord is down: the DM answers 503
    await outpost.bus.publish(ImportCompleted(grab_id=1, title="Sintel", request_id=request))
    notice = await Notice.get(chat=f"discord:{ada.id}")
    assert notice.delivered_at is None and notice.attempts == 1  # waits, not given up
    dm = api.state.dm_channels[ada.id]
    posts = f"/channels/{dm}/messages"
    await api.gateway.drop()  # the gateway drops the connection too (resumable, 4000)
    await api.until(lambda: api.gateway.resumes == 1 and api.gateway.connected())
    await api.until(lambda: len(api.calls_to("POST", posts)) == 2)  # tried on the resume: 503
    api.down.clear()  # Discord is back; the next resume delivers what waited
    await api.gateway.drop()
    told = await api.until(lambda: api.in_channel(dm))
    assert api.gateway.resumes == 2
    assert len(told) == 1 and "Sintel" in told[0]["content"]
    await api.gateway.invalidate()  # a fresh IDENTIFY sends nothing again
    await api.until(lambda: client.reconnects == 3)
    await client.settled()
    await api.gateway.drop()  # nor another resume
    await api.until(lambda: client.reconnects == 4)
    await client.settled()
    assert api.gateway.identifies == 2 and api.gateway.resumes == 3
    assert (await Notice.get(id=notice.id)).delivered_at is not None
    assert len(api.in_channel(dm)) == 1 and len(api.calls_to("POST", posts)) == 3


async def test_a_notice_produced_while_the_gateway_is_away_is_sent_once(
    outpost: Outpost, start_bot: Start, discordapi: DiscordApiServer
) -> None:
    api = discordapi
    home, ada = api.guild("Home"), api.user("Ada")
    await Household().add_person("Ada", Role.MEMBER, {"discord": ada.id}, "en")
    await start_bot(frozenset({int(home.id)}), coalesce=0.0)
    request = await _request(ada, "Dune")
    identifies = api.gateway.identifies
    await api.gateway.invalidate()  # the session is gone: the client must IDENTIFY again
    await outpost.bus.publish(ImportCompleted(grab_id=2, title="Dune", request_id=request))
    await api.until(lambda: api.gateway.identifies > identifies and api.gateway.connected())
    dm = api.state.dm_channels[ada.id]
    told = await api.until(lambda: api.in_channel(dm))
    assert len(told) == 1 and "Dune" in told[0]["content"]
    assert (await Notice.get(chat=f"discord:{ada.id}")).delivered_at is not None
    assert len(api.calls_to("POST", f"/channels/{dm}/messages")) == 1
