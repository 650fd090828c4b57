"""The acceptance story on the real seed page: a 3 px headline margin is caught where it
applies, and `harness approve` makes the next check pass."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import copy_seed, run_cli, snapshot_tree

from harness.config.breakpoints import load_breakpoints

pytestmark = pytest.mark.browser

# Only the landscape-tablet range (920-1280 px) gets 3 px more margin under the headline (12 -> 15 px).
# (A margin-top would collapse into the section label's larger bottom margin and change nothing.)
CHANGE = "\n@media (min-width: 920px) and (max-width: 1280px) { .story__headline { margin-bottom: 15px; } }\n"


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    return copy_seed(tmp_path / "site")


def test_a_headline_margin_fails_exactly_where_it_applies_and_approve_accepts_it(seed_copy: Path) -> None:
    with (seed_copy / "pages/syria-talks/article.css").open("a") as css:
        css.write(CHANGE)
    affected = {bp.name for bp in load_breakpoints(seed_copy / "breakpoints.yaml") if 920 <= bp.viewport.width <= 1280}
    assert affected == {"landscape-tablet", "medium-browser-and-landscape-tablet", "above-portrait-tablet"}
    before = snapshot_tree(seed_copy / "baselines")

    check = run_cli("check", cwd=seed_copy)
    assert check.returncode == 1, check.stdout + check.stderr
    shots = json.loads((seed_copy / ".harness/output/results.json").read_text())["shots"]
    assert len(shots) == 14
    assert {s["breakpoint"] for s in shots if s["status"] == "fail"} == affected
    assert {s["status"] for s in shots if s["breakpoint"] not in affected} == {"pass"}
    assert snapshot_tree(seed_copy / "baselines") == before

    approve = run_cli("approve", cwd=seed_copy)
    assert approve.returncode == 0
    assert len(approve.stdout.strip().splitlines()) == 3

    only = [arg for name in sorted(affected | {"narrow-browser-and-phone"}) for arg in ("--breakpoint", name)]
    again = run_cli("check", *only, cwd=seed_copy)
    assert again.returncode == 0, again.stdout
    assert "4 shots: 4 passed" in again.stdout
