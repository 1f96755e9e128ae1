"""The Discord frontend: slash commands, buttons and modals over the shared conversation."""
