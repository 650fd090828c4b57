"""The engine: render each planned shot, compare it with its baseline, record the verdict.

The command line and the pytest plugin both drive this class, so they write the same
``results.json`` and the same images. It is handed a running browser and never
launches one itself, which lets the plugin share pytest-playwright's.
"""

from __future__ import annotations

import shutil
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.capture.shoot import STEP_TIMEOUT_MS, Capture, Capturer, StepTimeout
from harness.compare.diff import DiffResult, Limits, Options
from harness.errors import HarnessError
from harness.inspect.probe import Target
from harness.inspect.run import Inspection
from harness.paths import ProjectPaths
from harness.plan.matrix import Render, Shot
from harness.clock import utc_timestamp
from harness.config.values import UPDATE_CHOICES
from harness.results import SHOTS_DIR, Results, ShotResult, relative, sort_shots
from harness.store.baselines import BaselineStore, sha256

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from harness.capture.shoot import RequestLog

    from harness.config.breakpoints import Breakpoint

SETTLE_SHOTS = 4  # screenshots at most before a page that keeps changing is called unstable


@dataclass(frozen=True)
class PruneReport:
    """What ``--prune`` did: the baselines deleted, or why it deleted none."""

    deleted: list[str]
    refused: str | None = None


@dataclass(frozen=True)
class CheckOptions:
    """How shots are judged and whether baselines are written.

    update: None (never write), "missing" (write baselines for new shots only) or
    "all" (also overwrite the baselines of failing shots). prune: the ids of the whole
    plan when the user asked to delete the baselines that none of them uses.
    """

    update: str | None = None
    prune: tuple[str, ...] | None = None
    diff: Options = field(default_factory=Options)
    limits: Limits = field(default_factory=Limits)
    allow_origins: tuple[str, ...] = ()
    network: str | None = None  # "block" or "snapshot" for every page; None: each page's own setting
    timeout_ms: int = STEP_TIMEOUT_MS
    settle_shots: int = SETTLE_SHOTS
    retry_hung: bool = False  # try every breakpoint of a page that hung at one


