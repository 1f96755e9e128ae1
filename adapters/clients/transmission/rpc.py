"""Transmission's RPC transport: Basic auth and the bounded X-Transmission-Session-Id handshake."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

from adapters.clients.transmission.wire import parse
from core import errors
from core.http import HttpResponse, HttpService, basic_realm, raise_for_status

SESSION_HEADER = "X-Transmission-Session-Id"
# A 409 hands out a session id; a second 409 in a row can follow a daemon restart between the
# two calls. More than this is a peer that never accepts one: an error, not a loop.
HANDSHAKES = 3
MISDIRECTED = 421  # the host whitelist refused the Host header we sent


class RpcSession:
    """One daemon's RPC endpoint; the session id is shared by concurrent callers."""

    def __init__(
        self,
        name: str,
        url: str,
        http: HttpService,
        *,
        username: str | None,
        password: str | None,
    ) -> None:
        self.name = name
        self.url = url
        self._http = http
        self._session_id = ""
        self._lock = asyncio.Lock()
        self._auth: dict[str, str] = {}
        if username is not None or password is not None:
            # Transmission checks auth before the 409, so it rides on the very first request.
            token = base64.b64encode(f"{username or ''}:{password or ''}".encode()).decode()
            http.add_secret(password, token)
            self._auth = {"Authorization": f"Basic {token}"}

    async def call(
        self,
        method: str,
        arguments: dict[str, Any],
        *,
        max_bytes: int | None = None,
        retries: int | None = None,
    ) -> dict[str, Any]:
        """Run one RPC method; its `arguments`, or a typed error."""
        body = {"method": method, "arguments": arguments}
        for _ in range(HANDSHAKES):
            sent = self._session_id
            headers = {**self._auth, SESSION_HEADER: sent}
            response = await self._http.request(
                "POST", self.url, json=body, headers=headers, max_bytes=max_bytes, retries=retries
            )
            if response.status != 409:
                return self._answer(response)
            await self._renew(sent, response)
        raise errors.BadResponse(
            f"{self.name}: the daemon never accepted a session id",
            service=self.name,
            key="error.session_refused",
        )

    async def _renew(self, sent: str, response: HttpResponse) -> None:
        fresh = response.headers.get(SESSION_HEADER, "")
        if not fresh or len(fresh) > 200:
            raise errors.ProtocolMismatch(
                f"{self.name}: a 409 without a session id; is this Transmission?",
                service=self.name,
                key="error.session_refused",
            )
        async with self._lock:
            if self._session_id == sent:  # else another caller renewed it meanwhile
                self._session_id = fresh

    def _answer(self, response: HttpResponse) -> dict[str, Any]:
        if response.status == 401:
            realm = basic_realm(response)  # "Transmission"; another realm: another program
            raise errors.AuthFailed(
                f"{self.name}: wrong username or password", service=self.name, realm=realm
            )
        if response.status == 403:  # "Unauthorized IP Address": the rpc-whitelist
            raise errors.AuthFailed(
                f"{self.name}: our address is not on the RPC whitelist",
                service=self.name,
                key="error.transmission_whitelist",
            )
        if response.status == MISDIRECTED:
            raise errors.AuthFailed(
                f"{self.name}: the host name is not on the host whitelist",
                service=self.name,
                key="error.transmission_host_whitelist",
            )
        raise_for_status(response, self.name)
        return parse(response, self.name)
