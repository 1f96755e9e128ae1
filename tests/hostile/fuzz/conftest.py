"""Hypothesis profiles for the parser fuzzing: fixed seeds and a small budget by default (CI),
a long randomised run on demand: `HYPOTHESIS_PROFILE=long pytest -q tests/hostile/fuzz`."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,  # fixed seeds: the same examples on every run
    max_examples=60,
    deadline=None,  # a loaded 2-core machine must not turn slowness into failures
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "long",
    max_examples=5000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
