"""What a person may be shown: text from feeds and providers without invisible characters.

Feed titles and provider text are written by strangers. Bidi controls (U+202A–202E,
U+2066–2069, U+200E/200F, U+061C) reorder what a chat shows ("Movie\u202ekvm.exe" reads as
"Movie exe.mkv"), zero-width characters (U+200B–200D, U+2060, U+FEFF) hide words or split
mentions. Every frontend's words pass through `visible` (`core.messages.words`, `bot.i18n.t`),
so none of them reaches a chat message, a notice or the CLI.
"""

from __future__ import annotations

import re

# every format (Cf) and control (Cc) character but the line break and tab, and the Unicode
# line and paragraph separators, which some clients show as breaks (Unicode 14's table,
# written out so importing costs nothing; tests/test_visible.py checks it against
# `unicodedata`)
_PATTERN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f"
    "\u0890\u0891\u08e2\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f"
    "\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)


def visible(text: str) -> str:
    """`text` without invisible and bidi control characters (each dropped, never replaced:
    a zero-width space inside a word must not split it)."""
    return _PATTERN.sub("", text)


def invisible(text: str) -> bool:
    """Whether `text` holds any character `visible` drops."""
    return _PATTERN.search(text) is not None
