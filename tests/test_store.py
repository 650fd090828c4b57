"""Tests for the baselines store, atomic writes, results.json and approving."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from harness import results as results_mod
from harness import files
from harness.files import write_atomic
from harness.errors import HarnessError, UsageError
from harness.paths import ProjectPaths, resolve
from harness.results import Results, ShotResult, merge_partials
from harness.store import approve as approve_mod
from harness.store import baselines as baselines_mod
from harness.store.baselines import MANIFEST, BaselineStore

PNG_A = b"\x89PNG\r\n\x1a\n" + b"A" * 64  # the store treats PNGs as opaque bytes
PNG_B = b"\x89PNG\r\n\x1a\n" + b"B" * 80
META = {"viewport": {"width": 375, "height": 812}, "browser": {"name": "chromium", "version": "130.0"}}


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def no_temp_files(root: Path) -> bool:
    return not [p for p in root.rglob("*") if p.name.endswith(".tmp")]


# --- BaselineStore.path --------------------------------------------------------------------


@pytest.mark.parametrize(
    "page, breakpoint",
    [
        ("a/b", "phone"), ("page", "x/y"), ("..", "phone"), ("page", ".."), ("../page", "phone"),
        ("page", "../../etc"), ("/abs", "phone"), ("page", "/tmp/x"), ("", "phone"), ("page", ""),
        (".hidden", "phone"), ("page", ".phone"), (".", "phone"), ("page", "a\\b"), ("page", "ph one"),
        ("page", "phone\n"),
    ],
)
def test_path_refuses_unsafe_names(tmp_path: Path, page: str, breakpoint: str) -> None:
    with pytest.raises(HarnessError, match="cannot be a baseline file name") as info:
        BaselineStore(tmp_path).path(page, breakpoint)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "page, breakpoint",
    [("syria-talks", "narrow-browser-and-phone"), ("Page_1", "v1.2"), ("a", "b"), ("x..y", "z")],
)
def test_path_accepts_normal_names(tmp_path: Path, page: str, breakpoint: str) -> None:
    assert BaselineStore(tmp_path).path(page, breakpoint) == tmp_path / page / f"{breakpoint}.png"


def test_queue_validates_names_immediately(tmp_path: Path) -> None:
    store = BaselineStore(tmp_path / "baselines")
    with pytest.raises(HarnessError):
        store.queue("..", "phone", PNG_A, META)
    assert store.pending == []


# --- queue / flush -------------------------------------------------------------------------


def test_queue_writes_nothing_until_flush(tmp_path: Path) -> None:
    root = tmp_path / "baselines"
    store = BaselineStore(root)
    store.queue("story", "phone", PNG_A, META)
    store.queue("story", "desktop", PNG_B, META)
    assert not root.exists()
    assert store.read("story", "phone") is None
    assert [(p.page, p.breakpoint) for p in store.pending] == [("story", "phone"), ("story", "desktop")]


def test_flush_writes_pngs_then_manifest(tmp_path: Path) -> None:
    root = tmp_path / "baselines"
    store = BaselineStore(root)
    store.queue("story", "phone", PNG_A, META)
    store.queue("other", "desktop", PNG_B, {**META, "viewport": {"width": 1280, "height": 800}})
    assert store.flush() == ["story/phone", "other/desktop"]
    assert (root / "story" / "phone.png").read_bytes() == PNG_A
    assert (root / "other" / "desktop.png").read_bytes() == PNG_B
    assert store.read("story", "phone") == PNG_A
    assert store.pending == []

    manifest = json.loads((root / MANIFEST).read_text())
    assert manifest["format"] == 1
    assert list(manifest["baselines"]) == ["other/desktop", "story/phone"]
    entry = manifest["baselines"]["story/phone"]
    assert entry["viewport"] == {"width": 375, "height": 812}
    assert entry["browser"] == {"name": "chromium", "version": "130.0"}
    assert entry["sha256"] == hashlib.sha256(PNG_A).hexdigest()
    assert entry["approved_at"].endswith("Z") and entry["approved_at"][:2] == "20"
    assert manifest["baselines"]["other/desktop"]["sha256"] == hashlib.sha256(PNG_B).hexdigest()
    assert manifest["baselines"]["other/desktop"]["viewport"] == {"width": 1280, "height": 800}
    assert no_temp_files(root)
    assert files_under(root) - {".lock"} == {"story/phone.png", "other/desktop.png", MANIFEST}


def test_flush_with_empty_queue_does_nothing(tmp_path: Path) -> None:
    root = tmp_path / "baselines"
    assert BaselineStore(root).flush() == []
    assert not root.exists()


def test_second_flush_keeps_earlier_entries(tmp_path: Path) -> None:
    root = tmp_path / "baselines"
    first = BaselineStore(root)
    first.queue("story", "phone", PNG_A, META)
    first.flush()
    second = BaselineStore(root)  # a later run: reads the manifest from disk
    second.queue("story", "desktop", PNG_B, META)
    second.queue("story", "phone", PNG_B, META)  # replaces the earlier baseline
    second.flush()
    entries = json.loads((root / MANIFEST).read_text())["baselines"]
    assert set(entries) == {"story/phone", "story/desktop"}
    assert entries["story/phone"]["sha256"] == hashlib.sha256(PNG_B).hexdigest()
    assert (root / "story" / "phone.png").read_bytes() == PNG_B
    assert no_temp_files(root)


def test_redoing_an_interrupted_flush_in_the_same_second_commits_the_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run killed after its files were renamed, redone with the same images: the redo's
    entries equal the settled ones, and its manifest must still end up plain."""
    root = tmp_path / "baselines"
    first = BaselineStore(root)
    first.queue("story", "phone", PNG_A, META)
    first.flush()
    body = json.loads((root / MANIFEST).read_text())
    entry = body["baselines"]["story/phone"]
    body["baselines"]["story/phone"] = {"pending": True, "old": None, "new": entry}  # killed before its commit
    (root / MANIFEST).write_text(json.dumps(body))
    redo = BaselineStore(root)
    redo.queue("story", "phone", PNG_A, META)
    monkeypatch.setattr(baselines_mod, "utc_timestamp", lambda: entry["approved_at"])  # the same second as the interrupted run
    redo.flush()
    assert json.loads((root / MANIFEST).read_text())["baselines"] == {"story/phone": entry}


