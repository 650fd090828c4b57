"""Breakpoint coverage: the page's CSS media queries against ``breakpoints.yaml``. (Stub.)

Contract used by ``inspect.run``: ``part(target)`` reads the page's width conditions and
its breakpoint-detector widget, ``judge(data, target, breakpoint)`` reports where the
page's CSS and breakpoints.yaml disagree at this viewport.
"""

from __future__ import annotations

from typing import Any

from harness.config.breakpoints import Breakpoint
from harness.inspect.findings import Finding
from harness.inspect.probe import Part, Target

KEY = "coverage"


def part(target: Target) -> Part | None:
    return None


def judge(data: Any, target: Target, breakpoint: Breakpoint) -> list[Finding]:
    return []
