"""`python -m bot.cli` runs the `outpost` command."""

from bot.cli.main import entry

entry()
