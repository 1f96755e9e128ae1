"""Where discord.py connects: Discord itself, or the REST base OUTPOST_DISCORD_API_URL names
and the gateway that server's GET /gateway/bot answers (a proxy or a test server)."""

from __future__ import annotations

import logging

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

log = logging.getLogger(__name__)

DISCORD_REST = "https://discord.com/api/v10"
DISCORD_GATEWAY = yarl.URL("wss://gateway.discord.gg/")


def point_rest(api_url: str | None) -> None:
    """`Route.BASE` is discord.py's one REST knob (class-wide, so one base per process)."""
    Route.BASE = (api_url or DISCORD_REST).rstrip("/")


async def point_gateway(client: discord.Client, api_url: str | None) -> None:
    """A plain client dials `DiscordWebSocket.DEFAULT_GATEWAY` and never asks /gateway/bot;
    with another REST base, ask it, so the first connection and every reconnect after an
    invalidated session go there (a resume goes to READY's `resume_gateway_url`)."""
    if not api_url:
        DiscordWebSocket.DEFAULT_GATEWAY = DISCORD_GATEWAY
        return
    _shards, url, _limit = await client.http.get_bot_gateway()
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
    log.debug("the Discord gateway is %s", url)
