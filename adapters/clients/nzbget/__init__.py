"""NZBGet download client (JSON-RPC, 21.x), the first usenet client."""

from adapters.clients.nzbget.client import NzbgetClient
from adapters.clients.nzbget.states import map_history, map_queue

__all__ = ["NzbgetClient", "map_history", "map_queue"]
