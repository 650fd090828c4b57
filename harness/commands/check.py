"""``harness check``: render every page at every breakpoint and compare with the baselines."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from harness import options
from harness.paths import add_breakpoints_option

if TYPE_CHECKING:
    from harness.engine import PruneReport
    from harness.results import Results, ShotResult

LABELS = {"pass": "PASS", "fail": "FAIL", "new": "NEW", "unstable": "UNSTABLE", "error": "ERROR"}


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help="render the pages at every breakpoint and compare with the baselines",
        description="Render every page at every breakpoint and compare each screenshot with its baseline. "
        "Exit 0 when everything matches, 1 when anything failed, is new or errored, 2 on a usage or "
        "configuration error. Baselines are only written with --update.",
    )
    add_run_options(p)
    p.add_argument("--page", action="append", default=[], metavar="NAME", help="only this page (repeatable)")
    p.add_argument(
        "--breakpoint", action="append", default=[], metavar="NAME", help="only this breakpoint (repeatable)"
    )
    p.add_argument(
        "--update",
        choices=options.UPDATE_CHOICES,
        help="write baselines: 'missing' for new shots only, 'all' also replaces failing ones",
    )
    p.add_argument(
        "--prune",
        action="store_true",
        help="delete the baselines that no page at any breakpoint uses (only after a whole run in which every shot got a screenshot)",
    )
    p.add_argument("--browser", metavar="PATH", help="the Chromium or Chrome executable to use")
    p.add_argument(
        "--allow-origin",
        type=_origin,
        action="append",
        default=[],
        metavar="ORIGIN",
        help="let pages load from this origin too, e.g. https://cdn.example.com (repeatable)",
    )
    p.add_argument("--timeout", type=_seconds, default=30.0, metavar="SECONDS", help="per-step timeout (default 30)")
    options.add_to_parser(p, options.DIFF_OPTIONS)
    options.add_to_parser(p, (options.EDGES,))
    options.add_to_parser(p, options.SCALE_OPTIONS)
    add_ci_options(p)
    p.add_argument("-q", "--quiet", action="store_true", help="print only failures and the summary")
    p.set_defaults(run=run)


def add_ci_options(p: argparse.ArgumentParser) -> None:
    """--junit and --summary: what a run writes besides results.json and the report."""
    p.add_argument("--junit", metavar="FILE", help="also write JUnit XML here (one testcase per page × breakpoint)")
    p.add_argument(
        "--summary",
        metavar="FILE",
        help="also write a Markdown summary here (default: appended to $GITHUB_STEP_SUMMARY when that is set)",
    )


def add_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pages-dir", metavar="DIR", help="the pages folder (default: pages/)")
    p.add_argument("--baselines-dir", metavar="DIR", help="the baselines folder (default: baselines/)")
    p.add_argument(
        "--output-dir", metavar="DIR", help="where results.json and images go (default: .harness/output/)"
    )
    add_breakpoints_option(p)


def run(args: argparse.Namespace) -> int:
    from harness.compare.diff import Limits, Options
    from harness.config.breakpoints import load_breakpoints
    from harness.config.pages import load_pages
    from harness.engine import CheckOptions
    from harness.errors import UsageError
    from harness.paths import resolve
    from harness.plan import described, group, select, with_edges

    paths = resolve(args.breakpoints, args.pages_dir, args.baselines_dir, args.output_dir)
    breakpoints = load_breakpoints(paths.breakpoints)
    if paths.baselines.exists() and not paths.baselines.is_dir():
        raise UsageError(f"{paths.baselines}: is a file, not the baselines folder; move it away, or pass --baselines-dir DIR")
    pages = load_pages(paths.pages)
    shots = select(pages, breakpoints, args.page, args.breakpoint)
    if args.edges:
        shots = with_edges(shots)
    renders = group(shots)
    if not renders:
        raise UsageError("nothing to check: the filters leave no page at any breakpoint")
    if args.prune and (args.page or args.breakpoint):
        raise UsageError(
            "--prune needs the whole run to tell which baselines are unused; run 'harness check --prune' without --page/--breakpoint"
        )
    planned = tuple(shot.id for shot in select(pages, breakpoints))  # the whole plan, whatever the filters
    shard = None
    if args.shard:
        from harness.shard import record, take

        shard = record(renders, args.shard)
        renders = take(renders, args.shard)
        if not args.quiet:
            print(f"shard {args.shard}: {len(shard['planned'])} of {shard['total']} shots")
    settings = CheckOptions(
        update=args.update,
        prune=planned if args.prune else None,
        diff=Options(threshold=args.threshold, include_aa=args.include_aa),
        limits=Limits(args.max_diff_pixels, args.max_diff_pixel_ratio),
        allow_origins=tuple(o.rstrip("/") for o in args.allow_origin),
        timeout_ms=int(args.timeout * 1000),
    )
    from harness.inspect.run import for_project

    inspection = for_project(paths.root, pages, breakpoints)
    results, pruned = execute(
        paths, described(breakpoints, shots), renders, settings, args.browser, quiet=args.quiet, inspection=inspection,
        endpoint=args.browser_endpoint,
    )
    if shard:
        results.shard = shard
        results.write(paths.output)
    from harness.publish import publish

    files = publish(results, paths.output, _path(args.junit), _path(args.summary))
    print_summary(results, paths.output, files)
    if warning := browser_mismatch(results, paths.baselines):
        print(warning)
    print_unused(pruned, paths.baselines, planned)
    return 0 if all(s.ok for s in results.shots) and not (pruned and pruned.refused) else 1


def print_unused(pruned: PruneReport | None, baselines: Path, planned: tuple[str, ...]) -> None:
    """What --prune deleted or why it did not; without it, the unused baselines and how to prune."""
    from harness.store.baselines import BaselineStore

    if pruned is not None:
        if pruned.refused:
            print(pruned.refused)
        elif pruned.deleted:
            print(f"pruned {len(pruned.deleted)} unused baselines: {_some(pruned.deleted)}")
        return
    from harness.errors import HarnessError

    try:
        unused = BaselineStore(baselines).unused(planned)
    except HarnessError:
        return  # a broken manifest has its own message when something writes
    if unused:
        print(
            f"{len(unused)} baselines are not used by any page at any breakpoint: {_some(unused)}; "
            "delete them with: harness check --prune"
        )


def _some(names: list[str], n: int = 5) -> str:
    return ", ".join(names[:n]) + (f" and {len(names) - n} more" if len(names) > n else "")


def execute(paths, breakpoints, renders, settings, browser_path, quiet=False, inspection=None, endpoint=None) -> tuple[Results, PruneReport | None]:  # type: ignore[no-untyped-def]
    """Launch the browser (or connect to a browser server) and the page server, run the
    engine over the renders."""
    from playwright.sync_api import sync_playwright

    from harness.capture.browser import launch
    from harness.capture.server import PageServer
    from harness.engine import Engine

    from harness.store.baselines import output_lock

    progress = _Progress(sum(len(r.shots) for r in renders), enabled=sys.stderr.isatty())
    with output_lock(paths.output), sync_playwright() as pw:
        browser, label = launch(pw, browser_path, endpoint)
        if not quiet:
            print(f"browser: {label}")
        try:
            with PageServer(paths.pages) as server:

                def url_for(shot):  # type: ignore[no-untyped-def]
                    return shot.page.url or server.url_for(shot.page.file)

                engine = Engine(paths, breakpoints, browser, label, url_for, settings, inspection=inspection)
                for judged in engine.run_all(renders, lambda r: progress.show(r.shots[0].page.name, r.viewport.width)):
                    for shot in judged:
                        progress.advance()
                        if not shot.ok or (shot.status != "pass" and not quiet):
                            progress.clear()
                            print(shot_line(shot, paths.output))
                progress.clear()
                return engine.finish(), engine.prune
        finally:
            browser.close()


def shot_line(shot: ShotResult, output: Path) -> str:
    """What and where: the verdict, the failure in words and failing findings, the image."""
    label, message = LABELS[shot.status], shot.message
    if shot.status == "pass":  # shown at all: a lint, spec or breakpoint finding fails it
        label, message = "FAIL", "the pixels match, but the layout checks failed"
    head = f"{label:<5} {shot.page} @ {shot.breakpoint} ({shot.width}x{shot.height}): {message}"
    head += "".join(f"\n      {line}" for line in shot.detail_lines())
    image = shot.diff or shot.actual
    if image and not shot.updated:
        kind = "diff" if shot.diff else "actual"
        head += f"\n      {kind}: {_show(output / image)}"
    return head


def print_summary(results: Results, output: Path, files: list[str] = ()) -> None:  # type: ignore[assignment]
    counts = results.counts()
    parts = [f"{counts['pass']} passed"]
    parts += [
        f"{counts[k]} {word}"
        for k, word in (("fail", "failed"), ("new", "new"), ("unstable", "unstable"), ("error", "errors"))
        if counts[k]
    ]
    found = results.finding_counts()
    if found["failing"]:
        parts.append(f"{found['failing']} failed layout checks")
    if found["warnings"]:
        parts.append(f"{found['warnings']} layout warnings (see the report)")
    updated = sum(s.updated for s in results.shots)
    print(f"{len(results.shots)} shots: " + ", ".join(parts) + (f"; wrote {updated} baselines" if updated else ""))
    print(f"results: {_show(output / 'results.json')}")
    for line in files:
        print(line)
    pending = [s for s in results.shots if s.status in ("fail", "new") and not s.updated]
    if pending:
        print("review them with: harness review   or accept them all with: harness approve [PAGE[/BREAKPOINT]]")


def browser_mismatch(results: Results, baselines: Path) -> str | None:
    """When shots failed and the baselines came from another Chromium build, say so:
    font rasterisation differs between builds, so that alone can fail every shot."""
    from harness.errors import HarnessError
    from harness.store.baselines import BaselineStore

    if not any(s.status == "fail" for s in results.shots):
        return None
    try:
        manifest = BaselineStore(baselines).read_manifest()
    except HarnessError:
        return None
    versions = {str(e.get("browser", {}).get("version")) for e in manifest.values() if isinstance(e, dict)}
    version = results.browser.get("version")
    if not versions or version in versions:
        return None
    return (
        f"note: the baselines were approved with Chromium {', '.join(sorted(versions))}, this run used {version}; "
        "different builds render text differently. Use the same Chromium (--browser PATH), or re-approve on this one."
    )


def _seconds(text: str) -> float:
    import math

    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (0 < value <= 3600):
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0 and at most 3600, got {text!r}")
    return value


def _origin(text: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise argparse.ArgumentTypeError(f"must be an origin like https://cdn.example.com, got {text!r}")
    return f"{parts.scheme}://{parts.netloc}"


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _show(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


class _Progress:
    """A single updating line on a terminal; silent when output is piped (CI logs)."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.done, self.enabled = total, 0, enabled
        self.t0 = time.monotonic()

    def show(self, page: str, width: int) -> None:
        if self.enabled:
            sys.stderr.write(f"\r\033[K[{self.done}/{self.total}] {page} at {width} px")
            sys.stderr.flush()

    def advance(self) -> None:
        self.done += 1

    def clear(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
