"""Responsive lint: layout problems that need no baseline. (Stub: being written.)

Contract used by ``inspect.run``: ``part(target)`` gives the probe part (or None when
every rule is off for this page), ``judge(data, target, breakpoint)`` turns the part's
answer into findings for one breakpoint name.
"""

from __future__ import annotations

from typing import Any

from harness.config.breakpoints import Breakpoint
from harness.inspect.findings import Finding
from harness.inspect.probe import Part, Target

KEY = "lint"


def part(target: Target) -> Part | None:
    return None


def judge(data: Any, target: Target, breakpoint: Breakpoint) -> list[Finding]:
    return []
