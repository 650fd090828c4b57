"""``harness diff`` as a user runs it: a subprocess on PNG files, judged by exit code,
stdout and stderr (0 match, 1 differ, 2 bad input with one stderr line)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import diff_fixtures as F
from harness.compare.diff import compare


def run(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "HARNESS_DEBUG"}
    proc = subprocess.run(
        [sys.executable, "-m", "harness", "diff", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc


def save(path: Path, array: np.ndarray) -> Path:
    Image.fromarray(np.ascontiguousarray(array), "RGBA").save(path)
    return path


def read(path: Path) -> np.ndarray:
    with Image.open(path) as img:
        assert img.format == "PNG"
        return np.asarray(img.convert("RGBA"))


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """The pairs the CLI tests use, as PNG files in tmp_path."""
    out = {}
    for name in ("text-shift-1px", "size-both-64x40-60x46", "alpha"):
        p = F.pair(name)
        out[f"{name}/a"] = save(tmp_path / f"{name}-a.png", p.baseline)
        out[f"{name}/b"] = save(tmp_path / f"{name}-b.png", p.actual)
    return out


def test_identical_exit_0(tmp_path: Path, files: dict[str, Path]) -> None:
    a = files["text-shift-1px/a"]
    copy = tmp_path / "copy.png"
    copy.write_bytes(a.read_bytes())
    proc = run(a, copy, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("match") and proc.stderr == ""


def test_different_exit_1(tmp_path: Path, files: dict[str, Path]) -> None:
    proc = run(files["text-shift-1px/a"], files["text-shift-1px/b"], cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("differ") and proc.stderr == ""
    count, _ = F.reference(F.pair("text-shift-1px").baseline, F.pair("text-shift-1px").actual)
    assert str(count) in proc.stdout


def _bad_inputs(tmp: Path, good: Path) -> dict[str, tuple[list[object], str]]:
    """name -> (arguments, text the one stderr line must contain)."""
    (tmp / "notes.png").write_text("this is not an image\n")
    Image.fromarray(np.full((20, 30, 3), 200, np.uint8)).save(tmp / "photo.png", format="JPEG")
    data = good.read_bytes()
    (tmp / "truncated.png").write_bytes(data[: len(data) // 2])
    (tmp / "header-only.png").write_bytes(data[:40])
    Image.fromarray(np.full((20, 30), 1000, np.uint16)).save(tmp / "sixteen-bit.png")
    (tmp / "folder.png").mkdir()
    return {
        "missing": ([good, tmp / "nowhere.png"], "nowhere.png"),
        "missing-baseline": ([tmp / "gone.png", good], "gone.png"),
        "text-file": ([tmp / "notes.png", good], "notes.png"),
        "jpeg": ([good, tmp / "photo.png"], "photo.png"),
        "truncated": ([tmp / "truncated.png", good], "truncated.png"),
        "header-only": ([good, tmp / "header-only.png"], "header-only.png"),
        "sixteen-bit": ([tmp / "sixteen-bit.png", good], "sixteen-bit.png"),
        "folder": ([tmp / "folder.png", good], "folder.png"),
        "threshold-2": ([good, good, "--threshold", "2"], "--threshold"),
        "threshold-word": ([good, good, "--threshold", "high"], "--threshold"),
        "max-diff-pixels-negative": ([good, good, "--max-diff-pixels", "-1"], "--max-diff-pixels"),
        "max-diff-pixels-fraction": ([good, good, "--max-diff-pixels", "2.5"], "--max-diff-pixels"),
        "ratio-1.5": ([good, good, "--max-diff-pixel-ratio", "1.5"], "--max-diff-pixel-ratio"),
        "one-file": ([good], "ACTUAL"),
    }


BAD = (
    "missing", "missing-baseline", "text-file", "jpeg", "truncated", "header-only", "sixteen-bit", "folder",
    "threshold-2", "threshold-word", "max-diff-pixels-negative", "max-diff-pixels-fraction", "ratio-1.5", "one-file",
)


@pytest.mark.parametrize("case", BAD)
def test_bad_input_exit_2_one_line(case: str, tmp_path: Path, files: dict[str, Path]) -> None:
    args, needle = _bad_inputs(tmp_path, files["text-shift-1px/a"])[case]
    proc = run(*args, cwd=tmp_path)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stderr.endswith("\n") and proc.stderr.count("\n") == 1, proc.stderr
    assert needle in proc.stderr
    assert proc.stdout == ""


def test_json_same_size(tmp_path: Path, files: dict[str, Path]) -> None:
    p = F.pair("text-shift-1px")
    proc = run(files["text-shift-1px/a"], files["text-shift-1px/b"], "--json", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.count("\n") == 1  # one line, one object
    doc = json.loads(proc.stdout)
    assert isinstance(doc, dict)
    want = compare(p.baseline, p.actual)
    assert doc["mismatched"] == want.mismatched == F.reference(p.baseline, p.actual)[0]
    assert doc["total"] == 120 * 80 and (doc["width"], doc["height"]) == (120, 80)
    assert doc["ratio"] == pytest.approx(want.mismatched / (120 * 80))
    assert doc["regions"] == [list(r[:4]) for r in want.regions]
    assert all(isinstance(r, list) and len(r) == 4 and all(isinstance(v, int) for v in r) for r in doc["regions"])
    assert doc["passed"] is False


def test_json_different_sizes_is_the_union(tmp_path: Path, files: dict[str, Path]) -> None:
    p = F.pair("size-both-64x40-60x46")
    proc = run(files["size-both-64x40-60x46/a"], files["size-both-64x40-60x46/b"], "--json", "--max-diff-pixel-ratio", "1", cwd=tmp_path)
    assert proc.returncode == 1  # a size change fails whatever the limits
    doc = json.loads(proc.stdout)
    assert (doc["width"], doc["height"], doc["total"]) == (64, 46, 64 * 46)
    assert doc["baseline_size"] == [64, 40] and doc["actual_size"] == [60, 46]
    assert doc["mismatched"] == F.reference(p.baseline, p.actual)[0]
    covered = np.zeros((46, 64), dtype=bool)
    for x, y, w, h in doc["regions"]:
        covered[y : y + h, x : x + w] = True
    assert covered[:, 60:].all() and covered[40:, :].all()


def test_options_reach_the_comparison(tmp_path: Path, files: dict[str, Path]) -> None:
    p = F.pair("alpha")
    proc = run(files["alpha/a"], files["alpha/b"], "--json", "--threshold", "0.05", "--include-aa", cwd=tmp_path)
    assert json.loads(proc.stdout)["mismatched"] == F.reference(p.baseline, p.actual, threshold=0.05, include_aa=True)[0]


@pytest.mark.parametrize("name", ("text-shift-1px", "size-both-64x40-60x46"))
def test_diff_image_written(name: str, tmp_path: Path, files: dict[str, Path]) -> None:
    p = F.pair(name)
    out = tmp_path / "out" / "diff.png"  # the folder does not exist yet
    proc = run(files[f"{name}/a"], files[f"{name}/b"], "-o", out, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    got = read(out)
    want = compare(p.baseline, p.actual, diff_image=True).diff_image
    assert np.array_equal(got, want)
    assert np.array_equal(got, F.reference(p.baseline, p.actual)[1])
    assert [f.name for f in out.parent.iterdir()] == ["diff.png"]  # no temporary left behind


def test_diff_image_for_identical_images(tmp_path: Path, files: dict[str, Path]) -> None:
    a = files["alpha/a"]
    proc = run(a, a, "-o", "diff.png", cwd=tmp_path)
    assert proc.returncode == 0
    assert np.array_equal(read(tmp_path / "diff.png"), compare(F.pair("alpha").baseline, F.pair("alpha").baseline, diff_image=True).diff_image)


def test_limits_let_a_small_diff_pass(tmp_path: Path, files: dict[str, Path]) -> None:
    p = F.pair("text-shift-1px")
    n = compare(p.baseline, p.actual).mismatched
    a, b = files["text-shift-1px/a"], files["text-shift-1px/b"]
    assert run(a, b, "--max-diff-pixels", n, cwd=tmp_path).returncode == 0
    assert run(a, b, "--max-diff-pixels", n - 1, cwd=tmp_path).returncode == 1
    ratio = n / (120 * 80)
    assert run(a, b, "--max-diff-pixel-ratio", f"{ratio + 1e-6:.8f}", cwd=tmp_path).returncode == 0
    # both set: the stricter applies
    assert run(a, b, "--max-diff-pixels", n, "--max-diff-pixel-ratio", f"{ratio / 2:.8f}", cwd=tmp_path).returncode == 1
