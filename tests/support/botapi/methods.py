"""The Bot API methods the local server answers, each as Telegram does (shapes and errors)."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from tests.support.botapi.shapes import JSON, SentMessage
from tests.support.botapi.state import DEFAULT_UPDATE_TYPES, ServerState
from tests.support.botapi.wire import (
    MAX_CALLBACK_DATA,
    MAX_CAPTION,
    MAX_TEXT,
    NOT_MODIFIED,
    QUERY_INVALID,
    ApiError,
    bad_request,
    parse_html,
)

Files = dict[str, tuple[str | None, bytes]]
Method = Callable[[ServerState, JSON, Files], Any]
_ACTIONS = frozenset(
    {"url", "callback_data", "web_app", "login_url", "switch_inline_query", "pay",
     "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
     "callback_game"}
)  # fmt: skip
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
# The server's own download of a photo URL travels with the uploads under a name no client sends.
FETCHED_PART = "\0fetched"


def formatted(raw: Any, parse_mode: Any, entities: Any) -> tuple[str, list[JSON]]:
    """What a person reads and its entities; only HTML is parsed (Markdown is kept as sent)."""
    text = str(raw) if raw is not None else ""
    if isinstance(parse_mode, str) and parse_mode.lower() == "html":
        return parse_html(text)
    return text, list(entities or [])


def checked_markup(markup: Any) -> JSON | None:
    """The reply_markup as sent, after the checks Telegram makes on inline keyboards."""
    if not isinstance(markup, dict):
        return None
    for row in markup.get("inline_keyboard", []):
        for button in row:
            _check_button(button)
    return markup


def _check_button(button: JSON) -> None:
    if not str(button.get("text", "")).strip():
        raise bad_request("can't parse inline keyboard button: Text must be non-empty")
    if not _ACTIONS & button.keys():
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = button.get("callback_data")
    if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
        raise bad_request("BUTTON_DATA_INVALID")


def _sending(params: JSON) -> JSON:
    """The fields every send method records the same way."""
    return {
        "parse_mode": params.get("parse_mode"),
        "reply_markup": checked_markup(params.get("reply_markup")),
        "disable_notification": bool(params.get("disable_notification")),
        "reply_to_message_id": _reply_to(params),
    }


def _reply_to(params: JSON) -> int | None:
    reply = params.get("reply_parameters")
    if isinstance(reply, dict):
        return int(reply["message_id"])
    value = params.get("reply_to_message_id")
    return int(value) if value is not None else None


# ---- bot, updates, commands ----------------------------------------------------------------


def get_me(state: ServerState, params: JSON, files: Files) -> JSON:
    return state.bot


def delete_webhook(state: ServerState, params: JSON, files: Files) -> bool:
    state.webhook = None
    if params.get("drop_pending_updates"):
        state.updates.clear()
    return True


def set_webhook(state: ServerState, params: JSON, files: Files) -> bool:
    url = str(params.get("url") or "")
    if url and not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
    if params.get("drop_pending_updates"):
        state.updates.clear()
    if params.get("allowed_updates") is not None:
        state.allowed = frozenset(params["allowed_updates"]) or DEFAULT_UPDATE_TYPES
    state.webhook = {"url": url, "secret_token": params.get("secret_token")} if url else None
    state.cond.notify_all()
    return True


def get_webhook_info(state: ServerState, params: JSON, files: Files) -> JSON:
    url = state.webhook["url"] if state.webhook else ""
    return {"url": url, "has_custom_certificate": False, "pending_update_count": len(state.updates)}


def _commands_key(params: JSON) -> str:
    scope = params.get("scope") or {"type": "default"}
    return f"{sorted(scope.items())}|{params.get('language_code') or ''}"


def set_my_commands(state: ServerState, params: JSON, files: Files) -> bool:
    commands = params.get("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("commands must be a list of at most 100 BotCommand")
    for command in commands:
        if not _COMMAND.fullmatch(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise bad_request("command description must be 1-256 characters")
    state.commands[_commands_key(params)] = commands
    return True


def get_my_commands(state: ServerState, params: JSON, files: Files) -> list[JSON]:
    return state.commands.get(_commands_key(params), [])


def delete_my_commands(state: ServerState, params: JSON, files: Files) -> bool:
    state.commands.pop(_commands_key(params), None)
    return True


# ---- sending --------------------------------------------------------------------------------


def send_message(state: ServerState, params: JSON, files: Files) -> JSON:
    chat = state.chat(params.get("chat_id"))
    text, entities = formatted(params.get("text"), params.get("parse_mode"), params.get("entities"))
    if not text.strip():
        raise bad_request("message text is empty")
    if len(text) > MAX_TEXT:
        raise bad_request("message is too long")
    message = state.new_message(
        chat, state.bot, text=text, entities=entities, raw=params.get("text"),
        **_sending(params),
    )  # fmt: skip
    return message.as_json()


def send_photo(state: ServerState, params: JSON, files: Files) -> JSON:
    chat = state.chat(params.get("chat_id"))
    source, data = _photo(state, params, files)
    caption, entities = formatted(
        params.get("caption"), params.get("parse_mode"), params.get("caption_entities")
    )
    if len(caption) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    message = state.new_message(
        chat, state.bot, photo=source, photo_bytes=data,
        photo_sizes=state.photo_sizes(source, len(data) if data is not None else None),
        caption=caption or None, entities=entities, raw=params.get("caption"),
        **_sending(params),
    )  # fmt: skip
    return message.as_json()


def _photo(state: ServerState, params: JSON, files: Files) -> tuple[str, bytes | None]:
    """What was sent as the photo: an upload, a URL (fetched if asked) or a known file_id."""
    value = params.get("photo")
    part = str(value).removeprefix("attach://") if str(value).startswith("attach://") else "photo"
    if part in files:
        filename, data = files[part]
        return f"upload:{filename}", data
    if not isinstance(value, str) or not value:
        raise bad_request("there is no photo in the request")
    if value.startswith(("http://", "https://")):
        return value, files.get(FETCHED_PART, (None, None))[1]
    if value in state.files:
        return value, None
    raise bad_request("wrong file identifier/HTTP URL specified")


def fetch_photo(url: str) -> bytes:
    """Download a photo URL as Telegram's servers would, or fail with Telegram's words."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            if not str(response.headers.get("content-type", "")).startswith("image/"):
                raise bad_request("wrong type of the web page content")
            return bytes(response.read(10_000_001))
    except (urllib.error.URLError, OSError):
        raise bad_request("failed to get HTTP URL content") from None


