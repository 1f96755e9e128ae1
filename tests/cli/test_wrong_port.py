"""`client add` and `doctor` say when a client's URL points at the wrong port: at another real
daemon (one that answers in another protocol, or with another program's Basic realm) or at a
closed port, naming the host:port and the port that program usually listens on."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.cli.conftest import Outpost
from tests.support.daemons import free_port
from tests.support.localserver import LocalServer, Response

LOGIN = {
    "qbittorrent": ("--username", "admin", "--password", "not-the-password"),
    "transmission": ("--username", "outpost", "--password", "not-the-password"),
    "deluge": ("--password", "not-the-password"),
    "rtorrent": (),
    "nzbget": ("--username", "nzbget", "--password", "not-the-password"),
    "sabnzbd": ("--api-key", "not-the-key"),
}
USUAL = {
    "qbittorrent": "qBittorrent usually listens on port 8080 (http://127.0.0.1:8080)",
    "transmission": "Transmission usually listens on port 9091 (http://127.0.0.1:9091)",
    "deluge": "Deluge usually listens on port 8112 (http://127.0.0.1:8112)",
    "rtorrent": "rTorrent usually listens on port 5000 (scgi://127.0.0.1:5000, "
    "http://127.0.0.1/RPC2)",
    "nzbget": "NZBGet usually listens on port 6789 (http://127.0.0.1:6789)",
    "sabnzbd": "SABnzbd usually listens on port 8080 (http://127.0.0.1:8080)",
}


def address(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[0]


def scgi(url: str) -> str:
    return "scgi://" + address(url)


# kind -> (the daemon fixture it is pointed at, how its URL is written, what that daemon shows)
ELSEWHERE: dict[str, tuple[str, Callable[[str], str], str]] = {
    "qbittorrent": ("transmission_daemon", str, "a 401 with Transmission's realm"),
    "transmission": ("nzbget_daemon", str, "a 401 with NZBGet's realm"),
    "deluge": ("qbt_daemon", str, "qBittorrent's 400 to a JSON-RPC POST"),
    "rtorrent": ("nzbget_daemon", scgi, "NZBGet resets an SCGI call"),
    "nzbget": ("transmission_daemon", str, "a 401 with Transmission's realm"),
    "sabnzbd": ("transmission_daemon", str, "a 401 with Transmission's realm"),
}


def add(outpost: Outpost, kind: str, url: str) -> tuple[int, str]:
    run = outpost("client", "add", "c", "--kind", kind, "--url", url, *LOGIN[kind])
    return run.code, " ".join(run.err.split())


@pytest.mark.parametrize("kind", sorted(ELSEWHERE))
def test_add_pointed_at_another_daemon_says_the_port_looks_wrong(
    outpost: Outpost, kind: str, request: pytest.FixtureRequest
) -> None:
    fixture, written, _ = ELSEWHERE[kind]
    url = written(request.getfixturevalue(fixture).url)
    code, err = add(outpost, kind, url)
    assert code != 0
    assert f"{address(url)} answers, but not as" in err and "the port looks wrong" in err, err
    assert USUAL[kind] in err
    assert "refused the credentials" not in err
    assert outpost("client", "list", "--json").json() == []  # nothing saved


@pytest.mark.parametrize("kind", sorted(LOGIN))
def test_add_pointed_at_a_closed_port_says_nothing_listens(outpost: Outpost, kind: str) -> None:
    port = free_port()
    url = f"scgi://127.0.0.1:{port}" if kind == "rtorrent" else f"http://127.0.0.1:{port}"
    code, err = add(outpost, kind, url)
    assert code != 0
    assert f"nothing listens on 127.0.0.1:{port}, so the port looks wrong" in err, err
    assert USUAL[kind] in err


def test_add_pointed_at_a_web_page_says_the_port_looks_wrong(outpost: Outpost) -> None:
    page = Response(200, "<html><body>router admin</body></html>", {"Content-Type": "text/html"})
    with LocalServer(lambda _: page) as server:
        code, err = add(outpost, "qbittorrent", server.url)
    assert code != 0
    assert f"{address(server.url)} answers, but not as qBittorrent" in err, err


@pytest.mark.parametrize("kind", ["transmission", "nzbget"])
def test_a_wrong_password_at_the_right_port_is_still_a_wrong_password(
    outpost: Outpost, kind: str, request: pytest.FixtureRequest
) -> None:
    """Their own Basic realm on the 401: the credentials, not the port."""
    daemon = request.getfixturevalue(f"{kind}_daemon")
    code, err = add(outpost, kind, daemon.url)
    assert code != 0
    assert "refused the credentials" in err and "port" not in err, err


def test_doctor_names_the_wrong_port_of_each_client_and_the_fix(
    outpost: Outpost, request: pytest.FixtureRequest
) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    other = request.getfixturevalue("nzbget_daemon").url
    for name, url in (("closed", closed), ("other", other)):
        run = outpost(
            "client", "add", name, "--kind", "transmission", "--url", url, "--no-test",
            *LOGIN["transmission"],
        )  # fmt: skip
        assert run.code == 0, run.err
    doctor = outpost("doctor")
    out = " ".join(doctor.out.split())
    assert doctor.code == 1
    assert f"nothing listens on {address(closed)}, so the port looks wrong" in out, out
    assert f"{address(other)} answers, but not as Transmission" in out
    assert out.count(USUAL["transmission"]) == 2
    assert "Fix: put the client's own port in its URL: `outpost client remove closed`" in out
    checks = outpost("doctor", "--json").json()["checks"]
    assert sorted(c["error"] for c in checks) == ["error.port_closed", "error.wrong_port"], checks
