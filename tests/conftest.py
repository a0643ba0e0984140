"""Shared test configuration: hypothesis profiles.

Pick one with ``HYPOTHESIS_PROFILE=ci`` (more examples, derandomized, no deadline); the
default ``dev`` profile is fast enough to run on every save.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "dev",
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
