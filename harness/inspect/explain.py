"""Say in words what changed, from two geometry snapshots and the diff's regions.

The order of the questions matters, because each answer absorbs the boxes it explains:

1. landmarks that appeared, went, were hidden or shown;
2. a landmark that changed its place relative to the article ("aside moved from right of
   article to below it");
3. shifts: everything that moved by the same amount is ONE change, told from the topmost
   mover (or the block above it that grew), with its containers and the page height;
4. what is left: sizes, sideways moves, sticking out of the viewport, page size;
5. diff regions that no changed box covers: a change inside a landmark, with no move.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from harness.inspect.geometry import Box, Snapshot, comparable

MAX_LINES = 8
ANCHORS = ("article", "body", "main")  # what sideways relations are measured against
MOVERS = ("aside", "figure", "ad", "iframe", "nav", "byline", "time", "h1")
SLACK = 2  # px: touching boxes count as beside each other


@dataclass
class _Pair:
    old: Box
    new: Box

    # Changes in whole px: under half a pixel is rendering noise, not a change.
    @property
    def dx(self) -> int:
        return round(self.new.x - self.old.x)

    @property
    def dy(self) -> int:
        return round(self.new.y - self.old.y)

    @property
    def dw(self) -> int:
        return round(self.new.w - self.old.w)

    @property
    def dh(self) -> int:
        return round(self.new.h - self.old.h)

    @property
    def label(self) -> str:
        return self.new.label


@dataclass
class _Story:
    """The sentences so far and the landmarks they have explained."""

    lines: list[str] = field(default_factory=list)  # causes: what changed by itself
    effects: list[str] = field(default_factory=list)  # knock-on moves, told after every cause
    done: set[tuple[str, int]] = field(default_factory=set)
    page_told: bool = False


def explain(
    old: Snapshot | None,
    new: Snapshot | None,
    regions: Sequence[Sequence[int]] = (),
) -> list[str]:
    """Sentences for one failing shot, most telling first, at most MAX_LINES."""
    if old is None or new is None:
        lines = _region_lines(regions, new or old, moved=False)
        if old is None:
            lines.append("no geometry stored with the baseline; approve the shot again to get explanations")
        return lines
    pair = comparable(old, new)  # only what both measured the same way is compared
    if pair is None:
        lines = _region_lines(regions, new, moved=False)
        lines.append("the baseline's landmarks were measured with another 'landmarks:' setting, so they are not compared; approving the shot measures them again")
        return lines
    old, new = pair
    story = _Story()
    pairs = _pairs(old, new, story)
    _relations(pairs, story)
    _shifts(pairs, old, new, story)
    _rest(pairs, new, story)
    changed = [b for p in pairs if (p.dx, p.dy, p.dw, p.dh) != (0, 0, 0, 0) for b in (p.old, p.new)]
    loose = [r for r in regions if not any(_overlaps(r, b) for b in changed)]
    story.lines += _region_lines(loose, new, moved=bool(story.lines or story.effects))
    story.lines += story.effects  # causes first; what they moved after
    _page(old, new, story)
    if len(story.lines) > MAX_LINES:
        extra = len(story.lines) - MAX_LINES + 1
        story.lines = [*story.lines[: MAX_LINES - 1], f"and {extra} more changes"]
    return story.lines


def _pairs(old: Snapshot, new: Snapshot, story: _Story) -> list[_Pair]:
    """Match boxes by landmark name and index; tell what appeared, went or changed visibility."""
    before = {b.key: b for b in old.boxes}
    after = {b.key: b for b in new.boxes}
    pairs = []
    for key, b in before.items():
        if key not in after:
            if b.visible:
                story.lines.append(f"{b.label} is gone")
        elif b.visible != after[key].visible:
            story.lines.append(f"{b.label} is now {'shown' if after[key].visible else 'hidden'}")
            story.done.add(key)
        elif b.visible:
            pairs.append(_Pair(b, after[key]))
    for key, b in after.items():
        if key not in before and b.visible:
            story.lines.append(f"{b.label} appeared ({_px(b.w)}x{_px(b.h)} px at y={_px(b.y)})")
    return pairs


def _relation(a: Box, b: Box) -> str | None:
    if a.contains(b, SLACK) or b.contains(a, SLACK):
        return None
    if a.x >= b.right - SLACK:
        return "right of"
    if a.right <= b.x + SLACK:
        return "left of"
    if a.y >= b.bottom - SLACK:
        return "below"
    if a.bottom <= b.y + SLACK:
        return "above"
    return "overlapping"


def _relations(pairs: list[_Pair], story: _Story) -> None:
    anchors = [p for p in pairs if p.old.name in ANCHORS]
    for p in pairs:
        if p.old.name not in MOVERS or p.old.key in story.done:
            continue
        for a in anchors:
            was, now = _relation(p.old, a.old), _relation(p.new, a.new)
            if was and now and was != now:
                size = f" (width {_px(p.old.w)} → {_px(p.new.w)} px)" if p.dw else ""
                it = "it" if now != "overlapping" else ""
                story.lines.append(f"{p.label} moved from {was} {a.old.label} to {now} {it}".rstrip() + size)
                story.done.add(p.old.key)
                story.done.update(q.old.key for q in pairs if q is not p and p.old.contains(q.old, SLACK) and p.new.contains(q.new, SLACK))
                break


def _shifts(pairs: list[_Pair], old: Snapshot, new: Snapshot, story: _Story) -> None:
    """Everything that moved vertically by the same amount is one change."""
    page_dh = new.page[1] - old.page[1]
    vw = new.viewport[0]
    for dy, group in _by_shift([p for p in pairs if p.dy and p.old.key not in story.done]):
        group.sort(key=lambda p: (p.old.y, -p.old.w * p.old.h))
        first, followers = group[0], group[1:]
        grower = _grower(pairs, first, dy, story)
        for p in (*group, *_containers(pairs, first, dy, story)):
            story.done.add(p.old.key)
        page = f" (page height {page_dh:+d} px)" if _near(page_dh, dy) and not story.page_told else ""
        story.page_told = story.page_told or bool(page)
        way = "down" if dy > 0 else "up"
        if grower is not None:
            story.done.add(grower.old.key)
            what = ", ".join(_changes(grower, vw))
            story.lines.append(f"{grower.label} {what}, moving {_count(group)} below it {way} {abs(dy)} px{page}")
        elif _space_is_the_cause(pairs, group, story, page_dh) and (above := _above(pairs, first)) is not None:
            more = "more" if dy > 0 else "less"
            story.lines.append(f"{abs(dy)} px {more} space below {above.label}, moving {_count(group)} below it {way} {abs(dy)} px{page}")
        else:
            with_it = f", and {_count(followers)} below it with it" if followers else ""
            alone = not followers and not page  # moved by itself (a transform, an offset): a cause
            (story.lines if alone else story.effects).append(f"{first.label} moved {abs(dy)} px {way}{with_it}{page}")


def _space_is_the_cause(pairs: list[_Pair], group: list[_Pair], story: _Story, page_dh: int) -> bool:
    """A vertical shift with nothing else to blame: what follows moved too (a box moved
    alone, by a transform or a relative offset, is a move), no box changed place relative
    to another or appeared, and none resized except the boxes around the movers."""
    first = group[0]
    if story.lines or first.dx or (len(group) == 1 and not _near(page_dh, first.dy)):
        return False
    return not any((p.dw or p.dh) and not p.new.contains(first.new, SLACK) for p in pairs)


def _above(pairs: list[_Pair], first: _Pair) -> _Pair | None:
    """The box that stayed put right above the first mover, in its column: when nothing
    grew, the space between the two did."""
    still = [
        p for p in pairs
        if not p.dy and not p.dh and p.old.bottom <= first.old.y + SLACK and not p.old.contains(first.old)
        and p.old.x < first.old.right and first.old.x < p.old.right
    ]
    return max(still, key=lambda p: (p.old.bottom, -p.old.w * p.old.h)) if still else None


def _by_shift(moved: list[_Pair]) -> list[tuple[int, list[_Pair]]]:
    """Group by vertical shift, allowing 1 px for rounding; topmost group first."""
    groups: list[tuple[int, list[_Pair]]] = []
    for p in sorted(moved, key=lambda p: p.dy):
        if groups and _near(p.dy, groups[-1][0]):
            groups[-1][1].append(p)
        else:
            groups.append((p.dy, [p]))
    return sorted(groups, key=lambda g: min(p.old.y for p in g[1]))


def _near(a: int, b: int) -> bool:
    return abs(a - b) <= 1


def _grower(pairs: list[_Pair], first: _Pair, dy: int, story: _Story) -> _Pair | None:
    """The block just above the first mover whose height changed by the shift, if any."""
    above = [
        p for p in pairs
        if _near(p.dh, dy) and not p.dy and p.old.bottom <= first.old.y + SLACK and not p.new.contains(first.new)
        and p.old.key not in story.done
    ]
    if not above:
        return None
    inner = min(above, key=lambda p: p.new.w * p.new.h)  # the block itself, not the boxes around it
    story.done.update(p.old.key for p in above if p is not inner and p.new.contains(inner.new, SLACK))
    return inner


def _containers(pairs: list[_Pair], first: _Pair, dy: int, story: _Story) -> list[_Pair]:
    """Boxes around the first mover that grew by the shift: a consequence, not a change."""
    return [
        p for p in pairs
        if _near(p.dh, dy) and not p.dy and p.new.contains(first.new, SLACK) and p.old.key not in story.done
    ]


def _changes(p: _Pair, vw: int) -> list[str]:
    """A box's own changes: size, sideways and vertical moves, sticking out of the viewport."""
    parts = []
    if p.dw and p.dh:
        parts.append(f"size {_px(p.old.w)}x{_px(p.old.h)} → {_px(p.new.w)}x{_px(p.new.h)} px")
    elif p.dw:
        parts.append(f"width {_px(p.old.w)} → {_px(p.new.w)} px")
    elif p.dh:
        parts.append(f"height {_px(p.old.h)} → {_px(p.new.h)} px ({p.dh:+d})")
    if p.dx:
        parts.append(f"moved {abs(p.dx)} px {'right' if p.dx > 0 else 'left'}")
    if round(p.new.right) > vw >= round(p.old.right):
        parts.append(f"now sticks out {_px(p.new.right - vw)} px past the right edge of the {vw} px viewport")
    return parts


