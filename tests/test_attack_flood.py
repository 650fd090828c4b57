"""Attack: pages that flood (pushState, replaceState, location.hash from a 1 ms timer; a
postMessage storm). Each render ends within its budget, the flood does
not spill into the good page beside it, and the run ends (issue 15, finding 2)."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from helpers import make_project, run_cli

pytestmark = pytest.mark.browser

FLOODS = Path(__file__).parent / "attacks" / "flood"
TIMEOUT = 5


def test_floods_are_bounded_by_their_steps_and_spare_the_good_page(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj")
    for page in FLOODS.glob("*.html"):
        shutil.copy(page, root / "pages" / page.name)
    t0 = time.monotonic()
    done = run_cli("check", "--timeout", str(TIMEOUT), cwd=root)
    spent = time.monotonic() - t0
    assert done.returncode == 1, done.stdout + done.stderr
    shots = json.loads((root / ".harness/output/results.json").read_text())["shots"]
    floods = [s for s in shots if s["page"] != "home"]
    assert {s["page"] for s in floods} == {p.stem for p in FLOODS.glob("*.html")}
    # a render's steps share a budget (three timeouts, 30 s at least) and one step may end after it;
    # ending a failed page takes a few seconds more
    bound = max(3 * TIMEOUT, 30) + TIMEOUT + 10
    assert all(s["seconds"] <= bound for s in floods), [(s["page"], s["breakpoint"], s["seconds"]) for s in floods]
    assert {s["status"] for s in shots if s["page"] == "home"} == {"new"}
    # one timeout-bound render per flooding page at most, not one per breakpoint: a bound, not a speed test
    assert spent < len(floods) / 3 * bound + 120, spent
