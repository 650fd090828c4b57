"""Breakpoint coverage: media query widths, the agreement check, ``harness coverage`` and ``--edges``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import BOOTSTRAP_BOUNDARIES, REPO, copy_seed, make_bootstrap_site, make_project, run_cli

from harness.capture.server import PageServer
from harness.config.breakpoints import Breakpoint, Viewport, load_breakpoints
from harness.config.page_settings import PageSettings
from harness.config.pages import Page
from harness.inspect import media
from harness.inspect.coverage import MediaText, PageMedia, agreement, gaps, inside_ranges, judge, part, unused_edges, yaml_edges
from harness.inspect.probe import Target
from harness.plan.matrix import EDGE_FLOOR, edges, group, select, with_edges

# -- media query width conditions (pure) --------------------------------------------------------


@pytest.mark.parametrize(
    "text, boundaries",
    [
        ("(min-width: 640px)", (640,)),
        ("(max-width: 919px)", (920,)),  # the first width where it stops matching
        ("(max-width: 919.98px)", (920,)),
        ("(min-width: 640.5px)", (641,)),
        ("(width >= 640px)", (640,)),
        ("(width > 639px)", (640,)),
        ("(width < 920px)", (920,)),
        ("(width <= 919px)", (920,)),
        ("(400px < width)", (401,)),
        ("(640px <= width < 920px)", (640, 920)),
        ("(920px > width >= 640px)", (640, 920)),
        ("(min-width: 640px) and (max-width: 919px)", (640, 920)),
        ("((min-width: 640px) and (max-width: 919px))", (640, 920)),
        ("screen and (min-width: 640px)", (640,)),
        ("only screen and (min-width: 640px)", (640,)),
        ("(MIN-WIDTH: 640PX)", (640,)),
        ("(min-width:640px)", (640,)),
        ("(min-width: 40em)", (640,)),  # em and rem: 16 px, the initial font size
        ("(max-width: 57.4375rem)", (920,)),
        ("(min-width: 1in)", (96,)),
        ("(min-width: calc(641px))", (641,)),
        ("(min-width: calc(40em + 1px))", (641,)),
        ("(min-width: calc(2 * 320px))", (640,)),
        ("(width: 640px)", (640, 641)),
        ("(min-device-width: 640px)", (640,)),  # Playwright keeps the screen as wide as the viewport
        ("(min-width: 640px), (max-width: 300px)", (301, 640)),
        ("(min-width: 640px) or (max-width: 300px)", (301, 640)),
        ("(min-width: 640px), (min-width: 920px)", (640,)),  # 920 changes nothing: already matching
        ("not all and (min-width: 640px)", (640,)),
        ("not screen and (min-width: 640px)", (640,)),
        ("not (width < 640px)", (640,)),
        ("(min-width: 640px) and (max-width: 500px)", ()),  # never matches
        # other features may be either: their width parts still count
        ("only screen and (min-width: 40em) and (orientation: landscape)", (640,)),
        ("(min-width: 640px) and (hover: hover) and (prefers-reduced-motion: reduce)", (640,)),
        ("(min-width: 640px) and (max-width: 919px) and (min-height: 500px)", (640, 920)),
        ("(orientation: portrait), (min-width: 640px)", (640,)),  # in landscape it switches at 640
        ("(min-width: 640px) and (min-resolution: 2dppx)", (640,)),
        ("(aspect-ratio > 16 / 9)", ()),
        ("(-webkit-min-device-pixel-ratio: 2)", ()),
        ("(prefers-color-scheme: dark)", ()),
        # what never matches a screen, or always does
        ("print and (min-width: 640px)", ()),
        ("(min-width: 640px), print and (max-width: 100px)", (640,)),
        ("not all", ()),
        ("all", ()),
        ("", ()),
        ("(min-width: 0)", ()),
        ("(width)", ()),
    ],
)
def test_boundaries(text: str, boundaries: tuple[int, ...]) -> None:
    reading = media.read(text)
    assert reading.boundaries == boundaries
    assert reading.problems == ()


@pytest.mark.parametrize(
    "text, boundaries, problem",
    [
        ("(min-width: 30ex)", (), "unit 'ex'"),
        ("(min-width: 10vw)", (), "unit 'vw'"),
        ("(min-width: 640px), (min-width: 30ex)", (640,), "unit 'ex'"),  # the readable part still counts
        ("(min-width: 640px) and (max-width: 30ch)", (640,), "unit 'ch'"),
        ("(min-width: 640)", (), "needs a unit"),
        ("(min-width 640px)", (), "expected ':'"),
        ("(min-width: 640px", (), "ends too early"),
        ("garbage (((", (), "unexpected '('"),
        ("(min-width: 640px) and (hover) or (pointer)", (), "mixed"),
        ("(min-width: 640px) $", (), "cannot read '$'"),
        ("(min-width: min(640px, 50em))", (), "min() is not supported"),
        ("(max-width: 919px) and (min-width: 1e999px)", (920,), "infinite"),
        ("(640px < width > 900px)", (), "point one way"),
    ],
)
def test_unreadable_conditions_are_reported_not_raised(text: str, boundaries: tuple[int, ...], problem: str) -> None:
    reading = media.read(text)
    assert reading.boundaries == boundaries
    assert len(reading.problems) == 1 and problem in reading.problems[0]


def test_an_unreadable_query_may_be_either_so_the_others_still_switch() -> None:
    # If the unreadable query matched, the list would always match; if not, it switches at 640.
    assert media.read("(min-width: 640px), (min-width: 30ex)").boundaries == (640,)
    assert media.matches("(min-width: 640px), (min-width: 30ex)", 700) is True
    assert media.matches("(min-width: 640px), (min-width: 30ex)", 600) is None


@pytest.mark.parametrize(
    "text, width, expected",
    [
        ("(min-width: 640px)", 639, False),
        ("(min-width: 640px)", 640, True),
        ("(max-width: 919.98px)", 919, True),
        ("(max-width: 919.98px)", 920, False),
        ("(640px <= width < 920px)", 920, False),
        ("(min-width: 640px) and (hover: hover)", 700, None),
        ("(min-width: 640px) and (hover: hover)", 600, False),
        ("print", 700, False),
    ],
)
def test_matches(text: str, width: int, expected: bool | None) -> None:
    assert media.matches(text, width) is expected


def test_boundaries_of_many_lists_are_merged_and_sorted() -> None:
    assert media.boundaries(["(min-width: 920px)", "(max-width: 639px)", "(min-width: 640px)"]) == (640, 920)


def _tree(depth: int):  # type: ignore[no-untyped-def]
    """Random width conditions as (CSS text, the same condition in Python)."""
    from hypothesis import strategies as st

    leaf = st.tuples(st.sampled_from(["min-width", "max-width", ">=", "<", "<=", ">"]), st.integers(1, 120)).map(_leaf)
    if depth == 0:
        return leaf

    def join(parts, word):  # type: ignore[no-untyped-def]
        text = f" {word} ".join(f"({p[0]})" if p[0].startswith(("not", "(")) and " " in p[0] else p[0] for p in parts)
        test = (lambda w: all(p[1](w) for p in parts)) if word == "and" else (lambda w: any(p[1](w) for p in parts))
        return f"({text})", test

    sub = _tree(depth - 1)
    return st.one_of(
        leaf,
        st.tuples(st.lists(sub, min_size=2, max_size=3), st.sampled_from(["and", "or"])).map(lambda a: join(*a)),
        sub.map(lambda p: (f"(not {p[0]})", lambda w: not p[1](w))),
    )


def _leaf(spec):  # type: ignore[no-untyped-def]
    op, v = spec
    if op == "min-width":
        return f"(min-width: {v}px)", lambda w: w >= v
    if op == "max-width":
        return f"(max-width: {v}px)", lambda w: w <= v
    tests = {">=": lambda w: w >= v, "<": lambda w: w < v, "<=": lambda w: w <= v, ">": lambda w: w > v}
    return f"(width {op} {v}px)", tests[op]


def test_boundaries_are_exactly_where_the_condition_flips() -> None:
    from hypothesis import given, settings

    @settings(max_examples=100, deadline=None)
    @given(_tree(2))
    def check(cond):  # type: ignore[no-untyped-def]
        text, test = cond
        expected = tuple(w for w in range(1, 200) if test(w - 1) != test(w))
        assert media.read(text).boundaries == expected, text
        assert all(media.matches(text, w) is test(w) for w in (0, 50, 100, 130))

    check()


# -- the agreement check and the coverage arithmetic (pure) --------------------------------------



BUNDLED = load_breakpoints(REPO / "breakpoints.yaml")
BY_NAME = {b.name: b for b in BUNDLED}
SEED = Page("syria-talks", file="syria-talks/index.html")


def seed_media(**changes: str) -> tuple[MediaText, ...]:
    """The seed page's detector rules as the probe reads them, with some texts changed."""
    rules = {
        "narrow-browser-and-phone": "(max-width: 639px)",
        "medium-browser-and-portrait-tablet": "(min-width: 640px) and (max-width: 919px)",
        "landscape-tablet": "(min-width: 920px) and (max-width: 1280px)",
        "above-portrait-tablet": "(min-width: 920px)",
    }
    rules.update(changes)
    return tuple(MediaText(text, "/syria-talks/article.css", (name,)) for name, text in rules.items())


