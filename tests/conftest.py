"""Shared fixtures. Helpers that tests import live in ``helpers.py``."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import make_project, run_cli

pytest_plugins = ["pytester"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "proj")


@pytest.fixture(scope="module")
def approved_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny project whose baselines were written by `check --update missing` (once per module)."""
    root = make_project(tmp_path_factory.mktemp("approved") / "proj")
    done = run_cli("check", "--update", "missing", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    return root
