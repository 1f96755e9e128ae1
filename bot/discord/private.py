"""Private input as a modal: only the person sees it, and nothing they type stays in a chat.

Discord opens a modal only as the first answer to an interaction, so an `Ask` that comes
after a defer (or as a notice) is shown as a button; pressing it opens the modal."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord

from bot.discord.render import cap, line_text
from bot.i18n import t
from core.messages import Ask, Button, Text, View

TITLE_LIMIT, LABEL_LIMIT = 45, 45  # Discord's caps on a modal's title and an input's label
ENTER_PRIVATELY = "discord.enter_privately"
Submit = Callable[[discord.Interaction, Ask, dict[str, str]], Awaitable[None]]


class AskModal(discord.ui.Modal):
    def __init__(self, ask: Ask, lang: str, submit: Submit) -> None:
        super().__init__(title=cap(t("discord.private_title", lang), TITLE_LIMIT), timeout=600)
        self.ask, self._submit = ask, submit
        self.inputs: dict[str, discord.ui.TextInput[AskModal]] = {}
        for field in ask.fields[:5]:  # at most five inputs in one modal
            label = cap(discord.utils.remove_markdown(line_text(field.label, lang)), LABEL_LIMIT)
            text_input: discord.ui.TextInput[AskModal] = discord.ui.TextInput(
                label=label, custom_id=field.name, max_length=1000
            )
            self.inputs[field.name] = text_input
            self.add_item(text_input)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        values = {name: text_input.value for name, text_input in self.inputs.items()}
        await self._submit(interaction, self.ask, values)


class Asks:
    """The asks waiting for their modal, by token (the token itself is redeemed only once,
    by the person it was issued to, when the values arrive)."""

    def __init__(self) -> None:
        self._waiting: dict[str, Ask] = {}

    def keep(self, ask: Ask) -> None:
        self._waiting[ask.token] = ask

    def take(self, token: str) -> Ask | None:
        return self._waiting.pop(token, None)


def ask_view(prompt: View, ask: Ask) -> View:
    """The prompt with one button that opens the modal (its custom_id is the ask's token)."""
    return View(prompt.lines, ((Button(Text(ENTER_PRIVATELY), ask.token),),))
