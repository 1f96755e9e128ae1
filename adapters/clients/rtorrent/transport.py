"""The two ways to reach rtorrent's XML-RPC: straight to its SCGI port, or an HTTP /RPC2 that a
web server (nginx, lighttpd) bridges to it, optionally behind basic auth."""

from __future__ import annotations

import base64
from typing import Any, Protocol
from urllib.parse import urlsplit

from adapters.clients.rtorrent.scgi import scgi_post
from core import errors
from core.http import HttpService, raise_for_status


class Transport(Protocol):
    async def post(self, body: bytes, max_bytes: int) -> bytes: ...


def rpc_url(value: Any) -> str:
    """`scgi://host:port` or an http(s) URL (its path, e.g. /RPC2, kept as given)."""
    text = str(value).strip()
    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError:
        port = None
    ok_scgi = parts.scheme == "scgi" and parts.hostname and port and parts.path in ("", "/")
    ok_http = parts.scheme in ("http", "https") and parts.hostname
    if not (ok_scgi or ok_http):
        raise errors.UserError(
            f"not an scgi:// or http(s) URL: {text!r}", key="error.bad_rpc_url", url=text
        )
    return text


class ScgiTransport:
    def __init__(self, url: str, http: HttpService) -> None:
        parts = urlsplit(url)
        self._host, self._port = parts.hostname or "", parts.port or 0
        self._http = http  # only its policy: the limits are the same as for HTTP

    async def post(self, body: bytes, max_bytes: int) -> bytes:
        service = self._http.service
        return await scgi_post(self._host, self._port, body, self._http.policy, service, max_bytes)


class HttpTransport:
    def __init__(
        self, url: str, http: HttpService, username: str | None, password: str | None
    ) -> None:
        self._url = url
        self._http = http
        self._headers = {"Content-Type": "text/xml"}
        if username is not None and password is not None:
            token = base64.b64encode(f"{username}:{password}".encode()).decode()
            http.add_secret(password, token)
            self._headers["Authorization"] = f"Basic {token}"

    async def post(self, body: bytes, max_bytes: int) -> bytes:
        response = await self._http.request(
            "POST", self._url, content=body, headers=self._headers, max_bytes=max_bytes
        )
        raise_for_status(response, self._http.service)  # 401/403 → AuthFailed
        return response.content


def transport_for(
    url: str, http: HttpService, username: str | None, password: str | None
) -> Transport:
    if urlsplit(url).scheme == "scgi":
        return ScgiTransport(url, http)
    return HttpTransport(url, http, username, password)
