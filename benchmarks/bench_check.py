"""Benchmark of a whole ``harness check`` against a minimal hand-written loop and BackstopJS.

    python benchmarks/bench_check.py [--rounds N] [--no-backstop] [--no-curve] [--curve 1,5,20]

On the seed article (``pages/syria-talks``) at the 14 breakpoints of breakpoints.yaml, all
passing against the committed baselines, it times, alternating within each round so that
every contender sees the same machine conditions:

* ``harness check --page syria-talks``: the whole process, interpreter start and browser
  launch included, with its probe, lint, specs, report and results;
* the minimal loop (``MINIMAL_LOOP`` below, also a whole process): launch the same
  Chromium, load the page once, for each width resize, take Playwright's full-page
  screenshot and compare it with the baseline in numpy on a thread while the next
  width is captured. It is what the harness must not cost much more than. (It does not
  hold the page still, so its pixels differ from the baselines; the comparison costs
  the same either way);
* BackstopJS ``test`` on the same page and viewports with the same Chromium (puppeteer),
  where npm can install it into ``benchmarks/.cache/backstop``; otherwise it says why
  it skipped.

It prints the medians and the ratios (targets: harness <= 1.1x the loop, >= 4x faster
than BackstopJS), then the scaling curve: 1, 5 and 20 copies of the page x 14
breakpoints, each timed once with the peak memory of the harness's own process, which
must stay flat (no image is kept once judged).

It also checks the fast paths: every shot of the seed page passes without being decoded
(its bytes equal the baseline's); and on every bundled page, as committed and with a
regression injected into a copy, the fast path gives the same statuses and counts as the
plain one (``HARNESS_FAST=0``: a load per viewport, Playwright's screenshot, every page
scrolled, judging inline).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(__file__).resolve().parent / ".cache"
PAGE = "syria-talks"
TARGET_LOOP, TARGET_BACKSTOP = 1.1, 4.0

# The minimal loop, as a user would write it by hand. argv: chromium, page folder, baselines folder, breakpoints json.
MINIMAL_LOOP = r"""
import io, json, os, sys, threading
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
import numpy as np
from PIL import Image
from playwright.sync_api import sync_playwright

chromium, pages, baselines, viewports = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=pages))
SimpleHTTPRequestHandler.log_message = lambda *a: None
threading.Thread(target=server.serve_forever, daemon=True).start()

def same(png, name):
    a = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))
    b = np.asarray(Image.open(f"{baselines}/{name}.png").convert("RGBA"))
    return a.shape == b.shape and int((a != b).any(axis=2).sum()) == 0

args = ["--no-sandbox"] if os.geteuid() == 0 else []
with sync_playwright() as pw, ThreadPoolExecutor(1) as pool:
    browser = pw.chromium.launch(executable_path=chromium, args=args)
    page = browser.new_page()
    page.goto(f"http://127.0.0.1:{server.server_address[1]}/{sys.argv[5]}/", wait_until="load")
    verdicts = []
    for name, (w, h) in viewports.items():
        page.set_viewport_size({"width": w, "height": h})
        verdicts.append(pool.submit(same, page.screenshot(full_page=True), name))
    passed = sum(v.result() for v in verdicts)
    browser.close()
