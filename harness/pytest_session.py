"""The plugin's session: config, plan, the engine and results, for one pytest run.

It borrows pytest-playwright's browser (only one sync Playwright may run per thread)
and drives the same ``Engine`` as ``harness check``, so both write the same results.
Under pytest-xdist each worker writes its part and the controller merges them. The
controller (or the only process) holds the output folder's lock for the whole run; if
another run holds it, every harness test fails with that one line and nothing is written.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from harness.errors import HarnessError

if TYPE_CHECKING:
    from harness.capture.server import PageServer
    from harness.config.breakpoints import Breakpoint
    from harness.config.pages import Page
    from harness.engine import Engine
    from harness.paths import ProjectPaths
    from harness.plan import Shot
    from harness.results import Results, ShotResult


def context_args(bp: Breakpoint) -> dict[str, Any]:
    """pytest-playwright context settings for a breakpoint: size, device, stillness."""
    return {
        "viewport": {"width": bp.viewport.width, "height": bp.viewport.height},
        "device_scale_factor": bp.device_scale_factor,
        "is_mobile": bp.is_mobile,
        "has_touch": bp.has_touch,
        "reduced_motion": "reduce",
        "color_scheme": "light",
        "locale": "en-US",
        "timezone_id": "UTC",
        "service_workers": "block",
    }


class HarnessSession:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.worker = getattr(config, "workerinput", {}).get("workerid")
        self._engine: Engine | None = None
        self._server: PageServer | None = None
        self._plan: list[Shot] = []
        self._pages: Sequence[Page] = ()
        self._done: dict[str, ShotResult] = {}
        self.files: list[str] = []
        self.results: Results | None = None
        self.blocked: str | None = getattr(config, "workerinput", {}).get("harness_blocked")
        if self.worker is None and not config.option.collectonly and self._in_use("output_dir"):
            self.blocked = self._lock_output()
            if self.blocked is None:
                _clear_partials(self.paths.output)

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
        endpoint = self.option("browser_endpoint")
        if endpoint and not self.config.option.collectonly:
            from harness.capture.browser import unreachable

            if reason := unreachable(endpoint):
                raise pytest.UsageError(f"--harness-browser-endpoint {endpoint}: {reason}; check the address and that the server runs")

    def option(self, name: str) -> Any:
        return self.config.getoption(f"harness_{name}")

    @cached_property
    def paths(self) -> ProjectPaths:
        from harness.paths import resolve

        return resolve(
            self.option("breakpoints"),
            self.option("pages_dir"),
            self.option("baselines_dir"),
            self.option("output_dir"),
            root=self.config.rootpath,
        )

    @cached_property
    def breakpoints(self) -> tuple[Breakpoint, ...]:
        from harness.config.breakpoints import load_breakpoints

        return _usage(lambda: load_breakpoints(self.paths.breakpoints))

    def matrix(self) -> list[Shot]:
        """Every page × breakpoint the options select, before --harness-shard."""
        from harness.config.pages import load_pages
        from harness.plan import select, with_edges

        pages = _usage(lambda: load_pages(self.paths.pages))
        self._pages = pages
        shots = _usage(lambda: select(pages, self.breakpoints, self.option("page"), self.option("breakpoint")))
        return with_edges(shots) if self.option("edges") else shots

    def shots(self) -> list[Shot]:
        """The shots this run tests: the matrix, or this shard's part of it."""
        from harness.plan import group

        shots = self.matrix()
        spec = self.option("shard")
        if spec:
            from harness.shard import take

            mine = {shot.id for render in take(group(shots), spec) for shot in render.shots}
            shots = [shot for shot in shots if shot.id in mine]
        self._plan = shots
        return shots

    def breakpoints_for(self, names: Sequence[str], test_id: str = "") -> list[Breakpoint]:
        """A custom visual test's breakpoints; under --harness-shard, the ones this shard owns."""
        from harness.plan import _known
        from harness.shard import owns

        wanted = set(_usage(lambda: _known(names, [b.name for b in self.breakpoints], "harness_breakpoints", "breakpoint")))
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
            from harness.capture.server import PageServer
            from harness.compare.diff import Limits, Options
            from harness.engine import CheckOptions, Engine
            from harness.inspect.run import for_project
            from harness.plan import described

            if request.getfixturevalue("browser_name") != "chromium":
                raise pytest.UsageError("harness visual tests need Chromium; run without --browser or with --browser chromium")
            browser = request.getfixturevalue("browser")
            connect = request.getfixturevalue("connect_options") or {}
            endpoint = connect.get("endpoint") or connect.get("ws_endpoint")
            self._server = PageServer(self.paths.pages if self.paths.pages.is_dir() else Path.cwd()).__enter__()
            server = self._server
            settings = CheckOptions(
                update=self.option("update"),
                diff=Options(threshold=self.option("threshold"), include_aa=self.option("include_aa")),
                limits=Limits(self.option("max_diff_pixels"), self.option("max_diff_pixel_ratio")),
            )
            self._engine = Engine(
                self.paths,
                described(self.breakpoints, self._plan),
                browser,
                f"Chromium {browser.version}" + (f" via {endpoint}" if endpoint else ""),
                lambda shot: shot.page.url or server.url_for(shot.page.file or ""),
                settings,
                clear_output=False,
                inspection=_usage(lambda: for_project(self.paths.root, self._pages, self.breakpoints)),
            )
        return self._engine

    def shot_check(self, shot: Shot, request: pytest.FixtureRequest) -> ShotCheck:
        return ShotCheck(self, shot, request)

    def layout_check(self, bp: Breakpoint, page: Any, request: pytest.FixtureRequest) -> LayoutCheck:
        return LayoutCheck(self, bp, page, request)

    def run_shot(self, shot: Shot, request: pytest.FixtureRequest) -> ShotResult:
        """Judge one shot. Breakpoints that share a rendering are rendered once: the
        first test of the group runs the render for all of them."""
        from harness.plan import group

        if shot.id not in self._done:
            render = next(r for r in group(self._plan) if shot in r.shots) if shot in self._plan else None
            if render is None:
                render = group([shot])[0]
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
            merged = results_mod.merge_partials(self.paths.output, self.results)
            if merged is not None:
                self.results = merged
            if self.option("shard") and not self.config.option.collectonly and self.paths.breakpoints.exists():
                self.results = self._record_shard(self.results)
            if self.results is not None:
                from harness.publish import publish

                junit, summary = self.option("junit"), self.option("summary")
                self.files = publish(
                    self.results, self.paths.output, Path(junit) if junit else None, Path(summary) if summary else None
                )

    def _record_shard(self, results: Results | None) -> Results:
        """Say which shard this was in results.json, for 'harness merge'; a shard that
        took no shot still writes (empty) results, so the merge knows it ran."""
        from harness.plan import group
        from harness.results import Results, relative, timestamp
        from harness.shard import record

        if results is None:
            results = Results(
                browser={},
                shots=[],
                project=str(self.paths.root),
                baselines_dir=relative(self.paths.baselines, self.paths.output),
                created=timestamp(),
                breakpoints=[bp.to_json() for bp in self.breakpoints],
            )
        results.shard = record(group(self.matrix()), self.option("shard"))
        results.write(self.paths.output)
        return results

    def summary_lines(self) -> list[str]:
        if self.blocked:
            return [f"harness: nothing written: {self.blocked}"]
        if self.results is None or not self.results.shots:
            return []
        counts = self.results.counts()
        words = (("pass", "passed"), ("fail", "failed"), ("new", "new"), ("unstable", "unstable"), ("error", "errors"))
        parts = [f"{counts[k]} {w}" for k, w in words if counts[k]]
        lines = [f"harness: browser: {self.results.browser.get('description')}"]
        lines.append(f"harness: {len(self.results.shots)} shots: {', '.join(parts)}; results in {_show(self.paths.output / 'results.json')}")
        lines += [f"harness: {line}" for line in self.files]
        if any(s.status in ("fail", "new") and not s.updated for s in self.results.shots):
            lines.append("harness: review them with 'harness review', accept them with 'harness approve' or --harness-update=all")
        return lines


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
        self._ready = False

    def url(self, page_name: str) -> str:
        """The served URL of a page in pages/."""
        page = self._page(page_name)
        engine = self.session.engine(self.request)
        from harness.plan import Shot

        return engine.url_for(Shot(page, self.breakpoint))

    def goto(self, page_name: str) -> None:
        """Open a page from pages/ the way the harness does: other origins blocked, time frozen."""
        from harness.capture.shoot import ANY_URL, FROZEN_TIME, _filter, _filter_socket, _Log, _origin

        url = self.url(page_name)
        if not self._ready:
            log = _Log(origin=_origin(url))
            self.page.route("**/*", lambda route: _filter(route, log))
            self.page.route_web_socket(ANY_URL, lambda socket: _filter_socket(socket, log))
            self.page.clock.set_fixed_time(FROZEN_TIME)
            self._ready = True
        self.page.goto(url, wait_until="load")

    def assert_matches(self, name: str) -> ShotResult:
        """Screenshot the page as it is now and compare it with baselines/<name>/<breakpoint>.png."""
        __tracebackhide__ = True
        from harness.capture.shoot import Capture
        from harness.capture.stabilise import READY_JS, STILL_CSS
        from harness.config.pages import Page
        from harness.plan import Shot
        from harness.store.baselines import TEST_KIND

        self.page.add_style_tag(content=STILL_CSS)
        height = int(self.page.evaluate(READY_JS))
        engine = self.session.engine(self.request)
        shot = Shot(Page(name, kind=TEST_KIND), self.breakpoint)
        target = engine.inspection.target_at(shot.page, self.breakpoint) if engine.inspection else None
        probe = engine.inspection.probe(target) if engine.inspection and target else None
        answer = self.page.evaluate(probe[0], probe[1]) if probe else None  # lint, specs, geometry: as in a run
        png = self.page.screenshot(full_page=True, animations="disabled", caret="hide", type="png")
        result = engine.judge([shot], Capture(png, height, probe=answer), target=target)[0]
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
    where = f"\n{'diff' if result.diff else 'actual'}: {_show(output / image)}" if image else ""
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

    from harness.engine import SHOTS_DIR

    shutil.rmtree(output / SHOTS_DIR, ignore_errors=True)
    for part in output.glob("results-*.json") if output.is_dir() else ():
        part.unlink(missing_ok=True)


def _show(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)
