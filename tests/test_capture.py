"""Capture in a real Chromium: repeatable pixels, blocked origins, timeouts that name the step."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
from helpers import REPO, make_project

from harness.capture.server import PageServer
from harness.capture.shoot import Capturer, CaptureError
from harness.compare.diff import compare
from harness.compare.images import read_png
from harness.config.breakpoints import load_breakpoints
from harness.config.page_settings import PageSettings

pytestmark = pytest.mark.browser


def decode(png: bytes) -> np.ndarray:
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


@pytest.mark.parametrize("name", ["narrow-browser-and-phone", "landscape-tablet", "wide-browser-and-larger"])
def test_the_seed_page_renders_twice_with_zero_differing_pixels(browser, name: str) -> None:
    bp = next(b for b in load_breakpoints(REPO / "breakpoints.yaml") if b.name == name)
    shots = []
    with PageServer(REPO / "pages") as server:
        for _ in range(2):  # a fresh context each time: nothing carried over
            capturer = Capturer(browser)
            try:
                shots.append(
                    capturer.capture(
                        server.url_for("syria-talks/index.html"), bp.viewport.width, bp.viewport.height, bp.device_key
                    )
                )
            finally:
                capturer.close()
    first, second = (decode(s.png) for s in shots)
    assert first.shape[1] == bp.viewport.width and first.shape[0] > 2000
    assert compare(first, second, threshold=0).mismatched == 0
    assert shots[0].blocked == [] and shots[0].console_errors == []


def test_the_committed_baseline_matches_a_fresh_render(browser) -> None:
    bp = next(b for b in load_breakpoints(REPO / "breakpoints.yaml") if b.name == "medium-browser-and-portrait-tablet")
    with PageServer(REPO / "pages") as server:
        capturer = Capturer(browser)
        try:
            shot = capturer.capture(server.url_for("syria-talks/index.html"), 768, 1024, bp.device_key)
        finally:
            capturer.close()
    baseline = read_png(REPO / "baselines/syria-talks/medium-browser-and-portrait-tablet.png")
    assert compare(baseline, decode(shot.png)).mismatched == 0


class _SlowHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        if self.path == "/slow.png":
            time.sleep(30)  # never answers within the test's timeout
        body = {
            "/": b'<html><body><h1>Hi</h1><img src="/slow.png"></body></html>',
            "/throws": b"<html><body><script>null.boom()</script><p>still here</p></body></html>",
            "/tall": b'<html><body style="margin:0"><div style="height:30000px;background:linear-gradient(#fff,#00f)"></div></body></html>',
            "/busy": b"<html><body><script>addEventListener('load', () => setTimeout(() => { while (true) {} }, 0))</script></body></html>",
            "/loops-on-resize": b"<html><body><p>ok</p><script>addEventListener('resize', () => { while (true) {} })</script></body></html>",
            "/leaves": b"<html><body><script>addEventListener('load', () => setTimeout(() => { location.href = '/'; }, 0))</script></body></html>",
            "/asks": b"<html><body><script>alert('Hi\\nthere'); confirm('Sure?'); prompt('Name?')</script></body></html>",
            "/clingy": b"<html><body><script>addEventListener('beforeunload', e => { e.preventDefault(); e.returnValue = 'x'; })</script></body></html>",
            "/plain": b"<html><body><p>plain</p></body></html>",
        }.get(self.path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def odd_server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _SlowHandler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def capture_once(browser, url: str, settings: PageSettings | None = None, **kwargs):  # type: ignore[no-untyped-def]
    capturer = Capturer(browser, **kwargs)
    try:
        return capturer.capture(url, 800, 600, (1.0, False, False), settings)
    finally:
        capturer.close()


def test_a_page_that_never_finishes_loading_times_out_naming_the_step(browser, odd_server: str) -> None:
    t0 = time.monotonic()
    with pytest.raises(CaptureError, match=r"step 'load' timed out after 1.5 s"):
        capture_once(browser, odd_server + "/", timeout_ms=1500)
    assert time.monotonic() - t0 < 10


def test_an_http_error_is_a_clear_capture_error(browser, odd_server: str) -> None:
    with pytest.raises(CaptureError, match="answered HTTP 404"):
        capture_once(browser, odd_server + "/missing")


def test_script_errors_are_recorded_not_fatal(browser, odd_server: str) -> None:
    shot = capture_once(browser, odd_server + "/throws")
    assert shot.png.startswith(b"\x89PNG")
    assert any("uncaught" in e for e in shot.console_errors)


def test_a_very_tall_page_is_capped_with_a_note(browser, odd_server: str) -> None:
    shot = capture_once(browser, odd_server + "/tall", PageSettings(max_height=4000))
    assert decode(shot.png).shape[:2] == (4000, 800)
    assert shot.height == 30000
    assert shot.notes == ["page is 30000 px tall; captured the top 4000 px"]


def test_other_origins_are_blocked_unless_allowed(browser, odd_server: str, tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj")
    page = root / "pages/home.html"
    page.write_text(page.read_text().replace("</body>", f'<img src="{odd_server}/pixel.png"></body>'))
    with PageServer(root / "pages") as server:
        blocked = capture_once(browser, server.url_for("home.html"))
        allowed = capture_once(browser, server.url_for("home.html"), allow_origins=(odd_server,))
    assert blocked.blocked == [f"{odd_server}/pixel.png"]
    assert allowed.blocked == []


def test_a_page_stuck_in_a_loop_times_out_and_the_next_shot_gets_a_fresh_page(browser, odd_server: str) -> None:
    capturer = Capturer(browser, timeout_ms=1500)
    try:
        with pytest.raises(CaptureError, match=r"timed out after 1.5 s: .*a script that never yields"):
            capturer.capture(odd_server + "/busy", 800, 600, (1.0, False, False))
        shot = capturer.capture(odd_server + "/plain", 800, 600, (1.0, False, False))
    finally:
        capturer.close()
    assert shot.png.startswith(b"\x89PNG")


def test_a_page_that_hangs_after_its_own_shot_is_not_blamed_on_the_next(browser, odd_server: str) -> None:
    """/loops-on-resize is fine until the next shot resizes its page; that shot must still work."""
    capturer = Capturer(browser, timeout_ms=1500)
    try:
        capturer.capture(odd_server + "/loops-on-resize", 800, 600, (1.0, False, False))
        shot = capturer.capture(odd_server + "/plain", 1000, 600, (1.0, False, False))
    finally:
        capturer.close()
    assert decode(shot.png).shape[1] == 1000


def test_a_page_that_navigates_away_is_an_error_naming_where_it_went(browser, odd_server: str) -> None:
    with pytest.raises(CaptureError, match=rf"the page navigated away to {odd_server}/ during step '[a-z ]+'"):
        capture_once(browser, odd_server + "/leaves")


def test_dialogs_are_dismissed_and_noted_and_beforeunload_does_not_block_the_next_shot(browser, odd_server: str) -> None:
    capturer = Capturer(browser)
    try:
        asks = capturer.capture(odd_server + "/asks", 800, 600, (1.0, False, False))
        capturer.capture(odd_server + "/clingy", 800, 600, (1.0, False, False))
        after = capturer.capture(odd_server + "/plain", 800, 600, (1.0, False, False))
    finally:
        capturer.close()
    assert asks.notes == [
        "alert dialog dismissed: 'Hi there'",
        "confirm dialog dismissed: 'Sure?'",
        "prompt dialog dismissed: 'Name?'",
    ]
    assert after.png.startswith(b"\x89PNG") and after.notes == []


SANDBOX_PROBE = """
const probe = (url) => new Promise(done => {
  const img = new Image(); img.onload = () => done('loaded'); img.onerror = () => done('blocked'); img.src = url; });
