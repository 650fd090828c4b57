"""Loading a page at a viewport, making it hold still, and taking the screenshot.

One browser context per device setting (scale, mobile, touch) is kept for the whole
run; each shot resizes its page and navigates afresh, so scripts that read the width at
load see the right one. Every step has a timeout and a name, so a page that hangs
becomes a clear per-shot error instead of a hung run.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from harness.errors import HarnessError

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Route

# The moment the seed article was published: pages that print "x years ago" stay put.
FROZEN_TIME = dt.datetime(2013, 9, 12, 20, 51, tzinfo=dt.timezone.utc)
STEP_TIMEOUT_MS = 30_000
MAX_HEIGHT = 20_000

STILL_CSS = """
*, *::before, *::after {
  animation-delay: -1ms !important; animation-duration: 0s !important;
  animation-iteration-count: 1 !important; animation-play-state: paused !important;
  transition: none !important; caret-color: transparent !important; scroll-behavior: auto !important;
}
"""

# Resolve once fonts are loaded and every <img> has loaded (or failed) and is decoded,
# then wait two frames so layout and paint have caught up.
READY_JS = """async () => {
  await document.fonts.ready;
  await Promise.all(Array.from(document.images, img => (img.complete
      ? Promise.resolve()
      : new Promise(done => { img.addEventListener('load', done); img.addEventListener('error', done); })
    ).then(() => img.decode ? img.decode().catch(() => {}) : null)));
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  return Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0);
}"""


class CaptureError(HarnessError):
    """The page could not be captured; the message names the step."""


@dataclass
class Capture:
    png: bytes
    height: int  # the page's full height in CSS px before any cap
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Log:
    origin: str = ""
    allowed: tuple[str, ...] = ()
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    status: int = 0  # HTTP status of the last main-document response


class Capturer:
    """Takes screenshots with one browser; ``close()`` when done."""

    def __init__(
        self,
        browser: Browser,
        allow_origins: tuple[str, ...] = (),
        timeout_ms: int = STEP_TIMEOUT_MS,
        max_height: int = MAX_HEIGHT,
    ) -> None:
        self.browser = browser
        self.allow_origins = allow_origins
        self.timeout_ms = timeout_ms
        self.max_height = max_height
        self._pages: dict[tuple[float, bool, bool], tuple[BrowserContext, Page, _Log]] = {}

    def capture(self, url: str, width: int, height: int, device: tuple[float, bool, bool]) -> Capture:
        context, page, log = self._page_for(device)
        log.origin = _origin(url)
        log.blocked, log.errors = [], []
        log.status = 0
        page.set_viewport_size({"width": width, "height": height})
        try:
            self._step("load", lambda: page.goto(url, wait_until="load", timeout=self.timeout_ms))
        except CaptureError as err:
            raise CaptureError(_explain_load_failure(url, log.status, str(err))) from None
        if log.status >= 400:
            raise CaptureError(_explain_load_failure(url, log.status, ""))
        self._step("style", lambda: page.add_style_tag(content=STILL_CSS))
        full_height = int(self._step("fonts and images", lambda: page.evaluate(READY_JS)))
        notes = []
        options: dict[str, Any] = {"full_page": True, "animations": "disabled", "caret": "hide", "type": "png"}
        if full_height > self.max_height:
            options["clip"] = {"x": 0, "y": 0, "width": width, "height": self.max_height}
            notes.append(f"page is {full_height} px tall; captured the top {self.max_height} px")
        png = self._step("screenshot", lambda: page.screenshot(timeout=self.timeout_ms, **options))
        return Capture(png, full_height, list(log.blocked), list(log.errors), notes)

    def close(self) -> None:
        for context, _, _ in self._pages.values():
            try:
                context.close()
            except Exception:
                pass  # the browser may already be gone (Ctrl-C); nothing to save here
        self._pages.clear()

    def _page_for(self, device: tuple[float, bool, bool]) -> tuple[BrowserContext, Page, _Log]:
        if device not in self._pages:
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
            page.clock.set_fixed_time(FROZEN_TIME)
            page.on("pageerror", lambda err: log.errors.append(f"uncaught: {str(err).splitlines()[0]}"))
            page.on("console", lambda msg: msg.type == "error" and log.errors.append(msg.text.splitlines()[0]))
            page.on("dialog", lambda dialog: dialog.dismiss())
            page.on("response", lambda r: _note_status(r, page, log))
            self._pages[device] = (context, page, log)
        return self._pages[device]

    def _step(self, name: str, action: Any) -> Any:
        try:
            return action()
        except Exception as err:
            text = str(err).splitlines()[0] if str(err) else type(err).__name__
            text = re.sub(r"^\w+\.\w+: ", "", text)  # "Page.goto: net::ERR_…" -> "net::ERR_…"
            if "Timeout" in type(err).__name__ or "Timeout" in text:
                raise CaptureError(f"step '{name}' timed out after {self.timeout_ms / 1000:g} s") from None
            raise CaptureError(f"step '{name}' failed: {text}") from None


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
