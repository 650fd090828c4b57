"""Changed regions: clustering of mismatched pixels into boxes, and the cell labelling.

``label_cells`` is checked against a plain BFS flood fill (``diff_fixtures.flood_fill``)
on seeded random grids and on shapes that need many union-find rounds.
"""

from __future__ import annotations

import numpy as np
import pytest

import diff_fixtures as F
from harness.compare.diff import compare
from harness.compare.regions import Region, find_regions, label_cells


def flat(points: list[tuple[int, int]], width: int) -> np.ndarray:
    """(x, y) points as ascending flat indices, the form ``compare`` passes."""
    return np.sort(np.array([y * width + x for x, y in points], dtype=np.intp))


def block(x: int, y: int, w: int, h: int) -> list[tuple[int, int]]:
    return [(x + i, y + j) for j in range(h) for i in range(w)]


def mask_of(points: list[tuple[int, int]], width: int, height: int) -> np.ndarray:
    m = np.zeros((height, width), dtype=bool)
    for x, y in points:
        m[y, x] = True
    return m


# --------------------------------------------------------------------------- find_regions


def test_no_pixels_no_regions() -> None:
    assert find_regions(np.empty(0, dtype=np.intp), 50, 40) == []
    assert find_regions(np.empty(0, dtype=np.intp), 50, 40, rects=[(50, 0, 0, 40), (0, 40, 50, 0)]) == []


def test_two_far_clusters_two_regions_largest_first() -> None:
    small = block(5, 5, 3, 3)  # 9 px
    big = block(80, 50, 5, 4)  # 20 px
    regions = find_regions(flat(small + big, 120), 120, 80)
    assert regions == [Region(80, 50, 5, 4, 20), Region(5, 5, 3, 3, 9)]
    assert regions[0].box() == [80, 50, 5, 4]


def test_equal_sizes_ordered_top_then_left() -> None:
    pts = block(90, 10, 2, 2) + block(10, 60, 2, 2) + block(10, 10, 2, 2)
    regions = find_regions(flat(pts, 120), 120, 80)
    assert [(r.x, r.y) for r in regions] == [(10, 10), (90, 10), (10, 60)]


@pytest.mark.parametrize("shift", range(16))
@pytest.mark.parametrize("axis", ("x", "y", "diagonal"))
def test_clusters_5px_apart_are_one_region(shift: int, axis: str) -> None:
    """Pixels closer than ``gap`` (8) px always share a region, wherever the cells fall."""
    a = block(0, 0, 3, 3)
    b = block(8, 0, 3, 3) if axis == "x" else block(0, 8, 3, 3) if axis == "y" else block(8, 8, 3, 3)
    pts = [(x + shift + 4, y + shift + 4) for x, y in a + b]  # 5 empty px between them
    regions = find_regions(flat(pts, 64), 64, 64)
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    assert regions == [Region(min(xs), min(ys), max(xs) - min(xs) + 1, max(ys) - min(ys) + 1, 18)]


@pytest.mark.parametrize("shift", range(16))
def test_clusters_more_than_twice_the_gap_apart_are_separate(shift: int) -> None:
    pts = [(x + shift, y + 3) for x, y in block(0, 0, 2, 2) + block(19, 0, 3, 2)]  # 17 empty px
    regions = find_regions(flat(pts, 64), 64, 16)
    assert len(regions) == 2
    assert regions == [Region(shift + 19, 3, 3, 2, 6), Region(shift, 3, 2, 2, 4)]


def test_exact_bounding_boxes() -> None:
    ell = block(10, 10, 1, 9) + block(11, 18, 6, 1)  # an L: 9 + 6 px
    dot = [(40, 3)]
    diagonal = [(60 + i, 20 + i) for i in range(7)]  # 1-px diagonal line
    regions = find_regions(flat(ell + dot + diagonal, 80), 80, 40)
    assert regions == [Region(10, 10, 7, 9, 15), Region(60, 20, 7, 7, 7), Region(40, 3, 1, 1, 1)]


