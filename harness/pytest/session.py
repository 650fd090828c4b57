"""The plugin's session: config, plan, the engine and results, for one pytest run.

It borrows pytest-playwright's browser (only one sync Playwright may run per thread)
and is a thin caller of the same run assembly as ``harness check``
(``harness.run.assemble.Run``), so both write the same results.
Under pytest-xdist each worker writes its part and the controller merges them. The
controller (or the only process) holds the output folder's lock for the whole run; if
another run holds it, every harness test fails with that one line and nothing is written.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from harness.errors import HarnessError
from harness.paths import show

if TYPE_CHECKING:
    from harness.capture.server import PageServer
    from harness.capture.shoot import RequestLog
    from harness.config.breakpoints import Breakpoint
    from harness.config.pages import Page
    from harness.run.engine import Engine
    from harness.paths import ProjectPaths
    from harness.plan.matrix import Shot
    from harness.results import Results, ShotResult


def context_args(bp: Breakpoint) -> dict[str, Any]:
    """pytest-playwright context settings for a breakpoint: the same context a shot gets."""
    from harness.capture.shoot import context_options

    return {"viewport": {"width": bp.viewport.width, "height": bp.viewport.height}, **context_options(*bp.device_key)}


class HarnessSession:
    def __init__(self, config: pytest.Config) -> None:
        from harness.run.assemble import Run, RunOptions

        self.config = config
        self.worker = getattr(config, "workerinput", {}).get("workerid")
        self.run = Run(RunOptions.read(self.option), root=config.rootpath)
        self._engine: Engine | None = None
        self._server: PageServer | None = None
        self._done: dict[str, ShotResult] = {}
        self.files: list[str] = []
        self.results: Results | None = None
        self.blocked: str | None = getattr(config, "workerinput", {}).get("harness_blocked")
        if self.worker is None and not config.option.collectonly and self._in_use("output_dir"):
            self.blocked = self._lock_output()
            if self.blocked is None:
                _clear_partials(self.paths.output)

    @property
    def paths(self) -> ProjectPaths:
        return self.run.paths

    def option(self, name: str) -> Any:
        """One ``--harness-*`` option's value (ValueError for one pytest does not have)."""
        return self.config.getoption(f"harness_{name}")

    def _in_use(self, *also: str) -> bool:
        """This project has a harness configuration, or the options name one."""
        named = any(self.option(n) for n in ("breakpoints", "pages_dir", "page", "breakpoint", *also))
        return named or self.paths.breakpoints.exists()

    def _lock_output(self) -> str | None:
        """Hold the output folder until pytest ends; the holder's line if another run has it."""
        from harness.store.baselines import output_lock

        hold = contextlib.ExitStack()
        try:
            hold.enter_context(output_lock(self.paths.output, "pytest", flag="--harness-output-dir"))
        except HarnessError as err:
            return str(err)
        self.config.add_cleanup(hold.close)
        return None

    # -- configuration, loaded once and only when a harness test needs it --------

    def validate(self) -> None:
        """Check the project's configuration up front when it has one (or options name one)."""
        if self._in_use():
            _ = self.breakpoints
            if self.paths.pages.exists() or self.option("pages_dir") or self.option("page"):
                self.shots()
                _usage(lambda: self.run.inspection)  # specs.yaml too: its mistakes stop the run here
        endpoint = self.option("browser_endpoint")
        if endpoint and not self.config.option.collectonly:
            from harness.capture.browser import unreachable

            if reason := unreachable(endpoint):
                raise pytest.UsageError(f"--harness-browser-endpoint {endpoint}: {reason}; check the address and that the server runs")

    @property
    def breakpoints(self) -> tuple[Breakpoint, ...]:
        return _usage(lambda: self.run.breakpoints)

    def shots(self) -> list[Shot]:
        """The shots this run tests: the matrix, or this shard's part of it."""
        return _usage(lambda: self.run.shots)

    def breakpoints_for(self, names: Sequence[str], test_id: str = "") -> list[Breakpoint]:
        """A custom visual test's breakpoints; under --harness-shard, the ones this shard owns."""
        from harness.plan.matrix import known
        from harness.plan.shard import owns

        wanted = set(_usage(lambda: known(names, [b.name for b in self.breakpoints], "harness_breakpoints", "breakpoint")))
        filt = set(self.option("breakpoint"))
        spec = self.option("shard")
        return [
            b
            for b in self.breakpoints
            if (not wanted or b.name in wanted) and (not filt or b.name in filt) and (not spec or owns(spec, f"{test_id}[{b.name}]"))
        ]

    # -- the engine, started by the first harness test ---------------------------

    def engine(self, request: pytest.FixtureRequest) -> Engine:
        if self.blocked:
            pytest.fail(self.blocked, pytrace=False)
        if self._engine is None:
            if request.getfixturevalue("browser_name") != "chromium":
                raise pytest.UsageError("harness visual tests need Chromium; run without --browser or with --browser chromium")
            from harness.capture.browser import describe

            browser = request.getfixturevalue("browser")
            connect = request.getfixturevalue("connect_options") or {}
            endpoint = connect.get("endpoint") or connect.get("ws_endpoint")
            executable = request.getfixturevalue("browser_type_launch_args").get("executable_path")
            label = describe(browser, executable, endpoint)
            server = self._server = self.run.serve().__enter__()
            self._engine = _usage(lambda: self.run.engine(browser, label, server, clear_output=False))
        return self._engine

    def shot_check(self, shot: Shot, request: pytest.FixtureRequest) -> ShotCheck:
        return ShotCheck(self, shot, request)

    def layout_check(self, bp: Breakpoint, page: Any, request: pytest.FixtureRequest) -> LayoutCheck:
        return LayoutCheck(self, bp, page, request)

    def run_shot(self, shot: Shot, request: pytest.FixtureRequest) -> ShotResult:
        """Judge one shot. Breakpoints that share a rendering are rendered once: the
        first test of the group runs the render for all of them."""
        from harness.plan.matrix import group

        if shot.id not in self._done:
            render = next((r for r in self.run.renders if shot in r.shots), None) or group([shot])[0]
            for result in self.engine(request).run(render):
                self._done[result.id] = result
        return self._done.pop(shot.id)

    # -- the end of the run --------------------------------------------------------

    def finish(self) -> None:
        from harness import results as results_mod

        if self._engine is not None:
            name = f"results-{self.worker}.json" if self.worker else results_mod.RESULTS
            self.results = self._engine.finish(name)
        if self._server is not None:
            self._server.close()
        if self.worker is None and not self.blocked:
            self.results = results_mod.merge_partials(self.paths.output, self.results) or self.results
            sharded = self.option("shard") and not self.config.option.collectonly and self.paths.breakpoints.exists()
            if self.results is not None or sharded:
                self.results, self.files = _usage(lambda: self.run.conclude(self.results))

    def summary_lines(self) -> list[str]:
        from harness.run.console import counts_line, summary_lines

        if self.blocked:
            return [f"harness: nothing written: {self.blocked}"]
        warnings = [f"harness: warning: {note}" for note in dict.fromkeys(self.run.notes)] if self.worker is None else []
        if self.results is None or not self.results.shots:
            return warnings
        if self.option("quiet"):
            lines = [counts_line(self.results)]
        else:
            lines = [f"browser: {self.results.browser.get('description')}", *summary_lines(self.results, self.paths.output, self.files)]
            if note := self.run.browser_mismatch(self.results):
                lines.append(note)
        return warnings + [f"harness: {line}" for line in lines]


