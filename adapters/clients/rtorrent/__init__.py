"""rTorrent download client (0.9.8, XML-RPC over SCGI or an HTTP /RPC2 endpoint)."""

from adapters.clients.rtorrent.client import RTorrentClient, RTorrentSettings
from adapters.clients.rtorrent.states import map_state

__all__ = ["RTorrentClient", "RTorrentSettings", "map_state"]
