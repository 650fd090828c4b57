"""The baselines folder: the only code that writes under ``baselines/``.

Layout: ``baselines/<page>/<breakpoint>.png``, its geometry snapshot
``<breakpoint>.geometry.json`` (landmark boxes, for explanations), and
``baselines/manifest.json``, which records for each baseline the viewport, the browser,
when it was approved and its SHA-256. Changes are queued and flushed once, under
``baselines/.lock``, in four steps, so that a process killed at any instant (SIGKILL
included) leaves nothing half-done:

1. stage: each new file goes to a hidden temporary file next to its target
   (``.<breakpoint>.png.XXXXXXXX.tmp``), fsync'd; nothing a reader looks at has changed;
2. intent: manifest.json is replaced (atomically) by one in which every entry about to
   change is pending: ``{"pending": true, "old": ENTRY|null, "new": ENTRY|null}``;
3. apply: each staged file is renamed onto its target (atomic), each pruned file deleted;
4. commit: manifest.json is replaced by the final one (pending entries become ``new``,
   or disappear when ``new`` is null).

Invariant, true between any two system calls: every baseline PNG holds its old or its
new bytes; a plain manifest entry's ``sha256`` is its PNG's; a pending entry's PNG is
its ``old`` or its ``new`` (null: no file). The next flush (or ``recover()``) settles
pending entries by what is on disk and deletes stale temporary files; ``read_manifest``
shows the settled view without writing. SIGINT and SIGTERM wait for a flush to finish.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import interrupts
from harness.clock import utc_timestamp
from harness.files import TEMP_SUFFIX, stage, write_atomic
from harness.errors import HarnessError

MANIFEST = "manifest.json"
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]*")  # "@": edge shots, landscape-tablet@920
TEST_KIND = "test"  # manifest "kind" of baselines of the plugin's own visual tests (never pruned)


@dataclass(frozen=True)
class PendingWrite:
    """What to write for one baseline: its image, its geometry snapshot, or both; or,
    with ``delete``, the baseline, its snapshot and its manifest entry to remove (a prune)."""

    page: str
    breakpoint: str
    png: bytes | None  # None: the image stays as it is
    meta: dict[str, Any]
    geometry: bytes | None = None
    delete: bool = False

    @property
    def id(self) -> str:
        return f"{self.page}/{self.breakpoint}"


class BaselineStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._queue: dict[str, PendingWrite] = {}

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
        """Write this image (None: keep the current one) and/or geometry snapshot at the
        next flush; a second call for the same baseline adds to the first."""
        self.path(page, breakpoint)  # validate now, not at flush time
        item = PendingWrite(page, breakpoint, png, meta, geometry)
        earlier = self._queue.get(item.id)
        if earlier is not None and not earlier.delete:
            item = PendingWrite(
                page,
                breakpoint,
                png if png is not None else earlier.png,
                meta if png is not None else earlier.meta,
                geometry if geometry is not None else earlier.geometry,
            )
        self._queue[item.id] = item

    def queue_delete(self, page: str, breakpoint: str) -> None:
        """Delete this baseline, its geometry snapshot and its manifest entry at the next flush (prune)."""
        self.path(page, breakpoint)
        item = PendingWrite(page, breakpoint, None, {}, delete=True)
        self._queue[item.id] = item

    @property
    def pending(self) -> list[PendingWrite]:
        return list(self._queue.values())

    def stored(self) -> set[str]:
        """Ids (``page/breakpoint``) of every baseline on disk or in the manifest."""
        ids = set(self.read_manifest())
        if self.root.is_dir():
            for png in self.root.glob("*/*.png"):
                if SAFE_NAME.fullmatch(png.parent.name) and SAFE_NAME.fullmatch(png.stem) and png.is_file():
                    ids.add(f"{png.parent.name}/{png.stem}")
        return ids

    def unused(self, planned: Iterable[str]) -> list[str]:
        """Baselines that no planned shot uses, except those of the plugin's own tests."""
        manifest = self.read_manifest()
        left = self.stored() - set(planned)
        return sorted(i for i in left if manifest.get(i, {}).get("kind") != TEST_KIND)

    def flush(self, settle: bool = False) -> list[str]:
        """Write (or delete) every queued baseline and update the manifest; return the ids.

        A lock file serialises writers (two runs, or pytest-xdist workers), so the
        manifest's read-modify-write never loses another writer's entries. With nothing
        queued, ``settle`` still finishes the record of an interrupted flush.
        """
        if not self._queue:
            if settle:
                self.recover()
            return []
        with self._writing():
            return self._flush()

    def recover(self) -> None:
        """Settle what an interrupted flush left: pending entries and temporary files."""
        if not self.root.is_dir() or not (self._temp_files() or _has_pending(self._read_raw())):
            return
        with self._writing():
            self._recover()

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the folder's lock, keep SIGINT/SIGTERM for the end, and say why a write failed."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with _locked(self.root / ".lock"), interrupts.deferred():
                yield
        except OSError as err:
            raise HarnessError(f"{self.root}: cannot write baselines here ({err.strerror or err}); fix the folder's permissions") from None

    def _temp_files(self) -> list[Path]:
        return [*self.root.glob(f".*{TEMP_SUFFIX}"), *self.root.glob(f"*/.*{TEMP_SUFFIX}")]

    def _recover(self) -> dict[str, Any]:
        raw = self._read_raw()
        settled = self._settle(raw)
        if settled != raw:
            self._write_manifest(settled)
        for temp in self._temp_files():
            temp.unlink(missing_ok=True)  # we hold the lock: no writer is alive to own it
        return settled

    def _flush(self) -> list[str]:
        manifest = self._recover()
        now = utc_timestamp()  # to the second: a redo in the same second writes equal entries
        final = dict(manifest)
        intent = dict(manifest)
        staged: dict[Path, Path] = {}  # target -> its staged temporary file
        deleted: list[Path] = []
        try:
            for key, item in self._queue.items():  # 1. stage
                png, geometry = self.path(item.page, item.breakpoint), self.geometry_path(item.page, item.breakpoint)
                if item.geometry is not None:
                    staged[geometry] = stage(geometry, item.geometry)
                if item.png is not None:
                    staged[png] = stage(png, item.png)
                    # an undo restores an entry as it was, its approval time included
                    final[key] = {**item.meta, "approved_at": item.meta.get("approved_at") or now, "sha256": sha256(item.png)}
                elif item.delete:
                    deleted += [png, geometry]
                    final.pop(key, None)
                if final.get(key) != manifest.get(key):  # a geometry snapshot alone changes no entry
                    intent[key] = {"pending": True, "old": manifest.get(key), "new": final.get(key)}
            if intent != manifest:
                self._write_manifest(intent)  # 2. intent
            for target in list(staged):  # 3. apply
                os.replace(staged.pop(target), target)
            for target in deleted:
                target.unlink(missing_ok=True)
            _sync_folders({self.path(i.page, i.breakpoint).parent for i in self._queue.values()})
            if intent != manifest:  # the intent is on disk: it must be committed, even to what was there before
                self._write_manifest(final)  # 4. commit
        finally:
            for temp in staged.values():
                temp.unlink(missing_ok=True)
        for target in deleted:
            with contextlib.suppress(OSError):
                target.parent.rmdir()  # only if now empty
        written = [key for key, item in self._queue.items() if item.png is not None or item.delete]
        self._queue.clear()
        return written

    def read_manifest(self) -> dict[str, Any]:
        """The manifest's entries, with any left pending by an interrupted flush settled."""
        return self._settle(self._read_raw())

    def _read_raw(self) -> dict[str, Any]:
        path = self.root / MANIFEST
        if not path.exists():
            return {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entries = data["baselines"]
            if not isinstance(entries, dict) or not all(isinstance(e, dict) for e in entries.values()):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            raise HarnessError(f"{path}: not a baselines manifest; restore it from git or delete it (the PNGs stay)") from None
        return dict(entries)

    def _settle(self, entries: dict[str, Any]) -> dict[str, Any]:
        """Resolve pending entries by the file on disk: its old entry, its new one, or none."""
        settled = {}
        for key, entry in entries.items():
            if entry.get("pending") is True:
                entry = self._settled_entry(key, entry)
            if entry is not None:
                settled[key] = entry
        return settled

    def _settled_entry(self, key: str, entry: dict[str, Any]) -> dict[str, Any] | None:
        page, _, bp = key.partition("/")
        try:
            actual = self.read(page, bp)
        except HarnessError:  # a hand-made key that is no file name
            actual = None
        if actual is None:
            return None
        digest = sha256(actual)
        candidates = [e for e in (entry.get("new"), entry.get("old")) if isinstance(e, dict)]
        for candidate in candidates:
            if candidate.get("sha256") == digest:
                return candidate
        return candidates[0] if candidates else None  # edited by hand since: its sha256 will say so

    def _write_manifest(self, entries: dict[str, Any]) -> None:
        body = {"format": 1, "baselines": dict(sorted(entries.items()))}
        write_atomic(self.root / MANIFEST, (json.dumps(body, indent=2) + "\n").encode())


def _has_pending(entries: dict[str, Any]) -> bool:
    return any(entry.get("pending") is True for entry in entries.values())


def _sync_folders(folders: Iterable[Path]) -> None:
    """Put the renames themselves on disk (a power cut must not undo them after the manifest)."""
    for folder in folders:
        try:
            fd = os.open(folder, os.O_RDONLY)
        except OSError:
            continue  # a pruned folder that is gone, or a platform that cannot open folders
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)


