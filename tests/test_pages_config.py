"""Tests for the pages loader: discovery in the pages folder, pages.yaml, and every error shape."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config.pages import Page, load_pages
from harness.errors import ConfigError


def make(root: Path, *files: str) -> Path:
    """Create ``files`` (relative paths) under ``root``; return ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for rel in files:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("<!doctype html><p>page</p>\n", encoding="utf-8")
    return root


def error(pages_dir: Path) -> ConfigError:
    """Load expecting a ConfigError; check it is one line and return it."""
    with pytest.raises(ConfigError) as info:
        load_pages(pages_dir)
    assert "\n" not in str(info.value)
    return info.value


# --- discovery -----------------------------------------------------------------------------


def test_html_file_and_folder_index_become_sorted_pages(tmp_path: Path) -> None:
    pages = load_pages(make(tmp_path / "pages", "y/index.html", "x.html"))
    assert pages == (Page("x", file="x.html"), Page("y", file="y/index.html"))
    assert [p.source for p in pages] == ["pages/x.html", "pages/y/index.html"]


@pytest.mark.parametrize(
    "ignored",
    [
        pytest.param("_partial.html", id="underscore-file"),
        pytest.param(".hidden.html", id="dot-file"),
        pytest.param("_assets/index.html", id="underscore-folder"),
        pytest.param(".git/index.html", id="dot-folder"),
        pytest.param("nofolder/other.html", id="folder-without-index"),
        pytest.param("notes.txt", id="txt-file"),
        pytest.param("style.css", id="css-file"),
        pytest.param("page.htm", id="htm-suffix"),
        pytest.param("deep/er/index.html", id="nested-index-only"),
    ],
)
def test_non_pages_are_ignored(tmp_path: Path, ignored: str) -> None:
    pages = load_pages(make(tmp_path / "pages", "real.html", ignored))
    assert [p.name for p in pages] == ["real"]


def test_name_defined_twice(tmp_path: Path) -> None:
    err = error(make(tmp_path / "pages", "x.html", "x/index.html"))
    message = str(err)
    assert "page 'x' is defined twice" in message
    assert "x.html" in message and "x/index.html" in message
    assert "remove or rename" in message


@pytest.mark.parametrize("rel", ["bad name.html", "bad name/index.html", "caf\u00e9.html", "-dash.html"])
def test_bad_page_name(tmp_path: Path, rel: str) -> None:
    err = error(make(tmp_path / "pages", "good.html", rel))
    name = rel.split("/")[0].removesuffix(".html")
    assert f"page name {name!r} cannot be used in file names" in str(err)
    assert "rename" in str(err)


@pytest.mark.parametrize(
    "setup, expected",
    [
        pytest.param("missing", "pages folder not found; create it or pass --pages-dir", id="missing"),
        pytest.param("file", "is not a folder; pass the folder that holds the pages with --pages-dir", id="file"),
        pytest.param("empty", "no pages found; add <name>.html or <name>/index.html", id="empty"),
        pytest.param("only-assets", "no pages found; add", id="only-assets"),
    ],
)
def test_unusable_pages_dir(tmp_path: Path, setup: str, expected: str) -> None:
    target = tmp_path / "pages"
    if setup == "file":
        target.write_text("not a folder")
    elif setup == "empty":
        target.mkdir()
    elif setup == "only-assets":
        make(target, "_assets/fonts/a.woff2", "_assets/index.html", "readme.md")
    err = error(target)
    assert str(err).startswith(f"{target}: {expected}")
    assert err.line is None


# --- pages.yaml ------------------------------------------------------------------------------


def with_config(tmp_path: Path, text: str, *files: str) -> Path:
    root = make(tmp_path / "pages", *files)
    (root / "pages.yaml").write_text(text, encoding="utf-8")
    return root


def test_url_page_added(tmp_path: Path) -> None:
    root = with_config(tmp_path, "pages:\n  newsroom-dev:\n    url: http://localhost:3000/world\n", "local.html")
    pages = load_pages(root)
    assert pages == (
        Page("local", file="local.html"),
        Page("newsroom-dev", file=None, url="http://localhost:3000/world"),
    )
    assert pages[1].source == "http://localhost:3000/world"


def test_url_page_alone_is_enough(tmp_path: Path) -> None:
    root = with_config(tmp_path, "pages:\n  remote:\n    url: https://example.org/a\n")
    assert load_pages(root) == (Page("remote", url="https://example.org/a"),)


def test_settings_for_local_page(tmp_path: Path) -> None:
    root = with_config(
        tmp_path, "pages:\n  story:\n    breakpoints: [a, b]\n", "story/index.html", "other.html"
    )
    other, story = load_pages(root)
    assert story.name == "story" and story.file == "story/index.html" and story.url is None
    assert story.breakpoints == ("a", "b")
    assert other.breakpoints is None


def test_local_page_with_empty_settings(tmp_path: Path) -> None:
    root = with_config(tmp_path, "pages:\n  story:\n", "story.html")
    assert load_pages(root) == (Page("story", file="story.html"),)


