"""Breakpoint coverage: the page's CSS media queries against ``breakpoints.yaml``.

The probe part reads, in the page, every media query text of its style sheets (nested
``@media``, ``@import ... media``, ``<link media>``, inside ``@supports``, ``@layer``
and ``@container``, whose own condition is about a container, not the viewport) and the
state of its breakpoint-detector widget: the names of the detector items whose computed
display is not ``none`` (they are usually clipped out of sight, so size says nothing).

``judge`` is the agreement check at the render's width:

- with a detector, the names it shows must be the names breakpoints.yaml says contain
  that width (only names the widget has are compared);
- without one, and for the page's other media queries too, a page boundary close to a
  breakpoints.yaml boundary but not on it (within ``NEAR_PX``) is reported where a render
  falls between the two: it fails when it is off by at most ``OFF_BY_ONE_PX`` (919/920
  confusions), and warns otherwise (a component may switch near a boundary on purpose).

``gaps`` answers the coverage question for ``harness coverage``: which boundaries no
rendered width tests on both sides.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from harness.config.breakpoints import Breakpoint
from harness.inspect import media
from harness.inspect.findings import Finding
from harness.inspect.probe import Part, Target
from harness.plan.matrix import edge_parent

KEY = "coverage"
NEAR_PX = 32  # a page boundary this close to a breakpoints.yaml one is taken to mean it
OFF_BY_ONE_PX = 2  # ...and this close, it is a mistake, not a choice

PROBE_JS = r"""
(arg) => {
  const items = arg.detector ? Array.from(document.querySelectorAll(arg.detector)) : [];
  const nameOf = (el) => (el.getAttribute('data-breakpoint') || el.textContent || '').trim();
  const shown = (el) => {
    if (getComputedStyle(el).visibility !== 'visible') return false;
    for (let e = el; e; e = e.parentElement) if (getComputedStyle(e).display === 'none') return false;
    return true;
  };
  const found = [];
  const unreadable = [];
  const here = location.origin + '/';
  const where = (href, fallback) => !href ? fallback : href.startsWith(here) ? href.slice(here.length - 1) : href;
  const open = (text, source, stack) => {
    const entry = {text, source, names: new Set()};
    found.push(entry);
    return [...stack, entry];
  };
  const toggles = (rule) => rule.style && (rule.style.display || rule.style.visibility);
  const attribute = (selector, rule, stack) => {
    if (!stack.length || !items.length || !selector || !toggles(rule)) return;
    for (const el of items) {
      let hit = false;
      try { hit = el.matches(selector); } catch (e) { hit = false; }
      if (hit) stack.forEach((entry) => entry.names.add(nameOf(el)));
    }
  };
  const walk = (rules, source, stack, selector) => {
    for (const rule of rules) {
      if (rule instanceof CSSImportRule) {
        const inner = rule.media && rule.media.mediaText ? open(rule.media.mediaText, source, stack) : stack;
        if (rule.styleSheet) sheet(rule.styleSheet, where(rule.styleSheet.href, source), inner);
        continue;
      }
      let inner = stack, sel = selector;
      if (rule instanceof CSSMediaRule) inner = open(rule.media.mediaText, source, stack);
      else if (rule instanceof CSSStyleRule) { sel = rule.selectorText; attribute(sel, rule, stack); }
      else if (rule.constructor.name === 'CSSNestedDeclarations') attribute(selector, rule, stack);
      if (rule.cssRules) walk(rule.cssRules, source, inner, sel);
    }
  };
  const sheet = (s, source, stack) => {
    const inner = s.media && s.media.mediaText ? open(s.media.mediaText, source, stack) : stack;
    let rules;
    try { rules = s.cssRules; } catch (e) { unreadable.push(source); return; }
    walk(rules, source, inner, null);
  };
  let inline = 0;
  for (const s of document.styleSheets) sheet(s, s.href ? where(s.href) : `inline <style> #${++inline}`, []);
  for (const s of document.adoptedStyleSheets || []) sheet(s, 'adopted style sheet', []);
  for (const s of document.querySelectorAll('picture > source[media]')) open(s.media, '<picture> <source>', []);
  const media = new Map();
  for (const e of found) {
    const names = Array.from(e.names).sort();
    media.set(JSON.stringify([e.text, e.source, names]), {text: e.text, source: e.source, names});
  }
  let lo = 0, hi = 100000;  // the width the page's media queries see
  while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (matchMedia(`(min-width: ${mid}px)`).matches) lo = mid; else hi = mid; }
  return {
    media: Array.from(media.values()),
    unreadable,
    detector: items.length ? {items: items.map(nameOf), active: items.filter(shown).map(nameOf)} : null,
    width: lo,
  };
}
"""


@dataclass(frozen=True)
class MediaText:
    """One media query list of the page, where it is, and which detector items it toggles."""

    text: str
    source: str  # a style sheet's path or URL, "inline <style> #N", ...
    names: tuple[str, ...] = ()

    def where(self) -> str:
        return f"{self.text} in {self.source}"


@dataclass(frozen=True)
class PageMedia:
    """What the probe read in the page."""

    media: tuple[MediaText, ...]
    unreadable: tuple[str, ...] = ()  # style sheets whose rules could not be read (cross-origin)
    detector: tuple[str, ...] | None = None  # the detector's item names; None: no detector
    active: tuple[str, ...] = ()  # the items shown at this width
    width: int | None = None  # the viewport width the page's media queries see

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PageMedia:
        entries = tuple(MediaText(str(m["text"]), str(m["source"]), tuple(m.get("names") or ())) for m in data.get("media") or ())
        detector = data.get("detector")
        return cls(
            media=entries,
            unreadable=tuple(data.get("unreadable") or ()),
            detector=tuple(detector["items"]) if detector else None,
            active=tuple(detector["active"]) if detector else (),
            width=data.get("width"),
        )

    def boundaries(self, entries: Iterable[MediaText] | None = None) -> tuple[int, ...]:
        """Where the CSS switches. Not at 1 px: a screen is never 0 px wide, so ``(min-width: 1px)``
        (a common way to say "screens only") is always true."""
        found = media.boundaries(m.text for m in (self.media if entries is None else entries))
        return tuple(b for b in found if b > 1)

    def layout_boundaries(self) -> tuple[int, ...]:
        """Boundaries of the media queries that do not (only) drive the detector."""
        return self.boundaries(m for m in self.media if not m.names)

    def name_boundaries(self, name: str) -> tuple[int, ...]:
        """Where the detector item ``name`` can switch (every boundary if no rule names it)."""
        own = [m for m in self.media if name in m.names]
        return self.boundaries(own) if own else self.boundaries()

    def sources(self, boundary: int) -> list[MediaText]:
        return [m for m in self.media if boundary in media.read(m.text).boundaries]

    def problems(self) -> list[str]:
        """What could not be read: those widths are not counted."""
        lines = dict.fromkeys(f"cannot read {m.where()}: {p}" for m in self.media for p in media.read(m.text).problems)
        return [*lines, *(f"cannot read the rules of {s} (a cross-origin style sheet): its media queries are not counted" for s in self.unreadable)]


# -- the probe part and the agreement check -----------------------------------------------------


def part(target: Target) -> Part:
    return Part(KEY, PROBE_JS, {"detector": target.page.settings.detector})


def judge(data: Any, target: Target, breakpoint: Breakpoint) -> list[Finding]:
    """This name's share of the render's disagreements: each is reported once per render,
    on the shot of the name it is about, else on the render's first shot."""
    if not isinstance(data, dict) or "media" not in data:
        return []
    found = agreement(PageMedia.from_json(data), target.width, target.all_breakpoints)
    names = [edge_parent(b.name) for b in target.breakpoints]
    first = target.breakpoints[0].name if target.breakpoints else breakpoint.name
    own = []
    for about, finding in found:
        owner = target.breakpoints[names.index(about)].name if about in names else first
        if owner == breakpoint.name:
            own.append(finding)
    return own


