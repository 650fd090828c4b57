"""`harness check` and `harness approve` as a user runs them: exit codes, output, files."""

from __future__ import annotations

import json
import re
import shutil
import socket
from pathlib import Path

import pytest
from helpers import REPO, TABLET_ONLY_CHANGE, run_cli, snapshot_tree

pytestmark = pytest.mark.browser


@pytest.fixture
def baselined(approved_project: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "proj"
    shutil.copytree(approved_project, copy, ignore=shutil.ignore_patterns(".harness"))
    return copy


def results(root: Path) -> dict[str, dict]:
    data = json.loads((root / ".harness/output/results.json").read_text())
    return {s["breakpoint"]: s for s in data["shots"]}


def test_new_shots_fail_keep_the_actual_and_write_no_baseline(project: Path) -> None:
    done = run_cli("check", cwd=project)
    assert done.returncode == 1
    assert done.stdout.count("NEW ") == 3
    assert not (project / "baselines").exists()
    shots = results(project)
    assert {s["status"] for s in shots.values()} == {"new"}
    for shot in shots.values():
        assert (project / ".harness/output" / shot["actual"]).is_file()
    assert "harness approve" in done.stdout


def test_update_missing_writes_baselines_and_the_next_check_passes(project: Path) -> None:
    first = run_cli("check", "--update", "missing", cwd=project)
    assert first.returncode == 0, first.stdout
    assert "wrote 3 baselines" in first.stdout
    assert sorted(p.name for p in (project / "baselines/home").iterdir()) == [
        f"{bp}.{kind}" for bp in ("desktop", "phone", "tablet") for kind in ("geometry.json", "png")
    ]
    geometry = json.loads((project / "baselines/home/phone.geometry.json").read_text())
    assert {b["name"] for b in geometry["landmarks"]} >= {"header", "nav", "h1", "aside"}
    manifest = json.loads((project / "baselines/manifest.json").read_text())["baselines"]
    assert manifest["home/phone"]["viewport"] == {"width": 360, "height": 640}
    assert manifest["home/phone"]["browser"]["name"] == "chromium"
    again = run_cli("check", cwd=project)
    assert again.returncode == 0, again.stdout
    assert "3 shots: 3 passed" in again.stdout


def test_a_css_change_fails_where_it_applies_and_touches_no_baseline(baselined: Path) -> None:
    before = snapshot_tree(baselined / "baselines")
    with (baselined / "pages/home.css").open("a") as css:
        css.write(TABLET_ONLY_CHANGE)
    done = run_cli("check", cwd=baselined)
    assert done.returncode == 1
    shots = results(baselined)
    assert {bp: s["status"] for bp, s in shots.items()} == {"phone": "pass", "tablet": "fail", "desktop": "pass"}
    tablet = shots["tablet"]
    assert tablet["mismatched"] > 0 and tablet["regions"]
    assert (baselined / ".harness/output" / tablet["diff"]).is_file()
    assert "FAIL  home @ tablet (800x600)" in done.stdout
    assert "diff: " in done.stdout
    assert snapshot_tree(baselined / "baselines") == before


def test_approve_accepts_the_change_and_the_next_check_passes(baselined: Path) -> None:
    with (baselined / "pages/home.css").open("a") as css:
        css.write(TABLET_ONLY_CHANGE)
    assert run_cli("check", cwd=baselined).returncode == 1
    old = (baselined / "baselines/home/tablet.png").read_bytes()
    approved = run_cli("approve", cwd=baselined)
    assert approved.returncode == 0
    assert approved.stdout.strip() == "approved home/tablet (baseline replaced)"
    assert (baselined / "baselines/home/tablet.png").read_bytes() != old
    assert run_cli("check", cwd=baselined).returncode == 0


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ((), {"phone", "tablet", "desktop"}),
        (("home",), {"phone", "tablet", "desktop"}),
        (("home/tablet",), {"tablet"}),
        (("home/tablet", "home/phone"), {"tablet", "phone"}),
    ],
)
def test_approve_all_one_page_or_one_shot(project: Path, names: tuple[str, ...], expected: set[str]) -> None:
    assert run_cli("check", cwd=project).returncode == 1
    done = run_cli("approve", *names, cwd=project)
    assert done.returncode == 0, done.stderr
    written = {p.stem for p in (project / "baselines/home").glob("*.png")}
    assert written == expected
    manifest = json.loads((project / "baselines/manifest.json").read_text())["baselines"]
    assert set(manifest) == {f"home/{bp}" for bp in expected}


