"""Test helpers: a tiny project to run the harness on, the seed page to inject changes into,
and the CLI as a subprocess."""

from __future__ import annotations

import os
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
FONT = REPO / "pages" / "_assets" / "fonts" / "source-sans-3-latin-400-normal.woff2"
ATTACKS = REPO / "tests" / "attacks"  # the attack corpus: hostile pages and inputs (see its README)

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

# A site built with a real CSS framework's breakpoints: Bootstrap 5's sm/md/lg/xl/xxl (576, 768,
# 992, 1200, 1400 px), written inline as Bootstrap's compiled CSS writes them: min-width
# queries for "and up", max-width .98 queries for "and down", and one "only md" range.
BOOTSTRAP_BOUNDARIES = (576, 768, 992, 1200, 1400)
BOOTSTRAP_CSS = """\
@font-face { font-family: "Sans"; src: url("../_assets/sans.woff2") format("woff2"); font-display: block; }
body { margin: 0; font: 16px/1.5 "Sans", sans-serif; color: #212529; background: #fff; }
.container { margin: 0 auto; padding: 0 12px; }
.navbar { background: #212529; color: #fff; padding: 8px 12px; display: flex; flex-wrap: wrap; gap: 12px; }
.navbar .links { display: none; }
.masthead { background: #0085a1; color: #fff; padding: 48px 12px; }
.masthead h1 { margin: 0; font-size: 32px; }
.posts { display: grid; grid-template-columns: 1fr; gap: 16px; padding: 16px 0; }
.card { border: 1px solid #ddd; padding: 12px; }
.card h2 { margin: 0 0 8px; font-size: 22px; }
footer { border-top: 1px solid #ddd; padding: 24px 12px; }
@media (min-width: 576px) { .container { max-width: 540px; } .masthead h1 { font-size: 40px; } }
@media (min-width: 768px) { .container { max-width: 720px; } .posts { grid-template-columns: 1fr 1fr; } }
@media (min-width: 768px) and (max-width: 991.98px) { .lead { font-style: italic; } }
@media (min-width: 992px) { .container { max-width: 960px; } .navbar .links { display: flex; gap: 12px; } .navbar .toggler { display: none; } }
@media (min-width: 1200px) { .container { max-width: 1140px; } .posts { grid-template-columns: 1fr 1fr 1fr; } }
@media (min-width: 1400px) { .container { max-width: 1320px; } .masthead h1 { font-size: 56px; } }
@media (max-width: 575.98px) { .masthead { padding: 24px 12px; } }
@media (max-width: 991.98px) { .navbar .toggler { display: inline-block; } }
@media (prefers-reduced-motion: reduce) { * { transition: none; } }
"""
BOOTSTRAP_PAGE = """\
<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Clean Blog</title>
<link rel="stylesheet" href="../css/styles.css">
</head><body>
<nav class="navbar"><span class="brand">Start Bootstrap</span><button class="toggler">Menu</button>
<div class="links"><a href="#">Home</a><a href="#">About</a><a href="#">Sample Post</a></div></nav>
<header class="masthead"><div class="container"><h1>Clean Blog</h1><p class="lead">A blog theme by Start Bootstrap</p></div></header>
<main class="container"><div class="posts">
<article class="card"><h2 class="post-title">Man must explore, and this is exploration at its greatest</h2><p>Problems look mighty small from 150 miles up</p></article>
<article class="card"><h2 class="post-title">I believe every human has a finite number of heartbeats</h2><p>Posted on September 24, 2023</p></article>
<article class="card"><h2 class="post-title">Science has not yet mastered prophecy</h2><p>We predict too much for the next year and yet far too little for the next ten.</p></article>
</div></main>
<footer><div class="container">Copyright &copy; Your Website 2023</div></footer>
</body></html>
"""


def make_bootstrap_site(root: Path) -> Path:
    """A folder holding only a site's built pages, as a team would copy them: no harness files."""
    (root / "pages" / "home").mkdir(parents=True, exist_ok=True)
    (root / "pages" / "css").mkdir(parents=True, exist_ok=True)
    (root / "pages" / "_assets").mkdir(parents=True, exist_ok=True)
    (root / "pages" / "home" / "index.html").write_text(BOOTSTRAP_PAGE)
    (root / "pages" / "css" / "styles.css").write_text(BOOTSTRAP_CSS)
    shutil.copy(FONT, root / "pages" / "_assets" / "sans.woff2")
    return root


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


def reset_midway(origin: str, path: str, wait: bool = True) -> None:
    """Ask for ``path``, take the first bytes of the answer (so the server is writing), then
    reset the connection (RST), as a tab closed in the middle of a download does; with
    ``wait=False``, reset at once without reading anything."""
    parts = urlsplit(origin)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode())
    if wait:
        assert sock.recv(1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def wait_for_handlers_to_finish() -> None:
    """Every request thread has ended (bounded: a guard against hangs, not a timing)."""
    deadline = time.monotonic() + 60
    while any("process_request_thread" in t.name for t in threading.enumerate()):
        assert time.monotonic() < deadline, "a request thread never ended"
        time.sleep(0.05)
