"""One run assembly: ``harness check`` and the pytest plugin, on the same project with the
same options, write the same results.json (passing, failing and new shots alike)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from helpers import TABLET_ONLY_CHANGE, make_project, run_cli

pytestmark = pytest.mark.browser

PAGES_TEST = """
def test_pages(harness_shot):
    harness_shot.assert_matches()
"""

VOLATILE = {"run_id", "created", "seconds", "waits"}


def _comparable(results: dict) -> dict:
    """results.json without what differs between any two runs (ids, clocks, timings)."""
    kept = {k: v for k, v in results.items() if k not in VOLATILE}
    kept["shots"] = [{k: v for k, v in shot.items() if k not in VOLATILE} for shot in results["shots"]]
    return kept


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Baselines for home; then a change at tablet width only, and a second page without baselines."""
    root = make_project(tmp_path_factory.mktemp("door") / "proj")
    done = run_cli("check", "--update", "missing", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    with (root / "pages/home.css").open("a") as css:
        css.write(TABLET_ONLY_CHANGE)
    shutil.copy(root / "pages/home.html", root / "pages/second.html")
    (root / "test_visual.py").write_text(PAGES_TEST)
    return root


def test_the_cli_and_the_plugin_write_the_same_results(project: Path) -> None:
    options = ["--threshold", "0.05", "--timeout", "20", "--allow-origin", "https://cdn.example.com"]
    cli = run_cli("check", *options, "--output-dir", "out-cli", cwd=project)
    assert cli.returncode == 1, cli.stdout + cli.stderr
    twin = [f"--harness-{o[2:]}" if o.startswith("--") else o for o in options]
    plugin = run_cli_pytest(project, *twin, "--harness-output-dir", "out-pytest")
    assert plugin.returncode == 1, plugin.stdout + plugin.stderr

    from_cli = json.loads((project / "out-cli/results.json").read_text())
    from_plugin = json.loads((project / "out-pytest/results.json").read_text())
    statuses = {s["page"] + "/" + s["breakpoint"]: s["status"] for s in from_cli["shots"]}
    assert statuses == {
        "home/phone": "pass", "home/tablet": "fail", "home/desktop": "pass",
        "second/phone": "new", "second/tablet": "new", "second/desktop": "new",
    }
    assert _comparable(from_plugin) == _comparable(from_cli)


def run_cli_pytest(cwd: Path, *args: str):  # type: ignore[no-untyped-def]
    import subprocess

    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "test_visual.py", *args],
        cwd=cwd, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
    )
