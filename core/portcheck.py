"""Is it the port? Turns a failed connection test into "the port looks wrong" when the URL's host
answers but not as the program asked: nothing listens there, or another program does.

Each client adapter declares where its program usually listens with one class attribute,
`usual_port = UsualPort(8080, "qBittorrent")`; `diagnose` reads only that declaration, so a new
kind (SABnzbd's, from another package) joins by declaring it. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from core import errors

DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class UsualPort:
    """Where a program listens unless told otherwise.

    `realms`: the realms of the Basic challenges it answers a 401 with; a 401 with another realm
    comes from another program (Transmission's is "Transmission"). `()` means it never asks for
    Basic auth itself; None means any realm may be its own (a web server in front of it).
    `urls`: what a working `--url` looks like, `{host}` and `{port}` filled in.
    """

    port: int
    program: str
    realms: tuple[str, ...] | None = ()
    urls: tuple[str, ...] = ("http://{host}:{port}",)


def address(url: str) -> tuple[str, int | None]:
    """(host, port) of a URL; the scheme's default port when none is given."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return parts.hostname or "", port if port is not None else DEFAULT_PORTS.get(parts.scheme)


def diagnose(err: errors.OutpostError, url: str, usual: UsualPort) -> errors.OutpostError:
    """`err` as a WrongPort when it shows that the host answers but is not `usual.program`;
    otherwise `err` itself (a wrong password stays a wrong password)."""
    if not isinstance(err, errors.AdapterError) or not _foreign(err, usual):
        return err
    host, port = address(url)
    where = f"{host}:{port}" if port is not None else host
    urls = ", ".join(u.format(host=host, port=usual.port) for u in usual.urls)
    program, service = usual.program, err.service
    if isinstance(err, errors.Refused):
        found = errors.WrongPort(
            f"{service}: nothing listens on {where}",
            key="error.port_closed",
            service=service,
            address=where,
            program=program,
            port=usual.port,
            urls=urls,
        )
    else:
        found = errors.WrongPort(
            f"{service}: {where} is not {program} ({err})",
            key="error.wrong_port",
            service=service,
            address=where,
            program=program,
            port=usual.port,
            urls=urls,
        )
    found.__cause__ = err
    return found


def _foreign(err: errors.AdapterError, usual: UsualPort) -> bool:
    """Whether the error shows another program (or none) at the address."""
    if isinstance(err, errors.Refused | errors.Dropped | errors.ProtocolMismatch):
        return True
    if isinstance(err, errors.AuthFailed) and usual.realms is not None:
        realm = err.params.get("realm")
        return realm is not None and realm not in usual.realms
    return False