def shown_at(entries: tuple[MediaText, ...], width: int) -> tuple[str, ...]:
    return tuple(m.names[0] for m in entries if media.matches(m.text, width))


def detector_at(width: int, **changes: str) -> PageMedia:
    entries = seed_media(**changes)
    return PageMedia(entries, detector=tuple(m.names[0] for m in entries), active=shown_at(entries, width), width=width)


def messages(found: list) -> list[str]:  # type: ignore[type-arg]
    return [f.message for _, f in found]


def test_the_detector_agrees_with_the_bundled_breakpoints_everywhere() -> None:
    for width in (320, 639, 640, 919, 920, 1280, 1281, 2000):
        assert agreement(detector_at(width), width, BUNDLED) == []


@pytest.mark.parametrize(
    "changes, width, expected",
    [
        # shown too late / too early / ended too late / ended too early
        ({"landscape-tablet": "(min-width: 921px) and (max-width: 1280px)"}, 920,
         "page CSS switches to landscape-tablet at 921 px, breakpoints.yaml says 920"),
        ({"landscape-tablet": "(min-width: 919px) and (max-width: 1280px)"}, 919,
         "page CSS switches to landscape-tablet at 919 px, breakpoints.yaml says 920"),
        ({"medium-browser-and-portrait-tablet": "(min-width: 640px) and (max-width: 920px)"}, 920,
         "page CSS ends medium-browser-and-portrait-tablet at 920 px, breakpoints.yaml says 919"),
        ({"landscape-tablet": "(min-width: 920px) and (max-width: 1279px)"}, 1280,
         "page CSS ends landscape-tablet at 1279 px, breakpoints.yaml says 1280"),
        ({"above-portrait-tablet": "(min-width: 960px)"}, 920,
         "page CSS switches to above-portrait-tablet at 960 px, breakpoints.yaml says 920"),
        # no boundary of its own on the right side: said plainly
        ({"landscape-tablet": "not all"}, 1024, "at 1024 px page CSS says landscape-tablet is not active, breakpoints.yaml says it is"),
        ({"narrow-browser-and-phone": "all"}, 1024, "at 1024 px page CSS says narrow-browser-and-phone is active, breakpoints.yaml says it is not"),
        ({"landscape-tablet": "(min-width: 1300px)"}, 1024,  # never inside its range: no switch "to" it there
         "at 1024 px page CSS says landscape-tablet is not active, breakpoints.yaml says it is"),
    ],
)
def test_a_detector_disagreement_names_the_breakpoint_and_both_widths(changes: dict[str, str], width: int, expected: str) -> None:
    found = agreement(detector_at(width, **changes), width, BUNDLED)
    assert messages(found) == [expected]
    (about, finding), = found
    assert about in expected
    assert (finding.kind, finding.rule, finding.severity) == ("breakpoints", "agreement", "fail")