def test_approve_refuses_an_actual_image_changed_after_the_run(project: Path) -> None:
    assert run_cli("check", cwd=project).returncode == 1
    actual = project / ".harness/output" / results(project)["phone"]["actual"]
    actual.write_bytes(actual.read_bytes() + b"tampered")
    done = run_cli("approve", "home/phone", cwd=project)
    assert done.returncode == 2
    assert "changed since the run recorded it" in done.stderr
    assert not (project / "baselines/home/phone.png").exists()


def test_update_all_replaces_failing_baselines(baselined: Path) -> None:
    with (baselined / "pages/home.css").open("a") as css:
        css.write(TABLET_ONLY_CHANGE)
    old = snapshot_tree(baselined / "baselines")
    done = run_cli("check", "--update", "all", cwd=baselined)
    assert done.returncode == 0, done.stdout
    new = snapshot_tree(baselined / "baselines")
    changed = {k for k in old if k.endswith(".png") and old[k] != new[k]}
    assert changed == {"home/tablet.png"}
    assert run_cli("check", cwd=baselined).returncode == 0


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_page_is_an_error_shot_and_the_rest_are_still_checked(baselined: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/"
    (baselined / "pages/pages.yaml").write_text(f"pages:\n  gone:\n    url: {url}\n")
    done = run_cli("check", "--timeout", "10", cwd=baselined)
    assert done.returncode == 1
    data = json.loads((baselined / ".harness/output/results.json").read_text())
    statuses = {(s["page"], s["breakpoint"]): s["status"] for s in data["shots"]}
    assert statuses[("home", "tablet")] == "pass"
    assert {statuses[("gone", bp)] for bp in ("phone", "tablet", "desktop")} == {"error"}
    assert "ERROR gone @ phone" in done.stdout
    assert f"{url}: nothing answers there (connection refused); start the server or fix the url" in done.stdout


def test_requests_to_other_origins_are_blocked_and_listed(project: Path) -> None:
    page = project / "pages/home.html"
    page.write_text(page.read_text().replace("</body>", '<img src="https://ads.example.com/pixel.gif" alt=""></body>'))
    done = run_cli("check", "--breakpoint", "phone", cwd=project)
    assert done.returncode == 1  # new
    assert results(project)["phone"]["blocked"] == ["https://ads.example.com/pixel.gif"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("check", "--page", "hom"), "did you mean 'home'?"),
        (("check", "--breakpoint", "tablett"), "did you mean 'tablet'?"),
        (("check", "--update", "some"), "invalid choice: 'some'"),
        (("approve", "home/phon"), "did you mean 'home/phone'?"),
        (("check", "--timeout", "nan"), "argument --timeout: must be a number of seconds above 0"),
        (("check", "--timeout", "0"), "argument --timeout: must be a number of seconds above 0"),
        (("check", "--allow-origin", "cdn.example.com"), "must be an origin like https://cdn.example.com"),
        (("review", "--port", "99999"), "must be a port number from 0 to 65535"),
    ],
)
def test_usage_errors_are_one_line_with_exit_2(project: Path, args: tuple[str, ...], message: str) -> None:
    if args[0] == "approve":
        run_cli("check", cwd=project)
    done = run_cli(*args, cwd=project)
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr + done.stdout


