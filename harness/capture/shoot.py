"""Loading a page at a viewport, making it hold still, and taking the screenshot.

One browser context per device setting (scale, mobile, touch) is kept for the whole
run, with one page in it. The renders of a page come one after another, narrowest
first, so a page is loaded and made still once and then only resized for each further
viewport, as a reader's browser window is: the CSS reflows, ``srcset`` picks again, the
probe and the screenshot run anew. A page whose scripts read the width only at load
sets ``fresh: true`` and is loaded anew for every viewport.

Every step has a timeout and a name, so a page that hangs becomes a clear per-shot error instead of a hung run: a watchdog ends any step that
outlives the timeout (even one stuck on a page whose script never yields), and a page
whose step failed is closed, so the next shot starts on a fresh one.

A page that navigates away by itself (a script setting ``location``) is an error naming
where it went, rather than a screenshot of some other page filed under this one's name.
Dialogs are dismissed and noted; ``beforeunload`` is accepted, so leaving never blocks.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from harness.capture import blank, screenshot
from harness.capture.stabilise import (
    AFTER_LOAD,
    AFTER_RESIZE,
    LAZY_JS,
    MEDIA_JS,
    READY_JS,
    SCROLL_HOOKS_JS,
    STILL_CSS,
    bounded,
    call,
    hide_remove_css,
)
from harness.capture.watchdog import Expired, deadline
from harness.config.page_settings import DEFAULT_FROZEN_TIME, DEFAULT_MAX_HEIGHT, PageSettings
from harness.errors import HarnessError

if TYPE_CHECKING:
    from harness.capture.network import Recording, Snapshots
    from playwright.sync_api import (
        Browser,
        BrowserContext,
        CDPSession,
        ConsoleMessage,
        Dialog,
        Page,
        Request,
        Response,
        Route,
        WebSocketRoute,
    )

STEP_TIMEOUT_MS = 30_000
WATCHDOG_GRACE = 0.5  # s: Playwright's own timeout, where a step has one, normally ends it first
MAX_HEIGHT = DEFAULT_MAX_HEIGHT
FROZEN_TIME = DEFAULT_FROZEN_TIME
# Every history.pushState/replaceState is an event the browser sends the harness; a page
# calling them from a 1 ms timer buries the harness's own messages under its own, and the
# next page's steps wait behind them. More than this many a second are dropped (a real
# page makes a handful: a gallery's hash, an infinite scroll's URL).
HISTORY_PER_SECOND = 50
HISTORY_LIMIT_JS = """(() => {
  const proto = History.prototype;
  for (const name of ['pushState', 'replaceState']) {
    const original = proto[name];
    let start = 0, count = 0;
    Object.defineProperty(proto, name, {
      configurable: false, writable: false,
      value: function (...args) {
        const now = performance.now();
        if (now - start > 1000) { start = now; count = 0; }
        if (++count > %d) return undefined;
        return original.apply(this, args);
      },
    });
  }
})();""" % HISTORY_PER_SECOND
AFTER_FRAMES_JS = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))"
RENDER_BUDGET = 3  # timeouts that all the steps of one render may take together...
MIN_RENDER_BUDGET_S = 30.0  # ...but never less: a short --timeout must not fail a plain page on a busy machine
DISCARD_S = 3.0  # s: the most that ending a failed page may take before it is left behind
ADOPTED = "adopted"  # in the key of a page handed in by capture_page


class CaptureError(HarnessError):
    """The page could not be captured; the message names the step. ``blocked``: the
    requests blocked before it failed, where they may be why."""

    def __init__(self, message: str, blocked: list[str] | None = None) -> None:
        super().__init__(message)
        self.blocked = blocked or []


class StepTimeout(CaptureError):
    """A step did not end within the timeout."""


class _Stale(CaptureError):
    """The page still held the previous shot's document, stuck: not this shot's fault."""


@dataclass
class Capture:
    png: bytes
    height: int  # the page's full height in CSS px before any cap
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    waits: list[str] = field(default_factory=list)
    probe: dict[str, Any] | None = None  # the inspectors' answer (harness.inspect), if asked


@dataclass
class RequestLog:
    origin: str = ""
    allowed: tuple[str, ...] = ()
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    status: int = 0  # HTTP status of the last main-document response
    dialogs: list[str] = field(default_factory=list)
    navigations: list[Request] = field(default_factory=list)  # the main frame's, redirects left out
    own: int | None = None  # which of them the shot's own load was, once loaded
    recording: Recording | None = None  # other origins answered from (or recorded into) a network snapshot

    def reset(self, url: str, allowed: tuple[str, ...]) -> None:
        self.origin, self.allowed = origin_of(url), allowed
        self.blocked, self.errors, self.status, self.dialogs, self.navigations, self.own = [], [], 0, [], [], None
        self.recording = None

    def loaded(self, response: Response | None) -> Response | None:
        """Remember which navigation was the shot's own; any later one took the page away."""
        first = response.request if response is not None else None
        while first is not None and first.redirected_from is not None:
            first = first.redirected_from
        self.own = self.navigations.index(first) if first in self.navigations else len(self.navigations)
        return response

    def away(self) -> str | None:
        """Where the page went by itself after its own load, if it did."""
        later = self.navigations[self.own + 1 :] if self.own is not None else []
        return later[0].url if later else None


