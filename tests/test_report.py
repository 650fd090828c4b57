"""The HTML report: built from a fake run (no page rendering), checked in Chromium from file://."""

from __future__ import annotations

import http.server
import json
import re
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

from harness.report.build import THUMB_CACHE, make_thumbnail, write_report
from harness.results import Results, ShotResult

PAGES = ["alpha", "bravo", "charlie"]
# Deliberately not in width order: the report sorts columns by viewport width.
BREAKPOINTS = [
    {"name": "desktop", "min_width": 1024, "max_width": None, "viewport": {"width": 1280, "height": 800}, "media": "(min-width: 1024px)"},
    {"name": "phone", "min_width": 0, "max_width": 639, "viewport": {"width": 375, "height": 812}, "media": "(max-width: 639px)", "is_mobile": True, "has_touch": True},
    {"name": "tablet", "min_width": 768, "max_width": 1023, "viewport": {"width": 800, "height": 1024}, "media": "(min-width: 768px) and (max-width: 1023px)"},
    {"name": "small-tablet", "min_width": 640, "max_width": 767, "viewport": {"width": 640, "height": 900}, "media": "(min-width: 640px) and (max-width: 767px)"},
]
WIDTH_ORDER = ["phone", "small-tablet", "tablet", "desktop"]
FAIL, NEW, ERROR = "bravo/tablet", "charlie/phone", "charlie/desktop"
REVIEW_ORDER = [FAIL, NEW, ERROR]  # page order, then breakpoint width order
REGIONS = [[40, 600, 120, 80], [200, 100, 150, 60]]
W, H = 400, 900


def _page_image(page: int, bp: int, height: int = H, changed: bool = False) -> Image.Image:
    im = Image.new("RGB", (W, height), (250, 250, 248))
    d = ImageDraw.Draw(im)
    d.rectangle([0, 0, W, 60], fill=(30 + 60 * page, 40, 90 + 40 * bp))  # a masthead
    for i in range(8):
        y = 90 + i * 100
        d.rectangle([20, y, 20 + 150 + 20 * bp, y + 70], fill=(200 - 20 * i, 120 + 10 * page, 80))
        d.rectangle([200, y + 10, 380, y + 20], fill=(60, 60, 60))
    if changed:
        x, y, w, h = REGIONS[0]
        d.rectangle([x, y, x + w - 1, y + h - 1], fill=(20, 160, 220))
        x, y, w, h = REGIONS[1]
        d.rectangle([x, y, x + w - 1, y + h - 1], fill=(240, 200, 0))
    return im


def make_run(root: Path) -> tuple[Results, Path]:
    """A fake run: 3 pages x 4 breakpoints; one fail (2 regions, +60 px tall), one new, one error."""
    output = root / ".harness" / "output"
    baselines = root / "baselines"
    shots: list[ShotResult] = []
    for pi, page in enumerate(PAGES):
        for bi, bp in enumerate(BREAKPOINTS):
            name = bp["name"]
            sid = f"{page}/{name}"
            vp = bp["viewport"]
            base_rel = f"../../baselines/{page}/{name}.png"
            shot = ShotResult(page=page, breakpoint=name, width=vp["width"], height=vp["height"], status="pass",
                              baseline=base_rel, total=W * H, baseline_size=[W, H], actual_size=[W, H], seconds=0.4)
            if sid != NEW:
                (baselines / page).mkdir(parents=True, exist_ok=True)
                _page_image(pi, bi).save(baselines / page / f"{name}.png")
            if sid == FAIL:
                actual = _page_image(pi, bi, height=H + 60, changed=True)
                shot_dir = output / "shots" / page
                shot_dir.mkdir(parents=True, exist_ok=True)
                actual.save(shot_dir / f"{name}.actual.png")
                diff = Image.new("RGB", (W, H + 60), (235, 235, 235))
                dd = ImageDraw.Draw(diff)
                for x, y, w, h in REGIONS:
                    dd.rectangle([x, y, x + w - 1, y + h - 1], fill=(255, 0, 0))
                dd.rectangle([0, H, W, H + 60], fill=(255, 0, 0))
                diff.save(shot_dir / f"{name}.diff.png")
                shot.status = "fail"
                shot.actual = f"shots/{page}/{name}.actual.png"
                shot.diff = f"shots/{page}/{name}.diff.png"
                shot.actual_size = [W, H + 60]
                shot.mismatched = 9600 + 9000 + 24000
                shot.total = W * (H + 60)
                shot.ratio = shot.mismatched / shot.total
                shot.regions = [list(r) for r in REGIONS]
                shot.message = f"{shot.mismatched} px differ (11.094%) in 2 regions; height 900 → 960 px (+60)"
                shot.console_errors = ["Uncaught TypeError: x is undefined"]
                shot.blocked = ["https://ads.example.com/a.js", "https://fonts.example.net/f.woff2"]
            elif sid == NEW:
                shot_dir = output / "shots" / page
                shot_dir.mkdir(parents=True, exist_ok=True)
                _page_image(pi, bi).save(shot_dir / f"{name}.actual.png")
                shot.status = "new"
                shot.actual = f"shots/{page}/{name}.actual.png"
                shot.baseline_size = None
                shot.message = "no baseline yet; accept it with 'harness approve' </script><b>not bold</b>"
            elif sid == ERROR:
                shot.status = "error"
                shot.baseline_size = shot.actual_size = None
                shot.message = "load: http://127.0.0.1:1234/charlie.html answered HTTP 404"
            shots.append(shot)
    results = Results(
        browser={"name": "chromium", "version": "156.0.1", "description": "Chromium 156.0.1 (/usr/bin/chromium)"},
        shots=shots, run_id="abc123", project=str(root), baselines_dir=str(baselines),
        created="2026-05-04T10:20:30Z", breakpoints=[dict(b) for b in BREAKPOINTS],
    )
    output.mkdir(parents=True, exist_ok=True)
    results.write(output)
    return results, output


def _report_of(make: Any, folder: Path) -> Path:
    return write_report(*make(folder))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _report_of(make_run, tmp_path_factory.mktemp("run"))


def _open(page: Any, index: Path, fragment: str = "", width: int = 1280, height: int = 800) -> dict[str, list[str]]:
    """Open the report from file://, recording requests, console errors and page errors."""
    seen: dict[str, list[str]] = {"requests": [], "errors": []}
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("console", lambda m: seen["errors"].append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(f"pageerror: {e}"))
    page.set_viewport_size({"width": width, "height": height})
    page.goto(index.as_uri() + fragment)
    page.wait_for_selector("#grid .cell", state="attached")
    return seen


def _visible_cells(page: Any) -> list[str]:
    return page.eval_on_selector_all(".cell", "cs => cs.filter(c => c.offsetParent !== null).map(c => c.dataset.shot)")


def _shot_title(page: Any) -> str:
    return page.locator("#shot-title").inner_text().replace("\n", " ")


# -- the folder -----------------------------------------------------------------------------


