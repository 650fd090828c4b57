"""The one run assembly: from one ``RunOptions`` to a planned run, an engine, and what
the run leaves behind.

``harness check`` and the pytest session are thin callers of ``Run``: the same paths,
breakpoints, pages, selection, edges, shard, inspection, judging options, page server and
publishing, so for the same project and options they write the same results.json. The
command line launches its own browser (``execute``); the plugin hands in
pytest-playwright's and runs the shots as its tests ask for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.errors import HarnessError, UsageError

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from harness.capture.server import PageServer
    from harness.config.breakpoints import Breakpoint
    from harness.config.pages import Page
    from harness.inspect.run import Inspection
    from harness.paths import ProjectPaths
    from harness.plan.matrix import Render, Shot
    from harness.plan.shard import ShardSpec
    from harness.results import Results, ShotResult
    from harness.run.engine import CheckOptions, Engine, PruneReport


@dataclass(frozen=True)
class RunOptions:
    """Everything a run is told, whichever face told it (see ``harness.options``)."""

    pages_dir: str | None = None
    baselines_dir: str | None = None
    output_dir: str | None = None
    breakpoints: str | None = None
    page: tuple[str, ...] = ()
    breakpoint: tuple[str, ...] = ()
    edges: bool = False
    shard: ShardSpec | None = None
    update: str | None = None
    browser: str | None = None
    browser_endpoint: str | None = None
    allow_origin: tuple[str, ...] = ()
    timeout: float = 30.0
    retry_hung: bool = False
    network: str | None = None
    threshold: float = 0.1
    include_aa: bool = False
    max_diff_pixels: int | None = None
    max_diff_pixel_ratio: float | None = None
    quiet: bool = False
    junit: str | None = None
    summary: str | None = None
    prune: bool = False

    @classmethod
    def read(cls, value: Callable[[str], Any]) -> RunOptions:
        """From either face: ``value(dest)`` gives one option's parsed value, or raises
        (AttributeError, ValueError) for an option that face does not have."""
        given: dict[str, Any] = {}
        for f in fields(cls):
            try:
                v = value(f.name)
            except (AttributeError, ValueError):
                continue
            given[f.name] = tuple(v) if isinstance(v, list) else v
        return cls(**given)

    def check_options(self, planned: tuple[str, ...]) -> CheckOptions:
        """How the engine judges and writes, for this run."""
        from harness.compare.diff import Limits, Options
        from harness.run.engine import CheckOptions

        return CheckOptions(
            update=self.update,
            prune=planned if self.prune else None,
            diff=Options(threshold=self.threshold, include_aa=self.include_aa),
            limits=Limits(self.max_diff_pixels, self.max_diff_pixel_ratio),
            allow_origins=tuple(o.rstrip("/") for o in self.allow_origin),
            timeout_ms=int(self.timeout * 1000),
            retry_hung=self.retry_hung,
            network=self.network,
        )


@dataclass
class Run:
    """One run, planned lazily: each part is loaded when first needed, so that a pytest
    session with only custom visual tests never reads pages/."""

    options: RunOptions
    root: Path | None = None  # where to look for the project (default: the current folder)
    notes: list[str] = field(default_factory=list)  # configuration warnings, each said once

    @cached_property
    def paths(self) -> ProjectPaths:
        from harness.paths import resolve

        o = self.options
        return resolve(o.breakpoints, o.pages_dir, o.baselines_dir, o.output_dir, root=self.root)

    @cached_property
    def breakpoints(self) -> tuple[Breakpoint, ...]:
        from harness.config.breakpoints import load_project_breakpoints

        return load_project_breakpoints(self.paths.breakpoints, given=bool(self.options.breakpoints))

    def header(self) -> str:
        """The project this run works on, e.g. ``project: /site (pages/, breakpoints.yaml, baselines/)``."""
        p = self.paths
        return f"project: {p.root} ({self.shown(p.pages, True)}, {self.shown(p.breakpoints)}, {self.shown(p.baselines, True)})"

    def shown(self, path: Path, folder: bool = False) -> str:
        """A path of this run relative to the project root (absolute when outside it)."""
        try:
            text = path.resolve().relative_to(self.paths.root.resolve()).as_posix()
        except ValueError:
            text = str(path.resolve())
        return text + "/" if folder else text

    @cached_property
    def pages(self) -> Sequence[Page]:
        from harness.config.pages import load_pages

        return load_pages(self.paths.pages, self.notes)

    @cached_property
    def matrix(self) -> list[Shot]:
        """Every page × breakpoint the filters select, with edges, before the shard."""
        from harness.plan.matrix import select, with_edges

        shots = select(self.pages, self.breakpoints, self.options.page, self.options.breakpoint)
        return with_edges(shots) if self.options.edges else shots

    @cached_property
    def renders(self) -> list[Render]:
        """What this run renders: the matrix grouped into renders, this shard's part of it."""
        from harness.plan.matrix import group
        from harness.plan.shard import take

        renders = group(self.matrix)
        return take(renders, self.options.shard) if self.options.shard else renders

    @cached_property
    def shots(self) -> list[Shot]:
        mine = {shot.id for render in self.renders for shot in render.shots}
        return [shot for shot in self.matrix if shot.id in mine]

    @cached_property
    def planned(self) -> tuple[str, ...]:
        """Every shot of the whole project, whatever the filters: what 'unused' is measured against."""
        from harness.plan.matrix import select

        return tuple(shot.id for shot in select(self.pages, self.breakpoints))

    @cached_property
    def shard_record(self) -> dict[str, Any] | None:
        """This shard's part of the matrix, for results.json and 'harness merge'."""
        from harness.plan.matrix import group
        from harness.plan.shard import record

        return record(group(self.matrix), self.options.shard) if self.options.shard else None

    @cached_property
    def inspection(self) -> Inspection:
        from harness.inspect.run import for_project

        pages = self.pages if self.paths.pages.exists() or self.options.pages_dir else ()
        return for_project(self.paths.root, pages, self.breakpoints, self.notes, self.shown(self.paths.pages, True))

    @property
    def foreign_pages(self) -> bool:
        """This run's pages folder (--pages-dir) is not the project's own pages/, which exists,
        and the baselines folder is the project's: it also holds the project's pages."""
        from harness.paths import DEFAULT_PAGES

        own = self.paths.root / DEFAULT_PAGES
        if not self.options.pages_dir or self.options.baselines_dir or not own.is_dir():
            return False
        return own.resolve() != self.paths.pages.resolve()

    @cached_property
    def check_options(self) -> CheckOptions:
        return self.options.check_options(self.planned if self.options.prune else ())

    # -- checks before anything runs ---------------------------------------------------------

    def validate(self) -> None:
        """Load and check everything a whole run needs; each problem is one line (HarnessError)."""
        _ = self.breakpoints
        baselines = self.paths.baselines
        if baselines.exists() and not baselines.is_dir():
            raise UsageError(f"{baselines}: is a file, not the baselines folder; move it away, or pass --baselines-dir DIR")
        if not self.matrix:
            raise UsageError("nothing to check: the filters leave no page at any breakpoint")
        if self.options.prune and (self.options.page or self.options.breakpoint):
            raise UsageError(
                "--prune needs the whole run to tell which baselines are unused; "
                "run 'harness check --prune' without --page/--breakpoint"
            )
        if self.options.prune and self.foreign_pages:
            raise UsageError(
                f"--prune with --pages-dir {self.options.pages_dir} would delete the baselines of the project's own pages/; "
                "prune from a run over pages/, or give these pages their own --baselines-dir"
            )
        _ = self.inspection

    # -- rendering ----------------------------------------------------------------------------

    def serve(self) -> PageServer:
        """The page server for pages/ (for a run with no pages folder, the current one)."""
        from harness.capture.server import PageServer

        return PageServer(self.paths.pages if self.paths.pages.is_dir() else Path.cwd())

    def engine(self, browser: Browser, label: str, server: PageServer, clear_output: bool = True) -> Engine:
        """The engine for this run's shots, on a running browser and page server."""
        from harness.plan.matrix import described
        from harness.run.engine import Engine

        def url_for(shot: Shot) -> str:
            return shot.page.url or server.url_for(shot.page.file or "")

        return Engine(
            self.paths,
            described(self.breakpoints, self.shots),
            browser,
            label,
            url_for,
            self.check_options,
            clear_output=clear_output,
            inspection=self.inspection,
        )

    # -- after the run ------------------------------------------------------------------------

    def conclude(self, results: Results | None) -> tuple[Results | None, list[str]]:
        """Record the shard (a shard that took no shot still writes empty results, so
        'harness merge' knows it ran) and publish the report and CI files; return the
        results and one line per file written."""
        if self.shard_record is not None:
            results = results or self._empty_results()
            results.shard = self.shard_record
            results.write(self.paths.output)
        if results is None:
            return None, []
        from harness.run.publish import publish

        o = self.options
        files = publish(results, self.paths.output, Path(o.junit) if o.junit else None, Path(o.summary) if o.summary else None)
        return results, files

    def _empty_results(self) -> Results:
        from harness.clock import utc_timestamp
        from harness.results import Results, relative

        return Results(
            browser={},
            shots=[],
            project=str(self.paths.root),
            baselines_dir=relative(self.paths.baselines, self.paths.output),
            created=utc_timestamp(),
            breakpoints=[bp.to_json() for bp in self.breakpoints],
        )

    def browser_mismatch(self, results: Results) -> str | None:
        """When the baselines this run compared with came from another Chromium build, say
        so once: font rasterisation differs between builds, so that alone can fail every
        shot, today or after the next change."""
        from harness.store.baselines import BaselineStore

        try:
            manifest = BaselineStore(self.paths.baselines).read_manifest()
        except HarnessError:
            return None
        compared = [manifest[s.id] for s in results.shots if s.status != "new" and isinstance(manifest.get(s.id), dict)]
        version = results.browser.get("version")
        others = {str(e.get("browser", {}).get("version")) for e in compared} - {str(version)}
        if not others or not version:
            return None
        head = f"note: the baselines were approved with Chromium {', '.join(sorted(others))}, this run used {version}; "
        if any(s.status == "fail" for s in results.shots):
            return head + "different builds render text differently. Use the same Chromium (--browser PATH), or re-approve on this one."
        return head + "they match today, but builds can render text differently: use one Chromium build everywhere (--browser PATH)."

    def unused_lines(self, pruned: PruneReport | None) -> list[str]:
        """What --prune deleted or why it did not; without it, the unused baselines and how to prune."""
        from harness.run.console import some
        from harness.store.baselines import BaselineStore

        if pruned is not None:
            if pruned.refused:
                return [pruned.refused]
            n = len(pruned.deleted)
            return [f"pruned {n} unused baseline{'s' * (n != 1)}: {some(pruned.deleted)}"] if n else []
        try:
            unused = BaselineStore(self.paths.baselines).unused(self.planned)
        except HarnessError:
            return []  # a broken manifest has its own message when something writes
        if self.foreign_pages:  # the project's own pages' baselines are not this run's to call unused
            mine = {p.name for p in self.pages}
            unused = [key for key in unused if key.partition("/")[0] in mine]
        if not unused:
            return []
        return [
            f"{len(unused)} baseline{'s are' if len(unused) != 1 else ' is'} not used by any page at any breakpoint: {some(unused)}; "
            "delete them with: harness check --prune"
        ]


