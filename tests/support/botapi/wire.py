"""Wire format of the local Bot API server: request bodies, HTML parse mode, error answers."""

from __future__ import annotations

import email.parser
import email.policy
import json
import re
from typing import Any
from urllib.parse import parse_qs

from tests.support.localserver import Request

JSON = dict[str, Any]

DEFAULT_TOKEN = "123456:TEST-outpost-canary-token-0000000000"
MAX_TEXT, MAX_CAPTION, MAX_CALLBACK_DATA = 4096, 1024, 64
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
# Form values that are strings on the wire; every other form value is JSON-encoded by PTB.
_STRING_PARAMS = frozenset(
    {"text", "caption", "parse_mode", "callback_query_id", "url", "photo", "action", "data",
     "language_code", "secret_token", "inline_message_id", "ip_address"}
)  # fmt: skip


class ApiError(Exception):
    """An error answer of the Bot API: `{"ok": false, "error_code": ..., "description": ...}`."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters

    def body(self) -> JSON:
        out: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            out["parameters"] = self.parameters
        return out


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


def utf16_len(text: str) -> int:
    """Telegram counts entity offsets and lengths in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


# ---- HTML parse mode ---------------------------------------------------------------------

_HTML_TOKEN = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>|<|&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot);"
)
_HTML_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler", "code": "code", "pre": "pre", "a": "text_link",
    "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}  # fmt: skip
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def parse_html(raw: str) -> tuple[str, list[JSON]]:
    """Plain text and entities of an HTML-formatted message, or the Bot API's 400."""
    plain: list[str] = []
    entities: list[JSON] = []
    stack: list[tuple[str, str, int]] = []  # (tag, attributes, utf-16 start)
    pos = 0
    for match in _HTML_TOKEN.finditer(raw):
        plain.append(raw[pos : match.start()])
        pos = match.end()
        offset = utf16_len("".join(plain))
        where = len(raw[: match.start()].encode())
        if match.group(4):
            plain.append(_entity_char(match.group(4)))
        elif match.group(2) is None:
            raise bad_request(f"can't parse entities: Unsupported start tag at byte offset {where}")
        elif match.group(1):
            entities.extend(_close_tag(stack, match.group(2).lower(), offset, where))
        else:
            stack.append(_open_tag(match.group(2).lower(), match.group(3), offset, where))
    plain.append(raw[pos:])
    if stack:
        tag = stack[-1][0]
        raise bad_request(
            f"can't parse entities: Can't find end tag corresponding to start tag \"{tag}\""
        )
    # Outer before inner: of two entities on the same range, the outer one was closed later.
    order = sorted(enumerate(entities), key=lambda p: (p[1]["offset"], -p[1]["length"], -p[0]))
    return "".join(plain), [entity for _, entity in order]


def _entity_char(name: str) -> str:
    if name.startswith("#x"):
        return chr(int(name[2:], 16))
    return chr(int(name[1:])) if name.startswith("#") else _NAMED[name]


def _open_tag(tag: str, attrs: str, offset: int, where: int) -> tuple[str, str, int]:
    if tag not in _HTML_TAGS:
        raise bad_request(
            f'can\'t parse entities: Unsupported start tag "{tag}" at byte offset {where}'
        )
    return tag, attrs, offset


def _close_tag(stack: list[tuple[str, str, int]], tag: str, end: int, where: int) -> list[JSON]:
    if not stack or stack[-1][0] != tag:
        expected = f'"</{stack[-1][0]}>"' if stack else "none"
        raise bad_request(
            f"can't parse entities: Unmatched end tag at byte offset {where}, "
            f'expected {expected}, found "</{tag}>"'
        )
    _, attrs, start = stack.pop()
    kind = _HTML_TAGS[tag]
    if end == start or (tag == "span" and "tg-spoiler" not in attrs):
        return []
    entity: JSON = {"type": kind, "offset": start, "length": end - start}
    if tag == "a":
        href = re.search(r"""href\s*=\s*["']([^"']*)""", attrs)
        if not href:
            return []
        entity["url"] = href.group(1)
    return [entity]


# ---- request bodies ----------------------------------------------------------------------


def _coerce(key: str, value: str) -> Any:
    if key in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def decode_params(request: Request) -> tuple[JSON, dict[str, tuple[str | None, bytes]]]:
    """Parameters and uploaded files of a Bot API call, however they were encoded."""
    params: JSON = {k: _coerce(k, v[0]) for k, v in request.query.items()}
    files: dict[str, tuple[str | None, bytes]] = {}
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("application/json"):
        params.update(json.loads(request.body or b"{}"))
    elif ctype.startswith("multipart/form-data"):
        head = f"Content-Type: {ctype}\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.body)
        for part in message.iter_parts():
            name = str(part.get_param("name", header="content-disposition"))
            payload = part.get_payload(decode=True)
            payload = payload if isinstance(payload, bytes) else b""
            if part.get_filename() is None:
                params[name] = _coerce(name, payload.decode())
            else:
                files[name] = (part.get_filename(), payload)
    elif request.body:
        form = parse_qs(request.body.decode(), keep_blank_values=True)
        params.update({k: _coerce(k, v[0]) for k, v in form.items()})
    return params, files
