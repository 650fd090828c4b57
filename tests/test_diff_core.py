"""The diff core against the pixelmatch package, bit for bit.

Every pair of ``diff_fixtures`` (anti-aliased text moved by a quarter pixel and by a
pixel, glyphs crossing the borders, a recoloured block, semi-transparent pixels,
three kinds of size change, identical images, posterised noise, one-pixel-thin
images and two real article screenshot crops) is compared at every threshold, with
and without anti-aliasing detection, on both the sparse (gather) and the dense
(whole-plane) path, and both the mismatch count and the diff image must equal the
package's exactly. How the two screenshot crops were made is in ``diff_fixtures``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest
from PIL import Image

import diff_fixtures as F
from harness.compare import pixelmatch as pm
from harness.compare.diff import DiffResult, Limits, Options, compare, to_rgba_array

THRESHOLDS = (0, 0.05, 0.1, 0.3)
PATHS = ("sparse", "dense")


def force_path(monkeypatch: pytest.MonkeyPatch, path: str) -> list[tuple[int, int]]:
    """Make ``match`` take the given path; returns the (candidates, pixels) it asked about."""
    asked: list[tuple[int, int]] = []
    dense = path == "dense"

    def fake(candidates: int, pixels: int) -> bool:
        asked.append((candidates, pixels))
        return dense

    monkeypatch.setattr(pm, "use_planes", fake)
    return asked


@lru_cache(maxsize=None)
def expected(name: str, options: tuple[tuple[str, object], ...] = ()) -> tuple[int, np.ndarray]:
    p = F.pair(name)
    count, image = F.reference(p.baseline, p.actual, **dict(options))
    image.setflags(write=False)
    return count, image


def explain(got: np.ndarray, want: np.ndarray) -> str:
    if got.shape != want.shape:
        return f"diff image shape {got.shape}, expected {want.shape}"
    bad = np.argwhere((got != want).any(axis=2))
    y, x = bad[0]
    return f"{len(bad)} diff-image pixels differ; first at x={x} y={y}: {got[y, x].tolist()} != {want[y, x].tolist()}"


def check(name: str, path: str, monkeypatch: pytest.MonkeyPatch, **options: object) -> DiffResult:
    """Compare the pair with ``options`` and assert count and image equal the reference."""
    p = F.pair(name)
    asked = force_path(monkeypatch, path)
    count, image = expected(name, tuple(sorted(options.items())))
    result = compare(p.baseline, p.actual, diff_image=True, **options)
    assert result.mismatched == count
    assert result.diff_image is not None and result.diff_image.dtype == np.uint8
    assert np.array_equal(result.diff_image, image), explain(result.diff_image, image)
    if asked:
        assert all(pixels == min(p.baseline.shape[0], p.actual.shape[0]) * min(p.baseline.shape[1], p.actual.shape[1])
                   for _, pixels in asked)
    return result


# --------------------------------------------------------------------------- the table


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("include_aa", (False, True), ids=("aa-forgiven", "aa-counted"))
@pytest.mark.parametrize("threshold", THRESHOLDS)
@pytest.mark.parametrize("name", F.NAMES)
def test_matches_package(name: str, threshold: float, include_aa: bool, path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    result = check(name, path, monkeypatch, threshold=threshold, include_aa=include_aa)
    p = F.pair(name)
    (ha, wa), (hb, wb) = p.baseline.shape[:2], p.actual.shape[:2]
    assert (result.width, result.height) == (max(wa, wb), max(ha, hb))
    assert result.total == result.width * result.height
    assert (result.baseline_size, result.actual_size) == ((wa, ha), (wb, hb))
    # the forgiven pixels are exactly the reference's yellow ones
    _, image = expected(name, tuple(sorted({"threshold": threshold, "include_aa": include_aa}.items())))
    yellow = np.count_nonzero((image == (255, 255, 0, 255)).all(axis=2))
    assert result.antialiased == (0 if include_aa else yellow)
    # without the image: the same verdict
    plain = compare(p.baseline, p.actual, threshold=threshold, include_aa=include_aa)
    assert plain.diff_image is None
    assert (plain.mismatched, plain.antialiased, plain.regions) == (result.mismatched, result.antialiased, result.regions)
    # the regions are those the documented clustering rule gives for the reference's red pixels
    red = (image == (255, 0, 0, 255)).all(axis=2)
    assert [tuple(r) for r in result.regions] == F.reference_regions(red)
    if len(result.regions) < 100:
        assert sum(r.pixels for r in result.regions) == result.mismatched


# Opaque greys, each with a translucent black twin that blends on white to exactly the
# same float (255 - a), so neighbours can be equally bright without being identical.
PALETTE = np.array(
    [
        [0, 0, 0, 255], [255, 255, 255, 255],
        [128, 128, 128, 255], [0, 0, 0, 127],
        [60, 60, 60, 255], [0, 0, 0, 195],
        [200, 200, 200, 255], [0, 0, 0, 55],
        [90, 20, 200, 128], [0, 0, 0, 0],
    ],
    dtype=np.uint8,
)
PALETTE_P = (0.2, 0.2, 0.08, 0.08, 0.08, 0.08, 0.08, 0.08, 0.04, 0.08)


def random_pairs(seed: int, count: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Tiny pairs from a palette built to hit the detector's edge cases: few grey levels
    (ties between equally dark neighbours), luma twins and fully transparent pixels of
    random colours (different bytes, same brightness: 'equal' but not identical
    neighbours), and images so small that most pixels are on an edge or corner."""
    rng = np.random.default_rng(seed)
    pairs = []
    for _ in range(count):
        h, w = int(rng.integers(1, 8)), int(rng.integers(1, 9))
        a = PALETTE[rng.choice(len(PALETTE), (h, w), p=PALETTE_P)]
        transparent = a[..., 3] == 0
        a[transparent, :3] = rng.integers(0, 256, (int(transparent.sum()), 3), dtype=np.uint8)
        b = a.copy()
        flip = rng.random((h, w)) < 0.3
        b[flip] = PALETTE[rng.integers(0, len(PALETTE), int(flip.sum()))]
        pairs.append((a, b))
    return pairs


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("seed", range(4))
def test_random_tiny_pairs_match_package(seed: int, path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    force_path(monkeypatch, path)
    for i, (a, b) in enumerate(random_pairs(seed, 150)):
        for threshold in (0, 0.1):
            count, image = F.reference(a, b, threshold=threshold)
            r = compare(a, b, threshold=threshold, diff_image=True)
            where = f"seed {seed} pair {i} ({a.shape[1]}x{a.shape[0]}) threshold {threshold}"
            assert r.mismatched == count, where
            assert np.array_equal(r.diff_image, image), f"{where}: {explain(r.diff_image, image)}"


OPTION_SETS = {
    "alpha-0": {"alpha": 0},
    "alpha-0.5": {"alpha": 0.5},
    "alpha-1": {"alpha": 1},
    "colours": {"aa_color": (0, 128, 255), "diff_color": (10, 200, 30)},
    "colours-aa-counted": {"aa_color": (0, 128, 255), "diff_color": (10, 200, 30), "include_aa": True, "threshold": 0.05},
    "mask": {"diff_mask": True},
    "mask-exact-alpha": {"diff_mask": True, "threshold": 0, "alpha": 0.5, "diff_color": (0, 0, 0)},
}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("options", OPTION_SETS.values(), ids=OPTION_SETS.keys())
@pytest.mark.parametrize("name", F.NAMES)
def test_options_match_package(name: str, options: dict, path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    check(name, path, monkeypatch, **options)


ALT = (0, 90, 255)


def _luma_delta(a: np.ndarray, b: np.ndarray, y: int, x: int) -> float:
    """The package's brightness delta (baseline minus actual) at one pixel; > 0: actual darker."""
    from pixelmatch.utils import color_delta

    return color_delta(a[y, x].tolist(), b[y, x].tolist(), 0, 0, True)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("threshold", (0, 0.1))
@pytest.mark.parametrize("name", F.NAMES)
def test_diff_color_alt(name: str, threshold: float, path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """No reference has it: the alt colour must sit exactly on the counted differences
    where the actual image is darker, diff_color on the rest, and nothing else change."""
    p = F.pair(name)
    force_path(monkeypatch, path)
    plain = compare(p.baseline, p.actual, threshold=threshold, diff_image=True)
    alt = compare(p.baseline, p.actual, threshold=threshold, diff_color_alt=ALT, diff_image=True)
    assert (alt.mismatched, alt.antialiased, alt.regions) == (plain.mismatched, plain.antialiased, plain.regions)
    assert plain.diff_image is not None and alt.diff_image is not None
    red = (plain.diff_image == (255, 0, 0, 255)).all(axis=2)
    assert np.count_nonzero(red) == plain.mismatched
    changed = (alt.diff_image != plain.diff_image).any(axis=2)
    assert not (changed & ~red).any(), "only differing pixels may change colour"
    is_alt = (alt.diff_image == (*ALT, 255)).all(axis=2)
    assert np.array_equal(changed, is_alt)
    oh = min(p.baseline.shape[0], p.actual.shape[0])
    ow = min(p.baseline.shape[1], p.actual.shape[1])
    darker = np.zeros(red.shape, dtype=bool)
    for y, x in np.argwhere(red[:oh, :ow]):
        darker[y, x] = _luma_delta(p.baseline, p.actual, y, x) > 0
    assert np.array_equal(is_alt, darker)
    assert np.array_equal(red & ~darker, (alt.diff_image == (255, 0, 0, 255)).all(axis=2))


def test_diff_color_alt_covers_both_directions() -> None:
    """The table above is only meaningful if the pairs hold both lighter and darker changes."""
    p = F.pair("text-shift-1px")
    r = compare(p.baseline, p.actual, diff_color_alt=ALT, diff_image=True)
    assert r.diff_image is not None
    n_alt = np.count_nonzero((r.diff_image == (*ALT, 255)).all(axis=2))
    n_red = np.count_nonzero((r.diff_image == (255, 0, 0, 255)).all(axis=2))
    assert n_alt > 50 and n_red > 50 and n_alt + n_red == r.mismatched


@pytest.mark.parametrize("path", PATHS)
def test_both_paths_are_reached(path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The monkeypatch really steers ``match``: the dense path fills the planes."""
    p = F.pair("text-shift-1px")
    asked = force_path(monkeypatch, path)
    seen = []
    original = pm._Pixels.siblings_at

    def spy(self, idx):  # type: ignore[no-untyped-def]
        seen.append(self.dense)
        return original(self, idx)

    monkeypatch.setattr(pm._Pixels, "siblings_at", spy)
    compare(p.baseline, p.actual)
    assert asked and seen and set(seen) == {path == "dense"}


def test_use_planes_default_choice() -> None:
    assert pm.use_planes(10, 1_000_000) is False
    assert pm.use_planes(100_000, 1_000_000) is True


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"threshold": 1.5}, ("threshold", "1.5")),
        ({"threshold": -0.1}, ("threshold", "-0.1")),
        ({"threshold": "0.1"}, ("threshold", "0.1")),
        ({"threshold": True}, ("threshold", "True")),
        ({"threshold": float("nan")}, ("threshold", "nan")),
        ({"alpha": 2}, ("alpha", "2")),
        ({"alpha": -1}, ("alpha", "-1")),
        ({"diff_color": (300, 0, 0)}, ("diff_color", "300")),
        ({"aa_color": (0, 0, -1)}, ("aa_color", "-1")),
        ({"diff_color": (255, 0)}, ("diff_color", "(255, 0)")),
        ({"diff_color": (1.5, 0, 0)}, ("diff_color", "1.5")),
        ({"diff_color_alt": (0, 256, 0)}, ("diff_color_alt", "256")),
        ({"diff_color": "red"}, ("diff_color", "red")),
    ],
)
def test_options_validation_names_option_and_number(kwargs: dict, words: tuple[str, ...]) -> None:
    with pytest.raises(ValueError) as err:
        Options(**kwargs)
    for word in words:
        assert word in str(err.value)
    a = F.pair("identical").baseline
    with pytest.raises(ValueError, match=list(kwargs)[0]):
        compare(a, a, **kwargs)


def test_options_colours_normalised() -> None:
    o = Options(diff_color=[np.uint8(1), 2, 3], aa_color=np.array([4, 5, 6]))
    assert o.diff_color == (1, 2, 3) and o.aa_color == (4, 5, 6)
    assert all(type(c) is int for c in o.diff_color + o.aa_color)
    assert Options(threshold=0, alpha=1).threshold == 0


GOOD = np.full((4, 5, 4), 255, dtype=np.uint8)


@pytest.mark.parametrize(
    "bad, words",
    [
        (np.zeros((4, 5), dtype=np.uint8), ("(4, 5)",)),
        (np.zeros((4, 5, 2), dtype=np.uint8), ("(4, 5, 2)",)),
        (np.zeros((4, 5, 4, 1), dtype=np.uint8), ("(4, 5, 4, 1)",)),
        (np.zeros((4, 5, 4), dtype=np.float32), ("float32",)),
        (np.zeros((4, 5, 4), dtype=np.uint16), ("uint16",)),
        (np.zeros((0, 5, 4), dtype=np.uint8), ("empty", "5x0")),
        (np.zeros((4, 0, 3), dtype=np.uint8), ("empty", "0x4")),
    ],
)
@pytest.mark.parametrize("side", ("baseline", "actual"))
def test_bad_arrays_are_named(bad: np.ndarray, words: tuple[str, ...], side: str) -> None:
    args = (bad, GOOD) if side == "baseline" else (GOOD, bad)
    with pytest.raises(ValueError) as err:
        compare(*args)
    assert side in str(err.value)
    for word in words:
        assert word in str(err.value)


def test_not_an_image_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"baseline.*list"):
        compare([[0]], GOOD)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- inputs


PIL_MODES = ("1", "L", "LA", "P", "PA", "RGB", "RGBA", "RGBa", "CMYK", "YCbCr", "I", "I;16", "F", "HSV", "LAB")


@pytest.mark.parametrize("mode", PIL_MODES)
def test_pillow_images_in_any_mode(mode: str) -> None:
    p = F.pair("alpha") if "A" in mode or "a" in mode else F.pair("text-shift-1px")
    a = Image.fromarray(np.array(p.baseline), "RGBA").convert(mode)
    b = Image.fromarray(np.array(p.actual), "RGBA").convert(mode)
    assert a.mode == mode
    want_a, want_b = np.asarray(a.convert("RGBA")), np.asarray(b.convert("RGBA"))
    count, image = F.reference(want_a, want_b)
    r = compare(a, b, diff_image=True)
    assert r.mismatched == count and np.array_equal(r.diff_image, image)
    mixed = compare(a, want_b)  # a Pillow image against an array
    assert mixed.mismatched == count


def test_rgb_arrays_are_opaque_rgba() -> None:
    p = F.pair("colour-change")  # opaque
    count, image = expected("colour-change")
    r = compare(np.ascontiguousarray(p.baseline[..., :3]), np.ascontiguousarray(p.actual[..., :3]), diff_image=True)
    assert r.mismatched == count and np.array_equal(r.diff_image, image)
    rgba = to_rgba_array(p.baseline[..., :3])
    assert rgba.shape == p.baseline.shape and np.array_equal(rgba, p.baseline)
    mixed = compare(p.baseline, p.actual[..., :3])
    assert mixed.mismatched == count


def test_non_contiguous_and_read_only_views() -> None:
    p = F.pair("text-shift-1px")
    a = np.asfortranarray(p.baseline)[::-1, ::2]
    b = np.array(p.actual)[::-1, ::2]
    b.setflags(write=False)
    count, image = F.reference(np.ascontiguousarray(a), np.ascontiguousarray(b))
    r = compare(a, b, diff_image=True)
    assert r.mismatched == count and np.array_equal(r.diff_image, image)


def test_inputs_are_not_modified() -> None:
    p = F.pair("text-shift-1px")
    a, b = np.array(p.baseline), np.array(p.actual)
    compare(a, b, diff_image=True, diff_color_alt=ALT)
    assert np.array_equal(a, p.baseline) and np.array_equal(b, p.actual)


@pytest.mark.parametrize("name", ("identical", "alpha", "article-h1-margin"))
def test_identical_images(name: str) -> None:
    a = F.pair(name).baseline
    r = compare(a, np.array(a), diff_image=True)
    assert r.mismatched == 0 and r.antialiased == 0 and r.regions == ()
    assert r.ratio == 0.0 and not r.size_changed and r.passed() and r.size_change() == ""
    count, image = F.reference(a, a)
    assert count == 0 and np.array_equal(r.diff_image, image)
    masked = compare(a, a, diff_image=True, diff_mask=True)
    assert masked.diff_image is not None and not masked.diff_image.any()


def test_options_object_and_keywords() -> None:
    p = F.pair("text-subpixel")
    by_object = compare(p.baseline, p.actual, Options(threshold=0, include_aa=True))
    by_keywords = compare(p.baseline, p.actual, threshold=0, include_aa=True)
    assert by_object == by_keywords
    assert by_object.mismatched == expected("text-subpixel", (("include_aa", True), ("threshold", 0)))[0]


# --------------------------------------------------------------------------- limits


def result(mismatched: int, total: int = 1000, size: tuple[int, int] = (40, 25), actual: tuple[int, int] | None = None) -> DiffResult:
    return DiffResult(
        mismatched=mismatched, total=total, width=size[0], height=size[1], baseline_size=size, actual_size=actual or size
    )


@pytest.mark.parametrize(
    "limits, mismatched, passes",
    [
        (None, 0, True),
        (None, 1, False),
        (Limits(), 0, True),
        (Limits(), 1, False),
        (Limits(max_diff_pixels=0), 1, False),
        (Limits(max_diff_pixels=5), 5, True),
        (Limits(max_diff_pixels=5), 6, False),
        (Limits(max_diff_pixel_ratio=0.01), 10, True),  # 1% of 1000
        (Limits(max_diff_pixel_ratio=0.01), 11, False),
        (Limits(max_diff_pixel_ratio=0), 1, False),
        (Limits(max_diff_pixel_ratio=1), 1000, True),
        (Limits(max_diff_pixels=5, max_diff_pixel_ratio=0.01), 5, True),  # pixels stricter
        (Limits(max_diff_pixels=5, max_diff_pixel_ratio=0.01), 6, False),
        (Limits(max_diff_pixels=50, max_diff_pixel_ratio=0.01), 10, True),  # ratio stricter
        (Limits(max_diff_pixels=50, max_diff_pixel_ratio=0.01), 11, False),
        (Limits(max_diff_pixels=0, max_diff_pixel_ratio=0.5), 1, False),
        (Limits(max_diff_pixels=10**9, max_diff_pixel_ratio=1), 1000, True),
    ],
)
def test_limits_semantics(limits: Limits | None, mismatched: int, passes: bool) -> None:
    assert result(mismatched).passed(limits) is passes


def test_limits_allowed() -> None:
    assert Limits().allowed(1000) == 0
    assert Limits(max_diff_pixels=7).allowed(1000) == 7
    assert Limits(max_diff_pixel_ratio=0.25).allowed(1000) == 250
    assert Limits(7, 0.25).allowed(1000) == 7
    assert Limits(700, 0.25).allowed(1000) == 250


def test_size_change_always_fails() -> None:
    generous = Limits(max_diff_pixels=10**9, max_diff_pixel_ratio=1)
    assert not result(0, size=(60, 46), actual=(60, 46)).size_changed
    r = result(0, size=(60, 46), actual=(60, 40))
    assert r.size_changed and not r.passed(generous)
    for name in ("size-taller-60x40-60x46", "size-narrower-64x40-60x40", "size-both-64x40-60x46"):
        p = F.pair(name)
        real = compare(p.baseline, p.actual)
        assert real.size_changed and not real.passed(generous) and not real.passed()


@pytest.mark.parametrize(
    "kwargs, word",
    [
        ({"max_diff_pixels": -1}, "-1"),
        ({"max_diff_pixels": 2.5}, "2.5"),
        ({"max_diff_pixels": True}, "True"),
        ({"max_diff_pixel_ratio": 1.5}, "1.5"),
        ({"max_diff_pixel_ratio": -0.01}, "-0.01"),
        ({"max_diff_pixel_ratio": "0.1"}, "0.1"),
    ],
)
def test_bad_limits_raise_with_the_number(kwargs: dict, word: str) -> None:
    with pytest.raises(ValueError) as err:
        Limits(**kwargs)
    assert list(kwargs)[0] in str(err.value) and word in str(err.value)


# --------------------------------------------------------------------------- size change


@pytest.mark.parametrize(
    "name, text",
    [
        ("size-taller-60x40-60x46", "height 40 → 46 px (+6)"),
        ("size-narrower-64x40-60x40", "width 64 → 60 px (-4)"),
        ("size-both-64x40-60x46", "width 64 → 60 px (-4), height 40 → 46 px (+6)"),
        ("text-shift-1px", ""),
    ],
)
def test_size_change_text(name: str, text: str) -> None:
    p = F.pair(name)
    assert compare(p.baseline, p.actual).size_change() == text


def test_size_change_union_and_json() -> None:
    p = F.pair("size-both-64x40-60x46")
    count, _ = expected("size-both-64x40-60x46")
    r = compare(p.baseline, p.actual)
    assert (r.width, r.height, r.total) == (64, 46, 64 * 46)
    assert r.baseline_size == (64, 40) and r.actual_size == (60, 46)
    assert r.mismatched == count and r.ratio == count / (64 * 46)
    j = r.to_json()
    assert j["width"] == 64 and j["height"] == 46 and j["mismatched"] == count and j["ratio"] == r.ratio
    assert j["baseline_size"] == [64, 40] and j["actual_size"] == [60, 46]
    assert j["regions"] == [list(reg[:4]) for reg in r.regions]
    # the strips only one image has are in the regions
    covered = np.zeros((46, 64), dtype=bool)
    for x, y, w, h in j["regions"]:
        covered[y : y + h, x : x + w] = True
    assert covered[:, 60:].all() and covered[40:, :].all()
