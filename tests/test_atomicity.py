"""Nothing lost: `harness approve` and `check --update` killed mid-write, again and again.

Each iteration copies a prepared project, starts the command and stops it with SIGKILL,
SIGINT or SIGTERM, either at a chosen system call (a driver pauses the process just
before its Nth ``os.replace``, ``os.fsync`` or ``os.unlink`` and tells the test) or at a
random moment. Then every baseline must hold its old or its new bytes, the manifest
must parse and agree with the files (see harness/store/baselines.py for what "agree"
means while a flush is pending), and the next run must recover and finish the job.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from helpers import make_project, run_cli

from harness.compare.images import png_bytes
from harness.results import Results, ShotResult, load
from harness.store.baselines import MANIFEST, BaselineStore

PAGES = ("alpha", "beta", "gamma")
BREAKPOINTS = ("phone", "tablet", "desktop")
SIGNALS = (signal.SIGKILL, signal.SIGINT, signal.SIGTERM)
APPROVE_ITERATIONS = 60  # the issue asks for at least 50

# Runs the CLI with one system call made to wait: just before call number N of os.NAME
# (PAUSE_AT="NAME:N"; "NAME@baselines:N" counts only calls on files under a baselines
# folder) it creates PAUSE_FLAG and waits for PAUSE_FLAG.go. It creates
# PAUSE_FLAG.started when the CLI starts (Python's own start-up is not ours to make
# interruptible). COUNT_FILE, if set, receives the number of calls of each kind at exit.
DRIVER = r"""
import atexit, json, os, sys, time
from pathlib import Path
at = os.environ.get("PAUSE_AT", "")
flag = Path(os.environ["PAUSE_FLAG"]) if at else None
counts = {}
def touches_baselines(args):
    if args and isinstance(args[0], int):
        try:
            args = [os.readlink(f"/proc/self/fd/{args[0]}")]
        except OSError:
            return False
    return any(f"{os.sep}baselines{os.sep}" in str(a) for a in args)
for name in ("replace", "fsync", "unlink"):
    real = getattr(os, name)
    def wrapper(*args, _name=name, _real=real, **kwargs):
        for tag in [_name] + ([_name + "@baselines"] if touches_baselines(args) else []):
            if at == f"{tag}:{counts.get(tag, 0)}":
                flag.write_text("paused")
                go, deadline = flag.with_name(flag.name + ".go"), time.monotonic() + 20
                while not go.exists() and time.monotonic() < deadline:
                    time.sleep(0.002)
            counts[tag] = counts.get(tag, 0) + 1
        return _real(*args, **kwargs)
    setattr(os, name, wrapper)
if os.environ.get("COUNT_FILE"):
    atexit.register(lambda: Path(os.environ["COUNT_FILE"]).write_text(json.dumps(counts)))
