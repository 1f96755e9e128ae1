"""A chosen title's credits and series travel with its buttons into the request's fields."""

from __future__ import annotations

from bot.conversation.releases import _asked
from bot.conversation.search import media_json
from core.domain import Credit, Media, MediaKind


def test_the_buttons_of_a_title_carry_its_credits_to_the_request() -> None:
    media = Media(
        MediaKind.AUDIOBOOK,
        "Dune",
        provider="books",
        provider_id="1",
        credits=(Credit("author", "Frank Herbert", {"asin": "B0"}),),
        series="Dune Chronicles",
        series_position="1",
    )
    asked = _asked(media_json(media))
    assert asked["credits"] == [{"role": "author", "name": "Frank Herbert", "ids": {"asin": "B0"}}]
    assert (asked["series"], asked["series_position"]) == ("Dune Chronicles", "1")
