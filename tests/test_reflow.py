"""Telling a reflow from a change: reflows injected into copies of the seed page.

For a pure shift the aligned count (``changed_pixels``) is a small part of pixelmatch's
(``mismatched``), and the first explanation and the first change name the element whose
box or spacing changed; a recolour is all change. The verdicts stay pixelmatch's.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import copy_seed, run_cli

pytestmark = pytest.mark.browser

PAGE = "pages/syria-talks"


def _check(root: Path, *breakpoints: str) -> dict:
    done = run_cli("check", *(a for b in breakpoints for a in ("--breakpoint", b)), cwd=root)
    assert done.returncode == 1, done.stdout + done.stderr
    return json.loads((root / ".harness/output/results.json").read_text())


def _failing(results: dict) -> dict[str, dict]:
    return {s["breakpoint"]: s for s in results["shots"] if s["status"] == "fail"}


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    return copy_seed(tmp_path / "site")


def _css(root: Path, text: str) -> None:
    with (root / PAGE / "article.css").open("a") as css:
        css.write(text)


def _assert_pure_shift(shot: dict) -> None:
    assert shot["changed_pixels"] <= 0.02 * shot["mismatched"], (shot["changed_pixels"], shot["mismatched"])
    assert shot["aligned_diff"] and shot["alignment"]


def test_more_space_under_the_headline_in_one_range_is_told_as_space_and_aligned(seed: Path) -> None:
    _css(seed, "\n@media (min-width: 920px) and (max-width: 1280px) { .story__headline { margin-bottom: 72px; } }\n")
    shots = _failing(_check(seed, "landscape-tablet", "narrow-browser-and-phone"))
    assert set(shots) == {"landscape-tablet"}
    shot = shots["landscape-tablet"]
    _assert_pure_shift(shot)
    assert shot["explanations"][0].startswith("60 px more space below h1.story__headline, moving")
    assert shot["changes"][0]["cause"] and not shot["changes"][-1]["cause"]
    assert {c["kind"] for c in shot["changes"] if not c["cause"]} == {"moved"}


def test_a_wider_column_at_wide_breakpoints_is_one_finding_cause_first(seed: Path) -> None:
    _css(seed, "\n@media (min-width: 1281px) { .layout { grid-template-columns: minmax(0, 920px) minmax(0, 1fr); } }\n")
    wide = ("medium-wide-browser", "landscape-tablet-and-medium-wide-browser")
    results = _check(seed, *wide, "landscape-tablet")
    shots = _failing(results)
    assert set(shots) == set(wide)
    for shot in shots.values():
        first = shot["changes"][0]
        assert first["cause"] and first["kind"] == "resized" and first["selector"] == "article.story"
        assert first["actual"][2] - first["baseline"][2] == 36
    group = next(g for g in results["groups"] if g["selector"] == "article.story")
    assert group["shots"] == [f"syria-talks/{name}" for name in wide]
    assert group["text"] == "article.story width 884 → 920 px at " + ", ".join(wide)


def test_a_block_inserted_above_the_fold_is_added_and_the_rest_aligned(seed: Path) -> None:
    index = seed / PAGE / "index.html"
    html = index.read_text()
    at = html.index('<header class="story__header">')
    index.write_text(html[:at] + '<div class="breaking" style="height:120px;background:#e8e8e8">Breaking</div>' + html[at:])
    shot = _failing(_check(seed, "narrow-browser-and-phone"))["narrow-browser-and-phone"]
    _assert_pure_shift(shot)
    assert shot["explanations"][0].startswith("120 px more space below")


def test_an_ad_slot_that_changes_height_is_the_cause(seed: Path) -> None:
    _css(seed, "\n.ad-slot__box { height: 280px; }\n")
    shot = _failing(_check(seed, "narrow-browser-and-phone"))["narrow-browser-and-phone"]
    _assert_pure_shift(shot)
    assert shot["explanations"][0].startswith("aside.ad-slot height")
    assert shot["changes"][0] == {**shot["changes"][0], "kind": "resized", "selector": "aside.ad-slot", "cause": True}


def test_a_recolour_is_all_change(seed: Path) -> None:
    _css(seed, "\n.story__headline { color: #b00020; }\n")
    shot = _failing(_check(seed, "narrow-browser-and-phone"))["narrow-browser-and-phone"]
    assert shot["changed_pixels"] == shot["mismatched"]
    assert shot["changes"][0]["kind"] == "style" and shot["changes"][0]["selector"] == "h1.story__headline"
