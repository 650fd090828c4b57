"""What changed, as data: one entry per element, causes first, and the same cause at
several breakpoints as one group.

``explain`` says it in sentences; this says it in a form the report can draw (a box in
each image) and CI can count. Kinds:

- ``resized``: the element's box changed size;
- ``moved``: same size, another place (a knock-on move unless its spacing is the cause);
- ``added`` / ``removed``: present (and visible) in one snapshot only;
- ``content``: the box did not change but pixels inside it did (text, an image);
- ``style``: the box did not change and its shapes did not either, only their colours.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from harness.inspect.geometry import Box, Snapshot, comparable

def _rect(b: Box) -> list[int]:
    return [round(b.x), round(b.y), round(b.w), round(b.h)]


def _entry(kind: str, old: Box | None, new: Box | None, cause: bool) -> dict[str, Any]:
    label = (new or old).label  # type: ignore[union-attr]
    entry: dict[str, Any] = {
        "kind": kind,
        "selector": label,
        "baseline": _rect(old) if old else None,
        "actual": _rect(new) if new else None,
        "cause": cause,
    }
    if old and new:
        entry["dx"], entry["dy"] = round(new.x - old.x), round(new.y - old.y)
    return entry


def moved_boxes(old: Snapshot, new: Snapshot) -> list[tuple[str, Box, Box]]:
    """Elements that moved without changing size: candidates for aligned comparison."""
    pair = comparable(old, new)  # boxes found in different ways are never compared
    if pair is None:
        return []
    old, new = pair
    before = {b.key: b for b in old.boxes if b.visible}
    return [
        (f"{b.name}#{b.index}", before[b.key], b)
        for b in new.boxes
        if b.visible and b.key in before and _same_size(before[b.key], b) and _offset(before[b.key], b) != (0, 0)
    ]


def changes(
    old: Snapshot,
    new: Snapshot,
    changed_in: Callable[[Box], int],
    same_shapes: Callable[[Box, Box], bool] = lambda a, b: False,
) -> list[dict[str, Any]]:
    """Every element that changed, causes first: sizes, arrivals and departures, changed
    content; then the moves, the first of each shift marked as the cause when nothing
    above it grew (its spacing did). Only landmarks both snapshots measured the same way."""
    pair = comparable(old, new)
    if pair is None:
        return []
    old, new = pair
    before = {b.key: b for b in old.boxes}
    after = {b.key: b for b in new.boxes}
    causes: list[dict[str, Any]] = []
    moves: list[tuple[Box, Box]] = []
    untouched: list[tuple[Box, Box]] = []
    for key, b in before.items():
        a = after.get(key)
        if a is None or (b.visible and not a.visible):
            if b.visible:
                causes.append(_entry("removed", b, None, True))
        elif a.visible and not b.visible:
            causes.append(_entry("added", None, a, True))
        elif not _same_size(b, a):
            causes.append(_entry("resized", b, a, True))
        elif _offset(b, a) != (0, 0):
            moves.append((b, a))
        elif b.visible:
            untouched.append((b, a))
    causes += [_entry("added", None, a, True) for key, a in after.items() if key not in before and a.visible]
    causes = _narrowed_by_container(_innermost(causes))
    causes += _content(untouched, changed_in, same_shapes)
    return causes + _moves(moves, [c for c in causes if c["kind"] == "resized"])


def _same_size(a: Box, b: Box) -> bool:
    return round(a.w) == round(b.w) and round(a.h) == round(b.h)


def _offset(a: Box, b: Box) -> tuple[int, int]:
    return round(b.x - a.x), round(b.y - a.y)


def _innermost(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A box around another that changed the same way says nothing new: keep the inner one."""
    def growth(c: dict[str, Any]) -> tuple[int, int] | None:
        if c["kind"] != "resized":
            return None
        return c["actual"][2] - c["baseline"][2], c["actual"][3] - c["baseline"][3]

    return [
        c for c in found
        if not any(o is not c and growth(o) == growth(c) is not None and _inside(o["actual"], c["actual"]) for o in found)
    ]


def _inside(inner: list[int] | None, outer: list[int] | None) -> bool:
    if not inner or not outer or inner == outer:
        return False
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[0] + inner[2] <= outer[0] + outer[2] and inner[1] + inner[3] <= outer[1] + outer[3]


