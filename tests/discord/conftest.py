"""Fixtures for the Discord tests. discord.py imports `audioop` (voice), deprecated in 3.11
and an error under our warnings-as-errors; import it once here with that one warning muted."""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)
    import discord  # noqa: F401
