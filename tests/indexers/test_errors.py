"""Indexer error documents and non-API answers become typed errors, never results."""

from __future__ import annotations

import logging

import pytest

from core import errors
from core.domain import SearchQuery
from core.redact import RedactingFilter
from tests.indexers.conftest import CANARY, fixture_bytes, xml_response
from tests.support.localserver import Response
from tests.support.torznab_server import DEFAULT_CAPS, error_xml

CAPS = DEFAULT_CAPS.encode()


async def search_error(serve, make_indexer, answer) -> errors.AdapterError:
    fake = serve({"caps": CAPS, "search": answer})
    async with make_indexer(fake.url) as indexer:
        with pytest.raises(errors.AdapterError) as caught:
            await indexer.search(SearchQuery(text="dune"))
    assert caught.value.service == "test-indexer"
    assert CANARY not in str(caught.value) and CANARY not in repr(caught.value.params)
    return caught.value


async def test_unauthorized_capture_is_auth_failed(serve, make_indexer) -> None:
    err = await search_error(serve, make_indexer, fixture_bytes("newznab/sonarr/unauthorized.xml"))
    assert type(err) is errors.AuthFailed
    assert err.params["code"] == 100
    assert err.params["description"] == "Incorrect user credentials"


async def test_auth_failure_on_caps_stops_the_search(serve, make_indexer) -> None:
    fake = serve({"caps": fixture_bytes("newznab/sonarr/unauthorized.xml")})
    async with make_indexer(fake.url) as indexer:
        with pytest.raises(errors.AuthFailed):
            await indexer.search(SearchQuery(text="dune"))
    assert [r.arg("t") for r in fake.requests] == ["caps"]


async def test_newznab_error_201_is_bad_response(serve, make_indexer) -> None:
    err = await search_error(serve, make_indexer, fixture_bytes("newznab/sonarr/NewznabError.nzb"))
    assert type(err) is errors.BadResponse
    assert err.key == "error.indexer_error"
    assert (err.params["code"], err.params["description"]) == (201, "Incorrect parameter")


@pytest.mark.parametrize(
    ("code", "description", "kind"),
    [
        (500, "Request limit reached", errors.RateLimited),
        (501, "Download limit reached", errors.RateLimited),
        (429, "Too many requests", errors.RateLimited),
        (101, "Account suspended", errors.AuthFailed),
        (910, "API disabled", errors.Unavailable),
        (900, "Unknown error", errors.Unavailable),
        (300, "No such item", errors.BadResponse),
    ],
)
async def test_error_codes_map_to_types(serve, make_indexer, code, description, kind) -> None:
    err = await search_error(serve, make_indexer, error_xml(code, description).encode())
    assert type(err) is kind
    assert err.params["code"] == code


class _Lines(logging.Handler):
    """Raw formatted lines, with no redaction of its own."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


async def test_error_description_echoing_the_key_is_redacted(serve, make_indexer, caplog) -> None:
    # The production sink: every handler carries the RedactingFilter (httpx logs raw URLs).
    caplog.set_level(logging.DEBUG)
    caplog.handler.addFilter(RedactingFilter())
    ours = _Lines()
    logging.getLogger("adapters").addHandler(ours)
    try:
        answer = error_xml(100, f"Bad key {CANARY} for /api?apikey={CANARY}").encode()
        err = await search_error(serve, make_indexer, answer)
    finally:
        logging.getLogger("adapters").removeHandler(ours)
    assert "***" in err.params["description"]
    assert CANARY not in caplog.text
    assert not [line for line in ours.lines if CANARY in line]


async def test_html_page_is_unavailable(serve, make_indexer) -> None:
    page = b"<!DOCTYPE html><html><head><title>Just a moment...</title></head></html>"
    err = await search_error(serve, make_indexer, xml_response(page, "text/html; charset=UTF-8"))
    assert type(err) is errors.Unavailable


async def test_html_labelled_as_xml_is_still_a_web_page(serve, make_indexer) -> None:
    page = b"\n  <html><body>Login</body></html>"
    err = await search_error(serve, make_indexer, xml_response(page, "application/xml"))
    assert type(err) is errors.Unavailable


async def test_http_401_without_a_document_is_auth_failed(serve, make_indexer) -> None:
    err = await search_error(serve, make_indexer, Response(401, b"", {}))
    assert type(err) is errors.AuthFailed


async def test_error_document_with_an_http_error_status_keeps_its_code(serve, make_indexer) -> None:
    answer = Response(400, error_xml(203, "Function not available"), {})
    err = await search_error(serve, make_indexer, answer)
    assert type(err) is errors.BadResponse and err.params["code"] == 203


async def test_caps_answering_a_feed_is_bad_response(serve, make_indexer) -> None:
    fake = serve({"caps": fixture_bytes("torznab/sonarr/torznab_tpb.xml")})
    async with make_indexer(fake.url) as indexer:
        with pytest.raises(errors.BadResponse):
            await indexer.capabilities()
