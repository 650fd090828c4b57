"""The probe: one ``page.evaluate`` that runs every inspector's script in the page.

Each inspector contributes a ``Part``: a JavaScript function expression ``(arg) => json``
and its argument. They are composed into one call (one round trip per shot, run after
the page is ready and before the screenshot); a part that throws answers
``{"error": message}`` instead of failing the others.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.config.breakpoints import Breakpoint
    from harness.config.pages import Page


@dataclass(frozen=True)
class Part:
    key: str  # where its answer goes in the probe's result
    js: str  # a function expression: (arg) => JSON-serialisable value
    arg: Any = None


@dataclass(frozen=True)
class Target:
    """What one probe looks at: a page at one viewport, standing for one or more breakpoints."""

    page: Page
    width: int
    height: int
    mobile: bool
    touch: bool
    breakpoints: tuple[Breakpoint, ...]  # the names this render answers for
    all_breakpoints: tuple[Breakpoint, ...]  # every breakpoint of breakpoints.yaml


def compose(parts: Sequence[Part]) -> tuple[str, dict[str, Any]] | None:
    """One function expression and its argument that run every part; None if no parts."""
    if not parts:
        return None
    calls = ",".join(
        f"{json.dumps(p.key)}: (() => {{ try {{ return ({p.js})(arg[{json.dumps(p.key)}]); }}"
        f" catch (e) {{ return {{error: String(e && e.message || e)}}; }} }})()"
        for p in parts
    )
    return f"(arg) => ({{{calls}}})", {p.key: p.arg for p in parts}
