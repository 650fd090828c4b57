"""pixelmatch, vectorised: the per-pixel verdict every shot is judged by.

The answer is that of the ``pixelmatch`` package on PyPI (0.4.0), bit for bit: the
same float64 expressions in the same order, evaluated with numpy on just the pixels
that need them. For opaque images (every normal screenshot) that is also the answer
of pixelmatch's JavaScript original (7.x).

Differences from the JavaScript original, all deliberate:

* semi-transparent pixels are blended with **white** before comparison (the Python
  package's rule); the JavaScript original blends them with a chequered background;
* the grey background of the diff image is truncated to an integer (``int()``) like the
  Python package; the JavaScript original rounds, so a grey level may differ by one;
* ``diff_color_alt`` is the JavaScript option (the Python package has none): with it,
  differences where the actual image is darker than the baseline use this colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

# YIQ coefficients, written exactly as in pixelmatch so that float64 results match.
_Y = (0.29889531, 0.58662247, 0.11448223)
_I = (0.59597799, -0.27417610, -0.32180189)
_Q = (0.21147017, -0.52261711, 0.31114694)
MAX_YIQ_DELTA = 35215  # the largest possible squared YIQ distance

# Neighbour offsets (dx, dy) in pixelmatch's scan order: x outer, y inner.
_NEIGHBOURS = [(dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1) if (dx, dy) != (0, 0)]


@dataclass(frozen=True)
class Options:
    """pixelmatch's options, with its defaults.

    threshold: 0 to 1 (default 0.1). Per-pixel colour tolerance: a pixel differs when
        its squared YIQ distance exceeds ``35215 * threshold**2``. 0 is exact.
    include_aa: default False. When False, differing pixels that look like
        anti-aliasing in either image are drawn in ``aa_color`` and not counted.
    alpha: 0 to 1 (default 0.1). Opacity of the baseline in the diff image's grey
        background.
    aa_color / diff_color: RGB triples of 0-255 (defaults yellow (255, 255, 0) and red
        (255, 0, 0)): anti-aliased and differing pixels in the diff image.
    diff_color_alt: RGB triple or None (default None). If set, differing pixels where
        the actual image is darker are drawn in this colour instead of ``diff_color``.
    diff_mask: default False. Draw only the differences, on a transparent background.
    """

    threshold: float = 0.1
    include_aa: bool = False
    alpha: float = 0.1
    aa_color: tuple[int, int, int] = (255, 255, 0)
    diff_color: tuple[int, int, int] = (255, 0, 0)
    diff_color_alt: tuple[int, int, int] | None = None
    diff_mask: bool = False

    def __post_init__(self) -> None:
        _check_unit("threshold", self.threshold)
        _check_unit("alpha", self.alpha)
        for name in ("aa_color", "diff_color", "diff_color_alt"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, _check_rgb(name, value))


def _check_unit(name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(f"{name} must be a number from 0 to 1, got {value!r}")


def _check_rgb(name: str, value: object) -> tuple[int, int, int]:
    try:
        triple: tuple[Any, ...] = tuple(value)  # type: ignore[arg-type]
    except TypeError:
        triple = ()
    ok = len(triple) == 3 and all(
        isinstance(c, (int, np.integer)) and not isinstance(c, bool) and 0 <= c <= 255 for c in triple
    )
    if not ok:
        raise ValueError(f"{name} must be three whole numbers from 0 to 255, got {value!r}")
    return (int(triple[0]), int(triple[1]), int(triple[2]))


@dataclass(frozen=True)
class Match:
    """What pixelmatch says of two same-sized images."""

    mismatched: np.ndarray  # flat indices of counted differences, ascending
    antialiased: np.ndarray  # flat indices of differences forgiven as anti-aliasing
    darker: np.ndarray | None  # per mismatched pixel: actual darker than baseline
    identical: bool


def match(a: np.ndarray, b: np.ndarray, options: Options) -> Match:
    """Compare two same-sized HxWx4 uint8 arrays the way pixelmatch does.

    Only pixels whose bytes differ are converted to YIQ, and only those over the
    threshold get the anti-aliasing test, so a realistic pair costs little more than
    one equality pass.
    """
    img_a, img_b = _Pixels(a), _Pixels(b)
    changed = np.flatnonzero(img_a.u32 != img_b.u32)
    empty = np.empty(0, dtype=np.intp)
    if changed.size == 0:
        return Match(empty, empty, None if options.diff_color_alt is None else np.empty(0, bool), True)

    y1, i1, q1 = _yiq(img_a.u32[changed])
    y2, i2, q2 = _yiq(img_b.u32[changed])
    dy = y1 - y2
    di = i1 - i2
    dq = q1 - q2
    delta = 0.5053 * dy * dy + 0.299 * di * di + 0.1957 * dq * dq
    over = delta > MAX_YIQ_DELTA * options.threshold * options.threshold
    candidates = changed[over]
    darker = dy[over] > 0  # pixelmatch JS: y > 0 means img2 is darker
    if options.include_aa or candidates.size == 0:
        aa = np.zeros(candidates.size, dtype=bool)
    else:
        img_a.dense = img_b.dense = use_planes(candidates.size, img_a.u32.size)
        aa = _antialiased(img_a, img_b, candidates)
        rest = np.flatnonzero(~aa)
        aa[rest] = _antialiased(img_b, img_a, candidates[rest])
    darker_out = darker[~aa] if options.diff_color_alt is not None else None
    return Match(candidates[~aa], candidates[aa], darker_out, False)


def use_planes(candidates: int, pixels: int) -> bool:
    """Whether to answer neighbourhood questions from whole-image planes.

    Each candidate asks about ~20 pixels; once that passes about an eighth of the
    image, computing every pixel once is cheaper than gathering. (Tests force both ways.)
    """
    return candidates * 32 > pixels // 4


class _Pixels:
    """An image as one uint32 per pixel, answering per-pixel questions either by
    looking at the few pixels asked about or, once ``dense`` is set because many will
    be, from whole planes computed once."""

    def __init__(self, img: np.ndarray) -> None:
        self.h, self.w = img.shape[:2]
        self.dense = False
        self.u32 = np.ascontiguousarray(img).view(np.uint32).reshape(-1)
        self._luma: np.ndarray | None = None
        self._siblings: np.ndarray | None = None

    def siblings_at(self, idx: np.ndarray) -> np.ndarray:
        """Identical neighbours of each pixel at ``idx``, plus one for the image edge."""
        if not self.dense:
            nidx, valid, edge = _neighbourhood(idx, self.w, self.h)
            same = self.u32[nidx] == self.u32[idx][:, None]
            if valid is not None:
                same &= valid
            return edge + np.count_nonzero(same, axis=1)
        if self._siblings is None:
            self._siblings = _sibling_plane(self.u32.reshape(self.h, self.w)).reshape(-1)
        return self._siblings[idx]

    def luma_at(self, idx: np.ndarray) -> np.ndarray:
        """Luma of the pixels at ``idx``."""
        if not self.dense:
            return _luma(self.u32[idx.reshape(-1)]).reshape(idx.shape)
        if self._luma is None:
            self._luma = by_runs(self.u32, _luma)
        return self._luma[idx]


def by_runs(u32: np.ndarray, fn: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """``fn`` applied per pixel, computed once per run of equal pixels.

    Screenshots are mostly runs (a text page has about one run per ten pixels), so
    this is several times cheaper than computing every pixel.
    """
    starts_mask = np.empty(u32.size, dtype=bool)
    starts_mask[0] = True
    np.not_equal(u32[1:], u32[:-1], out=starts_mask[1:])
    starts = np.flatnonzero(starts_mask)
    lengths = np.diff(starts, append=u32.size)
    return np.repeat(fn(u32[starts]), lengths)


def _sibling_plane(img: np.ndarray) -> np.ndarray:
    """For every pixel, how many of its 8 neighbours are identical, plus one on the edge.

    Each of the four neighbour directions is compared once and credited to both ends.
    """
    count = np.zeros(img.shape, dtype=np.uint8)
    for a, b in (
        ((slice(None), slice(1, None)), (slice(None), slice(None, -1))),
        ((slice(1, None), slice(None)), (slice(None, -1), slice(None))),
        ((slice(1, None), slice(1, None)), (slice(None, -1), slice(None, -1))),
        ((slice(1, None), slice(None, -1)), (slice(None, -1), slice(1, None))),
    ):
        equal = img[a] == img[b]
        count[a] += equal
        count[b] += equal
    count[0, :] += 1
    count[1:, 0] += 1
    if img.shape[0] > 1:
        count[-1, 1:] += 1
    if img.shape[1] > 1:
        count[1:-1, -1] += 1
    return count


def _lut(coefficients: tuple[float, float, float]) -> list[np.ndarray]:
    """Per-channel products as 256-entry tables: the same float64 values as multiplying."""
    return [np.arange(256, dtype=np.float64) * c for c in coefficients]


_LUT_Y, _LUT_I, _LUT_Q = _lut(_Y), _lut(_I), _lut(_Q)


def _apply(tables: list[np.ndarray], px: np.ndarray, blended: tuple[np.ndarray, ...] | None) -> np.ndarray:
    if blended is None:
        by = px.view(np.uint8).reshape(-1, 4)
        out = np.take(tables[0], by[:, 0])
        out += np.take(tables[1], by[:, 1])
        out += np.take(tables[2], by[:, 2])
        return out
    r, g, b = blended
    return r * tables[0][1] + g * tables[1][1] + b * tables[2][1]


def _blended(px: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """r, g, b as float64 with semi-transparent pixels blended on white (the package's
    rule), or None when every pixel is opaque and the tables can be used directly."""
    by = px.view(np.uint8).reshape(-1, 4)
    a = by[:, 3]
    translucent = a < 255
    if not translucent.any():
        return None
    r, g, b = (by[:, k].astype(np.float64) for k in range(3))
    af = a[translucent] / 255
    for c in (r, g, b):
        c[translucent] = 255 + (c[translucent] - 255) * af
    return r, g, b


def _luma(px: np.ndarray) -> np.ndarray:
    return _apply(_LUT_Y, px, _blended(px))


def _yiq(px: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    blended = _blended(px)
    return _apply(_LUT_Y, px, blended), _apply(_LUT_I, px, blended), _apply(_LUT_Q, px, blended)


def _neighbourhood(idx: np.ndarray, w: int, h: int) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """Each pixel's 8 neighbours (flat indices), which exist (None: all), and the edge flag."""
    offsets = np.array([dy * w + dx for dx, dy in _NEIGHBOURS])
    nidx = idx[:, None] + offsets
    x = idx % w
    y = idx // w
    edge = (x == 0) | (x == w - 1) | (y == 0) | (y == h - 1)
    if not edge.any():
        return nidx, None, edge
    rows = np.flatnonzero(edge)
    nx = x[rows, None] + np.array([d[0] for d in _NEIGHBOURS])
    ny = y[rows, None] + np.array([d[1] for d in _NEIGHBOURS])
    valid = np.ones(nidx.shape, dtype=bool)
    valid[rows] = (nx >= 0) & (nx < w) & (ny >= 0) & (ny < h)
    nidx[rows] = np.where(valid[rows], ny * w + nx, idx[rows, None])
    return nidx, valid, edge


