"""``harness merge`` on hand-made shard folders: what it refuses (one line, exit 2, nothing
written) and what a good merge leaves behind. No browser; the end-to-end run is in
test_scale_out.py."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from helpers import run_cli
from PIL import Image

from harness.results import Results, ShotResult
from harness.plan.shard import matrix_digest

PAGES = ("a", "b")
BREAKPOINTS = ("phone", "desktop")
MATRIX = [f"{p}/{b}" for p in PAGES for b in BREAKPOINTS]  # 4 shots
SPLIT = {1: MATRIX[:2], 2: MATRIX[2:3], 3: MATRIX[3:]}  # as three shards


def png(color: tuple[int, int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buf, "PNG")
    return buf.getvalue()


def make_shard(
    folder: Path,
    index: int,
    ids: list[str] | None = None,
    count: int = 3,
    planned: list[str] | None = None,
    project: str = "/home/ci/proj",
    breakpoints: tuple[str, ...] = BREAKPOINTS,
    version: str = "156.0",
    matrix: list[str] = MATRIX,
) -> Path:
    """A shard's output folder as 'harness check --shard' leaves it; 'a/desktop' fails."""
    ids = SPLIT[index] if ids is None else ids
    shots = []
    for shot_id in ids:
        page, bp = shot_id.split("/")
        shot = ShotResult(page=page, breakpoint=bp, width=400, height=800, status="pass", baseline=f"../baselines/{page}/{bp}.png")
        if shot_id == "a/desktop":
            shot.status, shot.message = "fail", "64 px differ"
            shot.actual, shot.diff = f"shots/{page}/{bp}.actual.png", f"shots/{page}/{bp}.diff.png"
            shot.geometry = f"shots/{page}/{bp}.geometry.json"
            for rel, data in ((shot.actual, png((255, 0, 0))), (shot.diff, png((0, 255, 0))), (shot.geometry, b"{}")):
                (folder / rel).parent.mkdir(parents=True, exist_ok=True)
                (folder / rel).write_bytes(data)
        shots.append(shot)
    folder.mkdir(parents=True, exist_ok=True)
    Results(
        browser={"name": "chromium", "version": version, "description": f"Chromium {version}"},
        shots=shots,
        run_id=f"run{index}",
        project=project,
        baselines_dir="../baselines",
        created="2026-11-28T12:00:00Z",
        breakpoints=[{"name": b, "min_width": 0, "max_width": None, "viewport": {"width": 400, "height": 800}} for b in breakpoints],
        shard={
            "index": index,
            "count": count,
            "total": len(matrix),
            "matrix": matrix_digest(matrix),
            "planned": SPLIT.get(index, []) if planned is None else planned,
        },
    ).write(folder)
    return folder


@pytest.fixture
def shards(tmp_path: Path) -> list[Path]:
    return [make_shard(tmp_path / f"shard-{i}", i) for i in (1, 2, 3)]


def merge(tmp_path: Path, *folders: Path | str) -> tuple[int, str, str]:
    done = run_cli("merge", *map(str, folders), "-o", str(tmp_path / "merged"), cwd=tmp_path)
    return done.returncode, done.stdout, done.stderr


def test_a_good_merge_has_every_shot_once_the_images_and_a_report(shards: list[Path], tmp_path: Path) -> None:
    code, out, err = merge(tmp_path, *reversed(shards))
    assert code == 1, err  # a/desktop failed in shard 1
    data = json.loads((tmp_path / "merged/results.json").read_text())
    assert [f"{s['page']}/{s['breakpoint']}" for s in data["shots"]] == MATRIX  # page, then breakpoint order
    assert "shard" not in data  # the merged run is whole
    failing = next(s for s in data["shots"] if s["status"] == "fail")
    for kind in ("actual", "diff", "geometry"):
        assert failing[kind] == f"shots/a/desktop.{kind}.png".replace(".geometry.png", ".geometry.json")
        assert (tmp_path / "merged" / failing[kind]).read_bytes() == (shards[0] / failing[kind]).read_bytes()
    assert (tmp_path / "merged/report/index.html").is_file()
    assert "FAIL  a @ desktop" in out and "4 shots: 3 passed, 1 failed" in out


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda t, s: [s[0], s[2]], "shard 2/3 missing (given: 1/3, 3/3)"),
        (lambda t, s: [s[0], s[1], s[1], s[2]], "are both shard 2/3"),
        (lambda t, s: [s[0], s[1], make_shard(t / "x", 3, ids=["a/phone", "b/desktop"])], "a/phone is in both"),
        (lambda t, s: [s[0], s[1], make_shard(t / "x", 3, project="/home/ci/other")], "is from project 'other'"),
        (lambda t, s: [s[0], s[1], make_shard(t / "x", 3, breakpoints=("phone", "tablet"))], "its breakpoints differ"),
        (lambda t, s: [s[0], s[1], make_shard(t / "x", 3, count=4)], "does not belong with"),
        (lambda t, s: [s[0], s[1], make_shard(t / "x", 3, matrix=[*MATRIX, "c/phone"])], "does not belong with"),
        (lambda t, s: [s[0], s[1], make_shard(t / "x", 3, version="157.0")], "rendered with Chromium 157.0"),
        (lambda t, s: [s[0], s[1], make_shard(t / "x", 3, ids=[])], "shard 3/3 has no result for b/desktop"),
        (lambda t, s: [s[0], s[1], t / "nowhere"], "nowhere: no such folder"),
        (lambda t, s: [s[0], s[1], (t / "empty").mkdir() or t / "empty"], "empty: has no results.json"),
    ],
)
def test_merge_refuses_inputs_that_are_not_exactly_one_run(shards: list[Path], tmp_path: Path, setup, message: str) -> None:
    code, out, err = merge(tmp_path, *setup(tmp_path, shards))
    assert code == 2
    assert message in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "merged").exists()


