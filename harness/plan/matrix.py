"""The plan: which shots a run takes, grouped into as few renders as possible.

A shot is one page at one breakpoint. Breakpoints that share an identical viewport and
device are rendered once and compared for each name (a render); renders are ordered so
that one browser context serves every render of a page with the same device settings.

With ``--edges`` each breakpoint is also rendered at the edges of its range, as shots of
their own named ``<breakpoint>@<width>`` (``landscape-tablet@920``); "@" never occurs
in a breakpoints.yaml name, so the two cannot clash.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from harness.config.breakpoints import MAX_PX, Breakpoint, Viewport
from harness.config.pages import Page
from harness.errors import ConfigError, UsageError

EDGE_FLOOR = 320  # CSS px: where a range from 0 is rendered from (the narrowest phones; WCAG's reflow width)
EDGE_MARK = "@"


@dataclass(frozen=True)
class Shot:
    page: Page
    breakpoint: Breakpoint

    @property
    def id(self) -> str:
        return f"{self.page.name}/{self.breakpoint.name}"


@dataclass(frozen=True)
class Render:
    """One screenshot to take, and the shots (breakpoint names) it answers for."""

    page: Page
    viewport: Viewport
    device: tuple[float, bool, bool]
    shots: tuple[Shot, ...]


def select(
    pages: Sequence[Page],
    breakpoints: Sequence[Breakpoint],
    only_pages: Iterable[str] = (),
    only_breakpoints: Iterable[str] = (),
) -> list[Shot]:
    """Pages × breakpoints, narrowed by --page / --breakpoint and each page's own subset."""
    page_names = [p.name for p in pages]
    bp_names = [b.name for b in breakpoints]
    wanted_pages = set(known(only_pages, page_names, "--page", "page"))
    wanted_bps = set(known(only_breakpoints, bp_names, "--breakpoint", "breakpoint"))
    shots = []
    for page in pages:
        if wanted_pages and page.name not in wanted_pages:
            continue
        subset = set(_page_subset(page, bp_names))
        for bp in breakpoints:
            if (not wanted_bps or bp.name in wanted_bps) and (page.breakpoints is None or bp.name in subset):
                shots.append(Shot(page, bp))
    return shots


def with_edges(shots: Iterable[Shot]) -> list[Shot]:
    """Each shot with its breakpoint's edge shots around it, narrowest first (``--edges``)."""
    out = []
    for shot in shots:
        out += sorted([shot, *(Shot(shot.page, edge) for edge in edges(shot.breakpoint))], key=_width)
    return out


def edges(bp: Breakpoint) -> list[Breakpoint]:
    """The breakpoint at its min_width and max_width, with its own viewport height and
    device. A range from 0 starts at EDGE_FLOOR, an open one has no top edge, and an
    edge equal to the breakpoint's own viewport is that shot already."""
    low = bp.min_width or EDGE_FLOOR
    widths = [w for w in (low, bp.max_width) if w is not None and bp.contains(w) and 0 < w <= MAX_PX]
    return [
        replace(bp, name=f"{bp.name}{EDGE_MARK}{w}", viewport=Viewport(w, bp.viewport.height))
        for w in dict.fromkeys(widths)
        if w != bp.viewport.width
    ]


def edge_parent(name: str) -> str:
    """The breakpoints.yaml name of a shot's breakpoint (itself unless it is an edge)."""
    return name.partition(EDGE_MARK)[0]


def described(breakpoints: Sequence[Breakpoint], shots: Iterable[Shot]) -> tuple[Breakpoint, ...]:
    """The run's breakpoints for results.json: the file's, each with its edges in use
    around it, narrowest first."""
    extra: dict[str, list[Breakpoint]] = {}
    for shot in shots:
        bp = shot.breakpoint
        if EDGE_MARK in bp.name and bp not in extra.setdefault(edge_parent(bp.name), []):
            extra[edge_parent(bp.name)].append(bp)
    return tuple(b for bp in breakpoints for b in sorted((bp, *extra.get(bp.name, ())), key=lambda b: b.viewport.width))


def _width(shot: Shot) -> int:
    return shot.breakpoint.viewport.width


def group(shots: Iterable[Shot]) -> list[Render]:
    """Merge shots with identical rendering; order for context reuse."""
    renders: dict[tuple, list[Shot]] = {}
    for shot in shots:
        bp = shot.breakpoint
        renders.setdefault((shot.page.name, bp.device_key, bp.viewport.width, bp.viewport.height), []).append(shot)
    ordered = sorted(renders.items(), key=lambda item: item[0])
    return [
        Render(shots[0].page, shots[0].breakpoint.viewport, shots[0].breakpoint.device_key, tuple(shots))
        for _, shots in ordered
    ]


def known(names: Iterable[str], valid: list[str], flag: str, what: str) -> list[str]:
    names = list(names)
    for name in names:
        if name not in valid:
            close = difflib.get_close_matches(name, valid, n=1, cutoff=0.5)
            hint = f"did you mean {close[0]!r}?" if close else f"known {what}s: " + ", ".join(valid)
            raise UsageError(f"{flag} {name!r}: no such {what}; {hint}")
    return names


def _page_subset(page: Page, valid: list[str]) -> list[str]:
    if page.breakpoints is None:
        return valid
    path, line, keypath = page.settings.breakpoints_at or ("pages.yaml", 0, f"pages.{page.name}.breakpoints")
    for name in page.breakpoints:
        if name not in valid:
            close = difflib.get_close_matches(name, valid, n=1, cutoff=0.5)
            hint = f"did you mean {close[0]!r}?" if close else "see 'harness breakpoints'"
            raise ConfigError(path, line, f"{keypath}: unknown breakpoint {name!r}; {hint}")
    return list(page.breakpoints)
