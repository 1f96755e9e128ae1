"""The hostile-input suite: one test or more per row of security.md §3, named `test_row_NN_…`.

Fixtures are the indexer tests' own (a loopback Torznab server and an indexer built on it); the
row number in each name is what `python -m benchmarks.hostile` counts by."""

from __future__ import annotations

from tests.cli.conftest import outpost
from tests.indexers.conftest import make_indexer, serve

__all__ = ["make_indexer", "outpost", "serve"]
