"""Fetch a release file (.torrent/.nzb) a feed named, refusing URLs that reach into the LAN."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urljoin, urlsplit

from adapters.indexers.torznab import xmldoc
from core import errors
from core.http import HttpResponse, HttpService, raise_for_status
from core.redact import redact

FETCH_MAX_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


async def fetch_file(http: HttpService, url: str, *, trusted_host: str, service: str) -> bytes:
    """GET `url` under the SSRF policy, following (and re-checking) a few redirects.

    Indexers (Prowlarr, Jackett) often redirect a download link to a magnet; that magnet is
    handed back in the error's params so the caller can send it to the client instead."""
    for _ in range(MAX_REDIRECTS + 1):
        await check_fetchable(url, trusted_host=trusted_host, service=service)
        response = await http.get(url, max_bytes=FETCH_MAX_BYTES)
        location = response.headers.get("location")
        if response.status not in _REDIRECTS or not location:
            return _file_body(response, service, http)
        url = urljoin(url, location.strip())
    raise errors.BadResponse(
        f"{service}: too many redirects", key="error.redirects", service=service
    )


async def check_fetchable(url: str, *, trusted_host: str, service: str) -> None:
    """Only http(s); private, loopback and link-local hosts only when they are the indexer's own."""
    try:
        parts = urlsplit(url.strip())
        host, port = parts.hostname or "", parts.port
    except ValueError:
        raise errors.UserError(
            f"{service}: malformed link", key="error.bad_url", url=redact(url)[:100]
        ) from None
    scheme = parts.scheme.lower()
    if scheme == "magnet":
        raise errors.UserError(
            f"{service}: a magnet link is handed to the client, not fetched",
            key="error.magnet_not_fetchable",
            magnet=url,
        )
    if scheme not in ("http", "https") or not host:
        raise errors.UserError(
            f"{service}: only http(s) links can be fetched, not {scheme[:20]!r}",
            key="error.url_not_allowed",
            service=service,
            scheme=scheme[:20],
        )
    if host == trusted_host.lower():
        return
    for address in await _addresses(host, port or (443 if scheme == "https" else 80), service):
        if not _is_public(address):
            raise errors.UserError(
                f"{service}: link points inside the network ({host[:100]})",
                key="error.url_not_allowed",
                service=service,
                host=host[:100],
            )


async def _addresses(host: str, port: int, service: str) -> list[str]:
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass  # a name (or an odd IP spelling such as 2130706433): ask the resolver
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise errors.Unreachable(
            f"{service}: cannot resolve {host[:100]}", service=service
        ) from None
    return [str(info[4][0]) for info in infos]


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _file_body(response: HttpResponse, service: str, http: HttpService) -> bytes:
    if response.status in _REDIRECTS:  # a redirect without a Location
        raise errors.BadResponse(f"{service}: redirect without a target", service=service)
    body = xmldoc.clean(response.content)
    if xmldoc.is_error_document(body):
        # Newznab answers t=get with an <error> document instead of the NZB.
        xmldoc.raise_error_document(xmldoc.load(body, service), service, http.redact)
    raise_for_status(response, service)
    if xmldoc.looks_like_html(body, response.content_type):
        raise errors.Unavailable(
            f"{service}: got a web page instead of a file: blocked or logged out", service=service
        )
    return response.content
