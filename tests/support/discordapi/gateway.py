"""The gateway half of the local Discord server: HELLO, IDENTIFY -> READY and GUILD_CREATE,
heartbeats and their ACKs, RESUME, and dispatches (INTERACTION_CREATE ...) pushed by tests."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field

from aiohttp import WSMsgType, web

from tests.support.discordapi.shapes import JSON, snowflake
from tests.support.discordapi.state import State

DISPATCH, HEARTBEAT, IDENTIFY, RESUME, RECONNECT, INVALID_SESSION = 0, 1, 2, 6, 7, 9
REQUEST_GUILD_MEMBERS = 8
HELLO, HEARTBEAT_ACK = 10, 11
AUTHENTICATION_FAILED = 4004


@dataclass
class Session:
    socket: web.WebSocketResponse
    session_id: str | None = None
    sequence: int = 0
    identified: asyncio.Event = field(default_factory=asyncio.Event)


class Gateway:
    """One session per connected socket; `identifies`, `resumes` and `heartbeats` count what
    clients did, so a test can tell a reconnect from a resume."""

    def __init__(self, state: State, heartbeat_ms: int = 41250) -> None:
        self.state = state
        self.heartbeat_ms = heartbeat_ms
        self.sessions: list[Session] = []
        self.identifies = self.resumes = self.heartbeats = 0
        self.connected_urls: list[str] = []
        self._tasks: set[asyncio.Task[None]] = set()

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self.connected_urls.append(str(request.rel_url))
        session = Session(socket)
        self.sessions.append(session)
        await socket.send_json({"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_ms}})
        try:
            async for message in socket:
                if message.type != WSMsgType.TEXT:
                    break
                await self._receive(session, json.loads(message.data), request)
        finally:
            self.sessions.remove(session)
        return socket

    async def _receive(self, session: Session, message: JSON, request: web.Request) -> None:
        op, data = message.get("op"), message.get("d")
        if op == HEARTBEAT:
            self.heartbeats += 1
            await session.socket.send_json({"op": HEARTBEAT_ACK})
        elif op in (IDENTIFY, RESUME) and (data or {}).get("token") != self.state.token:
            await session.socket.close(
                code=AUTHENTICATION_FAILED, message=b"Authentication failed."
            )
        elif op == IDENTIFY:
            self.identifies += 1
            await self._ready(session, f"ws://{request.host}/gateway")
        elif op == REQUEST_GUILD_MEMBERS:  # one chunk with every member (a small guild)
            guild = self.state.guilds.get(str(data.get("guild_id")))
            if guild is not None:
                members = [guild.member(u) for u in guild.members.values()]
                chunk = {"guild_id": guild.id, "members": members, "chunk_index": 0}
                if data.get("nonce"):
                    chunk["nonce"] = data["nonce"]
                await self._send(session, "GUILD_MEMBERS_CHUNK", {**chunk, "chunk_count": 1})
        elif op == RESUME:
            self.resumes += 1
            session.session_id, session.sequence = data["session_id"], data["seq"]
            await self._send(session, "RESUMED", {})
            session.identified.set()

    async def _ready(self, session: Session, resume_url: str) -> None:
        session.session_id = snowflake()
        guilds = list(self.state.guilds.values())
        await self._send(
            session,
            "READY",
            {
                "v": 10,
                "user": self.state.bot.payload(),
                "guilds": [{"id": guild.id, "unavailable": True} for guild in guilds],
                "session_id": session.session_id,
                "resume_gateway_url": resume_url,
                "shard": [0, 1],
                "application": {"id": self.state.application_id, "flags": 0},
            },
        )
        for guild in guilds:
            await self._send(session, "GUILD_CREATE", guild.payload(self.state.bot))
        session.identified.set()

    async def _send(self, session: Session, event: str, data: JSON) -> None:
        session.sequence += 1
        await session.socket.send_json(
            {"op": DISPATCH, "t": event, "s": session.sequence, "d": data}
        )

    async def dispatch(self, event: str, data: JSON, to: Session | None = None) -> None:
        """To every identified session (a test waits for one with `until_connected`), or
        to `to` alone (a benchmark drives two bots on one server)."""
        for session in [to] if to is not None else list(self.sessions):
            if session.identified.is_set() and not session.socket.closed:
                await self._send(session, event, data)

    def dispatch_soon(self, event: str, data: JSON) -> None:
        """From inside a REST handler: after the answer, as Discord's gateway follows its REST."""
        task = asyncio.get_running_loop().create_task(self.dispatch(event, data))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drop(self, code: int = 4000) -> None:
        """Close every socket with a resumable code (4000, "unknown error"), as an outage does."""
        for session in list(self.sessions):
            await session.socket.close(code=code)

    async def invalidate(self) -> None:
        """INVALID_SESSION (not resumable): the client must connect afresh and IDENTIFY."""
        for session in list(self.sessions):
            await session.socket.send_json({"op": INVALID_SESSION, "d": False})

    def connected(self) -> bool:
        return any(s.identified.is_set() and not s.socket.closed for s in self.sessions)

    async def close(self) -> None:
        await self.drop(code=1001)
        await asyncio.gather(*self._tasks, return_exceptions=True)
