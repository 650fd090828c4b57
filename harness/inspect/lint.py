"""Responsive lint: layout problems that need no baseline, found at every breakpoint.

Five rules, each failing the shot, warning, or skipped (``off``: not even measured), as
the page's ``lint:`` setting says; by default only ``overflow`` fails:

- ``overflow``: the document is wider than the viewport; names the outermost elements that
  stick out (content inside a container that clips or scrolls sideways does not count);
- ``overlap``: text of one element drawn over text of another (glyph boxes, not element
  boxes; an element and its own descendants never count as overlapping);
- ``clipped``: a container that hides its overflow cuts through text (intentional
  truncation with ``text-overflow: ellipsis`` or ``-webkit-line-clamp``, and whole items
  out of view, as in carousels and tickers, are not reported);
- ``tap-targets``: on touch breakpoints, visible controls smaller than 24×24 CSS px (WCAG
  2.2, 2.5.8), except links inside running text and targets with room around them;
- ``small-text``: on phone-sized viewports (narrower than ``PHONE_MAX_WIDTH``), visible
  text under 12 CSS px.

The measuring happens in the page (``lint_probe``); this module chooses the rules and
words the findings.
"""

from __future__ import annotations

from typing import Any

from harness.config.breakpoints import Breakpoint
from harness.config.page_settings import LINT_RULES
from harness.inspect.findings import Finding
from harness.inspect.lint_probe import LINT_JS
from harness.inspect.probe import Part, Target

KEY = "lint"
DEFAULT_LEVELS = {"overflow": "fail", "overlap": "warn", "clipped": "warn", "tap-targets": "warn", "small-text": "warn"}
# "Phone-sized" means a viewport narrower than this: 640 CSS px is where common breakpoint
# sets (and breakpoints.yaml) move from phones to tablets.
PHONE_MAX_WIDTH = 640
MIN_TARGET_PX = 24  # WCAG 2.2 success criterion 2.5.8, Target Size (Minimum)
MIN_FONT_PX = 12
MAX_NAMED = 5  # elements named in one message, findings of one rule per shot


def levels(target: Target) -> dict[str, str]:
    """Each rule's level for this page: the defaults overridden by its ``lint:`` setting."""
    return {**DEFAULT_LEVELS, **dict(target.page.settings.lint)}


def applies(rule: str, target: Target) -> bool:
    """tap-targets only where there is touch, small-text only on phone-sized viewports."""
    if rule == "tap-targets":
        return target.touch
    if rule == "small-text":
        return target.width < PHONE_MAX_WIDTH
    return True


def part(target: Target) -> Part | None:
    """The probe part measuring the rules that are on and apply here; None if none do."""
    chosen = levels(target)
    rules = [r for r in LINT_RULES if chosen[r] != "off" and applies(r, target)]
    if not rules:
        return None
    return Part(KEY, LINT_JS, {"rules": rules, "min_target": MIN_TARGET_PX, "min_font": MIN_FONT_PX})


def judge(data: Any, target: Target, breakpoint: Breakpoint) -> list[Finding]:
    """The findings for one breakpoint name, worded from the probe's measurements."""
    if not isinstance(data, dict):
        return []
    if "error" in data:  # the script broke in this page: say so, without failing the shot
        return [Finding(KEY, "probe", "warn", f"could not inspect the page: {data['error']}")]
    chosen = levels(target)
    findings: list[Finding] = []
    for rule, words in WORDING.items():
        if data.get(rule) and chosen[rule] != "off":
            findings += [Finding(KEY, rule, chosen[rule], message, box) for message, box in words(data[rule], target)]
    return findings


Said = list[tuple[str, tuple[int, int, int, int] | None]]  # (message, box) per finding


def _overflow(found: dict[str, Any], target: Target) -> Said:
    head = f"document is {found['width']} px wide in a {found['viewport']} px viewport"
    groups = found["elements"]  # one per label, the worst first
    if not groups:
        return [(f"{head}; no element's box sticks out (text or a pseudo-element does)", None)]
    side = found["side"]
    named = ", ".join(
        f"{g['label']} (+{g['px']} px {side})" if g["count"] == 1 else f"{g['label']} ×{g['count']} (up to +{g['px']} px {side})"
        for g in groups[:MAX_NAMED]
    )
    return [(f"{head}; sticking out: {named}{_more(found['total'])}", _box(groups[0]["box"]))]


def _overlap(found: dict[str, Any], target: Target) -> Said:
    pairs = found["pairs"]  # the largest overlaps first
    said: Said = [
        (f'text of {p["a"]} ("{p["a_text"]}") overlaps {p["b"]} ("{p["b_text"]}") over {p["width"]}×{p["height"]} px', _box(p["box"]))
        for p in pairs[:MAX_NAMED]
    ]
    rest = found["total"] - MAX_NAMED
    if rest > 0:
        named = ", ".join(f"{p['a']} / {p['b']}" for p in pairs[MAX_NAMED:])
        said.append((f"{rest} more overlaps of text: {named}{_more(found['total'], len(pairs))}", None))
    return said


def _clipped(found: dict[str, Any], target: Target) -> Said:
    cuts = found["cuts"]
    said: Said = [(f'{c["label"]} cuts off its text ("{c["text"]}"): {_extent(c)}', _box(c["box"])) for c in cuts[:MAX_NAMED]]
    rest = found["total"] - MAX_NAMED
    if rest > 0:
        named = ", ".join(c["label"] for c in cuts[MAX_NAMED:])
        said.append((f"{rest} more containers cut off text: {named}{_more(found['total'], len(cuts))}", None))
    return said


def _extent(cut: dict[str, Any]) -> str:
    (cw, ch), (sw, sh) = cut["client"], cut["scroll"]
    wide = f"content {sw} px wide in a {cw} px box"
    tall = f"content {sh} px tall in a {ch} px box"
    return {"x": wide, "y": tall}.get(cut["axis"], f"{wide}, {tall}")


def _tap_targets(found: dict[str, Any], target: Target) -> Said:
    named = ", ".join(f"{g['label']} ({_span(g['w'])}×{_span(g['h'])}){_times(g['count'])}" for g in found["groups"][:MAX_NAMED])
    count = f"{found['total']} targets" if found["total"] > 1 else "1 target"
    return [(f"{count} under {MIN_TARGET_PX}×{MIN_TARGET_PX} px: {named}{_more(found['kinds'])}", _box(found["box"]))]


def _small_text(found: dict[str, Any], target: Target) -> Said:
    named = ", ".join(f'{g["label"]} {g["size"]:g} px{_times(g["count"])} ("{g["text"]}")' for g in found["groups"][:MAX_NAMED])
    head = f"text under {MIN_FONT_PX} px in a {target.width} px wide viewport"
    return [(f"{head}: {named}{_more(found['kinds'])}", _box(found["box"]))]


WORDING = {
    "overflow": _overflow,
    "overlap": _overlap,
    "clipped": _clipped,
    "tap-targets": _tap_targets,
    "small-text": _small_text,
}


def _span(low_high: list[int]) -> str:
    """``18`` or ``17–84``: the range of some sizes."""
    low, high = low_high
    return str(low) if low == high else f"{low}–{high}"


def _times(count: int) -> str:
    return f" ×{count}" if count > 1 else ""


def _more(total: int, named: int = MAX_NAMED) -> str:
    """" and 3 more" when ``total`` things were found and only ``named`` of them named."""
    return f" and {total - named} more" if total > named else ""


def _box(xywh: list[int]) -> tuple[int, int, int, int]:
    x, y, w, h = xywh
    return (int(x), int(y), int(w), int(h))