print(f"{passed}/{len(verdicts)} identical")
"""

# The harness run in-process, reporting its own peak memory (KiB) on the last line.
PEAK_RSS = r"""
import resource, sys
from harness.cli import main
code = main(sys.argv[1:])
print(f"peak-rss-kib {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}")
sys.exit(code)
"""


def chromium() -> str:
    """The Chromium the harness itself would use, so every contender renders with it."""
    code = (
        "from playwright.sync_api import sync_playwright\n"
        "from harness.capture.browser import candidates, playwright_executable_path\n"
        "with sync_playwright() as pw:\n    own = playwright_executable_path(pw)\n"
        "print(own or next(c.executable for c in candidates() if c.executable))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if found.returncode != 0 or not found.stdout.strip():
        sys.exit(f"bench_check: no Chromium found: {found.stderr.strip().splitlines()[-1:]}")
    return found.stdout.strip()


def viewports() -> dict[str, tuple[int, int]]:
    sys.path.insert(0, str(ROOT))
    from harness.config.breakpoints import load_breakpoints

    return {bp.name: (bp.viewport.width, bp.viewport.height) for bp in load_breakpoints(ROOT / "breakpoints.yaml")}


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, str]:
    t0 = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        sys.exit(f"bench_check: {' '.join(command[:4])}... failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return seconds, done.stdout


def harness_check(out: Path, *extra: str, cwd: Path = ROOT) -> tuple[float, str]:
    return timed([sys.executable, "-m", "harness", "check", "--output-dir", str(out), *extra], cwd)


def minimal_loop(browser: str, vps: dict[str, tuple[int, int]]) -> tuple[float, str]:
    args = [sys.executable, "-c", MINIMAL_LOOP, browser, str(ROOT / "pages"), str(ROOT / "baselines" / PAGE), json.dumps(vps), PAGE]
    return timed(args, ROOT)


# -- BackstopJS -----------------------------------------------------------------------------


def backstop_install() -> tuple[Path | None, str]:
    """BackstopJS in benchmarks/.cache/backstop, installed once; (its cli, or None and why)."""
    home = CACHE / "backstop"
    cli = home / "node_modules" / "backstopjs" / "cli" / "index.js"
    if cli.exists():
        return cli, ""
    if not shutil.which("npm") or not shutil.which("node"):
        return None, "node and npm are not installed"
    home.mkdir(parents=True, exist_ok=True)
    (home / "package.json").write_text('{"private": true}\n')
    env = {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1", "PUPPETEER_SKIP_CHROMIUM_DOWNLOAD": "1"}
    print("installing BackstopJS with npm (once, into benchmarks/.cache/backstop)...", flush=True)
    done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "backstopjs@6"], cwd=home, env=env,
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0 or not cli.exists():
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"npm could not install backstopjs ({last})"
    return cli, ""


def backstop_project(browser: str, vps: dict[str, tuple[int, int]], work: Path, port: int) -> Path:
    """A backstop.json for the seed page at the 14 viewports, with the same Chromium, and
    BackstopJS's own defaults otherwise (5 captures at once, 50 comparisons at once)."""
    config = {
        "id": "seed",
        "viewports": [{"label": name, "width": w, "height": h} for name, (w, h) in vps.items()],
        "scenarios": [{"label": PAGE, "url": f"http://127.0.0.1:{port}/{PAGE}/", "misMatchThreshold": 0}],
        "paths": {
            "bitmaps_reference": "reference",
            "bitmaps_test": "test",
            "engine_scripts": "scripts",
            "html_report": "report",
            "ci_report": "ci",
        },
        "report": ["CI"],
        "engine": "puppeteer",
        "engineOptions": {"executablePath": browser, "args": ["--no-sandbox"], "headless": "new"},
    }
    work.mkdir(parents=True, exist_ok=True)
    (work / "backstop.json").write_text(json.dumps(config, indent=2))
    return work


class PageServer:
    """The bundled pages on loopback, for BackstopJS."""

    def __enter__(self) -> int:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", str(ROOT / "pages")],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        line = self.process.stdout.readline() if self.process.stdout else ""  # "Serving HTTP on 127.0.0.1 port N ..."
        return int(line.split(" port ")[1].split()[0])

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


# -- the scaling curve ----------------------------------------------------------------------