def _antialiased(img: _Pixels, other: _Pixels, idx: np.ndarray) -> np.ndarray:
    """``_antialiased_chunk`` in slices small enough for the CPU cache."""
    if idx.size <= _CHUNK:
        return _antialiased_chunk(img, other, idx)
    parts = [_antialiased_chunk(img, other, idx[i : i + _CHUNK]) for i in range(0, idx.size, _CHUNK)]
    return np.concatenate(parts)


_CHUNK = 1 << 14


def _antialiased_chunk(img: _Pixels, other: _Pixels, idx: np.ndarray) -> np.ndarray:
    """pixelmatch's anti-aliasing detector (Vysniauskas 2009) for the pixels ``idx`` of img.

    A pixel with more than two equal-brightness neighbours is not anti-aliasing.
    Identical neighbours are a cheap subset of those, so they rule out most pixels
    before any brightness is computed.
    """
    result = np.zeros(idx.size, dtype=bool)
    keep = np.flatnonzero(img.siblings_at(idx) <= 2)
    if keep.size == 0:
        return result
    nidx, valid, edge = _neighbourhood(idx[keep], img.w, img.h)
    idx = idx[keep]
    delta = img.luma_at(idx)[:, None] - img.luma_at(nidx)
    if valid is not None:
        delta[~valid] = np.nan  # a missing neighbour is neither equal, darker nor brighter
    zeroes = edge + np.count_nonzero(delta == 0, axis=1)
    darker = np.where(delta < 0, delta, np.inf)
    brighter = np.where(delta > 0, delta, -np.inf)
    rows = np.arange(idx.size)
    min_k = np.argmin(darker, axis=1)  # first of equals, like pixelmatch's strict "<"
    max_k = np.argmax(brighter, axis=1)
    maybe = (zeroes <= 2) & (darker[rows, min_k] < 0) & (brighter[rows, max_k] > 0)
    if not maybe.any():
        return result
    sel = np.flatnonzero(maybe)
    darkest = nidx[sel, min_k[sel]]
    brightest = nidx[sel, max_k[sel]]
    result[keep[sel]] = ((img.siblings_at(darkest) > 2) & (other.siblings_at(darkest) > 2)) | (
        (img.siblings_at(brightest) > 2) & (other.siblings_at(brightest) > 2)
    )
    return result


