"""Changed regions: clusters of mismatched pixels, as boxes a report can zoom to.

Pixels are binned into square cells of ``gap`` px; occupied cells that touch (also
diagonally) form one region. So pixels closer than ``gap`` px always share a region,
and pixels further apart than ``2 * gap`` never do. The box itself is exact.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Region(NamedTuple):
    """A bounding box in image pixels, with how many mismatched pixels it holds."""

    x: int
    y: int
    width: int
    height: int
    pixels: int

    def box(self) -> list[int]:
        return [self.x, self.y, self.width, self.height]


Rect = tuple[int, int, int, int]  # x, y, width, height


def find_regions(
    mismatched: np.ndarray,
    width: int,
    height: int,
    rects: list[Rect] | None = None,
    gap: int = 8,
    limit: int = 100,
) -> list[Region]:
    """Cluster mismatched pixels (flat indices into a ``width``-wide image) and whole
    rectangles (areas only one image has) into regions, most pixels first."""
    if mismatched.size > 1 and not (np.diff(mismatched) > 0).all():
        mismatched = np.unique(mismatched)  # the box logic relies on scan order, once each
    rects = [r for r in (rects or []) if r[2] > 0 and r[3] > 0]
    if mismatched.size == 0 and not rects:
        return []
    grid = np.zeros(((height + gap - 1) // gap, (width + gap - 1) // gap), dtype=bool)
    px = mismatched % width
    py = mismatched // width
    grid[py // gap, px // gap] = True
    for x, y, w, h in rects:
        grid[y // gap : (y + h - 1) // gap + 1, x // gap : (x + w - 1) // gap + 1] = True
    labels, count = label_cells(grid)

    boxes = np.zeros((count + 1, 5), dtype=np.int64)  # x0, y0, x1, y1, pixels
    boxes[:, :2] = np.iinfo(np.int64).max
    boxes[:, 2:4] = -1
    if mismatched.size:
        _pixel_boxes(boxes, labels[py // gap, px // gap], px, py)
    for x, y, w, h in rects:
        k = labels[y // gap, x // gap]
        b = boxes[k]
        b[:] = min(b[0], x), min(b[1], y), max(b[2], x + w - 1), max(b[3], y + h - 1), b[4] + w * h
    x0, y0, x1, y1, n = boxes.T
    found = [
        Region(int(x0[k]), int(y0[k]), int(x1[k] - x0[k] + 1), int(y1[k] - y0[k] + 1), int(n[k]))
        for k in range(1, count + 1)
    ]
    found.sort(key=lambda r: (-r.pixels, r.y, r.x))
    return found[:limit]


def _pixel_boxes(boxes: np.ndarray, lab: np.ndarray, px: np.ndarray, py: np.ndarray) -> None:
    """Fold pixels into per-label boxes: one stable sort, then segment reductions
    (far cheaper than ``np.minimum.at`` on hundreds of thousands of pixels)."""
    order = np.argsort(lab, kind="stable")
    lab, px, py = lab[order], px[order], py[order]
    starts = np.flatnonzero(np.diff(lab, prepend=-1))
    keys = lab[starts]
    ends = np.append(starts[1:], lab.size) - 1
    boxes[keys, 0] = np.minimum.reduceat(px, starts)
    boxes[keys, 1] = py[starts]  # pixels arrive in scan order, so y is sorted in a label
    boxes[keys, 2] = np.maximum.reduceat(px, starts)
    boxes[keys, 3] = py[ends]
    boxes[keys, 4] = ends - starts + 1


def label_cells(grid: np.ndarray) -> tuple[np.ndarray, int]:
    """Connected components of a boolean grid, 8-connected: labels 1..count, 0 for empty.

    Vectorised union-find: every round hooks the larger root of each edge onto the
    smaller one, then compresses paths by pointer jumping, until no edge joins two
    roots. The grid is the image in cells of ``gap`` px, so it is small.
    """
    h, w = grid.shape
    ids = np.full((h + 1, w + 2), -1, dtype=np.int64)  # padded: no wrap-around neighbours
    cells = ids[:h, 1 : w + 1]
    count = int(np.count_nonzero(grid))
    cells[grid] = np.arange(count)
    u_parts, v_parts = [], []
    for dy, dx in ((0, 1), (1, -1), (1, 0), (1, 1)):  # each undirected edge once
        other = ids[dy : dy + h, 1 + dx : 1 + dx + w]
        both = (cells >= 0) & (other >= 0)
        u_parts.append(cells[both])
        v_parts.append(other[both])
    u, v = np.concatenate(u_parts), np.concatenate(v_parts)
    parent = np.arange(count)
    while u.size:
        pu, pv = parent[u], parent[v]
        apart = pu != pv
        if not apart.any():
            break
        u, v, pu, pv = u[apart], v[apart], pu[apart], pv[apart]
        parent[np.maximum(pu, pv)] = np.minimum(pu, pv)
        while True:
            jumped = parent[parent]
            if np.array_equal(jumped, parent):
                break
            parent = jumped
    roots, compact = np.unique(parent, return_inverse=True)
    labels = np.zeros((h, w), dtype=np.int64)
    labels[grid] = compact + 1
    return labels, int(roots.size)
