"""Tests for the plan: which shots a run takes (select) and how they are rendered (group)."""

from __future__ import annotations

import pytest

from harness.config.breakpoints import Breakpoint, Viewport
from harness.config.page_settings import PageSettings
from harness.config.pages import Page
from harness.errors import ConfigError, UsageError
from harness.plan.matrix import Render, Shot, group, select


def bp(name: str, width: int, height: int = 800, *, mobile: bool = False, touch: bool = False,
       scale: float = 1.0) -> Breakpoint:
    return Breakpoint(name, 0, None, Viewport(width, height), device_scale_factor=scale, is_mobile=mobile,
                      has_touch=touch)


PHONE = bp("phone", 375, mobile=True, touch=True)
TABLET = bp("tablet", 768)
DESKTOP = bp("desktop", 1280)
BREAKPOINTS = (PHONE, TABLET, DESKTOP)  # file order, not alphabetical

SYRIA = Page("syria-talks", file="syria-talks/index.html")
MARKETS = Page("markets", file="markets.html")
PAGES = (MARKETS, SYRIA)  # load_pages sorts by name


def ids(shots: list[Shot]) -> list[str]:
    return [s.id for s in shots]


# --- select ----------------------------------------------------------------------------------


def test_all_pages_by_all_breakpoints_in_order() -> None:
    assert ids(select(PAGES, BREAKPOINTS)) == [
        "markets/phone", "markets/tablet", "markets/desktop",
        "syria-talks/phone", "syria-talks/tablet", "syria-talks/desktop",
    ]


def test_shot_id_and_fields() -> None:
    shot = Shot(SYRIA, TABLET)
    assert shot.id == "syria-talks/tablet"
    assert select([SYRIA], [TABLET]) == [shot]


@pytest.mark.parametrize(
    "only_pages, only_bps, expected",
    [
        (["syria-talks"], [], ["syria-talks/phone", "syria-talks/tablet", "syria-talks/desktop"]),
        ([], ["desktop"], ["markets/desktop", "syria-talks/desktop"]),
        (["markets"], ["desktop", "phone"], ["markets/phone", "markets/desktop"]),  # file order, not flag order
        (["syria-talks", "markets"], ["tablet"], ["markets/tablet", "syria-talks/tablet"]),
        (["markets", "markets"], ["tablet"], ["markets/tablet"]),
    ],
)
def test_page_and_breakpoint_filters(only_pages: list[str], only_bps: list[str], expected: list[str]) -> None:
    assert ids(select(PAGES, BREAKPOINTS, only_pages, only_bps)) == expected


def test_page_subset_of_breakpoints() -> None:
    subset = Page("markets", file="markets.html", settings=PageSettings(breakpoints=("desktop", "phone")))
    assert ids(select([subset, SYRIA], BREAKPOINTS)) == [
        "markets/phone", "markets/desktop",
        "syria-talks/phone", "syria-talks/tablet", "syria-talks/desktop",
    ]


def test_page_subset_combined_with_breakpoint_filter() -> None:
    subset = Page("markets", file="markets.html", settings=PageSettings(breakpoints=("desktop",)))
    assert ids(select([subset, SYRIA], BREAKPOINTS, only_breakpoints=["tablet"])) == ["syria-talks/tablet"]


@pytest.mark.parametrize(
    "only_pages, only_bps, expected",
    [
        pytest.param(["syria-talk"], [], "--page 'syria-talk': no such page; did you mean 'syria-talks'?",
                     id="page-close"),
        pytest.param(["zzzzzz"], [], "--page 'zzzzzz': no such page; known pages: markets, syria-talks",
                     id="page-nothing-close"),
        pytest.param([], ["tablett"], "--breakpoint 'tablett': no such breakpoint; did you mean 'tablet'?",
                     id="breakpoint-close"),
        pytest.param([], ["qqq"], "--breakpoint 'qqq': no such breakpoint; known breakpoints: phone, tablet, desktop",
                     id="breakpoint-nothing-close"),
        pytest.param(["markets", "nope-nope"], [],
                     "--page 'nope-nope': no such page; known pages: markets, syria-talks",
                     id="second-page-unknown"),
    ],
)
def test_unknown_names_are_usage_errors(only_pages: list[str], only_bps: list[str], expected: str) -> None:
    with pytest.raises(UsageError) as info:
        select(PAGES, BREAKPOINTS, only_pages, only_bps)
    assert str(info.value) == expected