@pytest.mark.parametrize(
    "manifest",
    [b"{not json", b"[]", b'{"format": 1}', b'{"format": 1, "baselines": []}', b'"text"', b"\xff\xfe"],
)
def test_corrupt_manifest_stops_before_any_png(tmp_path: Path, manifest: bytes) -> None:
    root = tmp_path / "baselines"
    root.mkdir()
    (root / MANIFEST).write_bytes(manifest)
    store = BaselineStore(root)
    store.queue("story", "phone", PNG_A, META)
    with pytest.raises(HarnessError) as info:
        store.flush()
    message = str(info.value)
    assert "\n" not in message
    assert "manifest" in message and "restore it from git or delete it" in message
    assert not (root / "story").exists()
    assert (root / MANIFEST).read_bytes() == manifest  # left as it was
    assert no_temp_files(root)


# --- write_atomic --------------------------------------------------------------------------


def test_write_atomic_creates_parents_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "x.png"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert files_under(tmp_path) == {"a/b/x.png"}


@pytest.mark.parametrize("fail_in", ["replace", "fsync"])
def test_write_atomic_failure_keeps_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_in: str) -> None:
    target = tmp_path / "x.png"
    target.write_bytes(b"old contents")

    def boom(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, fail_in, boom)
    with pytest.raises(HarnessError, match=r"x\.png: cannot write it \(No space left on device\)"):
        write_atomic(target, b"new contents that never land")
    monkeypatch.undo()
    assert target.read_bytes() == b"old contents"
    assert files_under(tmp_path) == {"x.png"}


