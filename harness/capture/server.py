"""A loopback HTTP server for the pages folder, so relative assets and fonts load as on a site.

It binds 127.0.0.1 on a free port and keeps quiet. It serves only files inside the folder:
``..`` in any spelling goes nowhere, a symlink that leads out of the folder is a 404,
and folders are never listed. The server itself decides which file answers a request
(a folder is answered by its ``index.html``, nothing else), resolves that very file and
opens it only if it lies inside the folder: no other code picks a file it did not check.
Clients that go away are not reported (``harness.loopback``).
"""

from __future__ import annotations

import email.utils
import functools
import os
import posixpath
import stat
import threading
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO
from urllib.parse import unquote, urlsplit

from harness.loopback import LoopbackServer

INDEX = "index.html"  # the one file a folder is answered by


class _QuietHandler(SimpleHTTPRequestHandler):
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".woff2": "font/woff2",
        ".woff": "font/woff",
        ".svg": "image/svg+xml",
        ".js": "text/javascript",
        ".mjs": "text/javascript",
    }

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def send_head(self) -> BinaryIO | None:
        """Headers for the one file this request gets, and that file open; else a 404 (or
        the redirect that sends a folder's URL to its slash, as every web server does)."""
        path = urlsplit(self.path).path
        target = self._target(path)
        if target is None:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        if target.is_dir():  # a folder inside, asked for without its slash
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", "/" + path.lstrip("/") + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        try:
            handle = open(target, "rb")  # the resolved file itself: no link is followed after the check
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        try:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise OSError("not a regular file")
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", self.guess_type(posixpath.basename(path) or INDEX))  # by the name asked for
            self.send_header("Content-Length", str(info.st_size))
            self.send_header("Last-Modified", email.utils.formatdate(info.st_mtime, usegmt=True))
            self.end_headers()
        except OSError:
            handle.close()
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        except BaseException:
            handle.close()
            raise
        return handle

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")
        return None

    def _target(self, url_path: str) -> Path | None:
        """The resolved file (or folder, for a redirect) that answers ``url_path``, if it lies
        inside the pages folder; ``None`` otherwise. Symlinks are followed before the check."""
        root = Path(os.path.realpath(self.directory))
        parts = [p for p in posixpath.normpath(unquote(url_path)).split("/") if p and p not in (".", "..")]
        if any(os.sep in p or (os.altsep and os.altsep in p) or "\0" in p for p in parts):
            return None
        wanted = root.joinpath(*parts)
        if url_path.endswith("/"):
            wanted = wanted / INDEX  # a folder's answer; a file with a slash after it is no folder
        resolved = Path(os.path.realpath(wanted))
        if resolved != root and root not in resolved.parents:
            return None
        if resolved.is_file() or (resolved.is_dir() and not url_path.endswith("/") and resolved != root):
            return resolved
        return None


class PageServer:
    """``with PageServer(folder) as server: server.url_for("x/index.html")``."""

    def __init__(self, root: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(root))
        self._httpd = LoopbackServer(("127.0.0.1", 0), handler)
        self._httpd.label = "page server"
        self.origin = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        # A short poll: shutdown() waits up to one interval, and the default (0.5 s) was a
        # tenth of a whole one-page check.
        serve = functools.partial(self._httpd.serve_forever, poll_interval=0.02)
        self._thread = threading.Thread(target=serve, name="harness-pages", daemon=True)

    def url_for(self, relative: str) -> str:
        return f"{self.origin}/{relative}"

    def __enter__(self) -> PageServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self._thread.is_alive():
            self._httpd.shutdown()
        self._httpd.server_close()