def test_only_names_the_widget_has_are_compared() -> None:
    page = PageMedia(seed_media(), detector=("landscape-tablet",), active=("landscape-tablet",), width=1024)
    assert agreement(page, 1024, BUNDLED) == []  # medium-browser-and-landscape-tablet etc. are not in the widget


def test_each_disagreement_is_reported_once_per_render() -> None:
    width = 920
    data = {
        "media": [{"text": m.text, "source": m.source, "names": list(m.names)} for m in seed_media(**{"landscape-tablet": "not all"})],
        "detector": {"items": ["landscape-tablet", "above-portrait-tablet"], "active": ["above-portrait-tablet"]},
        "width": width,
    }
    names = ("above-portrait-tablet", "landscape-tablet-and-above", "landscape-tablet-and-medium-wide-browser")
    target = Target(SEED, width, 900, False, False, tuple(BY_NAME[n] for n in names), BUNDLED)
    found = {n: [f.message for f in judge(data, target, BY_NAME[n])] for n in names}
    assert found == {  # landscape-tablet is not a name of this render: its first shot carries it
        "above-portrait-tablet": ["at 920 px page CSS says landscape-tablet is not active, breakpoints.yaml says it is"],
        "landscape-tablet-and-above": [],
        "landscape-tablet-and-medium-wide-browser": [],
    }
    own = Target(SEED, width, 768, False, True, (Breakpoint("landscape-tablet@920", 920, 1280, Viewport(920, 768)),), BUNDLED)
    assert len(judge(data, own, own.breakpoints[0])) == 1  # an edge shot carries its own breakpoint's disagreement