def curve_project(copies: int, work: Path) -> Path:
    """A project with ``copies`` copies of the seed page and its baselines."""
    root = work / f"p{copies}"
    (root / "pages").mkdir(parents=True)
    shutil.copy(ROOT / "breakpoints.yaml", root)
    shutil.copytree(ROOT / "pages" / "_assets", root / "pages" / "_assets")
    for i in range(copies):
        shutil.copytree(ROOT / "pages" / PAGE, root / "pages" / f"{PAGE}-{i}")
        shutil.copytree(ROOT / "baselines" / PAGE, root / "baselines" / f"{PAGE}-{i}")
    return root  # no specs.yaml: the specs name the bundled pages


def curve(counts: list[int]) -> list[tuple[int, int, float, int]]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-curve-") as tmp:
        for n in counts:
            root = curve_project(n, Path(tmp))
            seconds, out = timed([sys.executable, "-c", PEAK_RSS, "check", "-q"], root)
            shots = n * len(viewports())
            peak = int(out.strip().splitlines()[-1].split()[-1])
            rows.append((n, shots, seconds, peak))
            print(f"  {n:>3} pages  {shots:>4} shots  {seconds:7.1f} s  {seconds / shots * 1000:6.0f} ms/shot  "
                  f"peak {peak / 1024:6.0f} MiB", flush=True)
            shutil.rmtree(root)
    return rows


# -- the fast paths ---------------------------------------------------------------------------

REGRESSION = "\n@media (min-width: 1024px) { h1 { margin-top: 4px !important; } }\n"  # fails the wide shots of every page


def verdicts(root: Path, fast: bool) -> dict[str, tuple[str, int | None]]:
    env = {**os.environ, "HARNESS_FAST": "1" if fast else "0"}
    done = subprocess.run([sys.executable, "-m", "harness", "check", "-q", "--output-dir", "out"], cwd=root, env=env,
                          capture_output=True, text=True)
    if done.returncode not in (0, 1):
        sys.exit(f"bench_check: harness check failed ({done.returncode}): {done.stderr.strip()}")
    shots = json.loads((root / "out" / "results.json").read_text())["shots"]
    return {f"{s['page']}/{s['breakpoint']}": (s["status"], s.get("mismatched")) for s in shots}


def same_results() -> None:
    """Fast and plain paths agree on every bundled page, unchanged and with a regression."""
    with tempfile.TemporaryDirectory(prefix="bench-verify-") as tmp:
        root = Path(tmp) / "project"
        root.mkdir()
        for name in ("breakpoints.yaml", "specs.yaml"):
            if (ROOT / name).exists():
                shutil.copy(ROOT / name, root)
        shutil.copytree(ROOT / "pages", root / "pages")
        shutil.copytree(ROOT / "baselines", root / "baselines")
        for case in ("as committed", "with a regression"):
            if case == "with a regression":
                for css in [root / "pages/_assets/site.css", *root.glob("pages/*/article.css")]:
                    with css.open("a") as f:
                        f.write(REGRESSION)
            fast, plain = verdicts(root, True), verdicts(root, False)
            if fast != plain:
                differ = sorted(k for k in fast.keys() | plain.keys() if fast.get(k) != plain.get(k))
                sys.exit(f"bench_check: fast and plain paths disagree {case}: " +
                         "; ".join(f"{k}: {fast.get(k)} vs {plain.get(k)}" for k in differ[:5]))
            counts = {status: sum(v[0] == status for v in fast.values()) for status in ("pass", "fail", "new", "error", "unstable")}
            print(f"  {case}: {len(fast)} shots, identical statuses and counts ({', '.join(f'{n} {k}' for k, n in counts.items() if n)})")


