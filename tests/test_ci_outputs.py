"""JUnit XML and the Markdown summary, from a results object."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from harness.ci.junit import junit_xml
from harness.ci.summary import markdown, write_summary
from harness.results import Results, ShotResult


def shot(bp: str, status: str, **kw: object) -> ShotResult:
    return ShotResult(page="syria-talks", breakpoint=bp, width=1024, height=768, status=status, **kw)  # type: ignore[arg-type]


@pytest.fixture
def results() -> Results:
    return Results(
        browser={"name": "chromium", "version": "1", "description": "Chromium 1"},
        created="2026-11-28T12:00:00Z",
        shots=[
            shot("phone", "pass"),
            shot("tablet", "fail", mismatched=1234, ratio=0.0123, message="1234 px differ", diff="shots/x.diff.png",
                 baseline_size=[1024, 4120], actual_size=[1024, 4180]),
            shot("desktop", "new", message="no baseline yet", actual="shots/y.actual.png"),
            shot("wide", "error", message="step 'load' timed out after 30 s"),
            shot("edge", "new", message="written", updated=True),
        ],
    )


def test_junit_has_one_testcase_per_shot_with_failures_and_errors(results: Results) -> None:
    suite = ET.fromstring(junit_xml(results, Path("/out")))
    assert suite.get("tests") == "5" and suite.get("failures") == "2" and suite.get("errors") == "1"
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert list(cases) == ["phone", "tablet", "desktop", "wide", "edge"]
    assert cases["tablet"].get("classname") == "harness.syria-talks"
    failure = cases["tablet"].find("failure")
    assert failure is not None and failure.get("message") == "fail: 1234 px differ"
    assert "diff: /out/shots/x.diff.png" in (failure.text or "")
    assert cases["wide"].find("error") is not None
    assert cases["phone"].find("failure") is None and cases["edge"].find("failure") is None


def test_summary_lists_only_what_did_not_pass_with_numbers(results: Results) -> None:
    text = markdown(results)
    assert text.startswith("### Layout check: 5 shots, 1 passed, 1 failed, 2 new, 1 error")
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert [r.split("|")[1].strip() for r in rows] == ["`syria-talks/tablet`", "`syria-talks/desktop`", "`syria-talks/wide`"]
    assert "1,234" in rows[0] and "1.230%" in rows[0] and "1024×4120 → 1024×4180" in rows[0]


def test_summary_goes_to_github_step_summary_when_set(results: Results, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "step-summary.md"
    target.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    assert write_summary(results, None) == target
    assert target.read_text().startswith("earlier step\n### Layout check")
    monkeypatch.delenv("GITHUB_STEP_SUMMARY")
    assert write_summary(results, None) is None


def test_summary_file_is_written_when_asked(results: Results, tmp_path: Path) -> None:
    out = tmp_path / "ci" / "summary.md"
    assert write_summary(results, out) == out
    assert "syria-talks/tablet" in out.read_text()


LAYOUT_FAIL = {"kind": "lint", "rule": "overflow", "severity": "fail", "message": "document is 415 px wide", "box": None}
LAYOUT_WARN = {"kind": "lint", "rule": "tap-targets", "severity": "warn", "message": "a.tag is 40x18 px", "box": [0, 0, 40, 18]}


def test_layout_findings_and_explanations_reach_junit_and_the_summary() -> None:
    results = Results(
        browser={"name": "chromium", "version": "1"},
        shots=[
            shot("phone", "pass", findings=[LAYOUT_FAIL, LAYOUT_WARN]),
            shot("tablet", "fail", message="9 px differ", explanations=["h1.headline moved 4 px down"]),
            shot("desktop", "pass", findings=[LAYOUT_WARN]),
        ],
    )
    suite = ET.fromstring(junit_xml(results, Path("/out")))
    assert suite.get("failures") == "2"
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    failure = cases["phone"].find("failure")
    assert failure is not None and failure.get("message") == "layout: the layout checks failed"
    assert "fail: lint overflow: document is 415 px wide" in (failure.text or "")
    assert "h1.headline moved 4 px down" in (cases["tablet"].find("failure").text or "")  # type: ignore[union-attr]
    assert cases["desktop"].find("failure") is None
    assert "warning: lint tap-targets: a.tag is 40x18 px" in (cases["desktop"].find("system-out").text or "")  # type: ignore[union-attr]

    text = markdown(results)
    assert text.startswith("### Layout check: 3 shots, 2 passed, 1 failed, 1 failed layout check, 2 layout warnings")
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert [r.split("|")[1].strip() for r in rows] == ["`syria-talks/phone`", "`syria-talks/tablet`"]
    assert "❌ layout" in rows[0] and "lint overflow: document is 415 px wide" in rows[0]
    assert "9 px differ<br>h1.headline moved 4 px down" in rows[1]
