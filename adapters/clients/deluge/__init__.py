"""Deluge download client (deluge-web JSON-RPC, Deluge 2.x)."""

from adapters.clients.deluge.client import DelugeClient
from adapters.clients.deluge.states import map_state

__all__ = ["DelugeClient", "map_state"]
