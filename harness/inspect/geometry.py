"""The geometry snapshot: where the page's landmark elements are, kept with each baseline.

Boxes are in CSS px of the document (scroll offsets added), to 1/100 px: layout is
sub-pixel, and rounding each edge first would report 1 px changes that never happened.
A landmark name may match several elements (ad slots, figures); the first few are kept,
in document order, and an element nested inside another match of the same name is
skipped (the outer one already says where it is). ``explain`` compares two snapshots.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from harness.inspect.probe import Part, Target

KEY = "geometry"
FORMAT = 1
PER_NAME = 4  # matches kept per landmark name

# The defaults before version 2: article landmarks only. A snapshot that records no
# landmark set was measured with these (and no `landmarks:` of its page).
ARTICLE_LANDMARKS: dict[str, str] = {
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

# Version 2: the article landmarks, unchanged and first (an element matched under two names
# keeps the first), then what any page has: the main landmark, headings, large images
# and cards (repeated siblings). pages.yaml `landmarks:` adds, replaces or drops (false).
CARDS = "repeated siblings"  # not a selector: the probe finds them (see LANDMARKS_JS)
DEFAULT_LANDMARKS: dict[str, str] = {
    **ARTICLE_LANDMARKS,
    "main": "main, [role=main]",
    "h2": "h2",
    "h3": "h3",
    "image": "img, svg, video, canvas",
    "card": CARDS,
}
DEFAULTS_VERSION = 2
DEFAULTS = {1: ARTICLE_LANDMARKS, 2: DEFAULT_LANDMARKS}
# How a default finds its elements beyond its selector (only while the page keeps the default's selector).
DEFAULT_FILTERS: dict[str, dict[str, Any]] = {
    "image": {"minWidth": 160, "minHeight": 120, "notInside": "figure, picture, button"},
    "card": {"cards": True, "minWidth": 120, "minHeight": 60},
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
  const big = (el, how) => {
    const r = el.getBoundingClientRect();
    return r.width >= (how.minWidth || 0) && r.height >= (how.minHeight || 0);
  };
  const skipTags = new Set(['P', 'SPAN', 'A', 'BR', 'HR', 'SCRIPT', 'STYLE', 'TEMPLATE', 'SOURCE', 'OPTION', 'TR', 'TD', 'TH', 'LINK', 'META']);
  const cards = (how) => {  // repeated siblings (same tag and classes, 3 or more) that hold a heading or an image
    const out = [];
    for (const parent of document.body ? document.body.querySelectorAll('*') : []) {
      if (parent.childElementCount < 3 || parent.closest('nav, header, footer, [role=navigation], [role=banner], [role=contentinfo]')) continue;
      const groups = new Map();
      for (const kid of parent.children) {
        if (skipTags.has(kid.tagName)) continue;
        const key = kid.tagName + '.' + [...kid.classList].sort().join('.');
        if (!groups.has(key)) groups.set(key, []);
        groups.get(key).push(kid);
      }
      for (const members of groups.values()) {
        const ok = members.filter(m => big(m, how) && m.querySelector('h2, h3, h4, h5, h6, [role=heading], img, picture, svg, video'));
        if (ok.length >= 3) out.push(...ok);
      }
    }
    return out.sort((a, b) => a === b ? 0 : a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1);
  };
  const out = [];
  for (const [name, selector, how] of arg.landmarks) {
    let found;
    try { found = how && how.cards ? cards(how) : [...document.querySelectorAll(selector)]; } catch (e) { continue; }
    if (how && !how.cards) found = found.filter(el => big(el, how) && !(how.notInside && el.parentElement && el.parentElement.closest(how.notInside)));
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
          viewport: arg.viewport, set: arg.set};  // viewport as configured: a mobile page that overflows widens its own innerWidth
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
class LandmarkSet:
    """How a snapshot's boxes were found: the defaults' version and the page's own
    ``landmarks:`` setting (name, selector or None for a dropped default)."""

    defaults: int = 1
    page: tuple[tuple[str, str | None], ...] = ()

    def measures(self) -> dict[str, str]:
        """Each landmark name and how it is found (its selector, and a default's filter)."""
        own = dict(self.page)
        defaults = DEFAULTS.get(self.defaults, {})
        out = {}
        for name, selector in {**defaults, **own}.items():
            if not selector:
                continue
            how = DEFAULT_FILTERS.get(name) if self.defaults >= 2 and selector == defaults.get(name) else None
            out[name] = selector + (" " + json.dumps(how, sort_keys=True) if how else "")
        return out

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(list(self.measures().items())).encode()).hexdigest()[:16]

    def to_json(self) -> dict[str, Any]:
        return {"digest": self.digest(), "defaults": self.defaults, "page": [[n, s if s else False] for n, s in self.page]}

    @classmethod
    def from_json(cls, data: Any) -> LandmarkSet:
        """A recorded set; a snapshot that records none was made with the article defaults."""
        if not isinstance(data, dict):
            return LEGACY
        page = tuple((str(n), str(s) if s else None) for n, s in data.get("page") or ())
        return cls(int(data.get("defaults", 1)), page)


