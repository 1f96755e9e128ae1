"""The Discord frontend: slash commands, buttons and modals over the shared conversation."""

from bot.discord.frontend import DiscordFrontend

__all__ = ["DiscordFrontend"]
