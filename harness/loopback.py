"""The HTTP server class under both of the harness's loopback servers (pages and review).

A client that goes away (a closed tab, a page that navigates on, a reset) is nobody's
business: its errors are dropped. Any other error in a request is reported once, in one
line on stderr, and the server goes on serving.
"""

from __future__ import annotations

import sys
from http.server import ThreadingHTTPServer
from typing import Any

from harness.errors import one_line

# What a client that went away looks like from the server's side.
GONE = (ConnectionResetError, BrokenPipeError, ConnectionAbortedError, TimeoutError)


class LoopbackServer(ThreadingHTTPServer):
    """A threading HTTP server whose request threads never keep the process alive."""

    daemon_threads = True
    label = "server"  # names the server in the one line an error gets

    def handle_error(self, request: Any, client_address: Any) -> None:
        err = sys.exc_info()[1]
        if err is None or isinstance(err, GONE):
            return
        where = f"{client_address[0]}:{client_address[1]}" if isinstance(client_address, tuple) else str(client_address)
        print(
            one_line(f"harness: {self.label}: a request from {where} failed: {type(err).__name__}: {err}"),
            file=sys.stderr,
            flush=True,
        )
