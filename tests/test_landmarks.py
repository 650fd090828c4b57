"""Default landmarks on any page (HTML landmarks, headings, large images, cards), and the
landmark set each geometry snapshot records: a changed ``landmarks:`` refreshes the
snapshots, and explanations never compare boxes found in different ways."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from harness.inspect.explain import explain
from harness.inspect.geometry import (
    ARTICLE_LANDMARKS,
    DEFAULT_LANDMARKS,
    LEGACY,
    LandmarkSet,
    Snapshot,
    _build,
    shared_names,
    stale,
)
from helpers import copy_seed, make_project, run_cli, snapshot_tree

NEW = LandmarkSet(2, ())


def snap(*boxes: tuple, landmarks: LandmarkSet = NEW, page: tuple[int, int] = (1280, 3000)) -> Snapshot:
    items = [{"name": b[0], "label": b[1], "x": b[2], "y": b[3], "w": b[4], "h": b[5], "visible": True} for b in boxes]
    return replace(_build(items, list(page), [1280, 800], "w", "h"), landmarks=landmarks)


def test_the_article_landmarks_keep_their_selectors_and_come_first() -> None:
    assert list(DEFAULT_LANDMARKS)[: len(ARTICLE_LANDMARKS)] == list(ARTICLE_LANDMARKS)
    assert all(DEFAULT_LANDMARKS[name] == selector for name, selector in ARTICLE_LANDMARKS.items())
    assert {"main", "h2", "h3", "image", "card"} <= set(DEFAULT_LANDMARKS)


def test_a_snapshot_records_its_landmark_set_and_one_without_is_the_article_defaults() -> None:
    mine = LandmarkSet(2, (("lead", ".lead"), ("iframe", None)))
    body = json.loads(snap(("h1", "h1", 0, 0, 10, 10), landmarks=mine).to_bytes())
    assert body["landmark_set"] == {"digest": mine.digest(), "defaults": 2, "page": [["lead", ".lead"], ["iframe", False]]}
    assert Snapshot.from_bytes(json.dumps(body).encode()).landmarks == mine  # type: ignore[union-attr]
    del body["landmark_set"]
    assert Snapshot.from_bytes(json.dumps(body).encode()).landmarks == LEGACY  # type: ignore[union-attr]
    assert "landmark_set" not in json.loads(snap(landmarks=LEGACY).to_bytes())  # an old snapshot stays as it was


def test_a_changed_landmarks_setting_makes_the_stored_snapshot_stale_and_older_defaults_do_not() -> None:
    legacy = snap(("h1", "h1", 0, 0, 10, 10), landmarks=LEGACY).to_bytes()
    assert not stale(legacy, snap(landmarks=NEW))  # the bundled snapshots are never rewritten for new defaults
    assert stale(legacy, snap(landmarks=LandmarkSet(2, (("lead", ".lead"),))))
    same = LandmarkSet(2, (("lead", ".lead"),))
    assert not stale(snap(landmarks=same).to_bytes(), snap(landmarks=same))
    assert stale(snap(landmarks=same).to_bytes(), snap(landmarks=LandmarkSet(2, (("lead", ".lead-story"),))))
    assert stale(None, snap()) and stale(b"not json", snap())


def test_shared_names_are_those_found_the_same_way() -> None:
    assert shared_names(LEGACY, NEW) == set(ARTICLE_LANDMARKS)
    assert shared_names(NEW, NEW) == set(DEFAULT_LANDMARKS)
    assert shared_names(LEGACY, LandmarkSet(2, (("h1", ".headline"),))) is None
    dropped = LandmarkSet(2, (("h2", None),))
    assert shared_names(dropped, dropped) == set(DEFAULT_LANDMARKS) - {"h2"}


H1 = ("h1", "h1.headline", 100, 100, 700, 80)
H2 = ("h2", "h2.post-title", 100, 300, 700, 86)
FOOTER = ("footer", "footer.site", 0, 2800, 1280, 200)


def test_an_old_snapshot_is_compared_only_on_the_landmarks_both_measured() -> None:
    old = snap(H1, FOOTER, landmarks=LEGACY)
    new = snap(H1, ("h2", "h2.post-title", 100, 300, 700, 158), ("footer", "footer.site", 0, 2872, 1280, 200), page=(1280, 3072))
    lines = explain(old, new)
    assert not any("h2.post-title" in line for line in lines)  # the old snapshot never measured headings
    assert lines == ["72 px more space below h1.headline, moving footer.site below it down 72 px (page height +72 px)"]


def test_snapshots_of_two_landmarks_settings_are_not_compared() -> None:
    old = snap(H1, H2, landmarks=LandmarkSet(2, (("lead", ".lead"),)))
    new = snap(H1, ("h2", "h2.post-title", 100, 300, 700, 158))
    lines = explain(old, new, [[100, 300, 700, 158]])
    assert lines[-1].startswith("the baseline's landmarks were measured with another 'landmarks:' setting, so they are not compared")
    assert not any("86 → 158" in line for line in lines)


def test_the_same_set_names_the_heading_that_grew() -> None:
    old = snap(H1, H2, FOOTER)
    new = snap(H1, ("h2", "h2.post-title", 100, 300, 700, 158), ("footer", "footer.site", 0, 2872, 1280, 200), page=(1280, 3072))
    assert explain(old, new) == ["h2.post-title height 86 → 158 px (+72), moving footer.site below it down 72 px (page height +72 px)"]


# -- in a browser ---------------------------------------------------------------------------------

BLOG = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body { margin: 0; font: 16px/1.5 sans-serif; }
.top { height: 80px; background: #234; }
.grid { display: grid; grid-template-columns: repeat(3, 1fr); gap: 16px; padding: 16px; }
.post-preview { background: #eee; padding: 8px; min-height: 120px; }
.post-title { font-size: 24px; margin: 0; }
.hero { display: block; width: 600px; height: 200px; background: #9ab; }
</style></head><body>
<div class="top">A blog</div>
<main>
<img class="hero" alt="" src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7">
<div class="grid">
<div class="post-preview"><h2 class="post-title">One</h2><p>a</p></div>
<div class="post-preview"><h2 class="post-title">Two</h2><p>b</p></div>
<div class="post-preview"><h2 class="post-title">Three</h2><p>c</p></div>
<div class="post-preview"><h2 class="post-title">Four</h2><p>d</p></div>
</div></main>
<div class="bottom" role="contentinfo">Footer</div>
</body></html>
"""