@pytest.mark.parametrize(
    "subset, expected",
    [
        (("phone", "tablett"), "pages.markets.breakpoints: unknown breakpoint 'tablett'; did you mean 'tablet'?"),
        (("qqq",), "pages.markets.breakpoints: unknown breakpoint 'qqq'; see 'harness breakpoints'"),
    ],
)
def test_page_subset_with_unknown_breakpoint(subset: tuple[str, ...], expected: str) -> None:
    page = Page("markets", file="markets.html", settings=PageSettings(breakpoints=subset))
    with pytest.raises(ConfigError) as info:
        select([page], BREAKPOINTS)
    assert str(info.value) == f"pages.yaml: {expected}"


# --- group -----------------------------------------------------------------------------------


def test_identical_rendering_becomes_one_render() -> None:
    a, b = bp("above-phone", 768), bp("portrait-tablet", 768)
    renders = group(select([SYRIA], [a, b]))
    assert renders == [
        Render(SYRIA, Viewport(768, 800), (1.0, False, False), (Shot(SYRIA, a), Shot(SYRIA, b))),
    ]


@pytest.mark.parametrize(
    "other",
    [
        pytest.param(bp("b", 768, mobile=True), id="is_mobile"),
        pytest.param(bp("b", 768, touch=True), id="has_touch"),
        pytest.param(bp("b", 768, scale=2.0), id="scale"),
        pytest.param(bp("b", 768, 1024), id="height"),
        pytest.param(bp("b", 769), id="width"),
    ],
)
def test_any_difference_means_separate_renders(other: Breakpoint) -> None:
    renders = group(select([SYRIA], [bp("a", 768), other]))
    assert len(renders) == 2
    assert sorted(len(r.shots) for r in renders) == [1, 1]
    assert {r.shots[0].breakpoint.name for r in renders} == {"a", "b"}
    for render in renders:
        (shot,) = render.shots
        assert render.viewport == shot.breakpoint.viewport
        assert render.device == shot.breakpoint.device_key


def test_same_viewport_on_different_pages_is_not_merged() -> None:
    renders = group(select(PAGES, [TABLET]))
    assert [(r.page.name, [s.id for s in r.shots]) for r in renders] == [
        ("markets", ["markets/tablet"]),
        ("syria-talks", ["syria-talks/tablet"]),
    ]


def test_renders_with_equal_device_are_adjacent_per_page() -> None:
    # Devices interleave both in file order and in width order (m2 is wider than d2).
    bps = [bp("d1", 1280), bp("m1", 375, mobile=True), bp("d2", 920), bp("m2", 1000, mobile=True),
           bp("d3", 920)]  # d3 renders like d2
    renders = group(select(PAGES, bps))
    keys = [(r.page.name, r.device) for r in renders]
    # each (page, device) pair forms one contiguous run
    runs = [k for i, k in enumerate(keys) if i == 0 or keys[i - 1] != k]
    assert len(runs) == len(set(runs)) == 4
    assert [r.page.name for r in renders] == ["markets"] * 4 + ["syria-talks"] * 4
    merged = [r for r in renders if len(r.shots) > 1]
    assert [[s.id for s in r.shots] for r in merged] == [
        ["markets/d2", "markets/d3"], ["syria-talks/d2", "syria-talks/d3"],
    ]
    # every shot is rendered exactly once
    assert sorted(s.id for r in renders for s in r.shots) == sorted(ids(select(PAGES, bps)))


def test_group_of_nothing() -> None:
    assert group([]) == []