def fast_path_report(out: Path) -> str:
    shots = json.loads((out / "results.json").read_text())["shots"]
    failing = [s["breakpoint"] for s in shots if s["status"] != "pass"]
    if failing:
        sys.exit(f"bench_check: the seed page must pass at every breakpoint; not: {', '.join(failing)}")
    decoded = [s["breakpoint"] for s in shots if any("settled" in w for w in s.get("waits", []))]
    loads = sum(any(w.startswith("load ") for w in s.get("waits", [])) for s in shots)
    fast = len(shots) - len(decoded)
    return f"{len(shots)} shots passed; {fast} byte-identical to their baseline (no decode); {loads} page loads"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (default 5; the median counts)")
    parser.add_argument("--no-backstop", action="store_true", help="skip BackstopJS")
    parser.add_argument("--curve", default="1,5,20", help="page counts of the scaling curve (default 1,5,20)")
    parser.add_argument("--no-curve", action="store_true", help="skip the scaling curve")
    parser.add_argument("--no-verify", action="store_true", help="skip checking that the fast and plain paths agree")
    args = parser.parse_args()

    browser, vps = chromium(), viewports()
    print(f"chromium: {browser}; page: {PAGE} at {len(vps)} breakpoints; {os.cpu_count()} cores")
    cli, why = (None, "--no-backstop") if args.no_backstop else backstop_install()
    times: dict[str, list[float]] = {"harness check": [], "minimal loop": [], "backstop test": []}
    backstop_failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp, PageServer() as port:
        out = Path(tmp) / "out"
        bs = backstop_project(browser, vps, Path(tmp) / "backstop", port) if cli else None
        if cli and bs:
            timed(["node", str(cli), "reference", "--config=backstop.json"], bs)
        harness_check(out, "--page", PAGE)  # warm the disk cache for every contender alike
        minimal_loop(browser, vps)
        for r in range(args.rounds):
            said = []
            for name, run in (("harness check", lambda: harness_check(out, "--page", PAGE)[0]),
                              ("minimal loop", lambda: minimal_loop(browser, vps)[0])):
                times[name].append(run())
                said.append(f"{name} {times[name][-1]:.2f} s")
            if cli and bs:
                t0 = time.perf_counter()
                done = subprocess.run(["node", str(cli), "test", "--config=backstop.json"], cwd=bs, capture_output=True, text=True)
                seconds = time.perf_counter() - t0
                if done.returncode == 0:
                    times["backstop test"].append(seconds)
                    said.append(f"backstop test {seconds:.2f} s")
                else:  # seen under load: a capture loses its selector label, then its reference
                    backstop_failures.append(f"round {r + 1} ({seconds:.1f} s)")
                    said.append(f"backstop test FAILED after {seconds:.2f} s")
            print(f"round {r + 1}: " + ", ".join(said), flush=True)
        print("fast paths: " + fast_path_report(out))

    median = {k: statistics.median(v) for k, v in times.items() if v}
    ratio_loop = median["harness check"] / median["minimal loop"]
    print()
    for name, value in median.items():
        print(f"{name:>14}: {value:6.2f} s  (median of {len(times[name])})")
    print(f"harness / minimal loop: {ratio_loop:.2f}x  (target <= {TARGET_LOOP}x)")
    if "backstop test" in median:
        speedup = median["backstop test"] / median["harness check"]
        print(f"BackstopJS / harness:   {speedup:.2f}x  (target >= {TARGET_BACKSTOP}x)")
    elif not backstop_failures:
        print(f"BackstopJS: skipped ({why})")
    if backstop_failures:
        print(f"BackstopJS rounds left out because BackstopJS itself failed: {', '.join(backstop_failures)}")
    if not args.no_verify:
        print("\nfast path against plain path (HARNESS_FAST=0), every bundled page:")
        same_results()
    if not args.no_curve:
        print("\nscaling curve (harness check on N copies of the page and its baselines, 14 breakpoints each):")
        rows = curve([int(n) for n in args.curve.split(",")])
        per_shot = [s / shots for _, shots, s, _ in rows]
        print(f"  ms per shot: {' -> '.join(f'{p * 1000:.0f}' for p in per_shot)} (linear when flat); "
              f"peak memory: {' -> '.join(f'{peak / 1024:.0f}' for *_, peak in rows)} MiB (flat when no image accumulates)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
