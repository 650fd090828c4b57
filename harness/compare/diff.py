"""The comparison of a capture with its baseline: pixelmatch plus sizes, regions, limits.

``compare`` is pure: two images in, a ``DiffResult`` out. It knows nothing of pages,
files or breakpoints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from harness.compare import pixelmatch
from harness.compare.pixelmatch import Indexed, Options
from harness.compare.regions import Rect, Region, find_regions

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = ["DiffResult", "Limits", "Options", "compare", "describe_change", "to_rgba_array"]


@dataclass(frozen=True)
class Limits:
    """How many mismatched pixels a shot may have and still pass (Playwright's meaning).

    max_diff_pixels: a count >= 0, or None. max_diff_pixel_ratio: 0 to 1, or None.
    When both are set the stricter one applies; when neither is, the limit is 0.
    A change of image size always fails, whatever the limits.
    """

    max_diff_pixels: int | None = None
    max_diff_pixel_ratio: float | None = None

    def __post_init__(self) -> None:
        n = self.max_diff_pixels
        if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 0):
            raise ValueError(f"max_diff_pixels must be a whole number >= 0, got {n!r}")
        r = self.max_diff_pixel_ratio
        if r is not None and (isinstance(r, bool) or not isinstance(r, (int, float)) or not 0 <= r <= 1):
            raise ValueError(f"max_diff_pixel_ratio must be a number from 0 to 1, got {r!r}")

    def allowed(self, total: int) -> float:
        """The largest mismatch count that still passes for an image of ``total`` pixels."""
        by_ratio = None if self.max_diff_pixel_ratio is None else total * self.max_diff_pixel_ratio
        choices = [v for v in (self.max_diff_pixels, by_ratio) if v is not None]
        return min(choices) if choices else 0


@dataclass(frozen=True)
class DiffResult:
    """The verdict on one pair. Sizes are (width, height); ``width``/``height`` are the union compared."""

    mismatched: int
    total: int
    width: int
    height: int
    baseline_size: tuple[int, int]
    actual_size: tuple[int, int]
    regions: tuple[Region, ...] = ()
    bounds: tuple[int, int, int, int] | None = None  # x, y, width, height of every difference
    antialiased: int = 0
    diff: Indexed | np.ndarray | None = field(default=None, repr=False, compare=False)

    @cached_property
    def diff_image(self) -> np.ndarray | None:
        """The diff image as HxWx4 RGBA (made on first use from the compact indexed form)."""
        return self.diff.rgba() if isinstance(self.diff, Indexed) else self.diff

    @property
    def ratio(self) -> float:
        return self.mismatched / self.total if self.total else 0.0

    @property
    def size_changed(self) -> bool:
        return self.baseline_size != self.actual_size

    def passed(self, limits: Limits | None = None) -> bool:
        if self.size_changed:
            return False
        return self.mismatched <= (limits or Limits()).allowed(self.total)

    def size_change(self) -> str:
        """E.g. ``"height 4120 → 4180 px (+60)"``; empty when the sizes are equal."""
        parts = []
        for axis, i in (("width", 0), ("height", 1)):
            old, new = self.baseline_size[i], self.actual_size[i]
            if old != new:
                parts.append(f"{axis} {old} → {new} px ({new - old:+d})")
        return ", ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {
            "mismatched": self.mismatched,
            "total": self.total,
            "ratio": self.ratio,
            "width": self.width,
            "height": self.height,
            "baseline_size": list(self.baseline_size),
            "actual_size": list(self.actual_size),
            "antialiased": self.antialiased,
            "regions": [r.box() for r in self.regions],
            "bounds": list(self.bounds) if self.bounds else None,
        }


def to_rgba_array(img: np.ndarray | Image, name: str = "image") -> np.ndarray:
    """Accept a Pillow image or an HxWx3/HxWx4 uint8 array; return a contiguous HxWx4 array."""
    if not isinstance(img, np.ndarray):
        if not hasattr(img, "convert"):
            raise TypeError(f"{name} must be a numpy array or a Pillow image, got {type(img).__name__}")
        img = np.asarray(img.convert("RGBA") if img.mode != "RGBA" else img)
    if img.dtype != np.uint8 or img.ndim != 3 or img.shape[2] not in (3, 4):
        raise ValueError(
            f"{name} must be an HxWx4 (or HxWx3) uint8 array, got shape {img.shape} dtype {img.dtype}"
        )
    if img.shape[0] == 0 or img.shape[1] == 0:
        raise ValueError(f"{name} is empty: {img.shape[1]}x{img.shape[0]} px")
    if img.shape[2] == 3:
        img = np.dstack([img, np.full(img.shape[:2], 255, dtype=np.uint8)])
    return np.ascontiguousarray(img)


def compare(
    baseline: np.ndarray | Image,
    actual: np.ndarray | Image,
    options: Options | None = None,
    *,
    diff_image: bool = False,
    **option_kwargs: Any,
) -> DiffResult:
    """Compare ``actual`` with ``baseline`` by pixelmatch's rules (see ``Options``).

    Images of different sizes are compared over the union of the two, aligned at the
    top left: the overlap by pixelmatch, and every pixel outside it counts as
    mismatched (drawn in ``diff_color``).
    """
    if options is not None and option_kwargs:
        raise TypeError(f"pass either options or keyword options, not both (got {sorted(option_kwargs)})")
    opts = options or Options(**option_kwargs)
    a = to_rgba_array(baseline, "baseline")
    b = to_rgba_array(actual, "actual")
    (ha, wa), (hb, wb) = a.shape[:2], b.shape[:2]
    w, h = max(wa, wb), max(ha, hb)
    ow, oh = min(wa, wb), min(ha, hb)
    if (wa, ha) != (wb, hb):
        a_core, b_core = a[:oh, :ow], b[:oh, :ow]
    else:
        a_core, b_core = a, b
    m = pixelmatch.match(a_core, b_core, opts)
    outside = [(ow, 0, w - ow, h), (0, oh, ow, h - oh)]  # right strip, bottom strip
    extra = sum(rw * rh for _, _, rw, rh in outside)
    mismatched = np.asarray(m.mismatched)
    if ow != w:  # re-index the overlap's flat indices into the union's width
        mismatched = (mismatched // ow) * w + mismatched % ow
    regions = find_regions(mismatched, w, h, outside)
    bounds = _bounds(mismatched, w, outside)
    image = _diff_image(a_core, m, opts, (w, h), (ow, oh)) if diff_image else None
    return DiffResult(
        mismatched=int(m.mismatched.size) + extra,
        total=w * h,
        width=w,
        height=h,
        baseline_size=(wa, ha),
        actual_size=(wb, hb),
        regions=tuple(regions),
        bounds=bounds,
        antialiased=int(m.antialiased.size),
        diff=image,
    )


def _bounds(mismatched: np.ndarray, width: int, rects: list[Rect]) -> tuple[int, int, int, int] | None:
    """The box around every difference (regions may be capped; this never is)."""
    boxes = [(x, y, x + w - 1, y + h - 1) for x, y, w, h in rects if w > 0 and h > 0]
    if mismatched.size:
        xs = mismatched % width
        boxes.append((int(xs.min()), int(mismatched[0] // width), int(xs.max()), int(mismatched[-1] // width)))
    if not boxes:
        return None
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    return (x0, y0, x1 - x0 + 1, y1 - y0 + 1)


def _diff_image(
    a_core: np.ndarray, m: pixelmatch.Match, opts: Options, size: tuple[int, int], core: tuple[int, int]
) -> Indexed | np.ndarray:
    """The overlap drawn by pixelmatch; the rest of the union in ``diff_color``."""
    inner: Indexed | np.ndarray | None = pixelmatch.draw_indexed(np.ascontiguousarray(a_core), m, opts)
    if inner is None:
        inner = pixelmatch.draw(np.ascontiguousarray(a_core), m, opts)
    if size == core:
        return inner
    (w, h), (ow, oh) = size, core
    if isinstance(inner, Indexed):
        red = np.flatnonzero((inner.palette == (*opts.diff_color, 255)).all(axis=1))[0]
        indices = np.full((h, w), red, dtype=np.uint8)
        indices[:oh, :ow] = inner.indices
        return Indexed(indices, inner.palette)
    out = np.empty((h, w, 4), dtype=np.uint8)
    out[...] = (*opts.diff_color, 255)
    out[:oh, :ow] = inner
    return out


def describe_change(result: DiffResult, with_total: bool = False) -> str:
    """One line a person reads: how much differs, where, and any size change."""
    of = f" of {result.total}" if with_total else ""
    line = f"{result.mismatched}{of} px differ ({result.ratio:.3%})"
    if result.bounds and result.regions:
        _, top, _, height = result.bounds
        r = result.regions[0]
        count = len(result.regions)
        many = f"{count}+ regions" if count >= 100 else f"{count} regions" if count > 1 else "1 region"
        line += f" in {many}, y={top}–{top + height - 1}; largest {r.width}x{r.height} px at x={r.x} y={r.y}"
    if result.size_changed:
        line += f"; {result.size_change()}"
    return line
