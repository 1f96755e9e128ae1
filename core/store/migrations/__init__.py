"""Tortoise migrations for the `models` app; applied by `Store.open()` at start."""