def agreement(page: PageMedia, width: int, breakpoints: Sequence[Breakpoint]) -> list[tuple[str | None, Finding]]:
    """Every disagreement between the page's CSS and breakpoints.yaml at ``width``,
    each with the breakpoint name it is about (None: about a boundary)."""
    if page.width is not None and page.width != width:
        message = (
            f"at {width} px the page's CSS sees a {page.width} px wide viewport "
            "(is <meta name=viewport content='width=device-width'> missing?), "
            "so breakpoints.yaml's ranges do not apply"
        )
        return [(None, _finding(message))]
    found: list[tuple[str | None, Finding]] = []
    if page.detector is not None:
        found += _detector(page, width, breakpoints)
        boundaries = page.layout_boundaries()
    else:
        boundaries = page.boundaries()
    found += [(None, f) for f in _near_misses(boundaries, width, breakpoints)]
    return found


def _detector(page: PageMedia, width: int, breakpoints: Sequence[Breakpoint]) -> list[tuple[str | None, Finding]]:
    widget = set(page.detector or ())
    found: list[tuple[str | None, Finding]] = []
    for bp in breakpoints:
        if bp.name not in widget:
            continue
        says, shows = bp.contains(width), bp.name in page.active
        if says != shows:
            found.append((bp.name, _finding(_disagreement(bp, width, shows, page.name_boundaries(bp.name)))))
    return found