def send_chat_action(state: ServerState, params: JSON, files: Files) -> bool:
    state.chat(params.get("chat_id"))
    return True


def get_chat(state: ServerState, params: JSON, files: Files) -> JSON:
    chat = state.chat(params.get("chat_id"), sending=False)
    gifts = dict.fromkeys(
        ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription",
         "gifts_from_channels"), False,
    )  # fmt: skip
    return {**chat, "accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": gifts}


def leave_chat(state: ServerState, params: JSON, files: Files) -> bool:
    """The bot leaves a group; it can no longer send there (403, as Telegram answers)."""
    chat = state.chat(params.get("chat_id"), sending=False)
    if chat.get("type") == "private":
        raise bad_request("chat member status can't be changed in private chats")
    state.left.add(int(chat["id"]))
    return True


# ---- editing, deleting, callbacks -----------------------------------------------------------


def _editable(state: ServerState, params: JSON) -> SentMessage:
    if params.get("inline_message_id"):
        raise bad_request("inline messages are not supported by this test server")
    message = state.find(
        params.get("chat_id"), params.get("message_id"), "message to edit not found"
    )
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return message


def _apply(message: SentMessage, method: str, **changes: Any) -> JSON:
    """Apply an edit, or refuse it as Telegram does when nothing would change."""
    if all(getattr(message, key) == value for key, value in changes.items() if key != "raw"):
        raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
    for key, value in changes.items():
        setattr(message, key, value)
    message.edit_date = int(time.time())
    message.history.append(message.snapshot(method))
    return message.as_json()


def edit_message_text(state: ServerState, params: JSON, files: Files) -> JSON:
    message = _editable(state, params)
    if message.photo is not None:
        raise bad_request("there is no text in the message to edit")
    text, entities = formatted(params.get("text"), params.get("parse_mode"), params.get("entities"))
    if not text.strip():
        raise bad_request("message text is empty")
    if len(text) > MAX_TEXT:
        raise bad_request("MESSAGE_TOO_LONG")
    return _apply(
        message, "editMessageText", text=text, entities=entities, raw=params.get("text"),
        reply_markup=checked_markup(params.get("reply_markup")),
    )  # fmt: skip


def edit_message_caption(state: ServerState, params: JSON, files: Files) -> JSON:
    message = _editable(state, params)
    if message.photo is None:
        raise bad_request("there is no caption in the message to edit")
    caption, entities = formatted(
        params.get("caption"), params.get("parse_mode"), params.get("caption_entities")
    )
    if len(caption) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return _apply(
        message, "editMessageCaption", caption=caption or None, entities=entities,
        raw=params.get("caption"), reply_markup=checked_markup(params.get("reply_markup")),
    )  # fmt: skip


def edit_message_reply_markup(state: ServerState, params: JSON, files: Files) -> JSON:
    message = _editable(state, params)
    markup = checked_markup(params.get("reply_markup"))
    return _apply(message, "editMessageReplyMarkup", reply_markup=markup)


def delete_message(state: ServerState, params: JSON, files: Files) -> bool:
    message = state.find(
        params.get("chat_id"), params.get("message_id"), "message to delete not found"
    )
    message.deleted = True
    return True


def answer_callback_query(state: ServerState, params: JSON, files: Files) -> bool:
    query = state.queries.get(str(params.get("callback_query_id")))
    if query is None or query["answered"]:
        raise bad_request(QUERY_INVALID.removeprefix("Bad Request: "))
    query["answered"] = True
    state.callback_answers.append(
        {**query, "callback_query_id": params.get("callback_query_id"),
         "text": params.get("text"), "show_alert": bool(params.get("show_alert")),
         "url": params.get("url"), "cache_time": params.get("cache_time")}
    )  # fmt: skip
    return True


METHODS: dict[str, Method] = {
    "getme": get_me,
    "deletewebhook": delete_webhook,
    "setwebhook": set_webhook,
    "getwebhookinfo": get_webhook_info,
    "setmycommands": set_my_commands,
    "getmycommands": get_my_commands,
    "deletemycommands": delete_my_commands,
    "sendmessage": send_message,
    "sendphoto": send_photo,
    "sendchataction": send_chat_action,
    "getchat": get_chat,
    "leavechat": leave_chat,
    "editmessagetext": edit_message_text,
    "editmessagecaption": edit_message_caption,
    "editmessagereplymarkup": edit_message_reply_markup,
    "deletemessage": delete_message,
    "answercallbackquery": answer_callback_query,
}

__all__ = ["FETCHED_PART", "METHODS", "ApiError", "fetch_photo"]