def test_boxes_on_image_edges_and_odd_sizes() -> None:
    w, h = 41, 27  # not multiples of the gap
    pts = [(0, 0), (40, 26), (40, 0), (0, 26)]
    regions = find_regions(flat(pts, w), w, h)
    assert regions == [Region(0, 0, 1, 1, 1), Region(40, 0, 1, 1, 1), Region(0, 26, 1, 1, 1), Region(40, 26, 1, 1, 1)]
    assert find_regions(flat(pts, w), w, h, gap=32) == [Region(0, 0, 41, 27, 4)]


def test_rects_merge_with_adjacent_pixel_clusters() -> None:
    """The strips only one image has (a size change) join pixel changes next to them;
    a cluster far from them stays its own region."""
    w, h = 64, 46  # 64x40 vs 60x46: a right strip and a bottom strip
    rects = [(60, 0, 4, 46), (0, 40, 60, 6)]
    near_right = block(53, 10, 3, 3)  # 4 empty px left of the right strip
    near_bottom = block(20, 33, 4, 2)  # 5 empty px above the bottom strip
    far = block(5, 5, 2, 2)
    regions = find_regions(flat(near_right + near_bottom + far, w), w, h, rects)
    strips = 4 * 46 + 60 * 6
    assert regions == [Region(0, 0, 64, 46, strips + 9 + 8), Region(5, 5, 2, 2, 4)]
    union = near_right + near_bottom + far + block(60, 0, 4, 46) + block(0, 40, 60, 6)
    assert [tuple(r) for r in regions] == F.reference_regions(mask_of(union, w, h))
    # the right strip alone (a narrower actual image) takes in its neighbour only
    only_right = find_regions(flat(near_right + far, 64), 64, 40, [(60, 0, 4, 40)])
    assert only_right == [Region(53, 0, 11, 40, 160 + 9), Region(5, 5, 2, 2, 4)]


def test_rect_alone_and_zero_sized_rects() -> None:
    assert find_regions(np.empty(0, dtype=np.intp), 60, 46, [(0, 40, 60, 6), (60, 0, 0, 46)]) == [Region(0, 40, 60, 6, 360)]
    # a strip far from a pixel cluster stays its own region
    regions = find_regions(flat(block(2, 2, 2, 2), 60), 60, 46, [(0, 40, 60, 6)])
    assert regions == [Region(0, 40, 60, 6, 360), Region(2, 2, 2, 2, 4)]


@pytest.mark.parametrize("name", ("size-taller-60x40-60x46", "size-narrower-64x40-60x40", "size-both-64x40-60x46"))
def test_compare_regions_include_size_change_strips(name: str) -> None:
    p = F.pair(name)
    r = compare(p.baseline, p.actual, diff_image=True)
    assert r.diff_image is not None
    red = (r.diff_image == (255, 0, 0, 255)).all(axis=2)
    assert [tuple(x) for x in r.regions] == F.reference_regions(red)
    oh = min(p.baseline.shape[0], p.actual.shape[0])
    ow = min(p.baseline.shape[1], p.actual.shape[1])
    assert red[oh:, :].all() and red[:, ow:].all()


def test_limit_caps_the_list() -> None:
    # 12 x 12 = 144 single pixels, 17 px apart: each its own region; one bigger cluster
    pts = [(x * 17, y * 17) for y in range(12) for x in range(12) if (x, y) != (5, 5)] + block(85, 85, 2, 2)
    w = h = 12 * 17
    everything = find_regions(flat(pts, w), w, h, limit=1000)
    assert len(everything) == 144
    assert len(find_regions(flat(pts, w), w, h)) == 100  # the default limit
    top = find_regions(flat(pts, w), w, h, limit=5)
    assert top == everything[:5]
    assert top[0] == Region(85, 85, 2, 2, 4)
    assert [(r.x, r.y) for r in top[1:]] == [(0, 0), (17, 0), (34, 0), (51, 0)]


def test_gap_one_is_plain_8_connectivity() -> None:
    pts = [(0, 0), (1, 1), (2, 2), (4, 2), (4, 4)]
    regions = find_regions(flat(pts, 6), 6, 6, gap=1)
    assert regions == [Region(0, 0, 3, 3, 3), Region(4, 2, 1, 1, 1), Region(4, 4, 1, 1, 1)]


