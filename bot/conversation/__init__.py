"""The frontend-neutral conversation: commands and taps in, views out. See `Conversation`."""

from bot.conversation.entry import Conversation

__all__ = ["Conversation"]