import signal
signal.signal(signal.SIGINT, signal.SIG_DFL)
from harness.cli import main
Path(os.environ["PAUSE_FLAG"] + ".started").write_text("started")
sys.exit(main(sys.argv[1:]))
"""


@dataclass(frozen=True)
class Scenario:
    """A prepared project and what each baseline holds before and after the command."""

    root: Path
    old: dict[str, bytes]  # baseline id -> bytes before (absent: no baseline yet)
    new: dict[str, bytes]  # baseline id -> bytes after a complete run (absent: none, or pruned)
    args: tuple[str, ...]


def noise_png(seed: int, size: int = 160) -> bytes:
    """An incompressible PNG (~100 KB), so writes take long enough to be caught midway."""
    pixels = np.random.default_rng(seed).integers(0, 256, (size, size, 4), dtype=np.uint8)
    pixels[..., 3] = 255
    return png_bytes(pixels)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- checking a state ----------------------------------------------------------------------


def baseline_files(root: Path) -> dict[str, bytes]:
    """What a reader takes for baselines: every visible <page>/<breakpoint>.png."""
    folder = root / "baselines"
    return {f"{p.parent.name}/{p.stem}": p.read_bytes() for p in folder.glob("*/*.png") if not p.name.startswith(".")}


def temp_files(root: Path) -> list[Path]:
    return [p for p in (root / "baselines").rglob("*") if p.name.endswith(".tmp")]


def assert_consistent(scenario: Scenario, root: Path, context: str) -> str:
    """Every baseline old or new, the manifest parses and agrees; return "old", "new" or "mixed"."""
    files = baseline_files(root)
    universe = set(scenario.old) | set(scenario.new)
    assert set(files) <= universe, f"{context}: unexpected baselines {set(files) - universe}"
    states = set()
    for key in universe:
        got, old, new = files.get(key), scenario.old.get(key), scenario.new.get(key)
        assert got in (old, new), f"{context}: {key} is neither its old nor its new bytes ({len(got or b'')} bytes)"
        states.add("new" if got == new and got != old else "old" if got == old and got != new else "same")
    assert all(p.name.startswith(".") for p in temp_files(root)), f"{context}: a temporary file is visible"

    raw = json.loads((root / "baselines" / MANIFEST).read_text())  # must parse, whatever happened
    assert raw["format"] == 1 and isinstance(raw["baselines"], dict), context
    for key, entry in raw["baselines"].items():
        digest = sha(files[key]) if key in files else None
        if entry.get("pending") is True:
            allowed = {(e or {}).get("sha256") for e in (entry["old"], entry["new"])}
            assert digest in allowed, f"{context}: {key} matches neither side of its pending manifest entry"
        else:
            assert digest == entry["sha256"], f"{context}: manifest entry {key} does not match its file"
    assert set(files) <= set(raw["baselines"]), f"{context}: a baseline has no manifest entry"

    settled = BaselineStore(root / "baselines").read_manifest()  # the view every reader gets
    assert {k: e["sha256"] for k, e in settled.items()} == {k: sha(v) for k, v in files.items()}, context
    states.discard("same")
    return states.pop() if len(states) == 1 else "mixed" if states else "old"


def assert_recovers(scenario: Scenario, root: Path, context: str) -> None:
    """The next run finishes the job: every baseline new, the manifest plain, no debris."""
    if scenario.args[0] == "approve":
        done = run_in_process(scenario.args, root)
    else:  # a browser in this process would clash with pytest-playwright's
        done = run_cli(*scenario.args, cwd=root).returncode
    assert done == 0, f"{context}: the run after the interruption failed"
    assert baseline_files(root) == scenario.new, context
    raw = json.loads((root / "baselines" / MANIFEST).read_text())["baselines"]
    assert {k: e.get("sha256") for k, e in raw.items()} == {k: sha(v) for k, v in scenario.new.items()}, context
    assert not any(e.get("pending") for e in raw.values()), context
    assert temp_files(root) == [], context


def run_in_process(args: tuple[str, ...], root: Path) -> int:
    import contextlib
    import io

    from harness.cli import main

    cwd = os.getcwd()
    os.chdir(root)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            return main(list(args))
    finally:
        os.chdir(cwd)


# --- running and stopping ------------------------------------------------------------------


def start(scenario: Scenario, root: Path, pause_at: str = "", count_file: Path | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, "PAUSE_AT": pause_at, "PAUSE_FLAG": str(root / "paused")}
    env.pop("HARNESS_DEBUG", None)
    if count_file:
        env["COUNT_FILE"] = str(count_file)
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER, *scenario.args],
        cwd=root,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop_at(process: subprocess.Popen[str], root: Path, sig: int) -> tuple[int, str]:
    """Wait for the pause, send ``sig``, let the process go on, and collect its end."""
    flag = root / "paused"
    deadline = time.monotonic() + 60
    while not flag.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    assert flag.exists(), f"never reached the pause point: {process.communicate()[1]}"
    process.send_signal(sig)
    (root / "paused.go").write_text("go")
    _, err = process.communicate(timeout=60)
    return process.returncode, err


def stop_after(process: subprocess.Popen[str], root: Path, delay: float, sig: int) -> tuple[int, str]:
    """Send ``sig`` ``delay`` seconds after the CLI started."""
    started, deadline = root / "paused.started", time.monotonic() + 60
    while not started.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    time.sleep(delay)
    if process.poll() is None:
        process.send_signal(sig)
    _, err = process.communicate(timeout=60)
    return process.returncode, err


def assert_clean_exit(returncode: int, stderr: str, sig: int, context: str) -> None:
    """SIGINT/SIGTERM: one line and 130/143. Before the command has begun, or once it has
    finished, the signal's default applies (a silent stop), or it came too late (exit 0)."""
    if sig == signal.SIGKILL or returncode < 0:
        assert returncode in (-sig, 0) and (returncode == 0 or "Traceback" not in stderr), f"{context}: {stderr}"
        return
    assert "Traceback" not in stderr, f"{context}: {stderr}"
    if returncode != 0:
        assert returncode == 128 + sig, f"{context}: exit {returncode}: {stderr}"
        assert len(stderr.strip().splitlines()) == 1, f"{context}: {stderr}"
        assert "every baseline is as it was or fully written" in stderr, context


