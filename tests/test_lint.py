"""Responsive lint, in a real Chromium: each rule fails where it should and keeps quiet
where a page is fine (including the patterns that look like problems but are not), the
page's ``lint:`` levels, and the bundled pages at every breakpoint.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import REPO, make_project, run_cli

from harness.capture.server import PageServer
from harness.capture.stabilise import hide_remove_css
from harness.config.breakpoints import Breakpoint, Viewport, load_breakpoints
from harness.config.page_settings import PageSettings
from harness.config.pages import Page, load_pages
from harness.inspect import lint
from harness.inspect.findings import Finding
from harness.inspect.probe import Target

HEAD = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<style>body{margin:0;padding:8px;font:16px/1.5 sans-serif}"
    ".visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;"
    "clip:rect(0 0 0 0);white-space:nowrap;border:0}</style></head><body>"
)
PROSE = "Kerry and Lavrov opened high-stakes talks on Thursday on disarming Syria's chemical weapons. " * 4


def target_for(width: int, height: int = 800, *, touch: bool = True, mobile: bool = False, levels: dict[str, str] | None = None) -> Target:
    settings = PageSettings(lint=tuple((levels or {}).items()))
    bp = Breakpoint("bp", 0, None, Viewport(width, height), is_mobile=mobile, has_touch=touch)
    return Target(Page("t", file="t.html", settings=settings), width, height, mobile, touch, (bp,), (bp,))


def probe(page: Any, target: Target) -> list[Finding]:
    part = lint.part(target)
    if part is None:
        return []
    data = page.evaluate(part.js, part.arg)
    assert "error" not in data, data
    return lint.judge(data, target, target.breakpoints[0])


@pytest.fixture(scope="module")
def tabs(browser: Any) -> Iterator[dict[bool, Any]]:
    """One tab per kind of device (mobile with touch, desktop), shared by the module."""
    contexts = {
        True: browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True),
        False: browser.new_context(viewport={"width": 1024, "height": 800}),
    }
    yield {mobile: context.new_page() for mobile, context in contexts.items()}
    for context in contexts.values():
        context.close()


LintHtml = Callable[..., list[Finding]]


@pytest.fixture
def lint_html(tabs: dict[bool, Any]) -> LintHtml:
    """``lint_html(body, width, rule=None, touch=..., levels=...)``: findings (of one rule if given)."""

    def run(body: str, width: int = 375, rule: str | None = None, *, touch: bool = True, levels: dict[str, str] | None = None) -> list[Finding]:
        mobile = width < lint.PHONE_MAX_WIDTH
        page = tabs[mobile]
        page.set_viewport_size({"width": width, "height": 800})
        page.set_content(HEAD + body + "</body></html>")
        found = probe(page, target_for(width, touch=touch, mobile=mobile, levels=levels))
        return [f for f in found if rule is None or f.rule == rule]

    return run


pytestmark = pytest.mark.browser


# ---- overflow -------------------------------------------------------------------------


def test_overflow_names_the_outermost_element_sticking_out_and_by_how_much(lint_html: LintHtml) -> None:
    [found] = lint_html('<figure class="lead-photo" style="margin:0;width:407px"><img id="x" width="407" height="40" style="display:block"></figure>', rule="overflow")
    assert found.severity == "fail"
    assert found.message == "document is 415 px wide in a 375 px viewport; sticking out: figure.lead-photo (+40 px right)"
    assert found.box == (8, 8, 407, 40)  # where it is, in document px


def test_overflow_names_a_child_that_sticks_out_of_a_parent_that_fits(lint_html: LintHtml) -> None:
    [found] = lint_html('<main><p>Fine.</p><div class="wide-table" style="width:600px"><span>cell</span></div></main>', rule="overflow")
    assert "sticking out: div.wide-table (+233 px right)" in found.message
    assert "main" not in found.message and "span" not in found.message


@pytest.mark.parametrize(
    "body",
    [
        "<p>Everything fits.</p>",
        '<div style="overflow-x:auto"><table><tr><td style="min-width:900px">a wide table that scrolls in its own box</td></tr></table></div>',
        '<div style="overflow:hidden"><div style="width:900px;height:20px;background:#ccc"></div></div>',
        '<div style="position:fixed;top:0;left:300px;width:400px;height:20px;background:#ccc"></div>',  # fixed boxes do not widen the page
    ],
    ids=["fits", "scroller", "clipping-parent", "fixed"],
)
def test_no_overflow_when_the_document_is_as_wide_as_the_viewport(lint_html: LintHtml, body: str) -> None:
    assert lint_html(body, rule="overflow") == []


def test_overflow_groups_repeated_elements_and_stops_naming_after_five(lint_html: LintHtml) -> None:
    boxes = "".join(f'<div class="b{i}" style="width:{400 + i}px;height:4px"></div>' for i in range(7))
    repeats = '<img class="promo" width="500" height="4">' * 3
    [found] = lint_html(boxes + repeats, rule="overflow")
    assert "img.promo ×3 (up to +133 px right)" in found.message
    assert found.message.endswith(" and 3 more")


# ---- overlap --------------------------------------------------------------------------


def test_overlap_finds_text_drawn_over_other_text(lint_html: LintHtml) -> None:
    body = (
        '<div style="position:relative;height:80px">'
        '<h2 class="headline" style="margin:0;font-size:20px">Syria talks open in Geneva</h2>'
        '<p class="kicker" style="position:absolute;top:4px;left:40px;margin:0">Breaking news now</p></div>'
    )
    [found] = lint_html(body, 1024, rule="overlap")
    assert found.severity == "warn"
    assert found.message.startswith('text of h2.headline ("Syria talks open in Geneva") overlaps p.kicker ("Breaking news now") over ')
    x, y, w, h = found.box or (0, 0, 0, 0)
    assert 48 <= x <= 50 and w > 100 and h > 5


@pytest.mark.parametrize(
    "over",
    [
        '<span style="position:absolute;top:0;left:0;color:transparent">Hidden words on top</span>',
        '<span style="position:absolute;top:0;left:0;opacity:0">Hidden words on top</span>',
        '<span style="position:absolute;top:0;left:0;visibility:hidden">Hidden words on top</span>',
        '<span class="visually-hidden" style="top:0;left:0">Screen reader words on top of it</span>',
        '<ul class="breakpoint-detector" aria-hidden="true" style="position:absolute;top:0;left:0;width:1px;height:1px;'
        'overflow:hidden;clip-path:inset(50%);margin:0;padding:0"><li>narrow-browser-and-phone</li></ul>',
        '<div aria-hidden="true" style="position:absolute;top:0;left:-9999px">Off-screen words</div>',
        '<div style="position:fixed;top:0;left:0;background:#fff">A fixed banner over the text</div>',
    ],
    ids=["transparent", "opacity-0", "visibility-hidden", "visually-hidden", "breakpoint-detector", "off-screen", "fixed"],
)
def test_no_overlap_from_text_that_does_not_show_or_floats_by_design(lint_html: LintHtml, over: str) -> None:
    body = f'<div style="position:relative"><p style="margin:0">Headline words underneath</p>{over}</div>'
    assert lint_html(body, 1024, rule="overlap") == []


def test_no_overlap_between_an_element_and_its_own_descendant(lint_html: LintHtml) -> None:
    assert lint_html('<p>Hello there <span style="margin-left:-60px">world</span></p>', 1024, rule="overlap") == []


def test_tight_line_height_is_not_overlap(lint_html: LintHtml) -> None:
    # Two inline siblings on consecutive lines: their line boxes (font-size 40, line-height 0.8)
    # intersect by 16 px, but their glyphs do not.
    body = '<h2 style="font-size:40px;line-height:0.8;width:200px"><a href="#">Talks open</a> <span>in Geneva</span></h2>'
    assert lint_html(body, 1024, rule="overlap") == []


def test_overlap_reports_five_pairs_then_one_line_for_the_rest(lint_html: LintHtml) -> None:
    rows = "".join(
        f'<div style="position:relative;height:30px"><span class="a{i}">Left words {i}</span>'
        f'<span class="b{i}" style="position:absolute;left:10px;top:0">Right words {i}</span></div>'
        for i in range(7)
    )
    found = lint_html(rows, 1024, rule="overlap")
    assert len(found) == 6
    assert found[-1].message.startswith("2 more overlaps of text: ") and found[-1].box is None


# ---- clipped --------------------------------------------------------------------------


def test_clipped_finds_text_cut_off_at_the_bottom_of_a_fixed_height_box(lint_html: LintHtml) -> None:
    [found] = lint_html(f'<div class="card" style="height:48px;overflow:hidden"><p style="margin:0">{PROSE}</p></div>', rule="clipped")
    assert found.severity == "warn"
    assert found.message.startswith('div.card cuts off its text ("Kerry and Lavrov opened high-st…"): content ')
    assert "px tall in a 48 px box" in found.message
    assert found.box == (8, 8, 359, 48)


def test_clipped_finds_a_headline_cut_off_at_the_side(lint_html: LintHtml) -> None:
    [found] = lint_html('<h2 class="title" style="width:120px;white-space:nowrap;overflow:hidden">Russia differs on military force</h2>', rule="clipped")
    assert found.message.startswith('h2.title cuts off its text ("Russia differs on military force")')
    assert "wide in a 120 px box" in found.message


@pytest.mark.parametrize(
    "body",
    [
        '<h2 style="width:120px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis">Russia differs on military force</h2>',
        f'<p style="display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:2;overflow:hidden">{PROSE}</p>',
        f'<div style="height:48px;overflow:auto"><p>{PROSE}</p></div>',  # scrolls: nothing is out of reach
        '<span class="visually-hidden">Skip to the main content of this page</span>',
        f'<nav class="menu" style="max-height:0;overflow:hidden"><p>{PROSE}</p></nav>',  # a collapsed panel
        f'<div style="height:48px;overflow:hidden;visibility:hidden"><p>{PROSE}</p></div>',
        '<div style="height:40px;overflow:hidden"><div style="height:400px;background:#ccc"></div></div>',  # no text cut
        '<div class="carousel" style="overflow:hidden;width:300px"><ul style="display:flex;width:900px;margin:0;padding:0">'
        '<li style="flex:0 0 300px">Slide one</li><li style="flex:0 0 300px">Slide two</li><li style="flex:0 0 300px">Slide three</li></ul></div>',
        '<div class="ticker" style="overflow:hidden;width:300px"><div style="width:max-content;white-space:nowrap;transform:translateX(-120px)">'
        "Dow 15,300.64 -0.17% · S&amp;P 500 1,683.42 -0.34% · Nasdaq 3,715.97 +0.01%</div></div>",
    ],
    ids=["ellipsis", "line-clamp", "scroller", "visually-hidden", "collapsed", "invisible", "no-text", "carousel", "ticker"],
)
def test_no_clipped_for_intentional_or_invisible_clipping(lint_html: LintHtml, body: str) -> None:
    assert lint_html(body, rule="clipped") == []


# ---- tap-targets ----------------------------------------------------------------------

# Tags in rows 18 px apart: each is too small, and too close to the row above or below.
TAGS = '<p class="tags" style="width:200px;font-size:12px;line-height:18px">' + "".join(f'<a class="tag" href="#{i}" style="display:inline-block;width:30px">tag{i}</a> ' for i in range(12)) + "</p>"


def test_small_crowded_tap_targets_are_named_and_grouped(lint_html: LintHtml) -> None:
    [found] = lint_html(TAGS, rule="tap-targets")
    assert found.severity == "warn"
    assert found.message == "12 targets under 24×24 px: a.tag (30×18) ×12"
    assert found.box == (8, 20, 197, 36)  # around all of them: two rows of six


def test_a_lone_small_button_with_room_around_it_passes(lint_html: LintHtml) -> None:
    assert lint_html('<p>Words.</p><button class="close" style="width:16px;height:16px;padding:0;margin:40px"></button>', rule="tap-targets") == []


def test_two_small_buttons_side_by_side_fail(lint_html: LintHtml) -> None:
    body = '<button class="prev" style="width:16px;height:16px;padding:0;margin:0"></button><button class="next" style="width:16px;height:16px;padding:0;margin:0"></button>'
    [found] = lint_html(body, rule="tap-targets")
    assert found.message == "2 targets under 24×24 px: button.prev (16×16), button.next (16×16)"


@pytest.mark.parametrize(
    "body",
    [
        '<p>Read the <a href="#">full statement</a> from the State Department about the talks.</p>',  # inline in a sentence
        '<nav><a href="#" style="display:inline-block;padding:12px 8px">World</a><a href="#" style="display:inline-block;padding:12px 8px">Business</a></nav>',
        '<a class="visually-hidden" href="#main">Skip to content</a>',
        '<button style="width:16px;height:16px;padding:0;display:none"></button><button style="width:16px;height:16px;padding:0;visibility:hidden"></button>',
        '<label style="display:inline-block;padding:8px"><input type="checkbox"> Remember me</label>',
    ],
    ids=["inline-in-sentence", "big-enough", "skip-link", "hidden", "checkbox-with-label"],
)
def test_no_tap_target_finding(lint_html: LintHtml, body: str) -> None:
    assert lint_html(body, rule="tap-targets") == []


def test_tap_targets_are_not_checked_without_touch(lint_html: LintHtml) -> None:
    assert lint_html(TAGS, 1024, touch=False, rule="tap-targets") == []
    assert lint_html(TAGS, 1024, touch=True, rule="tap-targets") != []


# ---- small-text -----------------------------------------------------------------------


def test_small_text_on_a_phone_is_grouped_by_label_and_size(lint_html: LintHtml) -> None:
    body = (
        '<p>Body text.</p><p class="credit" style="font-size:11px">Photo: Reuters</p><p class="credit" style="font-size:11px">Photo: AP</p>'
        '<small>Fine print at 13.3 px</small><footer><span style="font-size:9.5px">Copyright</span></footer>'
    )
    [found] = lint_html(body, rule="small-text")
    assert found.severity == "warn"
    assert found.message == 'text under 12 px in a 375 px wide viewport: p.credit 11 px ×2 ("Photo: Reuters"), footer span 9.5 px ("Copyright")'


@pytest.mark.parametrize(
    "body",
    [
        '<p style="font-size:12px">Exactly twelve pixels</p>',
        '<p style="font-size:10px;display:none">Not shown</p>',
        '<p class="visually-hidden" style="font-size:10px">Screen readers only</p>',
        '<p style="font-size:10px">· | ·</p>',  # separators, not text to read
    ],
    ids=["twelve", "hidden", "visually-hidden", "punctuation"],
)
def test_no_small_text_finding(lint_html: LintHtml, body: str) -> None:
    assert lint_html(body, rule="small-text") == []


def test_small_text_applies_only_below_the_phone_width() -> None:
    below, at = target_for(lint.PHONE_MAX_WIDTH - 1), target_for(lint.PHONE_MAX_WIDTH)
    assert "small-text" in lint.part(below).arg["rules"]  # type: ignore[union-attr]
    assert "small-text" not in lint.part(at).arg["rules"]  # type: ignore[union-attr]


# ---- levels: fail, warn, off ----------------------------------------------------------


def test_default_levels_overflow_fails_the_rest_warn() -> None:
    assert lint.levels(target_for(375)) == {"overflow": "fail", "overlap": "warn", "clipped": "warn", "tap-targets": "warn", "small-text": "warn"}


def test_the_pages_lint_setting_overrides_rule_by_rule() -> None:
    chosen = lint.levels(target_for(375, levels={"overflow": "warn", "small-text": "fail"}))
    assert chosen["overflow"] == "warn" and chosen["small-text"] == "fail" and chosen["overlap"] == "warn"


def test_off_rules_are_not_even_measured() -> None:
    part = lint.part(target_for(375, levels={"overlap": "off", "tap-targets": "off"}))
    assert part is not None and part.arg["rules"] == ["overflow", "clipped", "small-text"]
    everything_off = {rule: "off" for rule in lint.DEFAULT_LEVELS}
    assert lint.part(target_for(375, levels=everything_off)) is None
    assert lint.part(target_for(1024, touch=False, levels={"overflow": "off", "overlap": "off", "clipped": "off"})) is None


def test_judge_words_each_rule_at_its_level() -> None:
    data = {"overflow": {"width": 415, "viewport": 375, "side": "right", "elements": [], "total": 0}, "small-text": None, "ms": {}}
    warned = lint.judge(data, target_for(375, levels={"overflow": "warn"}), target_for(375).breakpoints[0])
    assert [(f.kind, f.rule, f.severity) for f in warned] == [("lint", "overflow", "warn")]
    assert lint.judge(data, target_for(375, levels={"overflow": "off"}), target_for(375).breakpoints[0]) == []


def test_a_script_error_in_the_page_is_a_warning_not_a_pass() -> None:
    [found] = lint.judge({"error": "boom"}, target_for(375), target_for(375).breakpoints[0])
    assert found.severity == "warn" and "boom" in found.message


def test_levels_in_the_page_change_the_severity_in_a_real_page(lint_html: LintHtml) -> None:
    body = '<div class="hero" style="width:500px;height:10px"></div>'
    assert [f.severity for f in lint_html(body, rule="overflow")] == ["fail"]
    assert [f.severity for f in lint_html(body, rule="overflow", levels={"overflow": "warn"})] == ["warn"]
    assert lint_html(body, rule="overflow", levels={"overflow": "off"}) == []


# ---- the bundled pages ----------------------------------------------------------------


def test_every_bundled_page_passes_at_every_breakpoint(browser: Any) -> None:
    """One load per page and kind of device, then a resize per breakpoint: no failing finding."""
    breakpoints = load_breakpoints(REPO / "breakpoints.yaml")
    devices: dict[tuple[float, bool, bool], list[Breakpoint]] = {}
    for bp in breakpoints:
        devices.setdefault(bp.device_key, []).append(bp)
    failures: list[str] = []
    linted = 0
    with PageServer(REPO / "pages") as server:
        for (scale, mobile, touch), group in devices.items():
            context = browser.new_context(viewport={"width": group[0].viewport.width, "height": 800}, device_scale_factor=scale, is_mobile=mobile, has_touch=touch)
            tab = context.new_page()
            for page in load_pages(REPO / "pages"):
                tab.set_viewport_size({"width": group[0].viewport.width, "height": group[0].viewport.height})
                tab.goto(server.url_for(page.file or ""), wait_until="load")
                if page.settings.hide or page.settings.remove:
                    tab.add_style_tag(content=hide_remove_css(page.settings.hide, page.settings.remove))
                tab.evaluate("() => document.fonts.ready.then(() => true)")
                for bp in group:
                    tab.set_viewport_size({"width": bp.viewport.width, "height": bp.viewport.height})
                    target = Target(page, bp.viewport.width, bp.viewport.height, mobile, touch, (bp,), breakpoints)
                    failures += [f"{page.name} at {bp.name}: {f.line()}" for f in probe(tab, target) if f.fails]
                    linted += 1
            context.close()
    assert linted == len(load_pages(REPO / "pages")) * len(breakpoints)
    assert failures == []


# ---- through the CLI ------------------------------------------------------------------


def overflowing_project(root: Path, pages_yaml: str = "") -> Path:
    """The tiny project with a 420 px promo box: it fits from the tablet up, not on a 360 px phone."""
    make_project(root)
    page = root / "pages" / "home.html"
    page.write_text(page.read_text().replace("<aside>", '<div class="promo"></div>\n<aside>'))
    with (root / "pages" / "home.css").open("a") as css:
        css.write(".promo { width: 420px; height: 20px; background: #ccc; }\n")
    if pages_yaml:
        (root / "pages" / "pages.yaml").write_text(pages_yaml)
    return root


def shot_findings(root: Path) -> dict[str, list[dict[str, Any]]]:
    shots = json.loads((root / ".harness" / "output" / "results.json").read_text())["shots"]
    return {s["breakpoint"]: s["findings"] for s in shots}


def test_check_fails_a_page_that_overflows_at_phone_width(tmp_path: Path) -> None:
    root = overflowing_project(tmp_path / "proj")
    done = run_cli("check", "--update", "missing", "--breakpoint", "phone", "--breakpoint", "tablet", cwd=root)
    assert done.returncode == 1, done.stdout + done.stderr
    message = "document is 436 px wide in a 360 px viewport; sticking out: div.promo (+76 px right)"
    assert f"lint overflow: {message}" in done.stdout
    found = shot_findings(root)
    overflow = [f for f in found["phone"] if f["rule"] == "overflow"]
    assert overflow == [{"kind": "lint", "rule": "overflow", "severity": "fail", "message": message, "box": [16, overflow[0]["box"][1], 420, 20]}]
    assert not [f for f in found["tablet"] if f["rule"] == "overflow"]


def test_lint_overflow_warn_in_pages_yaml_makes_it_a_warning(tmp_path: Path) -> None:
    root = overflowing_project(tmp_path / "proj", "pages:\n  home:\n    lint: {overflow: warn}\n")
    done = run_cli("check", "--update", "missing", "--breakpoint", "phone", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    [overflow] = [f for f in shot_findings(root)["phone"] if f["rule"] == "overflow"]
    assert overflow["severity"] == "warn" and "div.promo (+76 px right)" in overflow["message"]
    assert "layout warning" in done.stdout
