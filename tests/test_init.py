"""`harness init`: breakpoints from the site's own CSS, the project's other files, and the
acceptance story: from a folder holding only a site's built pages to a passing check and a
first caught change."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import BOOTSTRAP_BOUNDARIES, make_bootstrap_site, run_cli

from harness.config.breakpoints import Breakpoint, load_breakpoints
from harness.config.propose import DEFAULT_BOUNDARIES, MAX_BOUNDARIES, CssBoundary, choose, propose, to_yaml
from harness.config.scaffold import gitignore, page_name


def bootstrap(above: bool = True, below: bool = True) -> list[CssBoundary]:
    return [
        CssBoundary(w, 10, f"(min-width: {w}px) in /css/styles.css", f"(min-width: {w}px) in /css/styles.css" if above else None,
                    f"(max-width: {w - 1}.98px) in /css/styles.css" if below else None)
        for w in BOOTSTRAP_BOUNDARIES
    ]


def written(tmp_path: Path, text: str) -> tuple[Breakpoint, ...]:
    path = tmp_path / "breakpoints.yaml"
    path.write_text(text)
    return load_breakpoints(path)


def base_ranges(bps: tuple[Breakpoint, ...]) -> list[Breakpoint]:
    """The names that are no union of others: no other range lies inside theirs."""

    def holds(outer: Breakpoint, inner: Breakpoint) -> bool:
        top = outer.max_width if outer.max_width is not None else 10**9
        return (outer.min_width, outer.max_width) != (inner.min_width, inner.max_width) and outer.min_width <= inner.min_width and (
            inner.max_width is not None and inner.max_width <= top
        )

    return sorted((b for b in bps if not any(holds(b, o) for o in bps)), key=lambda b: b.min_width)


# -- the proposal -----------------------------------------------------------------------------------


def test_bootstrap_s_boundaries_become_named_ranges_covering_every_width(tmp_path: Path) -> None:
    proposal = propose(bootstrap())
    assert [(r.name, r.min_width, r.max_width) for r in proposal.ranges] == [
        ("narrow-browser-and-phone", 0, 575),
        ("landscape-phone", 576, 767),
        ("medium-browser-and-portrait-tablet", 768, 991),
        ("landscape-tablet", 992, 1199),
        ("medium-wide-browser", 1200, 1399),
        ("wide-browser-and-larger", 1400, None),
    ]
    phone = proposal.ranges[0]
    assert phone.viewport == (375, 812) and phone.mobile and phone.touch
    assert not proposal.ranges[-1].mobile and not proposal.ranges[-1].touch
    for r in proposal.all:  # a usual screen, inside its range
        assert r.min_width <= r.viewport[0] and (r.max_width is None or r.viewport[0] <= r.max_width)
    bps = written(tmp_path, to_yaml(proposal, "the CSS of 1 page (home) at 375 and 1280 px"))
    assert [b.name for b in bps] == [r.name for r in proposal.all]
    assert sorted({b.min_width for b in bps} - {0}) == list(BOOTSTRAP_BOUNDARIES)


def test_and_larger_and_and_below_names_only_where_the_css_has_such_a_query() -> None:
    none = propose(bootstrap(above=False, below=False))
    assert none.compounds == []
    above = propose(bootstrap(below=False))
    assert [(r.name, r.min_width, r.max_width) for r in above.compounds] == [
        ("landscape-phone-and-larger", 576, None),
        ("portrait-tablet-and-larger", 768, None),
        ("landscape-tablet-and-larger", 992, None),
        ("medium-wide-browser-and-larger", 1200, None),
    ]  # 1400 and up is a base range already
    assert {r.viewport for r in above.compounds} <= {r.viewport for r in above.ranges}  # no screenshot of their own
    below = propose(bootstrap(above=False))
    assert [(r.name, r.max_width) for r in below.compounds] == [
        ("landscape-phone-and-below", 767),
        ("portrait-tablet-and-below", 991),
        ("landscape-tablet-and-below", 1199),
        ("medium-wide-browser-and-below", 1399),
    ]


def test_without_boundaries_the_defaults_are_the_bundled_base_ranges(tmp_path: Path) -> None:
    proposal = propose([])
    assert proposal.default and [r.min_width for r in proposal.ranges][1:] == list(DEFAULT_BOUNDARIES)
    assert [r.name for r in proposal.ranges] == [
        "narrow-browser-and-phone", "medium-browser-and-portrait-tablet", "landscape-tablet", "medium-wide-browser", "wide-browser-and-larger",
    ]
    text = to_yaml(proposal, "no pages")
    assert "No width media query was read, so these are the harness's defaults" in text
    assert len(written(tmp_path, text)) == 5


def test_many_boundaries_keep_the_most_used_and_list_the_rest() -> None:
    found = [CssBoundary(w, n, f"(min-width: {w}px) in /a.css") for w, n in
             [(300, 50), (480, 3), (600, 40), (601, 39), (740, 30), (980, 25), (1140, 20), (1300, 15), (1500, 2), (1700, 1), (3000, 9)]]
    used, left = choose(found)
    assert [b.width for b in used] == [480, 600, 740, 980, 1140, 1300, 1500]
    assert len(used) == MAX_BOUNDARIES
    assert [b.width for b in left] == [601, 1700, 3000]  # too close to 600, least used, too wide (300: too narrow to be one)
    text = to_yaml(propose(found), "x")
    assert "#   601 (39), 1700 (1), 3000 (9); 'harness coverage' lists them" in text


def test_pages_without_a_meta_viewport_get_no_mobile_phones(tmp_path: Path) -> None:
    proposal = propose(bootstrap(), mobile=False)
    assert not any(r.mobile for r in proposal.all) and proposal.ranges[0].touch
    assert "is_mobile is left out" in to_yaml(proposal, "x")


def test_the_comment_says_where_each_boundary_comes_from() -> None:
    text = to_yaml(propose(bootstrap()), "the CSS of 1 page (home) at 375 and 1280 px")
    assert "#    992  (min-width: 992px) in /css/styles.css, and 9 other media queries" in text
    assert "    min_width: 992   # from (min-width: 992px) in /css/styles.css, and 9 other media queries" in text


def test_gitignore_lines_are_added_once() -> None:
    text, added = gitignore("node_modules/\n.harness/")
    assert added == ["baselines/.lock"] and text.startswith("node_modules/\n.harness/\n")
    assert text.count(".harness/") == 1 and text.endswith("baselines/.lock\n")
    assert gitignore(text) == (text, [])


def test_page_names_from_urls() -> None:
    assert page_name("http://localhost:3000/world/some-article", []) == "some-article"
    assert page_name("http://localhost:3000/", []) == "localhost-3000"
    assert page_name("https://example.com/blog/index.html", ["blog"]) == "blog-2"


# -- the command ----------------------------------------------------------------------------------


def test_init_refuses_to_overwrite_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "breakpoints.yaml").write_text("mine\n")
    done = run_cli("init", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == "harness: error: breakpoints.yaml already exists; pass --force to overwrite it, or move it away\n"
    assert (tmp_path / "breakpoints.yaml").read_text() == "mine\n" and not (tmp_path / ".gitignore").exists()
    bad = run_cli("init", "--url", "localhost:3000/x", cwd=tmp_path / "..")
    assert bad.returncode == 2 and "--url 'localhost:3000/x': not an http(s) URL" in bad.stderr


def test_init_without_pages_writes_the_defaults_and_says_so(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("dist/\n")
    done = run_cli("init", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "no width media queries, so the ranges below are the harness's defaults" in done.stdout
    assert "next: put your built pages in pages/" in done.stdout
    assert (tmp_path / ".gitignore").read_text().endswith(".harness/\nbaselines/.lock\n")
    assert (tmp_path / ".github/workflows/layout.yml").read_text().startswith("# Layout checks on every pull request")
    listed = run_cli("breakpoints", "--json", cwd=tmp_path)
    assert listed.returncode == 0 and len(json.loads(listed.stdout)) == 5
    again = run_cli("init", "--force", cwd=tmp_path)
    assert again.returncode == 0 and (tmp_path / ".gitignore").read_text().count(".harness/") == 1


# -- acceptance: a folder holding only a site's built pages --------------------------------------------

ONLY_MD = "@media (min-width: 768px) and (max-width: 991.98px) { .lead { font-style: italic; } }"
FROM_LG = ".navbar .links { display: flex; gap: 12px; }"  # inside (min-width: 992px), and not overridden above it


def failing(stdout: str) -> set[str]:
    return {m.group(1) for m in re.finditer(r"^FAIL  home @ (\S+) \(", stdout, re.M)}


@pytest.mark.browser
def test_from_a_folder_of_built_pages_to_a_passing_check_and_a_caught_change(tmp_path: Path) -> None:
    root = make_bootstrap_site(tmp_path / "site")
    init = run_cli("init", cwd=root)
    assert init.returncode == 0, init.stdout + init.stderr
    assert "the CSS switches at 576 768 992 1200 1400" in init.stdout
    bps = load_breakpoints(root / "breakpoints.yaml")
    bases = base_ranges(bps)
    assert [b.min_width for b in bases][1:] == list(BOOTSTRAP_BOUNDARIES) and bases[-1].max_width is None
    assert "(min-width: 992px) in /css/styles.css" in (root / "breakpoints.yaml").read_text()

    first = run_cli("check", "--update", "missing", cwd=root)
    assert first.returncode == 0, first.stdout + first.stderr
    assert first.stdout.splitlines()[0] == f"project: {root.resolve()} (pages/, breakpoints.yaml, baselines/)"
    again = run_cli("check", cwd=root)
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"{len(bps)} shots: {len(bps)} passed" in again.stdout
    coverage = run_cli("coverage", cwd=root)
    assert coverage.returncode == 0 and "the page CSS agrees with breakpoints.yaml" in coverage.stdout, coverage.stdout

    css = root / "pages/css/styles.css"
    original = css.read_text()
    css.write_text(original.replace(ONLY_MD, ONLY_MD.replace("font-style: italic;", "font-style: italic; letter-spacing: 2px;")))
    changed = run_cli("check", cwd=root)
    assert changed.returncode == 1
    assert failing(changed.stdout) == {b.name for b in bps if 768 <= b.viewport.width <= 991} != set()

    css.write_text(original.replace(FROM_LG, FROM_LG.replace("12px", "40px")))
    wider = run_cli("check", cwd=root)
    assert failing(wider.stdout) == {b.name for b in bps if b.viewport.width >= 992}


@pytest.mark.browser
def test_init_takes_pages_at_urls_and_writes_them_to_pages_yaml(tmp_path: Path) -> None:
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    site = make_bootstrap_site(tmp_path / "site")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(site / "pages"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        project = tmp_path / "project"
        project.mkdir()
        url = f"http://127.0.0.1:{server.server_port}/home/"
        done = run_cli("init", "--url", url, cwd=project)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "the CSS switches at 576 768 992 1200 1400" in done.stdout
        pages_yaml = (project / "pages/pages.yaml").read_text()
        assert f"  home:\n    url: {url}\n" in pages_yaml and pages_yaml.startswith("# Pages that live at a URL")
        assert "start the site here first" in (project / ".github/workflows/layout.yml").read_text()
        refused = run_cli("init", "--url", url, cwd=project)
        assert refused.returncode == 2 and "breakpoints.yaml, .github/workflows/layout.yml and pages/pages.yaml already exist" in refused.stderr
    finally:
        server.shutdown()
        server.server_close()


def test_interactive_asks_for_urls_and_before_overwriting(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "breakpoints.yaml").write_text("mine\n")
    answers = "nonsense\n\nn\n"  # a bad URL is asked again; an empty line ends the URLs; keep breakpoints.yaml
    done = subprocess.run([sys.executable, "-m", "harness", "init", "--interactive"], cwd=tmp_path, input=answers,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "'nonsense': not an http(s) URL; give an http(s) URL, or an empty line to end" in done.stdout
    assert "kept breakpoints.yaml" in done.stdout and (tmp_path / "breakpoints.yaml").read_text() == "mine\n"
    assert (tmp_path / ".github/workflows/layout.yml").is_file()