LEGACY = LandmarkSet()


@dataclass(frozen=True)
class Snapshot:
    boxes: tuple[Box, ...]
    page: tuple[int, int]  # the document's scroll width and height
    viewport: tuple[int, int]
    landmarks: LandmarkSet = LEGACY

    def to_bytes(self) -> bytes:
        body: dict[str, Any] = {
            "format": FORMAT,
            "viewport": list(self.viewport),
            "page": list(self.page),
            "landmarks": [
                {"name": b.name, "label": b.label, "x": b.x, "y": b.y, "width": b.w, "height": b.h, "visible": b.visible}
                for b in self.boxes
            ],
        }
        if self.landmarks != LEGACY:
            body["landmark_set"] = self.landmarks.to_json()
        return (json.dumps(body, indent=1) + "\n").encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> Snapshot | None:
        """None for anything unreadable: an explanation is a help, never a reason to fail."""
        try:
            body = json.loads(data)
            snap = _build(body["landmarks"], body["page"], body["viewport"], "width", "height")
            return replace(snap, landmarks=LandmarkSet.from_json(body.get("landmark_set")))
        except (ValueError, KeyError, TypeError):
            return None

    def only(self, names: Iterable[str]) -> Snapshot:
        """The boxes of these landmark names only, numbered among themselves."""
        keep = set(names)
        boxes = [replace(b, label=_SUFFIX.sub("", b.label)) for b in self.boxes if b.name in keep]
        return replace(self, boxes=_numbered(boxes))


def landmark_set(target: Target) -> LandmarkSet:
    return LandmarkSet(DEFAULTS_VERSION, tuple(target.page.settings.landmarks))


def landmarks_for(target: Target) -> list[tuple[str, str, dict[str, Any] | None]]:
    """The defaults with the page's own landmarks on top (a false value drops a default),
    each with a default's filter while the page keeps the default's selector."""
    merged: dict[str, str | None] = {**DEFAULT_LANDMARKS, **dict(target.page.settings.landmarks)}
    return [
        (name, selector, DEFAULT_FILTERS.get(name) if selector == DEFAULT_LANDMARKS.get(name) else None)
        for name, selector in merged.items()
        if selector
    ]


def part(target: Target) -> Part:
    arg = {
        "landmarks": landmarks_for(target),
        "perName": PER_NAME,
        "viewport": [target.width, target.height],
        "set": landmark_set(target).to_json(),
    }
    return Part(KEY, LANDMARKS_JS, arg)


def snapshot(data: Any) -> Snapshot | None:
    """The probe's answer as a snapshot; None if the probe failed in the page."""
    if not isinstance(data, dict) or "boxes" not in data:
        return None
    snap = _build(data["boxes"], data["page"], data["viewport"], "w", "h")
    return replace(snap, landmarks=LandmarkSet.from_json(data.get("set")))


def shared_names(old: LandmarkSet, new: LandmarkSet) -> set[str] | None:
    """The landmark names both sets find the same way; None when the page's own
    ``landmarks:`` differ: then nothing of the two snapshots is compared."""
    if old.page != new.page:
        return None
    before, after = old.measures(), new.measures()
    return {name for name, how in before.items() if after.get(name) == how}


def comparable(old: Snapshot, new: Snapshot) -> tuple[Snapshot, Snapshot] | None:
    """The two snapshots on the landmarks both measured the same way; None when the page's
    own ``landmarks:`` differ: boxes found in different ways are never compared."""
    if old.landmarks == new.landmarks:
        return old, new
    names = shared_names(old.landmarks, new.landmarks)
    return None if names is None else (old.only(names), new.only(names))


def stale(stored: bytes | None, new: Snapshot) -> bool:
    """The stored snapshot is missing, unreadable, or was measured with another
    ``landmarks:`` setting of its page: measure it again (``--update missing``). A
    snapshot of older defaults is kept: what both find is still compared."""
    old = Snapshot.from_bytes(stored) if stored else None
    return old is None or old.landmarks.page != new.landmarks.page


_SUFFIX = re.compile(r" #\d+$")


def _numbered(boxes: list[Box]) -> tuple[Box, ...]:
    """Labels that occur more than once get ``#1``, ``#2``... in document order."""
    labels = [b.label for b in boxes]
    return tuple(replace(b, label=f"{b.label} #{labels[:i].count(b.label) + 1}") if labels.count(b.label) > 1 else b for i, b in enumerate(boxes))


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
    return Snapshot(_numbered(boxes), (int(page[0]), int(page[1])), (int(viewport[0]), int(viewport[1])))
