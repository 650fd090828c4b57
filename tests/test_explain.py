"""explain(): two geometry snapshots and the diff's regions, in words. Table-driven."""

from __future__ import annotations

import pytest

from harness.inspect.explain import MAX_LINES, explain
from harness.inspect.geometry import Snapshot, _build

VIEWPORT = (1280, 800)


def snap(*boxes: tuple, page: tuple[int, int] = (1280, 3000), viewport: tuple[int, int] = VIEWPORT) -> Snapshot:
    """Boxes as (name, label, x, y, w, h[, visible])."""
    items = [{"name": b[0], "label": b[1], "x": b[2], "y": b[3], "w": b[4], "h": b[5], "visible": b[6] if len(b) > 6 else True} for b in boxes]
    return _build(items, list(page), list(viewport), "w", "h")


HEADER = ("header", "header.masthead", 0, 0, 1280, 120)
ARTICLE = ("article", "article.story", 100, 160, 760, 2600)
H1 = ("h1", "h1.headline", 120, 200, 700, 100)
FIGURE = ("figure", "figure.lead", 120, 340, 640, 420)
BODY = ("body", "div.body", 120, 800, 700, 1900)
ASIDE = ("aside", "aside.related", 900, 160, 300, 600)
FOOTER = ("footer", "footer.site", 0, 2800, 1280, 200)
BEFORE = (HEADER, ARTICLE, H1, FIGURE, BODY, ASIDE, FOOTER)


def moved(box: tuple, dx: float = 0, dy: float = 0, dw: float = 0, dh: float = 0) -> tuple:
    return (box[0], box[1], box[2] + dx, box[3] + dy, box[4] + dw, box[5] + dh)


def with_(*changes: tuple) -> tuple:
    """BEFORE with some boxes replaced (matched by label)."""
    by_label = {c[1]: c for c in changes}
    return tuple(by_label.get(b[1], b) for b in BEFORE)


CASES = {
    "headline nudged alone": (with_(moved(H1, dy=4)), (1280, 3000), [], ["h1.headline moved 4 px down"]),
    "headline moves everything below it: one sentence": (
        with_(moved(ARTICLE, dh=4), moved(H1, dy=4), moved(FIGURE, dy=4), moved(BODY, dy=4), moved(FOOTER, dy=4)),
        (1280, 3004),
        [],
        ["4 px more space below header.masthead, moving 4 landmarks (h1.headline, figure.lead, div.body and 1 more) below it down 4 px (page height +4 px)"],
    ),
    "a block grows and pushes the rest down": (
        with_(moved(ARTICLE, dh=60), moved(BODY, dh=60), moved(FOOTER, dy=60)),
        (1280, 3060),
        [],
        ["div.body height 1900 → 1960 px (+60), moving footer.site below it down 60 px (page height +60 px)"],
    ),
    "sidebar drops below the article": (
        with_(moved(ASIDE, dx=-800, dy=2620, dw=460), moved(FOOTER, dy=600)),
        (1280, 3600),
        [],
        [
            "aside.related moved from right of article.story to below it (width 300 → 760 px)",
            "footer.site moved 600 px down (page height +600 px)",
        ],
    ),
    "figure shrinks sideways": (with_(moved(FIGURE, dw=-40)), (1280, 3000), [], ["figure.lead width 640 → 600 px"]),
    "something sticks out of the viewport": (
        with_(moved(ASIDE, dw=120)),
        (1320, 3000),
        [],
        [
            "aside.related width 300 → 420 px, now sticks out 40 px past the right edge of the 1280 px viewport",
            "page width 1280 → 1320 px (wider than the viewport)",
        ],
    ),
    "text or colour only": (
        BEFORE,
        (1280, 3000),
        [[130, 1830, 300, 20], [140, 1900, 200, 10], [0, 2900, 50, 50]],
        [
            "change inside div.body at y=1830–1910 (2 places, text or colour, no box moved)",
            "change inside footer.site at y=2900–2950 (text or colour, no box moved)",
        ],
    ),
    "regions where boxes moved are not told twice": (
        with_(moved(H1, dy=4)),
        (1280, 3000),
        [[120, 200, 700, 104], [130, 1830, 300, 20]],
        ["h1.headline moved 4 px down", "change inside div.body at y=1830–1850 (text or colour)"],
    ),
    "sub-pixel jitter is no change": (
        with_(moved(H1, dy=0.4), moved(FIGURE, dw=0.3), moved(BODY, dh=-0.45)),
        (1280, 3000),
        [],
        [],
    ),
    "hidden and gone": (
        tuple(b for b in with_(("aside", "aside.related", 900, 160, 300, 600, False)) if b[0] != "footer"),
        (1280, 3000),
        [],
        ["aside.related is now hidden", "footer.site is gone"],
    ),
}


@pytest.mark.parametrize("after, page, regions, expected", CASES.values(), ids=CASES.keys())
def test_explain(after: tuple, page: tuple[int, int], regions: list, expected: list[str]) -> None:
    assert explain(snap(*BEFORE), snap(*after, page=page), regions) == expected


def test_an_element_that_appears() -> None:
    after = (*BEFORE, ("ad", "div#ad-top", 0, 120, 728, 90))
    assert explain(snap(*BEFORE), snap(*after), []) == ["div#ad-top appeared (728x90 px at y=120)"]


def test_without_stored_geometry_it_says_how_to_get_it() -> None:
    lines = explain(None, snap(*BEFORE), [[130, 1830, 300, 20]])
    assert lines == [
        "change inside div.body at y=1830–1850 (text or colour, no box moved)",
        "no geometry stored with the baseline; approve the shot again to get explanations",
    ]


def test_many_changes_are_capped() -> None:
    boxes = [("iframe", f"iframe.embed{i}", 0, 100 * i, 300, 50) for i in range(20)]
    after = [moved(b, dx=10 + i) for i, b in enumerate(boxes)]
    lines = explain(snap(*boxes), snap(*after), [])
    assert len(lines) == MAX_LINES
    assert lines[-1] == f"and {20 - MAX_LINES + 1} more changes"


def test_snapshot_round_trip_and_bad_files() -> None:
    before = snap(*BEFORE)
    assert Snapshot.from_bytes(before.to_bytes()) == before
    for bad in (b"", b"{", b"[]", b'{"landmarks": 3}'):
        assert Snapshot.from_bytes(bad) is None


def test_one_element_under_two_names_is_told_once() -> None:
    ad_aside = ("aside", "aside.ad-slot", 900, 160, 300, 250)
    as_ad = ("ad", "aside.ad-slot", 900, 160, 300, 250)
    before = snap(ARTICLE, ad_aside, as_ad)
    after = snap(ARTICLE, moved(ad_aside, dh=50), moved(as_ad, dh=50))
    assert explain(before, after, []) == ["aside.ad-slot height 250 → 300 px (+50)"]