# Each: pages.yaml text, the line of the error (None: no line), expected text.
# pages/a.html and pages/x.html exist in every case.
BAD_CONFIGS = [
    pytest.param("pages:\n  a:\n    breakpoint: [x]\n", 3,
                 "pages.a.breakpoint: unknown key; did you mean 'breakpoints'?", id="unknown-key"),
    pytest.param("pages:\n  a:\n    zzz: red\n", 3,
                 "pages.a.zzz: unknown key; allowed keys: url, mask, mask_color, hide, remove", id="unknown-key-no-match"),
    pytest.param("pages:\n  b:\n    url: ftp://example.org/\n", 3,
                 "pages.b.url: 'ftp://example.org/' (a string) is not an http(s) URL; write e.g. http://",
                 id="ftp-url"),
    pytest.param("pages:\n  b:\n    url: localhost:3000/x\n", 3, "is not an http(s) URL; write e.g.", id="no-scheme"),
    pytest.param("pages:\n  b:\n    url: 3000\n", 3, "pages.b.url: 3000 (an integer) is not an http(s) URL",
                 id="url-number"),
    pytest.param("pages:\n  b:\n    url:\n", 3, "pages.b.url: nothing (null) is not an http(s) URL", id="url-null"),
    pytest.param("pages:\n  x: {}\n  a:\n    url: http://localhost/\n", 3,
                 "pages.a: has both a url and the file pages/a.html; remove one of them", id="url-and-file"),
    pytest.param("pages:\n  ghost:\n    breakpoints: x\n", 3, "pages.ghost.breakpoints: must be a list", id="absent-page-still-checked"),
    pytest.param("pages:\n  a:\n    fresh: yes please\n", 3,
                 "pages.a.fresh: must be true or false, got 'yes please' (a string); write true or false", id="fresh-not-a-flag"),
    pytest.param("pages:\n  a:\n    breakpoints: narrow\n", 3,
                 "pages.a.breakpoints: must be a list of breakpoint names; e.g. [", id="breakpoints-string"),
    pytest.param("pages:\n  a:\n    breakpoints: []\n", 3,
                 "pages.a.breakpoints: must be a list of breakpoint names; e.g. [", id="breakpoints-empty"),
    pytest.param("pages:\n  a:\n    breakpoints: [x, 640]\n", 3,
                 "pages.a.breakpoints: must be a list of breakpoint names", id="breakpoints-non-string"),
    pytest.param("pages:\n  a:\n    breakpoints: {x: 1}\n", 3,
                 "pages.a.breakpoints: must be a list of breakpoint names", id="breakpoints-mapping"),
    pytest.param("pages:\n  a: {}\npage: {}\n", 3,
                 "page: unknown top-level key; did you mean 'pages'?", id="extra-top-level-key"),
    pytest.param("settings:\n  a: {}\n", 1, "settings: unknown top-level key; the top-level keys are 'pages' and 'defaults'",
                 id="wrong-top-level-key"),
    pytest.param("- a\n- b\n", 1, "top level: must be a mapping with the key 'pages'", id="top-level-list"),
    pytest.param("pages: [a]\n", 1, "pages: must be a mapping of page names, got a list; see the README",
                 id="pages-list"),
    pytest.param("# settings\npages:\n", 2, "pages: must be a mapping of page names, got nothing (null)",
                 id="pages-null"),
    pytest.param("pages:\n  a: 5\n", 2, "pages.a: must be a mapping of settings, got 5 (an integer); e.g. url:",
                 id="entry-not-mapping"),
    pytest.param("pages:\n  a: {}\n  b:\n    url: http://x/\n  a:\n    breakpoints: [x]\n", 5,
                 "pages: duplicate key 'a' (first at line 2); remove or rename one", id="duplicate-page"),
    pytest.param("pages:\n  'x y':\n    url: http://x/\n", 2,
                 "page name 'x y' cannot be used in file names; use only", id="bad-page-name"),
    pytest.param("pages:\n  a:\n    url: http://x: y\n", 3, "invalid YAML: mapping values are not allowed",
                 id="malformed-yaml"),
    pytest.param("pages:\n\ta: {}\n", 2, "invalid YAML", id="tab-indent"),
    pytest.param("", None, "file is empty; add a top-level 'pages:' mapping or delete the file", id="empty-file"),
    pytest.param("# nothing here\n", None, "file is empty; add", id="comments-only"),
]


@pytest.mark.parametrize("text, line, expected", BAD_CONFIGS)
def test_bad_config(tmp_path: Path, text: str, line: int | None, expected: str) -> None:
    root = with_config(tmp_path, text, "a.html", "x.html")
    err = error(root)
    config = root / "pages.yaml"
    prefix = f"{config}:{line}: " if line else f"{config}: "
    message = str(err)
    assert message.startswith(prefix), message
    assert err.line == line
    assert expected in message
    assert ";" in message[len(prefix):]  # every message carries a fix after the problem


def test_settings_for_a_page_that_is_not_here_are_skipped_with_one_warning(tmp_path: Path) -> None:
    root = with_config(tmp_path, "pages:\n  ghost:\n    mask: ['.x']\n  story: {}\n  old-front: {}\n", "story.html")
    warnings: list[str] = []
    assert [p.name for p in load_pages(root, warnings)] == ["story"]
    assert warnings == [f"{root / 'pages.yaml'}: settings for pages that are not in {root.name}/ are skipped: ghost (line 2), old-front (line 5)"]
    (root / "pages.yaml").write_text("pages:\n  stroy:\n    mask: ['.x']\n")
    with pytest.raises(ConfigError) as caught:
        load_pages(root)
    assert str(caught.value).endswith(":2: pages.stroy: no file pages/stroy.html or pages/stroy/index.html; did you mean 'story'?")
