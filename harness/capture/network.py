"""Third-party assets as a network snapshot: loaded live once, replayed after.

Real pages load fonts, styles, scripts and images from CDNs. Blocking them (the default)
keeps runs deterministic but renders a page nobody sees; allowing them makes CI depend
on the internet and on what the CDN serves that day. With ``network: snapshot`` (or
``--network snapshot``), a run that writes baselines (``--update``) loads every GET the
page makes to another origin live and records the response next to the baselines; every
other run replays the recording, and anything not in it is blocked and listed, as always.

The recording lives in ``baselines/_network/``: one JSON file per page (URL → status,
the headers a browser needs, the body's SHA-256) and the bodies once each under
``blobs/`` by SHA-256, so pages sharing a font store it once. Cookies, authorization
and every other header are not kept. Written at the end of the run, file by file, each
atomically, the index last.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.files import write_atomic

if TYPE_CHECKING:
    from playwright.sync_api import Route

FOLDER = "_network"
MODES = ("block", "snapshot")
KEPT_HEADERS = ("content-type", "access-control-allow-origin", "access-control-allow-credentials", "timing-allow-origin")
MAX_BODY = 20_000_000  # bytes: one response larger than this is not recorded (a video, say)


class Snapshots:
    """The recordings of one baselines folder: replayed, or recorded when ``record``."""

    def __init__(self, baselines: Path, record: bool) -> None:
        self.root = baselines / FOLDER
        self.record = record
        self._pages: dict[str, dict[str, Any]] = {}
        self._blobs: dict[str, bytes] = {}  # recorded this run, written by save()

    def for_page(self, name: str) -> Recording:
        if name not in self._pages:
            self._pages[name] = {} if self.record else _read_index(self.root / f"{name}.json")
        return Recording(self, self._pages[name])

    def blob(self, digest: str) -> bytes | None:
        if digest in self._blobs:
            return self._blobs[digest]
        path = self.root / "blobs" / digest
        try:
            data = path.read_bytes()
        except OSError:
            return None
        return data if hashlib.sha256(data).hexdigest() == digest else None  # a damaged blob is not served

    def save(self) -> str | None:
        """Write what this run recorded; a line saying how much, or None."""
        if not self.record or not any(self._pages.values()):
            return None
        new = 0
        for digest, data in self._blobs.items():
            path = self.root / "blobs" / digest
            if not path.exists():
                write_atomic(path, data)
                new += len(data)
        for name, entries in self._pages.items():
            if entries:
                write_atomic(self.root / f"{name}.json", (json.dumps({"format": 1, "responses": entries}, indent=1, sort_keys=True) + "\n").encode())
        total = sum(len(d) for d in self._blobs.values())
        count = sum(len(e) for e in self._pages.values())
        return f"network snapshot: {count} responses from {len(self._blobs)} bodies, {total / 1e6:.1f} MB ({new / 1e6:.1f} MB new) in {self.root}"


class Recording:
    """One page's recording, as its requests go by."""

    def __init__(self, owner: Snapshots, entries: dict[str, Any]) -> None:
        self.owner, self.entries = owner, entries

    def handle(self, route: Route) -> bool:
        """Answer a request to another origin from the recording (or record it live);
        False when it has no answer, and the request is blocked."""
        request = route.request
        if request.method != "GET":
            return False
        if self.owner.record:
            return self._record(route)
        entry = self.entries.get(request.url)
        body = self.owner.blob(entry["sha256"]) if isinstance(entry, dict) and isinstance(entry.get("sha256"), str) else None
        if entry is None or body is None:
            return False
        route.fulfill(status=int(entry.get("status", 200)), headers=dict(entry.get("headers", {})), body=body)
        return True

    def _record(self, route: Route) -> bool:
        try:
            response = route.fetch()
            body = response.body()
        except Exception:
            return False  # unreachable now: blocked and listed like any other
        if len(body) > MAX_BODY:
            route.fulfill(response=response, body=body)
            return True
        digest = hashlib.sha256(body).hexdigest()
        self.owner._blobs.setdefault(digest, body)
        headers = {k: v for k, v in response.headers.items() if k.lower() in KEPT_HEADERS}
        self.entries[route.request.url] = {"status": response.status, "headers": headers, "sha256": digest, "size": len(body)}
        route.fulfill(response=response, body=body)
        return True


def _read_index(path: Path) -> dict[str, Any]:
    """A page's recorded responses; nothing for a missing or unreadable file (every
    request to another origin is then blocked and listed, which says what to do)."""
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    responses = body.get("responses") if isinstance(body, dict) else None
    return responses if isinstance(responses, dict) else {}