@pytest.mark.browser
def test_a_page_that_is_no_article_gets_its_headings_cards_and_images_named(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj")
    (root / "pages/blog.html").write_text(BLOG)
    first = run_cli("check", "--update", "missing", "--page", "blog", "--breakpoint", "desktop", cwd=root)
    assert first.returncode == 0, first.stdout + first.stderr
    stored = json.loads((root / "baselines/blog/desktop.geometry.json").read_text())
    labels = [(b["name"], b["label"]) for b in stored["landmarks"]]
    assert ("main", "main") in labels and ("footer", "div.bottom") in labels and ("image", "img.hero") in labels
    assert [label for name, label in labels if name == "h2"] == [f"h2.post-title #{i}" for i in range(1, 5)]
    assert [label for name, label in labels if name == "card"] == [f"div.post-preview #{i}" for i in range(1, 5)]
    assert stored["landmark_set"]["defaults"] == 2

    (root / "pages/blog.html").write_text(BLOG.replace(".post-title { font-size: 24px;", ".post-title { font-size: 24px; padding-bottom: 40px;"))
    failed = run_cli("check", "--page", "blog", "--breakpoint", "desktop", cwd=root)
    assert failed.returncode == 1
    assert "h2.post-title #1 height 36 → 76 px (+40)" in failed.stdout, failed.stdout


@pytest.mark.browser
def test_a_changed_landmarks_setting_refreshes_the_snapshots_on_update_missing(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj")
    assert run_cli("check", "--update", "missing", cwd=root).returncode == 0
    snapshot = root / "baselines/home/tablet.geometry.json"
    before = json.loads(snapshot.read_text())
    assert "lede" not in {b["name"] for b in before["landmarks"]}
    pngs = {p.name: p.read_bytes() for p in (root / "baselines/home").glob("*.png")}

    (root / "pages/pages.yaml").write_text("pages:\n  home:\n    landmarks: {lede: 'h1 + p', h1: false}\n")
    again = run_cli("check", "--update", "missing", cwd=root)
    assert again.returncode == 0, again.stdout + again.stderr
    after = json.loads(snapshot.read_text())
    names = {b["name"] for b in after["landmarks"]}
    assert "lede" in names and "h1" not in names
    assert after["landmark_set"]["page"] == [["lede", "h1 + p"], ["h1", False]]
    assert {p.name: p.read_bytes() for p in (root / "baselines/home").glob("*.png")} == pngs  # no image rewritten

    unchanged = snapshot.read_bytes()
    assert run_cli("check", "--update", "missing", cwd=root).returncode == 0
    assert snapshot.read_bytes() == unchanged  # the same setting: nothing to refresh


@pytest.mark.browser
def test_the_committed_snapshots_are_not_rewritten_by_update_missing(tmp_path: Path) -> None:
    root = copy_seed(tmp_path / "seed")
    before = snapshot_tree(root / "baselines/syria-talks")
    done = run_cli("check", "--update", "missing", "--page", "syria-talks", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "wrote" not in done.stdout
    assert snapshot_tree(root / "baselines/syria-talks") == before


def test_the_changes_list_never_calls_a_newly_measured_landmark_added() -> None:
    from harness.inspect.changes import changes

    old = snap(H1, FOOTER, landmarks=LEGACY)
    new = snap(H1, H2, FOOTER)
    assert changes(old, new, lambda box: 0) == []  # the heading was there before; only the old snapshot did not measure it
    assert changes(snap(H1, landmarks=LandmarkSet(2, (("lead", ".lead"),))), new, lambda box: 0) == []