def _disagreement(bp: Breakpoint, width: int, shows: bool, bounds: tuple[int, ...]) -> str:
    """Where the page's CSS switches ``bp`` on or off, from its boundaries nearest the
    breakpoints.yaml edge this width is near."""
    top = bp.max_width if bp.max_width is not None else math.inf
    if shows:  # outside the yaml range, yet shown: it starts early or ends late
        below = [b for b in bounds if b <= width]
        above = [b for b in bounds if b > width]
        if width < bp.min_width and below:
            return f"page CSS switches to {bp.name} at {below[-1]} px, breakpoints.yaml says {bp.min_width}"
        if width > top and above:
            return f"page CSS ends {bp.name} at {above[0] - 1} px, breakpoints.yaml says {bp.max_width}"
    else:  # inside the yaml range, yet not shown: it starts late or ends early (within the range)
        near_start = bp.min_width > 0 and width - bp.min_width <= top - width
        later = [b for b in bounds if width < b <= top]
        earlier = [b for b in bounds if bp.min_width < b <= width]
        if near_start and later:
            return f"page CSS switches to {bp.name} at {later[0]} px, breakpoints.yaml says {bp.min_width}"
        if not near_start and earlier:
            return f"page CSS ends {bp.name} at {earlier[-1] - 1} px, breakpoints.yaml says {bp.max_width}"
    said, shown = ("is", "is not") if not shows else ("is not", "is")
    return f"at {width} px page CSS says {bp.name} {shown} active, breakpoints.yaml says it {said}"


def _near_misses(boundaries: Iterable[int], width: int, breakpoints: Sequence[Breakpoint]) -> list[Finding]:
    """Page boundaries close to a breakpoints.yaml boundary but not on it, reported at the
    render(s) between the two, or else at the render nearest to them."""
    edges = yaml_edges(breakpoints)
    viewports = sorted({b.viewport.width for b in breakpoints})
    found = []
    for page_b in boundaries:
        if page_b in edges:
            continue
        near = sorted((abs(page_b - y), y) for y in edges if abs(page_b - y) <= NEAR_PX)
        if not near:
            continue
        distance, yaml_b = near[0]
        low, high = min(page_b, yaml_b), max(page_b, yaml_b) - 1  # the widths the two disagree on
        if not low <= width <= high and _nearest(viewports, low, high) != width:
            continue
        severity = "fail" if distance <= OFF_BY_ONE_PX else "warn"
        found.append(_finding(f"page CSS switches at {page_b} px; breakpoints.yaml's {edges[yaml_b]}", severity))
    return found


def _nearest(viewports: list[int], low: int, high: int) -> int | None:
    """The rendered width that stands for the range [low, high]: one inside it, else the closest."""
    if any(low <= v <= high for v in viewports):
        return None  # those renders report it themselves
    return min(viewports, key=lambda v: (min(abs(v - low), abs(v - high)), v), default=None)