def test_merge_refuses_unreadable_results_and_plain_runs(shards: list[Path], tmp_path: Path) -> None:
    (shards[2] / "results.json").write_text("{not json")
    code, _, err = merge(tmp_path, *shards)
    assert code == 2 and "shard-3/results.json: not a results file this version can read" in err
    data = json.loads((shards[1] / "results.json").read_text())
    del data["shard"]
    (shards[1] / "results.json").write_text(json.dumps(data))
    code, _, err = merge(tmp_path, *shards[:2])
    assert code == 2 and "shard-2/results.json: not the results of a shard" in err


def test_merge_refuses_a_missing_image_and_writing_over_an_input(shards: list[Path], tmp_path: Path) -> None:
    (shards[0] / "shots/a/desktop.diff.png").unlink()
    code, _, err = merge(tmp_path, *shards)
    assert code == 2 and "desktop.diff.png: a file of a/desktop is missing" in err
    done = run_cli("merge", *map(str, shards[1:]), str(shards[0]), "-o", str(shards[1]), cwd=tmp_path)
    assert done.returncode == 2 and "is one of the inputs" in done.stderr
    assert (shards[1] / "results.json").is_file()


def test_a_failing_shots_baseline_comes_from_the_shards_report_when_the_project_lacks_it(shards: list[Path], tmp_path: Path) -> None:
    kept = shards[0] / "report/img/a/desktop.baseline.png"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(png((0, 0, 255)))
    code, _, err = merge(tmp_path, *shards)
    assert code == 1, err
    failing = next(s for s in json.loads((tmp_path / "merged/results.json").read_text())["shots"] if s["status"] == "fail")
    assert (tmp_path / "merged" / failing["baseline"]).read_bytes() == kept.read_bytes()
    assert (tmp_path / "merged/report/img/a/desktop.baseline.png").is_file()


# --- issue 15: forged shard folders -----------------------------------------------------------

SECRET = b"SECRET-outside-the-project-91c2"


def _forge(shard: Path, change) -> None:  # type: ignore[no-untyped-def]
    data = json.loads((shard / "results.json").read_text())
    change(data)
    (shard / "results.json").write_text(json.dumps(data))


def _failing(data: dict) -> dict:
    return next(s for s in data["shots"] if s["status"] == "fail")


def _evil(tmp_path: Path) -> Path:
    """A folder that exists, outside the project (the merge runs in tmp_path)."""
    evil = tmp_path.parent / f"{tmp_path.name}-evil-out"
    evil.mkdir(exist_ok=True)
    return evil


def _baselines_at(folder: str):  # type: ignore[no-untyped-def]
    """The shard's results name ``folder`` for their baselines, each shot's baseline in it."""

    def change(data: dict) -> None:
        data["baselines_dir"] = folder
        for shot in data["shots"]:
            shot["baseline"] = f"{folder}/{shot['page']}/{shot['breakpoint']}.png"

    return change


def _baselines_outside(tmp_path: Path, shards: list[Path]) -> list[Path]:
    for shard in shards:
        _forge(shard, _baselines_at(str(_evil(tmp_path))))
    return shards


def _baselines_through_a_link(tmp_path: Path, shards: list[Path]) -> list[Path]:
    (tmp_path / "linked").symlink_to(_evil(tmp_path), target_is_directory=True)
    for shard in shards:
        _forge(shard, _baselines_at("../linked"))
    return shards


def _shots_through_a_link(tmp_path: Path, shards: list[Path]) -> list[Path]:
    elsewhere = _evil(tmp_path) / "shots"
    shutil.move(shards[0] / "shots", elsewhere)
    (shards[0] / "shots").symlink_to(elsewhere, target_is_directory=True)
    (elsewhere / "a/desktop.actual.png").write_bytes(SECRET)
    return shards


def _kept_baseline_is_a_link_out(tmp_path: Path, shards: list[Path]) -> list[Path]:
    (_evil(tmp_path) / "secret.png").write_bytes(SECRET)
    kept = shards[0] / "report/img/a/desktop.baseline.png"
    kept.parent.mkdir(parents=True)
    kept.symlink_to(_evil(tmp_path) / "secret.png")
    return shards


def _actual_absolute(tmp_path: Path, shards: list[Path]) -> list[Path]:
    (_evil(tmp_path) / "secret.png").write_bytes(SECRET)
    _forge(shards[0], lambda d: _failing(d).update(actual=str(_evil(tmp_path) / "secret.png")))
    return shards


@pytest.mark.parametrize(
    ("forge", "message"),
    [
        (_baselines_outside, "is outside this project"),
        (_baselines_through_a_link, "is outside this project"),
        (_shots_through_a_link, "a/desktop's actual ("),
        (_kept_baseline_is_a_link_out, "desktop.baseline.png: leads outside"),
        (_actual_absolute, "a/desktop's actual ("),
    ],
    ids=["baselines-dir-outside", "baselines-dir-through-a-link", "shots-through-a-link", "kept-baseline-links-out", "actual-absolute"],
)
def test_merge_refuses_shard_folders_whose_paths_lead_out_of_the_project(shards: list[Path], tmp_path: Path, forge, message: str) -> None:  # type: ignore[no-untyped-def]
    inputs = forge(tmp_path, shards)
    evil_before = sorted(_evil(tmp_path).rglob("*"))
    code, out, err = merge(tmp_path, *inputs)
    assert code == 2, out + err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert not (tmp_path / "merged").exists() or not any(
        SECRET in p.read_bytes() for p in (tmp_path / "merged").rglob("*") if p.is_file()
    )
    assert sorted(_evil(tmp_path).rglob("*")) == evil_before  # nothing written there
