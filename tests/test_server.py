"""Tests for the loopback page server: content types, confinement to the folder, shutdown."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from harness.capture.server import PageServer

SECRET = b"SECRET-do-not-serve-7f3a"

FILES = {
    "story/index.html": (b"<!doctype html><title>story</title>", "text/html"),
    "_assets/site.css": (b"body { margin: 0 }", "text/css"),
    "_assets/fonts/serif.woff2": (b"wOF2\x00\x01\x00\x00fake", "font/woff2"),
    "_assets/fonts/serif.woff": (b"wOFF\x00\x01\x00\x00fake", "font/woff"),
    "_assets/map.svg": (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml"),
    "_assets/app.js": (b"console.log(1)", "text/javascript"),
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PageServer]:
    """One server for the read-only tests: stopping one takes up to 0.5 s (serve_forever's poll)."""
    tmp_path = tmp_path_factory.mktemp("served")
    root = tmp_path / "pages"
    for rel, (body, _) in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(body)
    (tmp_path / "secret.txt").write_bytes(SECRET)  # next to the served folder
    with PageServer(root) as server:
        yield server


def get(server: PageServer, path: str) -> tuple[int, http.client.HTTPResponse, bytes]:
    """Send ``path`` exactly as given (no client-side normalisation)."""
    parts = urlsplit(server.origin)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        return response.status, response, body
    finally:
        conn.close()


def test_binds_loopback(served: PageServer) -> None:
    parts = urlsplit(served.origin)
    assert parts.scheme == "http"
    assert parts.hostname == "127.0.0.1"
    assert parts.port and parts.port > 0
    assert served.url_for("story/index.html") == f"{served.origin}/story/index.html"


@pytest.mark.parametrize("rel", list(FILES))
def test_serves_files_with_content_type(served: PageServer, rel: str) -> None:
    body, content_type = FILES[rel]
    status, response, got = get(served, urlsplit(served.url_for(rel)).path)
    assert status == 200
    assert got == body
    assert response.getheader("Content-Type", "").split(";")[0] == content_type
    assert response.getheader("Cache-Control") == "no-store"


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/story/../../secret.txt",
        "//../secret.txt",
        "/..\\secret.txt",
        "/%252e%252e/secret.txt",  # encoded twice
        "/%252e%252e%252fsecret.txt",
        "/..%252fsecret.txt",
        "/%2e%2e%5csecret.txt",
        "/story/%2e%2e/%2e%2e/secret.txt",
        "/%2fsecret.txt",
    ],
)
def test_nothing_outside_the_folder(served: PageServer, path: str) -> None:
    status, _, body = get(served, path)
    assert status >= 400
    assert SECRET not in body


def test_missing_file_is_404(served: PageServer) -> None:
    status, _, _ = get(served, "/nope.html")
    assert status == 404


def test_close_stops_serving(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("<p>a</p>")
    server = PageServer(tmp_path)
    with server:
        assert get(server, "/a.html")[0] == 200
    with pytest.raises(OSError):
        get(server, "/a.html")
    server.close()  # closing twice is harmless


def test_close_without_start(tmp_path: Path) -> None:
    server = PageServer(tmp_path)
    server.close()
    with pytest.raises(OSError):
        get(server, "/")


def test_symlinks_and_absolute_paths_lead_nowhere_outside(tmp_path: Path) -> None:
    root = tmp_path / "pages"
    (root / "inside").mkdir(parents=True)
    (root / "inside/ok.html").write_bytes(b"ok")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside/index.html").write_bytes(SECRET)
    (tmp_path / "secret.txt").write_bytes(SECRET)
    (root / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (root / "leakdir").symlink_to(tmp_path / "outside", target_is_directory=True)
    (root / "inside/index.html").symlink_to(tmp_path / "secret.txt")
    (root / "alias.html").symlink_to(root / "inside/ok.html")  # a link that stays inside is fine
    with PageServer(root) as server:
        secret = str(tmp_path / "secret.txt")
        absolute = (f"/{secret}", f"/{secret}".replace("/", "%2f"), f"/{secret}".replace("/", "%252f"))
        for path in ("/leak.txt", "/leakdir/index.html", "/leakdir/", "/inside/", "/inside/index.html", *absolute):
            status, _, body = get(server, path)
            assert status == 404 and SECRET not in body, path
        assert get(server, "/alias.html")[2] == b"ok"


def test_folders_are_not_listed(served: PageServer) -> None:
    for path in ("/", "/_assets/", "/_assets/fonts/"):
        status, _, body = get(served, path)
        assert status == 404 and b"serif.woff2" not in body and b"site.css" not in body, path
    assert get(served, "/story/")[0] == 200  # a folder with an index.html still serves it
