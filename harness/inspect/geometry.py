"""The geometry snapshot: where the page's landmark elements are, kept with each baseline.

Boxes are in CSS px of the document (scroll offsets added), to 1/100 px: layout is
sub-pixel, and rounding each edge first would report 1 px changes that never happened.
A landmark name may match several elements (ad slots, figures); the first few are kept,
in document order, and an element nested inside another match of the same name is
skipped (the outer one already says where it is). ``explain`` compares two snapshots.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from harness.inspect.probe import Part, Target

KEY = "geometry"
FORMAT = 1
PER_NAME = 4  # matches kept per landmark name

# Sensible defaults for article pages; pages.yaml `landmarks:` adds, replaces or drops (false).
DEFAULT_LANDMARKS: dict[str, str] = {
    "header": "header, [role=banner]",
    "nav": "nav, [role=navigation]",
    "h1": "h1",
    "byline": ".byline, [rel=author], [itemprop=author], address",
    "time": "time",
    "figure": "figure, picture",
    "article": "article, [role=main]",
    "body": "[itemprop=articleBody], .article-body, .article__body, .story-body, .story__body, .body",
    "aside": "aside, [role=complementary]",
    "footer": "footer, [role=contentinfo]",
    "ad": "[id^=ad-], [class*=ad-slot], [data-ad], [data-ad-slot], ins.adsbygoogle",
    "iframe": "iframe",
}

LANDMARKS_JS = """
(arg) => {
  const label = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) return s + '#' + el.id;
    const cls = [...el.classList].reverse().find(c => c.length < 40);  // BEM: the last class is the specific one
    return cls ? s + '.' + cls : s;
  };
  const shown = (el, r) => {
    if (r.width <= 0 || r.height <= 0) return false;
    const cs = getComputedStyle(el);
    return cs.visibility !== 'hidden' && cs.display !== 'none' && parseFloat(cs.opacity) > 0;
  };
  const out = [];
  for (const [name, selector] of arg.landmarks) {
    let found;
    try { found = [...document.querySelectorAll(selector)]; } catch (e) { continue; }
    const kept = [];
    for (const el of found) {
      if (kept.length >= arg.perName) break;
      if (kept.some(k => k.contains(el))) continue;
      kept.push(el);
      const r = el.getBoundingClientRect();
      const r2 = (v) => Math.round(v * 100) / 100;  // sub-pixel kept: rounding first would invent 1 px changes
      out.push({name, label: label(el), x: r2(r.left + scrollX), y: r2(r.top + scrollY), w: r2(r.width), h: r2(r.height),
                visible: shown(el, r)});
    }
  }
  const doc = document.documentElement;
  return {boxes: out, page: [doc.scrollWidth, Math.max(doc.scrollHeight, document.body ? document.body.scrollHeight : 0)],
          viewport: arg.viewport};  // as configured: a mobile page that overflows widens its own innerWidth
}
"""


@dataclass(frozen=True)
class Box:
    name: str  # the landmark name ("h1", "aside"...)
    index: int  # which match of that name, in document order
    label: str  # tag.class or tag#id, for sentences
    x: float
    y: float
    w: float
    h: float
    visible: bool

    @property
    def key(self) -> tuple[str, int]:
        return self.name, self.index

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def contains(self, other: Box, slack: int = 0) -> bool:
        return (
            self.x - slack <= other.x
            and self.y - slack <= other.y
            and other.right <= self.right + slack
            and other.bottom <= self.bottom + slack
        )


@dataclass(frozen=True)
class Snapshot:
    boxes: tuple[Box, ...]
    page: tuple[int, int]  # the document's scroll width and height
    viewport: tuple[int, int]

    def to_bytes(self) -> bytes:
        body = {
            "format": FORMAT,
            "viewport": list(self.viewport),
            "page": list(self.page),
            "landmarks": [
                {"name": b.name, "label": b.label, "x": b.x, "y": b.y, "width": b.w, "height": b.h, "visible": b.visible}
                for b in self.boxes
            ],
        }
        return (json.dumps(body, indent=1) + "\n").encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> Snapshot | None:
        """None for anything unreadable: an explanation is a help, never a reason to fail."""
        try:
            body = json.loads(data)
            return _build(body["landmarks"], body["page"], body["viewport"], "width", "height")
        except (ValueError, KeyError, TypeError):
            return None


def landmarks_for(target: Target) -> list[tuple[str, str]]:
    """The defaults with the page's own landmarks on top (a false value drops a default)."""
    merged: dict[str, str | None] = {**DEFAULT_LANDMARKS, **dict(target.page.settings.landmarks)}
    return [(name, selector) for name, selector in merged.items() if selector]


def part(target: Target) -> Part:
    arg = {"landmarks": landmarks_for(target), "perName": PER_NAME, "viewport": [target.width, target.height]}
    return Part(KEY, LANDMARKS_JS, arg)


def snapshot(data: Any) -> Snapshot | None:
    """The probe's answer as a snapshot; None if the probe failed in the page."""
    if not isinstance(data, dict) or "boxes" not in data:
        return None
    return _build(data["boxes"], data["page"], data["viewport"], "w", "h")


def _build(items: list[dict[str, Any]], page: list[int], viewport: list[int], w: str, h: str) -> Snapshot:
    counts: dict[str, int] = {}
    boxes: list[Box] = []
    seen = set()
    for b in items:
        index = counts[b["name"]] = counts.get(b["name"], -1) + 1
        box = Box(b["name"], index, str(b["label"]), float(b["x"]), float(b["y"]), float(b[w]), float(b[h]), bool(b["visible"]))
        if (box.label, box.x, box.y, box.w, box.h) in seen:
            continue  # one element under two names (an <aside> that is also an ad slot) is told once
        seen.add((box.label, box.x, box.y, box.w, box.h))
        boxes.append(box)
    labels = [b.label for b in boxes]
    boxes = [replace(b, label=f"{b.label} #{labels[:i].count(b.label) + 1}") if labels.count(b.label) > 1 else b for i, b in enumerate(boxes)]
    return Snapshot(tuple(boxes), (int(page[0]), int(page[1])), (int(viewport[0]), int(viewport[1])))
