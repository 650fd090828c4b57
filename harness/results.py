"""``results.json``: what one run saw, written once, read by approve and the report.

Everything downstream (approve, the report, CI summaries) works from this file alone;
it never re-reads the YAML or re-renders.
"""

from __future__ import annotations

import json
import os
import types
import typing
from dataclasses import asdict, dataclass, field
from pathlib import Path
from collections.abc import Iterable
from typing import Any

from harness.files import write_atomic
from harness.errors import HarnessError

RESULTS = "results.json"
SHOTS_DIR = "shots"  # under the output folder: each shot's actual, diff and geometry files
SHOT_FILES = ("actual", "diff", "aligned_diff", "geometry")  # the fields naming those files; load() keeps them inside shots/
FORMAT = 1
STATUSES = ("pass", "fail", "new", "unstable", "error")


@dataclass
class ShotResult:
    page: str
    breakpoint: str
    width: int  # the viewport rendered
    height: int
    status: str
    mismatched: int = 0
    ratio: float = 0.0
    baseline: str | None = None  # paths relative to the output folder
    actual: str | None = None
    diff: str | None = None
    message: str = ""
    total: int = 0
    baseline_size: list[int] | None = None
    actual_size: list[int] | None = None
    regions: list[list[int]] = field(default_factory=list)
    actual_sha256: str | None = None
    updated: bool = False  # the baseline was written by this run (--update)
    approved: bool = False  # approved afterwards by `harness approve` or `harness review`
    rejected: bool = False  # marked wrong in `harness review`: the baseline stays
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    waits: list[str] = field(default_factory=list)  # what the capture waited for, and how long
    findings: list[dict[str, Any]] = field(default_factory=list)  # lint, specs, breakpoints (Finding.to_json)
    explanations: list[str] = field(default_factory=list)  # a failure in words (harness.inspect.explain)
    changed_pixels: int | None = None  # failing shots: what still differs once moved content is aligned
    changes: list[dict[str, Any]] = field(default_factory=list)  # failing shots: per element, causes first
    alignment: list[list[int]] = field(default_factory=list)  # [baseline_y, actual_y, height] CSS px that match
    aligned_diff: str | None = None  # the aligned diff image: changed in red, moved in blue
    geometry: str | None = None  # the actual geometry snapshot, kept for approving
    seconds: float = 0.0
    kind: str = "page"  # "test": a shot of the plugin's own visual tests (assert_matches(name))

    @property
    def id(self) -> str:
        return f"{self.page}/{self.breakpoint}"

    @property
    def ok(self) -> bool:
        """Counts as passing for the exit code: it matched (or this run wrote its baseline)
        and no lint, spec or breakpoint finding fails it."""
        return (self.status == "pass" or self.updated) and not self.failed_findings

    @property
    def failed_findings(self) -> list[dict[str, Any]]:
        return [f for f in self.findings if f.get("severity") == "fail"]

    def detail_lines(self, warnings: bool = False) -> list[str]:
        """The failure in words, then the findings (failing ones; warnings too if asked)."""
        lines = list(self.explanations)
        for f in self.findings:
            if f.get("severity") == "fail" or warnings:
                lines.append(f"{f.get('severity')}: {f.get('kind')} {f.get('rule')}: {f.get('message')}")
        return lines


@dataclass
class Results:
    browser: dict[str, str]
    shots: list[ShotResult]
    run_id: str = ""
    project: str = ""
    baselines_dir: str = ""  # relative to the output folder, like every path here
    created: str = ""
    breakpoints: list[dict[str, Any]] = field(default_factory=list)
    shard: dict[str, Any] | None = None  # --shard I/N: see harness.plan.shard.record; absent otherwise
    groups: list[dict[str, Any]] = field(default_factory=list)  # one cause at several breakpoints (harness.inspect.changes)

    def regroup(self) -> None:
        """Find the causes shared by several breakpoints again (after merging parts)."""
        from harness.inspect.changes import groups

        self.groups = groups([(s.id, s.breakpoint, s.changes) for s in self.shots if s.status == "fail"])

    def counts(self) -> dict[str, int]:
        counts = {s: 0 for s in STATUSES}
        for shot in self.shots:
            counts[shot.status] += 1
        return counts

    def finding_counts(self) -> dict[str, int]:
        """How many shots have failing findings, and how many warnings there are in all."""
        return {
            "failing": sum(bool(s.failed_findings) for s in self.shots),
            "warnings": sum(f.get("severity") == "warn" for s in self.shots for f in s.findings),
        }

    def to_json(self) -> dict[str, Any]:
        body = asdict(self)
        body["format"] = FORMAT
        body["shots"] = [asdict(s) for s in self.shots]
        if self.shard is None:
            del body["shard"]
        return body

    def write(self, output: Path, name: str = RESULTS) -> Path:
        path = output / name
        write_atomic(path, (json.dumps(self.to_json(), indent=2) + "\n").encode())
        return path


