"""Benchmark of the responsive lint's in-page script on a big news front (~5000 elements).

    python benchmarks/bench_lint.py [--repeat N] [--page FILE.html ...]

The page is generated: 50 sections, each with a heading, a nav list of links and six story
cards (image, headline link, standfirst with an inline link, tags, byline, time), with a
stylesheet that lays them out as a news front does (grid of cards, clipped headlines, small
tags), so that every rule has real work. ``--page`` adds pages of your own (loaded from the
file, with every network request blocked).

Measured, best of N, for each page at 375 px (a touch phone: all five rules) and 1440 px
(a desktop: overflow, overlap and clipped): the time the script reports for itself
(``performance.now()`` around the whole script, in the page) and the whole
``page.evaluate`` round trip as the harness runs it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.config.breakpoints import Breakpoint, Viewport  # noqa: E402
from harness.config.pages import Page  # noqa: E402
from harness.inspect import lint  # noqa: E402
from harness.inspect.probe import Target  # noqa: E402

CSS = """
body { margin: 0; font: 16px/1.5 Georgia, serif; color: #222; }
.section { max-width: 1240px; margin: 0 auto; padding: 16px; }
.section nav a { display: inline-block; padding: 4px 8px; font: 13px/18px sans-serif; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 16px; }
.card img { display: block; width: 100%; height: auto; aspect-ratio: 16 / 9; background: #ddd; }
.card h3 { margin: 8px 0; font-size: 20px; line-height: 1.2; max-height: 72px; overflow: hidden; }
.card .tags { display: flex; gap: 4px; margin: 0; padding: 0; list-style: none; }
.card .tags a { font: 11px/16px sans-serif; }
.card .byline { font-size: 13px; color: #666; }
"""


def front_page(sections: int = 50) -> str:
    """A generated news front, about 5000 elements for 50 sections."""
    out = ["<!doctype html><html lang=en><head><meta charset=utf-8>",
           "<meta name=viewport content='width=device-width, initial-scale=1'>",
           f"<style>{CSS}</style></head><body>"]
    for s in range(sections):
        out.append(f"<section class=section><h2>Section {s}</h2><nav>")
        out += [f"<a href='#s{s}-{n}'>Topic {n}</a>" for n in range(8)]
        out.append("</nav><div class=cards>")
        for c in range(6):
            out.append(
                f"<article class=card><a href='#a{s}-{c}'><img alt='' width=320 height=180></a>"
                f"<h3><a href='#a{s}-{c}'>Story {s}-{c}: Russia and the U.S. differ on military force as talks open</a></h3>"
                f"<p>Kerry and Lavrov opened talks on Thursday on <a href='#l{s}-{c}'>disarming Syria's</a> chemical weapons.</p>"
                "<ul class=tags><li><a href='#t1'>World</a></li><li><a href='#t2'>Syria</a></li><li><a href='#t3'>Diplomacy</a></li></ul>"
                "<p class=byline><span>By Reuters staff</span> <time datetime='2013-09-12'>12 Sept 2013</time></p></article>"
            )
        out.append("</div></section>")
    out.append("</body></html>")
    return "".join(out)


def target(width: int, mobile: bool, touch: bool) -> Target:
    bp = Breakpoint("bench", 0, None, Viewport(width, 800), is_mobile=mobile, has_touch=touch)
    return Target(Page("bench", file="bench.html"), width, 800, mobile, touch, (bp,), (bp,))


def bench(pw, path: Path, repeat: int) -> None:  # type: ignore[no-untyped-def]
    from harness.capture.browser import launch

    browser, _ = launch(pw)
    try:
        for width, mobile, touch in ((375, True, True), (1440, False, False)):
            context = browser.new_context(viewport={"width": width, "height": 800}, is_mobile=mobile, has_touch=touch)
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
            page = context.new_page()
            page.goto(path.as_uri(), wait_until="load")
            part = lint.part(target(width, mobile, touch))
            assert part is not None
            page.evaluate(part.js, part.arg)  # warm up: the first run also compiles
            inside, whole = [], []
            for _ in range(repeat):
                t0 = time.perf_counter()
                answer = page.evaluate(part.js, part.arg)
                whole.append((time.perf_counter() - t0) * 1000)
                inside.append(answer["ms"]["all"])
            elements = page.evaluate("document.getElementsByTagName('*').length")
            found = lint.judge(answer, target(width, mobile, touch), target(width, mobile, touch).breakpoints[0])
            print(
                f"{path.name:24} {width:>5} px  {elements:>5} elements  {len(part.arg['rules'])} rules  "
                f"script {min(inside):>4} ms  evaluate {min(whole):>6.1f} ms  (best of {repeat})  findings: "
                + (", ".join(sorted({f.rule for f in found})) or "none")
            )
            context.close()
    finally:
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--page", type=Path, action="append", default=[], help="another HTML file to lint")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        generated = Path(tmp) / "front-5000.html"
        generated.write_text(front_page())
        for path in (generated, *args.page):
            bench(pw, path.resolve(), args.repeat)


if __name__ == "__main__":
    main()
