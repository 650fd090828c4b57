"""Judging one spec assertion against the boxes the probe measured.

Semantics (the README's "Layout specs" section says the same):
- The subject's *visible* matches must each satisfy a geometric assertion (below, inside,
  width, ...); the other element is its first visible match in document order.
- ``visible: true``: every match is visible; ``visible: false``: something matches and
  none is visible; ``absent``: nothing matches, or nothing matching is visible;
  ``count``: the number of visible matches.
- A selector that matches nothing fails every assertion but ``absent``.
- Distances are whole CSS px (rounded); percentages are of the viewport, to 0.1 %.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from harness.config.spec_range import AT_LEAST_ZERO
from harness.config.specs import (
    ALIGN_TOLERANCE_PX,
    SIDES,
    Absent,
    Aligned,
    Check,
    Count,
    Element,
    Inside,
    Relation,
    Size,
    Visible,
)

Box = tuple[float, float, float, float]  # x, y, width, height in document CSS px
PHRASES = {"below": "below", "above": "above", "right-of": "right of", "left-of": "left of"}


@dataclass(frozen=True)
class Failure:
    message: str
    box: tuple[int, int, int, int] | None = None


@dataclass(frozen=True)
class Found:
    """What one selector matched: all matches, the visible ones and their boxes."""

    count: int = 0
    visible: int = 0
    boxes: tuple[Box, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class Measured:
    viewport: tuple[float, float]
    elements: dict[str, Found]

    @classmethod
    def from_json(cls, data: dict[str, Any], width: int, height: int) -> Measured:
        viewport = data.get("viewport") or (width, height)
        elements = {}
        for selector, body in data["elements"].items():
            if "error" in body:
                elements[selector] = Found(error=str(body["error"]))
            else:
                boxes = tuple(tuple(float(v) for v in box) for box in body.get("boxes", ()))
                elements[selector] = Found(int(body["count"]), int(body["visible"]), boxes)  # type: ignore[arg-type]
        return cls((float(viewport[0]), float(viewport[1])), elements)


def evaluate(check: Check, measured: Measured) -> Failure | None:
    """None when the assertion holds, else what was measured instead."""
    subject, assertion = check.subject, check.assertion
    found = measured.elements.get(subject.selector, Found())
    if found.error:
        return Failure(f"{label(subject)}: selector {subject.selector!r} is {found.error}")
    if isinstance(assertion, Absent):
        return None if found.visible == 0 else Failure(f"{label(subject)} is visible ({_of(found)}), expected absent", _box(found.boxes[0]))
    if found.count == 0:
        return Failure(f"{label(subject)}: selector {subject.selector!r} matches nothing")
    if isinstance(assertion, Visible):
        return _visible(subject, found, assertion.expected)
    if isinstance(assertion, Count):
        if assertion.range.contains(found.visible):
            return None
        return Failure(f"{label(subject)}: {found.visible} visible ({found.count} matching), expected {assertion.range}")
    if found.visible == 0:
        return Failure(_none_visible(subject, found))
    other_box: Box | None = None
    if other := getattr(assertion, "other", None):
        other_found = measured.elements.get(other.selector, Found())
        if problem := _unusable(other, other_found):
            return Failure(problem)
        other_box = other_found.boxes[0]
    for index, box in enumerate(found.boxes):
        name = label(subject) if len(found.boxes) == 1 else f"{label(subject)} #{index + 1} of {found.visible}"
        if problem := _geometry(assertion, name, box, other_box, measured.viewport):
            return Failure(problem, _box(box))
    return None


def label(element: Element) -> str:
    """An alias or a one-word selector as is; any other selector quoted."""
    plain = element.name != element.selector or element.name.replace("-", "").replace("_", "").isalnum()
    return element.name if plain else repr(element.selector)


def _visible(subject: Element, found: Found, expected: bool) -> Failure | None:
    if expected and found.visible < found.count:
        if found.count == 1:
            return Failure(f"{label(subject)} is not visible, expected visible")
        return Failure(f"{label(subject)}: {found.count - found.visible} of {found.count} matches are not visible, expected visible")
    if not expected and found.visible:
        return Failure(f"{label(subject)} is visible ({_of(found)}), expected not visible", _box(found.boxes[0]))
    return None


def _unusable(other: Element, found: Found) -> str | None:
    if found.error:
        return f"{label(other)}: selector {other.selector!r} is {found.error}"
    if found.count == 0:
        return f"{label(other)}: selector {other.selector!r} matches nothing"
    return _none_visible(other, found) if found.visible == 0 else None


def _none_visible(element: Element, found: Found) -> str:
    if found.count == 1:
        return f"{label(element)} is not visible (display, visibility, opacity or zero size)"
    return f"{label(element)}: none of the {found.count} matches of {element.selector!r} is visible"


def _of(found: Found) -> str:
    return f"{found.visible} of {found.count} matches" if found.count > 1 else "1 match"


def _geometry(assertion: Any, name: str, box: Box, other: Box | None, viewport: tuple[float, float]) -> str | None:
    if isinstance(assertion, Relation):
        assert other is not None
        return _relation(assertion, name, box, other)
    if isinstance(assertion, Inside):
        assert other is not None
        return _inside(assertion, name, box, other)
    if isinstance(assertion, Aligned):
        assert other is not None
        return _aligned(assertion, name, box, other)
    if isinstance(assertion, Size):
        return _size(assertion, name, box, viewport)
    raise TypeError(f"unknown assertion {assertion!r}")


def _gaps(a: Box, b: Box) -> dict[str, int]:
    """The distance from b's facing edge to a's, for each side a may be on (negative: overlap)."""
    return {
        "below": px(a[1] - (b[1] + b[3])),
        "above": px(b[1] - (a[1] + a[3])),
        "right-of": px(a[0] - (b[0] + b[2])),
        "left-of": px(b[0] - (a[0] + a[2])),
    }


def _relation(rel: Relation, name: str, box: Box, other: Box) -> str | None:
    gaps = _gaps(box, other)
    gap = gaps[rel.kind]
    if (rel.gap or AT_LEAST_ZERO).contains(gap):
        return None
    other_name = label(rel.other)
    target = f"{PHRASES[rel.kind]} {other_name}"
    if gap >= 0:
        return f"{name} is {gap} px {target}, expected gap {rel.gap}"
    where = next((f"{PHRASES[k]} {other_name} (gap {g} px)" for k, g in gaps.items() if g >= 0), None)
    if where is None:
        width = px(min(box[0] + box[2], other[0] + other[2]) - max(box[0], other[0]))
        height = px(min(box[1] + box[3], other[1] + other[3]) - max(box[1], other[1]))
        where = f"overlapping {other_name} ({width} × {height} px)"
    return f"{name} is {where}, expected {target}" + (f" with gap {rel.gap}" if rel.gap else "")


def _inside(inside: Inside, name: str, box: Box, other: Box) -> str | None:
    paddings = {
        "left": px(box[0] - other[0]),
        "right": px(other[0] + other[2] - box[0] - box[2]),
        "top": px(box[1] - other[1]),
        "bottom": px(other[1] + other[3] - box[1] - box[3]),
    }
    out, wrong = [], []
    for side in SIDES:
        value, wanted = paddings[side], inside.range_for(side)
        if wanted.contains(value):
            continue
        if value < 0 and wanted.contains(0):
            out.append(f"{-value} px on the {side}")
        else:
            wrong.append(f"{side} padding {value} px, expected {wanted}")
    if out:
        return f"{name} sticks out of {label(inside.other)} by " + ", ".join(out)
    return f"{name} inside {label(inside.other)}: " + ", ".join(wrong) if wrong else None


def _edge(box: Box, edge: str) -> float:
    x, y, w, h = box
    return {"left": x, "right": x + w, "top": y, "bottom": y + h, "centre": x + w / 2}[edge]


def _aligned(aligned: Aligned, name: str, box: Box, other: Box) -> str | None:
    mine, theirs = _edge(box, aligned.edge), _edge(other, aligned.edge)
    apart = round(abs(mine - theirs), 1)
    if apart <= ALIGN_TOLERANCE_PX:
        return None
    axis = "y" if aligned.edge in ("top", "bottom") else "x"
    edge = "centre" if aligned.edge == "centre" else f"{aligned.edge} edge"
    return (
        f"{name} {edge} at {axis}={round(mine, 1):g}, {label(aligned.other)}'s at {axis}={round(theirs, 1):g} ({apart:g} px apart),"
        f" expected aligned within {ALIGN_TOLERANCE_PX} px"
    )


def _size(size: Size, name: str, box: Box, viewport: tuple[float, float]) -> str | None:
    length = box[2] if size.dimension == "width" else box[3]
    whole = viewport[0] if size.dimension == "width" else viewport[1]
    pct = round(100 * length / whole, 1) if whole else 0.0
    value = pct if size.range.unit == "%" else px(length)
    if size.range.contains(value):
        return None
    return f"{name} {size.dimension} {px(length)} px ({pct:g}% of the {px(whole)} px viewport), expected {size.range}"


def px(value: float) -> int:
    """Whole CSS px, halves rounded up (not to even), so 0.5 and 1.5 behave alike."""
    return math.floor(value + 0.5)


def _box(box: Box) -> tuple[int, int, int, int]:
    return (px(box[0]), px(box[1]), px(box[2]), px(box[3]))
