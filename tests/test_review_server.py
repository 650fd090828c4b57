"""`harness review`'s server: approve and reject over HTTP, and everyone else kept out."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import make_project, reset_midway, run_cli, snapshot_tree, wait_for_handlers_to_finish

from harness.review.server import ReviewServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny project after one `check` with no baselines: three new shots (done once)."""
    root = make_project(tmp_path_factory.mktemp("review") / "proj")
    assert run_cli("check", cwd=root).returncode == 1
    return root


@pytest.fixture
def project(checked: Path, tmp_path: Path) -> Path:
    import shutil

    copy = tmp_path / "proj"
    shutil.copytree(checked, copy)
    return copy


@pytest.fixture
def server(project: Path) -> Iterator[ReviewServer]:
    with ReviewServer(project / ".harness/output") as srv:
        yield srv


def request(
    server: ReviewServer, method: str, path: str, body: object = None, headers: dict[str, str] | None = None
) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    data = json.dumps(body).encode() if body is not None else None
    base = {"Content-Type": "application/json", "X-Harness-Token": server.token, "Origin": server.origin}
    conn.request(method, path, body=data, headers={**base, **(headers or {})})
    response = conn.getresponse()
    raw = response.read()
    conn.close()
    try:
        return response.status, json.loads(raw)
    except ValueError:
        return response.status, {"raw": raw.decode(errors="replace")}


def test_it_binds_loopback_only(server: ReviewServer) -> None:
    assert server.httpd.server_address[0] == "127.0.0.1"
    assert server.url.startswith("http://127.0.0.1:")


def test_the_page_carries_the_token_and_the_images_are_served(server: ReviewServer) -> None:
    status, body = request(server, "GET", "/")
    assert status == 200
    assert f'<meta name="harness-review-token" content="{server.token}">' in body["raw"]


def test_approving_one_shot_writes_exactly_that_baseline(server: ReviewServer, project: Path) -> None:
    status, body = request(server, "POST", "/api/approve", {"shots": ["home/tablet"]})
    assert status == 200, body
    assert body["shots"] == [{"id": "home/tablet", "status": "new", "approved": True, "rejected": False}]
    assert sorted(p.name for p in (project / "baselines/home").iterdir()) == ["tablet.geometry.json", "tablet.png"]
    results = json.loads((project / ".harness/output/results.json").read_text())
    assert {s["breakpoint"]: s["approved"] for s in results["shots"]} == {"phone": False, "tablet": True, "desktop": False}


def test_approve_all_on_a_page_and_reject(server: ReviewServer, project: Path) -> None:
    status, body = request(server, "POST", "/api/reject", {"shots": ["home/phone"]})
    assert status == 200 and body["shots"][0]["rejected"] is True
    assert not (project / "baselines").exists()
    status, body = request(server, "POST", "/api/approve", {"shots": ["home"]})
    assert status == 200
    assert {s["id"] for s in body["shots"] if s["approved"]} == {"home/phone", "home/tablet", "home/desktop"}


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"X-Harness-Token": ""}, 403),
        ({"X-Harness-Token": "wrong"}, 403),
        ({"Origin": "http://evil.example"}, 403),
        ({"Content-Type": "text/plain"}, 415),
        ({"Host": "evil.example:80"}, 403),
    ],
)
def test_requests_without_the_token_or_from_elsewhere_change_nothing(
    server: ReviewServer, project: Path, headers: dict[str, str], status: int
) -> None:
    before = snapshot_tree(project / "baselines") , (project / ".harness/output/results.json").read_bytes()
    got, body = request(server, "POST", "/api/approve", {"shots": ["home/tablet"]}, headers)
    assert got == status and "error" in body
    assert (snapshot_tree(project / "baselines"), (project / ".harness/output/results.json").read_bytes()) == before


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "home/../../x",
        "/etc/passwd",
        "%2e%2e/%2e%2e/x",
        "home%2F..%2F..%2Fx",
        "home/tablet/../../../x",
        "nope",
    ],
)
def test_names_outside_the_results_are_refused(server: ReviewServer, project: Path, name: str) -> None:
    got, body = request(server, "POST", "/api/approve", {"shots": [name]})
    assert got == 400 and "not a shot of the last run" in body["error"]
    assert not (project / "baselines").exists()


@pytest.mark.parametrize("path", ["/../results.json", "/%2e%2e/results.json", "/..%2Fresults.json", "/img/../../results.json"])
def test_only_files_inside_the_report_are_served(server: ReviewServer, path: str) -> None:
    got, _ = request(server, "GET", path)
    assert got == 404


def test_a_newer_run_makes_the_old_review_refuse(server: ReviewServer, project: Path) -> None:
    results = project / ".harness/output/results.json"
    data = json.loads(results.read_text())
    data["run_id"] = "another-run"
    results.write_text(json.dumps(data))
    got, body = request(server, "POST", "/api/approve", {"shots": ["home/tablet"]})
    assert got == 409 and "newer run" in body["error"]
    assert not (project / "baselines").exists()


