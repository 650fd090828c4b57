"""Benchmark of the diff core on a realistic full-page pair (~5 MP, 1280 x 3915).

    python benchmarks/bench_diff.py [--repeat N] [--quick] [--refresh]

The pair is made once and cached under ``benchmarks/.cache/``: the project's seed page
``pages/syria-talks/index.html`` rendered full page at 1280 px wide with Chromium
(Playwright), cut (or, for a short page, stacked and cut) to 3915 px, and the same page
with one word of the headline changed before the screenshot. ``--refresh`` renders
them again.

Measured, best of N with every measurement taken once per round so that they all see
the same machine conditions:

* ``compare()`` with anti-aliasing detection (the default), without and with the diff image;
* the same on the pair "shifted": the baseline against itself rolled by 1 px to the right
  (hundreds of thousands of differing pixels);
* the whole ``harness diff BASE ACTUAL -o DIFF`` process (start, decode, diff, PNG written);
* the ``pixelmatch`` package (pure Python, with a diff output) on 1280 x 100 crops of the
  realistic and the shifted pair, scaled per pixel to the full image.

The ratio against the package, measured in this run, is the primary one. The
JavaScript figures are constants measured on this machine class, not in this run.
"""

from __future__ import annotations

import argparse
import functools
import gc
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(__file__).resolve().parent / ".cache"
PAGE = "syria-talks/index.html"
WIDTH, HEIGHT = 1280, 3915
CROP_ROWS = 100

# pixelmatch 7 (node) on this machine class, measured outside this script.
JS_REFERENCE_MS = {
    "realistic": 13.0,
    "realistic + diff image": 27.0,
    "shifted": 43.0,
    "process": 560.0,  # node + pngjs: decode both, diff, encode and write the diff PNG
}

# The realistic edit: one word of the headline, before the screenshot.
EDIT_JS = """() => {
  const h1 = document.querySelector('h1');
  const walker = document.createTreeWalker(h1, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.data.includes('differ')) { node.data = node.data.replace('differ', 'clash'); return true; }
  }
  return false;
}"""
EDIT_NOTE = "headline word 'differ' -> 'clash'"

READY_JS = """async () => {
  await document.fonts.ready;
  await Promise.all(Array.from(document.images, img => img.complete ? null
    : new Promise(done => { img.onload = img.onerror = done; })));
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  return document.documentElement.scrollHeight;
}"""

STILL_CSS = "*, *::before, *::after { animation: none !important; transition: none !important; caret-color: transparent !important; }"


# --------------------------------------------------------------------------- the pair


class _Quiet(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".woff2": "font/woff2", ".svg": "image/svg+xml"}

    def log_message(self, *args: object) -> None:
        pass


