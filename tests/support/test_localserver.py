"""The test server itself answers over real sockets."""

import httpx

from tests.support.localserver import LocalServer, Response


def test_serves_and_records() -> None:
    with LocalServer(lambda r: Response(201, f"hi {r.arg('q')}")) as server:
        reply = httpx.get(server.url + "/x?q=1")
    assert (reply.status_code, reply.text) == (201, "hi 1")
    assert server.requests[0].path == "/x"