class Engine:
    def __init__(
        self,
        paths: ProjectPaths,
        breakpoints: Sequence[Breakpoint],
        browser: Browser,
        browser_label: str,
        url_for: Callable[[Shot], str],
        options: CheckOptions | None = None,
        clear_output: bool = True,
        inspection: Inspection | None = None,
    ) -> None:
        self.paths = paths
        self.breakpoints = breakpoints
        self.options = options or CheckOptions()
        self.browser_label = browser_label
        self.browser_info = {"name": "chromium", "version": browser.version, "description": browser_label}
        self.url_for = url_for
        self.inspection = inspection
        self.store = BaselineStore(paths.baselines)
        from harness.capture.network import Snapshots

        self.snapshots = Snapshots(paths.baselines, record=self.options.update is not None)
        self.capturer = Capturer(browser, self.options.allow_origins, self.options.timeout_ms, self.snapshots, self.options.network)
        self.notes: list[str] = []  # lines for the user at the end of the run
        self.shots: list[ShotResult] = []
        self.prune: PruneReport | None = None
        self.hung: dict[str, str] = {}  # page name -> why its other breakpoints are not rendered
        self.started = time.monotonic()
        if clear_output:
            shutil.rmtree(paths.output / SHOTS_DIR, ignore_errors=True)

    def run(self, render: Render) -> list[ShotResult]:
        """Take one render, make sure it has settled, and judge it for each name it stands for."""
        return self.start(render)()

    def run_all(self, renders: Iterable[Render], starting: Callable[[Render], None] = lambda render: None) -> Iterator[list[ShotResult]]:
        """``run`` for each render, in order, judging each one on a worker thread while the
        browser renders the next: decoding and diffing cost no wall time then. At most one
        capture waits to be judged, so memory stays flat however long the run."""
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="judge") as pool:
            waiting: Future[list[ShotResult]] | None = None
            for render in renders:
                starting(render)
                job = self.start(render)
                if not self.capturer.fast:
                    yield job()
                    continue
                if waiting is not None:
                    yield waiting.result()
                waiting = pool.submit(job)
            if waiting is not None:
                yield waiting.result()

    def start(self, render: Render) -> Callable[[], list[ShotResult]]:
        """Capture one render (the browser's part, on this thread); return the judging
        still to do, which needs no browser."""
        name = render.page.name
        if name in self.hung and not self.options.retry_hung:
            why, t0 = self.hung[name], time.monotonic()
            return lambda: self._record([self._result(shot, "error", message=why) for shot in render.shots], t0)
        target = self.inspection.target(render) if self.inspection else None
        url = self.url_for(render.shots[0])
        vp = render.viewport
        return self._capture(
            render.shots,
            target,
            lambda probe: self.capturer.capture(url, vp.width, vp.height, render.device, render.page.settings, probe, name=render.page.name),
        )

    def check_page(self, page: Page, shots: Sequence[Shot], log: RequestLog | None = None) -> list[ShotResult]:
        """Capture and judge a page that a test loaded and drove itself, exactly as a
        render is: the same stillness, probe, screenshot, stability loop and judging."""
        first = shots[0]
        target = self.inspection.target_at(first.page, *(s.breakpoint for s in shots)) if self.inspection else None
        device = first.breakpoint.device_key
        return self._capture(shots, target, lambda probe: self.capturer.capture_page(page, device, first.page.settings, probe, log))()

    def _capture(
        self, shots: Sequence[Shot], target: Target | None, take: Callable[[tuple[str, Any] | None], Capture]
    ) -> Callable[[], list[ShotResult]]:
        t0 = time.monotonic()
        try:
            capture = take(self.inspection.probe(target) if self.inspection and target else None)
            moved = self._settle(capture, shots)
        except HarnessError as err:
            message, blocked = str(err), list(getattr(err, "blocked", []))
            if isinstance(err, StepTimeout) and shots[0].page.kind == "page":
                self.hung.setdefault(shots[0].page.name, (
                    f"not rendered: the page hung at {shots[0].breakpoint.name}, so its other breakpoints were not tried "
                    f"({message}); pass --retry-hung to try each"
                ))
            return lambda: self._record([self._result(shot, "error", message=message, blocked=blocked) for shot in shots], t0)
        except Exception as err:  # one page must never end the run: its shots are errors, the rest go on
            self.capturer.close()
            message = _unexpected(err, "capturing")
            return lambda: self._record([self._result(shot, "error", message=message) for shot in shots], t0)
        if moved is not None:
            return lambda: self._record([self._unstable(shot, capture, moved) for shot in shots], t0)
        return lambda: self._judged_safely(shots, capture, t0, target)

    def _judged_safely(self, shots: Sequence[Shot], capture: Capture, t0: float, target: Target | None) -> list[ShotResult]:
        try:
            return self.judge(shots, capture, t0, target)
        except HarnessError:
            raise
        except Exception as err:  # a bug in judging one shot is that shot's error, not the run's end
            message = _unexpected(err, "judging")
            return self._record([self._result(shot, "error", capture=capture, message=message) for shot in shots], t0)

    def _settle(self, capture: Capture, shots: Sequence[Shot]) -> tuple[bytes, bytes] | None:
        """The stability loop: screenshot again until two in a row are identical.

        A first screenshot identical to every baseline is settled by definition, so a
        passing shot costs one screenshot. Returns None once settled (``capture.png`` is
        then the settled image), or the last two differing screenshots if it never settles.
        """
        if all(self.store.read(s.page.name, s.breakpoint.name) == capture.png for s in shots):
            return None
        before, previous = capture.png, capture.png
        for attempt in range(2, self.options.settle_shots + 1):
            current = self.capturer.again()
            if current == previous:
                capture.png = current
                capture.waits.append(f"settled after {attempt} screenshots")
                return None
            before, previous = previous, current
        capture.png = previous
        return before, previous

    def judge(
        self, shots: Sequence[Shot], capture: Capture, t0: float | None = None, target: Target | None = None
    ) -> list[ShotResult]:
        """Compare one capture with the baseline of each shot it stands for, and record it."""
        t0 = time.monotonic() if t0 is None else t0
        actual = _Decoded(capture.png)
        results = [self._judge(shot, capture, actual) for shot in shots]
        if self.inspection is not None and target is not None:
            for shot, result in zip(shots, results):
                self._inspect(shot, result, capture, target)
        return self._record(results, t0)

    def _inspect(self, shot: Shot, r: ShotResult, capture: Capture, target: Target) -> None:
        """Findings for every shot; the geometry kept with new baselines; words for failures."""
        assert self.inspection is not None
        r.findings = [f.to_json() for f in self.inspection.findings(capture.probe, target, shot.breakpoint)]
        snap = self.inspection.geometry(capture.probe)
        if snap is None:
            return
        page, name = shot.page.name, shot.breakpoint.name
        if r.status == "fail":
            from harness.inspect.explain import explain
            from harness.inspect.geometry import Snapshot

            old = self.store.read_geometry(page, name)
            r.explanations = explain(Snapshot.from_bytes(old) if old else None, snap, r.regions)
        if r.status in ("fail", "new"):
            from harness.files import write_atomic

            path = self._shot_dir(shot) / f"{name}.geometry.json"
            write_atomic(path, snap.to_bytes())
            r.geometry = relative(path, self.paths.output)
        if r.updated or (r.status == "pass" and self.options.update and self.inspection.stale(self.store.read_geometry(page, name), snap)):
            self.store.queue(page, name, None, {}, snap.to_bytes())  # with the new baseline, or completing an older one

    def _record(self, results: list[ShotResult], t0: float) -> list[ShotResult]:
        spent = (time.monotonic() - t0) / len(results)
        for r in results:
            r.seconds = round(spent, 3)
        self.shots.extend(results)
        return results

    def finish(self, results_name: str = "results.json") -> Results:
        """Write the queued baselines and the results file; call once, at the end."""
        self.capturer.close()
        if line := self.snapshots.save():
            self.notes.append(line)
        try:
            if self.options.prune is not None:
                self.prune = self._queue_prune(self.options.prune)
            self.store.flush(settle=self.options.update is not None or self.options.prune is not None)
        except HarnessError as err:  # keep what the run saw, then say why nothing was written
            for shot in self.shots:
                if shot.updated:
                    shot.updated = False
                    shot.message += f"; the baseline was NOT written: {err}"
            self._write_results(results_name)
            raise
        return self._write_results(results_name)

    def _queue_prune(self, planned: tuple[str, ...]) -> PruneReport:
        """Queue the deletion of unused baselines, but only if this run saw every planned
        shot: a baseline is never deleted on the word of a partial or broken run."""
        seen = {s.id for s in self.shots if s.status != "error"}
        missing = [key for key in planned if key not in seen]
        if missing:
            more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
            return PruneReport([], (
                f"not pruning: {', '.join(missing[:3])}{more} did not get a screenshot; "
                "fix them, then run 'harness check --prune' again"
            ))
        unused = self.store.unused(planned)
        for key in unused:
            page, _, breakpoint = key.partition("/")
            self.store.queue_delete(page, breakpoint)
        return PruneReport(unused)

    def _write_results(self, results_name: str) -> Results:
        sort_shots(self.shots, (bp.name for bp in self.breakpoints))
        results = Results(
            browser=self.browser_info,
            shots=self.shots,
            run_id=uuid.uuid4().hex,
            project=str(self.paths.root),
            baselines_dir=relative(self.paths.baselines, self.paths.output),
            created=utc_timestamp(),
            breakpoints=[bp.to_json() for bp in self.breakpoints],
        )
        results.regroup()
        results.write(self.paths.output, results_name)
        return results

    # -- one shot ---------------------------------------------------------------

    def _judge(self, shot: Shot, capture: Capture, actual: _Decoded) -> ShotResult:
        baseline_png = self.store.read(shot.page.name, shot.breakpoint.name)
        if baseline_png is None:
            return self._new(shot, capture, actual)
        if baseline_png == capture.png:  # same bytes: no need to decode anything
            w, h = actual.size
            return self._result(shot, "pass", capture=capture, total=w * h, sizes=(actual.size, actual.size))
        try:
            from harness.compare.images import read_png

            baseline = read_png(self.store.path(shot.page.name, shot.breakpoint.name), "baseline")
            diff_options, limits = self._judging(shot)
            result = _compare(baseline, actual.array, diff_options)
        except HarnessError as err:
            return self._result(shot, "error", capture=capture, message=str(err))
        if result.passed(limits):
            return self._from_diff(shot, "pass", result, capture)
        r = self._fail(shot, capture, result)
        self._align(shot, capture, baseline, actual.array, r, diff_options)
        return r

    def _align(self, shot: Shot, capture: Capture, baseline: Any, actual: Any, r: ShotResult, options: Options) -> None:
        """Tell what moved from what changed (harness.compare.align): the count that still
        differs, the changes per element, the matching bands and the aligned diff image.
        The verdict is pixelmatch's and stays as it is."""
        from harness.compare.align import Moved, align
        from harness.compare.images import diff_png_bytes
        from harness.files import write_atomic

        scale = shot.breakpoint.device_scale_factor
        old = new = None
        if self.inspection is not None:
            from harness.inspect.geometry import Snapshot

            data = self.store.read_geometry(shot.page.name, shot.breakpoint.name)
            old, new = (Snapshot.from_bytes(data) if data else None), self.inspection.geometry(capture.probe)
        moves = []
        if old is not None and new is not None:
            from harness.inspect.changes import moved_boxes

            moves = [Moved(key, _px(b, scale), _px(a, scale)) for key, b, a in moved_boxes(old, new)]
        aligned = align(baseline, actual, moves, options)
        r.changed_pixels = min(aligned.changed_pixels, r.mismatched)
        r.alignment = [[round(by / scale), round(ay / scale), round(n / scale)] for by, ay, n in aligned.segments]
        if old is not None and new is not None:
            from harness.compare.align import same_shapes
            from harness.inspect.changes import changes

            r.changes = changes(
                old, new,
                lambda box: aligned.changed_in(_px(box, scale)),
                lambda b, a: same_shapes(baseline, actual, _px(b, scale), _px(a, scale)),
            )
        path = self._shot_dir(shot) / f"{shot.breakpoint.name}.aligned.png"
        write_atomic(path, diff_png_bytes(aligned.image(actual)))
        r.aligned_diff = relative(path, self.paths.output)

    def _unstable(self, shot: Shot, capture: Capture, moved: tuple[bytes, bytes]) -> ShotResult:
        """A page that never held still: report where it moved instead of a false failure."""
        from harness.compare.diff import compare
        from harness.compare.images import diff_png_bytes
        from harness.files import write_atomic

        first, last = _Decoded(moved[0]), _Decoded(moved[1])
        result = compare(first.array, last.array, threshold=0, diff_image=True)
        r = self._from_diff(shot, "unstable", result, capture)
        box = result.bounds or (0, 0, 0, 0)
        r.message = (
            f"never settled: {self.options.settle_shots} screenshots in a row differed; "
            f"the moving part is at x={box[0]} y={box[1]} ({box[2]}x{box[3]} px); mask, hide or remove it in pages.yaml"
        )
        r.actual = self._write_actual(shot, moved[1])
        diff_path = self._shot_dir(shot) / f"{shot.breakpoint.name}.diff.png"
        write_atomic(diff_path, diff_png_bytes(result.diff))
        r.diff = relative(diff_path, self.paths.output)
        return r

    def _judging(self, shot: Shot) -> tuple[Options, Limits]:
        """The run's options, with the page's own threshold and limits where it sets them."""
        page = shot.page.settings
        diff = self.options.diff
        if "threshold" in page.given and page.threshold is not None:
            diff = replace(diff, threshold=page.threshold)
        limits = self.options.limits
        if page.given & {"max_diff_pixels", "max_diff_pixel_ratio"}:
            limits = Limits(
                page.max_diff_pixels if "max_diff_pixels" in page.given else limits.max_diff_pixels,
                page.max_diff_pixel_ratio if "max_diff_pixel_ratio" in page.given else limits.max_diff_pixel_ratio,
            )
        return diff, limits

    def _new(self, shot: Shot, capture: Capture, actual: _Decoded) -> ShotResult:
        updated = self.options.update in UPDATE_CHOICES
        if updated:
            self._queue_baseline(shot, capture.png)
            message = "no baseline yet; the baseline is written at the end of the run (--update)"
        else:
            message = "no baseline yet; accept it with 'harness approve'"
        r = self._result(shot, "new", capture=capture, message=message, sizes=(None, actual.size))
        r.updated = updated
        r.actual = self._write_actual(shot, capture.png)
        r.mismatched = r.total = actual.size[0] * actual.size[1]
        r.ratio = 1.0
        return r

    def _fail(self, shot: Shot, capture: Capture, result: DiffResult) -> ShotResult:
        from harness.compare.diff import describe_change
        from harness.compare.images import diff_png_bytes
        from harness.files import write_atomic

        r = self._from_diff(shot, "fail", result, capture)
        r.message = describe_change(result)
        r.actual = self._write_actual(shot, capture.png)
        diff_path = self._shot_dir(shot) / f"{shot.breakpoint.name}.diff.png"
        write_atomic(diff_path, diff_png_bytes(result.diff))
        r.diff = relative(diff_path, self.paths.output)
        if self.options.update == "all":
            self._queue_baseline(shot, capture.png)
            r.updated = True
            r.message += "; baseline overwritten (--update all)"
        return r

    def _from_diff(self, shot: Shot, status: str, result: DiffResult, capture: Capture) -> ShotResult:
        r = self._result(
            shot, status, capture=capture, total=result.total, sizes=(result.baseline_size, result.actual_size)
        )
        r.mismatched = result.mismatched
        r.ratio = result.ratio
        r.regions = [region.box() for region in result.regions]
        return r

    def _result(
        self,
        shot: Shot,
        status: str,
        capture: Capture | None = None,
        message: str = "",
        total: int = 0,
        sizes: tuple[tuple[int, int] | None, tuple[int, int] | None] = (None, None),
        blocked: list[str] | None = None,
    ) -> ShotResult:
        vp = shot.breakpoint.viewport
        baseline = self.store.path(shot.page.name, shot.breakpoint.name)
        return ShotResult(
            page=shot.page.name,
            breakpoint=shot.breakpoint.name,
            width=vp.width,
            height=vp.height,
            status=status,
            baseline=relative(baseline, self.paths.output),
            message=message,
            total=total,
            baseline_size=list(sizes[0]) if sizes[0] else None,
            actual_size=list(sizes[1]) if sizes[1] else None,
            actual_sha256=sha256(capture.png) if capture else None,
            blocked=capture.blocked if capture else blocked or [],
            console_errors=capture.console_errors if capture else [],
            notes=capture.notes if capture else [],
            waits=capture.waits if capture else [],
            kind=shot.page.kind,
        )

    def _shot_dir(self, shot: Shot) -> Path:
        return self.paths.output / SHOTS_DIR / shot.page.name

    def _write_actual(self, shot: Shot, png: bytes) -> str:
        from harness.files import write_atomic

        path = self._shot_dir(shot) / f"{shot.breakpoint.name}.actual.png"
        write_atomic(path, png)
        return relative(path, self.paths.output)

    def _queue_baseline(self, shot: Shot, png: bytes) -> None:
        bp = shot.breakpoint
        meta = {
            "viewport": {"width": bp.viewport.width, "height": bp.viewport.height},
            "device_scale_factor": bp.device_scale_factor,
            "is_mobile": bp.is_mobile,
            "has_touch": bp.has_touch,
            "browser": {"name": "chromium", "version": self.browser_info["version"]},
            **({"kind": shot.page.kind} if shot.page.kind != "page" else {}),
        }
        self.store.queue(shot.page.name, bp.name, png, meta)