def _launch(pw):  # type: ignore[no-untyped-def]
    """Chromium as the harness finds it, else Playwright's own, else /usr/bin/chromium."""
    try:
        from harness.capture.browser import launch
    except ImportError:
        launch = None
    if launch is not None:
        return launch(pw)
    args = ["--force-color-profile=srgb", "--font-render-hinting=none", "--disable-lcd-text", "--hide-scrollbars"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")
    try:
        browser = pw.chromium.launch(headless=True, args=args)
        return browser, f"Chromium {browser.version} (Playwright's own)"
    except Exception:
        browser = pw.chromium.launch(headless=True, args=args, executable_path="/usr/bin/chromium")
        return browser, f"Chromium {browser.version} (/usr/bin/chromium)"


def _to_height(img: np.ndarray, notes: list[str], what: str) -> np.ndarray:
    h = img.shape[0]
    if h >= HEIGHT:
        notes.append(f"{what}: page is {h} px tall; cropped to the top {HEIGHT} px")
        return np.ascontiguousarray(img[:HEIGHT])
    times = -(-HEIGHT // h)
    notes.append(f"{what}: page is only {h} px tall; stacked {times}x vertically and cropped to {HEIGHT} px")
    return np.ascontiguousarray(np.concatenate([img] * times)[:HEIGHT])


def render_pair() -> tuple[np.ndarray, np.ndarray, list[str]]:
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(ROOT / "pages"))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/{PAGE}"
    notes: list[str] = []
    shots = []
    try:
        with sync_playwright() as pw:
            browser, description = _launch(pw)
            notes.append(f"rendered with {description}")
            try:
                page = browser.new_page(viewport={"width": WIDTH, "height": 900}, device_scale_factor=1)
                for edit in (False, True):
                    page.goto(url, wait_until="load")
                    page.add_style_tag(content=STILL_CSS)
                    if edit and not page.evaluate(EDIT_JS):
                        raise SystemExit("bench_diff: the headline no longer contains 'differ'; update EDIT_JS")
                    page.evaluate(READY_JS)
                    png = page.screenshot(full_page=True, type="png")
                    img = np.array(Image.open(io.BytesIO(png)).convert("RGBA"))
                    shots.append(_to_height(img, notes, "edited" if edit else "baseline"))
            finally:
                browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    return shots[0], shots[1], notes


def load_pair(refresh: bool) -> tuple[Path, Path, list[str]]:
    base, real, meta = CACHE / "baseline.png", CACHE / "realistic.png", CACHE / "pair.json"
    if refresh or not (base.exists() and real.exists() and meta.exists()):
        a, b, notes = render_pair()
        CACHE.mkdir(parents=True, exist_ok=True)
        for path, img in ((base, a), (real, b)):
            Image.fromarray(img, "RGBA").save(path, compress_level=6)
        meta.write_text(json.dumps({"notes": notes, "edit": EDIT_NOTE}, indent=1))
        notes = ["rendered now and cached", *notes]
    else:
        notes = ["from the cache (--refresh to render again)", *json.loads(meta.read_text())["notes"]]
    return base, real, notes


def read_rgba(path: Path) -> np.ndarray:
    with Image.open(path) as img:
        return np.ascontiguousarray(np.asarray(img.convert("RGBA")))


# --------------------------------------------------------------------------- timing


def best_of(jobs: dict[str, Callable[[], object]], repeat: int) -> dict[str, list[float]]:
    """Run every job once per round, ``repeat`` rounds; seconds per run for each job."""
    times: dict[str, list[float]] = {name: [] for name in jobs}
    for _ in range(repeat):
        for name, job in jobs.items():
            gc.collect()
            t0 = time.perf_counter()
            job()
            times[name].append(time.perf_counter() - t0)
    return times


def package_run(a: np.ndarray, b: np.ndarray) -> int:
    from pixelmatch import pixelmatch

    h, w = a.shape[:2]
    out = bytearray(w * h * 4)
    return pixelmatch(list(a.tobytes()), list(b.tobytes()), w, h, out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="rounds; each measurement's best is reported (default 7)")
    parser.add_argument("--quick", action="store_true", help="smoke test: 2 rounds")
    parser.add_argument("--refresh", action="store_true", help="render the pair again instead of using the cache")
    args = parser.parse_args(argv)
    repeat = 2 if args.quick else max(1, args.repeat)

    sys.path.insert(0, str(ROOT))
    from harness.compare.diff import compare

    base_path, real_path, notes = load_pair(args.refresh)
    base, real = read_rgba(base_path), read_rgba(real_path)
    shifted = np.ascontiguousarray(np.roll(base, 1, axis=1))
    assert base.shape == real.shape == (HEIGHT, WIDTH, 4), (base.shape, real.shape)
    pixels = WIDTH * HEIGHT

    r_real = compare(base, real)
    r_shift = compare(base, shifted)
    if not r_real.regions:
        raise SystemExit("bench_diff: the realistic pair does not differ; run with --refresh")
    # the package's crop: CROP_ROWS rows through the middle of the biggest change
    top = r_real.regions[0]
    y0 = int(min(max(top.y + top.height // 2 - CROP_ROWS // 2, 0), HEIGHT - CROP_ROWS))
    crops = {
        "realistic": (base[y0 : y0 + CROP_ROWS], real[y0 : y0 + CROP_ROWS]),
        "shifted": (base[y0 : y0 + CROP_ROWS], shifted[y0 : y0 + CROP_ROWS]),
    }
    agree = {k: package_run(a, b) == compare(a, b).mismatched for k, (a, b) in crops.items()}

    tmp = Path(tempfile.mkdtemp(prefix="bench-diff-"))
    env = {k: v for k, v in os.environ.items() if k != "HARNESS_DEBUG"}
    cli = [sys.executable, "-m", "harness", "diff", str(base_path), str(real_path), "-o", str(tmp / "diff.png")]

    def run_cli() -> None:
        proc = subprocess.run(cli, cwd=ROOT, env=env, capture_output=True, text=True)
        if proc.returncode != 1:
            raise SystemExit(f"bench_diff: harness diff exited {proc.returncode}: {proc.stderr.strip()}")

    jobs: dict[str, Callable[[], object]] = {
        "realistic": lambda: compare(base, real),
        "realistic + diff image": lambda: compare(base, real, diff_image=True),
        "shifted": lambda: compare(base, shifted),
        "shifted + diff image": lambda: compare(base, shifted, diff_image=True),
        "process": run_cli,
        "package realistic crop": lambda: package_run(*crops["realistic"]),
        "package shifted crop": lambda: package_run(*crops["shifted"]),
    }
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0,)
    started = time.perf_counter()
    times = best_of(jobs, repeat)
    wall = time.perf_counter() - started
    for f in tmp.iterdir():
        f.unlink()
    tmp.rmdir()

    best = {k: min(v) for k, v in times.items()}
    med = {k: statistics.median(v) for k, v in times.items()}
    scale = pixels / (WIDTH * CROP_ROWS)
    package_full = {k: best[f"package {k} crop"] * scale for k in ("realistic", "shifted")}

    print(f"bench_diff: {WIDTH}x{HEIGHT} px ({pixels / 1e6:.2f} MP), best of {repeat} rounds, {wall:.1f} s")
    if hasattr(os, "getloadavg"):
        print(f"  load average {load[0]:.2f} before, {os.getloadavg()[0]:.2f} after, on {os.cpu_count()} CPUs "
              "(other work on the machine makes every figure slower)")
    print(f"  pair: {base_path.relative_to(ROOT)} vs {real_path.relative_to(ROOT)} ({EDIT_NOTE})")
    for note in notes:
        print(f"  {note}")
    print(f"  realistic: {r_real.mismatched} px differ, {r_real.antialiased} forgiven as anti-aliasing, "
          f"{len(r_real.regions)} regions (largest {top.width}x{top.height} at x={top.x} y={top.y})")
    print(f"  shifted (baseline rolled 1 px right): {r_shift.mismatched} px differ, {r_shift.antialiased} forgiven")
    print(f"  package crop: rows {y0}..{y0 + CROP_ROWS} ({WIDTH}x{CROP_ROWS}), scaled x{scale:.2f} per pixel; "
          f"counts agree with ours on the crop: {'yes' if all(agree.values()) else 'NO ' + str(agree)}")
    print()
    print(f"  {'measurement':<40}{'best ms':>10}{'median ms':>11}")
    rows = [
        ("compare(), realistic", "realistic"),
        ("compare(), realistic + diff image", "realistic + diff image"),
        ("compare(), shifted", "shifted"),
        ("compare(), shifted + diff image", "shifted + diff image"),
        ("harness diff -o (whole process)", "process"),
        (f"package, realistic crop {WIDTH}x{CROP_ROWS}", "package realistic crop"),
        (f"package, shifted crop {WIDTH}x{CROP_ROWS}", "package shifted crop"),
    ]
    for label, key in rows:
        print(f"  {label:<40}{best[key] * 1e3:>10.1f}{med[key] * 1e3:>11.1f}")
    for k in ("realistic", "shifted"):
        print(f"  {'package, ' + k + ' (scaled to full pair)':<40}{package_full[k] * 1e3:>10.0f}")
    print()
    print("  package / ours (primary; package scaled from its crop, with diff output):")
    for k in ("realistic", "shifted"):
        plain, image = best[k], best[f"{k} + diff image"]
        print(f"    {k:<10} {package_full[k] / image:>8.0f}x against ours with diff image, "
              f"{package_full[k] / plain:>6.0f}x against ours without")
    print("  ours / pixelmatch JS (reference figures measured on this machine class, not in this run):")
    for key, label in (
        ("realistic", "realistic"),
        ("realistic + diff image", "realistic + diff image"),
        ("shifted", "shifted"),
        ("process", "whole process (node + pngjs 560 ms)"),
    ):
        ref = JS_REFERENCE_MS[key]
        print(f"    {label:<38}{best[key] * 1e3:>8.1f} ms vs {ref:>5.0f} ms: {best[key] * 1e3 / ref:>5.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
