"""Installing the harness into another project works: the wheel holds every data file the
package reads, and a clean environment in another folder runs init and check from it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from helpers import FONT, REPO

SITE_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
@font-face { font-family: "Sans"; src: url("_assets/sans.woff2") format("woff2"); font-display: block; }
body { margin: 0; padding: 16px; font: 16px/1.5 "Sans", sans-serif; }
header { background: #234; color: #fff; padding: 24px; }
.cards { display: grid; gap: 12px; }
.card { background: #eee; padding: 12px; }
@media (min-width: 700px) { .cards { grid-template-columns: 1fr 1fr; } }
</style></head><body>
<header><h1>A small site</h1></header>
<main class="cards"><div class="card"><h2>One</h2></div><div class="card"><h2>Two</h2></div><div class="card"><h2>Three</h2></div></main>
</body></html>
"""


def build_wheel(out: Path) -> Path:
    """The wheel of the package as it is in this checkout, built from a copy (the checkout
    stays clean), without downloading anything when setuptools is new enough here."""
    source = out / "src"
    shutil.copytree(REPO / "harness", source / "harness", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    import setuptools

    flags = ["--no-build-isolation"] if int(setuptools.__version__.split(".")[0]) >= 77 else []  # else pip fetches a newer one
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", *flags, "-q", str(source), "-w", str(out / "dist")],
        check=True, capture_output=True, text=True, timeout=600,
    )
    (wheel,) = (out / "dist").glob("news_layout_harness-*.whl")
    return wheel


def test_the_wheel_holds_every_data_file_of_the_package(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)
    data = {
        p.relative_to(REPO).as_posix()
        for p in (REPO / "harness").rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    }
    assert data, "the package reads data files (report assets, the lint probe)"
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    assert data <= names, f"missing from the wheel: {sorted(data - names)}"
    assert "harness/report/assets/report.js" in names and "harness/inspect/lint_probe.js" in names


@pytest.mark.browser
def test_a_clean_environment_in_another_folder_runs_init_and_check_from_the_wheel(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path / "build")
    env_dir = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True, timeout=300)
    python = env_dir / "bin" / "python"
    purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  check=True, capture_output=True, text=True).stdout.strip())
    # Its dependencies (Playwright, numpy, Pillow, ...) come from this environment, offline: the
    # path goes last, and its .pth files (this checkout's editable install) are not run.
    (purelib / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
                   check=True, capture_output=True, text=True, timeout=600)
    scripts = env_dir / "bin"
    assert (scripts / "harness").is_file()  # the wheel's console script

    site = tmp_path / "site"
    (site / "pages" / "_assets").mkdir(parents=True)
    (site / "pages" / "home.html").write_text(SITE_PAGE)
    shutil.copy(FONT, site / "pages" / "_assets" / "sans.woff2")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "HARNESS_DEBUG", "VIRTUAL_ENV")}
    env["PATH"] = f"{scripts}{os.pathsep}{env.get('PATH', '')}"

    def harness(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["harness", *args], cwd=site, env=env, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)

    where = subprocess.run([str(python), "-c", "import harness; print(harness.__file__)"], cwd=site, env=env, capture_output=True, text=True)
    assert where.stdout.strip().startswith(str(purelib)), where.stdout + where.stderr  # the wheel's, not this checkout's

    init = harness("init")
    assert init.returncode == 0, init.stdout + init.stderr
    assert "the CSS switches at 700" in init.stdout
    first = harness("check", "--update", "missing")
    assert first.returncode == 0, first.stdout + first.stderr
    again = harness("check")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "2 shots: 2 passed" in again.stdout and "could not inspect" not in again.stdout
    report = (site / ".harness/output/report/index.html").read_text()
    assert "<script" in report and len(report) > 50_000  # the report's assets are inlined from the wheel