def fresh(scenario: Scenario, tmp_path: Path, i: int) -> Path:
    root = tmp_path / f"run{i}"
    shutil.copytree(scenario.root, root)
    return root


def interrupt_once(scenario: Scenario, root: Path, point: str | None, sig: int, delay: float) -> tuple[Path, str, str]:
    """One iteration on a fresh copy: run, stop at ``point`` (or after ``delay`` s) with
    ``sig``, check the exit and the state; return the copy, "old"/"new"/"mixed" and a label."""
    shutil.copytree(scenario.root, root)
    context = f"{scenario.args[0]} {root.name}: {signal.Signals(sig).name} at {point or f'{delay:.3f} s'}"
    process = start(scenario, root, pause_at=point or "")
    returncode, stderr = stop_at(process, root, sig) if point else stop_after(process, root, delay, sig)
    assert_clean_exit(returncode, stderr, sig, context)
    state = assert_consistent(scenario, root, context)
    if sig != signal.SIGKILL:
        assert state != "mixed", f"{context}: SIGINT/SIGTERM must not stop a flush half-way"
        assert temp_files(root) == [], f"{context}: an orderly stop must clean up"
    return root, state, context


def pause_points(scenario: Scenario, tmp_path: Path) -> tuple[list[str], float, dict[str, bytes]]:
    """Every write system call of one uninterrupted run, how long its CLI part took, and
    the baselines it left."""
    root = fresh(scenario, tmp_path, -1)
    counts_file = tmp_path / "counts.json"
    process = start(scenario, root, count_file=counts_file)
    _, err = process.communicate(timeout=120)
    seconds = time.time() - (root / "paused.started").stat().st_mtime + 0.01
    assert process.returncode == 0, err
    counts = json.loads(counts_file.read_text())
    return [f"{name}:{i}" for name, n in counts.items() for i in range(n)], seconds, baseline_files(root)