@contextlib.contextmanager
def _locked(path: Path, wait: bool = True, owner: str = "") -> Iterator[str | None]:
    """An advisory lock on ``path``. Yields None once held, or (without waiting, when
    ``wait`` is False) the holder's description if another process has it.

    The kernel drops the lock when its holder dies, however it dies, so a crash never
    leaves a stale lock behind; the file itself stays, with the last holder's pid.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; single writers only
        yield None
        return
    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            yield handle.read(200).decode(errors="replace").strip() or "a process that did not say which"
            return
        try:
            if owner:
                handle.truncate(0)
                handle.write(f"pid {os.getpid()}: {owner}\n".encode())
                handle.flush()
            yield None
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def output_lock(output: Path, owner: str = "harness check", flag: str = "--output-dir") -> Iterator[None]:
    """One run per output folder: a second one stops at once instead of mixing results."""
    try:
        output.mkdir(parents=True, exist_ok=True)
        lock = _locked(output / ".lock", wait=False, owner=owner)
        holder = lock.__enter__()
    except OSError as err:
        raise HarnessError(f"{output}: cannot use this output folder ({err.strerror or err}); pass {flag} DIR") from None
    try:
        if holder is not None:
            raise HarnessError(
                f"{output}: another harness run is using this output folder ({holder}); wait for it to finish, or pass {flag} DIR"
            )
        yield
    finally:
        lock.__exit__(None, None, None)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
