"""A local Telegram Bot API server on loopback for tests: real HTTP, driven by the test.

    with BotApiServer() as api:
        app = ApplicationBuilder().token(api.token).base_url(api.base_url).build()
        ann = api.user(1001, "Ann")
        api.send_text(ann, "/start")            # queued; the app fetches it by getUpdates
        card = await api.until(lambda: api.last_message(ann.id))
        api.tap(ann, card, "Grab")              # a callback_query for one of the card's buttons

It answers `POST /bot<token>/<method>` with JSON, form or multipart bodies as python-telegram-bot
sends them, in the Bot API's own shapes and errors (400 "message is not modified", 401 for a wrong
token, 403 for a user who never started the bot, 404 for an unknown method, 429 on request).
State (messages after edits, calls, callback answers) is read through thread-safe methods.
"""

from tests.support.botapi.server import BotApiServer
from tests.support.botapi.shapes import ApiCall, FakeChat, FakeUser, SentMessage
from tests.support.botapi.wire import DEFAULT_TOKEN, NOT_MODIFIED, ApiError, parse_html

__all__ = [
    "DEFAULT_TOKEN",
    "NOT_MODIFIED",
    "ApiCall",
    "ApiError",
    "BotApiServer",
    "FakeChat",
    "FakeUser",
    "SentMessage",
    "parse_html",
]
