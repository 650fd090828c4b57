"""The fast capture paths give the pixels of the plain ones: resizing a loaded page
instead of loading it again, the DevTools screenshot instead of Playwright's, and
scrolling only pages that load content as the reader scrolls."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from helpers import make_project, run_cli
from PIL import Image

from harness.capture.server import PageServer
from harness.capture.shoot import Capture, Capturer
from harness.config.page_settings import PageSettings

pytestmark = pytest.mark.browser

TOUCH = (1.0, False, True)
WIDTHS = (360, 700, 1100, 1500)


def png_of(colour: tuple[int, int, int], size: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (size, size // 2), colour).save(buf, "PNG")
    return buf.getvalue()


# A page that reflows at each width: media queries, a grid, and srcset picking another image.
RESPONSIVE = """<!doctype html><html><head><style>
body { margin: 0; font: 16px/1.4 sans-serif; }
main { display: grid; gap: 12px; padding: 8px; }
@media (min-width: 640px) { main { grid-template-columns: 2fr 1fr; } h1 { font-size: 32px; } }
@media (min-width: 1024px) { main { grid-template-columns: 1fr 3fr 1fr; } body { background: #eef; } }
img { width: 100%; height: auto; display: block; }
</style></head><body><main>
<h1>Headline that wraps differently at every width of the page</h1>
<img srcset="small.png 400w, big.png 1600w" sizes="(min-width: 1024px) 60vw, 100vw" alt="">
<img srcset="http://other.invalid/a.jpg 300w, http://other.invalid/b.jpg 900w, http://other.invalid/c.jpg 1800w"
     sizes="(min-width: 640px) 50vw, 100vw" alt="" style="height:20px">
<p>""" + "Body text that reflows. " * 120 + """</p>
<aside>Related stories</aside></main></body></html>"""

READS_WIDTH_AT_LOAD = """<!doctype html><html><body style="margin:0">
<div id="w" style="height:40px;background:#c00"></div>
<script>document.getElementById('w').style.width = (innerWidth / 2) + 'px';</script>
<div style="height:1500px"></div></body></html>"""

# Content far down the page appears only once an IntersectionObserver sees its slot.
OBSERVED = """<!doctype html><html><body style="margin:0">
<div style="height:2500px"></div><div id="slot" style="height:100px"></div>
<script>
new IntersectionObserver((entries, seen) => {
  if (entries.some(e => e.isIntersecting)) { document.getElementById('slot').style.background = '#0a0'; seen.disconnect(); }
}).observe(document.getElementById('slot'));
</script></body></html>"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    for name, body in (("responsive", RESPONSIVE), ("reads-width", READS_WIDTH_AT_LOAD), ("observed", OBSERVED)):
        (root / f"{name}.html").write_text(body)
    (root / "small.png").write_bytes(png_of((200, 40, 40), 400))
    (root / "big.png").write_bytes(png_of((40, 40, 200), 1600))
    return root


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def series(browser, url: str, settings: PageSettings, widths=WIDTHS) -> list[Capture]:  # type: ignore[no-untyped-def]
    """One capturer, one page, every width in turn, as a run takes them."""
    capturer = Capturer(browser)
    try:
        return [capturer.capture(url, w, 800, TOUCH, settings) for w in widths]
    finally:
        capturer.close()


def test_resizing_a_loaded_page_gives_the_pixels_of_loading_it_at_each_width(browser, site: Path) -> None:
    with PageServer(site) as server:
        url = server.url_for("responsive.html")
        resized = series(browser, url, PageSettings())
        fresh = series(browser, url, PageSettings(fresh=True))
    assert ["resized" in " ".join(c.waits) for c in resized] == [False, True, True, True]
    assert not any("resized" in " ".join(c.waits) for c in fresh)
    for width, a, b in zip(WIDTHS, resized, fresh):
        got, expected = pixels(a.png), pixels(b.png)
        assert got.shape == expected.shape and got.shape[1] == width
        assert (got == expected).all(), f"{width} px: resizing changed {int((got != expected).any(axis=2).sum())} pixels"
    wide = pixels(resized[-1].png)
    assert (wide[..., 2] > 150).any() and (pixels(resized[0].png)[..., 0] > 150).any()  # srcset chose again


def test_fresh_loads_again_for_a_page_that_reads_the_width_only_at_load(browser, site: Path) -> None:
    def box_width(capture: Capture) -> int:
        row = pixels(capture.png)[5]
        return int(((row[:, 0] > 150) & (row[:, 1] < 100)).sum())  # the red box

    with PageServer(site) as server:
        url = server.url_for("reads-width.html")
        stale = series(browser, url, PageSettings(), (400, 1000))
        fresh = series(browser, url, PageSettings(fresh=True), (400, 1000))
    assert [box_width(c) for c in fresh] == [200, 500]
    assert [box_width(c) for c in stale] == [200, 200]  # why the setting exists


def test_the_devtools_screenshot_has_playwrights_pixels_and_keeps_touch(browser, site: Path) -> None:
    with PageServer(site) as server:
        capturer = Capturer(browser)
        try:
            shot = capturer.capture(server.url_for("responsive.html"), 700, 600, TOUCH, PageSettings())
            page = capturer._pages[capturer._current][1]
            playwright = page.screenshot(full_page=True, animations="disabled", caret="hide")
            touch = page.evaluate("navigator.maxTouchPoints > 0 && matchMedia('(pointer: coarse)').matches")
        finally:
            capturer.close()
    ours, theirs = pixels(shot.png), pixels(playwright)
    assert ours.shape == theirs.shape and ours.shape[0] > 600  # beyond the viewport
    assert (ours == theirs).all()
    assert touch, "capturing beyond the viewport must not leave touch emulation off"


def test_only_a_page_that_loads_as_the_reader_scrolls_is_scrolled(browser, site: Path) -> None:
    with PageServer(site) as server:
        observed = series(browser, server.url_for("observed.html"), PageSettings(), (800,))[0]
        still = series(browser, server.url_for("responsive.html"), PageSettings(), (800,))[0]
    assert any("scrolled" in w and "0 screens" not in w for w in observed.waits), observed.waits
    assert tuple(pixels(observed.png)[2550, 10][:3]) == (0, 170, 0)  # the observer fired: its slot is filled
    assert not any("scrolled" in w for w in still.waits), still.waits


def test_the_fast_and_the_plain_path_give_the_same_verdicts(tmp_path: Path) -> None:
    """HARNESS_FAST=0 (a load per viewport, Playwright's screenshot, judging inline) is the
    reference: same statuses, same differing pixel counts, new shots, passes and failures."""
    root = make_project(tmp_path / "proj")
    shutil.copy(root / "pages/home.html", root / "pages/about.html")
    assert run_cli("check", "--update", "missing", "--page", "home", cwd=root).returncode == 0
    with (root / "pages/home.css").open("a") as css:
        css.write("\n@media (min-width: 700px) { h1 { margin-top: 5px; } }\n")
    verdicts = {}
    for fast in ("1", "0"):
        done = run_cli("check", "--output-dir", f"out{fast}", cwd=root, env={"HARNESS_FAST": fast})
        assert done.returncode == 1, done.stderr
        shots = json.loads((root / f"out{fast}/results.json").read_text())["shots"]
        verdicts[fast] = {(s["page"], s["breakpoint"]): (s["status"], s["mismatched"], s["regions"]) for s in shots}
    assert verdicts["1"] == verdicts["0"]
    assert sorted(v[0] for v in verdicts["1"].values()) == ["fail", "fail", "new", "new", "new", "pass"]


ASK_AGAIN_JS = """url => new Promise(done => { const img = new Image(); img.onload = img.onerror = done; img.src = url; })"""


def test_an_image_that_failed_is_refused_by_chromium_itself_when_asked_for_again(browser, site: Path) -> None:
    """A capture beyond the viewport briefly resizes the view, and ``srcset`` asks again for
    an image that failed. Were that request left to the harness's route handler, a busy
    machine could answer after the capture's frame, which would show the image half-way
    (without its broken-image icon): one page, two screenshots. Chromium refuses it
    itself, at once, so the handler never sees it again."""
    with PageServer(site) as server:
        capturer = Capturer(browser)
        try:
            first = capturer.capture(server.url_for("responsive.html"), 360, 800, TOUCH, PageSettings())
            _, page, log = capturer._pages[capturer._current]
            broken = next(url for url in log.blocked if url.endswith("/b.jpg"))
            seen = log.blocked.count(broken)
            page.evaluate(ASK_AGAIN_JS, broken)
            again = [capturer.again() for _ in range(3)]
            assert log.blocked.count(broken) == seen, log.blocked
        finally:
            capturer.close()
    assert all((pixels(png) == pixels(first.png)).all() for png in again)
