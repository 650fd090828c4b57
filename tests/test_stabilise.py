"""Stabilisation and per-page options, in a real Chromium, on pages the tests write.

Each test is built so that it fails without the behaviour it names.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from harness.capture.server import PageServer
from harness.capture.shoot import Capture, Capturer, CaptureError
from harness.config.page_settings import PageSettings

pytestmark = pytest.mark.browser

W, H = 400, 300
BASE = "<!doctype html><meta charset=utf-8><style>body{margin:0;font:16px sans-serif;background:#fff}</style>"


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


@pytest.fixture
def site(tmp_path: Path, browser) -> Iterator[Callable[..., Capture]]:  # type: ignore[no-untyped-def]
    """``site(html, **settings)`` writes a page and captures it at 400x300."""
    red = io.BytesIO()
    Image.new("RGB", (50, 50), (255, 0, 0)).save(red, "PNG")
    (tmp_path / "red.png").write_bytes(red.getvalue())
    frames = [Image.new("RGB", (50, 50), c) for c in ("red", "lime", "blue")]
    frames[0].save(tmp_path / "anim.gif", save_all=True, append_images=frames[1:], duration=60, loop=0)
    server = PageServer(tmp_path).__enter__()
    capturers: list[Capturer] = []
    count = iter(range(1000))

    def capture(html: str, _timeout_ms: int = 30_000, **settings: object) -> Capture:
        name = f"p{next(count)}.html"
        (tmp_path / name).write_text(BASE + html)
        capturer = Capturer(browser, timeout_ms=_timeout_ms)
        capturers.append(capturer)
        shot = capturer.capture(server.url_for(name), W, H, (1.0, False, False), PageSettings(**settings))  # type: ignore[arg-type]
        shot.again = capturer.again  # type: ignore[attr-defined]
        return shot

    yield capture
    for c in capturers:
        c.close()
    server.close()


TALL = '<div style="height:2000px">top</div>'


def test_native_lazy_images_are_loaded_before_a_full_page_shot(site) -> None:  # type: ignore[no-untyped-def]
    shot = site(TALL + '<img loading="lazy" src="red.png" width="50" height="50">')
    img = pixels(shot.png)
    assert img.shape[0] == 2000 + 50 + 4 or img.shape[0] >= 2050
    assert tuple(img[2025, 25]) == (255, 0, 0)
    assert any(w.startswith("lazy: 1 made eager") for w in shot.waits)


def test_intersection_observer_lazy_images_are_loaded(site) -> None:  # type: ignore[no-untyped-def]
    shot = site(
        TALL
        + '<img id="late" data-src="red.png" width="50" height="50" style="display:block">'
        + "<script>new IntersectionObserver(es => es.forEach(e => { if (e.isIntersecting) e.target.src = e.target.dataset.src; }))"
        + ".observe(document.getElementById('late'));</script>"
    )
    assert tuple(pixels(shot.png)[2025, 25]) == (255, 0, 0)


def test_a_sticky_header_appears_once_at_the_top_of_a_full_page_shot(site) -> None:  # type: ignore[no-untyped-def]
    shot = site(
        '<header style="position:sticky;top:0;height:40px;background:#00f"></header>'
        '<div style="height:2000px;background:#fff"></div>'
    )
    img = pixels(shot.png)
    blue_rows = np.flatnonzero((img == (0, 0, 255)).all(axis=2).all(axis=1))
    assert blue_rows.tolist() == list(range(40))


def test_animated_gifs_stay_on_their_first_frame(site) -> None:  # type: ignore[no-untyped-def]
    shot = site('<img src="anim.gif" width="50" height="50">', full_page=False)
    first = pixels(shot.png)[25, 25]
    time.sleep(0.2)
    again = pixels(shot.again())[25, 25]
    assert tuple(first) == tuple(again) == (255, 0, 0)


def test_video_is_paused(site) -> None:  # type: ignore[no-untyped-def]
    shot = site(
        '<canvas id="c" width="50" height="50" style="display:none"></canvas><video id="v" autoplay muted width="50" height="50"></video>'
        "<script>const c = document.getElementById('c'), g = c.getContext('2d'); let n = 0;"
        "setInterval(() => { g.fillStyle = ['#f00', '#0f0', '#00f'][n++ % 3]; g.fillRect(0, 0, 50, 50); }, 30);"
        "document.getElementById('v').srcObject = c.captureStream(30);</script>",
        full_page=False,
    )
    time.sleep(0.3)
    assert shot.again() == shot.png
    assert any(w.startswith("media: 1 paused") for w in shot.waits)


def test_reduced_motion_is_requested(site) -> None:  # type: ignore[no-untyped-def]
    shot = site("<style>@media (prefers-reduced-motion: reduce) { body { background: #0f0 } }</style>", full_page=False)
    assert tuple(pixels(shot.png)[10, 10]) == (0, 255, 0)


CLOCK = "<p id=t style='font:40px monospace'></p><script>document.getElementById('t').textContent = new Date().toISOString()</script>"


def test_time_is_frozen_by_default_and_can_be_set_or_released(site) -> None:  # type: ignore[no-untyped-def]
    frozen = [site(CLOCK, full_page=False).png for _ in range(2)]
    assert frozen[0] == frozen[1]
    other = site(CLOCK, full_page=False, freeze_time=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)).png
    assert other != frozen[0]
    running = site(CLOCK, full_page=False, freeze_time=None).png
    time.sleep(0.01)
    assert site(CLOCK, full_page=False, freeze_time=None).png != running


BOXES = (
    '<div id="a" style="height:50px;background:#f00"></div>'
    '<div id="b" style="height:50px;background:#0f0"></div>'
    '<div id="c" style="height:50px;background:#00f"></div>'
)


def test_mask_paints_over_the_element_and_keeps_the_layout(site) -> None:  # type: ignore[no-untyped-def]
    img = pixels(site(BOXES, mask=("#b",), mask_color="#FF00FF", full_page=False).png)
    assert tuple(img[75, 10]) == (255, 0, 255)
    assert tuple(img[125, 10]) == (0, 0, 255)


def test_hide_keeps_the_space_and_remove_takes_it(site) -> None:  # type: ignore[no-untyped-def]
    hidden = pixels(site(BOXES, hide=("#b",), full_page=False).png)
    assert tuple(hidden[75, 10]) == (255, 255, 255) and tuple(hidden[125, 10]) == (0, 0, 255)
    removed = pixels(site(BOXES, remove=("#b",), full_page=False).png)
    assert tuple(removed[75, 10]) == (0, 0, 255)


def test_wait_for_waits_for_a_late_element(site) -> None:  # type: ignore[no-untyped-def]
    late = "<script>setTimeout(() => document.body.insertAdjacentHTML('beforeend', '<div id=late style=\"height:50px;background:#f00\"></div>'), 400)</script>"
    shot = site(late, wait_for="#late", full_page=False)
    assert tuple(pixels(shot.png)[25, 10]) == (255, 0, 0)
    assert any(w.startswith("wait_for '#late'") for w in shot.waits)


def test_clip_takes_an_element_screenshot(site) -> None:  # type: ignore[no-untyped-def]
    img = pixels(site(BOXES + TALL, clip="#b").png)
    assert img.shape[:2] == (50, W)
    assert (img == (0, 255, 0)).all()
    with pytest.raises(CaptureError, match="clip: selector '#nope' matches nothing"):
        site(BOXES, clip="#nope")


def test_full_page_can_be_turned_off(site) -> None:  # type: ignore[no-untyped-def]
    assert pixels(site(TALL).png).shape[0] == 2000
    assert pixels(site(TALL, full_page=False).png).shape[0] == H


def test_script_runs_before_the_capture(site) -> None:  # type: ignore[no-untyped-def]
    shot = site("<p>x</p>", script="document.body.style.background = '#00f';", full_page=False)
    assert tuple(pixels(shot.png)[H - 5, W - 5]) == (0, 0, 255)


def test_allow_network_lets_an_origin_through(site) -> None:  # type: ignore[no-untyped-def]
    html = '<img src="https://cdn.example.com/x.png">'
    assert site(html).blocked == ["https://cdn.example.com/x.png"]
    assert site(html, allow_network=("https://cdn.example.com",)).blocked == []


def test_a_lazy_image_below_a_viewport_only_shot_is_not_waited_for(site) -> None:  # type: ignore[no-untyped-def]
    t0 = time.monotonic()
    shot = site(TALL + '<img loading="lazy" src="red.png">', full_page=False)
    assert pixels(shot.png).shape[:2] == (H, W)
    assert time.monotonic() - t0 < 10


def test_a_script_that_never_finishes_times_out(site) -> None:  # type: ignore[no-untyped-def]
    t0 = time.monotonic()
    with pytest.raises(CaptureError, match=r"step 'script' timed out after 1.5 s"):
        site("<p>x</p>", script="await new Promise(() => {});", full_page=False, _timeout_ms=1500)
    assert time.monotonic() - t0 < 10


def test_an_infinite_css_animation_is_held_still(site) -> None:  # type: ignore[no-untyped-def]
    shot = site(
        "<style>@keyframes slide { from { margin-left: 0 } to { margin-left: 300px } }"
        "#m { width: 40px; height: 40px; background: #f00; animation: slide 0.3s linear infinite; }</style><div id=m></div>",
        full_page=False,
    )
    time.sleep(0.15)
    assert shot.again() == shot.png


def test_one_bad_hide_selector_does_not_switch_off_the_others(site) -> None:  # type: ignore[no-untyped-def]
    hidden = pixels(site(BOXES, hide=("#b", "p:nope(("), full_page=False).png)
    assert tuple(hidden[75, 10]) == (255, 255, 255)
