"""Scaling out in a real Chromium: shards of a run merged back into one, and rendering on a
Playwright browser server (``playwright run-server``) started on loopback."""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import make_project, run_cli

pytestmark = pytest.mark.browser

TABLET_ONLY_CHANGE = "\n@media (min-width: 640px) and (max-width: 1023px) { h1 { margin-top: 3px; } }\n"


@pytest.fixture(scope="module")
def approved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two pages × three breakpoints, approved, then changed so that the tablet shots fail."""
    root = make_project(tmp_path_factory.mktemp("scale") / "proj")
    shutil.copy(root / "pages/home.html", root / "pages/about.html")
    done = run_cli("check", "--update", "missing", "--browser", chromium(), cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    with (root / "pages/home.css").open("a") as css:
        css.write(TABLET_ONLY_CHANGE)
    whole = run_cli("check", "--browser", chromium(), "--output-dir", "out/whole", cwd=root)
    assert whole.returncode == 1, whole.stdout + whole.stderr
    return root


def statuses(output: Path) -> dict[str, str]:
    data = json.loads((output / "results.json").read_text())
    return {f"{s['page']}/{s['breakpoint']}": s["status"] for s in data["shots"]}


def test_shards_are_disjoint_their_union_is_the_run_and_merge_gives_the_same_verdicts(approved: Path, tmp_path: Path) -> None:
    approved = Path(shutil.copytree(approved, tmp_path / "proj"))  # this test approves a shot
    expected = statuses(approved / "out/whole")  # the run in one piece
    assert sorted(expected.values()) == ["fail", "fail", "pass", "pass", "pass", "pass"]

    parts = []
    for i in (1, 2, 3):
        done = run_cli("check", "--shard", f"{i}/3", "--output-dir", f"out/shard-{i}", cwd=approved)
        assert done.returncode in (0, 1), done.stderr
        assert f"shard {i}/3: 2 of 6 shots" in done.stdout
        parts.append(statuses(approved / f"out/shard-{i}"))
    ids = [shot for part in parts for shot in part]
    assert len(ids) == len(set(ids)) == 6  # disjoint, and two shots each
    assert set(ids) == set(expected)  # the union is the whole matrix

    merged = run_cli("merge", "out/shard-3", "out/shard-1", "out/shard-2", "-o", "out/merged", "--junit", "out/j.xml", cwd=approved)
    assert merged.returncode == 1, merged.stderr
    assert statuses(approved / "out/merged") == expected
    assert "6 shots: 4 passed, 2 failed" in merged.stdout
    assert (approved / "out/j.xml").read_text().count("<testcase") == 6
    report_images_exist(approved / "out/merged/report")

    shutil.rmtree(approved / "out/shard-1")  # the merge stands on its own
    assert run_cli("approve", "--output-dir", "out/merged", "home/tablet", cwd=approved).returncode == 0


def report_images_exist(report: Path) -> None:
    html = (report / "index.html").read_text()
    data = json.loads(re.search(r'<script type="application/json" id="report-data">(.*?)</script>', html, re.S).group(1))
    images = [src for shot in data["shots"] for src in shot["images"].values() if src]
    images += [shot["thumb"]["src"] for shot in data["shots"] if shot["thumb"]]
    failing = [shot for shot in data["shots"] if shot["status"] == "fail"]
    assert failing and all(all(shot["images"].values()) for shot in failing)  # baseline, actual and diff
    assert len(images) > len(data["shots"])
    for src in images:
        assert (report / src).is_file(), src


# -- a browser server on loopback ------------------------------------------------------------


FIND_CHROMIUM = """
from playwright.sync_api import sync_playwright
from harness.capture.browser import candidates, playwright_executable_path
with sync_playwright() as pw:
    own = playwright_executable_path(pw)
print(own or next(c.executable for c in candidates() if c.executable))
"""


@functools.cache
def chromium() -> str:
    """The executable both sides use: Playwright's own if installed, else the system's.
    Asked in a child process: this one may hold pytest-playwright's running event loop,
    in which a second sync Playwright cannot start."""
    found = subprocess.run([sys.executable, "-c", FIND_CHROMIUM], capture_output=True, text=True, timeout=120)
    assert found.returncode == 0, found.stderr
    return found.stdout.strip()


@pytest.fixture(scope="module")
def browser_server() -> Iterator[str]:
    """``playwright run-server`` on 127.0.0.1 and a free port; ``--unsafe`` lets clients
    choose the executable and flags (the harness's determinism flags)."""
    server = subprocess.Popen(
        [sys.executable, "-m", "playwright", "run-server", "--host", "127.0.0.1", "--port", "0", "--unsafe"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,  # its own process group: the node driver goes with it
    )
    try:
        line = server.stdout.readline()  # "Listening on ws://127.0.0.1:PORT/"
        match = re.search(r"ws://\S+", line)
        assert match, f"playwright run-server did not start: {line!r}"
        yield match.group(0)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_check_renders_on_a_browser_server_and_says_so(approved: Path, browser_server: str) -> None:
    done = run_cli("check", "--browser-endpoint", browser_server, "--browser", chromium(), "--output-dir", "out/remote", cwd=approved)
    assert done.returncode == 1, done.stderr
    assert re.search(rf"^browser: Chromium [\d.]+ via {re.escape(browser_server)}$", done.stdout, re.M), done.stdout
    assert statuses(approved / "out/remote") == statuses(approved / "out/whole")  # the same pixels as a local launch
    data = json.loads((approved / "out/remote/results.json").read_text())
    assert data["browser"]["description"].endswith(f"via {browser_server}")


def test_an_unreachable_browser_server_is_one_line_and_exit_2(project: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    done = run_cli("check", "--browser-endpoint", f"ws://127.0.0.1:{port}/", cwd=project)
    assert done.returncode == 2
    assert done.stderr.startswith(f"harness: error: could not use the browser server at ws://127.0.0.1:{port}/: ")
    assert f"cannot reach 127.0.0.1:{port} (Connection refused)" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr and not (project / ".harness/output/results.json").exists()
    bad = run_cli("check", "--browser-endpoint", "http://127.0.0.1:3000/", cwd=project)
    assert bad.returncode == 2 and "must be the ws:// or wss:// address" in bad.stderr


PAGES_TEST = """
def test_pages(harness_shot):
    harness_shot.assert_matches()
"""


def test_plugin_shards_one_on_a_browser_server_merge_into_the_whole_run(pytester: pytest.Pytester, browser_server: str) -> None:
    make_project(pytester.path)
    pytester.makepyfile(test_visual=PAGES_TEST)
    common = ("-p", "no:cacheprovider", f"--harness-browser={chromium()}")
    first = pytester.runpytest_subprocess(*common, "--harness-shard=1/2", "--harness-output-dir=s1", timeout=180)
    first.assert_outcomes(failed=2)  # new
    second = pytester.runpytest_subprocess(
        *common, "--harness-shard=2/2", "--harness-output-dir=s2", f"--harness-browser-endpoint={browser_server}", timeout=180
    )
    second.assert_outcomes(failed=1)
    second.stdout.fnmatch_lines([f"harness: browser: Chromium * via {browser_server}"])
    done = run_cli("merge", "s1", "s2", "-o", "merged", cwd=pytester.path)
    assert done.returncode == 1, done.stderr
    assert sorted(statuses(pytester.path / "merged")) == ["home/desktop", "home/phone", "home/tablet"]
    refused = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--harness-shard=3/2", timeout=60)
    assert refused.ret == pytest.ExitCode.USAGE_ERROR
    refused.stderr.fnmatch_lines(["*--harness-shard: 3/2: I must be between 1 and N*"])
