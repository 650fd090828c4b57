"""Combining the output folders of the shards of one run (``--shard I/N``) into one.

Each input is a shard's output folder: its results.json and the files under shots/.
The merge refuses, in one line each, anything that would not add up to one run: inputs
that are not shards, shards of another project, matrix or breakpoints, a shard given
twice or missing, a shot in two inputs, a shard that lacks a planned shot, shards
rendered by different Chromium builds. Images are copied, so the merged folder (and its
report) stands on its own and the inputs can be deleted.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import HarnessError, UsageError
from harness.clock import utc_timestamp
from harness.results import RESULTS, SHOT_FILES, SHOTS_DIR, Results, ShotResult, baselines_folder, load, relative, sort_shots


@dataclass(frozen=True)
class Shard:
    """One input folder and its results."""

    folder: Path
    results: Results

    @property
    def info(self) -> dict[str, Any]:
        """The shard record (harness.plan.shard.record); ``_read`` made sure there is one."""
        return self.results.shard or {}

    @property
    def label(self) -> str:
        return f"{self.info['index']}/{self.info['count']}"


def read_shards(folders: list[Path]) -> list[Shard]:
    """Load every input and check that together they are exactly one run, once."""
    shards = [_read(folder) for folder in folders]
    first = shards[0]
    for shard in shards[1:]:
        _same_run(first, shard)
    _each_shard_once(shards)
    _disjoint_and_complete(shards)
    return sorted(shards, key=lambda s: s.info["index"])


def default_baselines(shards: list[Shard], project_baselines: Path, root: Path) -> Path:
    """The folder the shards recorded if it exists here (they ran on this machine), else
    this project's (the shards' folders were downloaded from CI).

    The recorded folder is data: one outside this project (``root``) that exists is
    refused, since the merged run's approvals would write there; one that does not exist
    here means the shards came from elsewhere, and this project's folder is taken.
    """
    recorded = baselines_folder(shards[0].results, shards[0].folder)
    top = root.resolve()
    if recorded != top and top not in recorded.parents:
        if recorded.is_dir():
            raise UsageError(
                f"{shards[0].folder / RESULTS}: its baselines folder {recorded} is outside this project ({root}); "
                "pass --baselines-dir DIR to choose the merged run's baselines"
            )
        return project_baselines
    return recorded if recorded.is_dir() or not project_baselines.is_dir() else project_baselines


def merge(shards: list[Shard], output: Path, baselines: Path) -> Results:
    """Write the merged results.json and copy every shot's files into ``output``; return the results.

    A failing shot's baseline that is not in ``baselines`` is taken from the shard's own
    report, so the merged report still shows it.
    """
    inputs = {s.folder.resolve() for s in shards}
    if output.resolve() in inputs:
        raise UsageError(f"-o {output}: is one of the inputs; merge into another folder")
    base = baselines
    shutil.rmtree(output / SHOTS_DIR, ignore_errors=True)
    shots: list[ShotResult] = []
    for shard in shards:
        shots += [_moved(shot, shard, output, base) for shot in shard.results.shots]
    first = shards[0].results
    sort_shots(shots, (str(bp.get("name")) for bp in first.breakpoints))
    browser = next((s.results.browser for s in shards if s.results.shots), first.browser)
    merged = Results(
        browser=browser,
        shots=shots,
        run_id=uuid.uuid4().hex,
        project=first.project,
        baselines_dir=relative(base, output),
        created=utc_timestamp(),
        breakpoints=first.breakpoints,
    )
    merged.regroup()
    merged.write(output)
    return merged


# -- reading and checking the inputs -------------------------------------------------------


def _read(folder: Path) -> Shard:
    if not folder.is_dir():
        raise UsageError(f"{folder}: no such folder; pass the output folder of each shard")
    if not (folder / RESULTS).is_file():
        raise UsageError(f"{folder}: has no {RESULTS}; pass the output folder of each 'harness check --shard I/N'")
    results = load(folder)
    shard = results.shard
    keys = ("index", "count", "total", "matrix", "planned")
    if not isinstance(shard, dict) or not all(k in shard for k in keys):
        raise UsageError(f"{folder / RESULTS}: not the results of a shard; run 'harness check --shard I/N' for each part")
    return Shard(folder, results)


def _same_run(first: Shard, other: Shard) -> None:
    a, b = first.results, other.results
    if Path(a.project).name != Path(b.project).name:
        raise UsageError(
            f"{other.folder}: is from project {Path(b.project).name!r}, {first.folder} from {Path(a.project).name!r}; "
            "merge the shards of one project"
        )
    if a.breakpoints != b.breakpoints:
        raise UsageError(
            f"{other.folder}: its breakpoints differ from {first.folder}'s; run every shard with the same breakpoints.yaml"
        )
    sa, sb = first.info, other.info
    if (sa["count"], sa["total"], sa["matrix"]) != (sb["count"], sb["total"], sb["matrix"]):
        raise UsageError(
            f"{other.folder}: shard {other.label} of {sb['total']} shots does not belong with {first.folder}: "
            f"shard {first.label} of {sa['total']} shots; run every shard with the same pages, "
            "filters and --shard I/N"
        )
    va, vb = a.browser.get("version"), b.browser.get("version")
    if a.shots and b.shots and va != vb:
        raise UsageError(
            f"{other.folder}: rendered with Chromium {vb}, {first.folder} with {va}; "
            "render every shard with the same browser (e.g. one --browser-endpoint)"
        )


def _each_shard_once(shards: list[Shard]) -> None:
    seen: dict[int, Shard] = {}
    for shard in shards:
        index = shard.info["index"]
        if index in seen:
            raise UsageError(f"{seen[index].folder} and {shard.folder} are both shard {shard.label}; pass each shard once")
        seen[index] = shard
    count = shards[0].info["count"]
    missing = [f"{i}/{count}" for i in range(1, count + 1) if i not in seen]
    if missing:
        have = ", ".join(s.label for s in sorted(shards, key=lambda s: s.info["index"]))
        raise UsageError(f"shard {' and '.join(missing)} missing (given: {have}); pass every shard's output folder")


def _disjoint_and_complete(shards: list[Shard]) -> None:
    owner: dict[str, Shard] = {}
    for shard in shards:
        for shot in shard.results.shots:
            if shot.id in owner:
                raise UsageError(
                    f"{shot.id} is in both {owner[shot.id].folder} and {shard.folder}; the inputs overlap"
                )
            owner[shot.id] = shard
    for shard in shards:
        lacking = [i for i in shard.info["planned"] if owner.get(i) is not shard]
        if lacking:
            more = f" and {len(lacking) - 1} more" if len(lacking) > 1 else ""
            raise UsageError(
                f"{shard.folder}: shard {shard.label} has no result for {lacking[0]}{more}; "
                "was it interrupted or filtered? run that shard again"
            )


# -- the shots' files ------------------------------------------------------------------------------


def _moved(shot: ShotResult, shard: Shard, output: Path, baselines: Path) -> ShotResult:
    """The shot as the merged folder sees it: its files copied in, its paths relative to it."""
    from dataclasses import replace

    from harness.store.baselines import BaselineStore

    moved = replace(shot)
    for kind in SHOT_FILES:
        rel = getattr(shot, kind, None)
        if rel:
            setattr(moved, kind, _copy_file(shard.folder, rel, output, shot))
    baseline = BaselineStore(baselines).path(shot.page, shot.breakpoint)
    moved.baseline = relative(baseline, output)
    if shot.status != "pass" and not baseline.is_file():
        kept = shard.folder / "report" / "img" / shot.page / f"{shot.breakpoint}.baseline.png"
        if kept.is_file():  # the shard's report kept a copy; show that one
            if shard.folder.resolve() / "report" not in kept.resolve().parents:
                raise HarnessError(f"{kept}: leads outside {shard.folder / 'report'} (a link); pass each shard's own output folder")
            target = output / SHOTS_DIR / shot.page / f"{shot.breakpoint}.baseline.png"
            _copy(kept, target)
            moved.baseline = relative(target, output)
    return moved


def _copy_file(folder: Path, rel: str, output: Path, shot: ShotResult) -> str:
    root = folder.resolve() / SHOTS_DIR  # shots/ itself is not followed: a link there leads out
    source = (folder / rel).resolve()
    if root not in source.parents:
        raise HarnessError(f"{folder / RESULTS}: {shot.id} names a file outside {folder / SHOTS_DIR}; run that shard again")
    if not source.is_file():
        raise HarnessError(f"{source}: a file of {shot.id} is missing; pass each shard's whole output folder")
    target = output / SHOTS_DIR / source.relative_to(root)
    _copy(source, target)
    return relative(target, output)


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copyfile(source, tmp)
    os.replace(tmp, target)