def grey_levels(img: np.ndarray, alpha: float) -> np.ndarray:
    """The diff image's faded background as grey levels (HxW uint8): the baseline's luma
    blended towards white, ``int(255 + (y - 255) * (alpha * a / 255))`` as the package
    computes it (luma of the unblended colour), once per run of equal pixels."""
    h, w = img.shape[:2]

    def grey(px: np.ndarray) -> np.ndarray:
        a = px.view(np.uint8).reshape(-1, 4)[:, 3]
        weight = alpha * 255 / 255 if a.min() == 255 else alpha * a / 255
        y = _apply(_LUT_Y, px, None)
        y -= 255
        y *= weight
        y += 255
        return y.astype(np.uint8)  # int() truncation

    return by_runs(np.ascontiguousarray(img).view(np.uint32).reshape(-1), grey).reshape(h, w)


def grey_background(img: np.ndarray, alpha: float) -> np.ndarray:
    """``grey_levels`` as an opaque RGBA image."""
    g = grey_levels(img, alpha).astype(np.uint32)
    g *= 0x010101
    g |= 0xFF000000
    return g.view(np.uint8).reshape(*g.shape, 4)


@dataclass(frozen=True)
class Indexed:
    """A diff image as palette indices (HxW uint8) and an RGBA palette (Nx4 uint8).

    A diff image has few colours (the grey levels, yellow, red), so this form is a
    quarter of the size in memory and encodes as PNG several times faster.
    """

    indices: np.ndarray
    palette: np.ndarray

    def rgba(self) -> np.ndarray:
        packed = np.ascontiguousarray(self.palette).view(np.uint32).reshape(-1)
        return np.take(packed, self.indices).view(np.uint8).reshape(*self.indices.shape, 4)


