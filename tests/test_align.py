"""The aligned comparison on made-up pages: what moved is not counted as changed."""

from __future__ import annotations

import numpy as np
import pytest

from harness.compare.align import Moved, align, same_shapes
from harness.compare.diff import compare

W, H = 200, 300


def page(seed: int = 0) -> np.ndarray:
    """A white page with a column of distinct 'text lines' on the left and a rail on the right."""
    rng = np.random.default_rng(seed)
    img = np.full((H, W, 4), 255, dtype=np.uint8)
    for y in range(10, 260, 12):
        img[y : y + 6, 10:130, :3] = rng.integers(0, 120, size=(6, 120, 3))
    img[20:120, 150:190, :3] = (200, 120, 40)  # the rail
    return img


def shifted_column(img: np.ndarray, at: int, by: int) -> np.ndarray:
    """Everything in the left column from ``at`` down moves ``by`` px down; the rail stays."""
    out = img.copy()
    out[at + by :, 0:140] = img[at : H - by, 0:140]
    out[at : at + by, 0:140] = 255
    return out


def test_identical_pages_have_nothing_changed() -> None:
    a = page()
    assert align(a, a.copy()).changed_pixels == 0


def test_a_whole_width_shift_is_aligned_by_rows() -> None:
    a = page()
    b = a.copy()
    b[150:] = a[150 - 20 : H - 20]  # 20 px inserted at y=130
    b[130:150] = (240, 0, 0, 255)
    raw = compare(a, b).mismatched
    aligned = align(a, b)
    assert aligned.changed_pixels <= 20 * W  # the inserted band, not everything below it
    assert aligned.changed_pixels < raw / 3
    assert any(by != ay for by, ay, _ in aligned.segments)


def test_a_column_that_moved_beside_a_rail_that_did_not_is_aligned_by_its_box() -> None:
    a = page()
    b = shifted_column(a, 100, 15)
    raw = compare(a, b).mismatched
    without_boxes = align(a, b).changed_pixels
    with_boxes = align(a, b, [Moved("body", (10, 100, 120, 160), (10, 115, 120, 160))])
    assert with_boxes.changed_pixels <= 15 * 120 < raw  # at most the space that opened up
    assert with_boxes.changed_pixels < without_boxes
    assert with_boxes.same_moves == {"body"}
    assert with_boxes.moved[115:250, 10:130].any()


def test_a_box_whose_pixels_changed_is_not_taken_as_moved() -> None:
    a = page()
    b = shifted_column(a, 100, 15)
    b[140:150, 10:130, :3] = 0  # and a line in it was rewritten
    result = align(a, b, [Moved("body", (10, 100, 120, 160), (10, 115, 120, 160))])
    assert result.changed_pixels >= 10 * 120


@pytest.mark.parametrize("colour", [(0, 0, 200), (180, 0, 0)])
def test_a_recolour_is_all_change_and_same_shapes(colour: tuple[int, int, int]) -> None:
    a = page()
    b = a.copy()
    b[20:120, 150:190, :3] = colour
    assert align(a, b).changed_pixels == compare(a, b).mismatched
    assert same_shapes(a, b, (140, 10, 60, 120), (140, 10, 60, 120))


def test_new_text_is_not_the_same_shapes() -> None:
    a = page()
    b = a.copy()
    b[10:260, 10:130] = 255
    b[40:46, 10:90, :3] = 30  # other lines, of other lengths, in other places
    b[70:76, 10:60, :3] = 30
    assert not same_shapes(a, b, (0, 0, 140, 260), (0, 0, 140, 260))


def test_the_aligned_image_marks_changed_in_red_and_moved_in_blue() -> None:
    a = page()
    b = shifted_column(a, 100, 15)
    b[5:8, 10:50, :3] = 0
    result = align(a, b, [Moved("body", (10, 100, 120, 160), (10, 115, 120, 160))])
    rgba = result.image(b).rgba()
    assert (rgba[6, 20, :3] == (255, 0, 0)).all()
    assert (rgba[result.moved][:, :3] == (150, 185, 235)).all() and result.moved.any()
