"""The pytest plugin, from the outside: pytester runs pytest in a fresh project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import make_project

pytestmark = pytest.mark.browser

PAGES_TEST = """
def test_pages(harness_shot):
    harness_shot.assert_matches()
"""

MENU_TEST = """
import pytest

@pytest.mark.harness_breakpoints("phone")
def test_menu_opens_on_a_phone(page, harness):
    harness.goto("home")
    assert page.viewport_size == {"width": 360, "height": 640}
    page.click("#menu")
    harness.assert_matches("home-menu-open")


def test_every_breakpoint_gets_its_viewport(page, harness, harness_breakpoint):
    harness.goto("home")
    assert page.viewport_size["width"] == harness_breakpoint.viewport.width
"""


@pytest.fixture
def tester(pytester: pytest.Pytester) -> pytest.Pytester:
    make_project(pytester.path)
    pytester.makepyfile(test_visual=PAGES_TEST)
    return pytester


def run(tester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return tester.runpytest_subprocess("-p", "no:cacheprovider", *args, timeout=180)


def test_one_test_per_page_and_breakpoint_with_readable_ids(tester: pytest.Pytester) -> None:
    result = run(tester, "--collect-only", "-q")
    ids = [line for line in result.outlines if "::" in line]
    assert ids == [
        "test_visual.py::test_pages[home-phone]",
        "test_visual.py::test_pages[home-tablet]",
        "test_visual.py::test_pages[home-desktop]",
    ]


def test_new_shots_fail_then_update_writes_them_then_they_pass(tester: pytest.Pytester) -> None:
    first = run(tester)
    first.assert_outcomes(failed=3)
    first.stdout.fnmatch_lines(["*home/phone new: no baseline yet*", "harness: 3 shots: 3 new*"])
    assert not (tester.path / "baselines").exists()

    run(tester, "--harness-update=missing").assert_outcomes(passed=3)
    assert (tester.path / "baselines/home/tablet.png").is_file()
    run(tester).assert_outcomes(passed=3)


def test_a_change_fails_with_the_diff_path_and_writes_the_same_results_as_the_cli(tester: pytest.Pytester) -> None:
    run(tester, "--harness-update=missing").assert_outcomes(passed=3)
    with (tester.path / "pages/home.css").open("a") as css:
        css.write("\n@media (min-width: 1024px) { aside { padding: 20px; } }\n")
    result = run(tester)
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*home/desktop fail: * px differ*", "*diff: .harness/output/shots/home/desktop.diff.png*"])
    data = json.loads((tester.path / ".harness/output/results.json").read_text())
    assert data["format"] == 1 and data["browser"]["name"] == "chromium"
    assert {s["breakpoint"]: s["status"] for s in data["shots"]} == {"phone": "pass", "tablet": "pass", "desktop": "fail"}


def test_custom_tests_on_pytest_playwrights_page(tester: pytest.Pytester) -> None:
    tester.makepyfile(test_menu=MENU_TEST)
    first = run(tester, "test_menu.py")
    first.assert_outcomes(passed=3, failed=1)
    first.stdout.fnmatch_lines(["*home-menu-open/phone new*"])
    run(tester, "test_menu.py", "--harness-update=missing").assert_outcomes(passed=4)
    assert (tester.path / "baselines/home-menu-open/phone.png").is_file()
    assert (tester.path / "baselines/home-menu-open/phone.geometry.json").is_file()  # the probe ran on that page too
    run(tester, "test_menu.py").assert_outcomes(passed=4)


def test_options_filter_the_plan(tester: pytest.Pytester) -> None:
    result = run(tester, "--collect-only", "-q", "--harness-breakpoint=tablet")
    assert [line for line in result.outlines if "::" in line] == ["test_visual.py::test_pages[home-tablet]"]


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        ("breakpoints.yaml", (), "*breakpoints.yaml:2: breakpoints.phone: missing required key 'viewport'*"),
        (None, ("--harness-breakpoint=tablett",), "*did you mean 'tablet'?*"),
        (None, ("--harness-threshold=2",), "*--harness-threshold: must be a number from 0 to 1, got '2'*"),
    ],
)
def test_configuration_errors_stop_the_run_with_one_line(
    tester: pytest.Pytester, setup: str | None, args: tuple[str, ...], message: str
) -> None:
    if setup:
        (tester.path / setup).write_text("breakpoints:\n  phone:\n    min_width: 0\n")
    result = run(tester, *args)
    assert result.ret in (pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.INTERRUPTED)
    result.stderr.fnmatch_lines([message])
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


def test_the_plugin_is_registered_by_entry_point(tester: pytest.Pytester) -> None:
    result = run(tester, "--help")
    result.stdout.fnmatch_lines(["*--harness-update=*"])
    assert Path(tester.path / "baselines").exists() is False


def test_under_xdist_results_and_report_come_out_whole(tester: pytest.Pytester) -> None:
    result = run(tester, "-n", "2", "--harness-update=missing", f"--harness-junit={tester.path / 'j.xml'}")
    result.assert_outcomes(passed=3)
    data = json.loads((tester.path / ".harness/output/results.json").read_text())
    assert sorted(s["breakpoint"] for s in data["shots"]) == ["desktop", "phone", "tablet"]
    assert not list((tester.path / ".harness/output").glob("results-*.json"))
    assert (tester.path / ".harness/output/report/index.html").is_file()
    assert (tester.path / "j.xml").read_text().count("<testcase") == 3


@pytest.mark.parametrize("workers", [(), ("-n", "2")])
def test_while_another_run_holds_the_output_folder_harness_tests_fail_with_its_name_and_nothing_is_written(
    tester: pytest.Pytester, workers: tuple[str, ...]
) -> None:
    from harness.store.baselines import output_lock

    tester.makepyfile(test_plain="def test_plain():\n    pass\n")
    output = tester.path / ".harness/output"
    (output / "shots/home").mkdir(parents=True)
    (output / "shots/home/phone.actual.png").write_bytes(b"the other run's")
    (output / "results-gw0.json").write_text("the other run's partial")
    with output_lock(output, "harness check"):
        result = run(tester, *workers, "--harness-update=missing")
    result.assert_outcomes(passed=1, failed=3)
    result.stdout.fnmatch_lines([
        "*another harness run is using this output folder (pid *: harness check); wait for it to finish, or pass --harness-output-dir DIR*",
        "harness: nothing written: *",
    ])
    assert "Traceback" not in result.stdout.str()
    assert sorted(p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()) == [
        ".lock", "results-gw0.json", "shots/home/phone.actual.png"
    ]
    assert not (tester.path / "baselines").exists()
    run(tester, *workers, "--harness-update=missing").assert_outcomes(passed=4)  # free again: it runs