const read = (url) => fetch(url).then(r => r.text()).then(t => 'read ' + t.length, () => 'blocked');
const socket = (url) => new Promise(done => {
  let s; try { s = new WebSocket(url); } catch (e) { return done('blocked'); }
  s.onopen = () => done('open'); s.onerror = s.onclose = () => done('blocked'); setTimeout(() => done('no answer'), 2000); });
const frame = (url) => new Promise(done => {
  const f = document.createElement('iframe'); f.src = url;
  f.onload = () => { let text = null; try { text = f.contentDocument && f.contentDocument.body.innerText; } catch (e) {}
                     done(text ? 'read ' + text.length : 'blocked'); };
  setTimeout(() => done('blocked'), 2000); document.body.appendChild(f); });
const seen = {
  file_img: await probe(FILE + '/secret.png'), file_fetch: await read(FILE + '/secret.txt'),
  file_frame: await frame(FILE + '/secret.txt'), outside_fetch: await read(OTHER + '/data.json'),
  outside_img: await probe(OTHER + '/pixel.png'), outside_socket: await socket(SOCKET),
  inside_fetch: await read('/home.css'),
};
console.error('sandbox ' + JSON.stringify(seen));
"""


def test_a_page_reaches_neither_local_files_nor_other_origins(browser, odd_server: str, tmp_path: Path) -> None:
    import json
    import socket

    root = make_project(tmp_path / "proj")
    (tmp_path / "secret.txt").write_text("SECRET")
    (tmp_path / "secret.png").write_bytes((REPO / "baselines/syria-talks/narrow-browser-and-phone.png").read_bytes()[:4096])
    listener = socket.create_server(("127.0.0.1", 0))  # a WebSocket server that only counts knocks
    listener.settimeout(0.2)
    script = (
        SANDBOX_PROBE.replace("FILE", f"'file://{tmp_path}'")
        .replace("OTHER", repr(odd_server))
        .replace("SOCKET", repr(f"ws://127.0.0.1:{listener.getsockname()[1]}/"))
    )
    socket_origin = f"http://127.0.0.1:{listener.getsockname()[1]}"

    def knocks() -> int:
        count = 0
        try:
            while True:
                listener.accept()[0].close()
                count += 1
        except OSError:
            return count

    try:
        with PageServer(root / "pages") as server:
            shot = capture_once(browser, server.url_for("home.html"), PageSettings(script=script))
            blocked_knocks = knocks()
            capture_once(browser, server.url_for("home.html"), PageSettings(script=script), allow_origins=(socket_origin,))
            allowed_knocks = knocks()
    finally:
        listener.close()
    line = next(e for e in shot.console_errors if e.startswith("sandbox "))
    seen = json.loads(line.removeprefix("sandbox "))
    assert seen["inside_fetch"].startswith("read ")  # the probe itself works
    assert {k: v for k, v in seen.items() if k != "inside_fetch"} == {
        "file_img": "blocked", "file_fetch": "blocked", "file_frame": "blocked",
        "outside_fetch": "blocked", "outside_img": "blocked", "outside_socket": "blocked",
    }
    assert blocked_knocks == 0, "a WebSocket to another origin got through"
    assert allowed_knocks > 0, "an allowed origin's WebSocket should get through"
    assert f"{odd_server}/data.json" in shot.blocked and f"{odd_server}/pixel.png" in shot.blocked
    assert any(url.startswith("ws://127.0.0.1:") for url in shot.blocked)