def test_report_folder_is_self_contained(built: Path) -> None:
    report = built.parent
    output = report.parent
    assert built.name == "index.html" and report.name == "report"
    img = sorted(str(p.relative_to(report)) for p in (report / "img").rglob("*.png"))
    assert img == [
        "img/bravo/tablet.actual.png", "img/bravo/tablet.baseline.png", "img/bravo/tablet.diff.png",
        "img/charlie/desktop.baseline.png", "img/charlie/phone.actual.png",
    ]
    # hard links where possible: same inode as the run's file
    assert (report / "img/bravo/tablet.actual.png").stat().st_ino == (output / "shots/bravo/tablet.actual.png").stat().st_ino
    thumbs = list((report / "thumbs").glob("*.jpg"))
    assert len(thumbs) == 12  # every shot, passing ones too (all images differ)
    assert {p.name for p in thumbs} == {p.name for p in (output / THUMB_CACHE).glob("*.jpg")}
    html = built.read_text()
    # nothing from elsewhere: no remote src/href, no CSS url() or @import
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert not re.search(r"""url\(\s*["']?(?:https?:)?//|@import""", html)
    assert "<b>not bold</b>" not in html  # the JSON is escaped for its script block
    data = json.loads(re.search(r'<script type="application/json" id="report-data">(.*?)</script>', html, re.S).group(1))
    assert [b["name"] for b in data["breakpoints"]] == WIDTH_ORDER
    assert [b["range"] for b in data["breakpoints"]] == ["0–639 px", "640–767 px", "768–1023 px", "1024+ px"]


def test_thumbnail_shows_the_top_of_a_tall_page() -> None:
    im = Image.new("RGB", (1000, 6000), (0, 0, 255))
    ImageDraw.Draw(im).rectangle([0, 0, 1000, 1499], fill=(255, 0, 0))
    import io

    buf = io.BytesIO()
    im.save(buf, "PNG")
    jpeg, w, h = make_thumbnail(buf.getvalue())
    thumb = Image.open(io.BytesIO(jpeg))
    assert thumb.format == "JPEG" and thumb.size == (w, h) == (200, 300)
    r, g, b = thumb.convert("RGB").getpixel((100, 150))
    assert r > 200 and b < 60  # the top (red), not a squashed whole page
    r, g, b = thumb.convert("RGB").getpixel((100, 299))
    assert r > 200


def test_second_build_decodes_nothing_and_drops_stale_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    results, output = make_run(tmp_path)
    write_report(results, output)
    cache = output / THUMB_CACHE
    mtimes = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.jpg")}
    stale_img = output / "report" / "img" / "gone" / "old.actual.png"
    stale_img.parent.mkdir(parents=True)
    stale_img.write_bytes(b"x")
    (output / "report" / "thumbs" / "old.jpg").write_bytes(b"x")
    (cache / "0123456789abcdef0123.jpg").write_bytes(b"x")

    opened: list[Any] = []
    real_open = Image.open
    monkeypatch.setattr(Image, "open", lambda *a, **k: opened.append(a) or real_open(*a, **k))
    write_report(results, output)
    assert opened == []
    assert {p.name: p.stat().st_mtime_ns for p in cache.glob("*.jpg")} == mtimes
    assert not stale_img.exists() and not stale_img.parent.exists()
    assert not (output / "report" / "thumbs" / "old.jpg").exists()
    assert not (cache / "0123456789abcdef0123.jpg").exists()
    assert len(list((output / "report" / "thumbs").glob("*.jpg"))) == 12


# -- the page --------------------------------------------------------------------------------


@pytest.mark.browser
def test_grid_shows_every_shot_in_width_order(page: Any, built: Path) -> None:
    _open(page, built)
    page.click(".chip[data-status=pass]")
    assert sorted(_visible_cells(page)) == sorted(f"{p}/{b}" for p in PAGES for b in WIDTH_ORDER)
    heads = page.eval_on_selector_all("thead .colhead", "hs => hs.map(h => h.dataset.bp)")
    assert heads == WIDTH_ORDER
    # a short label with the width, then the range
    assert page.locator("thead .colhead[data-bp=desktop]").inner_text().split("\n") == ["desktop ·\u00a01280", "1024+ px"]
    for p in PAGES:
        row = page.eval_on_selector_all(f"tr[data-page={p}] .cell", "cs => cs.map(c => c.dataset.shot)")
        assert row == [f"{p}/{b}" for b in WIDTH_ORDER if f"{p}/{b}"]
    assert page.locator(".cell img[loading=lazy]").count() == 12
    labels = {c: page.locator(f'.cell[data-shot="{c}"] .cell__status').inner_text() for c in (FAIL, NEW, ERROR, "alpha/phone")}
    assert labels == {FAIL: "✕\u00a0fail", NEW: "+\u00a0new", ERROR: "!\u00a0error", "alpha/phone": "✓\u00a0pass"}


@pytest.mark.browser
def test_status_filter_hides_and_shows_passing(page: Any, built: Path) -> None:
    _open(page, built)
    chip = page.locator(".chip[data-status=pass]")
    assert chip.get_attribute("aria-pressed") == "false"  # hide passing is the default when anything failed
    assert sorted(_visible_cells(page)) == sorted(REVIEW_ORDER)
    chip.click()
    assert chip.get_attribute("aria-pressed") == "true"
    assert len(_visible_cells(page)) == 12
    chip.click()
    assert sorted(_visible_cells(page)) == sorted(REVIEW_ORDER)
    page.locator(".chip[data-status=fail]").click()
    assert sorted(_visible_cells(page)) == sorted([NEW, ERROR])
    page.select_option("#filter-bp", "phone")
    assert _visible_cells(page) == [NEW]
    # the columns and rows with nothing to show are hidden too
    assert page.eval_on_selector_all("thead .colhead", "hs => hs.filter(h => h.offsetParent).map(h => h.dataset.bp)") == ["phone"]


@pytest.mark.browser
def test_swipe_slider_and_blink_change_what_is_shown(page: Any, built: Path) -> None:
    _open(page, built, f"#shot={FAIL}")
    page.keyboard.press("2")
    top = page.locator(".canvas .top-wrap")
    before = top.evaluate("e => e.style.clipPath")
    assert before == "inset(0px 50% 0px 0px)"
    slider = page.get_by_label("Swipe: the divider between the baseline (left) and the actual (right)")
    slider.focus()
    page.keyboard.press("End")  # arrows/Home/End move the slider, not the shot
    assert top.evaluate("e => e.style.clipPath") == "inset(0px 0% 0px 0px)"
    assert page.locator(".divider").evaluate("e => e.style.left") == "100%"
    assert FAIL.replace("/", " @ ") in _shot_title(page).replace(" at ", " ")

    page.keyboard.press("4")
    shown = page.locator("#blink-state b")
    first = shown.inner_text()
    page.wait_for_function("f => document.querySelector('#blink-state b').textContent !== f", arg=first, timeout=5000)
    page.locator("#blink-toggle").click()  # pause
    paused = shown.inner_text()
    visibility = top.evaluate("e => e.style.visibility")
    assert visibility == ("visible" if paused == "Actual" else "hidden")
    page.wait_for_timeout(700)
    assert shown.inner_text() == paused