def draw_indexed(a: np.ndarray, m: Match, options: Options) -> Indexed | None:
    """pixelmatch's diff image for a same-sized pair (grey baseline, yellow AA, red
    diffs) in indexed form; None if it needs more than 256 colours (a large ``alpha``)."""
    h, w = a.shape[:2]
    colours = [options.aa_color, options.diff_color] + ([options.diff_color_alt] if options.diff_color_alt else [])
    if options.diff_mask:
        indices = np.zeros((h, w), dtype=np.uint8)
        base = np.zeros((1, 4), dtype=np.uint8)  # transparent
    else:
        indices = grey_levels(a, options.alpha)
        low = int(indices.min())
        if 256 - low + len(colours) > 256:
            return None
        indices -= low
        levels = np.arange(low, 256, dtype=np.uint8)
        base = np.stack([levels, levels, levels, np.full_like(levels, 255)], axis=1)
    k = len(base)
    flat = indices.reshape(-1)
    if not options.diff_mask and m.antialiased.size:
        flat[m.antialiased] = k
    if m.mismatched.size:
        flat[m.mismatched] = k + 1
        if options.diff_color_alt is not None and m.darker is not None:
            flat[m.mismatched[m.darker]] = k + 2
    palette = np.concatenate([base, np.array([(*c, 255) for c in colours], dtype=np.uint8)])
    return Indexed(indices, palette)


def draw(a: np.ndarray, m: Match, options: Options) -> np.ndarray:
    """pixelmatch's diff image for a same-sized pair, as HxWx4 RGBA."""
    indexed = draw_indexed(a, m, options)
    if indexed is not None:
        return indexed.rgba()
    out = grey_background(a, options.alpha)
    flat = out.reshape(-1, 4)
    if m.antialiased.size:
        flat[m.antialiased] = (*options.aa_color, 255)
    if m.mismatched.size:
        flat[m.mismatched] = (*options.diff_color, 255)
        if options.diff_color_alt is not None and m.darker is not None:
            flat[m.mismatched[m.darker]] = (*options.diff_color_alt, 255)
    return out
