"""Buttons that survive restarts: one `DynamicItem` whose template matches every token, so a
press after a restart still reaches the conversation (which trusts the token for nothing)."""

from __future__ import annotations

import re
from typing import Any

import discord

TOKEN_TEMPLATE = r"(?P<token>[A-Za-z0-9_-]{1,100})"


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
