"""The coverage survey: which of a page's CSS boundaries the rendered viewports test.

For each page: load it (once per device setting), read its media queries, then resize
it to every rendered width and read its breakpoint detector. No screenshots. A boundary
is tested when some rendered width lies on each side of it, before the neighbouring
boundaries; the agreement check is the one ``harness check`` runs on every shot.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.capture.shoot import Capturer
    from harness.config.propose import CssBoundary
    from harness.config.breakpoints import Breakpoint
    from harness.inspect.coverage import Boundary, PageMedia
    from harness.inspect.findings import Finding
    from harness.plan.matrix import Render, Shot


@dataclass
class WidthCheck:
    """The agreement check at one rendered width."""

    width: int
    height: int
    breakpoints: list[str]
    detector: list[str] | None  # the detector's active names; None: no detector
    findings: list[Finding]

    def to_json(self) -> dict[str, Any]:
        body = {"width": self.width, "height": self.height, "breakpoints": self.breakpoints, "detector": self.detector}
        return {**body, "findings": [f.to_json() for f in self.findings]}


@dataclass
class PageCoverage:
    page: str
    boundaries: list[Boundary] = field(default_factory=list)
    sources: dict[int, list[str]] = field(default_factory=dict)  # boundary -> "text in source"
    widths: list[WidthCheck] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    inside: list[tuple[int, str]] = field(default_factory=list)  # boundaries that are no breakpoints.yaml boundary
    error: str | None = None
    media: PageMedia | None = None  # every media query the page's CSS holds, at any width
    css_width: dict[int, int] = field(default_factory=dict)  # rendered width -> the width its media queries saw

    @property
    def untested(self) -> list[Boundary]:
        return [b for b in self.boundaries if not b.tested]

    @property
    def failing(self) -> list[Finding]:
        return [f for w in self.widths for f in w.findings if f.fails]

    @property
    def ok(self) -> bool:
        return self.error is None and not self.untested and not self.failing

    def to_json(self) -> dict[str, Any]:
        return {
            "page": self.page,
            "ok": self.ok,
            "boundaries": [{**b.to_json(), "sources": self.sources.get(b.width, [])} for b in self.boundaries],
            "untested": [b.width for b in self.untested],
            "widths": [w.to_json() for w in self.widths],
            "inside": [{"width": b, "where": where} for b, where in self.inside],
            "problems": self.problems,
            "error": self.error,
        }


def survey(capturer: Capturer, url_for: Callable[[Render], str], shots: list[Shot], breakpoints: tuple[Breakpoint, ...]) -> list[PageCoverage]:
    """Load each page, read its media queries, and check the agreement at every width."""
    from harness.plan.matrix import group

    renders = group(shots)
    found = []
    for name in dict.fromkeys(r.page.name for r in renders):
        mine = [r for r in renders if r.page.name == name]
        found.append(_cover(capturer, url_for(mine[0]), mine, breakpoints))
    return found


def _cover(capturer: Capturer, url: str, renders: list[Render], breakpoints: tuple[Breakpoint, ...]) -> PageCoverage:
    """One page: a load per device setting, a resize per width, the probe at each."""
    from harness.errors import HarnessError
    from harness.inspect import coverage
    from harness.inspect.coverage import PageMedia, agreement, gaps, inside_ranges

    result = PageCoverage(renders[0].page.name)
    readings: list[PageMedia] = []
    device = None
    try:
        for render in renders:
            vp = render.viewport
            if render.device != device:
                page, _ = capturer.load(url, vp.width, vp.height, render.device, render.page.settings)
                device = render.device
            else:
                capturer.step("resize", lambda: page.set_viewport_size({"width": vp.width, "height": vp.height}))
            part = coverage.part(_target(render, breakpoints))
            data = capturer.step("read the media queries", lambda: page.evaluate(part.js, part.arg))
            reading = PageMedia.from_json(data)
            readings.append(reading)
            if reading.width is not None:
                result.css_width[vp.width] = reading.width
            result.widths.append(
                WidthCheck(
                    vp.width,
                    vp.height,
                    [s.breakpoint.name for s in render.shots],
                    list(reading.active) if reading.detector is not None else None,
                    [f for _, f in agreement(reading, vp.width, breakpoints)],
                )
            )
    except HarnessError as err:
        result.error = str(err)
        return result
    result.widths.sort(key=lambda w: (w.width, w.height))
    merged = _merge(readings)
    result.boundaries = gaps(merged.boundaries(), [w.width for w in result.widths])
    result.sources = {b.width: [m.where() for m in merged.sources(b.width)] for b in result.boundaries}
    result.problems = merged.problems()
    result.inside = inside_ranges(merged.boundaries(), breakpoints)
    result.media = merged
    return result


def _target(render: Render, breakpoints: tuple[Breakpoint, ...]) -> Any:
    from harness.inspect.probe import Target

    _, mobile, touch = render.device
    return Target(render.page, render.viewport.width, render.viewport.height, mobile, touch, tuple(s.breakpoint for s in render.shots), breakpoints)


def _merge(readings: list[PageMedia]) -> PageMedia:
    """Every media query seen at any width (a script may add style sheets at some widths)."""
    from harness.inspect.coverage import PageMedia

    texts = tuple(dict.fromkeys(m for r in readings for m in r.media))
    unreadable = tuple(dict.fromkeys(u for r in readings for u in r.unreadable))
    return PageMedia(texts, unreadable)


def css_boundaries(found: list[PageCoverage]) -> list[CssBoundary]:
    """Every boundary of the surveyed pages' CSS, with how many media query lists switch
    there (each list once, however many pages hold it), the most used one, and the query
    that means "this width and larger" or "below this width" on its own, if there is one."""
    from collections import Counter

    from harness.config.propose import CssBoundary
    from harness.inspect import media

    lists: dict[int, dict[tuple[str, str], None]] = {}
    above: dict[int, str] = {}
    below: dict[int, str] = {}
    for page in found:
        for m in page.media.media if page.media is not None else ():
            bounds = media.read(m.text).boundaries
            for b in bounds:
                lists.setdefault(b, {})[(m.text, m.source)] = None
            if len(bounds) == 1:
                b = bounds[0]
                before, after = media.matches(m.text, b - 1), media.matches(m.text, b)
                if before is False and after is True:
                    above.setdefault(b, m.where())
                elif before is True and after is False:
                    below.setdefault(b, m.where())
    out = []
    for b in sorted(lists):
        texts = Counter(text for text, _ in lists[b])
        text = texts.most_common(1)[0][0]
        example = above.get(b) or below.get(b) or f"{text} in {next(s for t, s in lists[b] if t == text)}"
        out.append(CssBoundary(b, len(lists[b]), example, above.get(b), below.get(b)))
    return out
