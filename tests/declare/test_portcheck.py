"""core.portcheck: which failed connection tests mean "the port looks wrong", read only from the
kind's `usual_port` declaration (the daemons' own answers are in tests/cli/test_wrong_port.py)."""

from __future__ import annotations

import pytest

from core import errors, registry
from core.portcheck import UsualPort, address, diagnose
from core.store.models import IntegrationCategory

PLAIN = UsualPort(8080, "SABnzbd")  # all a kind from another package needs to declare
REALM = UsualPort(9091, "Transmission", realms=("Transmission",))
PROXIED = UsualPort(5000, "rTorrent", realms=None, urls=("scgi://{host}:{port}", "x://{host}"))


def auth(realm: str | None) -> errors.AuthFailed:
    return errors.AuthFailed("401", service="c", realm=realm)


@pytest.mark.parametrize(
    ("err", "usual", "key"),
    [
        (errors.Refused("refused", service="c"), PLAIN, "error.port_closed"),
        (errors.Dropped("reset", service="c"), PLAIN, "error.wrong_port"),
        (errors.ProtocolMismatch("HTTP 404", service="c"), PLAIN, "error.wrong_port"),
        (auth("NZBGet"), REALM, "error.wrong_port"),  # another program's realm
        (auth("Transmission"), PLAIN, "error.wrong_port"),  # SABnzbd never asks Basic auth
        (auth("Transmission"), REALM, "error.auth_failed"),  # its own: the password
        (auth(None), PLAIN, "error.auth_failed"),  # its own login refused
        (auth("nginx"), PROXIED, "error.auth_failed"),  # any web server may front it
        (errors.Timeout("slow", service="c"), PLAIN, "error.timeout"),  # maybe a dead host
        (errors.Unreachable("dns", service="c"), PLAIN, "error.unreachable"),
        (errors.BadResponse("odd field", service="c"), PLAIN, "error.bad_response"),
        (errors.Unavailable("503", service="c"), PLAIN, "error.unavailable"),
    ],
)
def test_which_failures_mean_the_port(err: errors.AdapterError, usual: UsualPort, key: str) -> None:
    assert diagnose(err, "http://nas.lan:9999/x", usual).key == key


def test_the_wrong_port_names_the_address_and_the_usual_urls() -> None:
    found = diagnose(errors.Refused("x", service="rt"), "scgi://10.0.0.5:5001", PROXIED)
    assert isinstance(found, errors.WrongPort) and found.service == "rt"
    assert found.params == {
        "service": "rt",
        "address": "10.0.0.5:5001",
        "program": "rTorrent",
        "port": 5000,
        "urls": "scgi://10.0.0.5:5000, x://10.0.0.5",
    }
    assert isinstance(found.__cause__, errors.Refused)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://nas:8080/", ("nas", 8080)),
        ("https://nas/qbt", ("nas", 443)),
        ("http://[::1]:9091", ("::1", 9091)),
        ("scgi://127.0.0.1:5000", ("127.0.0.1", 5000)),
        ("http://nas:notaport", ("nas", 80)),
    ],
)
def test_address(url: str, expected: tuple[str, int | None]) -> None:
    assert address(url) == expected


def test_every_client_kind_declares_its_usual_port() -> None:
    category = IntegrationCategory.CLIENT
    missing = [
        kind
        for kind in registry.kinds(category)
        if not isinstance(getattr(registry.load(kind, category), "usual_port", None), UsualPort)
    ]
    assert missing == [], "add `usual_port = UsualPort(PORT, 'Program')` to these adapters"