def execute(
    run: Run, say: Callable[[str], None], shown: Callable[[ShotResult], bool]
) -> tuple[Results, PruneReport | None]:
    """Launch the browser (or connect to a browser server) and the page server, and run
    the engine over the run's renders under the output folder's lock. ``say`` prints a
    line; each judged shot for which ``shown`` is true is printed as it comes."""
    from playwright.sync_api import sync_playwright

    from harness.capture.browser import launch
    from harness.run.console import Progress, shot_line
    from harness.store.baselines import output_lock

    o = run.options
    progress = Progress(sum(len(r.shots) for r in run.renders))
    with output_lock(run.paths.output), sync_playwright() as pw:
        browser, label = launch(pw, o.browser, o.browser_endpoint)
        if not o.quiet:
            say(f"browser: {label}")
        try:
            with run.serve() as server:
                engine = run.engine(browser, label, server)
                def show(line: str) -> None:
                    progress.clear()
                    say(line)

                lines = _ByPage(show)
                for judged in engine.run_all(run.renders, lambda r: progress.show(r.shots[0].page.name, r.viewport.width)):
                    for shot in _advance(progress, judged):
                        lines.add(shot, shot_line(shot, run.paths.output) if shown(shot) else None)
                lines.flush()
                progress.clear()
                finished = engine.finish()
                for note in engine.notes if not o.quiet else ():
                    say(note)
                return finished, engine.prune
        finally:
            browser.close()


def _advance(progress: Any, judged: Iterable[ShotResult]) -> Iterator[ShotResult]:
    for shot in judged:
        progress.advance()
        yield shot


class _ByPage:
    """A page's shot lines in width order (renders come grouped by device, for speed),
    each page's as soon as its last render is judged."""

    def __init__(self, say: Callable[[str], Any]) -> None:
        self.say = say
        self.page: str | None = None
        self.held: list[tuple[int, int, int, str]] = []

    def add(self, shot: ShotResult, line: str | None) -> None:
        if shot.page != self.page:
            self.flush()
            self.page = shot.page
        if line is not None:
            self.held.append((shot.width, shot.height, len(self.held), line))

    def flush(self) -> None:
        for *_, line in sorted(self.held):
            self.say(line)
        self.held = []