@pytest.mark.parametrize(
    "boundary, width, expected",
    [
        (921, 920, ("fail", "page CSS switches at 921 px; breakpoints.yaml's landscape-tablet starts at 920")),
        (919, 919, ("fail", "page CSS switches at 919 px; breakpoints.yaml's landscape-tablet starts at 920")),
        (1280, 1280, ("fail", "page CSS switches at 1280 px; breakpoints.yaml's medium-wide-browser starts at 1281")),
        (900, 919, ("warn", "page CSS switches at 900 px; breakpoints.yaml's landscape-tablet starts at 920")),
        (921, 1024, None),  # only the renders between the two boundaries see it
        (700, 700, None),  # far from every breakpoints.yaml boundary: a coverage question, not an agreement one
        (640, 640, None),
    ],
)
def test_without_a_detector_boundaries_near_the_yaml_ones_are_reported(boundary: int, width: int, expected: tuple[str, str] | None) -> None:
    page = PageMedia((MediaText(f"(min-width: {boundary}px)", "/a.css"),), width=width)
    found = [(f.severity, f.message) for _, f in agreement(page, width, BUNDLED)]
    assert found == ([expected] if expected else [])


def test_a_near_boundary_no_render_falls_between_is_reported_by_the_nearest_render() -> None:
    tiny = (Breakpoint("phone", 0, 639, Viewport(360, 640)), Breakpoint("tablet", 640, None, Viewport(800, 600)))
    page = PageMedia((MediaText("(min-width: 650px)", "/a.css"),), width=360)
    assert [f.message for _, f in agreement(page, 360, tiny)] == []  # 800 is nearer to 640-649
    page = PageMedia((MediaText("(min-width: 650px)", "/a.css"),), width=800)
    assert [(f.severity, f.message) for _, f in agreement(page, 800, tiny)] == [
        ("warn", "page CSS switches at 650 px; breakpoints.yaml's tablet starts at 640")
    ]


def test_a_page_whose_css_sees_another_width_says_so_once() -> None:
    page = PageMedia(seed_media(), detector=("landscape-tablet",), active=("landscape-tablet",), width=980)
    found = messages(agreement(page, 375, BUNDLED))
    assert len(found) == 1 and "sees a 980 px wide viewport" in found[0] and "meta name=viewport" in found[0]


def test_yaml_edges_prefer_the_narrowest_name_that_starts_there() -> None:
    assert yaml_edges(BUNDLED) == {
        640: "medium-browser-and-portrait-tablet starts at 640",
        920: "landscape-tablet starts at 920",
        1281: "medium-wide-browser starts at 1281",
        1600: "wide-browser-and-larger starts at 1600",
    }


@pytest.mark.parametrize(
    "boundaries, widths, untested, gap",
    [
        ([640, 920], [375, 639, 640, 919, 920], [], ""),
        ([640, 700, 1024], [360, 800, 1200], [640, 700], "nothing rendered in 640\u2013699 px"),
        ([640], [700, 800], [640], "nothing rendered in 0\u2013639 px"),
        ([640], [100], [640], "nothing rendered in 640+ px"),
        ([640, 641], [639, 700], [640, 641], "nothing rendered in 640 px"),
        ([], [100], [], ""),
    ],
)
def test_gaps(boundaries: list[int], widths: list[int], untested: list[int], gap: str) -> None:
    found = gaps(boundaries, widths)
    assert [b.width for b in found] == sorted(boundaries)
    assert [b.width for b in found if not b.tested] == untested
    if untested:
        assert gap in [b.gap() for b in found if not b.tested][0]


# -- edges in the plan -------------------------------------------------------------------------------


def test_edges_render_each_range_at_its_ends_with_its_own_height_and_device() -> None:
    names = {bp.name: [(e.name, e.viewport.width, e.viewport.height, e.device_key) for e in edges(bp)] for bp in BUNDLED}
    assert names["narrow-browser-and-phone"] == [
        (f"narrow-browser-and-phone@{EDGE_FLOOR}", EDGE_FLOOR, 812, (1.0, True, True)),  # a range from 0 starts at the floor
        ("narrow-browser-and-phone@639", 639, 812, (1.0, True, True)),
    ]
    assert [n for n, *_ in names["landscape-tablet"]] == ["landscape-tablet@920", "landscape-tablet@1280"]
    assert [n for n, *_ in names["wide-browser-and-larger"]] == ["wide-browser-and-larger@1600"]  # an open range has no top
    assert names["above-phone"] == []  # its viewport is its only edge: that shot exists already
    assert edges(Breakpoint("watch", 0, 200, Viewport(180, 180))) == [Breakpoint("watch@200", 0, 200, Viewport(200, 180))]


