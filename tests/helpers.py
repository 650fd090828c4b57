"""Test helpers: a tiny project to run the harness on, the seed page to inject changes into,
and the CLI as a subprocess."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FONT = REPO / "pages" / "_assets" / "fonts" / "source-sans-3-latin-400-normal.woff2"

TINY_BREAKPOINTS = """\
breakpoints:
  phone:
    min_width: 0
    max_width: 639
    viewport: {width: 360, height: 640}
    is_mobile: true
    has_touch: true
  tablet:
    min_width: 640
    max_width: 1023
    viewport: {width: 800, height: 600}
  desktop:
    min_width: 1024
    viewport: {width: 1200, height: 700}
"""

TINY_PAGE = """\
<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="home.css">
</head><body>
<header><button id="menu" aria-expanded="false">Menu</button><nav id="nav">World · Business · Markets</nav></header>
<h1>U.S., Russia differ on military force as Syria talks open</h1>
<p>GENEVA (Reuters) - U.S. Secretary of State John Kerry and Russian Foreign Minister Sergei Lavrov
opened high-stakes talks on Thursday on disarming Syria's chemical weapons programs.</p>
<aside>Related coverage</aside>
<script>
document.getElementById('menu').addEventListener('click', e => {
  const open = e.target.getAttribute('aria-expanded') === 'true';
  e.target.setAttribute('aria-expanded', String(!open));
  document.body.classList.toggle('menu-open', !open);
});
</script>
</body></html>
"""

TINY_CSS = """\
@font-face { font-family: "Sans"; src: url("_assets/sans.woff2") format("woff2"); font-display: block; }
body { margin: 0; padding: 16px; font: 16px/1.5 "Sans", sans-serif; color: #222; background: #fff; }
h1 { margin: 0 0 12px; font-size: 24px; }
#nav { display: none; }
.menu-open #nav { display: block; background: #333; color: #fff; padding: 8px; }
aside { background: #fff3e0; padding: 8px; }
@media (min-width: 640px) { h1 { font-size: 32px; } #menu { display: none; } #nav { display: block; } }
@media (min-width: 1024px) { body { display: grid; grid-template-columns: 3fr 1fr; gap: 24px; }
  header, h1 { grid-column: 1 / -1; } }
"""


def make_project(root: Path) -> Path:
    """A small project: three breakpoints and one page that renders fast."""
    (root / "pages" / "_assets").mkdir(parents=True, exist_ok=True)
    (root / "breakpoints.yaml").write_text(TINY_BREAKPOINTS)
    (root / "pages" / "home.html").write_text(TINY_PAGE)
    (root / "pages" / "home.css").write_text(TINY_CSS)
    shutil.copy(FONT, root / "pages" / "_assets" / "sans.woff2")
    return root


def copy_seed(root: Path, baselines: bool = True) -> Path:
    """A project holding a copy of the seed page (and its baselines), to inject changes into."""
    shutil.copytree(REPO / "pages/syria-talks", root / "pages/syria-talks")
    shutil.copytree(REPO / "pages/_assets", root / "pages/_assets")
    if baselines:
        shutil.copytree(REPO / "baselines/syria-talks", root / "baselines/syria-talks")
    shutil.copy(REPO / "breakpoints.yaml", root / "breakpoints.yaml")
    return root


TABLET_ONLY_CHANGE = "\n@media (min-width: 640px) and (max-width: 1023px) { h1 { margin-top: 3px; } }\n"


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """``harness ARGS`` as a user runs it, in ``cwd``."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("HARNESS_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "harness", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def snapshot_tree(folder: Path) -> dict[str, bytes]:
    """Every file's bytes, to prove a command changed nothing."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".lock"}


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares a huge size and holds almost nothing: a decompression bomb's shape."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 4096)) + chunk(b"IEND", b"")
