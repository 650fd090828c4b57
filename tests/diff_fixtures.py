"""Image pairs for the diff-core tests, and the reference answer for each.

Every pair is small (at most 160x120 px) so that the reference, the pure-Python
``pixelmatch`` package, answers in well under a second. Pairs are built lazily and
cached: ``pair(name)`` returns the same arrays every time (do not modify them).

The reference is the package's core function ``pixelmatch.pixelmatch`` on raw bytes,
not its PIL wrapper (the wrapper draws the identical-image fast path with PIL's own
luma). For pairs of different sizes the expected answer is the reference on the
top-left overlap, plus every pixel of the union outside the overlap counted as
mismatched and drawn in ``diff_color`` (opaque).

``tests/fixtures/article-baseline.png`` and ``article-h1-margin.png`` are 160x120 crops
(x 24..184, y 152..272 of the page: the "World News" kicker and the start of both
headline lines) of ``pages/syria-talks/index.html`` served over loopback HTTP and
rendered full page by Chromium 156 through Playwright at a 1280x800 viewport, device
scale factor 1. The second render had a style sheet injected that adds 3 px to the
h1's top margin (``margin-top: 11px``: the h1's own 0 collapses into the kicker's
8 px bottom margin, so a bare ``3px`` would move nothing), so the headline and
everything below it sit 3 px lower. They were made once by a throwaway script and
saved as RGB PNGs; they are plain inputs here, never re-rendered.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FIXTURES = Path(__file__).resolve().parent / "fixtures"

WHITE = (255, 255, 255, 255)
INK = (24, 26, 34, 255)


@dataclass(frozen=True)
class Pair:
    """Two images to compare; ``baseline`` and ``actual`` are HxWx4 uint8 arrays."""

    name: str
    baseline: np.ndarray
    actual: np.ndarray

    @property
    def same_size(self) -> bool:
        return self.baseline.shape == self.actual.shape


# --------------------------------------------------------------------------- drawing


def _font(size: int) -> ImageFont.FreeTypeFont:
    font = ImageFont.load_default(size=size)
    assert isinstance(font, ImageFont.FreeTypeFont), "needs Pillow >= 10.1 with FreeType (anti-aliased text)"
    return font


def render_text(
    size: tuple[int, int],
    text: str,
    *,
    offset: tuple[int, int] = (0, 0),
    origin: tuple[int, int] = (3, 2),
    font_px: int = 13,
    ink: tuple[int, int, int, int] = INK,
    paper: tuple[int, int, int, int] = WHITE,
    scale: int = 4,
) -> np.ndarray:
    """Anti-aliased text: drawn at ``scale``x with a FreeType font, then box-downsampled.

    ``offset`` is in sub-pixels (1/scale px), so an offset of 1 moves the text by a
    quarter pixel and only edge pixels change, slightly; ``scale`` moves it one pixel.
    """
    w, h = size
    big = Image.new("RGBA", (w * scale, h * scale), paper)
    draw = ImageDraw.Draw(big)
    x = origin[0] * scale + offset[0]
    y = origin[1] * scale + offset[1]
    draw.multiline_text((x, y), text, font=_font(font_px * scale), fill=ink, spacing=scale)
    return np.array(big.resize((w, h), Image.Resampling.BOX))


HEADLINE = "Talks resume\nin Geneva as\nenvoys meet\non Syria"


def _layout(size: tuple[int, int], *, photo: tuple[int, int, int], tag: tuple[int, int, int], rule: tuple[int, int, int]) -> np.ndarray:
    """A miniature article card: a rule, a 'photo' block with an anti-aliased disc, a
    coloured tag and two lines of text. The three colours are parameters so a pair can
    recolour one block strongly and another subtly."""
    w, h = size
    s = 4
    big = Image.new("RGBA", (w * s, h * s), WHITE)
    d = ImageDraw.Draw(big)
    d.rectangle((0, 0, w * s - 1, 3 * s - 1), fill=(*rule, 255))
    d.rectangle((4 * s, 6 * s, 52 * s - 1, 40 * s - 1), fill=(*photo, 255))
    d.ellipse((14 * s, 12 * s + 2, 34 * s + 1, 32 * s + 3), fill=(250, 214, 120, 255))
    d.rectangle((58 * s, 6 * s, 84 * s - 1, 13 * s - 1), fill=(*tag, 255))
    font = _font(9 * s)
    d.text((58 * s, 17 * s), "World", font=font, fill=INK)
    d.text((58 * s, 29 * s), "Geneva", font=font, fill=(90, 90, 96, 255))
    d.line((4 * s, 46 * s, 100 * s, 52 * s), fill=INK, width=s + 1)
    return np.array(big.resize((w, h), Image.Resampling.BOX))


# --------------------------------------------------------------------------- pairs


def _text_subpixel() -> Pair:
    a = render_text((120, 80), HEADLINE)
    b = render_text((120, 80), HEADLINE, offset=(1, 0))
    return Pair("text-subpixel", a, b)


def _text_shift_1px() -> Pair:
    a = render_text((120, 80), HEADLINE)
    b = render_text((120, 80), HEADLINE, offset=(4, 0))
    return Pair("text-shift-1px", a, b)


def _text_edges() -> Pair:
    """Big glyphs crossing all four borders, moved by sub-pixels in both axes: the
    anti-aliasing test on edge and corner pixels, where neighbours are missing."""
    text = "WAVE\nMEW"
    a = render_text((48, 32), text, origin=(-3, -6), font_px=22, ink=(10, 40, 120, 255), paper=(240, 236, 220, 255))
    b = render_text((48, 32), text, origin=(-3, -6), offset=(2, 1), font_px=22, ink=(10, 40, 120, 255), paper=(240, 236, 220, 255))
    return Pair("text-edges", a, b)


def _colour_change() -> Pair:
    a = _layout((110, 60), photo=(40, 90, 160), tag=(200, 40, 40), rule=(30, 30, 30))
    # the photo block strongly recoloured; the tag and the rule changed subtly, so the
    # thresholds 0.05 / 0.1 / 0.3 see different amounts of them.
    b = _layout((110, 60), photo=(190, 50, 40), tag=(214, 52, 40), rule=(44, 44, 44))
    return Pair("colour-change", a, b)


def _alpha() -> Pair:
    """Semi-transparent pixels: alpha gradients, with alpha and colour both changed in
    places, fully transparent pixels of different colours (equal once blended on white)
    and a few pixels differing only in alpha."""
    h, w = 40, 64
    y, x = np.mgrid[0:h, 0:w]
    a = np.zeros((h, w, 4), dtype=np.uint8)
    a[..., 0] = (x * 4) % 256
    a[..., 1] = 255 - (y * 6)
    a[..., 2] = ((x + y) * 3) % 256
    a[..., 3] = np.clip(x * 255 // (w - 1), 0, 255)
    a[:8, :8, 3] = 0  # transparent corner
    b = a.copy()
    b[:8, :8, :3] = (200, 10, 10)  # invisible: different colour at alpha 0
    b[10:20, 20:44, 3] = np.clip(b[10:20, 20:44, 3].astype(int) - 60, 0, 255)  # alpha only
    b[22:34, 30:60, :3] = (a[22:34, 30:60, :3].astype(int) // 2 + 40).astype(np.uint8)  # colour at varied alpha
    b[22:34, 30:60, 3] = np.clip(255 - x[22:34, 30:60] * 3, 0, 255)  # and alpha reversed
    b[36:, :, 3] = np.minimum(b[36:, :, 3], 128)  # a band of half-transparent pixels
    # a stripe of 1-px alternating translucency: anti-aliasing candidates with translucent neighbours
    b[2:6, 40:64:2, 3] = 200
    return Pair("alpha", a, b)


def _size_taller() -> Pair:
    a = render_text((60, 40), "Geneva\ntalks", font_px=12)
    b = render_text((60, 46), "Geneva\ntalks", font_px=12, offset=(0, 1))
    return Pair("size-taller-60x40-60x46", a, b)


def _size_narrower() -> Pair:
    a = render_text((64, 40), "Geneva\ntalks", font_px=12)
    b = render_text((60, 40), "Geneva\ntalks", font_px=12)
    return Pair("size-narrower-64x40-60x40", a, b)


def _size_both() -> Pair:
    """Each image bigger in one axis: the union (64x46) holds pixels neither has."""
    a = render_text((64, 40), "Geneva\ntalks", font_px=12)
    b = render_text((60, 46), "Geneva\ntalks", font_px=12, offset=(1, 0))
    return Pair("size-both-64x40-60x46", a, b)


def _identical() -> Pair:
    a = render_text((120, 80), HEADLINE)
    return Pair("identical", a, a.copy())


def _posterised_noise() -> Pair:
    """Few grey levels in small blobs: many ties between equally dark or bright
    neighbours (pixelmatch keeps the first in its x-outer, y-inner scan) and dense
    differences, so most pixels go through the anti-aliasing test."""
    rng = np.random.default_rng(20240611)
    levels = np.array([0, 96, 160, 255], dtype=np.uint8)
    small = rng.integers(0, 4, (20, 30))
    base = levels[np.kron(small, np.ones((2, 2), dtype=int))]
    mid = rng.random(base.shape) < 0.25
    base = np.where(mid, levels[rng.integers(0, 4, base.shape)], base)
    a = np.dstack([base, base, base, np.full(base.shape, 255, np.uint8)])
    b = a.copy()
    flip = rng.random(base.shape) < 0.2
    b[flip, :3] = levels[rng.integers(0, 4, int(flip.sum()))][:, None]
    return Pair("posterised-noise", a, b)


def _thin(name: str, shape: tuple[int, int]) -> Pair:
    h, w = shape
    n = max(h, w)
    ramp = (np.arange(n) * 255 // max(n - 1, 1)).astype(np.uint8)
    steps = np.where(np.arange(n) % 7 < 3, 30, 220).astype(np.uint8)
    line = np.where(np.arange(n) < n // 2, ramp, steps).reshape(h, w)
    a = np.dstack([line, line, 255 - line, np.full((h, w), 255, np.uint8)])
    b = a.copy()
    b.reshape(-1, 4)[::5, 1] ^= 0x40
    b.reshape(-1, 4)[-1, :3] = 0
    return Pair(name, a, b)


def _screenshot() -> Pair:
    a = np.array(Image.open(FIXTURES / "article-baseline.png").convert("RGBA"))
    b = np.array(Image.open(FIXTURES / "article-h1-margin.png").convert("RGBA"))
    return Pair("article-h1-margin", a, b)


_BUILDERS = {
    "text-subpixel": _text_subpixel,
    "text-shift-1px": _text_shift_1px,
    "text-edges": _text_edges,
    "colour-change": _colour_change,
    "alpha": _alpha,
    "size-taller-60x40-60x46": _size_taller,
    "size-narrower-64x40-60x40": _size_narrower,
    "size-both-64x40-60x46": _size_both,
    "identical": _identical,
    "posterised-noise": _posterised_noise,
    "row-120x1": lambda: _thin("row-120x1", (1, 120)),
    "column-1x50": lambda: _thin("column-1x50", (50, 1)),
    "article-h1-margin": _screenshot,
}

NAMES: tuple[str, ...] = tuple(_BUILDERS)


@lru_cache(maxsize=None)
def pair(name: str) -> Pair:
    p = _BUILDERS[name]()
    for img in (p.baseline, p.actual):
        assert img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] == 4
        img.setflags(write=False)
    return p


# --------------------------------------------------------------------------- reference


def reference_same_size(
    a: np.ndarray,
    b: np.ndarray,
    *,
    threshold: float = 0.1,
    include_aa: bool = False,
    alpha: float = 0.1,
    aa_color: tuple[int, int, int] = (255, 255, 0),
    diff_color: tuple[int, int, int] = (255, 0, 0),
    diff_mask: bool = False,
) -> tuple[int, np.ndarray]:
    """The package's count and diff image for two same-sized HxWx4 arrays."""
    from pixelmatch import pixelmatch as package_pixelmatch

    assert a.shape == b.shape
    h, w = a.shape[:2]
    out = bytearray(w * h * 4)  # zeros: what our draw starts from with diff_mask
    count = package_pixelmatch(
        list(a.tobytes()),
        list(b.tobytes()),
        w,
        h,
        out,
        threshold=threshold,
        includeAA=include_aa,
        alpha=alpha,
        aa_color=aa_color,
        diff_color=diff_color,
        diff_mask=diff_mask,
    )
    return count, np.frombuffer(bytes(out), dtype=np.uint8).reshape(h, w, 4)


