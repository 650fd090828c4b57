"""Attack: a page stuck in ``for(;;){}``. Once it has hung at one breakpoint, its other
breakpoints fail at once with the same cause instead of costing a timeout each (issue 15,
finding 3); ``--retry-hung`` tries every one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import make_project, run_cli

pytestmark = pytest.mark.browser

SPIN = Path(__file__).parent / "attacks" / "hung" / "spin.html"


def _run(tmp_path: Path, *extra: str) -> dict[str, dict]:
    root = make_project(tmp_path / "proj")
    shutil.copy(SPIN, root / "pages" / "spin.html")
    done = run_cli("check", "--timeout", "3", *extra, cwd=root)
    assert done.returncode == 1, done.stdout + done.stderr
    shots = json.loads((root / ".harness/output/results.json").read_text())["shots"]
    assert {s["status"] for s in shots if s["page"] == "home"} == {"new"}  # the good page beside it is unharmed
    return {s["breakpoint"]: s for s in shots if s["page"] == "spin"}


def test_a_hung_page_costs_one_timeout_not_one_per_breakpoint(tmp_path: Path) -> None:
    spin = _run(tmp_path)
    timed_out = [name for name, shot in spin.items() if "timed out after 3 s" in shot["message"] and not shot["message"].startswith("not rendered")]
    assert len(timed_out) == 1, [s["message"] for s in spin.values()]
    for name, shot in spin.items():
        assert shot["status"] == "error"
        if name != timed_out[0]:
            assert shot["message"].startswith(f"not rendered: the page hung at {timed_out[0]}, so its other breakpoints were not tried (step 'load' timed out"), shot["message"]
            assert shot["seconds"] < 1


def test_retry_hung_tries_every_breakpoint(tmp_path: Path) -> None:
    spin = _run(tmp_path, "--retry-hung")
    assert all("timed out" in s["message"] for s in spin.values()), [s["message"] for s in spin.values()]
