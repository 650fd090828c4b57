"""The two faces take the same options: every ``harness check`` option but --prune has a
``pytest --harness-*`` twin, and a bad value gets the same message from both."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO, make_project

CLI_ONLY = {"--prune"}  # a whole-run decision a pytest selection cannot promise
FLAG = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*)")


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


def cli_flags() -> set[str]:
    from harness.cli import build_parser

    check = build_parser()._subparsers._group_actions[0].choices["check"]  # type: ignore[union-attr]
    return {s for action in check._actions for s in action.option_strings if s.startswith("--")} - {"--help"}


def pytest_flags(tmp_path: Path) -> set[str]:
    done = _run([sys.executable, "-m", "pytest", "--help", "-p", "no:cacheprovider"], cwd=tmp_path)
    return {flag for flag in FLAG.findall(done.stdout) if flag.startswith("--harness-")}


def test_every_check_option_but_prune_has_a_pytest_twin_and_nothing_more(tmp_path: Path) -> None:
    twins = {f"--harness-{flag[2:]}" for flag in cli_flags() - CLI_ONLY}
    assert pytest_flags(tmp_path) == twins
    assert {"--harness-timeout", "--harness-allow-origin"} <= twins


BAD_VALUES = [
    ("threshold", "2"),
    ("threshold", "abc"),
    ("max-diff-pixels", "-3"),
    ("max-diff-pixel-ratio", "1.5"),
    ("timeout", "0"),
    ("allow-origin", "cdn.example.com"),
    ("shard", "3/2"),
    ("browser-endpoint", "http://127.0.0.1:3000/"),
    ("update", "everything"),
]


@pytest.mark.parametrize(("name", "value"), BAD_VALUES, ids=[f"{n}={v}" for n, v in BAD_VALUES])
def test_a_bad_value_gets_the_same_message_from_both_faces(tmp_path: Path, name: str, value: str) -> None:
    make_project(tmp_path)
    cli = _run([sys.executable, "-m", "harness", "check", f"--{name}", value], cwd=tmp_path)
    under_pytest = _run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", f"--harness-{name}", value], cwd=tmp_path)
    assert cli.returncode == 2 and under_pytest.returncode == 4
    said = re.search(rf"argument --{name}: (.*?); see 'harness check --help'", cli.stderr)
    assert said, cli.stderr
    assert f"argument --harness-{name}: {said.group(1)}" in under_pytest.stderr, under_pytest.stderr


def test_the_plugin_is_thin_it_reads_options_through_the_run_assembly() -> None:
    """No face builds its own run: the session and the command both go through RunOptions."""
    session = (REPO / "harness/pytest/session.py").read_text()
    check = (REPO / "harness/commands/check.py").read_text()
    for face in (session, check):
        assert "RunOptions.read(" in face
        assert "CheckOptions(" not in face and "Engine(" not in face
