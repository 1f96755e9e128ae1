"""The Telegram frontend's pure parts: text and keyboard limits, commands, quiet hours, errors."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut

from bot.i18n import t
from bot.telegram.errors import typed
from bot.telegram.handlers import incident_text, split_command
from bot.telegram.render import CAPTION_LIMIT, TEXT_LIMIT, chat_id, chunks, keyboard, text_of
from bot.telegram.webhook import parse_listen, webhook_from_env
from bot.views import Button, Text, View
from core import errors
from core.services.notify import is_quiet

LONG = "x" * 5000


def test_text_is_capped_for_messages_and_captions() -> None:
    view = View((Text("error.internal", {"incident": LONG}),))
    assert len(text_of(view, "en")) == TEXT_LIMIT
    assert text_of(view, "en").endswith("…")
    photo = View(view.lines, photo="https://image.example/p.jpg")
    assert len(text_of(photo, "en")) == CAPTION_LIMIT
    assert text_of(View(()), "en") == "…"  # Telegram refuses an empty text


def test_lines_are_translated_and_markup_stays_plain() -> None:
    title = "<b>Dune</b> [x](tg://user?id=1)"
    view = View((Text("error.internal", {"incident": title}),))
    assert text_of(view, "de") == t("error.internal", "de", incident=title)


def test_keyboard_rows_carry_only_tokens() -> None:
    row = (Button(Text("error.generic"), "tok1"), Button(Text("error.not_found"), "tok2"))
    markup = keyboard(View((), buttons=(row, (), (Button(Text("x" * 80), "tok3"),))), "en")
    assert markup is not None
    rows = markup.inline_keyboard
    assert [[b.callback_data for b in r] for r in rows] == [["tok1", "tok2"], ["tok3"]]
    assert rows[0][0].text == t("error.generic", "en")
    assert len(rows[1][0].text) == 64
    assert keyboard(View(()), "en") is None


def test_a_choice_list_is_buttons_first_short_ones_four_a_row() -> None:
    """Telegram has no menus: a choice list comes as buttons before the rows."""
    grabs = tuple(Button(Text("button.grab_n", {"n": n}), f"g{n}") for n in range(1, 7))
    nav = ((Button(Text("button.next"), "next"),),)
    rows = keyboard(View((), nav, choices=grabs), "en").inline_keyboard  # type: ignore[union-attr]
    assert [[b.callback_data for b in r] for r in rows] == [
        ["g1", "g2", "g3", "g4"],
        ["g5", "g6"],
        ["next"],
    ]
    titles = tuple(
        Button(Text("search.title_year", {"title": f"A long title {n}", "year": 2024}), f"p{n}")
        for n in range(3)
    )
    long = keyboard(View((), choices=titles), "en").inline_keyboard  # type: ignore[union-attr]
    assert [[b.callback_data for b in r] for r in long] == [["p0"], ["p1"], ["p2"]]


def test_chat_addresses() -> None:
    assert chat_id("telegram:-100123") == -100123
    for bad in ("discord:1", "telegram:", "telegram:1:2", "console"):
        with pytest.raises(ValueError):
            chat_id(bad)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/search dune  part two ", ("search", "dune  part two")),
        ("/Queue", ("queue", "")),
        ("/search@OutpostBot dune", ("search", "dune")),
        ("/search@SomeOtherBot dune", None),
    ],
)
def test_split_command(text: str, expected: tuple[str, str] | None) -> None:
    assert split_command(text, "outpostbot") == expected


@pytest.mark.parametrize(
    ("spec", "now", "quiet"),
    [
        ("22:00-07:00", time(23, 30), True),
        ("22:00-07:00", time(6, 59), True),
        ("22:00-07:00", time(7, 0), False),
        ("22:00-07:00", time(12, 0), False),
        ("13:00-14:00", time(13, 30), True),
        ("13:00-14:00", time(14, 30), False),
        ("nonsense", time(23, 0), False),
        (None, time(23, 0), False),
    ],
)
def test_quiet_hours(spec: str | None, now: time, quiet: bool) -> None:
    assert is_quiet(spec, now) is quiet


def test_chunks_split_at_line_ends_under_the_cap() -> None:
    lines = [f"{i:04d} " + "y" * 95 for i in range(100)]  # 10,000 characters
    parts = chunks("\n".join(lines))
    assert all(len(p) <= TEXT_LIMIT for p in parts)
    assert "\n".join(parts).split("\n") == lines
    assert len(parts) == 3
    assert chunks("z" * 5000) == ["z" * TEXT_LIMIT]


def test_telegram_errors_become_typed_errors() -> None:
    limited = typed(RetryAfter(timedelta(seconds=7)))
    assert isinstance(limited, errors.RateLimited)
    assert limited.retryable
    assert limited.retry_after == 7
    assert isinstance(typed(InvalidToken()), errors.AuthFailed)
    assert not typed(BadRequest("Chat not found")).retryable
    assert not typed(Forbidden("bot was blocked by the user")).retryable
    assert isinstance(typed(TimedOut()), errors.Timeout)
    assert isinstance(typed(NetworkError("Bad Gateway")), errors.Unreachable)
    assert typed(NetworkError("Bad Gateway")).retryable


def test_incident_text_names_the_incident() -> None:
    typed_error = errors.NotFound("gone")
    assert incident_text(typed_error, "ab12", "en").startswith(t("error.not_found", "en"))
    assert "ab12" in incident_text(typed_error, "ab12", "de")
    internal = incident_text(RuntimeError("secret details"), "ab12", "de")
    assert internal == t("error.internal", "de", incident="ab12")
    assert "secret details" not in internal


def test_webhook_settings_from_the_environment() -> None:
    assert webhook_from_env({}) is None
    hook = webhook_from_env(
        {
            "OUTPOST_TELEGRAM_WEBHOOK_URL": "https://outpost.example/tg/hook",
            "OUTPOST_TELEGRAM_WEBHOOK_SECRET": "s3cret_value-1",
            "OUTPOST_TELEGRAM_WEBHOOK_LISTEN": "0.0.0.0:8443",
        }
    )
    assert hook is not None
    assert (hook.host, hook.port, hook.path) == ("0.0.0.0", 8443, "tg/hook")
    assert "s3cret" not in repr(hook)
    for secret in ("", "has space", "x" * 257):
        with pytest.raises(errors.UserError):
            webhook_from_env(
                {
                    "OUTPOST_TELEGRAM_WEBHOOK_URL": "https://a.example/h",
                    "OUTPOST_TELEGRAM_WEBHOOK_SECRET": secret,
                }
            )
    assert parse_listen("[::1]:99") == ("::1", 99)
    for bad in ("8443", "host:", "host:99999"):
        with pytest.raises(errors.UserError):
            parse_listen(bad)


def test_private_input_is_awaited_only_for_a_while() -> None:
    from bot.telegram.port import Asking, TelegramPort
    from bot.views import Ask, Field

    async def english(address: str) -> str:
        return "en"

    port = TelegramPort(None, english, ask_for=0.0)  # type: ignore[arg-type]
    ask = Ask("tok", (Field("key", Text("help.header")), Field("more", Text("help.header"))))
    port.asking["1"] = Asking(ask, until=0.0)  # long past
    assert port.take("1", "hello") is None and "1" not in port.asking
    port.asking["1"] = Asking(ask, until=float("inf"))
    assert isinstance(port.take("1", "a"), Asking)
    assert port.take("1", "b") == (ask, {"key": "a", "more": "b"})
    assert port.take("1", "c") is None
