"""``harness coverage``: which of each page's CSS boundaries the rendered viewports test.

For each page: load it (once per device setting), read its media queries, then resize
it to every rendered width and read its breakpoint detector. No screenshots. A boundary
is tested when some rendered width lies on each side of it, before the neighbouring
boundaries; the agreement check is the one ``harness check`` runs on every shot.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from harness import options

MAX_LISTED = 6  # boundaries named on one line

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
    from harness.config.breakpoints import load_project_breakpoints
    from harness.config.pages import load_pages
    from harness.errors import UsageError
    from harness.paths import resolve
    from harness.plan.matrix import select, with_edges

    paths = resolve(args.breakpoints, args.pages_dir)
    breakpoints = load_project_breakpoints(paths.breakpoints, given=bool(args.breakpoints))
    pages = load_pages(paths.pages)
    shots = select(pages, breakpoints, args.page)
    if args.edges:
        shots = with_edges(shots)
    if not shots:
        raise UsageError("nothing to cover: the filters leave no page at any breakpoint")
    label, found = survey(paths, breakpoints, shots, args)
    unused = unused_edges(found, breakpoints)
    ok = all(p.ok for p in found) and not unused
    if args.json:
        edges = [{"width": w, "where": where} for w, where in unused]
        print(json.dumps({"browser": label, "ok": ok, "unused_edges": edges, "pages": [p.to_json() for p in found]}, indent=2))
    else:
        print(f"browser: {label}")
        for page in found:
            print("\n".join(page_lines(page, agrees=not unused)))
        if unused:
            print(unused_line(unused, len(found)))
        print(summary_line(found, unused))
    return 0 if ok else 1


def unused_edges(found: list[PageCoverage], breakpoints: tuple[Breakpoint, ...]) -> list[tuple[int, str]]:
    """breakpoints.yaml's boundaries where none of the surveyed pages' CSS switches."""
    from harness.inspect.coverage import unused_edges as unused

    read = [p for p in found if p.error is None]
    if not read:
        return []
    return unused([b.width for p in read for b in p.boundaries], breakpoints)


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


def page_lines(page: PageCoverage, agrees: bool = True) -> list[str]:
    """A few lines per page: its boundaries, what is untested and why, the boundaries that
    breakpoints.yaml does not have, the agreement."""
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
    if page.inside:
        listed = ", ".join(f"{b} ({where})" for b, where in page.inside[:MAX_LISTED])
        more = f" and {len(page.inside) - MAX_LISTED} more" if len(page.inside) > MAX_LISTED else ""
        lines.append(f"  warn: the CSS also switches where breakpoints.yaml does not: {listed}{more}")
    lines += _agreement_lines(page, agrees and not page.inside)
    lines += [f"  note: {p}" for p in page.problems]
    return lines


def _agreement_lines(page: PageCoverage, agrees: bool) -> list[str]:
    rendered = " ".join(str(w.width) for w in page.widths)
    detector = next((w.detector for w in page.widths if w.detector is not None), None)
    how = "detector" if detector is not None else "no detector: boundaries compared"
    findings = [(w, f) for w in page.widths for f in w.findings]
    if not findings:
        said = "agrees with breakpoints.yaml" if agrees else "no disagreement"
        return [f"  {said} at {len(page.widths)} widths ({how}): {rendered}"]
    lines = [f"  agreement at {len(page.widths)} widths ({how}): {rendered}"]
    lines += [f"  {'FAIL' if f.fails else 'warn'} at {w.width} px: {f.message}" for w, f in findings]
    return lines


def unused_line(unused: Sequence[tuple[int, str]], pages: int) -> str:
    """The breakpoints.yaml boundaries no surveyed page switches at."""
    which = "the page's CSS never switches" if pages == 1 else f"none of the {pages} pages' CSS switches"
    listed = ", ".join(f"{w} ({where})" for w, where in unused)
    return f"FAIL breakpoints.yaml switches where {which}: {listed}"


def summary_line(found: list[PageCoverage], unused: Sequence[tuple[int, str]] = ()) -> str:
    """One line: what is wrong, or that every boundary is tested and the CSS and breakpoints.yaml agree.
    It says "agrees" only when the boundaries are the same on both sides."""
    untested = sum(len(p.untested) for p in found)
    failing = sum(len(p.failing) for p in found)
    errors = sum(p.error is not None for p in found)
    inside = sorted({b for p in found for b, _ in p.inside})
    pages = f"{len(found)} page{'s' if len(found) != 1 else ''}"
    extra = f"{len(inside)} CSS boundar{'y' if len(inside) == 1 else 'ies'} inside breakpoints.yaml's ranges ({' '.join(map(str, inside))})"
    if not (untested or failing or errors or unused):
        if inside:
            return f"{pages}: every boundary is tested on both sides; warning: {extra}"
        return f"{pages}: every boundary is tested on both sides, and the page CSS agrees with breakpoints.yaml"
    counts = (
        (untested, "untested boundar" + ("y" if untested == 1 else "ies")),
        (len(unused), f"breakpoints.yaml boundar{'y' if len(unused) == 1 else 'ies'} the CSS does not have"),
        (failing, "disagreement" + "s" * (failing != 1)),
        (errors, "error" + "s" * (errors != 1)),
    )
    parts = [f"{n} {word}" for n, word in counts if n] + ([extra] if inside else [])
    hints = []
    if untested:
        hints.append("to test a boundary, render a width on each side of it (a breakpoint whose viewport lies in the gap)")
    if unused or inside:
        hints.append("'harness init --force' writes breakpoints.yaml from the pages' CSS")
    return f"{pages}: " + ", ".join(parts) + "".join(f"; {h}" for h in hints)
