"""``harness review``: the report served on loopback, with Approve and Reject that work.

Only 127.0.0.1 is bound. Every state-changing request must carry the per-run token in
``X-Harness-Token``, an ``Origin`` header naming this server (browsers send one with
every POST), and be JSON (which a cross-site form cannot send without a preflight this
server never grants). Shot names are checked against the current results, and
baselines are written by the same code as ``harness approve``, so nothing can be written
outside the baselines folder. A change waits for no one: while another run holds the
output folder, it is refused with that run's name.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import secrets
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from harness.errors import HarnessError
from harness.loopback import LoopbackServer
from harness.paths import ProjectPaths, project_root, resolve
from harness.results import load

MAX_BODY = 64 * 1024
TOKEN_META = '<meta name="harness-review-token" content="">'
ACTIONS = {"/api/approve": "approve", "/api/reject": "reject", "/api/approve-group": "approve-group", "/api/undo": "undo"}
TYPES = {".html": "text/html; charset=utf-8", ".png": "image/png", ".jpg": "image/jpeg", ".css": "text/css", ".js": "text/javascript"}


class ReviewServer:
    """``with ReviewServer(output) as server: print(server.url)``."""

    def __init__(self, output: Path, port: int = 0, paths: ProjectPaths | None = None) -> None:
        self.output = output
        # The project whose baselines approvals may write (by default the one holding the output folder).
        self.paths = paths or resolve(output=output, root=project_root(output))
        self.report = output / "report"
        self.token = secrets.token_urlsafe(24)
        self.run_id = load(output).run_id  # refuse to start on missing or unreadable results
        if not (self.report / "index.html").is_file():
            raise HarnessError(f"{self.report / 'index.html'}: no report; run 'harness check' first")
        self.lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"review": self})
        self.httpd = LoopbackServer(("127.0.0.1", port), handler)
        self.httpd.label = "review server"
        self.port = self.httpd.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.url = f"{self.origin}/"
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="harness-review", daemon=True)

    def __enter__(self) -> ReviewServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def close(self) -> None:
        if self._thread.is_alive():
            self.httpd.shutdown()
        self.httpd.server_close()
        with self.lock:  # an approval under way finishes before the process may end
            pass

    # -- actions -------------------------------------------------------------------

    def act(self, action: str, ids: list[str]) -> dict[str, Any]:
        from harness.store.approve import approve, confine, group_shots, reject, undo
        from harness.store.baselines import output_lock

        with self.lock, contextlib.ExitStack() as hold:  # one change at a time: results.json is read, changed and written
            try:
                hold.enter_context(output_lock(self.output, "harness review"))
            except HarnessError as err:
                raise _Refused(HTTPStatus.CONFLICT, str(err)) from None
            results = load(self.output)
            if results.run_id != self.run_id:
                raise _Refused(HTTPStatus.CONFLICT, "a newer run replaced these results; reload the report")
            confine(results, self.output, self.paths)  # read again, so checked again: never written outside
            if action == "approve-group":  # one finding at several breakpoints: its shots, approved as one request
                ids = group_shots(results, ids)
            if action == "reject":
                lines = reject(results, self.output, ids)
            elif action == "undo":
                lines = undo(results, self.output, ids)
            else:
                lines = approve(results, self.output, ids, undoable=True)
            wanted = set(ids) | {s.id for s in results.shots if s.page in ids}
            shots = [
                {"id": s.id, "status": s.status, "approved": s.approved, "rejected": s.rejected}
                for s in results.shots
                if s.id in wanted
            ]
        return {"shots": shots, "message": "; ".join(lines) or "nothing to change"}

    def index(self) -> bytes:
        html = (self.report / "index.html").read_text(encoding="utf-8")
        return html.replace(TOKEN_META, f'<meta name="harness-review-token" content="{self.token}">').encode()


class _Refused(Exception):
    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status


class _Handler(BaseHTTPRequestHandler):
    review: ReviewServer
    server_version = "harness-review"
    timeout = 15  # seconds: a client that promises a body and never sends it is dropped

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802
        try:
            self._check_host()
            path = unquote(urlsplit(self.path).path)
            if path in ("/", "/index.html"):
                return self._send(HTTPStatus.OK, self.review.index(), TYPES[".html"])
            file = self._static(path)
            self._send(HTTPStatus.OK, file.read_bytes(), TYPES.get(file.suffix, "application/octet-stream"))
        except _Refused as err:
            self._send_json(err.status, {"error": str(err)})

    def do_POST(self) -> None:  # noqa: N802
        try:
            self._check_host()
            action = ACTIONS.get(urlsplit(self.path).path)
            if action is None:
                raise _Refused(HTTPStatus.NOT_FOUND, "no such endpoint")
            self._check_request()
            ids = self._shot_ids("groups" if action == "approve-group" else "shots")
            try:
                answer = self.review.act(action, ids)
            except HarnessError as err:
                raise _Refused(HTTPStatus.BAD_REQUEST, str(err)) from None
            self._send_json(HTTPStatus.OK, answer)
        except _Refused as err:
            self._send_json(err.status, {"error": str(err)})

    def _check_host(self) -> None:
        """Refuse other host names (DNS rebinding) before anything else."""
        if self.headers.get("Host") not in (f"127.0.0.1:{self.review.port}", f"localhost:{self.review.port}"):
            raise _Refused(HTTPStatus.FORBIDDEN, "wrong host")

    def _check_request(self) -> None:
        token = self.headers.get("X-Harness-Token", "")
        if not hmac.compare_digest(token.encode(), self.review.token.encode()):
            raise _Refused(HTTPStatus.FORBIDDEN, "missing or wrong review token; reload the page from the URL harness review printed")
        if self.headers.get("Origin") not in (self.review.origin, f"http://localhost:{self.review.port}"):
            raise _Refused(HTTPStatus.FORBIDDEN, "cross-origin request refused (or no Origin header); use the page harness review serves")
        if (self.headers.get("Content-Type") or "").split(";")[0].strip() != "application/json":
            raise _Refused(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "send JSON")

    def _shot_ids(self, key: str = "shots") -> list[str]:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length <= 0 or length > MAX_BODY:
            raise _Refused(HTTPStatus.BAD_REQUEST, "send a JSON body of at most 64 KiB")
        try:
            body = json.loads(self.rfile.read(length))
            ids = body[key]
            if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            example = '{"groups": ["g1", ...]}' if key == "groups" else '{"shots": ["page/breakpoint", ...]}'
            raise _Refused(HTTPStatus.BAD_REQUEST, f"send {example}") from None
        return ids

    def _static(self, path: str) -> Path:
        """A file inside the report folder, or 404: no other file is ever served."""
        root = self.review.report.resolve()
        try:
            file = (root / path.lstrip("/")).resolve()
        except (OSError, ValueError):
            raise _Refused(HTTPStatus.NOT_FOUND, "not found") from None
        if root not in file.parents or not file.is_file():
            raise _Refused(HTTPStatus.NOT_FOUND, "not found")
        return file

    def _send_json(self, status: HTTPStatus, body: dict[str, Any]) -> None:
        self._send(status, json.dumps(body).encode(), "application/json")

    def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; connect-src 'self'")
        self.end_headers()
        self.wfile.write(body)
