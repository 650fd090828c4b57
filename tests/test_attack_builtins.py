"""Attack: pages that replace built-ins the harness's in-page scripts use. Each such
page's shots end as errors that say what happened; the run goes on, the good page is
judged, and results.json holds every shot (issue 15, finding 1)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import make_project, run_cli

pytestmark = pytest.mark.browser

ATTACKS = Path(__file__).parent / "attacks" / "builtins"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, dict]:
    root = make_project(tmp_path_factory.mktemp("builtins") / "proj")
    for page in ATTACKS.glob("*.html"):
        shutil.copy(page, root / "pages" / page.name)
    done = run_cli("check", "--update", "missing", "--breakpoint", "phone", "--timeout", "10", cwd=root)
    return done, json.loads((root / ".harness/output/results.json").read_text())


def test_the_run_goes_on_and_writes_every_shot(run: tuple) -> None:
    done, results = run
    assert done.returncode == 1, done.stdout + done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    pages = {s["page"]: s for s in results["shots"]}
    assert set(pages) == {"home", *(p.stem for p in ATTACKS.glob("*.html"))}
    assert pages["home"]["status"] == "new" and pages["home"]["updated"]


@pytest.mark.parametrize("page", sorted(p.stem for p in ATTACKS.glob("*.html")))
def test_a_page_that_replaces_a_builtin_is_its_own_error_or_still_judged(run: tuple, page: str) -> None:
    _, results = run
    shot = next(s for s in results["shots"] if s["page"] == page)
    if shot["status"] == "error":  # what broke is said, in one line
        assert "\n" not in shot["message"] and "internal error" not in shot["message"], shot["message"]
    else:  # the harness's scripts were not fooled: the shot was taken and judged
        assert shot["status"] == "new" and shot["updated"]
