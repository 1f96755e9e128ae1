"""Transmission download client (RPC at /transmission/rpc, 3.00 and 4.x)."""

from adapters.clients.transmission.client import TransmissionClient
from adapters.clients.transmission.wire import map_status

__all__ = ["TransmissionClient", "map_status"]
