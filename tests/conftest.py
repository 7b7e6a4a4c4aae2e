"""Hypothesis runs the same examples on every `make test`; `make fuzz` hunts with fresh random ones.

A property test that draws new examples on each run makes CI pass or fail by
chance: `make test` uses the "ci" profile (derandomized: the examples follow
from each test's source alone). `make fuzz` sets JUESUAN_FUZZ=1, which loads
the "fuzz" profile (random seeds, many more examples) for whoever wants to
hunt; a failure it finds is pinned in the test with @example.
"""
from __future__ import annotations

import os

from hypothesis import settings

FUZZING = os.environ.get("JUESUAN_FUZZ") == "1"
FUZZ_FACTOR = 25

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("fuzz", max_examples=100 * FUZZ_FACTOR, derandomize=False, print_blob=True)
settings.load_profile("fuzz" if FUZZING else "ci")


def examples(n: int) -> int:
    """`n` examples on CI, FUZZ_FACTOR times as many under `make fuzz` (an explicit count overrides the profile)."""
    return n * FUZZ_FACTOR if FUZZING else n