def test_write_atomic_interrupted_keeps_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "x.png"
    target.write_bytes(b"old")

    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new")
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert files_under(tmp_path) == {"x.png"}


# --- results.json --------------------------------------------------------------------------

BREAKPOINTS_JSON = [{"name": "phone", "is_mobile": True, "has_touch": True, "device_scale_factor": 1.0},
                    {"name": "tablet"}, {"name": "desktop"}]


def shot(page: str, bp: str, status: str = "pass", **kw: object) -> ShotResult:
    return ShotResult(page=page, breakpoint=bp, width=375, height=812, status=status, **kw)  # type: ignore[arg-type]


def make_results(shots: list[ShotResult], baselines: Path | str = "") -> Results:
    return Results(
        browser={"name": "chromium", "version": "130.0"},
        shots=shots,
        run_id="run-1",
        project="/proj",
        baselines_dir=str(baselines),
        created="2024-01-01T00:00:00Z",
        breakpoints=BREAKPOINTS_JSON,
    )


def test_results_round_trip(tmp_path: Path) -> None:
    original = make_results([
        shot("story", "phone", "fail", mismatched=12, ratio=0.001, regions=[[1, 2, 3, 4]], notes=["n"],
             actual="shots/story/phone.png", actual_sha256="ab" * 32, baseline_size=[375, 900]),
        shot("story", "tablet", "new", updated=True),
    ])
    path = original.write(tmp_path)
    assert path == tmp_path / "results.json"
    assert json.loads(path.read_text())["format"] == 1
    loaded = results_mod.load(tmp_path)
    assert loaded == original
    assert loaded.counts() == {"pass": 0, "fail": 1, "new": 1, "unstable": 0, "error": 0}
    assert no_temp_files(tmp_path)


