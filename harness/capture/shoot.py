"""Loading a page at a viewport, making it hold still, and taking the screenshot.

One browser context per device setting (scale, mobile, touch) is kept for the whole
run; each shot resizes its page and navigates afresh, so scripts that read the width at
load see the right one. Every step has a timeout and a name, so a page that hangs
becomes a clear per-shot error instead of a hung run.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from harness.capture.stabilise import LAZY_JS, MEDIA_JS, READY_JS, STILL_CSS, bounded, call, hide_remove_css
from harness.config.page_settings import DEFAULT_FROZEN_TIME, DEFAULT_MAX_HEIGHT, PageSettings
from harness.errors import HarnessError

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Route

STEP_TIMEOUT_MS = 30_000
MAX_HEIGHT = DEFAULT_MAX_HEIGHT
FROZEN_TIME = DEFAULT_FROZEN_TIME


class CaptureError(HarnessError):
    """The page could not be captured; the message names the step."""


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
class _Log:
    origin: str = ""
    allowed: tuple[str, ...] = ()
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    status: int = 0  # HTTP status of the last main-document response


class Capturer:
    """Takes screenshots with one browser; ``close()`` when done.

    ``capture`` loads and stabilises a page and takes the first screenshot; ``again``
    takes another of the same page as it is now, for the stability loop.
    """

    def __init__(self, browser: Browser, allow_origins: tuple[str, ...] = (), timeout_ms: int = STEP_TIMEOUT_MS) -> None:
        self.browser = browser
        self.allow_origins = allow_origins
        self.timeout_ms = timeout_ms
        self._pages: dict[tuple[Any, ...], tuple[BrowserContext, Page, _Log]] = {}
        self._last: tuple[Page, PageSettings, dict[str, Any]] | None = None

    def capture(
        self,
        url: str,
        width: int,
        height: int,
        device: tuple[float, bool, bool],
        settings: PageSettings | None = None,
        probe: tuple[str, Any] | None = None,
    ) -> Capture:
        """Load, stabilise, run the probe (a JS function and its argument) if given, screenshot."""
        settings = settings or PageSettings()
        context, page, log = self._page_for(device, settings.freeze_time is not None)
        log.origin = _origin(url)
        log.allowed = self.allow_origins + settings.allow_network
        log.blocked, log.errors, log.status = [], [], 0
        waits: list[str] = []
        if settings.freeze_time is not None:
            page.clock.set_fixed_time(settings.freeze_time)
        page.set_viewport_size({"width": width, "height": height})
        t0 = time.monotonic()
        try:
            self._step("load", lambda: page.goto(url, wait_until="load", timeout=self.timeout_ms))
        except CaptureError as err:
            raise CaptureError(_explain_load_failure(url, log.status, str(err))) from None
        if log.status >= 400:
            raise CaptureError(_explain_load_failure(url, log.status, ""))
        waits.append(f"load {_ms(t0)}")
        self._prepare(page, settings, waits)
        ready = bounded(READY_JS, self.timeout_ms)
        full_height = int(self._timed("fonts and images", lambda: page.evaluate(ready), waits))
        answer = self._timed("inspect", lambda: page.evaluate(probe[0], probe[1]), waits) if probe else None
        notes = []
        options: dict[str, Any] = {"animations": "disabled", "caret": "hide", "type": "png", "timeout": self.timeout_ms}
        if settings.mask:
            options["mask"] = [page.locator(sel) for sel in settings.mask]
            options["mask_color"] = settings.mask_color
        if settings.clip is None:
            options["full_page"] = settings.full_page
            if settings.full_page and full_height > settings.max_height:
                options["clip"] = {"x": 0, "y": 0, "width": width, "height": settings.max_height}
                notes.append(f"page is {full_height} px tall; captured the top {settings.max_height} px")
        self._last = (page, settings, options)
        png = self._shoot()
        return Capture(png, full_height, list(log.blocked), list(log.errors), notes, waits, answer)

    def again(self) -> bytes:
        """Another screenshot of the page just captured, as it is now."""
        if self._last is None:
            raise CaptureError("nothing captured yet")
        return self._shoot()

    def _shoot(self) -> bytes:
        assert self._last is not None
        page, settings, options = self._last
        if settings.clip is not None:
            target = page.locator(settings.clip).first
            if self._step("clip", lambda: target.count()) == 0:
                raise CaptureError(f"clip: selector {settings.clip!r} matches nothing on the page; fix the selector")
            return self._step("screenshot", lambda: target.screenshot(**options))
        return self._step("screenshot", lambda: page.screenshot(**options))

    def _prepare(self, page: Page, settings: PageSettings, waits: list[str]) -> None:
        """Stillness, hidden and removed parts, lazy content, media, the page's own wait and script."""
        css = STILL_CSS + hide_remove_css(settings.hide, settings.remove)
        self._step("style", lambda: page.add_style_tag(content=css))
        if settings.full_page and settings.clip is None:
            lazy_js = bounded(LAZY_JS, self.timeout_ms)
            lazy = self._timed("lazy content", lambda: page.evaluate(lazy_js, settings.max_height), waits)
            if lazy["eager"]:
                waits.append(f"lazy: {lazy['eager']} made eager, scrolled {lazy['screens']} screens")
        if media := self._step("media", lambda: page.evaluate(MEDIA_JS)):
            waits.append(f"media: {media} paused at the start")
        if settings.wait_for:
            selector = settings.wait_for
            self._timed(f"wait_for {selector!r}", lambda: page.wait_for_selector(selector, state="visible", timeout=self.timeout_ms), waits)
        if settings.script:
            script = bounded(call(settings.script), self.timeout_ms)
            self._timed("script", lambda: page.evaluate(script), waits)

    def _timed(self, name: str, action: Any, waits: list[str]) -> Any:
        t0 = time.monotonic()
        result = self._step(name, action)
        waits.append(f"{name} {_ms(t0)}")
        return result

    def close(self) -> None:
        for context, _, _ in self._pages.values():
            try:
                context.close()
            except Exception:
                pass  # the browser may already be gone (Ctrl-C); nothing to save here
        self._pages.clear()
        self._last = None

    def _page_for(self, device: tuple[float, bool, bool], frozen: bool) -> tuple[BrowserContext, Page, _Log]:
        """One context per device and clock mode (a frozen clock cannot be unfrozen)."""
        key = (*device, frozen)
        if key not in self._pages:
            scale, mobile, touch = device
            context = self.browser.new_context(
                device_scale_factor=scale,
                is_mobile=mobile,
                has_touch=touch,
                reduced_motion="reduce",
                color_scheme="light",
                locale="en-US",
                timezone_id="UTC",
                service_workers="block",
            )
            context.set_default_timeout(self.timeout_ms)
            log = _Log(allowed=self.allow_origins)
            context.route("**/*", lambda route: _filter(route, log))
            page = context.new_page()
            page.on("pageerror", lambda err: log.errors.append(f"uncaught: {str(err).splitlines()[0]}"))
            page.on("console", lambda msg: msg.type == "error" and log.errors.append(msg.text.splitlines()[0]))
            page.on("dialog", lambda dialog: dialog.dismiss())
            page.on("response", lambda r: _note_status(r, page, log))
            self._pages[key] = (context, page, log)
        return self._pages[key]

    def _step(self, name: str, action: Any) -> Any:
        try:
            return action()
        except CaptureError:
            raise
        except Exception as err:
            text = str(err).splitlines()[0] if str(err) else type(err).__name__
            text = re.sub(r"^\w+\.\w+: ", "", text)  # "Page.goto: net::ERR_…" -> "net::ERR_…"
            if "Timeout" in type(err).__name__ or "Timeout" in text:
                raise CaptureError(f"step '{name}' timed out after {self.timeout_ms / 1000:g} s") from None
            raise CaptureError(f"step '{name}' failed: {text}") from None


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


def _note_status(response: Any, page: Page, log: _Log) -> None:
    if response.request.is_navigation_request() and response.frame == page.main_frame:
        log.status = response.status


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _filter(route: Route, log: _Log) -> None:
    """Let the page's own origin (and allowed ones) through; record and abort the rest."""
    url = route.request.url
    origin = _origin(url)
    if origin == log.origin or origin in log.allowed or url.startswith(("data:", "blob:")):
        route.continue_()
    else:
        log.blocked.append(url)
        route.abort("blockedbyclient")
