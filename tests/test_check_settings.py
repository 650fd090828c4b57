"""Per-page settings and the stability loop, through `harness check` as users run it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import make_project, run_cli

pytestmark = pytest.mark.browser

FLICKER = """<!doctype html><meta charset=utf-8>
<style>body{margin:0} #box{width:60px;height:40px;margin:30px 0 0 50px;background:#f00}</style>
<p>steady text</p><div id="box"></div>
<script>let n = 0; setInterval(() => { const b = document.getElementById('box'); n += 1;
  b.style.background = `rgb(${n % 256}, ${(n * 7) % 256}, 0)`; }, 23);</script>
"""


def shots(root: Path) -> dict[str, dict]:
    data = json.loads((root / ".harness/output/results.json").read_text())
    return {f"{s['page']}/{s['breakpoint']}": s for s in data["shots"]}


def test_a_page_that_never_holds_still_is_unstable_with_the_moving_part(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    (root / "pages/flicker.html").write_text(FLICKER)
    done = run_cli("check", "--page", "flicker", "--breakpoint", "desktop", "--update", "missing", cwd=root)
    assert done.returncode == 1
    shot = shots(root)["flicker/desktop"]
    assert shot["status"] == "unstable"
    assert "never settled" in shot["message"]
    x, y, w, h = shot["regions"][0]
    assert 50 <= x and x + w <= 110 and y >= 30 and h <= 60  # the box, not the page
    assert not (root / "baselines/flicker").exists()  # an unstable shot is never a baseline
    assert "UNSTABLE flicker @ desktop" in done.stdout


def test_masking_the_moving_part_makes_it_stable(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    (root / "pages/flicker.html").write_text(FLICKER)
    (root / "pages/pages.yaml").write_text("pages:\n  flicker:\n    mask: ['#box']\n")
    done = run_cli("check", "--page", "flicker", "--breakpoint", "desktop", "--update", "missing", cwd=root)
    assert done.returncode == 0, done.stdout
    shot = shots(root)["flicker/desktop"]
    assert any(w.startswith("settled after 2 screenshots") for w in shot["waits"])
    assert any(w.startswith("load ") for w in shot["waits"])


def test_page_limits_and_defaults_from_pages_yaml(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    assert run_cli("check", "--update", "missing", cwd=root).returncode == 0
    with (root / "pages/home.css").open("a") as css:
        css.write("\naside { padding: 9px; }\n")
    assert run_cli("check", "--breakpoint", "tablet", cwd=root).returncode == 1
    (root / "pages/pages.yaml").write_text("defaults:\n  max_diff_pixel_ratio: 0.5\npages:\n  home:\n    max_diff_pixels: 100000\n")
    done = run_cli("check", "--breakpoint", "tablet", cwd=root)
    assert done.returncode == 0, done.stdout
    (root / "pages/pages.yaml").write_text("pages:\n  home:\n    max_diff_pixels: 3\n")
    assert run_cli("check", "--breakpoint", "tablet", cwd=root).returncode == 1


def test_page_threshold_forgives_a_colour_change(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    assert run_cli("check", "--breakpoint", "desktop", "--update", "missing", cwd=root).returncode == 0
    with (root / "pages/home.css").open("a") as css:
        css.write("\naside { background: #ffd8a0; }\n")  # a colour change under threshold 0.3, over 0.1
    assert run_cli("check", "--breakpoint", "desktop", cwd=root).returncode == 1
    (root / "pages/pages.yaml").write_text("pages:\n  home:\n    threshold: 0.3\n")
    assert run_cli("check", "--breakpoint", "desktop", cwd=root).returncode == 0


def test_blocked_requests_and_console_errors_are_recorded(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    (root / "pages/noisy.html").write_text(
        '<!doctype html><p>hi</p><script src="https://tracker.example.net/t.js"></script>'
        "<script>console.error('widget failed'); undefinedFunction();</script>"
    )
    run_cli("check", "--page", "noisy", "--breakpoint", "phone", cwd=root)
    shot = shots(root)["noisy/phone"]
    assert shot["blocked"] == ["https://tracker.example.net/t.js"]
    assert "widget failed" in shot["console_errors"]
    assert any("undefinedFunction" in e for e in shot["console_errors"])