@pytest.mark.parametrize(
    "content, expected",
    [
        pytest.param(None, "no results found; run 'harness check' first", id="missing"),
        pytest.param("{oops", "not a results file this version can read", id="invalid-json"),
        pytest.param("", "not a results file this version can read", id="empty"),
        pytest.param('{"format": 2, "shots": []}', "not a results file this version can read (format 2)",
                     id="newer-format"),
        pytest.param('{"shots": []}', "(format None)", id="no-format"),
        pytest.param("[1, 2]", "not a results file this version can read", id="list"),
        pytest.param('{"format": 1}', "not a results file this version can read", id="no-shots"),
        pytest.param('{"format": 1, "shots": [{"page": "a"}]}', "not a results file", id="incomplete-shot"),
        pytest.param('{"format": 1, "shots": {}}', "('shots' is not a list)", id="shots-not-a-list"),
        pytest.param('{"format": 1, "shots": [7]}', "not a results file", id="shot-not-an-object"),
    ],
)
def test_load_bad_results(tmp_path: Path, content: str | None, expected: str) -> None:
    if content is not None:
        (tmp_path / "results.json").write_text(content)
    with pytest.raises(HarnessError) as info:
        results_mod.load(tmp_path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{tmp_path / 'results.json'}: ")
    assert expected in message
    assert "harness check" in message


@pytest.mark.parametrize(
    "where, value, expected",
    [
        ("shot", {"status": "maybe"}, "shots[0].status is 'maybe', not one of pass, fail, new, unstable, error"),
        ("shot", {"width": "375"}, 'shots[0].width is "375"'),
        ("shot", {"ratio": True}, "shots[0].ratio is true"),
        ("shot", {"regions": [[1, "a"]]}, "shots[0].regions is"),
        ("shot", {"actual": 5}, "shots[0].actual is 5"),
        ("shot", {"notes": "one note"}, "shots[0].notes is"),
        ("top", {"baselines_dir": None}, "(baselines_dir is null)"),
        ("top", {"browser": "chromium"}, "(browser is"),
        ("top", {"breakpoints": [3]}, "(breakpoints is"),
    ],
)
def test_load_refuses_fields_of_the_wrong_type(tmp_path: Path, where: str, value: dict, expected: str) -> None:
    """A hand-edited or foreign file would otherwise crash approve or the report later."""
    data = make_results([shot("story", "phone")]).to_json()
    (data["shots"][0] if where == "shot" else data).update(value)
    (tmp_path / "results.json").write_text(json.dumps(data))
    with pytest.raises(HarnessError, match="not a results file this version can read") as info:
        results_mod.load(tmp_path)
    assert expected in str(info.value)


def test_merge_partials(tmp_path: Path) -> None:
    make_results([shot("story", "desktop"), shot("about", "tablet")]).write(tmp_path, "results-gw0.json")
    make_results([shot("story", "phone"), shot("about", "phone", "fail")]).write(tmp_path, "results-gw1.json")
    merged = merge_partials(tmp_path, None)
    assert merged is not None
    expected = ["about/phone", "about/tablet", "story/phone", "story/desktop"]
    assert [s.id for s in merged.shots] == expected
    on_disk = results_mod.load(tmp_path)
    assert [s.id for s in on_disk.shots] == expected
    assert on_disk.run_id == "run-1" and on_disk.breakpoints == BREAKPOINTS_JSON
    assert files_under(tmp_path) == {"results.json"}


def test_merge_partials_with_own_results(tmp_path: Path) -> None:
    make_results([shot("story", "tablet")]).write(tmp_path, "results-gw0.json")
    own = make_results([shot("story", "phone")])
    merged = merge_partials(tmp_path, own)
    assert merged is not None and [s.id for s in merged.shots] == ["story/phone", "story/tablet"]
    assert files_under(tmp_path) == {"results.json"}


def test_merge_partials_keeps_one_result_of_a_render_two_workers_took(tmp_path: Path) -> None:
    # "tablet" and "tablet-b" share one viewport: each worker took the render whole
    make_results([shot("story", "tablet"), shot("story", "tablet-b")]).write(tmp_path, "results-gw0.json")
    make_results([shot("story", "tablet"), shot("story", "tablet-b"), shot("story", "phone")]).write(tmp_path, "results-gw1.json")
    merged = merge_partials(tmp_path, None)
    assert merged is not None
    assert sorted(s.id for s in merged.shots) == ["story/phone", "story/tablet", "story/tablet-b"]


def test_merge_partials_without_partials(tmp_path: Path) -> None:
    assert merge_partials(tmp_path, None) is None
    assert merge_partials(tmp_path / "missing", None) is None
    assert files_under(tmp_path) == set()


# --- approve -------------------------------------------------------------------------------


@pytest.fixture
def run(tmp_path: Path) -> tuple[Results, Path]:
    """A finished run: story fails at phone, is new at tablet, passes at desktop; about errors."""
    output = tmp_path / "out"
    shots = []
    for page, bp, status, png in [("story", "phone", "fail", PNG_A), ("story", "tablet", "new", PNG_B),
                                  ("story", "desktop", "pass", PNG_A), ("about", "phone", "error", None),
                                  ("about", "tablet", "new", PNG_B)]:
        kw: dict[str, object] = {}
        if png is not None:
            rel = f"shots/{page}/{bp}.png"
            write_atomic(output / rel, png)
            kw = {"actual": rel, "actual_sha256": hashlib.sha256(png).hexdigest()}
        shots.append(shot(page, bp, status, message="boom" if status == "error" else "", **kw))
    shots[-1].updated = True  # about/tablet: its baseline was written by --update
    results = make_results(shots, tmp_path / "baselines")
    results.write(output)
    return results, output


def chosen(results: Results, *names: str) -> list[str]:
    return [s.id for s in approve_mod.select(results, names)]


def test_select_default_is_fail_and_new_not_yet_written(run: tuple[Results, Path]) -> None:
    assert chosen(run[0]) == ["story/phone", "story/tablet"]


@pytest.mark.parametrize(
    "names, expected",
    [
        (("story",), ["story/phone", "story/tablet"]),
        (("story/tablet",), ["story/tablet"]),
        (("story/tablet", "story"), ["story/tablet", "story/phone"]),
        (("/story/phone/",), ["story/phone"]),
        (("about",), []),  # nothing pending for that page
    ],
)
def test_select_by_name(run: tuple[Results, Path], names: tuple[str, ...], expected: list[str]) -> None:
    assert chosen(run[0], *names) == expected


@pytest.mark.parametrize(
    "name, expected",
    [
        ("stroy", "'stroy' is not a shot of the last run; did you mean 'story'?"),
        ("story/phnoe", "'story/phnoe' is not a shot of the last run; did you mean 'story/phone'?"),
        ("zzzzzzzz", "'zzzzzzzz' is not a shot of the last run; see results.json"),
        ("story/desktop", "story/desktop: nothing to approve, it passed"),
        ("about/phone", "about/phone: nothing to approve, it errored"),
        ("about/tablet", "about/tablet: nothing to approve, it was already approved"),
    ],
)
def test_select_refuses(run: tuple[Results, Path], name: str, expected: str) -> None:
    with pytest.raises(UsageError) as info:
        approve_mod.select(run[0], [name])
    assert str(info.value).startswith(expected)


def test_approve_writes_baselines_and_marks_results(run: tuple[Results, Path], tmp_path: Path) -> None:
    results, output = run
    lines = approve_mod.approve(results, output)
    assert lines == ["approved story/phone (baseline replaced)", "approved story/tablet (new baseline)"]
    store = BaselineStore(tmp_path / "baselines")
    assert store.read("story", "phone") == PNG_A
    assert store.read("story", "tablet") == PNG_B
    assert store.read("story", "desktop") is None
    manifest = store.read_manifest()
    assert set(manifest) == {"story/phone", "story/tablet"}
    assert manifest["story/phone"]["sha256"] == hashlib.sha256(PNG_A).hexdigest()
    assert manifest["story/phone"]["is_mobile"] is True
    assert manifest["story/phone"]["browser"] == {"name": "chromium", "version": "130.0"}
    on_disk = results_mod.load(output)
    assert {s.id for s in on_disk.shots if s.approved} == {"story/phone", "story/tablet"}
    # a second approve, in memory or from the file, finds nothing more
    assert approve_mod.approve(results, output) == []
    assert approve_mod.approve(on_disk, output) == []
    with pytest.raises(UsageError, match="nothing to approve, it was already approved"):
        approve_mod.approve(on_disk, output, ["story/phone"])


def test_approve_one_named_shot(run: tuple[Results, Path], tmp_path: Path) -> None:
    results, output = run
    assert approve_mod.approve(results, output, ["story/tablet"]) == ["approved story/tablet (new baseline)"]
    assert BaselineStore(tmp_path / "baselines").read("story", "phone") is None
    assert chosen(results_mod.load(output)) == ["story/phone"]


def test_approve_refuses_changed_actual(run: tuple[Results, Path], tmp_path: Path) -> None:
    results, output = run
    (output / "shots/story/tablet.png").write_bytes(PNG_B + b"edited")
    before = (output / "results.json").read_bytes()
    with pytest.raises(HarnessError) as info:
        approve_mod.approve(results, output)
    message = str(info.value)
    assert "\n" not in message
    assert "changed since" in message and "story/tablet.png" in message
    assert not (tmp_path / "baselines").exists()  # not even story/phone, which was fine
    assert (output / "results.json").read_bytes() == before
    assert not any(s.approved for s in results.shots)


def test_approve_refuses_missing_actual(run: tuple[Results, Path], tmp_path: Path) -> None:
    results, output = run
    (output / "shots/story/phone.png").unlink()
    with pytest.raises(HarnessError, match="is gone; run 'harness check' again"):
        approve_mod.approve(results, output, ["story/phone"])
    assert not (tmp_path / "baselines").exists()


def test_approve_nothing_pending(tmp_path: Path) -> None:
    results = make_results([shot("story", "phone")], tmp_path / "baselines")
    assert approve_mod.approve(results, tmp_path) == []
    assert files_under(tmp_path) == set()



def test_written_files_follow_the_umask_not_mkstemps_0600(tmp_path: Path) -> None:
    import os
    import stat

    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "x.png", b"data")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "x.png").stat().st_mode) == 0o644


