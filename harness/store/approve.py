"""Approving: promoting a run's actual screenshots to baselines, by the run's own record.

Only shots of the given results can be approved, and only if the actual file is still
the one the run recorded (same SHA-256): a stale or edited image is refused, not copied.

An approval from ``harness review`` can be undone: it keeps what it replaced beside the
run's shots (``shots/<page>/<breakpoint>.previous.png``, ``.previous.geometry.json`` and
``.previous.json``, gone with the next run), and ``undo`` writes that back through the
store, the same atomic way.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from harness.errors import HarnessError, UsageError
from harness.files import write_atomic
from harness.paths import ProjectPaths
from harness.results import SHOTS_DIR, Results, ShotResult, baselines_folder
from harness.store.baselines import BaselineStore, sha256


def select(results: Results, names: Sequence[str]) -> list[ShotResult]:
    """The shots named (``page`` or ``page/breakpoint``), or all that need approving."""
    pending = [s for s in results.shots if s.status in ("fail", "new") and not s.updated and not s.approved]
    if not names:
        return [s for s in pending if not s.rejected]  # a reviewer's "no" stands unless named
    chosen: list[ShotResult] = []
    for name in names:
        page, _, bp = name.strip("/").partition("/")
        matches = [s for s in results.shots if s.page == page and (not bp or s.breakpoint == bp)]
        if not matches:
            known = sorted({s.page for s in results.shots} | {s.id for s in results.shots})
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
            hint = f"did you mean {close[0]!r}?" if close else "see results.json for the shots of the last run"
            raise UsageError(f"{name!r} is not a shot of the last run; {hint}")
        wanted = [s for s in matches if s in pending]
        if not wanted and bp:
            shot = matches[0]
            states = {"pass": "passed", "error": "errored", "unstable": "never held still (mask or hide the moving part)"}
            state = "was already approved" if shot.approved or shot.updated else states.get(shot.status, shot.status)
            raise UsageError(f"{name}: nothing to approve, it {state}")
        chosen += [s for s in wanted if s not in chosen]
    return chosen


def approve(results: Results, output: Path, names: Sequence[str] = (), undoable: bool = False) -> list[str]:
    """Write the chosen shots' actual images as baselines; return one line per change.
    ``undoable``: keep the baselines they replace, for ``undo``."""
    chosen = select(results, names)
    if not chosen:
        return []
    store = BaselineStore(baselines_folder(results, output))
    meta = {s.id: s for s in chosen}
    for shot in chosen:
        if shot.status == "error" or not shot.actual:
            raise UsageError(f"{shot.id}: has no screenshot to approve ({shot.message})")
        actual = (output / shot.actual).resolve()
        if (output / "shots").resolve() not in actual.parents:
            raise HarnessError(f"{output / 'results.json'}: {shot.id} names an actual image outside {output / 'shots'}; run 'harness check' again")
        png = _verified(actual, shot)
        store.queue(shot.page, shot.breakpoint, png, _meta(shot, results), _geometry(output, shot))
    if undoable:
        _keep_previous(store, results, output, chosen)
    store.flush()
    for shot in chosen:
        shot.approved, shot.rejected = True, False
    results.write(output)
    return [f"approved {s.id} ({'new baseline' if s.status == 'new' else 'baseline replaced'})" for s in meta.values()]


def group_shots(results: Results, ids: list[str]) -> list[str]:
    """The shots still waiting for an answer in the named groups of these results (one
    finding at several breakpoints). Group ids are matched against the results, never used
    for anything else; a shot a reviewer rejected stays rejected unless approved by name."""
    groups = {str(g.get("id")): g for g in results.groups if isinstance(g, dict)}
    shots = {s.id: s for s in results.shots}
    chosen: list[str] = []
    for gid in ids:
        if gid not in groups:
            raise UsageError(f"{gid!r} is not a group of the last run; reload the report")
        for sid in groups[gid].get("shots") or []:
            shot = shots.get(sid) if isinstance(sid, str) else None
            if shot and shot.status in ("fail", "new") and not (shot.approved or shot.rejected or shot.updated) and sid not in chosen:
                chosen.append(sid)
    if not chosen:
        raise UsageError(f"{', '.join(ids)}: nothing to approve, every shot of it has an answer")
    return chosen


def undo(results: Results, output: Path, names: Sequence[str]) -> list[str]:
    """Take back a reviewer's answer: an approval from ``harness review`` puts back the
    baseline it replaced (or removes a new shot's baseline again); a rejection is cleared."""
    store = BaselineStore(baselines_folder(results, output))
    shots = {s.id: s for s in results.shots}
    approved: list[tuple[ShotResult, bool]] = []
    rejected: list[ShotResult] = []
    for name in dict.fromkeys(names):
        shot = shots.get(name)  # names are looked up, never used as paths
        if shot is None:
            raise UsageError(f"{name!r} is not a shot of the last run; name one as page/breakpoint")
        path = store.path(shot.page, shot.breakpoint)  # a hand-edited results file cannot lead elsewhere
        if shot.rejected and not shot.approved:
            rejected.append(shot)
            continue
        if not shot.approved:
            raise UsageError(f"{name}: nothing to undo, it was neither approved nor rejected")
        record, png, geometry = _previous(output, shot, results.run_id)
        current = store.read(shot.page, shot.breakpoint)
        if current is None or sha256(current) != shot.actual_sha256:
            raise HarnessError(f"{path}: changed since it was approved; restore it from version control")
        if png is None:
            store.queue_delete(shot.page, shot.breakpoint)
        else:
            store.queue(shot.page, shot.breakpoint, png, _restored_meta(record.get("entry")), geometry)
        approved.append((shot, png is not None))
    store.flush()
    for shot, _ in approved:
        shot.approved = False
    for shot in rejected:
        shot.rejected = False
    if approved or rejected:
        results.write(output)
    for shot, _ in approved:
        for kept in _previous_paths(output, shot).values():
            kept.unlink(missing_ok=True)
    return [f"undid the approval of {s.id} ({'old baseline restored' if had else 'new baseline removed'})" for s, had in approved] + [
        f"undid the rejection of {s.id}" for s in rejected
    ]


def _previous_paths(output: Path, shot: ShotResult) -> dict[str, Path]:
    base = output / SHOTS_DIR / shot.page / shot.breakpoint
    return {kind: base.with_name(f"{shot.breakpoint}.previous{suffix}") for kind, suffix in
            (("png", ".png"), ("geometry", ".geometry.json"), ("record", ".json"))}


def _keep_previous(store: BaselineStore, results: Results, output: Path, shots: Sequence[ShotResult]) -> None:
    """Before an approval replaces them: each baseline, its snapshot and its manifest entry.
    The record is written last, so a record on disk always has its files beside it."""
    manifest = store.read_manifest()
    for shot in shots:
        paths = _previous_paths(output, shot)
        png = store.read(shot.page, shot.breakpoint)
        geometry = store.read_geometry(shot.page, shot.breakpoint) if png is not None else None
        for kind, data in (("png", png), ("geometry", geometry)):
            if data is None:
                paths[kind].unlink(missing_ok=True)
            else:
                write_atomic(paths[kind], data)
        record = {
            "run_id": results.run_id,
            "approved": shot.actual_sha256,
            "png": sha256(png) if png is not None else None,
            "geometry": sha256(geometry) if geometry is not None else None,
            "entry": manifest.get(shot.id) if png is not None else None,
        }
        write_atomic(paths["record"], (json.dumps(record, indent=2) + "\n").encode())


def _previous(output: Path, shot: ShotResult, run_id: str) -> tuple[dict[str, Any], bytes | None, bytes | None]:
    """What the approval of ``shot`` in this run replaced, checked against its record."""
    paths = _previous_paths(output, shot)
    gone = f"{shot.id}: cannot undo this approval, the baseline it replaced was not kept (approved outside harness review, or by another run); restore it from version control"
    try:
        record = json.loads(paths["record"].read_text(encoding="utf-8"))
        if not isinstance(record, dict) or record.get("run_id") != run_id or record.get("approved") != shot.actual_sha256:
            raise ValueError
        files = {kind: paths[kind].read_bytes() if record.get(kind) else None for kind in ("png", "geometry")}
    except (OSError, ValueError):
        raise HarnessError(gone) from None
    if any(data is not None and sha256(data) != record[kind] for kind, data in files.items()):
        raise HarnessError(gone)
    return record, files["png"], files["geometry"]


def _restored_meta(entry: Any) -> dict[str, Any]:
    """A manifest entry as ``queue`` takes it: its own fields, the image's hash left to the store."""
    if not isinstance(entry, dict):
        return {}
    return {k: v for k, v in entry.items() if k not in ("sha256", "pending", "old", "new")}


def reject(results: Results, output: Path, names: Sequence[str]) -> list[str]:
    """Mark shots as wrong in the results (a reviewer's "no"); no baseline is touched."""
    chosen = select(results, names)
    for shot in chosen:
        shot.rejected = True
    if chosen:
        results.write(output)
    return [f"rejected {s.id} (baseline kept)" for s in chosen]


def check_origin(results: Results, output: Path, paths: ProjectPaths) -> None:
    """Refuse results that another project wrote, before anything is approved from them.

    Their baselines folder must be one of this project's (``confine``), whatever project
    they name. The recorded project path alone cannot decide the rest: a CI artifact, or
    a moved checkout, is the same project under another path. So when the path differs,
    their pages and breakpoints must be this project's (as far as its configuration can
    be read).
    """
    confine(results, output, paths)
    if results.project == str(paths.root):
        return
    reason = _stranger(results, paths)
    if reason:
        raise UsageError(
            f"{output / 'results.json'}: from another project ({results.project}): {reason}; "
            "run 'harness check' here first, or approve in that project"
        )


def confine(results: Results, output: Path, paths: ProjectPaths) -> Path:
    """The baselines folder the results name, if it is this project's: inside the project
    root or inside the baselines folder given (``--baselines-dir``), symlinks followed.

    ``baselines_dir`` in results.json is data, never an instruction: a forged or foreign
    file must not make approve write anywhere else. Everything a shot names is kept
    inside the output folder when the results are loaded (``harness.results.load``).
    """
    folder = baselines_folder(results, output)
    allowed = (paths.root.resolve(), paths.baselines.resolve())
    if not any(folder == root or root in folder.parents for root in allowed):
        raise UsageError(
            f"{output / 'results.json'}: its baselines folder {folder} is outside this project ({paths.root}); "
            f"run 'harness check' here again, or pass --baselines-dir {folder} if that folder is meant"
        )
    return folder


def _stranger(results: Results, paths: ProjectPaths) -> str | None:
    """A page or breakpoint of the results that this project does not have, if any."""
    from harness.config.breakpoints import load_breakpoints
    from harness.config.pages import load_pages

    try:
        pages: set[str] | None = {p.name for p in load_pages(paths.pages)}
    except HarnessError:
        pages = None  # a pages folder elsewhere (--pages-dir): cannot tell
    try:
        viewports = {bp.name: bp.to_json()["viewport"] for bp in load_breakpoints(paths.breakpoints)}
    except HarnessError:
        viewports = None
    for shot in results.shots:
        if pages is not None and shot.page not in pages:
            return f"its page {shot.page!r} is not a page here"
        if viewports is not None and viewports.get(shot.breakpoint) != {"width": shot.width, "height": shot.height}:
            return f"its breakpoint {shot.breakpoint!r} ({shot.width}x{shot.height}) is not one of this project's"
    return None


def _verified(path: Path, shot: ShotResult) -> bytes:
    try:
        png = path.read_bytes()
    except FileNotFoundError:
        raise HarnessError(f"{path}: the actual image of {shot.id} is gone; run 'harness check' again") from None
    if sha256(png) != shot.actual_sha256:
        raise HarnessError(f"{path}: changed since the run recorded it; run 'harness check' again, then approve")
    if not png.startswith(b"\x89PNG\r\n\x1a\n"):
        raise HarnessError(f"{path}: is not a PNG; run 'harness check' again")
    return png


def _geometry(output: Path, shot: ShotResult) -> bytes | None:
    """The shot's geometry snapshot goes with its image; without one, explanations just stop."""
    if not shot.geometry:
        return None
    path = (output / shot.geometry).resolve()
    if (output / "shots").resolve() not in path.parents:
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


def _meta(shot: ShotResult, results: Results) -> dict[str, object]:
    bp = next((b for b in results.breakpoints if b.get("name") == shot.breakpoint), {})
    return {
        "viewport": {"width": shot.width, "height": shot.height},
        "device_scale_factor": bp.get("device_scale_factor", 1.0),
        "is_mobile": bp.get("is_mobile", False),
        "has_touch": bp.get("has_touch", False),
        "browser": {"name": results.browser.get("name"), "version": results.browser.get("version")},
        **({"kind": shot.kind} if shot.kind != "page" else {}),
    }