class Capturer:
    """Takes screenshots with one browser; ``close()`` when done.

    ``capture`` loads and stabilises a page and takes the first screenshot; ``again``
    takes another of the same page as it is now, for the stability loop.
    """

    def __init__(
        self,
        browser: Browser,
        allow_origins: tuple[str, ...] = (),
        timeout_ms: int = STEP_TIMEOUT_MS,
        snapshots: Snapshots | None = None,
        network: str | None = None,
    ) -> None:
        self.browser = browser
        self.snapshots, self.network = snapshots, network
        self._name = ""  # the page being captured, for its network recording
        self.allow_origins = allow_origins
        self.timeout_ms = timeout_ms
        # HARNESS_FAST=0: the plain path (a load per viewport, Playwright's screenshot, every
        # page scrolled), to show that the fast one gives the same results (bench_check.py).
        self.fast = os.environ.get("HARNESS_FAST", "1") != "0"
        self._pages: dict[tuple[Any, ...], tuple[BrowserContext, Page, RequestLog]] = {}
        self._ready: dict[tuple[Any, ...], tuple[str, PageSettings]] = {}  # what each page holds, loaded and still
        self._sessions: dict[tuple[Any, ...], CDPSession | None] = {}  # None: no DevTools protocol (fall back)
        self._refused: dict[tuple[Any, ...], tuple[str, ...]] = {}  # what Chromium refuses at once (screenshot.refuse)
        self._last: tuple[Page, PageSettings, dict[str, Any]] | None = None
        self._current: tuple[Any, ...] | None = None  # the key of the page the steps act on
        self._adopted: set[tuple[Any, ...]] = set()
        self._budget_end: float | None = None  # when the render being captured must be done (monotonic)  # pages handed in (capture_page): never closed here
        self._url = ""

    def capture(
        self,
        url: str,
        width: int,
        height: int,
        device: tuple[float, bool, bool],
        settings: PageSettings | None = None,
        probe: tuple[str, Any] | None = None,
        name: str = "",
    ) -> Capture:
        """Load, stabilise, run the probe (a JS function and its argument) if given, screenshot."""
        settings = settings or PageSettings()
        self._name = name
        waits: list[str] = []
        with self._budget():
            resized = self._resized(url, device, settings, width, height, waits)
            page, log = resized or self._loaded(url, device, settings, width, height, waits)
            return self._snap(page, log, settings, probe, waits, AFTER_RESIZE if resized else AFTER_LOAD)

    @contextlib.contextmanager
    def _budget(self) -> Iterator[None]:
        """All the steps of one render share a budget (``budget_s``): each step is bounded by
        the timeout, and no step starts once the budget is spent, so a render ends within the
        budget and one timeout, however slow a page is at every step."""
        self._budget_end = time.monotonic() + self.budget_s
        try:
            yield
        finally:
            self._budget_end = None

    def capture_page(
        self,
        page: Page,
        device: tuple[float, bool, bool],
        settings: PageSettings | None = None,
        probe: tuple[str, Any] | None = None,
        log: RequestLog | None = None,
    ) -> Capture:
        """The same capture for a page someone else loaded and drove (the pytest plugin's
        ``harness.assert_matches`` on pytest-playwright's page): made still, probed and
        screenshot as every shot is. The page and its context stay its owner's."""
        settings = settings or PageSettings()
        key = self._current = (*device, ADOPTED, id(page))
        self._pages[key] = (page.context, page, log or RequestLog())
        self._adopted.add(key)
        self._ready.pop(key, None)
        waits: list[str] = []
        with self._budget():
            self._refuse(None, keep=False)  # by now the page may hold another document
            self._prepare(page, settings, waits)
            return self._snap(page, self._pages[key][2], settings, probe, waits, AFTER_LOAD)

    def _snap(
        self, page: Page, log: RequestLog, settings: PageSettings, probe: tuple[str, Any] | None, waits: list[str], frames: dict[str, int]
    ) -> Capture:
        """Wait for fonts and images, run the probe, take the first screenshot."""
        ready = bounded(READY_JS, self.timeout_ms)
        loaded = self._timed("fonts and images", lambda: self.evaluate(page, ready, frames), waits)
        full_height = _number(loaded.get("height") if isinstance(loaded, dict) else loaded, "fonts and images")
        self._refuse(loaded.get("broken") if isinstance(loaded, dict) else None)
        answer = self._timed("inspect", lambda: self.evaluate(page, probe[0], probe[1]), waits) if probe else None
        if not isinstance(answer, dict):
            answer = None  # the inspectors say "could not inspect" rather than trust another shape
        notes = list(log.dialogs)
        options: dict[str, Any] = {"animations": "disabled", "caret": "hide", "type": "png", "timeout": self.timeout_ms}
        if settings.mask:
            options["mask"] = [page.locator(sel) for sel in settings.mask]
            options["mask_color"] = settings.mask_color
        if settings.clip is None:
            options["full_page"] = settings.full_page
            if settings.full_page:
                viewport = page.viewport_size or {"width": 0, "height": 0}
                size = self.step("page size", lambda: self.evaluate(page, screenshot.PAGE_SIZE_JS))
                scale = float(self._current[0]) if self._current else 1.0
                area, cuts = screenshot.capped(size, viewport, settings.max_height, scale)
                if cuts:
                    options["clip"] = {"x": 0, "y": 0, "width": area.width, "height": area.height}
                    notes += cuts
        self._last = (page, settings, options)
        png = self._shoot()
        if not settings.allow_blank and settings.clip is None and blank.looks_blank(png):  # an element may be one colour
            self.step("blank check", lambda: self.evaluate(page, AFTER_FRAMES_JS))
            png = self._shoot()  # once more, after two frames: a busy page may not have painted yet
            if blank.looks_blank(png):
                self._refuse_blank(page, log, waits)
        return Capture(png, full_height, list(log.blocked), list(log.errors), notes, waits, answer)

    def _loaded(
        self, url: str, device: tuple[float, bool, bool], settings: PageSettings, width: int, height: int, waits: list[str]
    ) -> tuple[Page, RequestLog]:
        """The page loaded afresh at this size and made still."""
        t0 = time.monotonic()
        page, log = self._open(url, device, settings, width, height)
        waits.append(f"load {_ms(t0)}")
        self._prepare(page, settings, waits)
        assert self._current is not None
        self._ready[self._current] = (url, settings)
        return page, log

    def _resized(
        self, url: str, device: tuple[float, bool, bool], settings: PageSettings, width: int, height: int, waits: list[str]
    ) -> tuple[Page, RequestLog] | None:
        """The page that already holds ``url``, still, resized to this viewport; None if
        there is none (or it is ``fresh``, or the resize failed: the caller loads anew)."""
        key = _page_key(device, settings)
        if not self.fast or settings.fresh or self._ready.get(key) != (url, settings) or key not in self._pages:
            return None
        self._current = key
        _, page, log = self._pages[key]
        t0 = time.monotonic()
        try:
            self.step("viewport", lambda: page.set_viewport_size({"width": width, "height": height}))
        except CaptureError:
            return None  # the page is closed by now; a fresh load decides whether this shot can be taken
        waits.append(f"resized {_ms(t0)}")
        return page, log

    def load(
        self, url: str, width: int, height: int, device: tuple[float, bool, bool], settings: PageSettings, waits: list[str] | None = None
    ) -> tuple[Page, RequestLog]:
        """Open the page at this size as every shot does (other origins blocked, the clock
        frozen), but do not hold it still: ``harness coverage`` needs no more."""
        t0 = time.monotonic()
        page, log = self._open(url, device, settings, width, height)
        if waits is not None:
            waits.append(f"load {_ms(t0)}")
        return page, log

    def again(self) -> bytes:
        """Another screenshot of the page just captured, as it is now."""
        if self._last is None:
            raise CaptureError("nothing captured yet")
        return self._shoot()

    def _shoot(self) -> bytes:
        assert self._last is not None
        page, settings, options = self._last
        session = self._session() if self.fast and settings.full_page and settings.clip is None and not settings.mask else None
        if session is not None:
            viewport = page.viewport_size or {"width": 0, "height": 0}
            touch = bool(self._current and self._current[2])
            scale = float(self._current[0]) if self._current else 1.0
            size = self.step("screenshot", lambda: self.evaluate(page, screenshot.PAGE_SIZE_JS))
            where = screenshot.capped(size, viewport, settings.max_height, scale)[0]
            return self.step("screenshot", lambda: screenshot.capture_png(session, where, viewport, touch))
        if settings.clip is not None:
            target = page.locator(settings.clip).first
            if self.step("clip", lambda: target.count()) == 0:
                raise CaptureError(f"clip: selector {settings.clip!r} matches nothing on the page; fix the selector")
            return self.step("screenshot", lambda: target.screenshot(**options))
        return self.step("screenshot", lambda: page.screenshot(**options))

    def _refuse(self, broken: Any, keep: bool = True) -> None:
        """Have Chromium refuse at once the images that failed in this document (``broken``,
        as the page answered), and those it refuses already unless ``keep`` is False (a new
        document), so that a screenshot cannot catch them asked for again (``screenshot.refuse``)."""
        key = self._current
        if key is None:
            return
        refused = self._refused.get(key, ())
        failed = {url for url in broken if isinstance(url, str)} if isinstance(broken, list) else set()
        urls = tuple(sorted(failed.union(refused if keep else ())))
        if urls == refused:
            return
        session = self._session()
        if session is not None:
            self.step("refuse", lambda: screenshot.refuse(session, urls))
            self._refused[key] = urls  # also where it cannot: asking once is enough

    def _unrefuse(self, key: tuple[Any, ...]) -> None:
        session = self._sessions.get(key)
        if session is not None and self._refused.get(key):
            try:
                with deadline(self.timeout_ms / 1000):
                    screenshot.refuse(session, ())
            except Expired:
                pass  # a page that does not answer is its owner's problem, not this run's

    @property
    def budget_s(self) -> float:
        """What all the steps of one render may take together: three timeouts, 30 s at least."""
        return max(RENDER_BUDGET * self.timeout_ms / 1000, MIN_RENDER_BUDGET_S)

    def evaluate(self, page: Page, script: str, arg: Any = None) -> Any:
        """Run one of the harness's own scripts (a function) in an isolated world of the
        page's main frame: it sees the page's DOM, but not the page's globals, so a page that
        replaced ``Promise.race`` or ``Math.max`` cannot change what it computes. Where there
        is no DevTools session (another browser's server), the page's own world serves."""
        session = self._session() if self._current is not None and self._pages.get(self._current, (None, None))[1] is page else None
        if session is None:
            return page.evaluate(script, arg)
        frame = session.send("Page.getFrameTree")["frameTree"]["frame"]["id"]
        world = session.send("Page.createIsolatedWorld", {"frameId": frame, "worldName": "harness"})["executionContextId"]
        answer = session.send(
            "Runtime.evaluate",
            {"expression": f"({script})({json.dumps(arg)})", "contextId": world, "awaitPromise": True, "returnByValue": True},
        )
        if "exceptionDetails" in answer:
            details = answer["exceptionDetails"]
            text = (details.get("exception") or {}).get("description") or details.get("text") or "the script failed"
            raise RuntimeError(str(text).splitlines()[0])
        return answer.get("result", {}).get("value")

    def _session(self) -> CDPSession | None:
        """The current page's DevTools session, opened once; None where there is none."""
        key = self._current
        if key is None or key not in self._pages:
            return None
        if key not in self._sessions:
            context, page, _ = self._pages[key]
            try:
                self._sessions[key] = context.new_cdp_session(page)
            except Exception:
                self._sessions[key] = None  # not Chromium, or a server that does not pass the protocol on
        return self._sessions[key]

    def _prepare(self, page: Page, settings: PageSettings, waits: list[str]) -> None:
        """Stillness, hidden and removed parts, lazy content, media, the page's own wait and script."""
        css = STILL_CSS + hide_remove_css(settings.hide, settings.remove)
        self.step("style", lambda: page.add_style_tag(content=css))
        if settings.full_page and settings.clip is None:
            lazy_js = bounded(LAZY_JS, self.timeout_ms)
            lazy = self._timed("lazy content", lambda: page.evaluate(lazy_js, settings.max_height), waits)
            eager, screens = (_number(lazy.get(k) if isinstance(lazy, dict) else lazy, "lazy content") for k in ("eager", "screens"))
            if eager or screens:
                waits.append(f"lazy: {eager} made eager, scrolled {screens} screens")
        if media := _number(self.step("media", lambda: self.evaluate(page, MEDIA_JS)) or 0, "media"):
            waits.append(f"media: {media} paused at the start")
        if settings.wait_for:
            selector = settings.wait_for
            self._timed(f"wait_for {selector!r}", lambda: page.wait_for_selector(selector, state="visible", timeout=self.timeout_ms), waits)
        if settings.script:
            script = bounded(call(settings.script), self.timeout_ms)
            self._timed("script", lambda: page.evaluate(script), waits)

    def _refuse_blank(self, page: Page, log: RequestLog, waits: list[str]) -> None:
        """A capture of one colour while the DOM has text never becomes a baseline."""
        answer = self.step("blank check", lambda: self.evaluate(page, blank.TEXT_JS))
        width = (page.viewport_size or {"width": 0})["width"]
        if message := blank.blank_message(width, answer, list(log.blocked)):
            raise CaptureError(message, blocked=list(log.blocked))
        waits.append("blank check: one colour, and no text in the DOM")

    def _timed(self, name: str, action: Any, waits: list[str]) -> Any:
        t0 = time.monotonic()
        result = self.step(name, action)
        waits.append(f"{name} {_ms(t0)}")
        return result

    def close(self) -> None:
        for key, (context, _, _) in self._pages.items():
            if key in self._adopted:
                self._unrefuse(key)  # the page goes on as its owner's
                continue
            try:
                context.close()
            except Exception:
                pass  # the browser may already be gone (Ctrl-C); nothing to save here
        self._pages.clear()
        self._adopted.clear()
        self._ready.clear()
        self._sessions.clear()
        self._refused.clear()
        self._last = None

    def _open(
        self, url: str, device: tuple[float, bool, bool], settings: PageSettings, width: int, height: int
    ) -> tuple[Page, RequestLog]:
        """The page for this device, sized, its clock set, with ``url`` loaded.

        A reused page still shows the previous shot's document. If that document's script
        went into a loop (on the resize, say, or on a late timer), nothing can replace it:
        set-up or load time out while the address still shows the old document. That is
        the previous page's fault, not this one's: the page is closed (``step`` does that)
        and this shot is tried once more, on a fresh page.
        """
        try:
            return self._try_open(url, device, settings, width, height)
        except _Stale:
            if self._budget_end is not None:  # the time lost was the previous page's, not this one's
                self._budget_end = time.monotonic() + self.budget_s
            return self._try_open(url, device, settings, width, height)

    def _try_open(
        self, url: str, device: tuple[float, bool, bool], settings: PageSettings, width: int, height: int
    ) -> tuple[Page, RequestLog]:
        _, page, log = self._page_for(device, settings.freeze_time is not None)
        assert self._current is not None
        self._ready.pop(self._current, None)  # loading: no longer still, whatever comes next
        log.reset(url, self.allow_origins + settings.allow_network)
        if self.snapshots is not None and self._name and (self.network or settings.network) == "snapshot":
            log.recording = self.snapshots.for_page(self._name)
        self._url = url
        before = page.url  # known to Playwright, no call into the page
        try:
            if settings.freeze_time is not None:
                self.step("clock", lambda: page.clock.set_fixed_time(settings.freeze_time))
            self.step("viewport", lambda: page.set_viewport_size({"width": width, "height": height}))
            self._refuse(None, keep=False)  # another document: what failed in the last one may load in this one
        except CaptureError as err:
            raise _Stale(str(err)) if before != "about:blank" else err from None
        try:
            self.step("load", lambda: log.loaded(page.goto(url, wait_until="load", timeout=self.timeout_ms)))
        except StepTimeout as err:
            if before != "about:blank" and page.url == before:
                raise _Stale(str(err)) from None
            raise StepTimeout(_explain_load_failure(url, log.status, str(err))) from None
        except CaptureError as err:
            raise CaptureError(_explain_load_failure(url, log.status, str(err))) from None
        if log.status >= 400:
            raise CaptureError(_explain_load_failure(url, log.status, ""))
        return page, log

    def _discard(self) -> None:
        """Close the current page's context: after a failed step it may be stuck or half-way."""
        key = self._current
        entry = self._pages.pop(key, None) if key is not None else None
        session = self._sessions.pop(key, None) if key is not None else None
        if key is not None:
            self._ready.pop(key, None)
            self._refused.pop(key, None)
        self._last = None
        if entry is None or self._current in self._adopted:
            return  # a page handed in is its owner's to close
        context, page, _ = entry
        _stop(context, page, session)
        _close(context, min(self.timeout_ms / 1000, DISCARD_S))

    def _page_for(self, device: tuple[float, bool, bool], frozen: bool) -> tuple[BrowserContext, Page, RequestLog]:
        """One context per device and clock mode (a frozen clock cannot be unfrozen)."""
        key = self._current = _page_key(device, settings=None, frozen=frozen)
        if key not in self._pages:
            context = self.step("new context", lambda: self.browser.new_context(**context_options(*device)))
            context.set_default_timeout(self.timeout_ms)
            context.add_init_script(HISTORY_LIMIT_JS)
            if self.fast:
                context.add_init_script(SCROLL_HOOKS_JS)
            log = RequestLog(allowed=self.allow_origins)
            guard(context, log)
            try:
                page = self.step("new page", context.new_page)
            except CaptureError:
                _close(context, DISCARD_S)
                raise
            watch(page, log)
            self._pages[key] = (context, page, log)
            self._session()  # opened now, before any flood, so that a failed page can always be stopped
        return self._pages[key]

    def step(self, name: str, action: Any) -> Any:
        """Run one named step within the timeout; a step that would start after the render's
        budget is spent does not start. Any failure closes the page (``_discard``)."""
        spent = self._budget_end is not None and time.monotonic() >= self._budget_end
        try:
            if spent:
                raise Expired()
            with deadline(self.timeout_ms / 1000 + WATCHDOG_GRACE):
                result = action()
        except CaptureError:
            raise
        except (Exception, Expired) as err:
            away = self._went_away(name)
            entry = self._pages.get(self._current) if self._current is not None else None
            blocked = list(entry[2].blocked) if entry else []
            self._discard()
            if spent:
                failure: CaptureError = StepTimeout(
                    f"step '{name}' not started: the render's steps took over {self.budget_s:g} s together, "
                    "each slow (a page that floods or hogs its own main thread); "
                    "fix the page, or raise --timeout"
                )
            else:
                failure = self._failure(name, err)
            failure = away or failure
            failure.blocked = failure.blocked or blocked  # what the page did not get may be why it failed
            raise failure from None
        if away := self._went_away(name):
            self._discard()
            raise away
        return result

    def _failure(self, name: str, err: BaseException) -> CaptureError:
        text = str(err).splitlines()[0] if str(err) else type(err).__name__
        text = re.sub(r"^\w+\.\w+: ", "", text)  # "Page.goto: net::ERR_…" -> "net::ERR_…"
        if isinstance(err, Expired) or "Timeout" in type(err).__name__ or "Timeout" in text:
            return StepTimeout(
                f"step '{name}' timed out after {self.timeout_ms / 1000:g} s: the page did not finish (a slow or "
                "missing resource, or a script that never yields); fix the page, or raise --timeout"
            )
        return CaptureError(f"step '{name}' failed: {text}")

    def _went_away(self, name: str) -> CaptureError | None:
        entry = self._pages.get(self._current) if self._current is not None else None
        target = entry[2].away() if entry else None
        if target is None:
            return None
        went = "reloaded itself" if target == self._url else f"navigated away to {target}"
        return CaptureError(
            f"the page {went} during step '{name}' (a script or a refresh did it); the shot would show another page: "
            "stop the navigation, or test that URL itself with 'url:' in pages.yaml"
        )


