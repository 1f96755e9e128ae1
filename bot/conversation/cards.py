"""Status cards for the conversation: written in core (`core.services.cards`), shown here."""

from core.services.cards import bar, card_view, eta_text, percent

__all__ = ["bar", "card_view", "eta_text", "percent"]