@pytest.mark.browser
def test_zoom_to_region_scrolls_and_highlights_it(page: Any, built: Path) -> None:
    _open(page, built, f"#shot={FAIL}")
    pane = page.locator(".pane__scroll").first
    assert pane.evaluate("e => e.scrollTop") == 0
    page.locator(".region[data-region='0']").click()
    x, y, w, h = REGIONS[0]
    got = pane.evaluate("""e => {
        const c = e.querySelector('.canvas'), hl = e.querySelector('.hl');
        return {scale: parseFloat(c.style.width) / 400, top: e.scrollTop, left: e.scrollLeft, viewH: e.clientHeight,
                hl: [hl.style.left, hl.style.top, hl.style.width, hl.style.height].map(parseFloat), hidden: hl.hidden};
    }""")
    scale = got["scale"]
    assert scale > 1.5  # zoomed in on a 120x80 box
    assert not got["hidden"]
    assert got["hl"] == pytest.approx([x * scale, y * scale, w * scale, h * scale], abs=1)
    assert got["top"] > 0
    # the region's centre is in the middle of the view
    assert got["top"] + got["viewH"] / 2 == pytest.approx((y + h / 2) * scale, abs=2)
    # both panes of the side-by-side view (baseline | actual) show the same place: a region is where the pixels differ
    assert page.eval_on_selector_all(".pane__scroll", "ps => ps.map(p => p.scrollTop)") == [got["top"]] * 2
    assert page.locator(".region[data-region='0']").get_attribute("aria-pressed") == "true"
    page.click(".seg--zoom [data-zoom=fit]")
    assert pane.evaluate("e => parseFloat(e.querySelector('.canvas').style.width)") <= 400


@pytest.mark.browser
def test_keyboard_moves_between_shots_to_review(page: Any, built: Path) -> None:
    _open(page, built)
    page.keyboard.press("j")
    seen = [page.evaluate("decodeURIComponent(location.hash)")]
    for key in ("j", "j", "j", "k", "ArrowLeft", "ArrowRight"):
        page.keyboard.press(key)
        seen.append(page.evaluate("decodeURIComponent(location.hash)"))
    ids = [h.removeprefix("#shot=") for h in seen]
    assert ids == [FAIL, NEW, ERROR, ERROR, NEW, FAIL, NEW]
    assert page.locator("#shot-view").is_visible()
    assert "charlie" in _shot_title(page) and "phone" in _shot_title(page)
    assert page.locator("#shot-pos").inner_text() == "2 of 3"
    assert "No baseline yet" in page.locator("#viewer-notice").inner_text()
    page.keyboard.press("?")
    assert page.locator("#help").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#help").is_visible()
    page.keyboard.press("Escape")
    page.wait_for_selector("#grid-view:not([hidden])")
    assert page.locator("#shot-view").is_hidden()
    assert page.evaluate("document.activeElement.dataset.shot") == NEW


@pytest.mark.browser
def test_nothing_is_requested_from_the_network(page: Any, built: Path) -> None:
    seen = _open(page, built)
    page.click(".chip[data-status=pass]")
    page.locator("#grid-scroll").evaluate("e => e.scrollTo(e.scrollWidth, e.scrollHeight)")
    for sid in REVIEW_ORDER:
        page.goto(built.as_uri() + f"#shot={sid}")
        for key in "12345":
            page.keyboard.press(key)
        page.wait_for_load_state("load")
    page.wait_for_timeout(200)
    assert seen["requests"], "the page loaded no images at all"
    assert all(url.startswith("file://") for url in seen["requests"]), seen["requests"]
    assert any("/thumbs/" in u for u in seen["requests"]) and any("/img/" in u for u in seen["requests"])


@pytest.mark.browser
def test_no_console_errors_or_page_errors(page: Any, built: Path) -> None:
    seen = _open(page, built)
    page.click(".chip[data-status=pass]")
    page.locator('.cell[data-shot="alpha/phone"]').click()  # a passing shot
    assert "Passed" in page.locator("#viewer-notice").inner_text()
    page.keyboard.press("Escape")
    page.locator(f'.cell[data-shot="{FAIL}"]').click()
    for key in "12345z":
        page.keyboard.press(key)
    page.keyboard.press("r")
    page.keyboard.press("r")
    page.set_viewport_size({"width": 820, "height": 1180})
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert "HTTP 404" in page.locator("#shot-message").inner_text()
    page.keyboard.press("?")
    page.keyboard.press("Escape")
    page.wait_for_timeout(100)
    assert seen["errors"] == []


@pytest.mark.browser
def test_phone_width_has_no_page_overflow(page: Any, built: Path) -> None:
    overflow = "document.documentElement.scrollWidth <= window.innerWidth"
    _open(page, built, f"#shot={FAIL}", width=768, height=1024)  # a portrait tablet first
    assert page.evaluate(overflow)
    page.keyboard.press("Escape")
    page.click(".chip[data-status=pass]")
    assert page.evaluate(overflow)
    page.set_viewport_size({"width": 375, "height": 812})
    assert page.evaluate(overflow)
    grid = page.locator("#grid-scroll")
    assert grid.evaluate("e => e.scrollWidth > e.clientWidth")  # the grid scrolls inside its box
    page.locator(f'.cell[data-shot="{FAIL}"]').click()
    assert page.evaluate(overflow)
    panes = page.eval_on_selector_all(".pane", "ps => ps.map(p => p.getBoundingClientRect().left)")
    assert len(panes) == 2 and len(set(round(x) for x in panes)) == 1  # baseline | actual, stacked on a phone
    page.locator("#view-buttons [data-view=swipe]").click()
    assert page.evaluate(overflow)
    page.locator(".region[data-region='1']").click()
    assert page.evaluate(overflow)
    sizes = page.eval_on_selector_all(
        "button:not([hidden]), a.cell, select, input",
        "es => es.filter(e => e.offsetParent).map(e => [e.textContent.trim() || e.id, e.getBoundingClientRect().height])",
    )
    assert [s for s in sizes if s[1] < 24] == []


@pytest.mark.browser
def test_a_status_the_page_does_not_know_is_shown_by_name(page: Any, tmp_path: Path) -> None:
    results, output = make_run(tmp_path)
    odd = next(s for s in results.shots if s.id == "alpha/tablet")
    odd.status, odd.message = "unstable", "never settled: 4 screenshots in a row differed"
    seen = _open(page, write_report(results, output))
    assert page.locator(".chip[data-status=unstable] .chip__n").inner_text() == "1"
    assert page.locator('.cell[data-shot="alpha/tablet"] .cell__status').inner_text() == "≈\u00a0unstable"
    page.keyboard.press("j")  # it needs a look too, and comes first
    assert page.evaluate("decodeURIComponent(location.hash)") == "#shot=alpha/tablet"
    assert "never settled" in page.locator("#shot-message").inner_text()
    assert seen["errors"] == []


