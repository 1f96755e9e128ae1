"""deluge-web's JSON-RPC session: `auth.login`, then connecting the web UI to a daemon ourselves.

Every answer is HTTP 200 `{"result", "error", "id"}`; `error.code` 1 is "not authenticated",
2 "unknown method" (also every `core.*` call while the web UI has no daemon), 4 a daemon-side
exception whose message is a traceback (never shown: only the method name leaves this module).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from core import errors
from core.http import HttpResponse, HttpService, raise_for_status
from core.httpwire import reject_constant

log = logging.getLogger(__name__)

NOT_AUTHENTICATED = 1
UNKNOWN_METHOD = 2
# deluge-web starts disconnected, and a `web.connect` sent before deluged listens answers null
# (no error): it is tried again, boundedly, until the daemon takes it.
CONNECT_TIMEOUT = 10.0
CONNECT_WAIT = 0.2


class RpcError(errors.BadResponse):
    """The daemon answered a call with an error object (its message stays in the log only)."""

    def __init__(self, message: str, *, service: str, code: int) -> None:
        self.code = code
        super().__init__(message, service=service)


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate key")
    return dict(pairs)


def parse_reply(response: HttpResponse, service: str, call_id: int) -> dict[str, Any]:
    """The reply object, strictly: no NaN, no duplicate keys, the shape JSON-RPC promises."""
    try:
        text = response.content.decode("utf-8-sig")
        reply = json.loads(text, parse_constant=reject_constant, object_pairs_hook=_unique)
    except (ValueError, RecursionError, UnicodeDecodeError) as err:
        raise errors.ProtocolMismatch(
            f"{service}: invalid JSON from {response.url}: {type(err).__name__}",
            service=service,
            key="error.bad_json",
        ) from None
    if not isinstance(reply, dict) or "result" not in reply or reply.get("id") != call_id:
        raise errors.BadResponse(f"{service}: not a JSON-RPC reply", service=service)
    error = reply.get("error")
    if error is not None and not (isinstance(error, dict) and isinstance(error.get("code"), int)):
        raise errors.BadResponse(f"{service}: unreadable JSON-RPC error", service=service)
    return reply


class DelugeRpc:
    """One logged-in, daemon-connected JSON-RPC session with one deluge-web."""

    def __init__(self, name: str, url: str, http: HttpService, password: str | None) -> None:
        self.name = name
        self._endpoint = url.rstrip("/") + "/json"
        self._http = http
        self._password = password or ""
        self._ids = 0
        self._ready = False  # logged in and connected, as far as we know
        self._lock = asyncio.Lock()
        self.host_id: str | None = None  # the daemon the web UI is connected to, once known

    async def call(self, method: str, *params: Any, max_bytes: int | None = None) -> Any:
        """`method(*params)`'s result; logs in and connects first, and once more if the web UI
        lost its session or its daemon meanwhile (a daemon restart disconnects it)."""
        await self.ready()
        try:
            return await self._call(method, list(params), max_bytes)
        except RpcError as err:
            if err.code not in (NOT_AUTHENTICATED, UNKNOWN_METHOD):
                raise
            self._ready = False
            await self.ready()
            return await self._call(method, list(params), max_bytes)

    async def ready(self) -> None:
        async with self._lock:
            if not self._ready:
                await self._login()
                await self._connect()
                self._ready = True

    async def _call(self, method: str, params: list[Any], max_bytes: int | None = None) -> Any:
        self._ids += 1
        body = {"method": method, "params": params, "id": self._ids}
        # an add sent twice could be taken twice: only reads are retried on a network fault
        retries = 0 if method.startswith("core.add_") else None
        response = await self._http.request(
            "POST", self._endpoint, json=body, max_bytes=max_bytes, retries=retries
        )
        raise_for_status(response, self.name)
        reply = parse_reply(response, self.name, self._ids)
        error = reply.get("error")
        if error is not None:
            code = int(error["code"])
            log.debug("%s: %s failed with code %s", self.name, method, code)
            raise RpcError(
                f"{self.name}: {method} failed (code {code})", service=self.name, code=code
            )
        return reply["result"]

    async def _login(self) -> None:
        self._http.add_secret(self._password)
        if await self._call("auth.login", [self._password]) is not True:
            raise errors.AuthFailed(f"{self.name}: wrong web UI password", service=self.name)

    async def _connect(self) -> None:
        """Connect the web UI to a daemon from its host list, unless it already is."""
        if await self._call("web.connected", []) is True:
            return
        hosts = await self._call("web.get_hosts", [])
        if not isinstance(hosts, list):
            raise errors.BadResponse(f"{self.name}: unreadable host list", service=self.name)
        ids = [h[0] for h in hosts if isinstance(h, list) and h and isinstance(h[0], str)]
        if not ids:
            raise _no_daemon(self.name, "its host list is empty")
        deadline = time.monotonic() + CONNECT_TIMEOUT
        while True:
            for host_id in ids:
                if await self._call("web.connect", [host_id]) is not None:
                    if await self._call("web.connected", []) is True:
                        self.host_id = host_id
                        return
            if time.monotonic() + CONNECT_WAIT > deadline:
                raise _no_daemon(self.name, "no daemon in its host list answers")
            await asyncio.sleep(CONNECT_WAIT)


def _no_daemon(name: str, why: str) -> errors.Unavailable:
    return errors.Unavailable(
        f"{name}: the web UI is not connected to a daemon ({why})",
        service=name,
        key="error.deluge_no_daemon",
    )
