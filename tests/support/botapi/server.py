"""The local Bot API server: HTTP routing, long polling, webhook pushes, and the test's driver."""

from __future__ import annotations

import asyncio
import copy
import json
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any, TypeVar

from tests.support.botapi.methods import FETCHED_PART, METHODS, Files, fetch_photo
from tests.support.botapi.shapes import JSON, ApiCall, FakeChat, FakeUser, SentMessage
from tests.support.botapi.state import DEFAULT_UPDATE_TYPES, ServerState
from tests.support.botapi.wire import DEFAULT_TOKEN, ApiError, decode_params, utf16_len
from tests.support.localserver import LocalServer, Request, Response

T = TypeVar("T")
_WELL_FORMED_TOKEN = re.compile(r"\d+:[\w-]+")
_CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_CONFLICT_POLL = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


def _answer(status: int, body: JSON) -> Response:
    return Response(status, json.dumps(body), {"Content-Type": "application/json"})


class BotApiServer:
    """`with BotApiServer() as api:` — a Bot API on loopback; see the package docstring."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_name: str = "Outpost",
        bot_username: str = "outpost_test_bot",
        max_poll: float = 2.0,
        fetch_photos: bool = False,
    ) -> None:
        self.token = token
        self.max_poll = max_poll  # caps a long poll, so that tests never wait out a 10 s timeout
        self.fetch_photos = fetch_photos
        self._state = ServerState(token, bot_name, bot_username)
        self._http: LocalServer | None = None
        self._pusher: threading.Thread | None = None
        self._hanging = threading.Event()  # `hang()`: requests are held, never answered
        self._released = threading.Event()  # set by `stop()`, so held requests let go
        self._hang_after_delivery = False
        self.held = 0  # requests held since `hang()`

    # ---- lifecycle ------------------------------------------------------------------------

    def start(self) -> BotApiServer:
        self._http = LocalServer(self._handle).start()
        return self

    def hang(self, *, after_delivery: bool = False) -> None:
        """Hold every request unanswered, as a Bot API that has gone away behind an open port
        (until `stop()`): from now on, or with `after_delivery` once a long poll has handed
        out the updates queued, so the bot's answer to them is what hangs."""
        if after_delivery:
            self._hang_after_delivery = True
        else:
            self._hanging.set()

    def stop(self) -> None:
        self._released.set()
        with self._state.cond:
            self._state.closed = True
            self._state.cond.notify_all()
        if self._http is not None:
            self._http.stop()
        if self._pusher is not None:
            self._pusher.join(timeout=5)

    def __enter__(self) -> BotApiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._http is not None, "start the server first"
        return self._http.url

    @property
    def base_url(self) -> str:
        """In python-telegram-bot's form: it appends the token."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    @property
    def bot(self) -> JSON:
        return dict(self._state.bot)

    # ---- HTTP -------------------------------------------------------------------------------

    def _handle(self, request: Request) -> Response:
        if self._hanging.is_set():
            with self._state.lock:
                self.held += 1
            self._released.wait()
            return _answer(502, ApiError(502, "Bad Gateway").body())
        match = re.fullmatch(r"/bot([^/]*)/([A-Za-z]+)", request.path)
        if match is None:
            return _answer(404, ApiError(404, "Not Found").body())
        if match.group(1) != self.token:
            if _WELL_FORMED_TOKEN.fullmatch(match.group(1)):
                return _answer(401, ApiError(401, "Unauthorized").body())
            return _answer(404, ApiError(404, "Not Found").body())
        try:
            params, files = decode_params(request)
        except ValueError:
            return _answer(400, ApiError(400, "Bad Request: can't parse request").body())
        call = ApiCall(match.group(2), params, files)
        with self._state.lock:
            self._state.log.append(call)
        try:
            result = self._call(match.group(2).lower(), params, files)
        except ApiError as err:
            call.status = err.code
            return _answer(err.code, err.body())
        return _answer(200, {"ok": True, "result": result})

    def _call(self, method: str, params: JSON, files: Files) -> Any:
        state = self._state
        with state.lock:
            floods = state.floods.get(method)
            if floods:
                wait = floods.pop(0)
                parameters = {"retry_after": wait}
                raise ApiError(429, f"Too Many Requests: retry after {wait}", parameters)
        if method == "getupdates":
            return self._get_updates(params)
        if method not in METHODS:
            raise ApiError(404, "Not Found")
        if (
            method == "sendphoto"
            and self.fetch_photos
            and str(params.get("photo")).startswith("http")
        ):
            files[FETCHED_PART] = (None, fetch_photo(str(params["photo"])))
        with state.lock:
            result = METHODS[method](state, params, files)
            if method == "setwebhook":
                self._start_pusher()
            return result

    def _get_updates(self, params: JSON) -> list[JSON]:
        """Long polling: hold the request until an update is queued or the timeout passes."""
        state = self._state
        timeout = min(float(params.get("timeout") or 0), self.max_poll)
        deadline = time.monotonic() + timeout
        with state.cond:
            if state.webhook:
                raise ApiError(409, _CONFLICT_WEBHOOK)
            state.poll_generation += 1
            generation = state.poll_generation
            state.cond.notify_all()  # an older poll ends with 409, as on Telegram
            state.confirm(params.get("offset"))
            if params.get("allowed_updates") is not None:
                state.allowed = frozenset(params["allowed_updates"]) or DEFAULT_UPDATE_TYPES
            while not state.closed:
                if generation != state.poll_generation:
                    raise ApiError(409, _CONFLICT_POLL)
                batch = state.deliverable(int(params.get("limit") or 100))
                left = deadline - time.monotonic()
                if batch and self._hang_after_delivery:
                    self._hanging.set()
                if batch or left <= 0:
                    return copy.deepcopy(batch)
                state.cond.wait(left)
            return []

    # ---- webhook ------------------------------------------------------------------------------

    def _start_pusher(self) -> None:
        if self._pusher is None or not self._pusher.is_alive():
            self._pusher = threading.Thread(target=self._push_loop, daemon=True)
            self._pusher.start()

    def _push_loop(self) -> None:
        """POST each update to the webhook, in order, until it answers 2xx (Telegram retries)."""
        state = self._state
        while True:
            with state.cond:
                while not state.closed and state.webhook and not state.deliverable(1):
                    state.cond.wait(0.5)
                if state.closed or not state.webhook:
                    return
                update, hook = copy.deepcopy(state.deliverable(1)[0]), dict(state.webhook)
            status = self._post(hook, update)
            with state.cond:
                state.webhook_deliveries.append((update["update_id"], status))
                if 200 <= status < 300:
                    state.confirm(update["update_id"] + 1)
            if not 200 <= status < 300:
                time.sleep(0.1)

    @staticmethod
    def _post(hook: JSON, update: JSON) -> int:
        headers = {"Content-Type": "application/json"}
        if hook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = str(hook["secret_token"])
        body = json.dumps(update).encode()
        request = urllib.request.Request(hook["url"], body, headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return int(response.status)
        except urllib.error.HTTPError as err:
            return int(err.code)
        except OSError:
            return 0

    # ---- driver: people and their messages ----------------------------------------------------

    def user(
        self,
        id: int,
        first_name: str = "Ann",
        language_code: str | None = "en",
        *,
        username: str | None = None,
        started: bool = False,
    ) -> FakeUser:
        """A person; the bot may write to them once they wrote first (or `started=True`)."""
        person = FakeUser(id, first_name, language_code, username)
        with self._state.lock:
            self._state.users[id] = person
            if started:
                self._state.started.add(id)
        return person

    def group(self, id: int = -1001234567890, title: str = "Household") -> FakeChat:
        """A supergroup the bot is a member of."""
        chat = FakeChat(id, title, "supergroup")
        with self._state.lock:
            self._state.groups[id] = chat
        return chat

    def block(self, user: FakeUser) -> None:
        """The person blocks the bot: sending to them gets 403."""
        with self._state.lock:
            self._state.blocked.add(user.id)

    def send_text(
        self,
        user: FakeUser,
        text: str,
        chat: FakeChat | None = None,
        *,
        date: int | None = None,
    ) -> JSON:
        """Queue a message from `user` (private chat unless `chat`); marks a leading /command."""
        state = self._state
        with state.lock:
            if chat is None:
                state.started.add(user.id)
            where = chat.as_json() if chat else user.private_chat()
            entities = []
            command = re.match(r"/[A-Za-z0-9_]+(@\w+)?", text)
            if command:
                entities.append({"type": "bot_command", "offset": 0,
                                 "length": utf16_len(command.group())})  # fmt: skip
            message = state.new_message(
                where, user.as_json(), text=text, raw=text, entities=entities, date=date
            )
            return state.queue("message", message.as_json())

    def tap(self, user: FakeUser, message: SentMessage, button: str) -> JSON:
        """Queue a callback_query for the button (by text or callback_data) of a bot message."""
        with self._state.lock:
            current = self._state.messages.get((message.chat_id, message.message_id))
            if current is None or current.deleted:
                raise LookupError(f"message {message.message_id} is gone; nobody can tap it")
            data = next(
                (b.get("callback_data") for b in current.buttons
                 if button in (b.get("text"), b.get("callback_data"))), None,
            )  # fmt: skip
            if not current.from_bot or data is None:
                raise LookupError(f"no callback button {button!r} among {current.button_texts}")
            return self.forge(user, current, str(data))

    def forge(self, user: FakeUser, message: SentMessage, data: str) -> JSON:
        """Queue a callback_query with any data, as a tampered client could send."""
        with self._state.lock:
            current = self._state.messages[(message.chat_id, message.message_id)]
            if current.chat.get("type") == "private":
                self._state.started.add(user.id)
            return self._state.queue("callback_query", self._state.new_query(user, current, data))

    def add_to_group(self, user: FakeUser, chat: FakeChat, *, date: int | None = None) -> JSON:
        """`user` adds the bot to `chat`: the my_chat_member update Telegram sends (Bot API
        ChatMemberUpdated, the bot's status going from "left" to "member")."""
        with self._state.lock:
            self._state.groups[chat.id] = chat
            self._state.left.discard(chat.id)
            bot = dict(self._state.bot)
            changed = {
                "chat": chat.as_json(),
                "from": user.as_json(),
                "date": date or int(time.time()),
                "old_chat_member": {"user": bot, "status": "left"},
                "new_chat_member": {"user": bot, "status": "member"},
            }
            return self._state.queue("my_chat_member", changed)

    def backdate(self, message: SentMessage, seconds: int) -> None:
        """Make a message `seconds` older, as if it had been sent that long ago."""
        with self._state.lock:
            stored = self._state.messages[(message.chat_id, message.message_id)]
            stored.date -= seconds

    def has_left(self, chat: FakeChat) -> bool:
        with self._state.lock:
            return chat.id in self._state.left

    def queue(self, kind: str, payload: JSON) -> JSON:
        """Queue any other update (edited_message, my_chat_member, ...) as given."""
        return self._state.queue(kind, payload)

    # ---- driver: what the bot did ------------------------------------------------------------

    def messages(self, chat_id: int, *, incoming: bool = False) -> list[SentMessage]:
        """The bot's messages in a chat (with `incoming`, the people's too), as they stand now."""
        with self._state.lock:
            found = [
                m
                for (chat, _), m in sorted(self._state.messages.items())
                if chat == chat_id and (incoming or m.from_bot)
            ]
            return copy.deepcopy(found)

    def message(self, chat_id: int, message_id: int) -> SentMessage:
        with self._state.lock:
            return copy.deepcopy(self._state.messages[(chat_id, message_id)])

    def last_message(self, chat_id: int) -> SentMessage | None:
        """The bot's newest message in the chat that is not deleted, if any."""
        alive = [m for m in self.messages(chat_id) if not m.deleted]
        return alive[-1] if alive else None

    def calls(self, method: str, *, ok_only: bool = False) -> list[JSON]:
        """Parameters of every call of `method` (every attempt, unless `ok_only`)."""
        with self._state.lock:
            return [
                copy.deepcopy(c.params)
                for c in self._state.log
                if c.method.lower() == method.lower() and (c.status == 200 or not ok_only)
            ]

    @property
    def log(self) -> list[ApiCall]:
        with self._state.lock:
            return list(self._state.log)

    @property
    def callback_answers(self) -> list[JSON]:
        """answerCallbackQuery calls that succeeded, with the query's user_id, chat and data."""
        with self._state.lock:
            return copy.deepcopy(self._state.callback_answers)

    def unanswered_queries(self) -> list[JSON]:
        with self._state.lock:
            return [dict(q, id=i) for i, q in self._state.queries.items() if not q["answered"]]

    def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        params = {"scope": scope, "language_code": language_code}
        with self._state.lock:
            return copy.deepcopy(METHODS["getmycommands"](self._state, params, {}))

    @property
    def webhook(self) -> JSON | None:
        with self._state.lock:
            return dict(self._state.webhook) if self._state.webhook else None

    @property
    def webhook_deliveries(self) -> list[tuple[int, int]]:
        with self._state.lock:
            return list(self._state.webhook_deliveries)

    def pending(self) -> int:
        """Updates the bot has not confirmed yet (fetched ones count until the next offset)."""
        with self._state.lock:
            return len(self._state.updates)

    def flood(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        """The next `times` calls of `method` get 429 with `retry_after`."""
        with self._state.lock:
            self._state.floods.setdefault(method.lower(), []).extend([retry_after] * times)

    # ---- driver: waiting ------------------------------------------------------------------------

    def wait_for(self, predicate: Callable[[], T | None], timeout: float = 10.0) -> T:
        """Poll `predicate` until it is truthy; for tests whose bot runs in another thread."""
        deadline = time.monotonic() + timeout
        while not (value := predicate()):
            if time.monotonic() > deadline:
                raise AssertionError(self._timeout_note(timeout))
            time.sleep(0.02)
        return value

    async def until(
        self,
        predicate: Callable[[], T | None],
        timeout: float = 10.0,  # noqa: ASYNC109 - the same signature as wait_for, on purpose
    ) -> T:
        """Like `wait_for`, but sleeps with asyncio so the app's tasks run meanwhile."""
        deadline = time.monotonic() + timeout
        while not (value := predicate()):
            if time.monotonic() > deadline:
                raise AssertionError(self._timeout_note(timeout))
            await asyncio.sleep(0.02)
        return value

    def _timeout_note(self, timeout: float) -> str:
        recent = [f"{c.method}->{c.status}" for c in self.log[-12:]]
        return f"condition not met within {timeout} s; last calls: {recent}"
