"""§3 C, rows 24–31: network behaviour of peers, against real loopback sockets (never a mock
transport, which does not exercise socket timeouts)."""

from __future__ import annotations

import datetime
import email.utils
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from core import errors
from core.http import HttpPolicy, HttpService
from tests.indexers.conftest import CANARY
from tests.support.localserver import LocalServer, Response

QUICK = HttpPolicy(connect_timeout=0.5, read_timeout=0.5, deadline=3.0, retries=0)


@pytest.fixture
def blackhole() -> Iterator[str]:
    """A port whose accept queue is full: a new connection never completes its handshake."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(8):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    yield f"http://127.0.0.1:{port}"
    for sock in [*fillers, listener]:
        sock.close()


async def test_row_24_blackholed_peer_times_out_and_others_are_unaffected(blackhole: str) -> None:
    with LocalServer(lambda _: Response(200, "ok")) as healthy:
        async with HttpService("hole", QUICK) as hole, HttpService("fine", QUICK) as fine:
            with pytest.raises(errors.Timeout):
                await hole.get(blackhole + "/api")
            assert (await fine.get(healthy.url + "/api")).text == "ok"


async def test_row_25_slow_drip_is_cut_by_the_total_deadline() -> None:
    drip = Response(chunks=[b"x"] * 100, chunk_delay=0.1)  # every read is quick
    policy = HttpPolicy(connect_timeout=1.0, read_timeout=1.0, deadline=1.0, retries=0)
    with LocalServer(lambda _: drip) as server:
        async with HttpService("drip", policy) as http:
            with pytest.raises(errors.Timeout):
                await http.get(server.url + "/api")


async def test_row_26_silent_peer_times_out_and_the_pool_is_released() -> None:
    calls = []

    def handler(request) -> Response:
        calls.append(request.path)
        return (
            Response(200, "late", delay=3.0) if request.path == "/silent" else Response(200, "ok")
        )

    with LocalServer(handler) as server:
        async with HttpService("silent", QUICK) as http:
            for _ in range(3):
                with pytest.raises(errors.Timeout):
                    await http.get(server.url + "/silent")
            assert (await http.get(server.url + "/fine")).text == "ok"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("120", 120.0), ("9999999999", 86400.0), ("date", None), ("-5", None), (None, None)],
)
async def test_row_27_retry_after_is_honoured_but_clamped(value, expected) -> None:
    if value == "date":
        value = email.utils.formatdate(time.time() + 600, usegmt=True)
    headers = {"Retry-After": value} if value is not None else {}
    with LocalServer(lambda _: Response(429, "slow down", headers)) as server:
        day = HttpPolicy(retries=0, deadline=2.0, max_retry_after=86400.0)  # clamp: 1 s to 24 h
        async with HttpService("busy", day) as http:
            with pytest.raises(errors.RateLimited) as caught:
                await http.get(server.url + "/api")
    retry_after = caught.value.retry_after
    if expected is not None:
        assert retry_after == expected
    elif value and not value.startswith("-"):  # the HTTP-date ten minutes ahead
        assert retry_after is not None and 500 < retry_after <= 600
    else:  # negative or missing: the escalating back-off decides, not the peer
        assert retry_after is None or 0 < retry_after <= 86400.0
    assert len(server.requests) == 1


async def test_row_28_a_5xx_storm_is_retried_a_bounded_number_of_times() -> None:
    with LocalServer(lambda _: Response(503, "down")) as server:
        policy = HttpPolicy(retries=2, backoff=0.01, max_backoff=0.02, deadline=5.0)
        async with HttpService("storm", policy) as http:
            for _ in range(5):
                with pytest.raises(errors.Unavailable):
                    await http.get(server.url + "/api")
    assert len(server.requests) == 5 * 3  # each call: one try and two retries, never a loop


async def test_row_29_redirects_are_not_followed_by_the_http_layer() -> None:
    with LocalServer(lambda r: Response(302, "", {"Location": r.path})) as server:
        async with HttpService("loop", QUICK) as http:
            response = await http.get(server.url + "/a")
    assert response.status == 302 and len(server.requests) == 1


async def test_row_29_fetch_refuses_redirect_loops_and_hops_into_the_lan(
    serve, make_indexer
) -> None:
    fake = serve({}, files={
        "/loop": Response(302, "", {"Location": "/loop"}),
        "/file": Response(302, "", {"Location": "file:///etc/passwd"}),
        "/lan": Response(302, "", {"Location": "http://10.0.0.1/x.torrent"}),
    })  # fmt: skip
    async with make_indexer(fake.url) as indexer:
        with pytest.raises(errors.BadResponse) as loop:
            await indexer.fetch(fake.url + "/loop")
        for path in ("/file", "/lan"):
            with pytest.raises(errors.UserError) as refused:
                await indexer.fetch(fake.url + path)
            assert refused.value.key == "error.url_not_allowed"
    assert loop.value.key == "error.redirects"
    assert len([r for r in fake.requests if r.path == "/loop"]) <= 6


def _self_signed(tmp: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_file, key_file = tmp / "cert.pem", tmp / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


async def test_row_30_a_self_signed_certificate_fails_closed(tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    served: list[bytes] = []

    def accept() -> None:
        try:
            conn, _ = listener.accept()
            with context.wrap_socket(conn, server_side=True) as tls:
                served.append(tls.recv(1024))
        except (OSError, ssl.SSLError):
            pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        async with HttpService("tls", QUICK, secrets=[CANARY]) as http:
            with pytest.raises(errors.Unreachable) as caught:
                await http.get(f"https://127.0.0.1:{port}/api?apikey={CANARY}")
    finally:
        thread.join(5)
        listener.close()
    assert served == []  # no request (and no key) went over the unverified connection
    assert CANARY not in str(caught.value)


def test_row_30_verification_is_never_switched_off() -> None:
    root = Path(__file__).resolve().parents[2]
    for top in ("core", "adapters", "bot"):
        for path in root.glob(f"{top}/**/*.py"):
            text = path.read_text()
            assert "verify=False" not in text and "CERT_NONE" not in text, path


@pytest.mark.xfail(
    strict=True,
    reason="issue 12 Deliver 7 (DNS rebinding): the vetted address is not pinned; httpx "
    "resolves the name again when it connects",
)
async def test_row_31_the_vetted_address_is_the_one_connected_to(
    serve, make_indexer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with LocalServer(lambda _: Response(200, b"d4:infod6:pieces0:ee")) as inside:
        real = socket.getaddrinfo
        answers = iter(
            [("93.184.216.34", int(inside.url.rsplit(":", 1)[1]))]
        )  # public at check time

        def rebinding(host, port, *args, **kwargs):
            if host not in ("rebind.example", b"rebind.example"):  # anyio passes idna bytes
                return real(host, port, *args, **kwargs)
            address = next(answers, ("127.0.0.1", port))  # loopback at connect time
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address[0], port))]

        monkeypatch.setattr(socket, "getaddrinfo", rebinding)
        fake = serve({})
        async with make_indexer(fake.url, policy=QUICK) as indexer:
            try:
                await indexer.fetch(
                    f"http://rebind.example:{int(inside.url.rsplit(':', 1)[1])}/x.torrent"
                )
            except errors.OutpostError:
                pass  # refused or unreachable: either way, not the rebound address
        assert inside.requests == []