@pytest.mark.browser
def test_a_big_run_loads_only_the_thumbnails_in_view(page: Any, tmp_path: Path) -> None:
    """20 pages x 14 breakpoints: the grid is built at once, the thumbnails load as they scroll in."""
    output = tmp_path / "out"
    bps = [{"name": f"bp-{i:02d}", "min_width": 100 * i, "max_width": 100 * i + 99,
            "viewport": {"width": 100 * i + 50, "height": 800}, "media": ""} for i in range(14)]
    shots = []
    for p in range(20):
        for i, bp in enumerate(bps):
            rel = f"base/p{p}/{bp['name']}.png"
            (output / rel).parent.mkdir(parents=True, exist_ok=True)
            Image.new("RGB", (60, 90), (p * 12, i * 18, 100)).save(output / rel)
            shots.append(ShotResult(page=f"page-{p:02d}", breakpoint=bp["name"], width=100 * i + 50, height=800,
                                    status="pass", baseline=rel, baseline_size=[60, 90], actual_size=[60, 90]))
    index = write_report(Results(browser={"name": "chromium"}, shots=shots, breakpoints=bps), output)
    assert len(list((output / "report" / "thumbs").glob("*.jpg"))) == 280
    seen = _open(page, index)
    assert page.locator(".cell").count() == 280
    page.wait_for_timeout(300)
    loaded = [u for u in seen["requests"] if "/thumbs/" in u]
    assert 0 < len(loaded) <= 160  # about the first screens, not all 280
    count = "() => [...document.querySelectorAll('.cell img')].filter(i => i.complete && i.naturalWidth).length"
    assert page.evaluate(count) == len(loaded)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # no nested scroll: the page itself scrolls
    page.wait_for_function(f"({count})() > {len(loaded)}", timeout=5000)
    assert seen["errors"] == []


# -- review mode -------------------------------------------------------------------------


class _ReviewServer(http.server.ThreadingHTTPServer):
    requests: list[dict[str, Any]]
    answer: tuple[int, dict[str, Any]]


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802
        server: _ReviewServer = self.server  # type: ignore[assignment]
        length = int(self.headers.get("Content-Length") or 0)
        server.requests.append({
            "method": "POST", "path": self.path, "token": self.headers.get("X-Harness-Token"),
            "type": self.headers.get("Content-Type"), "body": json.loads(self.rfile.read(length) or b"null"),
        })
        status, body = server.answer
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


