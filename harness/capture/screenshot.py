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

A capture beyond the viewport (either kind) briefly resizes the view, so ``srcset`` and
``<picture>`` choose again, and an image that failed (refused by the harness, missing) is
asked for anew: a failure is not kept in the memory cache. Until that request fails too,
the image is neither loaded nor broken, and draws nothing where it drew the broken-image
icon. The harness refuses requests in Playwright's route handler, in this process: on a
busy machine the answer can come after the capture's frame, so one page gave two
screenshots. ``refuse`` has Chromium itself refuse those addresses, in the renderer, at
once, so that every capture sees those images broken, as they are.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harness.config import values

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


def full_page_area(page: Page, viewport: ViewportSize, max_height: int, scale: float = 1) -> Area:
    """The full page, cut as ``capped`` says."""
    return capped(page.evaluate(PAGE_SIZE_JS), viewport, max_height, scale)[0]


def capped(size: Any, viewport: ViewportSize, max_height: int, scale: float = 1) -> tuple[Area, list[str]]:
    """The full page, or the part of it a capture may hold, and a note for each cut:

    - at most ``max_height`` px tall, then viewport-wide (as the slow path clips it);
    - at most MAX_CAPTURE_WIDTH px wide (a page 20 000 px wide is broken already);
    - at most MAX_PIXELS image pixels in all, so every PNG written can be read back.

    ``size`` is what the page answered (untrusted): anything but finite numbers is taken
    as the viewport."""
    width, height = (_px(size, key, viewport[key]) for key in ("width", "height"))
    notes = []
    w = min(width, max(viewport["width"], values.MAX_CAPTURE_WIDTH))
    if w < width:
        notes.append(f"page is {width} px wide; captured the left {w} px")
    room = int(values.MAX_PIXELS / (w * scale * scale)) if w else height
    h = min(height, max_height, room)
    if h < height:
        if height > max_height:
            w = min(viewport["width"], w)
            h = min(max_height, int(values.MAX_PIXELS / (w * scale * scale)) if w else max_height)
        notes.append(f"page is {height} px tall; captured the top {h} px")
    return Area(w, h), notes


def _px(size: Any, key: str, default: int) -> int:
    value = size.get(key) if isinstance(size, dict) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 1:
        return default
    return int(value)


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


def refuse(session: CDPSession, urls: tuple[str, ...]) -> bool:
    """From now on the page's own requests for ``urls`` fail at once, as refused ones do
    (``net::ERR_BLOCKED_BY_CLIENT``), without a round trip to the harness; () ends that.
    False if this Chromium cannot (the page is then captured as before).

    The check runs in the renderer only while the session's Network domain is enabled
    (without it, the refusal comes later, from the browser, and can still lose the race).
    It is enabled without buffers: nothing here reads the requests' bodies. ``urls`` is
    deprecated in favour of ``urlPatterns``, whose syntax would need every address escaped.
    """
    try:
        if urls:
            session.send("Network.enable", {"maxTotalBufferSize": 0, "maxResourceBufferSize": 0})
            session.send("Network.setBlockedURLs", {"urls": list(urls)})
        else:
            session.send("Network.setBlockedURLs", {"urls": []})
            session.send("Network.disable")
    except Exception:
        return False  # another protocol version; a page that is gone fails the next step anyway
    return True
