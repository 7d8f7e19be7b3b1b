"""What a test needs from the machine: skipped where missing on a developer's machine, failed under make test.

`make test` (and so CI) sets CLINWGS_REQUIRE_ALL=1 after installing every tool, so there a missing tool,
server or plugin is a failure: a test that skips in CI cannot fail, and would hide a broken install step.
"""

from __future__ import annotations

import os

import pytest


def strict() -> bool:
    return os.environ.get("CLINWGS_REQUIRE_ALL", "") not in {"", "0"}


def require(available: object, what: str) -> None:
    """Skip (under CLINWGS_REQUIRE_ALL: fail) unless ``available`` is true; ``what`` says how to get it."""
    if available:
        return
    if strict():
        pytest.fail(f"required by make test / CI but missing: {what}", pytrace=False)
    pytest.skip(f"missing: {what}", allow_module_level=True)
