"""Shared test configuration: hypothesis profiles, and a cache of checked scenarios of the
session's own (``TRADEGAME_CACHE_DIR``, inherited by the programs the tests start), so that no
test reads or writes the user's cache.

- ``dev`` (the default): fast, and random, so every run explores new examples.
- ``ci`` (the default when the ``CI`` variable is set, as ``.ci/run`` is run): the same budget
  but derandomized, so a landing never depends on luck; a failure reproduces exactly.
- ``thorough`` (``HYPOTHESIS_PROFILE=thorough``): many more examples, for a deliberate hunt.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

from hypothesis import HealthCheck, settings

COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("dev", max_examples=20, **COMMON)
settings.register_profile("ci", max_examples=20, derandomize=True, **COMMON)
settings.register_profile("thorough", max_examples=300, **COMMON)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)

_CACHE = tempfile.mkdtemp(prefix="tradegame-test-cache-")
os.environ["TRADEGAME_CACHE_DIR"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, True)
