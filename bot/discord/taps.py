"""Buttons and select menus that survive restarts: one `DynamicItem` each, whose template
matches every token, so a press or a pick after a restart still reaches the conversation
(which trusts the token for nothing). A menu's options carry the tokens as their values; its
own custom_id is "pick:" and its first option's token (the ":" keeps it from ever matching a
button's template, as discord.py runs every dynamic item whose template matches)."""

from __future__ import annotations

import re
from typing import Any

import discord

TOKEN_TEMPLATE = r"(?P<token>[A-Za-z0-9_-]{1,100})"
PICK_TEMPLATE = r"pick:(?P<first>[A-Za-z0-9_-]{1,95})"


class TokenButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TOKEN_TEMPLATE):
    def __init__(self, token: str, label: str = "…", row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(label=label, custom_id=token, row=row),
        )
        self.token = token

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> TokenButton:
        return cls(match["token"])

    async def callback(self, interaction: discord.Interaction) -> None:
        handle = getattr(interaction.client, "on_token", None)
        if handle is not None:
            await handle(interaction, self.token)


class TokenSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=PICK_TEMPLATE):
    def __init__(
        self,
        first: str,
        options: list[discord.SelectOption] | None = None,
        placeholder: str | None = None,
        row: int | None = None,
    ) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=f"pick:{first}",
                options=options or [discord.SelectOption(label="…", value=first)],
                placeholder=placeholder,
                min_values=1,
                max_values=1,
                row=row,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> TokenSelect:
        options = item.options if isinstance(item, discord.ui.Select) else None
        return cls(match["first"], options)

    async def callback(self, interaction: discord.Interaction) -> None:
        picked = self.item.values
        handle = getattr(interaction.client, "on_token", None)
        if handle is not None and picked:
            await handle(interaction, picked[0])
