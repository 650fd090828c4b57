"""``harness coverage``: which of each page's CSS boundaries the rendered viewports test.

For each page: load it (once per device setting), read its media queries, then resize
it to every rendered width and read its breakpoint detector. No screenshots. A boundary
is tested when some rendered width lies on each side of it, before the neighbouring
boundaries; the agreement check is the one ``harness check`` runs on every shot.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from harness import options
from harness.paths import add_breakpoints_option

if TYPE_CHECKING:
    from harness.config.breakpoints import Breakpoint
    from harness.inspect.coverage import Boundary, PageMedia
    from harness.inspect.findings import Finding
    from harness.plan import Render, Shot


def add_parser(sub: argparse._SubParsersAction) -> None:
    from harness.commands.check import _origin, _seconds

    p = sub.add_parser(
        "coverage",
        help="list the CSS boundaries of each page that no rendered viewport tests on both sides",
        description="Read each page's CSS media queries and list every boundary (a width where the CSS switches) that "
        "no rendered viewport tests on both sides; check at each rendered width that the page's breakpoint detector "
        "agrees with breakpoints.yaml. Exit 0 when every boundary is tested and everything agrees, 1 otherwise, "
        "2 on a usage or configuration error.",
    )
    p.add_argument("--pages-dir", metavar="DIR", help="the pages folder (default: pages/)")
    add_breakpoints_option(p)
    p.add_argument("--page", action="append", default=[], metavar="NAME", help="only this page (repeatable)")
    options.add_to_parser(p, (options.EDGES,))
    p.add_argument("--browser", metavar="PATH", help="the Chromium or Chrome executable to use")
    p.add_argument("--allow-origin", type=_origin, action="append", default=[], metavar="ORIGIN", help="let pages load from this origin too (repeatable)")
    p.add_argument("--timeout", type=_seconds, default=30.0, metavar="SECONDS", help="per-step timeout (default 30)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(run=run)


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
    error: str | None = None

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
            "problems": self.problems,
            "error": self.error,
        }


def run(args: argparse.Namespace) -> int:
    from harness.config.breakpoints import load_breakpoints
    from harness.config.pages import load_pages
    from harness.errors import UsageError
    from harness.paths import resolve
    from harness.plan import select, with_edges

    paths = resolve(args.breakpoints, args.pages_dir)
    breakpoints = load_breakpoints(paths.breakpoints)
    pages = load_pages(paths.pages)
    shots = select(pages, breakpoints, args.page)
    if args.edges:
        shots = with_edges(shots)
    if not shots:
        raise UsageError("nothing to cover: the filters leave no page at any breakpoint")
    label, found = survey(paths.pages, breakpoints, shots, args)
    if args.json:
        print(json.dumps({"browser": label, "ok": all(p.ok for p in found), "pages": [p.to_json() for p in found]}, indent=2))
    else:
        print(f"browser: {label}")
        for page in found:
            print("\n".join(page_lines(page)))
        print(summary_line(found))
    return 0 if all(p.ok for p in found) else 1


def survey(pages_dir, breakpoints: tuple[Breakpoint, ...], shots: list[Shot], args: argparse.Namespace) -> tuple[str, list[PageCoverage]]:  # type: ignore[no-untyped-def]
    """Load each page, read its media queries, and check the agreement at every width."""
    from playwright.sync_api import sync_playwright

    from harness.capture.browser import launch
    from harness.capture.server import PageServer
    from harness.capture.shoot import Capturer
    from harness.plan import group

    found = []
    with sync_playwright() as pw:
        browser, label = launch(pw, args.browser)
        try:
            with PageServer(pages_dir) as server:
                capturer = Capturer(browser, tuple(o.rstrip("/") for o in args.allow_origin), int(args.timeout * 1000))
                try:
                    renders = group(shots)
                    for name in dict.fromkeys(r.page.name for r in renders):
                        mine = [r for r in renders if r.page.name == name]
                        url = mine[0].page.url or server.url_for(mine[0].page.file or "")
                        found.append(_cover(capturer, url, mine, breakpoints))
                finally:
                    capturer.close()
        finally:
            browser.close()
    return label, found


def _cover(capturer: Any, url: str, renders: list[Render], breakpoints: tuple[Breakpoint, ...]) -> PageCoverage:
    """One page: a load per device setting, a resize per width, the probe at each."""
    from harness.errors import HarnessError
    from harness.inspect import coverage
    from harness.inspect.coverage import PageMedia, agreement, gaps

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
                capturer._step("resize", lambda: page.set_viewport_size({"width": vp.width, "height": vp.height}))
            part = coverage.part(_target(render, breakpoints))
            data = capturer._step("read the media queries", lambda: page.evaluate(part.js, part.arg))
            reading = PageMedia.from_json(data)
            readings.append(reading)
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


# -- output --------------------------------------------------------------------------------------


def page_lines(page: PageCoverage) -> list[str]:
    """A few lines per page: its boundaries, what is untested and why, the agreement."""
    if page.error:
        return [f"{page.page}: error: {page.error}"]
    widths = [b.width for b in page.boundaries]
    untested = page.untested
    head = f"{page.page}: boundaries {' '.join(map(str, widths)) or 'none'}"
    head += f"; untested: {' '.join(str(b.width) for b in untested)}" if untested else ", each rendered on both sides" if widths else ""
    lines = [head]
    for b in untested:
        source = page.sources.get(b.width) or ["?"]
        more = f" (+{len(source) - 1} more)" if len(source) > 1 else ""
        lines.append(f"  untested {b.width} px, from {source[0]}{more}: {b.gap()}")
    lines += _agreement_lines(page)
    lines += [f"  note: {p}" for p in page.problems]
    return lines


def _agreement_lines(page: PageCoverage) -> list[str]:
    rendered = " ".join(str(w.width) for w in page.widths)
    detector = next((w.detector for w in page.widths if w.detector is not None), None)
    how = "detector" if detector is not None else "no detector: boundaries compared"
    findings = [(w, f) for w in page.widths for f in w.findings]
    if not findings:
        return [f"  agrees with breakpoints.yaml at {len(page.widths)} widths ({how}): {rendered}"]
    lines = [f"  agreement at {len(page.widths)} widths ({how}): {rendered}"]
    lines += [f"  {'FAIL' if f.fails else 'warn'} at {w.width} px: {f.message}" for w, f in findings]
    return lines


def summary_line(found: list[PageCoverage]) -> str:
    untested = sum(len(p.untested) for p in found)
    failing = sum(len(p.failing) for p in found)
    errors = sum(p.error is not None for p in found)
    pages = f"{len(found)} page{'s' if len(found) != 1 else ''}"
    if not (untested or failing or errors):
        return f"{pages}: every boundary is tested on both sides, and the page CSS agrees with breakpoints.yaml"
    parts = [f"{n} {word}" for n, word in ((untested, "untested boundar" + ("y" if untested == 1 else "ies")), (failing, "disagreement" + "s" * (failing != 1)), (errors, "error" + "s" * (errors != 1))) if n]
    hint = "; to test a boundary, render a width on each side of it (a breakpoint whose viewport lies in the gap)" if untested else ""
    return f"{pages}: " + ", ".join(parts) + hint
