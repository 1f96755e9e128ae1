"""A download client's health check states what `check()` says: the facts `doctor` prints."""

from __future__ import annotations

from adapters.clients.qbittorrent import QBittorrentClient
from core.http import HttpPolicy, HttpService
from core.services.health import check
from core.store.models import IntegrationCategory
from tests.support.daemons import QBittorrentDaemon


async def test_a_client_reports_version_free_space_and_save_roots(
    qbt_daemon: QBittorrentDaemon,
) -> None:
    async with HttpService("qbit", HttpPolicy(retries=0)) as http:
        client = QBittorrentClient(
            "qbit", qbt_daemon.url, http, username=qbt_daemon.username, password=qbt_daemon.password
        )
        health = await check("qbit", IntegrationCategory.CLIENT, client)
    assert health.ok, health.error
    assert str(health.facts["version"]).startswith("v")
    assert health.facts["roots"][0] == str(qbt_daemon.download_dir)
    free = health.facts.get("free_space")  # left out while qBittorrent has not measured
    assert free is None or str(free).endswith("B")
