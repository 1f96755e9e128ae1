"""The console frontend: the conversation in a terminal (`outpost chat`), no bot token needed."""

from bot.console.frontend import ConsoleFrontend

__all__ = ["ConsoleFrontend"]