def test_a_rejected_shot_is_not_approved_by_default_only_by_name(run: tuple[Results, Path]) -> None:
    results, output = run
    approve_mod.reject(results, output, ["story/phone"])
    assert chosen(results) == ["story/tablet"]
    assert chosen(results, "story/phone") == ["story/phone"]
    approve_mod.approve(results, output, ["story/phone"])
    phone = next(s for s in results.shots if s.id == "story/phone")
    assert phone.approved is True and phone.rejected is False


def test_naming_an_unstable_shot_says_why_it_cannot_be_approved(run: tuple[Results, Path]) -> None:
    results, _ = run
    results.shots[0].status = "unstable"
    with pytest.raises(UsageError, match="story/phone: nothing to approve, it never held still"):
        approve_mod.select(results, ["story/phone"])


def test_an_actual_path_outside_the_shots_folder_is_refused(run: tuple[Results, Path], tmp_path: Path) -> None:
    results, output = run
    outside = tmp_path / "elsewhere.png"
    outside.write_bytes(PNG_A)
    results.shots[0].actual = "../elsewhere.png"
    with pytest.raises(HarnessError, match="names an actual image outside"):
        approve_mod.approve(results, output, ["story/phone"])


# --- what may be in the way of a baseline ----------------------------------------------------


def test_a_folder_where_a_baseline_should_be_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "story" / "phone.png").mkdir(parents=True)
    with pytest.raises(HarnessError, match=r"phone.png: is a folder, not a baseline PNG; remove or rename it"):
        BaselineStore(tmp_path).read("story", "phone")


