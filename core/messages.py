"""What Outpost says to people, for any frontend to word and lay out: keys, never sentences.

A frontend translates every `Text` in the person's language (a param that is itself a `Text`,
or a tuple of them, is translated first), lays out `buttons` in rows, and sends a button's
`token` back unchanged when it is tapped; the token is all a button carries. `choices` is a
list to pick one from (releases, a long list of titles): the same tokens as buttons, which a
frontend with menus shows as one (Discord's select, for more than five), and any other as
buttons before the rows (`rows()`) or numbered choices.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core.visible import visible


@dataclass(frozen=True, slots=True)
class Text:
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Button:
    text: Text
    token: str  # opaque, at most 32 ASCII characters; the meaning lives in the store


@dataclass(frozen=True, slots=True)
class View:
    lines: tuple[Text, ...]  # translated one by one, joined by newlines
    buttons: tuple[tuple[Button, ...], ...] = ()  # rows of buttons
    photo: str | None = None  # a poster URL: the frontend sends a photo with the text as caption
    card: int | None = None  # this view is the status card of that request: edit it in place later
    silent: bool = False  # deliver without a sound (quiet hours)
    choices: tuple[Button, ...] = ()  # pick one of a list; a frontend may show it as a menu

    def rows(self, per_row: int = 4) -> tuple[tuple[Button, ...], ...]:
        """For a frontend without menus: the choices as rows of `per_row` buttons, then the
        rows of buttons."""
        picks = self.choices
        laid = tuple(picks[i : i + per_row] for i in range(0, len(picks), per_row))
        return laid + tuple(row for row in self.buttons if row)

    def fingerprint(self) -> str:
        """Equal for views that read and act the same, so an unchanged card is not edited."""
        return repr((self.lines, self.buttons, self.choices, self.photo))


@dataclass(frozen=True, slots=True)
class Field:
    """One value asked for privately: its name in the answer, its label, whether it is secret."""

    name: str
    label: Text
    secret: bool = True


@dataclass(frozen=True, slots=True)
class Ask:
    """Ask for private input: the frontend collects `fields` where nobody else can read them
    (Telegram: the person's next messages in the private chat, deleted at once; Discord: a
    modal) and hands them to `Conversation.private_answer(sender, token, values)`."""

    token: str  # a server-side token bound to the person; the values' meaning lives there
    fields: tuple[Field, ...]


Translate = Callable[..., str]  # translate(key, **params) -> text, in one language


def words(text: Text, translate: Translate) -> str:
    """One line in words: a param that is a `Text` is worded first, a tuple of them is
    worded and joined by ", "."""
    params = {name: _param(value, translate) for name, value in text.params.items()}
    return visible(translate(text.key, **params))


def _param(value: Any, translate: Translate) -> Any:
    if isinstance(value, Text):
        return words(value, translate)
    if isinstance(value, tuple) and value and all(isinstance(v, Text) for v in value):
        return ", ".join(words(v, translate) for v in value)
    return value
