"""The review loop through the real `harness review` server: a finding shared by several
breakpoints approved in one request, and an approval undone (issue 13)."""

from __future__ import annotations

import http.client
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import make_project, run_cli, snapshot_tree

from harness.report.build import write_report
from harness.results import load
from harness.review.server import ReviewServer

pytestmark = pytest.mark.browser

GROUP = ["home/phone", "home/desktop"]  # the same cause at two of the three breakpoints
ASIDE_CHANGE = "\naside { padding: 20px; border-bottom: 6px solid #c00; }\n"


@pytest.fixture(scope="module")
def failing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny project with baselines, then a change that fails all three shots (done once)."""
    root = make_project(tmp_path_factory.mktemp("loop") / "proj")
    assert run_cli("check", "--update", "missing", cwd=root).returncode == 0
    with (root / "pages/home.css").open("a") as css:
        css.write(ASIDE_CHANGE)
    done = run_cli("check", cwd=root)
    assert done.returncode == 1, done.stdout + done.stderr
    output = root / ".harness/output"
    results = json.loads((output / "results.json").read_text())
    assert [s["status"] for s in results["shots"]] == ["fail"] * 3
    results["groups"] = [{"id": "g1", "text": "aside height 40 → 64 px at phone, desktop", "kind": "resized", "selector": "aside", "shots": GROUP}]
    (output / "results.json").write_text(json.dumps(results))
    write_report(load(output), output)  # what `harness review` serves: the report of these results
    return root


@pytest.fixture
def project(failing: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "proj"
    shutil.copytree(failing, copy)
    return copy


@pytest.fixture
def server(project: Path) -> Iterator[ReviewServer]:
    with ReviewServer(project / ".harness/output") as srv:
        yield srv


def post(server: ReviewServer, path: str, body: object, headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    base = {"Content-Type": "application/json", "X-Harness-Token": server.token, "Origin": server.origin}
    conn.request("POST", path, body=json.dumps(body).encode(), headers={**base, **(headers or {})})
    response = conn.getresponse()
    raw = response.read()
    conn.close()
    return response.status, json.loads(raw)


def baseline(project: Path, bp: str) -> bytes:
    return (project / f"baselines/home/{bp}.png").read_bytes()


def actual(project: Path, bp: str) -> bytes:
    return (project / f".harness/output/shots/home/{bp}.actual.png").read_bytes()


def manifest(project: Path) -> dict[str, Any]:
    return json.loads((project / "baselines/manifest.json").read_text())["baselines"]


def test_approving_a_group_in_the_report_writes_exactly_its_baselines(page: Any, server: ReviewServer, project: Path) -> None:
    before = {bp: baseline(project, bp) for bp in ("phone", "tablet", "desktop")}
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.url)
    group = page.locator("#groups .group[data-group=g1]")
    button = group.locator("[data-approve-all=group]")
    assert button.inner_text() == "Approve all 2"
    button.click()
    page.wait_for_selector(f'#groups .group__shot.is-approved[data-shot="{GROUP[1]}"]')
    assert {bp: baseline(project, bp) for bp in ("phone", "desktop")} == {bp: actual(project, bp) for bp in ("phone", "desktop")}
    assert baseline(project, "tablet") == before["tablet"]  # not in the group: untouched
    results = json.loads((project / ".harness/output/results.json").read_text())
    assert {s["breakpoint"]: s["approved"] for s in results["shots"]} == {"phone": True, "tablet": False, "desktop": True}
    assert button.is_hidden()  # nothing left to approve in it
    assert page.locator("#progress [data-count=approved]").inner_text() == "✓ 2 approved"  # the counts, live
    assert page.locator("#progress [data-count=left]").inner_text() == "1 to go"
    assert "2 approved" in page.locator(".chip[data-status=fail] .chip__state").inner_text()
    assert errors == []


def test_a_group_is_approved_by_one_request_and_forged_ids_change_nothing(server: ReviewServer, project: Path) -> None:
    before = snapshot_tree(project / "baselines"), (project / ".harness/output/results.json").read_bytes()
    for body in ({"groups": ["g2"]}, {"groups": ["../g1"]}, {"groups": ["home/phone"]}, {"groups": []}, {"shots": ["g1"]}, {"groups": "g1"}):
        status, answer = post(server, "/api/approve-group", body)
        assert status == 400 and "error" in answer, body
    status, _ = post(server, "/api/approve-group", {"groups": ["g1"]}, {"X-Harness-Token": "forged"})
    assert status == 403
    status, _ = post(server, "/api/approve-group", {"groups": ["g1"]}, {"Origin": "http://evil.example"})
    assert status == 403
    assert (snapshot_tree(project / "baselines"), (project / ".harness/output/results.json").read_bytes()) == before

    status, answer = post(server, "/api/approve-group", {"groups": ["g1"]})
    assert status == 200, answer
    assert sorted(s["id"] for s in answer["shots"] if s["approved"]) == sorted(GROUP)
    status, answer = post(server, "/api/approve-group", {"groups": ["g1"]})  # again: nothing left to approve
    assert status == 400 and "nothing to approve" in answer["error"]


def test_undo_in_the_report_restores_the_old_baseline(page: Any, server: ReviewServer, project: Path) -> None:
    old = baseline(project, "tablet")
    old_entry = manifest(project)["home/tablet"]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.url + "#shot=home/tablet")
    page.locator("[data-action=approve]").click()
    page.wait_for_url(lambda url: url.endswith("#shot=home/desktop"))  # on to the next
    assert baseline(project, "tablet") == actual(project, "tablet")
    assert page.locator("#live").inner_text() == "approved home/tablet (baseline replaced)"
    page.locator("#undo-last").click()  # from the message, without going back
    page.wait_for_selector('.cell.is-fail[data-shot="home/tablet"]', state="attached")
    assert baseline(project, "tablet") == old
    assert manifest(project)["home/tablet"] == old_entry  # the entry as it was, approval time included
    assert not list((project / ".harness/output/shots/home").glob("tablet.previous*"))
    assert "undid the approval of home/tablet" in page.locator("#live").inner_text()
    results = json.loads((project / ".harness/output/results.json").read_text())
    assert [s["approved"] for s in results["shots"]] == [False, False, False]

    page.keyboard.press("k")  # back to it: it waits for an answer again, and can be approved again
    page.locator("[data-action=approve]").click()
    page.wait_for_url(lambda url: url.endswith("#shot=home/desktop"))
    page.keyboard.press("k")
    page.get_by_role("button", name="Undo approval").click()
    page.wait_for_selector("[data-action=approve]:not([disabled])")
    assert baseline(project, "tablet") == old
    assert errors == []


def test_undo_refuses_what_it_cannot_put_back(server: ReviewServer, project: Path) -> None:
    status, answer = post(server, "/api/undo", {"shots": ["home/tablet"]})
    assert status == 400 and "nothing to undo" in answer["error"]
    for name in ("../../x", "home", "home/../home/tablet", "nope/tablet"):
        status, answer = post(server, "/api/undo", {"shots": [name]})
        assert status == 400 and "not a shot of the last run" in answer["error"], name
    # approved outside `harness review`: the baseline it replaced was not kept
    assert run_cli("approve", "home/phone", cwd=project).returncode == 0
    before = snapshot_tree(project / "baselines")
    status, answer = post(server, "/api/undo", {"shots": ["home/phone"]})
    assert status == 400 and "restore it from version control" in answer["error"]
    # approved here, then the baseline changed by someone else: not overwritten
    assert post(server, "/api/approve", {"shots": ["home/desktop"]})[0] == 200
    (project / "baselines/home/desktop.png").write_bytes(baseline(project, "tablet"))
    before = snapshot_tree(project / "baselines")
    status, answer = post(server, "/api/undo", {"shots": ["home/desktop"]})
    assert status == 409 or (status == 400 and "changed since it was approved" in answer["error"])
    assert snapshot_tree(project / "baselines") == before


def test_a_rejection_can_be_undone(server: ReviewServer, project: Path) -> None:
    assert post(server, "/api/reject", {"shots": ["home/tablet"]})[1]["shots"][0]["rejected"] is True
    status, answer = post(server, "/api/undo", {"shots": ["home/tablet"]})
    assert status == 200 and answer["shots"] == [{"id": "home/tablet", "status": "fail", "approved": False, "rejected": False}]