def test_a_file_where_a_baselines_folder_should_be_is_named(tmp_path: Path) -> None:
    (tmp_path / "story").write_text("not a folder")
    with pytest.raises(HarnessError) as info:
        BaselineStore(tmp_path).read("story", "phone")
    assert str(info.value) == f"{tmp_path / 'story'}: is a file where the baselines need a folder; remove or rename it"


# --- results from another project --------------------------------------------------------------


@pytest.fixture
def here(tmp_path: Path) -> ProjectPaths:
    """A project with the page 'story' at the breakpoint 'phone' (375x812)."""
    root = tmp_path / "proj"
    (root / "pages").mkdir(parents=True)
    (root / "pages/story.html").write_text("<p>story</p>")
    (root / "breakpoints.yaml").write_text(
        "breakpoints:\n  phone:\n    min_width: 0\n    max_width: 639\n    viewport: {width: 375, height: 812}\n"
    )
    return resolve(root=root)


def origin_problem(paths: ProjectPaths, results: Results) -> str | None:
    try:
        approve_mod.check_origin(results, paths.output, paths)
    except UsageError as err:
        return str(err)
    return None


def test_results_of_this_project_are_accepted(here: ProjectPaths) -> None:
    results = make_results([shot("about-us", "huge")], "../../baselines")
    results.project = str(here.root)  # the same path: nothing else is compared
    assert origin_problem(here, results) is None


def test_results_of_the_same_project_elsewhere_are_accepted(here: ProjectPaths) -> None:
    """A CI artifact or a moved checkout: another path, the same pages and breakpoints."""
    assert origin_problem(here, make_results([shot("story", "phone")], "../../baselines")) is None


