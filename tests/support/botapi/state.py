"""What the local Bot API server knows (people, chats, messages, updates, calls), under one lock."""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

from tests.support.botapi.shapes import JSON, ApiCall, FakeChat, FakeUser, SentMessage
from tests.support.botapi.wire import ApiError, bad_request

DEFAULT_UPDATE_TYPES = frozenset(
    {"message", "edited_message", "channel_post", "edited_channel_post", "callback_query",
     "inline_query", "chosen_inline_result", "my_chat_member", "chat_join_request"}
)  # fmt: skip


class ServerState:
    """Shared by the HTTP threads and the test; every access holds `lock` (`cond` wraps it)."""

    def __init__(self, token: str, bot_name: str, bot_username: str) -> None:
        self.token = token
        self.bot: JSON = {
            "id": int(token.split(":", 1)[0]), "is_bot": True, "first_name": bot_name,
            "username": bot_username, "can_join_groups": True,
            "can_read_all_group_messages": False, "supports_inline_queries": False,
            "can_connect_to_business": False, "has_main_web_app": False,
        }  # fmt: skip
        self.lock = threading.RLock()
        self.cond = threading.Condition(self.lock)
        self.closed = False
        self.log: list[ApiCall] = []
        self.updates: list[JSON] = []  # not yet confirmed by an offset
        self.allowed: frozenset[str] = DEFAULT_UPDATE_TYPES
        self.poll_generation = 0
        self.webhook: JSON | None = None
        self.webhook_deliveries: list[tuple[int, int]] = []  # (update_id, HTTP status or 0)
        self.users: dict[int, FakeUser] = {}
        self.started: set[int] = set()
        self.blocked: set[int] = set()
        self.groups: dict[int, FakeChat] = {}
        self.left: set[int] = set()  # groups the bot left (leaveChat)
        self.messages: dict[tuple[int, int], SentMessage] = {}
        self.queries: dict[str, JSON] = {}
        self.callback_answers: list[JSON] = []
        self.commands: dict[str, list[JSON]] = {}
        self.floods: dict[str, list[int]] = {}
        self.files: dict[str, str] = {}  # file_id -> what was sent (URL or "upload:<name>")
        self._update_ids = itertools.count(700_000_001)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._query_ids = itertools.count(4_300_000_000_000_000_001)
        self._file_numbers = itertools.count(1)

    # ---- chats ------------------------------------------------------------------------

    def chat(self, chat_id: Any, *, sending: bool = True) -> JSON:
        """The Chat the bot addresses by `chat_id`, or the error Telegram gives for it."""
        if isinstance(chat_id, int) and chat_id in self.groups:
            if sending and chat_id in self.left:
                raise ApiError(403, "Forbidden: bot is not a member of the supergroup chat")
            return self.groups[chat_id].as_json()
        user = self.users.get(chat_id) if isinstance(chat_id, int) else None
        if user is None:
            raise bad_request("chat not found")
        if sending and chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if sending and chat_id not in self.started:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        return user.private_chat()

    def chat_instance(self, chat_id: int) -> str:
        return str(abs(chat_id) * 7919 + 3_141_592_653)

    # ---- messages -----------------------------------------------------------------------

    def new_message(self, chat: JSON, sender: JSON, **fields: Any) -> SentMessage:
        """Store a message with the chat's next message_id (incoming and outgoing share them)."""
        chat_id = int(chat["id"])
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        message = SentMessage(
            chat=chat,
            message_id=next(counter),
            sender=sender,
            from_bot=sender.get("is_bot", False),
            date=fields.pop("date", None) or int(time.time()),
            **fields,
        )
        message.history.append(message.snapshot("sent"))
        self.messages[(chat_id, message.message_id)] = message
        return message

    def find(self, chat_id: Any, message_id: Any, missing: str) -> SentMessage:
        found = self.messages.get((chat_id, message_id)) if isinstance(chat_id, int) else None
        if found is None or found.deleted:
            raise bad_request(missing)
        return found

    def photo_sizes(self, source: str, size: int | None) -> list[JSON]:
        """Three PhotoSize objects with fresh file ids that later sendPhoto calls may reuse."""
        number = next(self._file_numbers)
        sizes: list[JSON] = []
        for side, suffix in ((90, "s"), (320, "m"), (800, "x")):
            file_id = f"AgACAgIAAxkDAAI{number:06d}{suffix}"
            self.files[file_id] = source
            sizes.append({"file_id": file_id, "file_unique_id": f"AQAD{number:06d}{suffix}",
                          "width": side, "height": side})  # fmt: skip
            if size is not None:
                sizes[-1]["file_size"] = size
        return sizes

    # ---- updates ------------------------------------------------------------------------

    def queue(self, kind: str, payload: JSON) -> JSON:
        """Append an update of `kind` and wake a waiting getUpdates."""
        with self.cond:
            update = {"update_id": next(self._update_ids), kind: payload}
            self.updates.append(update)
            self.cond.notify_all()
            return update

    def confirm(self, offset: Any) -> None:
        """Forget updates below `offset`; a negative offset keeps only the last -offset ones."""
        if not isinstance(offset, int):
            return
        if offset < 0:
            self.updates = self.updates[offset:]
        else:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]

    def deliverable(self, limit: int) -> list[JSON]:
        """Unconfirmed updates of the allowed types; others are dropped, as Telegram drops them."""
        self.updates = [u for u in self.updates if self._kind(u) in self.allowed]
        return self.updates[: max(1, min(limit, 100))]

    @staticmethod
    def _kind(update: JSON) -> str:
        return next(key for key in update if key != "update_id")

    def new_query(self, user: FakeUser, message: SentMessage, data: str) -> JSON:
        query_id = str(next(self._query_ids))
        self.queries[query_id] = {
            "user_id": user.id, "chat_id": message.chat_id,
            "message_id": message.message_id, "data": data, "answered": False,
        }  # fmt: skip
        return {
            "id": query_id, "from": user.as_json(), "message": message.as_json(),
            "chat_instance": self.chat_instance(message.chat_id), "data": data,
        }  # fmt: skip