def _narrowed_by_container(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Widths flow down: a box whose width changed as much as the box around it did
    follows it (text in a column made wider), so the outer box is the cause."""
    def dw(c: dict[str, Any]) -> int:
        return c["actual"][2] - c["baseline"][2] if c["kind"] == "resized" else 0

    for c in found:
        if dw(c) and any(o is not c and dw(o) == dw(c) and _inside(c["actual"], o["actual"]) for o in found):
            c["cause"] = False
    return sorted(found, key=lambda c: not c["cause"])


def _content(
    untouched: list[tuple[Box, Box]], changed_in: Callable[[Box], int], same_shapes: Callable[[Box, Box], bool]
) -> list[dict[str, Any]]:
    """Boxes that stayed put with changed pixels inside; the innermost such box only."""
    hit = [(b, a) for b, a in untouched if changed_in(a) > 0]
    inner = [(b, a) for b, a in hit if not any(o is not a and a.contains(o) and o != a for _, o in hit)]
    return [_entry("style" if same_shapes(b, a) else "content", b, a, True) for b, a in inner]


def _moves(moves: list[tuple[Box, Box]], resized: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Knock-on moves; in each vertical shift, the topmost mover is the cause when no
    resized box above it explains the shift (the space above it changed)."""
    out = []
    by_shift: dict[tuple[int, int], list[tuple[Box, Box]]] = {}
    for b, a in sorted(moves, key=lambda m: (m[0].y, m[0].x)):
        by_shift.setdefault(_offset(b, a), []).append((b, a))
    for (dx, dy), group in by_shift.items():
        first_old = group[0][0]
        explained = any(
            r["baseline"] and r["baseline"][1] + r["baseline"][3] <= first_old.y + 2
            and abs((r["actual"][3] - r["baseline"][3]) - dy) <= 1
            for r in resized
        ) or bool(dx and any(r["actual"][2] != r["baseline"][2] for r in resized))
        for i, (b, a) in enumerate(group):
            out.append(_entry("moved", b, a, cause=i == 0 and not explained and not resized))
    out.sort(key=lambda c: not c["cause"])
    return out


def cause_key(change: dict[str, Any]) -> tuple[Any, ...]:
    """What makes two shots' causes the same: the element, the kind and the change of
    width (or of height, when the width held): the rail made 60 px wider is one cause at
    every width, though its height follows its text differently at each."""
    old, new = change.get("baseline"), change.get("actual")
    if change["kind"] != "resized" or not old or not new:
        return change["kind"], change["selector"]
    if old[2] != new[2]:
        return change["kind"], change["selector"], "width", old[2], new[2]
    return change["kind"], change["selector"], "height", new[3] - old[3]


def describe(change: dict[str, Any]) -> str:
    """A change in a few words: "aside.related width 300 → 360 px"."""
    kind, sel, old, new = change["kind"], change["selector"], change.get("baseline"), change.get("actual")
    if kind == "resized" and old and new:
        if old[2] != new[2]:
            return f"{sel} width {old[2]} → {new[2]} px"
        return f"{sel} height {old[3]} → {new[3]} px ({new[3] - old[3]:+d})"
    if kind == "moved":
        dy, dx = change.get("dy", 0), change.get("dx", 0)
        way = f"{abs(dy)} px {'down' if dy > 0 else 'up'}" if dy else f"{abs(dx)} px {'right' if dx > 0 else 'left'}"
        return f"{sel} moved {way}"
    words = {"added": "appeared", "removed": "is gone", "content": "content changed", "style": "colours changed"}
    return f"{sel} {words.get(kind, kind)}"


def groups(shots: Sequence[tuple[str, str, Sequence[dict[str, Any]]]]) -> list[dict[str, Any]]:
    """The same first cause at several breakpoints is one finding. ``shots`` holds
    (shot id, breakpoint name, changes) for each failing shot, in report order."""
    found: dict[tuple[Any, ...], dict[str, Any]] = {}
    for shot_id, breakpoint, shot_changes in shots:
        first = next((c for c in shot_changes if c.get("cause")), None)
        if first is None:
            continue
        page = shot_id.partition("/")[0]
        group = found.setdefault((page, *cause_key(first)), {"kind": first["kind"], "selector": first["selector"], "shots": [], "at": [], "what": describe(first)})
        group["shots"].append(shot_id)
        group["at"].append(breakpoint)
    out = []
    for i, g in enumerate(v for v in found.values() if len(v["shots"]) > 1):
        out.append({"id": f"g{i + 1}", "text": f"{g['what']} at {', '.join(g['at'])}", "kind": g["kind"], "selector": g["selector"], "shots": g["shots"]})
    return out
