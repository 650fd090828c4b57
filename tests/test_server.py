"""Tests for the loopback page server: content types, confinement to the folder, shutdown."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from helpers import reset_midway, wait_for_handlers_to_finish

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


# --- issue 15: the server checks the very file it serves ----------------------------------------

INDEX_NAMES = ("index.html", "index.htm", "index.HTML", "default.htm", "index.php")


@pytest.fixture(scope="module")
def booby_trapped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PageServer, Path]]:
    """A pages folder where every name a folder could be served by, and every kind of link,
    leads to the secret outside it."""
    tmp = tmp_path_factory.mktemp("trapped")
    root = tmp / "pages"
    root.mkdir()
    (tmp / "secret.txt").write_bytes(SECRET)
    (tmp / "outside").mkdir()
    for name in INDEX_NAMES:
        (tmp / "outside" / name).write_bytes(SECRET)
    for i, name in enumerate(INDEX_NAMES):
        (root / f"_f{i}").mkdir()
        (root / f"_f{i}" / name).symlink_to(tmp / "secret.txt")  # a folder whose index is a link out
    (root / "_both").mkdir()  # an index.html inside, and an index.htm leading out
    (root / "_both/index.html").write_bytes(b"inside")
    (root / "_both/index.htm").symlink_to(tmp / "secret.txt")
    (root / "_dir").symlink_to(tmp / "outside", target_is_directory=True)  # a folder that is a link out
    (root / "_file.txt").symlink_to(tmp / "secret.txt")
    (root / "_chain.txt").symlink_to(root / "_file.txt")  # a link to a link out
    (root / "_rel.txt").symlink_to("../secret.txt")  # a relative link out
    (root / "_ok").mkdir()
    (root / "_ok/index.htm").write_bytes(b"a real index.htm, inside")
    with PageServer(root) as server:
        yield server, tmp


def _trap_paths() -> list[str]:
    paths = []
    for i, name in enumerate(INDEX_NAMES):
        paths += [f"/_f{i}/", f"/_f{i}/{name}", f"/_f{i}/.", f"/_f{i}//", f"/_f{i}/%2e/", f"/_f{i}%2f"]
    for name in INDEX_NAMES:
        paths += [f"/_dir/{name}", f"/_dir/./{name}"]
    paths += ["/_dir/", "/_dir", "/_both/index.htm", "/_file.txt", "/_chain.txt", "/_rel.txt", "/_file.txt%00.html"]
    paths += ["/_f0/../_f1/", "/%5ff1/", "/_F1/", "/_f1/index.htm?x=1", "/_f1/index.htm#x", "/_both/index.htm/"]
    return paths


@pytest.mark.parametrize("path", _trap_paths())
def test_no_name_a_folder_or_link_could_be_served_by_leads_outside(booby_trapped: tuple[PageServer, Path], path: str) -> None:
    server, _ = booby_trapped
    status, _, body = get(server, path)
    assert SECRET not in body, path
    assert status in (301, 404), (path, status)


def test_a_folder_serves_its_index_html_and_nothing_else_decides(booby_trapped: tuple[PageServer, Path]) -> None:
    server, _ = booby_trapped
    status, _, body = get(server, "/_both/")
    assert (status, body) == (200, b"inside")
    assert get(server, "/_both/index.html")[2] == b"inside"
    status, response, _ = get(server, "/_both")  # a folder without its slash: sent to it, as before
    assert status == 301 and response.getheader("Location") == "/_both/"
    assert get(server, "/_ok/")[0] == 404  # a folder is served by its index.html only
    assert get(server, "/_ok/index.htm")[2] == b"a real index.htm, inside"  # named, a file inside is served


# --- issue 15: clients that go away are no one's business -------------------------------------


def test_a_client_that_resets_the_connection_leaves_no_traceback(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    # Far more than the loopback socket buffers hold, so the server is still writing at the reset.
    (tmp_path / "big.bin").write_bytes(b"\0" * (48 << 20))
    (tmp_path / "index.html").write_text("<p>ok</p>")
    with PageServer(tmp_path) as server:
        for _ in range(3):
            reset_midway(server.origin, "/big.bin")
        wait_for_handlers_to_finish()
        assert get(server, "/index.html")[0] == 200  # still serving
    out, err = capfd.readouterr()
    assert err == "" and out == ""
