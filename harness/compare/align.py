"""Aligned comparison: tell content that only moved from content that changed.

On a news page most changes are reflows: a headline gets a line longer and everything
below it moves down. pixelmatch, comparing pixel (x, y) with pixel (x, y), counts all of
it. Here the baseline is first rebuilt in the actual's coordinates from what is known to
have moved, and only then compared:

1. **rows**: runs of whole rows that are identical in both images, found in order
   (``difflib``'s longest matching blocks over row hashes); this catches a full-width
   shift of everything below an insertion, landmarks or not;
2. **boxes**: elements the geometry snapshots say moved without changing size, whose
   pixels at the old place equal those at the new place (a column that moved beside a
   rail that did not), pasted largest first.

What still differs is ``changed``. The verdict never comes from here: pass and fail stay
with pixelmatch's raw count, and ``changed_pixels`` is never more than it.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from harness.compare import pixelmatch
from harness.compare.pixelmatch import Indexed, Options

MAX_COLUMNS = 6  # column bands aligned at most (each costs a pass over its rows)
MIN_ROWS = 4  # a shorter run of equal rows is likely chance (blank lines), not the same content
SAME_SHAPES = 0.97  # overlap of the shapes of a box that only changed colour
SAME_ENOUGH = 0.98  # share of a moved box's pixels that must be equal to take it as moved, unchanged
MOVED_COLOR = (150, 185, 235)  # quiet blue: here content moved without changing
CHANGED_COLOR = (255, 0, 0)

Rect = tuple[int, int, int, int]  # x, y, width, height in image px


@dataclass(frozen=True)
class Moved:
    """An element that moved without changing size: its box in each image (image px)."""

    key: str
    old: Rect
    new: Rect


@dataclass
class Alignment:
    changed_pixels: int  # pixels of the actual that still differ, after alignment
    changed: np.ndarray  # their flat indices in the actual's frame
    moved: np.ndarray  # HxW bool: the actual's pixels whose content came from elsewhere in the baseline
    same_moves: set[str] = field(default_factory=set)  # keys of the Moved boxes whose pixels matched
    segments: list[tuple[int, int, int]] = field(default_factory=list)  # (baseline_y, actual_y, rows), image px
    width: int = 0
    height: int = 0

    def changed_in(self, box: Rect) -> int:
        """How many changed pixels lie inside a box of the actual."""
        x, y, w, h = box
        if not self.changed.size or w <= 0 or h <= 0:
            return 0
        ys, xs = np.divmod(self.changed, self.width)
        return int(((xs >= x) & (xs < x + w) & (ys >= y) & (ys < y + h)).sum())

    def image(self, actual: np.ndarray, alpha: float = 0.1) -> Indexed:
        """The aligned diff: the actual faded to grey, moved content in a quiet blue,
        changed pixels in red."""
        indices = pixelmatch.grey_levels(actual[: self.height, : self.width], alpha)
        low = int(indices.min())
        indices -= low
        levels = np.arange(low, 256, dtype=np.uint8)
        base = np.stack([levels, levels, levels, np.full_like(levels, 255)], axis=1)
        k = len(base)
        indices[self.moved] = k
        indices.reshape(-1)[self.changed] = k + 1
        palette = np.concatenate([base, np.array([(*MOVED_COLOR, 255), (*CHANGED_COLOR, 255)], dtype=np.uint8)])
        return Indexed(indices, palette)


def align(baseline: np.ndarray, actual: np.ndarray, moves: Sequence[Moved] = (), options: Options | None = None) -> Alignment:
    """Rebuild the baseline in the actual's coordinates from what moved, and compare."""
    opts = options or Options()
    h, w = actual.shape[:2]
    source = _fit(baseline, h, w)  # the baseline, identity-placed in the actual's frame
    rebuilt = source.copy()
    moved = np.zeros((h, w), dtype=bool)
    segments = _row_segments(baseline, actual, 0, w)
    for by, ay, rows in segments:
        rebuilt[ay : ay + rows] = baseline[by : by + rows, :w]
        if by != ay:
            moved[ay : ay + rows] = True
    for x0, x1 in _columns(moves, w):
        for by, ay, rows in _row_segments(baseline, actual, x0, x1):
            if by != ay:
                rebuilt[ay : ay + rows, x0:x1] = baseline[by : by + rows, x0:x1]
                moved[ay : ay + rows, x0:x1] = True
    same = set()
    for move in sorted(moves, key=lambda m: -m.new[2] * m.new[3]):
        pasted = _paste(baseline, actual, rebuilt, move, opts)
        if pasted is not None:
            same.add(move.key)
            if move.old[:2] != move.new[:2]:
                moved[pasted] = True
    m = pixelmatch.match(rebuilt, np.ascontiguousarray(actual), opts)
    changed = m.mismatched
    moved.reshape(-1)[changed] = False
    return Alignment(int(changed.size), changed, moved, same, segments, w, h)