def test_identical_edges_of_several_names_render_once() -> None:
    shots = with_edges(select([SEED], BUNDLED))
    assert len(shots) == 14 + 16
    renders = {tuple(s.breakpoint.name for s in r.shots) for r in group(shots)}
    assert ("above-portrait-tablet", "landscape-tablet-and-above@920", "landscape-tablet-and-medium-wide-browser@920") in renders
    assert ("landscape-tablet@920",) in renders  # same width, but the tablet's own height and touch


# -- the probe in a real page ----------------------------------------------------------------------------



PROBE_PAGE = """<!doctype html><html><head>
<link rel="stylesheet" href="main.css">
<link rel="stylesheet" href="wide.css" media="(min-width: 1100px)">
<link rel="stylesheet" href="{other}/far.css">
<style>
@import url("imported.css") screen and (min-width: 500px);
@supports (display: grid) {{ @media (min-width: 510px) {{ a {{ color: red }} }} }}
@layer base {{ @media (min-width: 520px) {{ a {{ color: red }} }} }}
@container (min-width: 400px) {{ @media (min-width: 530px) {{ a {{ color: red }} }} }}
.card {{ color: blue; @media (min-width: 540px) {{ color: red }} }}
.bp li {{ display: none }}
@media (min-width: 600px) {{ .bp [data-breakpoint="wide"] {{ display: block }} }}
@media (max-width: 599px) {{ .bp [data-breakpoint="narrow"] {{ display: block }} }}
@media (max-width: 599px) {{ .bp [data-breakpoint="hidden"] {{ display: block; visibility: hidden }} }}
</style></head><body>
<picture><source media="(min-width: 560px)" srcset="a.png"><img alt=""></picture>
<ul class="bp" style="position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%)">
  <li data-breakpoint="narrow">narrow</li><li data-breakpoint="wide">wide</li><li data-breakpoint="hidden">hidden</li>
</ul>
<div style="display: none"><span class="probe" style="display: block">in-a-hidden-box</span></div>
<span class="probe">shown-by-text</span>
</body></html>
"""


def probe(browser, url: str, width: int, detector: str | None = "[data-breakpoint]") -> dict:  # type: ignore[no-untyped-def, type-arg]
    page = browser.new_page(viewport={"width": width, "height": 600})
    try:
        page.goto(url)
        target = Target(Page("p", settings=PageSettings(detector=detector)), width, 600, False, False, (), ())
        p = part(target)
        assert p is not None
        return page.evaluate(p.js, p.arg)  # type: ignore[no-any-return]
    finally:
        page.close()


@pytest.mark.browser
def test_the_probe_reads_every_media_query_and_the_detector(browser, tmp_path: Path) -> None:
    site, far = tmp_path / "site", tmp_path / "far"
    site.mkdir(), far.mkdir()
    (site / "main.css").write_text("@media (min-width: 700px) and (max-width: 799.98px) { p { color: red } }")
    (site / "imported.css").write_text("@media (min-width: 750px) { p { color: red } }")
    (site / "wide.css").write_text("p { color: green }")
    (far / "far.css").write_text("@media (min-width: 999px) { p { color: red } }")
    with PageServer(far) as other, PageServer(site) as server:
        (site / "index.html").write_text(PROBE_PAGE.format(other=other.origin))
        data = probe(browser, server.url_for("index.html"), 620)
        texts = probe(browser, server.url_for("index.html"), 620, detector=".probe")["detector"]
    page = PageMedia.from_json(data)
    # @container's own condition is about a container; everything else is the viewport's
    assert page.boundaries() == (500, 510, 520, 530, 540, 560, 600, 700, 750, 800, 1100)
    assert {m.source for m in page.media} >= {"/main.css", "/imported.css", "/wide.css", "inline <style> #1", "<picture> <source>"}
    assert page.unreadable == (f"{other.origin}/far.css",)
    assert any("cross-origin" in line for line in page.problems())
    assert page.width == 620
    assert page.detector == ("narrow", "wide", "hidden") and page.active == ("wide",)
    assert [m.names for m in page.media if m.text == "(min-width: 600px)"] == [("wide",)]
    assert page.layout_boundaries() == (500, 510, 520, 530, 540, 560, 700, 750, 800, 1100)
    assert texts == {"items": ["in-a-hidden-box", "shown-by-text"], "active": ["shown-by-text"]}  # display: none above it


