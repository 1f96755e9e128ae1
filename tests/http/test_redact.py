"""Table tests for redact(), the logging filter and Retry-After parsing (pure functions)."""

from __future__ import annotations

import email.utils
import logging

import pytest

from core.http import parse_retry_after
from core.redact import MASK, RedactingFilter, Secret, configure_logging, redact, register

S = "mySecret"  # never registered: only the shape net can catch it

# In the spirit of Sonarr's CleanseLogMessageFixture, with the peers Outpost speaks to.
MUST_MASK = [
    f"https://indexer.example/api?t=search&apikey={S}&q=dune",
    f"https://indexer.example/api?t=tvsearch&q=dune&apikey={S}",
    f"http://127.0.0.1:9117/dl/x?jackett_apikey={S}&path=abc&file=The+Torrent.torrent",
    f"http://127.0.0.1:8080/api?mode=queue&output=json&api_key={S}",
    f"http://127.0.0.1:1234/api/call?vv=1&ma_username={S}&ma_password={S}",
    f"https://tracker.example/announce.php?passkey={S}",
    f"https://tracker.example/rss?rsskey={S}&search=",
    f"webapi/entry.cgi?account=bob&passwd={S}&format=sid",
    f"username=admin&password={S}",
    f'"DownloadURL":"https:\\/\\/bt.example\\/t.php?id=123&authkey={S}&torrent_pass={S}"',
    f"http://localhost:32400/library?X-Plex-Product=Outpost&X-Plex-Token={S}",
    f'"config":{{"misc":{{"username":"{S}","password":"{S}"}}}}',
    f'"misc":{{"email_account":"x","email_pwd":"{S}","nzb_key":"{S}","api_key":"{S}"}}',
    f'{{ "Name" : "ControlPassword", "Value" : "{S}" }}',
    f'{{ "Name" : "Server1.Username", "Value" : "{S}" }}',
    f"{{'x-api-key': '{S}', 'accept': '*/*'}}",
    f"X-Api-Key: {S}",
    f"Authorization: Bearer {S}.abc.def",
    f"Authorization: Basic {S}bXlTZWNyZXQ6",
    f"headers={{'authorization': 'Token {S}'}}",
    f"Cookie: SID={S}; lang=en",
    f"Set-Cookie: SID={S}; HttpOnly; path=/",
    f"qbittorrent session sid={S}",
    f"password: {S}",
    f'login failed {{"password": "my\\"{S}"}}',
    f"https://bob:{S}@nzb.example/api",
    f"POST https://api.telegram.org/bot123456789:AA{S}{S}{S}{S}x/getUpdates",
    f"https://discord.com/api/webhooks/123456789012345678/{S}-token",
]

MUST_KEEP = [
    "keyboard=1",
    "monkey=2",
    "The.Matrix.1999.1080p.BluRay.x264-GROUP",
    "Dune.Part.Two.2024.2160p.WEB-DL.DDP5.1.Atmos.DV.HDR.H.265-FLUX",
    "https://api.themoviedb.org/3/search/movie?query=dune&page=2",
    "http://127.0.0.1:8080/api/v2/torrents/info?filter=downloading&category=tv",
    "the token expired; basic information is in the bearer bond",
    "tokens=5 bypass=3 oauth_state=ok sort_order=asc",
    "Auth-Failure ip 32.2.3.5 at 12:30:00",
    "user=12345 asked /search dune",
    "grabbed Dune (2021) from nzbgeek: 4.2 GB, 87 seeders",
    "",
]


@pytest.mark.parametrize("message", MUST_MASK)
def test_secret_shapes_are_masked(message: str) -> None:
    cleaned = redact(message)
    assert S not in cleaned
    assert MASK in cleaned


@pytest.mark.parametrize("message", MUST_KEEP)
def test_benign_text_is_kept(message: str) -> None:
    assert redact(message) == message


def test_registered_values_are_masked_anywhere() -> None:
    register("Zq7-registered-value", None, "abc")  # too short to register: would mask words
    assert redact("x Zq7-registered-value y") == f"x {MASK} y"
    assert redact("abc def") == "abc def"


def test_extra_values_apply_to_one_call_only() -> None:
    assert redact("key9Lmn in text", ["key9Lmn"]) == f"{MASK} in text"
    assert redact("key9Lmn in text") == "key9Lmn in text"


def test_longer_secret_is_masked_whole() -> None:
    text = redact("outer: Kp4Kp4-inner-Kp4Kp4!", ["Kp4Kp4", "Kp4Kp4-inner-Kp4Kp4"])
    assert text == f"outer: {MASK}!"


def test_hostile_input_is_linear() -> None:
    # Many separators, backslashes and no closing quote: a backtracking regex would stall here.
    redact("a_" * 50_000 + "=" + "\\" * 50_000)
    redact('"password": "' + "\\" * 50_000)


def test_secret_value_stays_usable_but_hidden() -> None:
    secret = Secret("Vx9-secret-value")
    assert secret.reveal() == "Vx9-secret-value"
    assert "Vx9" not in repr(secret) + str(secret) + f"{secret}"
    assert redact("sent Vx9-secret-value") == f"sent {MASK}"
    assert bool(secret) and not Secret("")
    assert {secret, Secret("Vx9-secret-value")} == {secret}


def _record(msg: str, *args: object, exc: bool = False) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise RuntimeError(f"GET http://x/api?apikey={S}")
        except RuntimeError as err:
            exc_info = (type(err), err, err.__traceback__)
    return logging.LogRecord("t", logging.ERROR, __file__, 1, msg, args, exc_info)


def test_filter_masks_message_args_and_traceback() -> None:
    record = _record("calling %s", f"http://x/api?apikey={S}", exc=True)
    assert RedactingFilter().filter(record)
    text = logging.Formatter().format(record)
    assert S not in text
    assert "RuntimeError" in text


def test_filter_keeps_a_record_with_a_broken_format() -> None:
    record = _record("two %s %s", f"apikey={S}")
    assert RedactingFilter().filter(record)
    assert S not in record.getMessage()


def test_configure_logging_filters_and_quiets_httpx() -> None:
    root = logging.getLogger()
    saved = (root.level, logging.getLogger("httpx").level, logging.getLogger("httpcore").level)
    handler = logging.NullHandler()
    try:
        configure_logging(logging.DEBUG, handler)
        configure_logging(logging.DEBUG, handler)  # idempotent
        assert sum(isinstance(f, RedactingFilter) for f in handler.filters) == 1
        assert root.handlers.count(handler) == 1
        assert logging.getLogger("httpx").level == logging.WARNING
    finally:
        root.removeHandler(handler)
        root.setLevel(saved[0])
        logging.getLogger("httpx").setLevel(saved[1])
        logging.getLogger("httpcore").setLevel(saved[2])


NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 1 ", 1.0),
        ("0", 0.0),
        ("1.5", 1.5),
        ("9999999999", 9999999999.0),  # clamping is the policy's job
        (email.utils.formatdate(NOW + 30, usegmt=True), 30.0),
        (email.utils.formatdate(NOW - 30, usegmt=True), 0.0),  # in the past: go now
        ("Wed, 21 Oct 2015 07:28:00 -0000", 0.0),  # no zone given: read as UTC
        ("-5", None),
        ("nan", None),
        ("soon", None),
        ("Mon, 99 Foo 2015 99:99:99 GMT", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == seconds