# --- approve -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def approve_scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    """A finished run without a browser: 9 shots, 5 failing (baselines replaced), 4 new."""
    root = make_project(tmp_path_factory.mktemp("approve") / "proj")
    for page in PAGES:  # approve checks that the results are this project's pages and breakpoints
        (root / "pages" / f"{page}.html").write_text(f"<p>{page}</p>")
    viewports = {"phone": (360, 640), "tablet": (800, 600), "desktop": (1200, 700)}  # make_project's
    output, baselines = root / ".harness/output", root / "baselines"
    store = BaselineStore(baselines)
    old, new, shots = {}, {}, []
    for n, (page, bp) in enumerate((p, b) for p in PAGES for b in BREAKPOINTS):
        key, actual = f"{page}/{bp}", noise_png(n)
        new[key] = actual
        status = "fail" if n % 2 == 0 else "new"
        if status == "fail":
            old[key] = noise_png(100 + n)
            store.queue(page, bp, old[key], {"viewport": {"width": 1, "height": 1}})
        rel = f"shots/{page}/{bp}.actual.png"
        (output / rel).parent.mkdir(parents=True, exist_ok=True)
        (output / rel).write_bytes(actual)
        width, height = viewports[bp]
        shots.append(
            ShotResult(page=page, breakpoint=bp, width=width, height=height, status=status, actual=rel, actual_sha256=sha(actual))
        )
    store.flush()
    Results(browser={"name": "chromium", "version": "1"}, shots=shots, run_id="r", baselines_dir="../../baselines").write(output)
    return Scenario(root, old, new, ("approve",))


def test_approve_killed_at_every_write_and_at_random_moments_leaves_old_or_new(
    approve_scenario: Scenario, tmp_path: Path
) -> None:
    points, seconds, final = pause_points(approve_scenario, tmp_path)
    assert final == approve_scenario.new
    points = [p for p in points if "@" not in p]
    rng = random.Random(8)
    plan = [(point, signal.SIGKILL) for point in points]
    plan += [(point, rng.choice((signal.SIGINT, signal.SIGTERM))) for point in points[::2]]
    plan += [(None, rng.choice(SIGNALS)) for _ in range(max(0, APPROVE_ITERATIONS - len(plan)))]
    assert len(plan) >= 50
    outcomes: dict[str, int] = {}
    for i, (point, sig) in enumerate(plan):
        root, state, context = interrupt_once(approve_scenario, tmp_path / f"run{i}", point, sig, rng.uniform(0, seconds))
        outcomes[state] = outcomes.get(state, 0) + 1
        assert_recovers(approve_scenario, root, context)
        shutil.rmtree(root)
    assert outcomes.get("mixed", 0) > 0 and outcomes.get("new", 0) > 0, outcomes  # the kills did land mid-flush


# --- check --update all --prune ------------------------------------------------------------

CHANGE = "\nbody { background: #ffd400; }\n"  # every breakpoint changes, well over the threshold


@pytest.fixture(scope="module")
def check_scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    """A project whose three baselines all fail after a CSS change, plus one unused baseline."""
    root = make_project(tmp_path_factory.mktemp("check") / "proj")
    assert run_cli("check", "--update", "missing", cwd=root).returncode == 0
    store = BaselineStore(root / "baselines")
    store.queue("gone", "phone", noise_png(1), {"viewport": {"width": 1, "height": 1}})
    store.flush()
    with (root / "pages/home.css").open("a") as css:
        css.write(CHANGE)
    old = baseline_files(root)
    shutil.rmtree(root / ".harness")
    return Scenario(root, old, {}, ("check", "--update", "all", "--prune"))


@pytest.mark.browser
def test_check_update_and_prune_killed_mid_write_leaves_old_or_new(check_scenario: Scenario, tmp_path: Path) -> None:
    points, seconds, final = pause_points(check_scenario, tmp_path)
    assert set(final) == set(check_scenario.old) - {"gone/phone"}
    assert all(final[k] != check_scenario.old[k] for k in final)
    scenario = Scenario(check_scenario.root, check_scenario.old, final, check_scenario.args)
    writes = [p for p in points if p.startswith(("replace@", "unlink@"))]
    assert len(writes) >= 6  # intent, three PNGs, one prune, commit
    rng = random.Random(8)
    plan = [(writes[0], signal.SIGKILL), (writes[2], signal.SIGKILL), (writes[-2], signal.SIGKILL),
            (writes[-1], signal.SIGKILL), (writes[1], signal.SIGINT), (writes[3], signal.SIGTERM),
            (None, signal.SIGTERM), (None, signal.SIGINT)]
    outcomes: dict[str, int] = {}
    for i, (point, sig) in enumerate(plan):
        root, state, context = interrupt_once(scenario, tmp_path / f"run{i}", point, sig, rng.uniform(0, seconds))
        if sig == signal.SIGKILL:  # a browser run takes seconds: recover where recovering has work to do
            assert_recovers(scenario, root, context)
        outcomes[state] = outcomes.get(state, 0) + 1
        shutil.rmtree(root)
    assert outcomes.get("mixed", 0) > 0, outcomes