@pytest.mark.parametrize(
    "results, expected",
    [
        (make_results([shot("sport", "phone")], "../../baselines"), "its page 'sport' is not a page here"),
        (make_results([shot("story", "tablet")], "../../baselines"),
         "its breakpoint 'tablet' (375x812) is not one of this project's"),
        (make_results([ShotResult("story", "phone", 390, 844, "new")], "../../baselines"),
         "its breakpoint 'phone' (390x844) is not one of this project's"),
    ],
)
def test_results_of_another_project_are_refused(here: ProjectPaths, results: Results, expected: str) -> None:
    problem = origin_problem(here, results)
    assert problem is not None and "\n" not in problem
    assert problem.startswith(f"{here.output / 'results.json'}: from another project (/proj): ")
    assert expected in problem and problem.endswith("; run 'harness check' here first, or approve in that project")


@pytest.mark.parametrize("same_project", [True, False], ids=["this-project", "another-project"])
@pytest.mark.parametrize("baselines_dir", ["../../../other/baselines", "/elsewhere/baselines"])
def test_a_baselines_folder_outside_the_project_is_refused_whoever_wrote_the_results(
    here: ProjectPaths, same_project: bool, baselines_dir: str
) -> None:
    """Issue 15: the guard used to run only when the recorded project differed."""
    results = make_results([shot("story", "phone")], baselines_dir)
    if same_project:
        results.project = str(here.root)
    problem = origin_problem(here, results)
    assert problem is not None and "\n" not in problem
    assert problem.startswith(f"{here.output / 'results.json'}: its baselines folder ")
    assert "is outside this project" in problem and "--baselines-dir" in problem
    given = resolve(baselines=(here.output / baselines_dir).resolve(), root=here.root)  # --baselines-dir names it
    assert origin_problem(given, results) is None


# --- interrupted flushes, recovery, pruning ------------------------------------------------


def manifest_entries(root: Path) -> dict[str, dict]:
    return json.loads((root / MANIFEST).read_text())["baselines"]


