"""A network snapshot (issue 14): a page on one loopback origin whose font, style sheet
and image live on another. The --update run records them; with the second origin
stopped, the replayed run passes pixel for pixel, and without a snapshot they are
blocked and listed."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import FONT, make_project, run_cli

pytestmark = pytest.mark.browser

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="{cdn}/site.css">
</head><body><h1>Fonts, styles and images from a CDN</h1>
<p>The page as readers see it needs the other origin.</p><img src="{cdn}/logo.svg" width="120" height="40" alt="logo">
</body></html>
"""
CSS = """@font-face { font-family: "Cdn Sans"; src: url("sans.woff2") format("woff2"); font-display: block; }
body { font: 20px/1.4 "Cdn Sans", serif; margin: 16px; background: #fffbe8; }
h1 { color: #0b5; }
"""
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#36c"/></svg>'


class _CorsHandler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def cdn(tmp_path: Path) -> Iterator[tuple[str, http.server.ThreadingHTTPServer]]:
    folder = tmp_path / "cdn"
    folder.mkdir()
    (folder / "site.css").write_text(CSS)
    (folder / "logo.svg").write_text(SVG)
    shutil.copy(FONT, folder / "sans.woff2")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_CorsHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", server
    server.shutdown()
    server.server_close()


def _shots(root: Path) -> list[dict]:
    return json.loads((root / ".harness/output/results.json").read_text())["shots"]


def test_recorded_once_replayed_with_the_other_origin_gone(tmp_path: Path, cdn: tuple[str, http.server.ThreadingHTTPServer]) -> None:
    url, server = cdn
    root = make_project(tmp_path / "proj")
    (root / "pages/home.html").write_text(PAGE.format(cdn=url))

    blocked = run_cli("check", "--breakpoint", "desktop", "--output-dir", "out-blocked", cwd=root)
    assert "2 requests to 1 origin were blocked (127.0.0.1:" in blocked.stdout, blocked.stdout  # the style sheet and the image (the font is in the sheet)

    recorded = run_cli("check", "--update", "missing", "--network", "snapshot", cwd=root)
    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    assert "network snapshot: 3 responses" in recorded.stdout
    assert all(not s["blocked"] for s in _shots(root))
    index = json.loads((root / "baselines/_network/home.json").read_text())["responses"]
    assert {u.rsplit("/", 1)[1] for u in index} == {"site.css", "logo.svg", "sans.woff2"}
    assert len(list((root / "baselines/_network/blobs").iterdir())) == 3
    assert not any("cookie" in h or "authorization" in h for e in index.values() for h in e["headers"])

    server.shutdown()  # the CDN is gone: only the recording can answer now
    replayed = run_cli("check", "--network", "snapshot", cwd=root)
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    shots = _shots(root)
    assert {s["status"] for s in shots} == {"pass"} and all(not s["blocked"] for s in shots)

    (root / "pages/pages.yaml").write_text("pages:\n  home:\n    network: snapshot\n")  # the page's own setting does the same
    assert run_cli("check", cwd=root).returncode == 0
