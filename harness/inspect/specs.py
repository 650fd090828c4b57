"""Layout specs: the Galen-style rules of ``specs.yaml``, checked at each breakpoint. (Stub.)

Contract used by ``inspect.run``: ``part(target, specs)`` gives the probe part measuring
the elements the page's rules name (or None), ``judge(data, target, breakpoint, specs)``
evaluates the rules that apply at that breakpoint.
"""

from __future__ import annotations

from typing import Any

from harness.config.breakpoints import Breakpoint
from harness.inspect.findings import Finding
from harness.inspect.probe import Part, Target

KEY = "specs"


def part(target: Target, specs: Any) -> Part | None:
    return None


def judge(data: Any, target: Target, breakpoint: Breakpoint, specs: Any) -> list[Finding]:
    return []