def _rest(pairs: list[_Pair], new: Snapshot, story: _Story) -> None:
    resized = [p for p in pairs if (p.dw or p.dh) and p.old.key not in story.done]
    for p in resized:  # a box around another one that changed the same way says nothing new
        if any(q is not p and p.new.contains(q.new) and (q.dw, q.dh) == (p.dw, p.dh) for q in resized):
            story.done.add(p.old.key)
    vw = new.viewport[0]
    for p in pairs:
        if p.old.key in story.done:
            continue
        parts = _changes(p, vw)
        if p.dy:
            parts.append(f"moved {abs(p.dy)} px {'down' if p.dy > 0 else 'up'}")
        if parts:
            story.lines.append(f"{p.label} " + ", ".join(parts))
            story.done.add(p.old.key)


def _page(old: Snapshot, new: Snapshot, story: _Story) -> None:
    dw, dh = new.page[0] - old.page[0], new.page[1] - old.page[1]
    if dw:
        story.lines.append(f"page width {old.page[0]} → {new.page[0]} px" + (" (wider than the viewport)" if new.page[0] > new.viewport[0] else ""))
    if dh and not story.page_told:
        story.lines.append(f"page height {dh:+d} px")


def _region_lines(regions: Sequence[Sequence[int]], snap: Snapshot | None, moved: bool) -> list[str]:
    """Regions grouped by the smallest landmark around them: one line per landmark, three at most."""
    what = "text or colour" if moved else "text or colour, no box moved"
    groups: dict[str, list[Sequence[int]]] = {}
    for region in regions:
        x, y, w, h = region
        inside = [b for b in (snap.boxes if snap else ()) if b.visible and b.contains(Box("", 0, "", x, y, w, h, True))]
        where = f"inside {min(inside, key=lambda b: b.w * b.h).label}" if inside else "outside the landmarks"
        groups.setdefault(where, []).append(region)
    lines = []
    for where, group in list(groups.items())[:3]:
        top, bottom = min(r[1] for r in group), max(r[1] + r[3] for r in group)  # regions are whole px
        places = f"{len(group)} places, " if len(group) > 1 else ""
        lines.append(f"change {where} at y={top}–{bottom} ({places}{what})")
    return lines


def _px(value: float) -> int:
    return round(value)


def _overlaps(region: Sequence[int], b: Box) -> bool:
    x, y, w, h = region
    return x < b.right and b.x < x + w and y < b.bottom and b.y < y + h


def _count(group: Sequence[_Pair]) -> str:
    names = [p.label for p in group[:3]]
    more = f" and {len(group) - 3} more" if len(group) > 3 else ""
    return ", ".join(names) + more if len(group) <= 3 else f"{len(group)} landmarks ({', '.join(names)}{more})"