def reference(a: np.ndarray, b: np.ndarray, **options) -> tuple[int, np.ndarray]:
    """The expected count and diff image for any pair: the package on the top-left
    overlap, and every union pixel outside it mismatched and drawn in ``diff_color``."""
    (ha, wa), (hb, wb) = a.shape[:2], b.shape[:2]
    oh, ow = min(ha, hb), min(wa, wb)
    h, w = max(ha, hb), max(wa, wb)
    count, inner = reference_same_size(
        np.ascontiguousarray(a[:oh, :ow]), np.ascontiguousarray(b[:oh, :ow]), **options
    )
    if (h, w) == (oh, ow):
        return count, inner
    out = np.empty((h, w, 4), dtype=np.uint8)
    out[...] = (*options.get("diff_color", (255, 0, 0)), 255)
    out[:oh, :ow] = inner
    return count + (h * w - oh * ow), out


# --------------------------------------------------------------------------- regions


def flood_fill(grid: np.ndarray) -> list[list[tuple[int, int]]]:
    """Connected components of a boolean grid, 8-connected, by plain BFS: a list of
    components, each a list of (row, col) cells, in scan order of their first cell."""
    from collections import deque

    h, w = grid.shape
    seen = np.zeros((h, w), dtype=bool)
    components = []
    for r0 in range(h):
        for c0 in range(w):
            if not grid[r0, c0] or seen[r0, c0]:
                continue
            seen[r0, c0] = True
            queue, cells = deque([(r0, c0)]), []
            while queue:
                r, c = queue.popleft()
                cells.append((r, c))
                for dr in (-1, 0, 1):
                    for dc in (-1, 0, 1):
                        rr, cc = r + dr, c + dc
                        if 0 <= rr < h and 0 <= cc < w and grid[rr, cc] and not seen[rr, cc]:
                            seen[rr, cc] = True
                            queue.append((rr, cc))
            components.append(cells)
    return components


def reference_regions(mask: np.ndarray, gap: int = 8, limit: int = 100) -> list[tuple[int, int, int, int, int]]:
    """The regions the documented rule gives for a mask of mismatched pixels: pixels
    binned into gap x gap cells, touching cells (also diagonally) joined, exact boxes,
    most pixels first (then top, then left). As (x, y, width, height, pixels)."""
    h, w = mask.shape
    cells = np.zeros(((h + gap - 1) // gap, (w + gap - 1) // gap), dtype=bool)
    ys, xs = np.nonzero(mask)
    cells[ys // gap, xs // gap] = True
    found = []
    for component in flood_fill(cells):
        sub = np.zeros_like(cells)
        for r, c in component:
            sub[r, c] = True
        inside = sub[ys // gap, xs // gap]
        px, py = xs[inside], ys[inside]
        x0, y0 = int(px.min()), int(py.min())
        found.append((x0, y0, int(px.max()) - x0 + 1, int(py.max()) - y0 + 1, int(inside.sum())))
    found.sort(key=lambda r: (-r[4], r[1], r[0]))
    return found[:limit]
