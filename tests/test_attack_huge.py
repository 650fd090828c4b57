"""Attack: a page 20 000 px wide and over 5 000 px tall (over 100 MP). What --update writes, the next run
reads back: the capture is cut to what a baseline may hold, with a note (issue 15,
finding 5)."""

from __future__ import annotations

import json
import shutil
import struct
from pathlib import Path

import pytest
from helpers import make_project, run_cli

from harness.capture.screenshot import capped
from harness.config.values import MAX_PIXELS

WIDE = Path(__file__).parent / "attacks" / "huge" / "wide.html"


@pytest.mark.parametrize(
    ("size", "scale", "expected"),
    [
        ({"width": 1280, "height": 4000}, 1, (1280, 4000)),  # a real page: untouched
        ({"width": 20000, "height": 12080}, 1, (6000, 12080)),  # too wide: the left part
        ({"width": 1280, "height": 50000}, 1, (1280, 20000)),  # too tall: the top part, as before
        ({"width": 6000, "height": 19000}, 1, (6000, 16666)),  # within both caps, but over 100 MP
        ({"width": 1280, "height": 19000}, 4, (1280, 4882)),  # a device scale multiplies the pixels
        ({"width": float("nan"), "height": None}, 1, (1280, 800)),  # an answer of another shape: the viewport
    ],
)
def test_a_capture_never_holds_more_than_a_baseline_may(size: dict, scale: float, expected: tuple[int, int]) -> None:
    area, notes = capped(size, {"width": 1280, "height": 800}, 20000, scale)
    assert (area.width, area.height) == expected
    assert area.width * area.height * scale * scale <= MAX_PIXELS
    assert bool(notes) == (expected != (size.get("width"), size.get("height")) and expected != (1280, 800))


@pytest.mark.browser
def test_what_update_writes_for_a_huge_page_the_next_run_reads_back(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj")
    shutil.copy(WIDE, root / "pages" / "wide.html")
    (root / "pages/pages.yaml").write_text("pages:\n  wide:\n    lint: {overflow: off}\n")  # its overflow is the point here
    first = run_cli("check", "--update", "missing", "--page", "wide", "--breakpoint", "desktop", cwd=root)
    assert first.returncode == 0, first.stdout + first.stderr
    width, height = struct.unpack(">II", (root / "baselines/wide/desktop.png").read_bytes()[16:24])
    assert width * height <= MAX_PIXELS
    again = run_cli("check", "--page", "wide", "--breakpoint", "desktop", cwd=root)
    assert again.returncode == 0, again.stdout + again.stderr
    shot = json.loads((root / ".harness/output/results.json").read_text())["shots"][0]
    assert shot["status"] == "pass"
    assert any(note.startswith("page is 20000 px wide; captured the left 6000 px") for note in shot["notes"]), shot["notes"]
