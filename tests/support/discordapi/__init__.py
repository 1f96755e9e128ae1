"""A local Discord REST + gateway server on loopback for tests, driven by the test.

    async with DiscordApiServer() as api:
        guild, ann = api.guild("Home"), api.user("Ann")
        discord.http.Route.BASE = api.base_url           # REST; the gateway from GET /gateway/bot
        ...start a discord.py client with api.token...
        await api.until(api.gateway.connected)
        pending = await api.slash(ann, guild, "search", query="dune")
        reply = await api.until(lambda: api.message(pending.original_id))
        await api.press(ann, reply, api.buttons(reply)[0]["custom_id"], guild)

It speaks Discord's v10 shapes: GET /users/@me, /gateway/bot, command sync (PUT), interaction
callbacks (types 4-9), webhook follow-ups and edits (@original), channel messages, DMs and
leaving a guild; on the gateway HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeats/ACK,
RESUME, INTERACTION_CREATE (commands, button presses, select picks, modal submits),
GUILD_MEMBER_UPDATE (`api.set_roles`) and GUILD_MEMBERS_CHUNK for a member request; guild roles
and members come in GUILD_CREATE. `api.close_dms(user)` answers 50007, `api.limited` one 429,
`api.down` 503 while listed. Every REST call is recorded (`api.calls`).
"""

from tests.support.discordapi.server import DEFAULT_TOKEN, DiscordApiServer
from tests.support.discordapi.shapes import FakeGuild, FakeUser
from tests.support.discordapi.state import Call, Pending

__all__ = ["DEFAULT_TOKEN", "Call", "DiscordApiServer", "FakeGuild", "FakeUser", "Pending"]