def _fit(img: np.ndarray, h: int, w: int) -> np.ndarray:
    """``img`` in an h×w frame, top left, transparent where it does not reach."""
    out = np.zeros((h, w, 4), dtype=np.uint8)
    ch, cw = min(h, img.shape[0]), min(w, img.shape[1])
    out[:ch, :cw] = img[:ch, :cw]
    return out


def _row_hashes(img: np.ndarray, x0: int, x1: int) -> list[int]:
    view = np.ascontiguousarray(img[:, x0:x1])
    return [hash(row.tobytes()) for row in view]


def _columns(moves: Sequence[Moved], width: int) -> list[tuple[int, int]]:
    """The columns things moved down or up in: the x-ranges of the boxes that moved
    vertically, widest first (a whole-width one is the row alignment's already)."""
    spans = {(max(0, m.new[0]), min(width, m.new[0] + m.new[2])) for m in moves if m.old[0] == m.new[0] and m.old[1] != m.new[1]}
    spans = {(x0, x1) for x0, x1 in spans if x1 > x0 and (x0, x1) != (0, width)}
    return sorted(spans, key=lambda s: s[0] - s[1])[:MAX_COLUMNS]


def _row_segments(baseline: np.ndarray, actual: np.ndarray, x0: int, x1: int) -> list[tuple[int, int, int]]:
    """Runs of rows equal in both between x0 and x1, in page order."""
    if baseline.shape[1] != actual.shape[1]:  # rows that reach further cannot match whole
        return []
    old, new = _row_hashes(baseline, x0, x1), _row_hashes(actual, x0, x1)
    blocks = difflib.SequenceMatcher(None, old, new, autojunk=True).get_matching_blocks()
    return [(b.a, b.b, b.size) for b in blocks if b.size >= MIN_ROWS]


def _clip(old: Rect, new: Rect, baseline: np.ndarray, actual: np.ndarray) -> tuple[Rect, Rect] | None:
    """The two boxes cut to what both images hold, keeping them the same size."""
    (ox, oy, w, h), (nx, ny, _, _) = old, new
    x0 = max(0, -ox, -nx)
    y0 = max(0, -oy, -ny)
    w = min(w, baseline.shape[1] - ox, actual.shape[1] - nx) - x0
    h = min(h, baseline.shape[0] - oy, actual.shape[0] - ny) - y0
    if w <= 0 or h <= 0:
        return None
    return (ox + x0, oy + y0, w, h), (nx + x0, ny + y0, w, h)


def _paste(baseline: np.ndarray, actual: np.ndarray, rebuilt: np.ndarray, move: Moved, opts: Options) -> tuple[slice, slice] | None:
    """Paste the moved box's baseline pixels at its new place, if pixelmatch finds them
    the same as the actual's there (Chromium rasterises in tiles, so an image drawn at
    another offset can differ in a few edge pixels)."""
    clipped = _clip(move.old, move.new, baseline, actual)
    if clipped is None:
        return None
    (ox, oy, w, h), (nx, ny, _, _) = clipped
    old = baseline[oy : oy + h, ox : ox + w]
    new = actual[ny : ny + h, nx : nx + w]
    same = pixelmatch.match(np.ascontiguousarray(old), np.ascontiguousarray(new), opts)
    if same.mismatched.size > (1 - SAME_ENOUGH) * w * h:
        return None
    where = (slice(ny, ny + h), slice(nx, nx + w))
    rebuilt[where] = old
    return where


def same_shapes(baseline: np.ndarray, actual: np.ndarray, old: Rect, new: Rect) -> bool:
    """Whether a box's pixels differ only in colour: the same shapes (everything that is
    not the box's most common colour) at the same places. A recolour, not new content."""
    clipped = _clip(old, (*new[:2], old[2], old[3]), baseline, actual)
    if clipped is None:
        return False
    (ox, oy, w, h), (nx, ny, _, _) = clipped
    a = np.ascontiguousarray(baseline[oy : oy + h, ox : ox + w]).view(np.uint32)[..., 0]
    b = np.ascontiguousarray(actual[ny : ny + h, nx : nx + w]).view(np.uint32)[..., 0]
    if np.array_equal(a, b):
        return False
    shape_a, shape_b = a != _most_common(a), b != _most_common(b)
    union = np.count_nonzero(shape_a | shape_b)
    return bool(union > 0 and np.count_nonzero(shape_a & shape_b) / union >= SAME_SHAPES)


def _most_common(px: np.ndarray) -> int:
    sample = px[:: max(1, px.shape[0] // 256)].reshape(-1)  # a few hundred rows are enough for the background
    values, counts = np.unique(sample, return_counts=True)
    return int(values[counts.argmax()])