def test_bad_bodies_are_refused(server: ReviewServer) -> None:
    assert request(server, "POST", "/api/approve", {"shots": ["home"]}, {"Content-Length": "abc"})[0] == 400
    assert request(server, "POST", "/api/approve", {"shots": []})[0] == 400
    assert request(server, "POST", "/api/approve", {"nope": 1})[0] == 400
    assert request(server, "POST", "/api/other", {"shots": ["home"]})[0] == 404


def test_review_without_results_is_a_clear_error(tmp_path: Path) -> None:
    make_project(tmp_path / "p")
    done = run_cli("review", cwd=tmp_path / "p")
    assert done.returncode == 2
    assert "run 'harness check' first" in done.stderr


def test_approving_in_the_browser_writes_exactly_that_baseline(page, server: ReviewServer, project: Path) -> None:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(server.url + "#shot=home/tablet")
    approve = page.locator("[data-action=approve]")
    approve.click()
    page.wait_for_url(lambda url: url.endswith("#shot=home/desktop"))  # on to the next shot to answer
    assert sorted(p.name for p in (project / "baselines/home").iterdir()) == ["tablet.geometry.json", "tablet.png"]
    baseline = (project / "baselines/home/tablet.png").read_bytes()
    actual = (project / ".harness/output/shots/home/tablet.actual.png").read_bytes()
    assert baseline == actual
    page.keyboard.press("k")
    page.get_by_text("Approved: this is the baseline now").wait_for()
    assert approve.is_disabled()

    # The same request without the token, from the page itself, changes nothing.
    status = page.evaluate(
        """async () => (await fetch('/api/approve', {method: 'POST', headers: {'Content-Type': 'application/json'},
                                                   body: JSON.stringify({shots: ['home/phone']})})).status"""
    )
    assert status == 403
    assert sorted(p.name for p in (project / "baselines/home").iterdir()) == ["tablet.geometry.json", "tablet.png"]
    assert [e for e in errors if "403" not in e] == []


# --- nothing escapes, whatever the spelling --------------------------------------------------

TRICKS = ["..", "../..", "../../etc/passwd", "../../../baselines/home", "/etc/passwd", "/tmp/x", "home/../home"]


def spellings(text: str) -> list[str]:
    """As written, URL-encoded once, and twice."""
    from urllib.parse import quote

    once = quote(text, safe="")
    return [text, once, quote(once, safe="")]


def tricky_names() -> list[str]:
    names = []
    for trick in TRICKS:
        for spelt in spellings(trick):
            names += [f"{spelt}/tablet", f"home/{spelt}", spelt]
    return names


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_no_name_with_dots_slashes_or_encodings_reaches_a_file(server: ReviewServer, project: Path, action: str) -> None:
    results = project / ".harness/output/results.json"
    before = results.read_bytes()
    for name in tricky_names():
        got, body = request(server, "POST", f"/api/{action}", {"shots": [name]})
        assert got == 400, (name, got, body)
        assert "not a shot of the last run" in body["error"] or "nothing to approve" in body["error"], (name, body)
    assert not (project / "baselines").exists()
    assert results.read_bytes() == before
    assert sorted(p.name for p in project.iterdir()) == [".harness", "breakpoints.yaml", "pages"]


def test_no_url_spelling_serves_a_file_outside_the_report(server: ReviewServer, project: Path) -> None:
    outside = project / ".harness/output/results.json"
    (server.report / "leak.json").symlink_to(outside)  # a link inside the report, to a file outside it
    (server.report / "leaks").symlink_to(project / "pages", target_is_directory=True)
    paths = ["/leak.json", "/leaks/home.html", f"/{outside}", f"//{outside}", "/%2f" + str(outside).lstrip("/")]
    for trick in ("../results.json", "../../../pages/home.html", "..\\results.json", str(outside)):
        paths += ["/" + spelt for spelt in spellings(trick)]
    for path in paths:
        got, body = request(server, "GET", path)
        assert got == 404, (path, got)
        assert outside.read_text() not in body.get("raw", "")


def test_there_is_no_way_to_listen_beyond_loopback(server: ReviewServer, project: Path) -> None:
    import socket

    assert server.httpd.socket.getsockname()[0] == "127.0.0.1"
    done = run_cli("review", "--host", "0.0.0.0", cwd=project)
    assert done.returncode == 2 and "unrecognized arguments: --host" in done.stderr
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))  # picks the outward interface; sends nothing
        address = probe.getsockname()[0]
    except OSError:
        address = "127.0.0.1"
    finally:
        probe.close()
    if address.startswith("127."):
        pytest.skip("this machine has no non-loopback IPv4 address")
    with pytest.raises(OSError):
        socket.create_connection((address, server.port), timeout=3).close()


