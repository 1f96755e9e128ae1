"""The objects of the local Bot API server: people, chats, messages and recorded calls."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]


@dataclass(frozen=True)
class FakeUser:
    """A Telegram user who can write to the bot."""

    id: int
    first_name: str = "Ann"
    language_code: str | None = "en"
    username: str | None = None
    last_name: str | None = None

    def as_json(self) -> JSON:
        out: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out

    def private_chat(self) -> JSON:
        chat: JSON = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.username:
            chat["username"] = self.username
        return chat


@dataclass(frozen=True)
class FakeChat:
    """A group or supergroup the bot is a member of."""

    id: int
    title: str = "Household"
    type: str = "supergroup"

    def as_json(self) -> JSON:
        return {"id": self.id, "type": self.type, "title": self.title}


@dataclass
class SentMessage:
    """One message in a chat, as it stands now (after edits); `history` holds every state."""

    chat: JSON
    message_id: int
    sender: JSON
    from_bot: bool
    date: int
    text: str | None = None  # what the person reads: tags stripped, entities decoded
    entities: list[JSON] = field(default_factory=list)
    caption: str | None = None
    photo: str | None = None  # the URL or file_id sent, or "upload:<filename>"
    photo_bytes: bytes | None = None
    photo_sizes: list[JSON] = field(default_factory=list)
    reply_markup: JSON | None = None
    parse_mode: str | None = None
    raw: str | None = None  # text or caption exactly as the bot sent it
    disable_notification: bool = False
    reply_to_message_id: int | None = None
    edit_date: int | None = None
    deleted: bool = False
    history: list[JSON] = field(default_factory=list)

    @property
    def chat_id(self) -> int:
        return int(self.chat["id"])

    @property
    def buttons(self) -> list[JSON]:
        """The inline keyboard's buttons, row after row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]

    @property
    def button_texts(self) -> list[str]:
        return [str(button["text"]) for button in self.buttons]

    def snapshot(self, method: str) -> JSON:
        keys = ("text", "caption", "photo", "reply_markup", "parse_mode", "raw")
        return {"method": method, **{key: getattr(self, key) for key in keys}}

    def as_json(self) -> JSON:
        out: JSON = {"message_id": self.message_id, "from": self.sender}
        out.update(chat=self.chat, date=self.date)
        if self.edit_date:
            out["edit_date"] = self.edit_date
        if self.photo is None:
            out["text"] = self.text or ""
        else:
            out["photo"] = self.photo_sizes
        entities_key = "entities" if self.photo is None else "caption_entities"
        if self.caption is not None:
            out["caption"] = self.caption
        if self.entities:
            out[entities_key] = self.entities
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            out["reply_markup"] = self.reply_markup
        return out


@dataclass
class ApiCall:
    """One request the bot made, whatever its answer."""

    method: str
    params: JSON
    files: dict[str, tuple[str | None, bytes]]
    status: int = 200
    at: float = field(default_factory=time.perf_counter)  # when it arrived, for benchmarks
