"""The fast full-page screenshot: the DevTools protocol's ``Page.captureScreenshot``
with ``optimizeForSpeed``.

Chromium's PNG encoding is the largest single cost of a shot; ``optimizeForSpeed`` makes
it several times cheaper (larger files, the same pixels). Everything else mirrors what
Playwright's own full-page screenshot sends (the page size it measures, the clip, the
touch emulation it restores), so the pixels are the same as ``page.screenshot``'s:
``tests/test_fast_capture.py`` checks that on a page, and ``benchmarks/bench_check.py``
on every bundled page. Carets and animations are already held still by the harness's
own style sheet, which Playwright's screenshot would otherwise add.

It serves the common case only (a full page, no mask, no element clip);
the capture falls back to ``page.screenshot`` for the rest, and wherever the protocol is
not available.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import CDPSession, Page, ViewportSize

# Playwright's own measure of the full page (server/screenshotter's _fullPageSize).
PAGE_SIZE_JS = """() => {
  const b = document.body, d = document.documentElement;
  if (!b || !d) return null;
  return {
    width: Math.max(b.scrollWidth, d.scrollWidth, b.offsetWidth, d.offsetWidth, b.clientWidth, d.clientWidth),
    height: Math.max(b.scrollHeight, d.scrollHeight, b.offsetHeight, d.offsetHeight, b.clientHeight, d.clientHeight),
  };
}"""


@dataclass(frozen=True)
class Area:
    """The part of the page to capture, in CSS px from the document's top left."""

    width: int
    height: int

    def fits(self, viewport: ViewportSize) -> bool:
        return self.width <= viewport["width"] and self.height <= viewport["height"]


def full_page_area(page: Page, viewport: ViewportSize, max_height: int) -> Area:
    """The full page, or its top ``max_height`` px, viewport-wide (as the slow path clips it)."""
    size = page.evaluate(PAGE_SIZE_JS) or viewport
    if size["height"] > max_height:
        return Area(min(viewport["width"], size["width"]), max_height)
    return Area(size["width"], size["height"])


def capture_png(session: CDPSession, where: Area, viewport: ViewportSize, has_touch: bool) -> bytes:
    """One PNG of ``where``, encoded for speed."""
    beyond = not where.fits(viewport)
    params: dict[str, Any] = {
        "format": "png",
        "clip": {"x": 0, "y": 0, "width": where.width, "height": where.height, "scale": 1},
        "captureBeyondViewport": beyond,
        "optimizeForSpeed": True,
    }
    data = session.send("Page.captureScreenshot", params)["data"]
    if beyond and has_touch:  # capturing beyond the viewport switches touch emulation off
        session.send("Emulation.setTouchEmulationEnabled", {"enabled": True})
    return base64.b64decode(data)