# --- two runs at once ----------------------------------------------------------------------


def release(process: subprocess.Popen[str], root: Path) -> tuple[int, str]:
    (root / "paused.go").write_text("go")
    _, err = process.communicate(timeout=120)
    return process.returncode, err


def wait_for_pause(process: subprocess.Popen[str], root: Path) -> None:
    deadline = time.monotonic() + 60
    while not (root / "paused").exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert (root / "paused").exists(), process.communicate()[1]


def wait_until_blocked_on_a_lock(process: subprocess.Popen[str]) -> None:
    """Until the kernel lists ``process`` as waiting for a lock (Linux), so that the first
    run's release really races it; elsewhere, give it a moment."""
    locks = Path("/proc/locks")
    if not locks.exists():
        time.sleep(1)
        return
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        if any(line.split()[1] == "->" and line.split()[5] == str(process.pid) for line in locks.read_text().splitlines()):
            return
        time.sleep(0.01)
    raise AssertionError(f"never waited for the lock (exit {process.poll()}): {process.stderr.read() if process.stderr else ''}")


def test_a_second_run_on_the_same_output_folder_stops_with_the_first_ones_name(approve_scenario: Scenario, tmp_path: Path) -> None:
    root = fresh(approve_scenario, tmp_path, 0)
    first = start(approve_scenario, root, pause_at="replace:0")  # inside its flush, holding the folder
    wait_for_pause(first, root)
    for command in (("approve",), ("check",), ("approve", "alpha/phone")):
        second = run_cli(*command, cwd=root)
        assert second.returncode == 2, second.stderr
        assert second.stderr.strip().splitlines() == [
            f"harness: error: {root / '.harness/output'}: another harness run is using this output folder "
            f"(pid {first.pid}: harness approve); wait for it to finish, or pass --output-dir DIR"
        ]
    assert release(first, root) == (0, "")
    assert assert_consistent(approve_scenario, root, "after both") == "new"
    assert all(s.approved for s in load(root / ".harness/output").shots)


def test_two_runs_on_other_output_folders_share_the_baselines_without_losing_entries(
    approve_scenario: Scenario, tmp_path: Path
) -> None:
    root = fresh(approve_scenario, tmp_path, 0)
    other = root / ".harness/other"
    extra = noise_png(50)
    (other / "shots/delta").mkdir(parents=True)
    (other / "shots/delta/phone.actual.png").write_bytes(extra)
    shot = ShotResult(page="delta", breakpoint="phone", width=360, height=640, status="new",
                      actual="shots/delta/phone.actual.png", actual_sha256=sha(extra))
    (root / "pages/delta.html").write_text("<p>delta</p>")  # approve takes only this project's pages
    Results(browser={"name": "chromium", "version": "1"}, shots=[shot], run_id="s", baselines_dir="../../baselines").write(other)

    first = start(approve_scenario, root, pause_at="fsync:0")  # staging its first PNG, holding baselines/.lock
    wait_for_pause(first, root)
    second = subprocess.Popen([sys.executable, "-m", "harness", "approve", "--output-dir", str(other)], cwd=root,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_until_blocked_on_a_lock(second)
    assert release(first, root) == (0, "")
    assert second.wait(timeout=120) == 0, second.stderr.read()  # type: ignore[union-attr]
    both = Scenario(root, approve_scenario.old, {**approve_scenario.new, "delta/phone": extra}, ("approve",))
    assert assert_consistent(both, root, "after both") == "new"
    assert baseline_files(root) == both.new