def load(output: Path, name: str = RESULTS) -> Results:
    """Read a run's results, or say in one line why they cannot be used."""
    path = output / name
    if not path.exists():
        raise HarnessError(f"{path}: no results found; run 'harness check' first (or pass --output-dir)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError(f"the top level is {type(data).__name__}, not an object")
        if data.get("format") != FORMAT:
            raise ValueError(f"format {data.get('format')!r}")
        if not isinstance(data["shots"], list):
            raise ValueError("'shots' is not a list")
        shots = [_checked(ShotResult(**s), f"shots[{i}]") for i, s in enumerate(data["shots"])]
        fields = {k: data[k] for k in ("browser", "run_id", "project", "baselines_dir", "created", "breakpoints")}
        fields["shard"] = data.get("shard")
        fields["groups"] = data.get("groups", [])
        if fields["shard"] is not None and not isinstance(fields["shard"], dict):
            raise ValueError("shard must be an object")
        results = _checked(Results(shots=shots, **fields), "")
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise HarnessError(f"{path}: not a results file this version can read ({reason}); run 'harness check' again") from None
    except OSError as err:
        raise HarnessError(f"{path}: cannot read it ({err.strerror or err}); check the file, or run 'harness check' again") from None
    _confine_shot_files(results, output, path)
    return results


def _confine_shot_files(results: Results, output: Path, path: Path) -> None:
    """Every file a shot names is data, never an instruction: resolved (symlinks followed),
    its images and snapshot must lie in the output folder's shots/, and its baseline in the
    baselines folder the results name (or in shots/, where a merge keeps a copy)."""
    shots = output.resolve() / SHOTS_DIR
    try:
        baselines = baselines_folder(results, output)
    except (OSError, RuntimeError, ValueError):  # a loop of links, a NUL byte
        raise HarnessError(f"{path}: its baselines_dir cannot be a folder ({results.baselines_dir}); run 'harness check' again") from None
    for shot in results.shots:
        for kind in (*SHOT_FILES, "baseline"):
            rel = getattr(shot, kind)
            if not rel:
                continue
            where = (shots, baselines) if kind == "baseline" else (shots,)
            try:
                file = (output / rel).resolve()
            except (OSError, RuntimeError, ValueError):  # a loop of links, a NUL byte
                file = None
            if file is None or not any(root in file.parents for root in where):
                inside = " or ".join(str(root) for root in where)
                raise HarnessError(f"{path}: {shot.id}'s {kind} ({rel}) is outside {inside}; run 'harness check' again")


def _checked(obj: Any, where: str) -> Any:
    """``obj`` if every field holds what its type says (a hand-edited or foreign file may not)."""
    for name, hint in typing.get_type_hints(type(obj)).items():
        value = getattr(obj, name)
        if name != "shots" and not _conforms(value, hint):
            raise ValueError(f"{where + '.' if where else ''}{name} is {json.dumps(value)[:40]}")
    if isinstance(obj, ShotResult) and obj.status not in STATUSES:
        raise ValueError(f"{where}.status is {obj.status!r}, not one of {', '.join(STATUSES)}")
    return obj


def _conforms(value: Any, hint: Any) -> bool:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_conforms(value, h) for h in args)
    if origin is list:
        return isinstance(value, list) and all(_conforms(v, args[0]) for v in value)
    if origin is dict:
        return isinstance(value, dict)
    if hint is Any:
        return True
    if hint is type(None):
        return value is None
    if hint in (int, float):  # JSON has one number type; a boolean is not a number here
        return isinstance(value, (int, float) if hint is float else int) and not isinstance(value, bool)
    return isinstance(value, hint)


def sort_shots(shots: list[ShotResult], breakpoints: Iterable[str]) -> None:
    """The one order of shots everywhere: by page, then in the order of breakpoints.yaml
    (narrowest first), then by name for any the list does not know."""
    order = {name: i for i, name in enumerate(breakpoints)}
    shots.sort(key=lambda s: (s.page, order.get(s.breakpoint, len(order)), s.breakpoint))


def baselines_folder(results: Results, output: Path) -> Path:
    """Where this run's baselines live (recorded relative to the output folder)."""
    return (output / results.baselines_dir).resolve()


def relative(path: Path, output: Path) -> str:
    """Paths in results.json are relative to its folder, so the folder can be moved."""
    return os.path.relpath(path, output).replace(os.sep, "/")


def merge_partials(output: Path, own: Results | None) -> Results | None:
    """Combine the files pytest-xdist workers wrote (``results-gw0.json`` …) into results.json."""
    parts = sorted(output.glob("results-*.json")) if output.is_dir() else []
    if not parts:
        return None
    loaded = [load(output, p.name) for p in parts]
    base = own or loaded[0]
    # Under xdist a render that stands for several breakpoints may be taken by two workers
    # (each takes it whole for the test it runs); the verdicts are the same, keep one.
    unique: dict[str, ShotResult] = {}
    for shot in [s for r in loaded for s in r.shots] + (own.shots if own else []):
        unique.setdefault(shot.id, shot)
    shots = list(unique.values())
    sort_shots(shots, (bp["name"] for bp in base.breakpoints))
    merged = Results(
        browser=base.browser,
        shots=shots,
        run_id=base.run_id,
        project=base.project,
        baselines_dir=base.baselines_dir,
        created=base.created,
        breakpoints=base.breakpoints,
    )
    merged.regroup()
    merged.write(output)
    for p in parts:
        p.unlink(missing_ok=True)
    return merged
