"""SABnzbd download client (its HTTP API with an API key, 3.x), the second usenet client."""

from adapters.clients.sabnzbd.client import SabnzbdClient
from adapters.clients.sabnzbd.states import map_history, map_queue

__all__ = ["SabnzbdClient", "map_history", "map_queue"]
