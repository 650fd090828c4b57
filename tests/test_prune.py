"""`harness check --prune`: unused baselines are listed always, deleted only when asked
after a whole run in which every shot got a screenshot."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import make_project, run_cli, snapshot_tree

from harness.store.baselines import MANIFEST, BaselineStore

pytestmark = pytest.mark.browser

UNUSED = ["gone/tablet", "home/watch", "old-page/phone"]
PNG = b"\x89PNG\r\n\x1a\n" + b"x" * 32


@pytest.fixture(scope="module")
def approved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Baselines for home at its three breakpoints, plus unused ones and one of a custom test."""
    root = make_project(tmp_path_factory.mktemp("prune") / "proj")
    assert run_cli("check", "--update", "missing", cwd=root).returncode == 0
    store = BaselineStore(root / "baselines")
    store.queue("home", "watch", PNG, {})  # a breakpoint that no longer exists
    store.queue("old-page", "phone", PNG, {})  # a page that no longer exists
    store.queue("home-menu-open", "phone", PNG, {"kind": "test"})  # the plugin's own visual test
    store.queue("gone", "tablet", PNG, {})
    store.flush()
    (root / "baselines/gone/tablet.png").unlink()  # an entry whose file is already gone
    shutil.rmtree(root / ".harness")
    return root


@pytest.fixture
def project(approved: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(approved, tmp_path / "proj"))


def test_without_the_flag_the_unused_baselines_are_named_with_the_command_to_prune(project: Path) -> None:
    before = snapshot_tree(project / "baselines")
    done = run_cli("check", cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"3 baselines are not used by any page at any breakpoint: {', '.join(UNUSED)}; delete them with: harness check --prune" in done.stdout
    assert snapshot_tree(project / "baselines") == before


def test_a_partial_run_refuses_to_prune_and_says_what_to_run(project: Path) -> None:
    before = snapshot_tree(project / "baselines")
    for args in (("--page", "home"), ("--breakpoint", "phone")):
        done = run_cli("check", "--prune", *args, cwd=project)
        assert done.returncode == 2
        assert done.stderr.strip().splitlines() == [
            "harness: error: --prune needs the whole run to tell which baselines are unused; "
            "run 'harness check --prune' without --page/--breakpoint"
        ]
    assert snapshot_tree(project / "baselines") == before


def test_a_run_with_an_error_refuses_to_prune(project: Path) -> None:
    (project / "pages/pages.yaml").write_text("pages:\n  down:\n    url: http://127.0.0.1:9/\n")
    before = snapshot_tree(project / "baselines")
    done = run_cli("check", "--prune", cwd=project)
    assert done.returncode == 1
    assert "not pruning: down/phone, down/tablet, down/desktop did not get a screenshot; fix them, then run 'harness check --prune' again" in done.stdout
    assert snapshot_tree(project / "baselines") == before


def test_a_whole_clean_run_prunes_files_and_manifest_entries_together(project: Path) -> None:
    done = run_cli("check", "--prune", cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"pruned 3 unused baselines: {', '.join(UNUSED)}" in done.stdout
    baselines = project / "baselines"
    entries = json.loads((baselines / MANIFEST).read_text())["baselines"]
    assert sorted(entries) == ["home-menu-open/phone", "home/desktop", "home/phone", "home/tablet"]
    assert sorted(p.relative_to(baselines).as_posix() for p in baselines.rglob("*.png")) == [
        "home-menu-open/phone.png", "home/desktop.png", "home/phone.png", "home/tablet.png"
    ]
    assert not (baselines / "old-page").exists()
    again = run_cli("check", cwd=project)
    assert again.returncode == 0 and "not used" not in again.stdout
