"""The inspectors together: one probe per render, findings per shot.

The engine asks for the probe before a render's screenshot and, for each breakpoint
name the render answers for, for the findings. An inspector whose part failed in the
page says so as a warning instead of failing the shot: a broken inspector must not
break a visual test.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.inspect import coverage, geometry, lint, specs
from harness.inspect.findings import Finding
from harness.inspect.geometry import Snapshot
from harness.inspect.probe import Target, compose

if TYPE_CHECKING:
    from harness.config.breakpoints import Breakpoint
    from harness.config.pages import Page
    from harness.plan.matrix import Render

SPECS_FILE = "specs.yaml"


@dataclass(frozen=True)
class Inspection:
    breakpoints: tuple[Breakpoint, ...]
    specs: Any = None  # what harness.config.specs.load_specs gave, or None

    def target(self, render: Render) -> Target:
        return self.target_at(render.page, *(s.breakpoint for s in render.shots))

    def target_at(self, page: Page, *breakpoints: Breakpoint) -> Target:
        """The page rendered at the first breakpoint's viewport, standing for all of them."""
        first = breakpoints[0]
        return Target(
            page=page,
            width=first.viewport.width,
            height=first.viewport.height,
            mobile=first.is_mobile,
            touch=first.has_touch,
            breakpoints=breakpoints,
            all_breakpoints=self.breakpoints,
        )

    def probe(self, target: Target) -> tuple[str, dict[str, Any]] | None:
        parts = [geometry.part(target), lint.part(target), specs.part(target, self.specs), coverage.part(target)]
        return compose([p for p in parts if p is not None])

    def findings(self, data: dict[str, Any] | None, target: Target, breakpoint: Breakpoint) -> list[Finding]:
        data = data or {}
        found: list[Finding] = []
        for key, judge in (
            (lint.KEY, lambda d: lint.judge(d, target, breakpoint)),
            (specs.KEY, lambda d: specs.judge(d, target, breakpoint, self.specs)),
            (coverage.KEY, lambda d: coverage.judge(d, target, breakpoint)),
        ):
            answer = data.get(key)
            if isinstance(answer, dict) and "error" in answer and len(answer) == 1:
                found.append(Finding(_kind(key), "probe", "warn", f"could not inspect the page: {answer['error']}"))
            elif answer is not None:
                found.extend(judge(answer))
        return found

    @staticmethod
    def geometry(data: dict[str, Any] | None) -> geometry.Snapshot | None:
        return geometry.snapshot((data or {}).get(geometry.KEY))

    @staticmethod
    def stale(stored: bytes | None, snap: Snapshot) -> bool:
        """The baseline's snapshot should be measured again: missing, or made with other landmarks."""
        return geometry.stale(stored, snap)


def _kind(key: str) -> str:
    return {"lint": "lint", "specs": "spec", "coverage": "breakpoints"}[key]


def for_project(
    root: Path, pages: Sequence[Page], breakpoints: Sequence[Breakpoint], warnings: list[str] | None = None, folder: str = "pages/"
) -> Inspection:
    """The run's inspection: every inspector, with the project's specs.yaml if it has one
    (rules for pages not in ``folder`` are skipped, with a line in ``warnings``)."""
    path = root / SPECS_FILE
    loaded = None
    if path.exists():
        from harness.config.specs import load_specs

        loaded = load_specs(path, pages, breakpoints, warnings, folder)
    return Inspection(tuple(breakpoints), loaded)