def yaml_edges(breakpoints: Sequence[Breakpoint]) -> dict[int, str]:
    """breakpoints.yaml's boundaries (the first widths of a range), each described by the
    narrowest name that starts there, else the narrowest that ends just before."""
    edges: dict[int, tuple[int, int, str]] = {}
    for bp in breakpoints:
        span = (bp.max_width if bp.max_width is not None else 10**9) - bp.min_width
        if bp.min_width > 0:
            edges[bp.min_width] = min(edges.get(bp.min_width, (2, 0, "")), (0, span, f"{bp.name} starts at {bp.min_width}"))
        if bp.max_width is not None:
            edge = bp.max_width + 1
            edges[edge] = min(edges.get(edge, (2, 0, "")), (1, span, f"{bp.name} ends at {bp.max_width}"))
    return {width: text for width, (_, _, text) in sorted(edges.items())}


def unused_edges(boundaries: Iterable[int], breakpoints: Sequence[Breakpoint]) -> list[tuple[int, str]]:
    """breakpoints.yaml's boundaries at which the page CSS never switches (nor near them,
    which the agreement check reports), each with what it is: two names there test the
    same layout, so the file is not the site's."""
    have = sorted(set(boundaries))
    return [
        (edge, text)
        for edge, text in yaml_edges(breakpoints).items()
        if not any(abs(edge - b) <= NEAR_PX for b in have)
    ]


def inside_ranges(boundaries: Iterable[int], breakpoints: Sequence[Breakpoint]) -> list[tuple[int, str]]:
    """The page's boundaries that are no breakpoints.yaml boundary (nor near one, which the
    agreement check reports), each with the narrowest name whose range holds both sides of
    it: that name's one viewport sees only one of the two layouts."""
    edges = yaml_edges(breakpoints)
    out = []
    for b in sorted(set(boundaries)):
        if any(abs(b - edge) <= NEAR_PX for edge in edges):
            continue
        holders = [bp for bp in breakpoints if bp.contains(b - 1) and bp.contains(b)]
        if holders:
            bp = min(holders, key=lambda h: ((h.max_width if h.max_width is not None else 10**9) - h.min_width, h.name))
            out.append((b, f"inside {bp.name}, {bp.range_label}"))
        else:
            out.append((b, "outside every range of breakpoints.yaml"))
    return out


def _finding(message: str, severity: str = "fail") -> Finding:
    return Finding("breakpoints", "agreement", severity, message)


# -- coverage: which boundaries the rendered widths test ----------------------------------------


@dataclass(frozen=True)
class Boundary:
    """A width where the page's CSS switches, and the rendered widths on each side of it."""

    width: int
    below: tuple[int, int]  # the widths up to the previous boundary: [low, width - 1]
    above: tuple[int, int | None]  # the widths up to the next boundary: [width, high]; None = no end
    rendered_below: tuple[int, ...]
    rendered_above: tuple[int, ...]

    @property
    def tested(self) -> bool:
        return bool(self.rendered_below and self.rendered_above)

    def gap(self) -> str:
        """Which side no rendered width tests, e.g. ``nothing rendered in 640–699 px``."""
        sides = [side for side, rendered in ((self.below, self.rendered_below), (self.above, self.rendered_above)) if not rendered]
        return "; ".join(f"nothing rendered in {_span_label(*side)}" for side in sides)

    def to_json(self) -> dict[str, Any]:
        return {
            "width": self.width,
            "tested": self.tested,
            "below": list(self.below),
            "above": list(self.above),
            "rendered_below": list(self.rendered_below),
            "rendered_above": list(self.rendered_above),
        }


def gaps(boundaries: Sequence[int], widths: Iterable[int]) -> list[Boundary]:
    """Each boundary with the rendered widths between it and its neighbours."""
    widths = sorted(set(widths))
    bounds = sorted(set(boundaries))
    out = []
    for i, b in enumerate(bounds):
        low = bounds[i - 1] if i else 0
        high = bounds[i + 1] - 1 if i + 1 < len(bounds) else None
        below = tuple(w for w in widths if low <= w < b)
        above = tuple(w for w in widths if b <= w and (high is None or w <= high))
        out.append(Boundary(b, (low, b - 1), (b, high), below, above))
    return out


def _span_label(low: int, high: int | None) -> str:
    if high is None:
        return f"{low}+ px"
    return f"{low} px" if low == high else f"{low}\u2013{high} px"