REFUSALS = [
    ({"X-Harness-Token": ""}, 403),
    ({"X-Harness-Token": "x" * 32}, 403),
    ({"Origin": "http://evil.example"}, 403),
    ({"Origin": "null"}, 403),
    ({"Origin": ""}, 403),
    ({"Origin": "http://127.0.0.1:1"}, 403),
    ({"Host": "evil.example"}, 403),
    ({"Content-Type": "application/x-www-form-urlencoded"}, 415),
]


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_every_state_changing_route_needs_the_token_and_the_same_origin(
    server: ReviewServer, project: Path, action: str
) -> None:
    before = snapshot_tree(project / ".harness/output"), snapshot_tree(project / "baselines")
    for headers, status in REFUSALS:
        got, body = request(server, "POST", f"/api/{action}", {"shots": ["home/tablet"]}, headers)
        assert (got, "error" in body) == (status, True), headers
    got, body = request(server, "POST", f"/api/{action}?token={server.token}", {"shots": ["home/tablet"]}, {"X-Harness-Token": ""})
    assert got == 403, "the token only counts in its header"
    assert post_without_origin(server, action) == 403
    for method in ("PUT", "DELETE", "PATCH"):
        assert request(server, method, f"/api/{action}", {"shots": ["home/tablet"]})[0] >= 400
    assert (snapshot_tree(project / ".harness/output"), snapshot_tree(project / "baselines")) == before


def post_without_origin(server: ReviewServer, action: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    body = json.dumps({"shots": ["home/tablet"]})
    conn.request("POST", f"/api/{action}", body=body, headers={"Content-Type": "application/json", "X-Harness-Token": server.token})
    status = conn.getresponse().status
    conn.close()
    return status


def test_a_change_waits_for_no_other_run(server: ReviewServer, project: Path) -> None:
    from harness.store.baselines import output_lock

    with output_lock(project / ".harness/output", "harness check"):
        got, body = request(server, "POST", "/api/approve", {"shots": ["home/tablet"]})
    assert got == 409 and "another harness run is using this output folder (pid" in body["error"]
    assert not (project / "baselines").exists()
    assert request(server, "POST", "/api/approve", {"shots": ["home/tablet"]})[0] == 200


# --- issue 15: stopping, and clients that go away ---------------------------------------------


def start_review(project: Path) -> tuple[subprocess.Popen[str], str]:
    """``harness review`` as a user starts it; returns the process and its origin once it serves."""
    review = subprocess.Popen(
        [sys.executable, "-m", "harness", "review"], cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={k: v for k, v in os.environ.items() if k != "HARNESS_DEBUG"},
    )
    assert review.stdout is not None
    line = review.stdout.readline()
    found = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
    assert found, line + review.stderr.read() if review.stderr else line
    return review, found.group(1)


def get_status(origin: str, path: str) -> int:
    conn = http.client.HTTPConnection(origin[len("http://"):], timeout=10)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    finally:
        conn.close()


@pytest.mark.parametrize(("signum", "code", "word"), [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")])
def test_review_stopped_by_a_signal_says_so_in_one_line(project: Path, signum: int, code: int, word: str) -> None:
    review, origin = start_review(project)
    assert get_status(origin, "/") == 200  # serving: the signal meets the server's loop
    review.send_signal(signum)
    out, err = review.communicate(timeout=60)
    assert review.returncode == code, (out, err)
    assert err.splitlines() == [f"harness: {word}; every baseline is as it was or fully written"]
    assert "stopped" not in out


def test_clients_that_go_away_leave_no_traceback(server: ReviewServer, capfd: pytest.CaptureFixture[str]) -> None:
    """In-process, so the test knows when each request has been handled."""
    (server.report / "img").mkdir(exist_ok=True)
    (server.report / "img/big.png").write_bytes(b"\0" * (48 << 20))  # more than the socket buffers hold
    for _ in range(3):
        reset_midway(server.origin, "/img/big.png")
        reset_midway(server.origin, "/", wait=False)
    wait_for_handlers_to_finish()
    assert request(server, "GET", "/")[0] == 200  # still serving
    out, err = capfd.readouterr()
    assert err == "" and out == ""


def test_a_review_reset_by_its_clients_stays_quiet_and_stops_in_one_line(project: Path) -> None:
    """As the issue found it: GET / and a reset, three times, at the command line."""
    review, origin = start_review(project)
    try:
        for _ in range(3):
            reset_midway(origin, "/", wait=False)
            reset_midway(origin, "/")
        assert get_status(origin, "/") == 200  # still serving
    finally:
        review.send_signal(signal.SIGINT)
        out, err = review.communicate(timeout=60)
    assert "Traceback" not in err and "Exception" not in err, err
    assert err.splitlines() == ["harness: interrupted; every baseline is as it was or fully written"]
    assert review.returncode == 130
