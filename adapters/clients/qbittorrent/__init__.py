"""qBittorrent download client (WebAPI v2, 4.5 and 5.x)."""

from adapters.clients.qbittorrent.client import QBittorrentClient
from adapters.clients.qbittorrent.states import map_state
from adapters.clients.qbittorrent.sync import SyncStats

__all__ = ["QBittorrentClient", "SyncStats", "map_state"]
