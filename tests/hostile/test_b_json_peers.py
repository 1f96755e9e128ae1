"""§3 B, rows 14–23: JSON peers. Each hostile answer comes from a loopback peer speaking the
client's protocol (the client tests' scripted Transmission, qBittorrent and deluge-web) to the
real adapter, or goes to the adapter's answer parser; only typed errors come out."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from adapters.clients.deluge import DelugeClient
from adapters.clients.qbittorrent import QBittorrentClient
from adapters.clients.qbittorrent.states import map_state as qbt_state
from adapters.clients.transmission import TransmissionClient
from adapters.clients.transmission.rpc import HANDSHAKES
from core import errors
from core.domain import ClientStatus
from core.http import HttpPolicy, HttpService
from tests.clients.test_qbittorrent_protocol import LOGIN, FakeQbt
from tests.clients.test_qbittorrent_protocol import PASSWORD as QBT_PASSWORD
from tests.clients.test_transmission_protocol import PASSWORD, FakeTransmission, row, success
from tests.support.localserver import LocalServer, Response

ID = "ef" * 20


@pytest_asyncio.fixture(loop_scope="function")
async def http() -> AsyncIterator[HttpService]:
    service = HttpService(
        "peer", HttpPolicy(deadline=5.0, retries=1, backoff=0.01, max_backoff=0.02)
    )
    yield service
    await service.aclose()


def envelope(torrent: str) -> str:
    return '{"result": "success", "arguments": {"torrents": [' + torrent + "]}}"


async def transmission_answer(http: HttpService, body: bytes | str, **response) -> list:
    fake = FakeTransmission(lambda _: Response(200, body, **response))
    with fake.server:
        tr = TransmissionClient("tr", fake.server.url, http, username="admin", password=PASSWORD)
        return await tr.downloads([ID])


async def test_row_14_truncated_json_and_short_body_are_peer_errors(http: HttpService) -> None:
    with pytest.raises(errors.BadResponse):
        await transmission_answer(http, '{"result": "success", "arguments": {"torr')
    with pytest.raises(errors.AdapterError) as caught:
        await transmission_answer(
            http, "", headers={"Content-Length": "500"}, chunks=[b'{"result": "succ']
        )
    assert PASSWORD not in str(caught.value)


@pytest.mark.parametrize(
    "torrent",
    [{"percentDone": "1.0"}, {"percentDone": None}, {"hashString": None}, {"status": "4"}],
)
async def test_row_15_wrong_types_are_validation_errors(http: HttpService, torrent) -> None:
    with pytest.raises(errors.BadResponse):
        await transmission_answer(
            http, json.dumps({"result": "success", "arguments": {"torrents": [row(**torrent)]}})
        )


@pytest.mark.parametrize(
    "body",
    ['{"result": "success"}', '{"result": "success", "arguments": {"torrents": null}}'],
)
async def test_row_15_missing_keys_and_null_lists(http: HttpService, body: str) -> None:
    with pytest.raises(errors.BadResponse):
        await transmission_answer(http, body)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
async def test_row_16_nan_and_infinity_are_refused(http: HttpService, literal: str) -> None:
    body = envelope('{"percentDone": ' + literal + "}")
    with pytest.raises(errors.BadResponse) as caught:
        await transmission_answer(http, body)
    assert caught.value.key == "error.bad_json"


async def test_row_17_deep_nesting_is_a_peer_error(http: HttpService) -> None:
    with pytest.raises(errors.BadResponse):
        await transmission_answer(http, "[" * 100_000)


async def test_row_18_a_5000_digit_integer_is_a_peer_error(http: HttpService) -> None:
    body = envelope('{"id": ' + "9" * 5000 + "}")
    with pytest.raises(errors.BadResponse):
        await transmission_answer(http, body)


async def test_row_19_duplicate_keys_are_refused(http: HttpService) -> None:
    torrent = json.dumps(row())[:-1] + f', "hashString": "{"ab" * 20}"}}'
    body = envelope(torrent)
    with pytest.raises(errors.BadResponse):
        await transmission_answer(http, body)


async def test_row_20_409_forever_is_one_bounded_error(http: HttpService) -> None:
    answer = Response(409, "", {"X-Transmission-Session-Id": "always-another"})
    with LocalServer(lambda _: answer) as server:
        tr = TransmissionClient("tr", server.url, http, username="admin", password=PASSWORD)
        with pytest.raises(errors.BadResponse) as caught:
            await tr.check()
    assert caught.value.key == "error.session_refused"
    assert len(server.requests) == HANDSHAKES


async def test_row_21_a_ban_stops_at_the_first_login(http: HttpService) -> None:
    banned = "Your IP address has been banned after too many failed authentication attempts."
    fake = FakeQbt({LOGIN: lambda _: Response(403, banned)})
    with fake.server:
        qbt = QBittorrentClient("q", fake.server.url, http, username="admin", password=QBT_PASSWORD)
        with pytest.raises(errors.AuthFailed) as caught:
            await qbt.downloads([ID])
    assert fake.paths() == ["auth/login"] and QBT_PASSWORD not in str(caught.value)


async def test_row_21_an_expired_sid_logs_in_once_more_then_stops(http: HttpService) -> None:
    fake = FakeQbt({"/api/v2/torrents/info": lambda _: Response(403, "Forbidden")})
    with fake.server:
        qbt = QBittorrentClient("q", fake.server.url, http, username="admin", password=QBT_PASSWORD)
        with pytest.raises(errors.AuthFailed):
            await qbt.downloads([ID])
    assert fake.paths().count("auth/login") == 2


async def test_row_22_deluge_is_spoken_to_in_json_never_rencode(http: HttpService) -> None:
    """Outpost talks to deluge-web's JSON-RPC through httpx: a rencode frame is junk text."""
    with LocalServer(
        lambda _: Response(200, b";\x2f\x7f", {"Content-Type": "application/json"})
    ) as s:
        deluge = DelugeClient("d", s.url, http, password="x")
        with pytest.raises(errors.BadResponse):
            await deluge.downloads([ID])
    import adapters.clients.deluge as package

    assert "rencode" not in " ".join(m for m in dir(package))


async def test_row_23_unknown_status_maps_to_unknown_logged_once(
    http: HttpService, caplog: pytest.LogCaptureFixture
) -> None:
    fake = FakeTransmission(lambda _: success({"torrents": [row(status=17)]}))
    with fake.server, caplog.at_level(logging.WARNING):
        tr = TransmissionClient("tr", fake.server.url, http, username="admin", password=PASSWORD)
        [first] = await tr.downloads([ID])
        await tr.downloads([ID])
    assert first.status is ClientStatus.UNKNOWN
    assert [r.getMessage() for r in caplog.records].count("tr: unknown torrent status 17") == 1
    assert qbt_state("aNewStateFromV6", 0.5) is ClientStatus.UNKNOWN