@pytest.mark.parametrize("seed", range(6))
def test_random_masks_match_reference_rule(seed: int) -> None:
    rng = np.random.default_rng(seed)
    h, w = int(rng.integers(1, 70)), int(rng.integers(1, 90))
    density = (0.002, 0.01, 0.05, 0.2, 0.5, 0.9)[seed]
    mask = rng.random((h, w)) < density
    gap = int(rng.integers(1, 12))
    regions = find_regions(np.flatnonzero(mask), w, h, gap=gap)
    assert [tuple(r) for r in regions] == F.reference_regions(mask, gap=gap)


# --------------------------------------------------------------------------- label_cells


def assert_same_partition(grid: np.ndarray) -> None:
    labels, count = label_cells(grid)
    components = F.flood_fill(grid)
    assert labels.shape == grid.shape and count == len(components)
    assert np.array_equal(labels > 0, grid)
    if count:
        assert set(np.unique(labels[grid]).tolist()) == set(range(1, count + 1))
    seen = set()
    for cells in components:
        values = {int(labels[r, c]) for r, c in cells}
        assert len(values) == 1, f"one component got labels {values}"
        (value,) = values
        assert value not in seen, "two components share a label"
        seen.add(value)


@pytest.mark.parametrize("density", (0.05, 0.2, 0.35, 0.5, 0.65, 0.9))
def test_label_cells_matches_flood_fill_on_random_grids(density: float) -> None:
    rng = np.random.default_rng(int(density * 1000))
    for _ in range(40):
        h, w = int(rng.integers(1, 40)), int(rng.integers(1, 40))
        assert_same_partition(rng.random((h, w)) < density)


def snake(h: int, w: int) -> np.ndarray:
    """A boustrophedon path: one component whose cell ids zig-zag, the slow case for hooking."""
    g = np.zeros((h, w), dtype=bool)
    g[::2, :] = True
    for r in range(1, h, 2):
        g[r, -1 if (r // 2) % 2 == 0 else 0] = True
    return g


def spiral(n: int) -> np.ndarray:
    g = np.zeros((n, n), dtype=bool)
    lo_r, hi_r, lo_c, hi_c = 0, n - 1, 0, n - 1
    while lo_r <= hi_r and lo_c <= hi_c:
        g[lo_r, lo_c : hi_c + 1] = True
        g[lo_r : hi_r + 1, hi_c] = True
        if lo_r + 2 <= hi_r:
            g[hi_r, lo_c : hi_c + 1] = True
        if lo_c + 2 <= hi_c and lo_r + 4 <= hi_r:
            g[lo_r + 2 : hi_r + 1, lo_c] = True
            g[lo_r + 2, lo_c : lo_c + 1] = True
        lo_r, hi_r, lo_c, hi_c = lo_r + 2, hi_r - 2, lo_c + 2, hi_c - 2
    return g


@pytest.mark.parametrize(
    "grid",
    [
        np.zeros((0, 0), dtype=bool),
        np.zeros((5, 7), dtype=bool),
        np.ones((1, 1), dtype=bool),
        np.ones((9, 13), dtype=bool),
        np.ones((1, 30), dtype=bool),
        np.ones((30, 1), dtype=bool),
        np.eye(25, dtype=bool),  # diagonal chain: 8-connected only
        np.fliplr(np.eye(25, dtype=bool)),  # anti-diagonal
        (np.indices((20, 20)).sum(axis=0) % 2 == 0),  # checkerboard: one component
        (np.indices((20, 21)).sum(axis=0) % 3 == 0),  # diagonal stripes, 1 apart: separate
        snake(31, 17),
        spiral(23),
    ],
    ids=["empty-0x0", "all-false", "one-cell", "full", "row", "column", "diagonal", "anti-diagonal",
         "checkerboard", "stripes", "snake", "spiral"],
)
def test_label_cells_shapes(grid: np.ndarray) -> None:
    assert_same_partition(grid)


def test_label_cells_counts() -> None:
    assert label_cells(np.eye(25, dtype=bool))[1] == 1
    assert label_cells(np.indices((20, 20)).sum(axis=0) % 2 == 0)[1] == 1
    assert label_cells(snake(31, 17))[1] == 1
    stripes = np.zeros((6, 10), dtype=bool)
    stripes[:, ::2] = True
    assert label_cells(stripes)[1] == 5