class _Decoded:
    """The capture's pixels, decoded on first use only (a byte-identical pass never needs them)."""

    def __init__(self, png: bytes) -> None:
        self.png = png
        self._array: Any = None
        self._size: tuple[int, int] | None = None

    @property
    def size(self) -> tuple[int, int]:
        if self._size is None:
            import struct

            self._size = struct.unpack(">II", self.png[16:24])  # the PNG header's width and height
        return self._size

    @property
    def array(self):  # type: ignore[no-untyped-def]
        if self._array is None:
            import io

            import numpy as np
            from PIL import Image

            with Image.open(io.BytesIO(self.png)) as img:
                self._array = np.asarray(img.convert("RGBA"))
        return self._array


def _compare(baseline, actual, options: Options) -> DiffResult:  # type: ignore[no-untyped-def]
    from harness.compare.diff import compare

    return compare(baseline, actual, options, diff_image=True)


def _px(box: Any, scale: float) -> tuple[int, int, int, int]:
    """A snapshot box (CSS px) in image px."""
    return round(box.x * scale), round(box.y * scale), round(box.w * scale), round(box.h * scale)


def _unexpected(err: BaseException, doing: str) -> str:
    text = str(err).splitlines()[0] if str(err) else ""
    return f"internal error while {doing} this shot: {type(err).__name__}: {text} (the other shots went on; please report it)"
