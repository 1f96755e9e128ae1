"""The REST half of the local Discord server: the routes discord.py calls, in Discord's shapes
and error bodies ({"message", "code"}), each call recorded in `State.calls`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from tests.support.discordapi.gateway import Gateway
from tests.support.discordapi.shapes import (
    JSON,
    dm_channel_payload,
    message_payload,
    snowflake,
)
from tests.support.discordapi.state import Call, Pending, State

Route = Callable[[web.Request, State, Any], Awaitable[web.Response]]
EPHEMERAL, LOADING = 64, 128
GATEWAY = web.AppKey("gateway", Gateway)
CHANGED = web.AppKey("changed", asyncio.Event)  # set after every call, for `until`
CLOSED_DMS = web.AppKey("closed_dms", set[str])  # DM channels whose user takes no DMs
LIMITED = web.AppKey("limited", list[str])  # path starts: the next such call answers 429 once
DOWN = web.AppKey("down", list[str])  # path starts answering 503 while listed (an outage)
UNKNOWN_MESSAGE, UNKNOWN_CHANNEL, UNKNOWN_WEBHOOK, UNKNOWN_INTERACTION = 10008, 10003, 10015, 10062


def answer(body: Any, status: int = 200) -> web.Response:
    """JSON as Discord sends it: discord.py parses a body only when the Content-Type is
    exactly `application/json` (aiohttp's json_response adds a charset, and is read as text)."""
    return web.Response(
        body=json.dumps(body).encode(), status=status, headers={"Content-Type": "application/json"}
    )


def error(status: int, message: str, code: int = 0) -> web.Response:
    return answer({"message": message, "code": code}, status)


async def read_body(request: web.Request) -> Any:
    """JSON, or the `payload_json` part of a multipart body (messages with files)."""
    if request.content_type.startswith("multipart/"):
        reader = await request.multipart()
        async for part in reader:
            if getattr(part, "name", None) == "payload_json":
                return json.loads(await part.text())  # type: ignore[union-attr]
        return {}
    raw = await request.read()
    return json.loads(raw) if raw else None


def create_message(state: State, channel_id: str, body: JSON) -> JSON:
    message = message_payload(
        snowflake(), channel_id, state.bot, body, guild_id=state.channel_guild(channel_id)
    )
    state.messages[message["id"]] = message
    return message


def edit_message(state: State, message_id: str, body: JSON) -> JSON | None:
    message = state.messages.get(message_id)
    if message is None:
        return None
    state.history.setdefault(message_id, []).append(dict(message))
    for key in ("content", "embeds", "components", "flags"):
        if key in body and body[key] is not None:
            message[key] = body[key]
    message["edited_timestamp"] = "2026-01-01T00:00:01.000000+00:00"
    return message


def _known_channel(state: State, channel_id: str) -> bool:
    return state.channel_guild(channel_id) is not None or channel_id in state.dm_channels.values()


# ---- the bot's own account and the gateway ----------------------------------------------


async def me(request: web.Request, state: State, body: Any) -> web.Response:
    return answer(state.bot.payload())


async def application(request: web.Request, state: State, body: Any) -> web.Response:
    return answer(
        {
            "id": state.application_id,
            "name": state.bot.name,
            "icon": None,
            "description": "",
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": state.bot.payload(),
            "verify_key": "0" * 64,
            "flags": 0,
            "team": None,
            "summary": "",
        }
    )


async def gateway_bot(request: web.Request, state: State, body: Any) -> web.Response:
    url = f"ws://{request.host}/gateway"
    limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
    return answer({"url": url, "shards": 1, "session_start_limit": limit})


# ---- commands, guilds, channels, DMs --------------------------------------------------------


async def put_commands(request: web.Request, state: State, body: Any) -> web.Response:
    guild_id = request.match_info.get("guild")
    if guild_id is not None and guild_id not in state.guilds:
        return error(403, "Missing Access", 50001)
    return answer(state.synced(list(body or []), guild_id))


async def leave_guild(request: web.Request, state: State, body: Any) -> web.Response:
    guild_id = request.match_info["guild"]
    if state.guilds.pop(guild_id, None) is None:
        return error(404, "Unknown Guild", 10004)
    state.left.append(guild_id)
    request.app[GATEWAY].dispatch_soon("GUILD_DELETE", {"id": guild_id})
    return web.Response(status=204)


async def open_dm(request: web.Request, state: State, body: Any) -> web.Response:
    user = state.users.get(str(body.get("recipient_id")))
    if user is None:
        return error(400, "Invalid Recipient(s)", 50033)
    channel_id = state.dm_channels.setdefault(user.id, snowflake())
    return answer(dm_channel_payload(channel_id, user))


async def post_message(request: web.Request, state: State, body: Any) -> web.Response:
    channel_id = request.match_info["channel"]
    if not _known_channel(state, channel_id):
        return error(404, "Unknown Channel", UNKNOWN_CHANNEL)
    if channel_id in state.dm_channels.values() and channel_id in request.app[CLOSED_DMS]:
        return error(403, "Cannot send messages to this user", 50007)
    return answer(create_message(state, channel_id, body or {}))


async def patch_message(request: web.Request, state: State, body: Any) -> web.Response:
    message = edit_message(state, request.match_info["message"], body or {})
    if message is None:
        return error(404, "Unknown Message", UNKNOWN_MESSAGE)
    return answer(message)


async def delete_message(request: web.Request, state: State, body: Any) -> web.Response:
    if state.messages.pop(request.match_info["message"], None) is None:
        return error(404, "Unknown Message", UNKNOWN_MESSAGE)
    state.deleted.append(request.match_info["message"])
    return web.Response(status=204)


# ---- interactions: callbacks, then the webhook for follow-ups and edits ---------------------


def _pending(request: web.Request, state: State) -> Pending | None:
    return state.interactions.get(request.match_info["token"])


async def callback(request: web.Request, state: State, body: Any) -> web.Response:
    """Types 4 (message), 5 (defer, thinking), 6 (defer an update), 7 (update the message),
    8 (autocomplete choices), 9 (modal). A second callback is refused as Discord does."""
    pending = _pending(request, state)
    if pending is None or pending.payload["id"] != request.match_info["interaction"]:
        return error(404, "Unknown interaction", UNKNOWN_INTERACTION)
    if pending.callbacks:
        return error(400, "Interaction has already been acknowledged.", 40060)
    pending.callbacks.append(body)
    kind, data = body["type"], body.get("data") or {}
    source = pending.payload.get("message")
    resource: JSON | None = None
    if kind == 4:
        resource = create_message(state, pending.payload["channel_id"], data)
    elif kind == 5:
        resource = create_message(
            state, pending.payload["channel_id"], {"flags": LOADING | data.get("flags", 0)}
        )
    elif kind in (6, 7) and source is not None:
        pending.original_id = source["id"]
        resource = edit_message(state, source["id"], data) if kind == 7 else None
    if kind in (4, 5):
        assert resource is not None
        pending.original_id = resource["id"]
    reply: JSON = {
        "interaction": {
            "id": pending.payload["id"],
            "type": pending.payload["type"],
            "response_message_id": pending.original_id,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(data.get("flags", 0) & EPHEMERAL),
        }
    }
    if resource is not None:
        reply["resource"] = {"type": kind, "message": resource}
    return answer(reply)


async def follow_up(request: web.Request, state: State, body: Any) -> web.Response:
    pending = _pending(request, state)
    if pending is None or not pending.callbacks:
        return error(404, "Unknown Webhook", UNKNOWN_WEBHOOK)
    return answer(create_message(state, pending.payload["channel_id"], body or {}))


def _webhook_message_id(request: web.Request, pending: Pending) -> str | None:
    named = request.match_info["message"]
    return pending.original_id if named == "@original" else named


async def webhook_message(request: web.Request, state: State, body: Any) -> web.Response:
    """GET, PATCH or DELETE /webhooks/{app}/{token}/messages/{id or @original}."""
    pending = _pending(request, state)
    message_id = None if pending is None else _webhook_message_id(request, pending)
    if message_id is None or message_id not in state.messages:
        return error(404, "Unknown Message", UNKNOWN_MESSAGE)
    if request.method == "DELETE":
        del state.messages[message_id]
        state.deleted.append(message_id)
        return web.Response(status=204)
    if request.method == "GET":
        return answer(state.messages[message_id])
    body = dict(body or {})
    if body.get("content") is not None or body.get("embeds") is not None:
        state.messages[message_id]["flags"] &= ~LOADING  # the defer's "thinking" ends
    return answer(edit_message(state, message_id, body))


# the webhook and interaction routes are authorised by the token in their path, as on Discord
ROUTES: list[tuple[str, str, Route, bool]] = [
    ("GET", "/users/@me", me, True),
    ("GET", "/oauth2/applications/@me", application, True),
    ("GET", "/applications/@me", application, True),
    ("GET", "/gateway/bot", gateway_bot, True),
    ("PUT", "/applications/{app}/commands", put_commands, True),
    ("PUT", "/applications/{app}/guilds/{guild}/commands", put_commands, True),
    ("DELETE", "/users/@me/guilds/{guild}", leave_guild, True),
    ("POST", "/users/@me/channels", open_dm, True),
    ("POST", "/channels/{channel}/messages", post_message, True),
    ("PATCH", "/channels/{channel}/messages/{message}", patch_message, True),
    ("DELETE", "/channels/{channel}/messages/{message}", delete_message, True),
    ("POST", "/interactions/{interaction}/{token}/callback", callback, False),
    ("POST", "/webhooks/{app}/{token}", follow_up, False),
    ("GET", "/webhooks/{app}/{token}/messages/{message}", webhook_message, False),
    ("PATCH", "/webhooks/{app}/{token}/messages/{message}", webhook_message, False),
    ("DELETE", "/webhooks/{app}/{token}/messages/{message}", webhook_message, False),
]


def install(app: web.Application, state: State, prefix: str) -> None:
    """Every route under `prefix` ("/api/v10"): record the call, check the token, answer."""
    for method, path, route, needs_token in ROUTES:
        app.router.add_route(method, prefix + path, _recorded(state, prefix, route, needs_token))


def _rate_limited() -> web.Response:
    """Discord's 429: the body's retry_after and the bucket headers discord.py reads. Without
    `Via` discord.py takes a 429 for a Cloudflare ban and raises at once."""
    body = {"message": "You are being rate limited.", "retry_after": 0.2, "global": False}
    response = answer(body, 429)
    response.headers.update(
        {
            "Retry-After": "1",
            "Via": "1.1 google",
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset-After": "0.2",
            "X-RateLimit-Bucket": "test-bucket",
            "X-RateLimit-Scope": "user",
        }
    )
    return response


def _recorded(state: State, prefix: str, route: Route, needs_token: bool) -> Any:
    async def handle(request: web.Request) -> web.Response:
        body = await read_body(request)
        auth = request.headers.get("Authorization") == f"Bot {state.token}"
        path = request.path.removeprefix(prefix)
        state.calls.append(Call(request.method, path, dict(request.query), body, auth))
        if needs_token and not auth:
            return error(401, "401: Unauthorized")
        if any(path.startswith(p) for p in request.app[DOWN]):
            request.app[CHANGED].set()
            return error(503, "Service Unavailable")  # discord.py raises DiscordServerError
        limited = request.app[LIMITED]
        hit = next((p for p in limited if path.startswith(p)), None)
        if hit is not None:
            limited.remove(hit)
            return _rate_limited()
        response = await route(request, state, body)
        request.app[CHANGED].set()
        return response

    return handle