@pytest.mark.browser
def test_the_probe_at_a_narrow_width_and_without_a_detector(browser, tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(PROBE_PAGE.format(other="http://127.0.0.1:9"))
    with PageServer(tmp_path) as server:
        narrow = probe(browser, server.url_for("index.html"), 420)
        none = probe(browser, server.url_for("index.html"), 420, detector=None)
    assert narrow["detector"]["active"] == ["narrow"]  # "hidden" has visibility: hidden
    assert none["detector"] is None


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    return copy_seed(tmp_path / "site", baselines=False)


def edit_css(root: Path, old: str, new: str) -> None:
    css = root / "pages/syria-talks/article.css"
    text = css.read_text()
    assert text.count(old) == 1, old
    css.write_text(text.replace(old, new))


DETECTOR_RULE = '@media (min-width: 920px) and (max-width: 1280px) {\n  .breakpoint-detector [data-breakpoint="landscape-tablet"]'
TABLET_RULE = '@media (min-width: 640px) and (max-width: 919px) {\n  .breakpoint-detector [data-breakpoint="medium-browser-and-portrait-tablet"]'


@pytest.mark.browser
def test_a_media_query_off_by_one_in_the_seed_page_is_named_with_both_widths(browser, seed_copy: Path) -> None:
    edit_css(seed_copy, DETECTOR_RULE, DETECTOR_RULE.replace("920px", "921px"))
    edit_css(seed_copy, TABLET_RULE, TABLET_RULE.replace("919px", "920px"))
    names = ("above-portrait-tablet", "landscape-tablet-and-above", "landscape-tablet-and-medium-wide-browser")
    with PageServer(seed_copy / "pages") as server:
        data = probe(browser, server.url_for("syria-talks/index.html"), 920)
        fine = probe(browser, server.url_for("syria-talks/index.html"), 1024)
    target = Target(SEED, 920, 900, False, False, tuple(BY_NAME[n] for n in names), BUNDLED)
    found = [f.message for n in names for f in judge(data, target, BY_NAME[n])]
    assert found == [
        "page CSS ends medium-browser-and-portrait-tablet at 920 px, breakpoints.yaml says 919",
        "page CSS switches to landscape-tablet at 921 px, breakpoints.yaml says 920",
    ]
    at_1024 = Target(SEED, 1024, 768, False, True, (BY_NAME["landscape-tablet"],), BUNDLED)
    assert judge(fine, at_1024, BY_NAME["landscape-tablet"]) == []


# -- harness coverage ----------------------------------------------------------------------------------------


@pytest.mark.browser
def test_coverage_of_the_bundled_pages_has_no_untested_boundary_and_agrees() -> None:
    result = run_cli("coverage", "--json", cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    body = json.loads(result.stdout)
    assert body["ok"] is True and body["browser"].startswith("Chromium")
    pages = {p["page"]: p for p in body["pages"]}
    assert set(pages) == {"syria-analysis", "syria-gallery", "syria-live", "syria-talks", "world-front"}
    for page in pages.values():
        assert page["ok"] and page["error"] is None and page["untested"] == [] and page["problems"] == []
        assert [b["width"] for b in page["boundaries"]] == [640, 920, 1281, 1600]
        assert all(b["tested"] and b["rendered_below"] and b["rendered_above"] for b in page["boundaries"])
        assert len(page["widths"]) == 14 and all(w["findings"] == [] for w in page["widths"])
    b640 = pages["syria-talks"]["boundaries"][0]
    assert b640["below"] == [0, 639] and b640["above"] == [640, 919]
    assert b640["rendered_below"] == [375, 639] and b640["rendered_above"] == [640, 768, 834, 919]
    assert "(min-width: 640px) in /syria-talks/article.css" in b640["sources"]
    at_920 = next(w for w in pages["syria-talks"]["widths"] if w["width"] == 920)
    assert at_920["breakpoints"] == ["above-portrait-tablet"]
    assert set(at_920["detector"]) == {b.name for b in BUNDLED if b.contains(920)}


@pytest.mark.browser
def test_coverage_lists_an_extra_boundary_with_its_gap_and_edges_close_it(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj")
    with (root / "pages/home.css").open("a") as css:
        css.write("@media (min-width: 700px) { aside { padding: 12px; } }\n@media (min-width: 30ex) { aside { margin: 0; } }\n")
    result = run_cli("coverage", cwd=root)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "home: boundaries 640 700 1024; untested: 640 700" in lines
    assert "  untested 700 px, from (min-width: 700px) in /home.css: nothing rendered in 640\u2013699 px" in lines
    assert "  warn: the CSS also switches where breakpoints.yaml does not: 700 (inside tablet, 640\u20131023 px)" in lines
    assert any(line.startswith("  no disagreement at 3 widths (no detector") for line in lines)
    assert any("note: cannot read (min-width: 30ex) in /home.css: unit 'ex'" in line for line in lines)
    assert lines[-1].startswith("1 page: 2 untested boundaries, 1 CSS boundary inside breakpoints.yaml's ranges (700); to test a boundary, render a width on each side")

    edged = run_cli("coverage", "--edges", "--json", cwd=root)  # 640 and 1023 are rendered now: 640-699 is tested
    assert edged.returncode == 0, edged.stdout + edged.stderr
    (page,) = json.loads(edged.stdout)["pages"]
    assert page["untested"] == [] and [w["width"] for w in page["widths"]] == [320, 360, 639, 640, 800, 1023, 1024, 1200]
    assert page["widths"][0]["breakpoints"] == ["phone@320"]


@pytest.mark.browser
def test_coverage_fails_on_a_detector_that_disagrees(seed_copy: Path) -> None:
    edit_css(seed_copy, DETECTOR_RULE, DETECTOR_RULE.replace("920px", "921px"))
    result = run_cli("coverage", cwd=seed_copy)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "  FAIL at 920 px: page CSS switches to landscape-tablet at 921 px, breakpoints.yaml says 920" in result.stdout.splitlines()
    assert result.stdout.splitlines()[-1] == "1 page: 1 disagreement"


@pytest.mark.browser
def test_check_fails_the_shot_whose_render_disagrees_once_per_render(tmp_path: Path) -> None:
    root = copy_seed(tmp_path / "site")  # with the baselines: the detector is out of sight, the pixels still match
    edit_css(root, DETECTOR_RULE, DETECTOR_RULE.replace("920px", "921px"))
    names = ["above-portrait-tablet", "landscape-tablet-and-above", "landscape-tablet-and-medium-wide-browser", "landscape-tablet"]
    result = run_cli("check", *(f"--breakpoint={n}" for n in names), cwd=root)
    assert result.returncode == 1, result.stdout + result.stderr
    message = "page CSS switches to landscape-tablet at 921 px, breakpoints.yaml says 920"
    assert f"      fail: breakpoints agreement: {message}" in result.stdout.splitlines()
    shots = {s["breakpoint"]: s for s in json.loads((root / ".harness/output/results.json").read_text())["shots"]}
    assert {n: s["status"] for n, s in shots.items()} == dict.fromkeys(names, "pass")
    assert shots["above-portrait-tablet"]["findings"] == [
        {"kind": "breakpoints", "rule": "agreement", "severity": "fail", "message": message, "box": None}
    ]
    assert all(shots[n]["findings"] == [] for n in names[1:])  # the 920 render's other names, and 1024: fine


def test_a_framework_s_boundaries_against_the_bundled_names_are_not_the_same_boundaries() -> None:
    """The 14 bundled names on a Bootstrap site: every boundary has renders on both sides,
    yet no boundary is shared, so nothing may say that the two agree."""
    assert [w for w, _ in unused_edges(BOOTSTRAP_BOUNDARIES, BUNDLED)] == [640, 920, 1281, 1600]
    assert unused_edges(BOOTSTRAP_BOUNDARIES, BUNDLED)[1] == (920, "landscape-tablet starts at 920")
    inside = dict(inside_ranges(BOOTSTRAP_BOUNDARIES, BUNDLED))
    assert inside == {
        576: "inside narrow-browser-and-phone, 0\u2013639 px",
        768: "inside medium-browser-and-portrait-tablet, 640\u2013919 px",
        992: "inside landscape-tablet, 920\u20131280 px",
        1200: "inside landscape-tablet, 920\u20131280 px",
        1400: "inside medium-wide-browser, 1281\u20131599 px",
    }
    widths = sorted({b.viewport.width for b in BUNDLED})
    assert all(b.tested for b in gaps(BOOTSTRAP_BOUNDARIES, widths))  # what used to make it say "agrees"
    assert unused_edges([640, 920, 1281, 1600], BUNDLED) == [] and inside_ranges([640, 920, 1281, 1600], BUNDLED) == []
    assert unused_edges([641], BUNDLED)[0][0] != 640 and 641 not in dict(inside_ranges([641], BUNDLED))  # near: the agreement check's


@pytest.mark.browser
def test_coverage_never_says_agrees_when_breakpoints_yaml_is_not_the_site_s(tmp_path: Path) -> None:
    root = make_bootstrap_site(tmp_path / "site")
    (root / "breakpoints.yaml").write_text((REPO / "breakpoints.yaml").read_text())
    result = run_cli("coverage", cwd=root)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "home: boundaries 576 768 992 1200 1400, each rendered on both sides" in lines
    assert any(line.startswith("  warn: the CSS also switches where breakpoints.yaml does not: 576 (inside narrow-browser-and-phone") for line in lines)
    assert any(line.startswith("  no disagreement at 14 widths") for line in lines)
    assert "FAIL breakpoints.yaml switches where the page's CSS never switches: 640 (medium-browser-and-portrait-tablet starts at 640)" in result.stdout
    assert "agrees" not in result.stdout
    assert lines[-1].startswith("1 page: 4 breakpoints.yaml boundaries the CSS does not have, 5 CSS boundaries inside breakpoints.yaml's ranges")
    assert lines[-1].endswith("'harness init --force' writes breakpoints.yaml from the pages' CSS")
    body = json.loads(run_cli("coverage", "--json", cwd=root).stdout)
    assert body["ok"] is False and [e["width"] for e in body["unused_edges"]] == [640, 920, 1281, 1600]
    assert [i["width"] for i in body["pages"][0]["inside"]] == list(BOOTSTRAP_BOUNDARIES)


def test_coverage_usage_errors_are_one_line_with_exit_2(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj")
    result = run_cli("coverage", "--page", "hom", cwd=root)
    assert result.returncode == 2
    assert result.stderr.strip() == "harness: error: --page 'hom': no such page; did you mean 'home'?"
    (root / "breakpoints.yaml").write_text("breakpoints: {}\n")
    result = run_cli("coverage", cwd=root)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "breakpoints.yaml:1" in result.stderr


# -- --edges ----------------------------------------------------------------------------------------------------

EDGE_NAMES = ["phone@320", "phone", "phone@639", "tablet@640", "tablet", "tablet@1023", "desktop@1024", "desktop"]


@pytest.mark.browser
def test_edges_get_their_own_shots_baselines_and_names_everywhere(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj")
    first = run_cli("check", "--edges", "--update", "missing", "--junit", "junit.xml", cwd=root)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "NEW   home @ tablet@1023 (1023x600): no baseline yet" in first.stdout
    assert sorted(p.name for p in (root / "baselines/home").glob("*.png")) == sorted(f"{n}.png" for n in EDGE_NAMES)
    manifest = json.loads((root / "baselines/manifest.json").read_text())["baselines"]
    assert manifest["home/phone@320"]["viewport"] == {"width": 320, "height": 640}
    assert manifest["home/phone@320"]["is_mobile"] is True  # the breakpoint's own device
    results = json.loads((root / ".harness/output/results.json").read_text())
    assert [s["breakpoint"] for s in results["shots"]] == EDGE_NAMES  # each edge next to its breakpoint
    assert [(s["width"], s["height"]) for s in results["shots"]][:3] == [(320, 640), (360, 640), (639, 640)]
    edge = next(b for b in results["breakpoints"] if b["name"] == "tablet@640")
    assert (edge["min_width"], edge["max_width"], edge["viewport"]) == (640, 1023, {"width": 640, "height": 600})
    assert '<testcase classname="harness.home" name="tablet@640"' in (root / "junit.xml").read_text()
    report = (root / ".harness/output/report/index.html").read_text()
    assert '"name":"desktop@1024"' in report

    plain = run_cli("check", cwd=root)  # without --edges: the three shots of breakpoints.yaml only
    assert plain.returncode == 0 and "3 shots: 3 passed" in plain.stdout

    with (root / "pages/home.css").open("a") as css:
        css.write("@media (max-width: 330px) { h1 { color: #c00; } }\n")
    changed = run_cli("check", "--edges", "-q", cwd=root)
    assert changed.returncode == 1
    assert changed.stdout.startswith("FAIL  home @ phone@320 (320x640): ")
    assert "8 shots: 7 passed, 1 failed" in changed.stdout
    approved = run_cli("approve", "home/phone@320", cwd=root)
    assert approved.returncode == 0 and approved.stdout.strip() == "approved home/phone@320 (baseline replaced)"
    assert run_cli("check", "--edges", "-q", cwd=root).returncode == 0


def test_the_plugin_takes_harness_edges(pytester: pytest.Pytester) -> None:
    make_project(pytester.path)
    pytester.makepyfile(test_visual="def test_pages(harness_shot):\n    harness_shot.assert_matches()\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--harness-edges", "--collect-only", "-q", timeout=120)
    ids = [line.split("[")[1].rstrip("]") for line in result.outlines if "::" in line]
    assert ids == [f"home-{n}" for n in EDGE_NAMES]
