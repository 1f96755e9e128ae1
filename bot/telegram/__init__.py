"""The Telegram frontend on python-telegram-bot 22; imported only when a bot token is set."""

from bot.telegram.frontend import TelegramFrontend
from bot.telegram.webhook import Webhook, webhook_from_env

__all__ = ["TelegramFrontend", "Webhook", "webhook_from_env"]