def test_a_broken_breakpoints_file_is_one_line_naming_file_and_line(baselined: Path) -> None:
    before = snapshot_tree(baselined / "baselines")
    (baselined / "breakpoints.yaml").write_text("breakpoints:\n  phone:\n    min_width: 0\n    max_widht: 639\n")
    done = run_cli("check", cwd=baselined)
    assert done.returncode == 2
    assert done.stderr.startswith("harness: error: ")
    assert "breakpoints.yaml:4:" in done.stderr and "did you mean 'max_width'?" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert snapshot_tree(baselined / "baselines") == before


def test_approve_without_a_run_says_to_run_check(project: Path) -> None:
    done = run_cli("approve", cwd=project)
    assert done.returncode == 2
    assert "run 'harness check' first" in done.stderr


def test_the_browser_used_is_named(baselined: Path) -> None:
    done = run_cli("check", "--breakpoint", "phone", cwd=(baselined / "pages"))  # from a subfolder: the project is found above
    first, second = done.stdout.splitlines()[:2]
    assert first == f"project: {baselined.resolve()} (pages/, breakpoints.yaml, baselines/)"
    assert second.startswith("browser: Chromium ")
    data = json.loads((baselined / ".harness/output/results.json").read_text())
    assert data["browser"]["name"] == "chromium" and data["browser"]["version"]


def test_a_browser_path_that_does_not_exist_is_a_clear_error(project: Path) -> None:
    done = run_cli("check", "--browser", "/nonexistent/chrome", cwd=project)
    assert done.returncode == 2
    assert "browser '/nonexistent/chrome' not found" in done.stderr


NO_BROWSER_SCRIPT = """
import shutil, sys
import harness.capture.browser as browser
browser.SYSTEM_CANDIDATES = ()
shutil.which = lambda *args, **kwargs: None
from harness.cli import main
sys.exit(main(["check"]))
"""