def context_options(scale: float, mobile: bool, touch: bool) -> dict[str, Any]:
    """A browser context for one device setting, held still: what every shot is rendered in
    (and what the pytest plugin gives pytest-playwright's context)."""
    return {
        "device_scale_factor": scale,
        "is_mobile": mobile,
        "has_touch": touch,
        "reduced_motion": "reduce",
        "color_scheme": "light",
        "locale": "en-US",
        "timezone_id": "UTC",
        "service_workers": "block",
    }


def guard(target: BrowserContext | Page, log: RequestLog) -> None:
    """Let only the page's own origin (and allowed ones) through, requests and WebSockets
    alike; the rest is aborted and listed in ``log``."""
    target.route("**/*", lambda route: filter_request(route, log))
    target.route_web_socket(ANY_URL, lambda socket: filter_socket(socket, log))


def watch(page: Page, log: RequestLog) -> None:
    """Note what the page does by itself: errors, dialogs (dismissed), its HTTP status and
    any navigation after its own load."""
    page.on("pageerror", lambda err: log.errors.append(f"uncaught: {str(err).splitlines()[0]}"))
    page.on("console", lambda msg: _note_console(msg, log))
    page.on("dialog", lambda dialog: _answer(dialog, log))
    page.on("response", lambda r: _note_status(r, page, log))
    page.on("request", lambda r: _note_navigation(r, page, log))


