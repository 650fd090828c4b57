"""CSS selectors in pages.yaml and specs.yaml are checked when the config loads (issue 15).

A selector Chromium cannot use used to be found only at render time (a shot error, or for
``hide``/``remove`` nothing at all: the stylesheet rule was silently dropped). The loader
now says so at once, with file and line. ``tests/attacks/selectors.txt`` holds the corpus:
each line's verdict is checked against the loader, and (with a browser) against Chromium.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import ATTACKS

from harness.config.breakpoints import Breakpoint, Viewport
from harness.config.pages import load_pages
from harness.config.selectors import selector_problem
from harness.config.specs import load_specs
from harness.errors import ConfigError


def corpus() -> list[tuple[str, str]]:
    pairs = []
    for line in (ATTACKS / "selectors.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            verdict, _, selector = line.partition(": ")
            pairs.append((verdict, selector))
    return pairs


CORPUS = corpus()


@pytest.mark.parametrize(("verdict", "selector"), CORPUS, ids=[f"{v}:{s}" for v, s in CORPUS])
def test_the_loader_judges_each_selector_of_the_corpus(verdict: str, selector: str) -> None:
    problem = selector_problem(selector)
    if verdict == "valid":
        assert problem is None, problem
    else:
        assert problem and "\n" not in problem, selector


@pytest.mark.browser
def test_each_verdict_of_the_corpus_is_chromiums(page: Any) -> None:
    """The corpus is Chromium's word, not ours: what it marks valid or stricter, Chromium's
    querySelectorAll takes; what it marks invalid, Chromium refuses."""
    page.set_content("<div></div>")
    takes = page.evaluate(
        "sels => sels.map(s => { try { document.querySelectorAll(s); return true } catch (e) { return false } })",
        [s for _, s in CORPUS],
    )
    wrong = [(v, s) for (v, s), ok in zip(CORPUS, takes) if ok != (v in ("valid", "stricter"))]
    assert wrong == []


def write_pages(tmp_path: Path, yaml: str) -> Path:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "home.html").write_text("<p>home</p>")
    (pages / "pages.yaml").write_text(yaml)
    return pages


@pytest.mark.parametrize(
    ("yaml", "line", "where"),
    [
        ("pages:\n  home:\n    mask:\n      - '.ok'\n      - '.a..b'\n", 5, "pages.home.mask"),
        ("pages:\n  home:\n    hide: ['.ok', 'div {']\n", 3, "pages.home.hide"),
        ("defaults:\n  remove:\n    - 'a{} body{display:none}'\n", 3, "defaults.remove"),
        ("pages:\n  home:\n    wait_for: 'text=Hello'\n", 3, "pages.home.wait_for"),
        ("pages:\n  home:\n    clip: 'article:has-text(\"x\")'\n", 3, "pages.home.clip"),
        ("pages:\n  home:\n    landmarks: {lead: 'figure >'}\n", 3, "pages.home.landmarks.lead"),
        ("pages:\n  home:\n    detector: 'ul:visible li'\n", 3, "pages.home.detector"),
    ],
)
def test_a_bad_selector_in_pages_yaml_is_one_line_with_file_and_line(tmp_path: Path, yaml: str, line: int, where: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_pages(write_pages(tmp_path, yaml))
    message = str(info.value)
    assert message.startswith(f"{tmp_path / 'pages' / 'pages.yaml'}:{line}: {where}: ")
    assert "is not a CSS selector Chromium accepts" in message and "\n" not in message


def test_modern_selectors_load(tmp_path: Path) -> None:
    yaml = (
        "pages:\n  home:\n"
        "    mask: [':is(.ad, .promo) img', 'article:has(> figure)', ':where(.a) .b', 'a[href$=\".PDF\" i]']\n"
        "    hide: ['p::first-line', 'li:nth-child(2n+1 of .card)', 'p:not(.a .b)']\n"
    )
    (home,) = load_pages(write_pages(tmp_path, yaml))
    assert len(home.settings.mask) == 4 and len(home.settings.hide) == 3


BPS = (Breakpoint("phone", 0, 639, Viewport(360, 640)),)


@pytest.mark.parametrize(
    ("yaml", "line", "where"),
    [
        ("pages:\n  home:\n    elements:\n      lead: 'figure..lead'\n    rules:\n      - {element: lead, visible: true}\n",
         4, "pages.home.elements.lead"),
        ("pages:\n  home:\n    rules:\n      - element: 'main > .card'\n        below: 'header:contains(\"x\")'\n",
         5, "pages.home.rules[0].below"),
        ("defaults:\n  rules:\n    - {element: 'nav a:visible', count: 1}\n", 3, "defaults.rules[0].element"),
    ],
)
def test_a_bad_selector_in_specs_yaml_is_one_line_with_file_and_line(tmp_path: Path, yaml: str, line: int, where: str) -> None:
    path = tmp_path / "specs.yaml"
    path.write_text(yaml)
    with pytest.raises(ConfigError) as info:
        load_specs(path, ["home"], BPS)
    message = str(info.value)
    assert message.startswith(f"{path}:{line}: {where}: ")
    assert "is not a CSS selector Chromium accepts" in message and "\n" not in message
