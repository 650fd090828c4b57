"""A loopback HTTP server for the pages folder, so relative assets and fonts load as on a site.

It binds 127.0.0.1 on a free port and keeps quiet. It serves only files inside the folder:
``..`` in any spelling goes nowhere, a symlink that leads out of the folder is a 404,
and folders are never listed.
"""

from __future__ import annotations

import functools
import os
import threading
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any


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

    def send_head(self) -> Any:
        if not self._inside(self.translate_path(self.path)):
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        return super().send_head()

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")
        return None

    def _inside(self, path: str) -> bool:
        """The file (or the index.html a folder serves) really lies inside the folder,
        symlinks followed."""
        root = os.path.realpath(self.directory)
        target = os.path.join(path, "index.html") if os.path.isdir(path) else path
        try:
            return os.path.commonpath([root, os.path.realpath(target)]) == root
        except ValueError:  # another drive (Windows)
            return False


class PageServer:
    """``with PageServer(folder) as server: server.url_for("x/index.html")``."""

    def __init__(self, root: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(root))
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
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