@pytest.fixture
def review_server(built: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "served"
    shutil.copytree(built.parent, folder)
    html = (folder / "index.html").read_text()
    (folder / "index.html").write_text(html.replace('name="harness-review-token" content=""', 'name="harness-review-token" content="s3cret"'))
    handler = lambda *a, **k: _Handler(*a, directory=str(folder), **k)  # noqa: E731
    server = _ReviewServer(("127.0.0.1", 0), handler)
    server.requests = []
    server.answer = (200, {"shots": [{"id": FAIL, "status": "fail", "approved": True, "rejected": False}], "message": "approved bravo/tablet (baseline replaced)"})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.browser
def test_review_mode_approves_in_place(page: Any, review_server: _ReviewServer) -> None:
    url = f"http://127.0.0.1:{review_server.server_address[1]}/index.html"
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(url)
    page.wait_for_selector("#grid .cell", state="attached")
    assert page.locator("#review-hint").inner_text().startswith("Review mode")
    page.evaluate("window.__marker = 'no reload'")
    assert page.locator('.rowhead[data-page="bravo"] [data-approve-all]').inner_text() == "Approve all (1)"
    # a breakpoint's Approve all sits in its own row under the headings, so the headings line up
    assert page.locator('[data-approve-all=breakpoint][data-name="tablet"]').is_visible()
    assert page.locator('[data-approve-all=breakpoint][data-name="desktop"]').is_hidden()  # errors cannot be approved
    heads = page.eval_on_selector_all("thead .colhead", "hs => hs.filter(h => h.offsetParent).map(h => Math.round(h.querySelector('.colhead__range').getBoundingClientRect().bottom))")
    assert len(set(heads)) == 1

    page.locator(f'.cell[data-shot="{FAIL}"]').click()
    approve = page.get_by_role("button", name="Approve", exact=True)
    approve.click()
    # on to the next shot that waits for an answer, saying what was done, beside the buttons (not over the images)
    page.wait_for_function(f"decodeURIComponent(location.hash) === '#shot={NEW}'")
    assert review_server.requests == [{
        "method": "POST", "path": "/api/approve", "token": "s3cret", "type": "application/json", "body": {"shots": [FAIL]},
    }]
    assert page.locator("#live").inner_text() == "approved bravo/tablet (baseline replaced)"
    assert page.locator("#live").get_attribute("aria-live") == "polite"
    assert page.locator("#review-status #live").count() == 1
    assert page.locator("#undo-last").is_visible()
    assert page.evaluate("window.__marker") == "no reload"
    page.keyboard.press("k")
    assert page.locator("#live").inner_text() == ""  # the message does not follow to another shot
    assert page.locator("#shot-badge").inner_text() == "✓\u00a0approved"
    assert page.get_by_role("button", name="Approve", exact=True).is_disabled()
    assert page.get_by_role("button", name="Reject").is_disabled()
    assert page.get_by_role("button", name="Undo approval").is_enabled()
    assert page.locator(".pane[data-pane=new] .pane__head b").inner_text() == "New baseline"  # the approved actual is the baseline now
    page.keyboard.press("Escape")
    assert "is-approved" in page.locator(f'.cell[data-shot="{FAIL}"]').get_attribute("class")
    assert page.locator('.rowhead[data-page="bravo"] [data-approve-all]').is_hidden()

    # an error answer is shown, and nothing changes
    review_server.answer = (409, {"error": "charlie/phone: changed since the run recorded it"})
    page.locator('.rowhead[data-page="charlie"] [data-approve-all]').click()
    page.wait_for_selector("#live.is-error")
    assert "changed since the run recorded it" in page.locator("#live").inner_text()
    assert review_server.requests[-1]["body"] == {"shots": [NEW]}
    assert "is-new" in page.locator(f'.cell[data-shot="{NEW}"]').get_attribute("class")
    assert errors == []


@pytest.mark.browser
def test_without_a_token_there_are_no_approve_buttons(page: Any, built: Path) -> None:
    _open(page, built, f"#shot={FAIL}")
    assert page.locator("[data-action=approve], [data-approve-all]").count() == 0
    assert "harness review" in page.locator("#review-box").inner_text()
    assert "harness approve bravo/tablet" in page.locator("#review-box").inner_text()


# -- explanations and layout findings -----------------------------------------------------

LAYOUT_ONLY = "alpha/phone"  # the pixels match, a layout check fails
WARNED = "bravo/phone"  # passes, with a warning
EXPLAINED = [
    "h1.story__headline moved 4 px down",
    "aside.related moved from right of article.story to below it (width 300 → 1240 px)",
]
SPEC_FAIL = {"kind": "spec", "rule": "aside.related right-of article.story", "severity": "fail",
             "message": "aside.related is below article.story, expected right of it", "box": [100, 600, 120, 80]}
DETECTOR_WARN = {"kind": "breakpoints", "rule": "agreement", "severity": "warn",
                 "message": "page CSS switches at 920 px, breakpoints.yaml says 919", "box": None}
OVERFLOW = {"kind": "lint", "rule": "overflow", "severity": "fail",
            "message": "the document is 412 px wide in a 375 px viewport", "box": [20, 300, 60, 40]}
SMALL_TEXT = {"kind": "lint", "rule": "small-text", "severity": "warn", "message": "figcaption: 11 px text", "box": [10, 20, 30, 10]}


def make_layout_run(root: Path) -> tuple[Results, Path]:
    """The fake run, plus explanations and findings; the phone renders at 2 device pixels per CSS px."""
    results, output = make_run(root)
    for bp in results.breakpoints:
        if bp["name"] == "phone":
            bp["device_scale_factor"] = 2
    shots = {s.id: s for s in results.shots}
    shots[FAIL].explanations = list(EXPLAINED)
    shots[FAIL].findings = [dict(DETECTOR_WARN), dict(SPEC_FAIL)]  # the failing one is listed first all the same
    shots[LAYOUT_ONLY].findings = [dict(OVERFLOW), dict(SMALL_TEXT)]
    shots[WARNED].findings = [{**SMALL_TEXT, "box": None}]
    results.write(output)
    return results, output


@pytest.fixture(scope="module")
def layout_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _report_of(make_layout_run, tmp_path_factory.mktemp("layout"))


def _findings(page: Any) -> list[dict[str, Any]]:
    return page.eval_on_selector_all("#checks-body .finding", """fs => fs.filter(f => f.offsetParent).map(f => ({
        severity: f.querySelector('.sev').textContent, rule: f.querySelector('.finding__rule').textContent,
        message: f.querySelector('.finding__msg').textContent, button: f.tagName === 'BUTTON'}))""")


def test_a_passing_shot_gets_its_screenshot_only_when_a_finding_points_at_it(layout_built: Path) -> None:
    img = layout_built.parent / "img"
    assert (img / "alpha" / "phone.baseline.png").is_file()  # a finding with a box
    assert not (img / "bravo" / "phone.baseline.png").exists()  # a finding without one
    assert not (img / "alpha" / "tablet.baseline.png").exists()  # no findings


@pytest.mark.browser
def test_what_changed_and_layout_checks_are_shown_with_a_failure(page: Any, layout_built: Path) -> None:
    seen = _open(page, layout_built, f"#shot={FAIL}")
    changes = page.locator("#shot-changes")
    assert changes.is_visible()
    assert changes.locator("h3").inner_text().lower() == "what changed"
    assert changes.locator("li").all_inner_texts() == EXPLAINED
    assert changes.locator("code.elem").all_inner_texts() == ["h1.story__headline", "aside.related", "article.story"]
    # near the top: above the approve command and the message
    tops = [page.locator(sel).bounding_box()["y"] for sel in ("#shot-key", "#shot-changes", "#shot-checks", "#review-box", "#shot-message")]
    assert tops == sorted(tops)
    assert "✕ 1 layout check fails" in page.locator("#shot-key").inner_text()
    assert page.locator("#checks-count").inner_text() == "(1 failing, 1 warning)"
    assert _findings(page) == [
        {"severity": "✕\u00a0fails", "rule": "spec · aside.related right-of article.story", "message": SPEC_FAIL["message"], "button": True},
        {"severity": "⚠\u00a0warning", "rule": "breakpoints · agreement", "message": DETECTOR_WARN["message"], "button": False},
    ]
    assert "does not clear a failing check" in page.locator("#shot-checks").inner_text()
    page.keyboard.press("j")  # a shot without explanations or findings hides both blocks
    assert page.locator("#shot-changes").is_hidden() and page.locator("#shot-checks").is_hidden()
    assert seen["errors"] == []


@pytest.mark.browser
def test_a_shot_that_fails_only_its_layout_checks_counts_as_failed(page: Any, layout_built: Path) -> None:
    seen = _open(page, layout_built)
    pass_chip = page.locator(".chip[data-status=pass]")
    assert pass_chip.get_attribute("aria-pressed") == "false"  # passes hidden
    assert sorted(_visible_cells(page)) == sorted([LAYOUT_ONLY, *REVIEW_ORDER])
    pass_chip.click()
    pass_chip.click()
    assert LAYOUT_ONLY in _visible_cells(page)
    assert page.locator(".chip[data-status=fail] .chip__n").inner_text() == "2"
    assert page.locator(".chip[data-status=pass] .chip__n").inner_text() == "8"
    assert "layout checks alone" in page.locator(".chip[data-status=fail]").get_attribute("aria-label")
    tally = page.locator("#layout-tally")
    assert "✕ 2 shots fail (1 with matching pixels)" in tally.inner_text()
    assert "⚠ 3 warnings on 3 shots" in tally.inner_text()

    cell = page.locator(f'.cell[data-shot="{LAYOUT_ONLY}"]')
    assert "is-layout" in cell.get_attribute("class")
    assert cell.locator(".cell__status").inner_text() == "✕\u00a0layout"
    assert cell.locator(".mark").all_inner_texts() == ["⚠ 1"]
    label = cell.get_attribute("aria-label")
    assert "the pixels match" in label and "1 layout check fails" in label and "1 layout warning" in label
    assert page.locator(f'.cell[data-shot="{FAIL}"] .mark').all_inner_texts() == ["✕ layout", "⚠ 1"]
    page.locator(".chip[data-status=fail]").click()
    assert LAYOUT_ONLY not in _visible_cells(page)
    page.locator(".chip[data-status=pass]").click()
    warned = page.locator(f'.cell[data-shot="{WARNED}"]')
    assert warned.locator(".cell__status").inner_text() == "✓\u00a0pass"
    assert "1 layout warning" in warned.get_attribute("aria-label")

    page.goto(layout_built.as_uri())
    page.keyboard.press("j")  # it needs a look, and comes first (alpha)
    assert page.evaluate("decodeURIComponent(location.hash)") == f"#shot={LAYOUT_ONLY}"
    assert page.locator("#shot-badge").inner_text() == "✕\u00a0layout"
    key = page.locator("#shot-key").inner_text()
    assert "pixels match the baseline" in key and "1 layout check fails" in key
    assert "layout check fails" in page.locator("#viewer-notice").inner_text()
    assert page.locator("#shot-changes").is_hidden()
    assert seen["errors"] == []


@pytest.mark.browser
def test_clicking_a_finding_zooms_to_its_box_in_device_pixels(page: Any, layout_built: Path) -> None:
    seen = _open(page, layout_built, f"#shot={LAYOUT_ONLY}")
    pane = page.locator(".pane__scroll").first
    assert page.locator(".pane").count() == 1 and pane.evaluate("e => e.scrollTop") == 0
    button = page.locator("#checks-body button.finding").first
    assert "overflow" in button.inner_text() and button.get_attribute("aria-pressed") == "false"
    button.click()
    x, y, w, h = (v * 2 for v in OVERFLOW["box"])  # CSS px × device_scale_factor 2 = image px
    got = pane.evaluate("""e => {
        const c = e.querySelector('.canvas'), hl = e.querySelector('.hl');
        return {scale: parseFloat(c.style.width) / 400, top: e.scrollTop, viewH: e.clientHeight,
                hl: [hl.style.left, hl.style.top, hl.style.width, hl.style.height].map(parseFloat), hidden: hl.hidden};
    }""")
    scale = got["scale"]
    assert scale > 1.5 and not got["hidden"]
    assert got["hl"] == pytest.approx([x * scale, y * scale, w * scale, h * scale], abs=1)
    assert got["top"] + got["viewH"] / 2 == pytest.approx((y + h / 2) * scale, abs=2)
    assert button.get_attribute("aria-pressed") == "true"
    page.keyboard.press("f")  # the next finding with a box
    assert page.locator("#checks-body button.finding").nth(1).get_attribute("aria-pressed") == "true"
    assert button.get_attribute("aria-pressed") == "false"
    assert seen["errors"] == []


@pytest.mark.browser
def test_findings_fit_a_phone(page: Any, layout_built: Path) -> None:
    overflow = "document.documentElement.scrollWidth <= window.innerWidth"
    seen = _open(page, layout_built, width=375, height=812)
    assert page.evaluate(overflow)
    for sid in (FAIL, LAYOUT_ONLY):
        page.goto(layout_built.as_uri() + f"#shot={sid}")
        page.wait_for_selector("#shot-view:not([hidden])")
        assert page.evaluate(overflow)
    page.locator("#checks-body button.finding").first.click()
    assert page.evaluate(overflow)
    assert page.locator(".hl").first.is_visible()
    sizes = page.eval_on_selector_all(
        "#shot-checks button, #shot-checks summary, #shot-changes button",
        "es => es.filter(e => e.offsetParent).map(e => [e.textContent.trim(), e.getBoundingClientRect().height])",
    )
    assert sizes and [s for s in sizes if s[1] < 24] == []
    assert seen["errors"] == []


# -- the report follows the content (issue 13) ------------------------------------------------

REFLOW = "story/wide"  # a block inserted at y 300 pushes everything below it 187 px down
GROUPED = ("story/wide", "story/wider")
CSS_W, CSS_H, INSERT_AT, PUSH = 500, 1400, 300, 187
SCALE = 2  # device pixels per CSS px: boxes and alignment are in CSS px, the images in device px
RAIL = {"kind": "resized", "selector": "aside.related", "baseline": [300, 900, 150, 120], "actual": [280, 900 + PUSH, 170, 120],
        "dx": -20, "dy": PUSH, "cause": True}
PROMO = {"kind": "added", "selector": "div.promo", "baseline": None, "actual": [0, INSERT_AT, CSS_W, PUSH], "dx": 0, "dy": 0, "cause": True}
KNOCK_ON = [
    {"kind": "moved", "selector": "figure.story__lead", "baseline": [20, 420, 260, 180], "actual": [20, 420 + PUSH, 260, 180], "dx": 0, "dy": PUSH, "cause": False},
    {"kind": "moved", "selector": "footer.site-footer", "baseline": [0, 1300, 500, 100], "actual": [0, 1300 + PUSH, 500, 100], "dx": 0, "dy": PUSH, "cause": False},
]
ALIGNMENT = [[0, 0, INSERT_AT], [INSERT_AT, INSERT_AT + PUSH, CSS_H - INSERT_AT]]


def _story_image(inserted: bool, rail_wide: bool) -> Image.Image:
    """A page in device pixels; with ``inserted``, a promo block at y 300 moves the rest down."""
    k, push = SCALE, PUSH if inserted else 0
    im = Image.new("RGB", (CSS_W * k, (CSS_H + push) * k), (252, 252, 250))
    d = ImageDraw.Draw(im)

    def box(b: list[int], fill: tuple[int, int, int]) -> None:
        x, y, w, h = b
        d.rectangle([x * k, y * k, (x + w) * k - 1, (y + h) * k - 1], fill=fill)

    box([0, 0, CSS_W, 80], (30, 40, 90))  # masthead
    for i in range(12):  # lines of text, above and below the insertion
        y = 100 + i * 100
        box([20, y + (push if y >= INSERT_AT else 0), 260, 14], (70, 70, 70))
    if inserted:
        box(PROMO["actual"], (240, 200, 0))
    rail = RAIL["actual"] if rail_wide else RAIL["baseline"]
    box([rail[0], rail[1] + (0 if rail_wide else 0), rail[2], rail[3]], (20, 120, 200))
    for c in KNOCK_ON:
        box(c["actual"] if inserted else c["baseline"], (120, 60, 60))
    return im


def make_reflow_run(root: Path) -> tuple[Results, Path]:
    """Two breakpoints of one page, failing the same way: a promo inserted above the rail."""
    output = root / ".harness" / "output"
    baselines = root / "baselines" / "story"
    baselines.mkdir(parents=True, exist_ok=True)
    (output / "shots" / "story").mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text('[project]\nname = "the-daily-layout"\n')
    bps = [
        {"name": "wide", "min_width": 1000, "max_width": 1199, "viewport": {"width": 500, "height": 400}, "media": "", "device_scale_factor": SCALE},
        {"name": "wider", "min_width": 1200, "max_width": None, "viewport": {"width": 501, "height": 400}, "media": "", "device_scale_factor": SCALE},
        {"name": "wide-and-wider", "min_width": 1000, "max_width": None, "viewport": {"width": 502, "height": 400}, "media": "", "device_scale_factor": SCALE},
    ]
    shots = []
    for bp in bps:
        name = bp["name"]
        _story_image(False, False).save(baselines / f"{name}.png")
        shot = ShotResult(page="story", breakpoint=name, width=bp["viewport"]["width"], height=400, status="pass",
                          baseline=f"../../baselines/story/{name}.png", baseline_size=[CSS_W * SCALE, CSS_H * SCALE],
                          actual_size=[CSS_W * SCALE, CSS_H * SCALE])
        if f"story/{name}" in GROUPED:
            actual = _story_image(True, True)
            actual.save(output / "shots" / "story" / f"{name}.actual.png")
            diff = Image.new("RGB", actual.size, (240, 240, 240))
            ImageDraw.Draw(diff).rectangle([0, INSERT_AT * SCALE, actual.size[0], actual.size[1]], fill=(255, 0, 0))
            diff.save(output / "shots" / "story" / f"{name}.diff.png")
            aligned = Image.new("RGB", actual.size, (245, 245, 245))
            ImageDraw.Draw(aligned).rectangle([0, INSERT_AT * SCALE, actual.size[0], (INSERT_AT + PUSH) * SCALE], fill=(255, 0, 0))
            aligned.save(output / "shots" / "story" / f"{name}.aligned.png")
            shot.status = "fail"
            shot.actual, shot.diff = f"shots/story/{name}.actual.png", f"shots/story/{name}.diff.png"
            shot.aligned_diff = f"shots/story/{name}.aligned.png"
            shot.actual_size = list(actual.size)
            shot.mismatched, shot.changed_pixels = 600000, 200000
            shot.total = actual.size[0] * actual.size[1]
            shot.ratio = shot.mismatched / shot.total
            shot.regions = [[0, INSERT_AT * SCALE, CSS_W * SCALE, (CSS_H - INSERT_AT + PUSH) * SCALE]]
            shot.changes = [dict(PROMO), dict(RAIL), *(dict(c) for c in KNOCK_ON)]
            shot.alignment = [list(a) for a in ALIGNMENT]
            shot.explanations = ["div.promo appeared (500x187 px), moving 3 landmarks below it down 187 px (page height +187 px)"]
        shots.append(shot)
    shots[2].findings = [{"kind": "lint", "rule": "small-text", "severity": "warn", "message": "figcaption: 11 px text", "box": None}]
    results = Results(
        browser={"name": "chromium", "version": "156.0.2"}, shots=shots, run_id="reflow1", project=str(root),
        baselines_dir="../../baselines", created="2026-05-04T10:20:30Z", breakpoints=bps,
        groups=[{"id": "g1", "text": "div.promo appeared at wide, wider", "kind": "added", "selector": "div.promo", "shots": list(GROUPED)}],
    )
    manifest = {"format": 1, "baselines": {f"story/{b['name']}": {"browser": {"name": "chromium", "version": "156.0.1"}} for b in bps}}
    (root / "baselines" / "manifest.json").write_text(json.dumps(manifest))
    results.write(output)
    return results, output


@pytest.fixture(scope="module")
def reflow_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _report_of(make_reflow_run, tmp_path_factory.mktemp("reflow"))


def _panes(page: Any) -> list[dict[str, Any]]:
    """Each pane: its scroll, its scale, where its outlines are (image px), and where they are on screen."""
    return page.eval_on_selector_all(".pane", """ps => ps.map(p => {
        const sc = p.querySelector('.pane__scroll'), c = sc.querySelector('.canvas'), img = c.querySelector('img');
        const scale = parseFloat(c.style.width) / img.naturalWidth;
        const hls = [...c.querySelectorAll('.hl')].filter(h => !h.hidden);
        const top = sc.getBoundingClientRect().top + c.offsetTop - sc.scrollTop;
        return {name: p.dataset.pane, frame: p.dataset.frame, scrollTop: sc.scrollTop, viewH: sc.clientHeight, scale, top,
                hls: hls.map(h => ({box: [h.style.left, h.style.top, h.style.width, h.style.height].map(v => parseFloat(v) / scale),
                                    ghost: h.classList.contains('hl--ghost'),
                                    screenY: h.getBoundingClientRect().top}))};
    })""")


def _screen_y(pane: dict[str, Any], image_y: float) -> float:
    return pane["top"] + image_y * pane["scale"]


@pytest.mark.browser
def test_side_by_side_follows_the_content_after_a_reflow(page: Any, reflow_built: Path) -> None:
    seen = _open(page, reflow_built, f"#shot={REFLOW}", width=1440, height=900)
    assert [p["name"] for p in _panes(page)] == ["baseline", "actual"]  # two panes; the diff is an overlay
    page.click(".seg--zoom [data-zoom=actual]")  # 100%: each pane shows a part of a tall page
    rail_b = RAIL["baseline"][1] * SCALE  # the rail's top in each image
    rail_a = RAIL["actual"][1] * SCALE
    # Scroll the baseline so the rail is in the middle of its pane; the actual follows the content,
    # not the raw y, so its rail is at the same height on screen.
    page.locator(".pane[data-pane=baseline] .pane__scroll").evaluate(f"e => e.scrollTo(0, {rail_b} - e.clientHeight / 2)")
    page.wait_for_function(f"""() => {{
        const [b, a] = document.querySelectorAll('.pane__scroll');
        return Math.abs((a.scrollTop - b.scrollTop) - {PUSH * SCALE}) < 2;
    }}""")
    base, actual = _panes(page)
    assert base["scale"] == actual["scale"] == 1
    assert _screen_y(actual, rail_a) == pytest.approx(_screen_y(base, rail_b), abs=2)
    # Above the insertion the two are the same: no offset there.
    page.locator(".pane[data-pane=actual] .pane__scroll").evaluate("e => e.scrollTo(0, 0)")
    page.wait_for_function("() => document.querySelectorAll('.pane__scroll')[0].scrollTop === 0")
    # "Follow moved content" off: raw y, as pixelmatch compared them.
    toggle = page.locator("#align-toggle")
    assert toggle.get_attribute("aria-pressed") == "true"
    toggle.click()
    page.locator(".pane[data-pane=baseline] .pane__scroll").evaluate(f"e => e.scrollTo(0, {rail_b} - e.clientHeight / 2)")
    page.wait_for_function("""() => {
        const [b, a] = document.querySelectorAll('.pane__scroll');
        return b.scrollTop > 0 && Math.abs(a.scrollTop - b.scrollTop) < 2;
    }""")
    assert seen["errors"] == []


@pytest.mark.browser
def test_swipe_lines_the_baseline_up_with_the_actual(page: Any, reflow_built: Path) -> None:
    seen = _open(page, reflow_built, f"#shot={REFLOW}&view=swipe", width=1440, height=900)
    page.click(".seg--zoom [data-zoom=actual]")
    # the slider and the image agree: the baseline on the left, the actual on the right
    assert page.locator("#swipe-control .slider__end").all_inner_texts() == ["Baseline", "Actual"]
    assert page.locator(".pane .tag").all_inner_texts() == ["◀ Baseline", "Actual ▶"]
    scroll = page.locator(".pane__scroll")
    scroll.evaluate(f"e => e.scrollTo(0, {RAIL['actual'][1] * SCALE} - e.clientHeight / 2)")
    page.wait_for_function(f"() => document.querySelector('.top-wrap img').style.transform === 'translateY({PUSH * SCALE}px)'")
    assert "shifted +187 px" in page.locator(".pane__head").inner_text()
    scroll.evaluate("e => e.scrollTo(0, 0)")  # above the insertion: no shift
    page.wait_for_function("() => document.querySelector('.top-wrap img').style.transform === ''")
    assert seen["errors"] == []


@pytest.mark.browser
def test_clicking_a_change_outlines_it_in_both_images(page: Any, reflow_built: Path) -> None:
    seen = _open(page, reflow_built, f"#shot={REFLOW}", width=1440, height=900)
    rows = page.locator("#regions-list .change")
    # causes first, each on its own; the knock-on moves in one row
    assert rows.count() == 3
    assert "div.promo" in rows.nth(0).inner_text() and "aside.related" in rows.nth(1).inner_text()
    assert rows.nth(2).inner_text().replace("\n", " ") == "+2 2 knock-on moves: elements moved 187 px down"
    assert page.locator(".region").count() == 0  # no numbered pixel regions when the changes are named

    rows.nth(1).click()
    assert rows.nth(1).get_attribute("aria-pressed") == "true"
    base, actual = _panes(page)
    assert [h["box"] for h in base["hls"]] == [pytest.approx([v * SCALE for v in RAIL["baseline"]], rel=2e-3, abs=1)]
    assert [h["box"] for h in actual["hls"]] == [pytest.approx([v * SCALE for v in RAIL["actual"]], rel=2e-3, abs=1)]
    assert base["scale"] > 0.5 and base["scale"] == actual["scale"]
    # each pane is scrolled to its own box: the element is at the same height on screen in both
    assert base["hls"][0]["screenY"] == pytest.approx(actual["hls"][0]["screenY"], abs=2)
    for pane in (base, actual):
        assert pane["top"] <= pane["hls"][0]["screenY"] <= pane["top"] + pane["scrollTop"] + pane["viewH"]

    rows.nth(2).click()  # the knock-on row: one box per element, in each image
    base, actual = _panes(page)
    assert sorted(h["box"][1] for h in base["hls"]) == pytest.approx([c["baseline"][1] * SCALE for c in KNOCK_ON], rel=2e-3, abs=1)
    assert sorted(h["box"][1] for h in actual["hls"]) == pytest.approx([c["actual"][1] * SCALE for c in KNOCK_ON], rel=2e-3, abs=1)

    rows.nth(0).click()  # added: its box in the actual; in the baseline, dashed, where the alignment puts it
    base, actual = _panes(page)
    assert [h["ghost"] for h in actual["hls"]] == [False] and [h["ghost"] for h in base["hls"]] == [True]
    assert base["hls"][0]["box"][1] == pytest.approx(INSERT_AT * SCALE, abs=1)
    assert seen["errors"] == []


@pytest.mark.browser
def test_the_diff_is_an_overlay_and_the_aligned_diff_an_option(page: Any, reflow_built: Path) -> None:
    seen = _open(page, reflow_built, f"#shot={REFLOW}", width=1440, height=900)
    assert page.locator(".canvas img.overlay").count() == 0
    page.keyboard.press("d")
    overlay = page.locator(".pane[data-pane=actual] img.overlay")
    assert overlay.get_attribute("src").endswith("wide.diff.png")
    page.click("#diff-tools [data-diff=aligned]")
    assert page.locator(".pane[data-pane=actual] img.overlay").get_attribute("src").endswith("wide.aligned.png")
    assert page.locator(".pane").count() == 2
    page.keyboard.press("5")
    assert page.locator(".pane img").get_attribute("src").endswith("wide.aligned.png")
    assert "200,000 px changed" in page.locator(".pane__head").inner_text()
    assert "200,000 px changed, the rest only moved" in page.locator("#shot-key").inner_text()
    assert seen["errors"] == []


@pytest.mark.browser
def test_a_finding_shared_by_breakpoints_is_shown_once(page: Any, reflow_built: Path) -> None:
    seen = _open(page, reflow_built, width=1440, height=900)
    groups = page.locator("#groups .group")
    assert groups.count() == 1
    assert "div.promo appeared" in groups.inner_text()
    assert groups.locator(".group__shot").evaluate_all("as => as.map(a => a.dataset.shot)") == list(GROUPED)
    assert page.locator("#groups").inner_text().count("div.promo appeared") == 1
    groups.locator(".group__shot").nth(1).click()
    assert page.evaluate("decodeURIComponent(location.hash)") == f"#shot={GROUPED[1]}"
    shared = page.locator("#shot-group")
    assert "Same change at 2 breakpoints" in shared.inner_text() and "wide" in shared.locator("a").inner_text()
    assert page.locator("[data-approve-all]").count() == 0  # no server: nothing to approve with
    assert seen["errors"] == []


@pytest.mark.browser
def test_the_overview_reads_at_a_glance(page: Any, reflow_built: Path) -> None:
    seen = _open(page, reflow_built, width=1440, height=900)
    # the project's own name, and the note that the baselines came from another build
    assert page.locator("#report-title").inner_text() == "Layout report – the-daily-layout"
    assert page.title() == "Layout report – the-daily-layout"
    note = page.locator("#browser-note")
    assert note.is_visible() and "156.0.1" in note.inner_text() and "156.0.2" in note.inner_text()
    # base ranges set apart from the names that combine them
    assert page.locator(".sethead").all_inner_texts()[0].startswith("BASE RANGES")
    page.click(".chip[data-status=pass]")
    assert page.eval_on_selector_all("thead .colhead", "hs => hs.map(h => h.dataset.bp)") == ["wide", "wider", "wide-and-wider"]
    assert "is-first-combined" in page.locator('.colhead[data-bp="wide-and-wider"]').get_attribute("class")
    # where on the page the change is: a band on the thumbnail's edge, from the causes' y range
    band = page.locator(f'.cell[data-shot="{REFLOW}"] .cell__band')
    assert band.get_attribute("title") == "changes at y 300–1,207 of 1,587 px"
    # the warnings link filters to the shots with warnings (here a passing one)
    page.click(".chip[data-status=pass]")
    assert sorted(_visible_cells(page)) == sorted(GROUPED)
    page.click("#layout-tally [data-tally=warn]")
    assert _visible_cells(page) == ["story/wide-and-wider"]
    page.click("[data-show-all]")
    assert sorted(_visible_cells(page)) == sorted(GROUPED)
    assert seen["errors"] == []


@pytest.mark.browser
def test_messages_stay_beside_the_buttons_and_go_with_the_shot(page: Any, reflow_built: Path) -> None:
    seen = _open(page, reflow_built, f"#shot={REFLOW}", width=820, height=1180)
    page.locator(".review__cmd button").click()  # "Copy": says what it did
    live = page.locator("#live")
    page.wait_for_function("document.querySelector('#live').textContent !== ''")
    box = live.bounding_box()
    for pane in page.locator(".pane").all():  # never over the images
        p = pane.bounding_box()
        assert box["y"] + box["height"] <= p["y"] or box["y"] >= p["y"] + p["height"] or box["x"] >= p["x"] + p["width"]
    page.keyboard.press("j")
    assert live.inner_text() == ""
    assert seen["errors"] == []


@pytest.mark.browser
def test_a_finding_about_elements_far_apart_outlines_each_one(page: Any, tmp_path: Path) -> None:
    """Not one box spanning elements 1,100 px apart: one per element, and Show again steps to the next."""
    results, output = make_reflow_run(tmp_path)
    shot = next(s for s in results.shots if s.id == REFLOW)
    far = [[20, 90, 24, 20], [440, 1190, 24, 20]]  # CSS px
    shot.findings = [{"kind": "lint", "rule": "tap-targets", "severity": "warn", "message": "2 targets under 24×24 px: a.share, a.top",
                      "box": [20, 90, 444, 1120], "boxes": far}]
    seen = _open(page, write_report(results, output), f"#shot={REFLOW}", width=1440, height=900)
    show = page.locator("#checks-body button.finding")
    assert "2 elements" in show.inner_text()
    show.click()
    _, actual = _panes(page)
    boxes = sorted(h["box"] for h in actual["hls"])
    assert boxes == [pytest.approx([v * SCALE for v in b], rel=2e-3, abs=1) for b in far]
    assert actual["scale"] > 1  # zoomed to a 24 px target, not out to the span of both
    first = actual["hls"][0]["box"]
    show.click()
    _, actual = _panes(page)
    assert actual["hls"][0]["box"] != first  # centred on the other one now
    assert seen["errors"] == []


@pytest.mark.browser
def test_pages_with_changes_come_first_and_every_row_is_on_the_page(page: Any, built: Path) -> None:
    seen = _open(page, built, width=1440, height=400)
    page.click(".chip[data-status=pass]")
    assert page.eval_on_selector_all("#grid tbody tr", "rs => rs.map(r => r.dataset.page)") == ["bravo", "charlie", "alpha"]
    grid = page.locator("#grid-scroll")
    assert grid.evaluate("e => e.scrollHeight <= e.clientHeight")  # no scroll box inside the page hiding rows
    assert page.evaluate("document.documentElement.scrollHeight > window.innerHeight")  # the page itself scrolls
    assert seen["errors"] == []