class ShotCheck:
    """A page from pages/ at one breakpoint."""

    def __init__(self, session: HarnessSession, shot: Shot, request: pytest.FixtureRequest) -> None:
        self.session, self.shot, self.request = session, shot, request

    def assert_matches(self) -> ShotResult:
        __tracebackhide__ = True
        result = self.session.run_shot(self.shot, self.request)
        _assert_ok(result, self.session.paths.output)
        return result


class LayoutCheck:
    """Visual checks on pytest-playwright's page at one breakpoint."""

    def __init__(self, session: HarnessSession, bp: Breakpoint, page: Any, request: pytest.FixtureRequest) -> None:
        self.session, self.breakpoint, self.page, self.request = session, bp, page, request
        self._log: RequestLog | None = None

    def url(self, page_name: str) -> str:
        """The served URL of a page in pages/."""
        page = self._page(page_name)
        engine = self.session.engine(self.request)
        from harness.plan.matrix import Shot

        return engine.url_for(Shot(page, self.breakpoint))

    def goto(self, page_name: str) -> None:
        """Open a page from pages/ the way the harness does: other origins blocked (and
        listed), dialogs noted, time frozen."""
        from harness.capture.shoot import FROZEN_TIME, RequestLog, guard, watch

        url = self.url(page_name)
        if self._log is None:
            self._log = RequestLog()
            guard(self.page, self._log)
            watch(self.page, self._log)
            self.page.clock.set_fixed_time(FROZEN_TIME)
            self.page.set_default_timeout(self.session.run.options.timeout * 1000)
        self._log.reset(url, self.session.run.check_options.allow_origins)
        self.page.goto(url, wait_until="load")

    def assert_matches(self, name: str) -> ShotResult:
        """Screenshot the page as it is now and compare it with baselines/<name>/<breakpoint>.png:
        held still, probed, screenshot and judged exactly as a ``harness check`` shot is."""
        __tracebackhide__ = True
        from harness.config.pages import Page
        from harness.plan.matrix import Shot
        from harness.store.baselines import TEST_KIND

        engine = self.session.engine(self.request)
        result = engine.check_page(self.page, [Shot(Page(name, kind=TEST_KIND), self.breakpoint)], self._log)[0]
        _assert_ok(result, self.session.paths.output)
        return result

    def _page(self, name: str) -> Page:
        from harness.config.pages import load_pages

        pages = {p.name: p for p in _usage(lambda: load_pages(self.session.paths.pages))}
        if name not in pages:
            raise HarnessError(f"no page {name!r} in {self.session.paths.pages}; known: {', '.join(sorted(pages))}")
        return pages[name]


def _assert_ok(result: ShotResult, output: Path) -> None:
    __tracebackhide__ = True
    if result.ok:
        return
    image = result.diff or result.actual
    where = f"\n{'diff' if result.diff else 'actual'}: {show(output / image)}" if image else ""
    details = "".join(f"\n  {line}" for line in result.detail_lines())
    if result.status == "pass":  # the pixels match; a lint, spec or breakpoint finding fails it
        raise AssertionError(f"{result.id}: the layout checks failed{details}")
    raise AssertionError(f"{result.id} {result.status}: {result.message}{details}{where}")


def _usage(action: Any) -> Any:
    """Configuration errors stop the run with the one-line message (pytest prints
    ``ERROR: <message>`` and exits 4), as on the command line."""
    try:
        return action()
    except HarnessError as err:
        raise pytest.UsageError(str(err)) from None


def _clear_partials(output: Path) -> None:
    import shutil

    from harness.results import SHOTS_DIR

    shutil.rmtree(output / SHOTS_DIR, ignore_errors=True)
    for part in output.glob("results-*.json") if output.is_dir() else ():
        part.unlink(missing_ok=True)