def _close(context: BrowserContext, seconds: float) -> None:
    try:
        with deadline(seconds):
            context.close()
    except (Exception, Expired):
        pass  # its renderer is stopped already; what is left goes with the browser


def _stop(context: BrowserContext, page: Page, session: CDPSession | None) -> None:
    """End a page's scripts at once by ending its renderer: a page that floods (pushState
    from a 1 ms timer, say) would otherwise keep the browser and the harness busy while
    the next pages load, and its context might not even close."""
    try:
        with deadline(DISCARD_S):
            (session or context.new_cdp_session(page)).send("Page.crash")
    except (Exception, Expired):
        pass  # already gone, or no DevTools protocol here: closing the context must do


def _number(value: Any, step: str) -> int:
    """A count or a height the page's script answered. What the page returns is untrusted:
    anything but a finite number >= 0 means the page changed what the harness's script
    computes (a replaced built-in such as Promise.race or Math.max), said as such."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        shown = repr(value)[:40]
        raise CaptureError(
            f"step '{step}': the page answered {shown} where the harness measures a number; a script on the page "
            "replaced something the harness relies on (a built-in such as Promise.race or Math.max): fix the page"
        )
    return int(value)


def _note_console(message: ConsoleMessage, log: RequestLog) -> None:
    if message.type == "error":
        log.errors.append(message.text.splitlines()[0] if message.text else "")


def _page_key(device: tuple[float, bool, bool], settings: PageSettings | None, frozen: bool = False) -> tuple[Any, ...]:
    """Which page (and context) serves a shot: its device, and whether its clock is frozen."""
    return (*device, settings.freeze_time is not None if settings is not None else frozen)


def _ms(t0: float) -> str:
    return f"{(time.monotonic() - t0) * 1000:.0f} ms"


NET_ERRORS = {
    "ERR_CONNECTION_REFUSED": "nothing answers there (connection refused); start the server or fix the url",
    "ERR_NAME_NOT_RESOLVED": "the host name does not resolve; fix the url",
    "ERR_ADDRESS_UNREACHABLE": "the address is unreachable; fix the url or the network",
    "ERR_CONNECTION_RESET": "the server reset the connection; check the server",
    "ERR_EMPTY_RESPONSE": "the server sent nothing back; check the server",
    "ERR_UNSAFE_PORT": "Chromium refuses to load from this port; serve the page on another port",
}


def _explain_load_failure(url: str, status: int, error: str) -> str:
    if status >= 400:
        return f"{url} answered HTTP {status}; check that the page exists and the server is healthy"
    for code, meaning in NET_ERRORS.items():
        if code in error:
            return f"{url}: {meaning}"
    return error


def _answer(dialog: Dialog, log: RequestLog) -> None:
    """Dismiss dialogs (confirm answers Cancel, prompt null) and note them; accept
    ``beforeunload``, which only asks whether the harness may leave the page."""
    if dialog.type == "beforeunload":
        dialog.accept()
        return
    text = " ".join(dialog.message.split())
    log.dialogs.append(f"{dialog.type} dialog dismissed: {text[:80]!r}")
    dialog.dismiss()


def _note_navigation(request: Request, page: Page, log: RequestLog) -> None:
    if request.is_navigation_request() and request.redirected_from is None and request.frame == page.main_frame:
        log.navigations.append(request)


def _note_status(response: Any, page: Page, log: RequestLog) -> None:
    if response.request.is_navigation_request() and response.frame == page.main_frame:
        log.status = response.status


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


ANY_URL = re.compile(".*")


def filter_socket(socket: WebSocketRoute, log: RequestLog) -> None:
    """WebSockets bypass ``route``: the same rule, with ws(s) standing for http(s)."""
    origin = origin_of(re.sub(r"^ws", "http", socket.url))
    if origin == log.origin or origin in log.allowed:
        socket.connect_to_server()
    else:
        log.blocked.append(socket.url)
        socket.close(code=1008, reason="blocked by the harness: another origin")


def filter_request(route: Route, log: RequestLog) -> None:
    """Let the page's own origin (and allowed ones) through; record and abort the rest."""
    url = route.request.url
    origin = origin_of(url)
    if origin == log.origin or origin in log.allowed or url.startswith(("data:", "blob:")):
        route.continue_()
    elif log.recording is None or not log.recording.handle(route):
        log.blocked.append(url)
        route.abort("blockedbyclient")
