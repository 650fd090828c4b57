"""The baselines folder: the only code that writes under ``baselines/``.

Layout: ``baselines/<page>/<breakpoint>.png``, its geometry snapshot
``<breakpoint>.geometry.json`` (landmark boxes, for explanations), and
``baselines/manifest.json``, which records for each baseline the viewport, the browser and
when it was approved. Writes are queued and flushed once: every file atomically, then the
manifest atomically, so an interrupted run leaves each file old or new, never half-written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.compare.images import write_atomic
from harness.errors import HarnessError

MANIFEST = "manifest.json"
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]*")  # "@": edge shots, landscape-tablet@920


@dataclass(frozen=True)
class PendingWrite:
    page: str
    breakpoint: str
    png: bytes | None  # None: only the geometry snapshot is written (the baseline stays)
    meta: dict[str, Any]
    geometry: bytes | None = None


class BaselineStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._queue: list[PendingWrite] = []

    def path(self, page: str, breakpoint: str) -> Path:
        """Where a baseline lives; names are checked so nothing escapes the folder."""
        for name in (page, breakpoint):
            if not SAFE_NAME.fullmatch(name) or name in (".", ".."):
                raise HarnessError(f"{name!r} cannot be a baseline file name; use only A-Z a-z 0-9 . _ -")
        return self.root / page / f"{breakpoint}.png"

    def geometry_path(self, page: str, breakpoint: str) -> Path:
        return self.path(page, breakpoint).with_suffix(".geometry.json")

    def read(self, page: str, breakpoint: str) -> bytes | None:
        """The baseline's bytes, None if there is none; something else in its place is an error."""
        path = self.path(page, breakpoint)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None
        except IsADirectoryError:
            raise HarnessError(f"{path}: is a folder, not a baseline PNG; remove or rename it") from None
        except NotADirectoryError:
            blocker = next((p for p in (path.parent, *path.parent.parents) if p.exists() and not p.is_dir()), path.parent)
            raise HarnessError(f"{blocker}: is a file where the baselines need a folder; remove or rename it") from None
        except OSError as err:
            raise HarnessError(f"{path}: cannot read this baseline ({err.strerror or err}); check the file's permissions") from None

    def read_geometry(self, page: str, breakpoint: str) -> bytes | None:
        try:
            return self.geometry_path(page, breakpoint).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None

    def queue(self, page: str, breakpoint: str, png: bytes | None, meta: dict[str, Any], geometry: bytes | None = None) -> None:
        self.path(page, breakpoint)  # validate now, not at flush time
        self._queue.append(PendingWrite(page, breakpoint, png, meta, geometry))

    @property
    def pending(self) -> list[PendingWrite]:
        return list(self._queue)

    def flush(self) -> list[str]:
        """Write every queued baseline, then the manifest; return the ids written.

        A lock file serialises writers (two runs, or pytest-xdist workers), so the
        manifest's read-modify-write never loses another writer's entries.
        """
        if not self._queue:
            return []
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with _locked(self.root / ".lock"):
                return self._flush()
        except OSError as err:
            raise HarnessError(f"{self.root}: cannot write baselines here ({err.strerror or err}); fix the folder's permissions") from None

    def _flush(self) -> list[str]:
        manifest = self.read_manifest()
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        written = []
        for item in self._queue:
            if item.geometry is not None:
                write_atomic(self.geometry_path(item.page, item.breakpoint), item.geometry)
            if item.png is None:
                continue
            write_atomic(self.path(item.page, item.breakpoint), item.png)
            key = f"{item.page}/{item.breakpoint}"
            manifest[key] = {**item.meta, "approved_at": now, "sha256": sha256(item.png)}
            written.append(key)
        self._write_manifest(manifest)
        self._queue.clear()
        return written

    def read_manifest(self) -> dict[str, Any]:
        path = self.root / MANIFEST
        if not path.exists():
            return {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entries = data["baselines"]
            if not isinstance(entries, dict):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            raise HarnessError(f"{path}: not a baselines manifest; restore it from git or delete it (the PNGs stay)") from None
        return dict(entries)

    def _write_manifest(self, entries: dict[str, Any]) -> None:
        body = {"format": 1, "baselines": dict(sorted(entries.items()))}
        write_atomic(self.root / MANIFEST, (json.dumps(body, indent=2) + "\n").encode())


@contextlib.contextmanager
def _locked(path: Path, wait: bool = True) -> Iterator[bool]:
    """An advisory lock on ``path``; yields False (without waiting) if another process has it."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; single writers only
        yield True
        return
    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def output_lock(output: Path) -> Iterator[None]:
    """One run per output folder: a second one stops at once instead of mixing results."""
    try:
        output.mkdir(parents=True, exist_ok=True)
        lock = _locked(output / ".lock", wait=False)
        got = lock.__enter__()
    except OSError as err:
        raise HarnessError(f"{output}: cannot use this output folder ({err.strerror or err}); pass --output-dir DIR") from None
    try:
        if not got:
            raise HarnessError(f"{output}: another harness run is using this output folder; wait for it, or pass --output-dir DIR")
        yield
    finally:
        lock.__exit__(None, None, None)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
