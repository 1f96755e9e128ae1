"""The slash commands: one per conversation command, each with one optional line of text,
named and described through a Translator backed by the locales' `command.*` keys.

Every command is synced to the household's guilds only (issue 8: "commands are synced to those
guilds only"), /addindexer, /addclient, /claim, /link and /help too: there a secret is entered
in a modal and a settings answer is ephemeral, both seen by the sender alone. No command is
global, so the bot offers none in DMs or in any other server; its DMs still carry notices,
buttons and the button that opens a modal."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands

from bot.conversation.entry import COMMANDS, describe
from bot.conversation.search import KINDS
from bot.discord.render import cap
from bot.i18n import languages

Run = Callable[[discord.Interaction, str, str], Awaitable[None]]
Suggest = Callable[[discord.Interaction, str, str], Awaitable[list[app_commands.Choice[str]]]]
DESCRIPTION_LIMIT = 100  # Discord's cap on a command's description
ARGUMENT = "text"
GUILD_ONLY = app_commands.AppCommandContext(guild=True, dm_channel=False, private_channel=False)


class LocaleTranslator(app_commands.Translator):
    """A description's `command` extra, worded in each language Outpost speaks."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        command = string.extras.get("command")
        lang = locale.value.split("-")[0]
        if command is None or lang == "en" or lang not in languages():
            return None
        return cap(describe(command, lang), DESCRIPTION_LIMIT)


def command(
    name: str, run: Run, suggest: Suggest | None = None
) -> app_commands.Command[Any, ..., None]:
    """`/name [text]`: the text is the rest of the line, as in a Telegram command."""

    async def callback(interaction: discord.Interaction, text: str | None = None) -> None:
        await run(interaction, name, text or "")

    description = app_commands.locale_str(
        cap(describe(name, "en"), DESCRIPTION_LIMIT), command=name
    )
    made: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=name, description=description, callback=callback
    )
    made._params[ARGUMENT].description = "…"
    if suggest is not None:

        async def complete(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            return await suggest(interaction, name, current)

        made.autocomplete(ARGUMENT)(complete)
    return made


def install(
    tree: app_commands.CommandTree[Any], run: Run, suggest: Suggest, guilds: frozenset[int]
) -> None:
    """Every command on each household guild only; the search commands suggest titles as
    they are typed."""
    households = [discord.Object(guild) for guild in sorted(guilds)]
    if not households:
        return
    for name in COMMANDS:
        made = command(name, run, suggest if name in KINDS else None)
        made.allowed_contexts = GUILD_ONLY
        tree.add_command(made, guilds=households)