def test_with_no_chromium_anywhere_it_says_what_to_install(project: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    env = {"PLAYWRIGHT_BROWSERS_PATH": str(tmp_path / "no-browsers"), "PATH": "/nonexistent"}
    done = subprocess.run(
        [sys.executable, "-c", NO_BROWSER_SCRIPT],
        cwd=project,
        env={**__import__("os").environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "harness: error: no Chromium found; install one with 'python -m playwright install chromium' "
        "or 'sudo apt-get install chromium' (Debian/Ubuntu), or pass --browser PATH"
    )


def test_progress_is_shown_on_a_terminal_and_not_in_logs(baselined: Path) -> None:
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    done = subprocess.run(
        [sys.executable, "-m", "harness", "check"],
        cwd=baselined,
        stdout=subprocess.PIPE,
        stderr=follower,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert done.returncode == 0
    assert re.search(rb"\[\d/3\] home at 360 px", seen), seen
    assert b"\r" not in done.stdout  # the log stays clean


def test_check_writes_the_report_junit_and_summary(project: Path, tmp_path: Path) -> None:
    from xml.etree import ElementTree as ET

    junit, summary = tmp_path / "ci/junit.xml", tmp_path / "ci/summary.md"
    done = run_cli("check", "--junit", str(junit), "--summary", str(summary), cwd=project)
    assert done.returncode == 1
    assert (project / ".harness/output/report/index.html").is_file()
    assert "report: .harness/output/report/index.html" in done.stdout
    suite = ET.parse(junit).getroot()
    assert [c.get("name") for c in suite.iter("testcase")] == ["phone", "tablet", "desktop"]
    assert suite.get("failures") == "3"
    assert summary.read_text().count("| `home/") == 3


def test_the_step_summary_goes_to_github_when_set(project: Path, tmp_path: Path) -> None:
    step = tmp_path / "step.md"
    run_cli("check", "--breakpoint", "phone", cwd=project, env={"GITHUB_STEP_SUMMARY": str(step)})
    assert "`home/phone`" in step.read_text()


def approved_with(root: Path, version: str) -> None:
    """Make the manifest say its baselines came from another Chromium build."""
    manifest = root / "baselines/manifest.json"
    data = json.loads(manifest.read_text())
    for entry in data["baselines"].values():
        entry["browser"]["version"] = version
    manifest.write_text(json.dumps(data))


def test_a_different_chromium_build_is_pointed_out_when_shots_fail(baselined: Path) -> None:
    approved_with(baselined, "1.0.0.0")
    with (baselined / "pages/home.css").open("a") as css:
        css.write(TABLET_ONLY_CHANGE)
    done = run_cli("check", "--breakpoint", "tablet", cwd=baselined)
    assert done.returncode == 1
    assert "note: the baselines were approved with Chromium 1.0.0.0, this run used " in done.stdout


def test_a_different_chromium_build_is_said_once_even_when_every_shot_passes(baselined: Path) -> None:
    approved_with(baselined, "1.0.0.0")
    done = run_cli("check", cwd=baselined)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("note: the baselines were approved with Chromium 1.0.0.0, this run used ") == 1
    assert "they match today" in done.stdout


def test_shots_are_listed_in_width_order_whatever_order_they_render_in(baselined: Path) -> None:
    with (baselined / "pages/home.css").open("a") as css:
        css.write("\nh1 { letter-spacing: 1px; }\n")  # every breakpoint fails; the 360 px phone renders last (its own device)
    done = run_cli("check", cwd=baselined)
    assert done.returncode == 1
    heads = [line.split(" (")[0] for line in done.stdout.splitlines() if line.startswith("FAIL")]
    assert heads == ["FAIL  home @ phone", "FAIL  home @ tablet", "FAIL  home @ desktop"]


def test_check_with_another_pages_folder_from_this_project_s_root_runs(tmp_path: Path) -> None:
    """The project's specs.yaml names its own five pages; another folder's pages are checked
    against the project's breakpoints, with one warning and nothing written to baselines/."""
    other = tmp_path / "other"
    other.mkdir()
    (other / "solo.html").write_text(
        "<!doctype html><meta name=viewport content='width=device-width'>"
        "<header style='background:#234;color:#fff;padding:40px'><h1>Solo</h1></header><main>" + "<p>Some text of the page.</p>" * 20 + "</main>"
    )
    before = snapshot_tree(REPO / "baselines")
    done = run_cli("check", "--pages-dir", str(other), "--output-dir", str(tmp_path / "out"), "--breakpoint", "landscape-tablet", cwd=REPO)
    assert done.returncode == 1, done.stdout + done.stderr  # a new shot, not a configuration error
    assert "unknown page" not in done.stderr and done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[0] == f"project: {REPO} ({other.resolve()}/, breakpoints.yaml, baselines/)"
    warnings = [line for line in lines if line.startswith("warning: ")]
    assert len(warnings) == 1 and "specs.yaml: rules for pages that are not in" in warnings[0] and "syria-talks (line " in warnings[0]
    assert "NEW   solo @ landscape-tablet (1024x768)" in done.stdout
    assert "not used by any page" not in done.stdout  # the project's own baselines are not this folder's to call unused
    assert snapshot_tree(REPO / "baselines") == before
    refused = run_cli("check", "--pages-dir", str(other), "--output-dir", str(tmp_path / "out"), "--prune", cwd=REPO)
    assert refused.returncode == 2 and "would delete the baselines of the project's own pages/" in refused.stderr


def test_a_second_run_on_the_same_output_folder_stops_at_once(project: Path) -> None:
    from harness.store.baselines import output_lock

    with output_lock(project / ".harness/output"):
        done = run_cli("check", cwd=project)
    assert done.returncode == 2
    assert "another harness run is using this output folder" in done.stderr


def test_a_read_only_baselines_folder_keeps_the_results_and_says_why(project: Path) -> None:
    import os

    (project / "baselines").mkdir()
    (project / "baselines/.lock").mkdir()  # cannot be opened as the lock file, even as root
    done = run_cli("check", "--breakpoint", "phone", "--update", "missing", cwd=project)
    assert done.returncode == 2
    assert "cannot write baselines here" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    shot = results(project)["phone"]
    assert shot["updated"] is False and "the baseline was NOT written" in shot["message"]
    assert not (project / "baselines/home").exists()
    assert os.path.exists(project / ".harness/output/results.json")