def test_a_flush_marks_its_entries_pending_before_touching_a_png(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "baselines"
    first = BaselineStore(root)
    first.queue("story", "phone", PNG_A, META)
    first.flush()
    seen: list[dict] = []
    real_replace = files.os.replace

    def replace(src: object, dst: object) -> None:
        if str(dst).endswith("phone.png"):  # the moment the baseline changes
            seen.append(manifest_entries(root)["story/phone"])
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr("harness.store.baselines.os.replace", replace)
    second = BaselineStore(root)
    second.queue("story", "phone", PNG_B, META)
    second.flush()
    assert seen[0]["pending"] is True
    assert seen[0]["old"]["sha256"] == hashlib.sha256(PNG_A).hexdigest()
    assert seen[0]["new"]["sha256"] == hashlib.sha256(PNG_B).hexdigest()
    assert "pending" not in manifest_entries(root)["story/phone"]


def pending_state(root: Path, png: bytes | None, old: bytes | None, new: bytes | None) -> None:
    """What a flush killed between its intent and its commit leaves behind."""
    (root / "story").mkdir(parents=True, exist_ok=True)
    if png is not None:
        (root / "story/phone.png").write_bytes(png)
    entry = lambda data: {**META, "sha256": hashlib.sha256(data).hexdigest()} if data else None  # noqa: E731
    body = {"format": 1, "baselines": {"story/phone": {"pending": True, "old": entry(old), "new": entry(new)}}}
    (root / MANIFEST).write_text(json.dumps(body))
    (root / "story/.phone.png.abc123.tmp").write_bytes(b"half")


@pytest.mark.parametrize(
    ("on_disk", "old", "new", "expected"),
    [
        (PNG_B, PNG_A, PNG_B, PNG_B),  # renamed before the kill: the new entry
        (PNG_A, PNG_A, PNG_B, PNG_A),  # not yet: the old entry
        (None, None, PNG_B, None),  # a new baseline that never landed: no entry
        (PNG_B, None, PNG_B, PNG_B),  # one that did
        (None, PNG_A, None, None),  # a prune that happened
        (PNG_A, PNG_A, None, PNG_A),  # one that did not
    ],
)
def test_pending_entries_settle_by_what_is_on_disk(
    tmp_path: Path, on_disk: bytes | None, old: bytes | None, new: bytes | None, expected: bytes | None
) -> None:
    root = tmp_path / "baselines"
    pending_state(root, on_disk, old, new)
    store = BaselineStore(root)
    settled = store.read_manifest()  # readers see the settled view without writing
    assert (settled.get("story/phone") or {}).get("sha256") == (hashlib.sha256(expected).hexdigest() if expected else None)
    assert json.loads((root / MANIFEST).read_text())["baselines"]["story/phone"]["pending"] is True
    store.recover()  # the next writer settles it for good and sweeps the debris
    assert manifest_entries(root) == settled
    assert no_temp_files(root)


def test_a_flush_with_nothing_queued_settles_only_when_asked(tmp_path: Path) -> None:
    root = tmp_path / "baselines"
    pending_state(root, PNG_B, PNG_A, PNG_B)
    BaselineStore(root).flush()
    assert manifest_entries(root)["story/phone"]["pending"] is True  # a read-only run writes nothing
    BaselineStore(root).flush(settle=True)
    assert manifest_entries(root)["story/phone"]["sha256"] == hashlib.sha256(PNG_B).hexdigest()


def test_queue_delete_removes_the_png_its_entry_and_an_empty_folder(tmp_path: Path) -> None:
    root = tmp_path / "baselines"
    store = BaselineStore(root)
    store.queue("story", "phone", PNG_A, META)
    store.queue("old", "phone", PNG_B, META)
    store.flush()
    store.queue_delete("old", "phone")
    store.queue("story", "desktop", PNG_B, META)
    assert store.flush() == ["old/phone", "story/desktop"]
    assert set(manifest_entries(root)) == {"story/phone", "story/desktop"}
    assert files_under(root) - {".lock"} == {"story/phone.png", "story/desktop.png", MANIFEST}


def test_unused_lists_files_and_entries_no_planned_shot_uses_but_never_test_baselines(tmp_path: Path) -> None:
    root = tmp_path / "baselines"
    store = BaselineStore(root)
    for key in ("story/phone", "story/watch", "gone/phone"):
        store.queue(*key.split("/"), PNG_A, META)
    store.queue("story-menu-open", "phone", PNG_A, {**META, "kind": "test"})
    store.flush()
    (root / "stray").mkdir()
    (root / "stray/tablet.png").write_bytes(PNG_B)  # a PNG dropped in by hand, no entry
    (root / "story/.phone.png.x.tmp").write_bytes(b"debris")  # never a baseline
    (root / "story/notes.txt").write_text("not a baseline")
    assert store.unused(["story/phone"]) == ["gone/phone", "story/watch", "stray/tablet"]
    assert "story-menu-open/phone" in store.stored()


def test_output_lock_names_its_holder_and_a_dead_holder_holds_nothing(tmp_path: Path) -> None:
    import subprocess
    import sys

    from harness.store.baselines import output_lock

    output = tmp_path / "out"
    with output_lock(output, "harness approve"):
        with pytest.raises(HarnessError, match=r"another harness run is using this output folder \(pid \d+: harness approve\)"):
            with output_lock(output, "harness check"):
                pass
    holder = subprocess.Popen(
        [sys.executable, "-c", f"from harness.store.baselines import output_lock\nfrom pathlib import Path\nimport os\n"
         f"with output_lock(Path({str(output)!r}), 'harness check'):\n    os.kill(os.getpid(), 9)"]
    )
    holder.wait(timeout=60)
    assert holder.returncode == -9  # died holding the lock
    with output_lock(output, "harness check"):  # the kernel released it: no stale lock
        assert f"pid {os.getpid()}" in (output / ".lock").read_text()
