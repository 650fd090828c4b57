"""Real regressions injected into a copy of the seed page: the explanation names the
element and the change, in the CLI output and in results.json."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helpers import REPO, run_cli

pytestmark = pytest.mark.browser

BREAKPOINTS = ("narrow-browser-and-phone", "medium-wide-browser")  # 375 px and 1440 px
ONLY = [arg for name in BREAKPOINTS for arg in ("--breakpoint", name)]


@pytest.fixture(scope="module")
def approved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed page with fresh baselines (and geometry) at two breakpoints."""
    root = tmp_path_factory.mktemp("seed")
    shutil.copy(REPO / "breakpoints.yaml", root)
    for folder in ("_assets", "syria-talks"):
        shutil.copytree(REPO / "pages" / folder, root / "pages" / folder)
    done = run_cli("check", "--update", "all", *ONLY, cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (root / "baselines/syria-talks/medium-wide-browser.geometry.json").is_file()
    return root


def check_with(approved: Path, tmp_path: Path, css: str) -> tuple[str, dict[str, list[str]]]:
    root = tmp_path / "project"
    shutil.copytree(approved, root, ignore=shutil.ignore_patterns(".harness"))
    with (root / "pages/syria-talks/article.css").open("a") as f:
        f.write("\n" + css + "\n")
    done = run_cli("check", *ONLY, cwd=root)
    assert done.returncode == 1, done.stdout + done.stderr
    shots = json.loads((root / ".harness/output/results.json").read_text())["shots"]
    return done.stdout, {s["breakpoint"]: s["explanations"] for s in shots}


def test_a_headline_moved_4px(approved: Path, tmp_path: Path) -> None:
    out, explained = check_with(approved, tmp_path, ".story__headline { transform: translateY(4px); }")
    for name in BREAKPOINTS:
        assert explained[name] == ["h1.story__headline moved 4 px down"]
    assert "      h1.story__headline moved 4 px down" in out


def test_a_sidebar_that_drops_below_the_article(approved: Path, tmp_path: Path) -> None:
    _, explained = check_with(approved, tmp_path, "@media (min-width: 920px) { .layout { display: block; } }")
    assert explained["narrow-browser-and-phone"] == []  # one column there already: nothing changed
    desktop = explained["medium-wide-browser"]
    assert "aside.related moved from right of article.story to below it (width 300 → 1240 px)" in desktop
    # the page grew below the article: told from the main landmark that grew, with the footer it moved
    assert any(line.startswith("main#main height ") and "footer.site-footer" in line and "(page height +" in line for line in desktop)
    assert not any(line.startswith("h2#related-title") for line in desktop)  # it moved with its sidebar: no line of its own


def test_a_figure_that_shrinks(approved: Path, tmp_path: Path) -> None:
    _, explained = check_with(approved, tmp_path, ".story__lead { width: 600px; }")
    first = explained["medium-wide-browser"][0]
    assert first.startswith("figure.story__lead size 788x574 → 600x")
    assert "below it up" in first and "(page height -" in first


def test_an_element_that_overflows_at_phone_width(approved: Path, tmp_path: Path) -> None:
    _, explained = check_with(approved, tmp_path, "@media (max-width: 639px) { .story__lead { width: 415px; } }")
    assert explained["medium-wide-browser"] == []
    phone = explained["narrow-browser-and-phone"]
    assert "figure.story__lead size 375x359 → 415x" in phone[0]
    assert "now sticks out 40 px past the right edge of the 375 px viewport" in phone[0]
    assert "page width 375 → 415 px (wider than the viewport)" in phone


def test_a_colour_change_is_placed_in_its_landmark(approved: Path, tmp_path: Path) -> None:
    _, explained = check_with(approved, tmp_path, ".story__dateline { color: #c00; }")
    for name in BREAKPOINTS:
        assert len(explained[name]) == 1
        assert explained[name][0].startswith("change inside div.story__body at y=")
        assert explained[name][0].endswith("(text or colour, no box moved)")
