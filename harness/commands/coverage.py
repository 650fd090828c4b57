"""``harness coverage``: which of each page's CSS boundaries the rendered viewports test.

For each page: load it (once per device setting), read its media queries, then resize
it to every rendered width and read its breakpoint detector. No screenshots. A boundary
is tested when some rendered width lies on each side of it, before the neighbouring
boundaries; the agreement check is the one ``harness check`` runs on every shot.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from harness import options

if TYPE_CHECKING:
    from harness.config.breakpoints import Breakpoint
    from harness.inspect.survey import PageCoverage
    from harness.plan.matrix import Shot


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "coverage",
        help="list the CSS boundaries of each page that no rendered viewport tests on both sides",
        description="Read each page's CSS media queries and list every boundary (a width where the CSS switches) that "
        "no rendered viewport tests on both sides; check at each rendered width that the page's breakpoint detector "
        "agrees with breakpoints.yaml. Exit 0 when every boundary is tested and everything agrees, 1 otherwise, "
        "2 on a usage or configuration error.",
    )
    options.add_to_parser(p, (options.PAGES_DIR, options.BREAKPOINTS, options.PAGE, options.EDGES, *options.RENDERING))
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from harness.config.breakpoints import load_breakpoints
    from harness.config.pages import load_pages
    from harness.errors import UsageError
    from harness.paths import resolve
    from harness.plan.matrix import select, with_edges

    paths = resolve(args.breakpoints, args.pages_dir)
    breakpoints = load_breakpoints(paths.breakpoints)
    pages = load_pages(paths.pages)
    shots = select(pages, breakpoints, args.page)
    if args.edges:
        shots = with_edges(shots)
    if not shots:
        raise UsageError("nothing to cover: the filters leave no page at any breakpoint")
    label, found = survey(paths, breakpoints, shots, args)
    if args.json:
        print(json.dumps({"browser": label, "ok": all(p.ok for p in found), "pages": [p.to_json() for p in found]}, indent=2))
    else:
        print(f"browser: {label}")
        for page in found:
            print("\n".join(page_lines(page)))
        print(summary_line(found))
    return 0 if all(p.ok for p in found) else 1


def survey(paths: Any, breakpoints: tuple[Breakpoint, ...], shots: list[Shot], args: argparse.Namespace) -> tuple[str, list[PageCoverage]]:
    """Launch the browser (or connect to a server) and the page server, and survey the pages."""
    from playwright.sync_api import sync_playwright

    from harness.capture.browser import launch
    from harness.capture.server import PageServer
    from harness.capture.shoot import Capturer
    from harness.inspect.survey import survey as survey_pages

    with sync_playwright() as pw:
        browser, label = launch(pw, args.browser, args.browser_endpoint)
        try:
            with PageServer(paths.pages) as server:
                capturer = Capturer(browser, tuple(o.rstrip("/") for o in args.allow_origin), int(args.timeout * 1000))
                try:
                    found = survey_pages(capturer, lambda r: r.page.url or server.url_for(r.page.file or ""), shots, breakpoints)
                finally:
                    capturer.close()
        finally:
            browser.close()
    return label, found


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
