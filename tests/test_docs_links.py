"""The docs hold together: every relative link and #anchor in README.md, docs/*.md and
benchmarks/README.md resolves, every docs page is linked from the README, and the README
stays a front page (at most 300 lines).

Anchors follow GitHub's heading slugs: the heading's text (markup removed) in lower case,
punctuation dropped except hyphens, underscores and spaces, spaces turned into hyphens;
a repeated heading gets -1, -2, ... Explicit ``<a id=...>`` and ``<a name=...>`` count too.
No browser, no network: this is part of the fast lane.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
README_MAX_LINES = 300

FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
INLINE_CODE = re.compile(r"(`+)(.+?)\1")
# [text](target "title") and ![alt](target); the text may hold `code` and nested [brackets]
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'(][^)]*[\"')])?\s*\)")
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
EXPLICIT_ANCHOR = re.compile(r"<a\s+[^>]*?\b(?:id|name)\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
EXTERNAL = ("http://", "https://", "mailto:")


def doc_files() -> list[Path]:
    files = [README, *sorted((REPO / "docs").glob("*.md"))]
    bench = REPO / "benchmarks" / "README.md"
    if bench.exists():
        files.append(bench)
    return files


def prose_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) outside fenced code blocks."""
    lines: list[tuple[int, str]] = []
    fence: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        match = FENCE.match(line)
        if match:
            marker = match.group(1)
            if fence is None:
                fence = marker
                continue
            if marker[0] == fence[0] and len(marker) >= len(fence):
                fence = None
                continue
        if fence is None:
            lines.append((number, line))
    return lines


def slug(heading: str) -> str:
    """GitHub's slug of a heading's text."""
    text = INLINE_CODE.sub(lambda m: m.group(2), heading)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link shows its text
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML tags
    text = text.strip().lower()
    text = "".join(ch for ch in text if ch.isalnum() or ch in "-_ ")
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every anchor a link may point at in this file."""
    text = path.read_text(encoding="utf-8")
    found: set[str] = set(EXPLICIT_ANCHOR.findall(text))
    seen: dict[str, int] = {}
    for _, line in prose_lines(text):
        match = HEADING.match(line)
        if not match:
            continue
        base = slug(match.group(2))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(path: Path) -> list[tuple[int, str]]:
    """(line number, target) of every link, image and reference definition outside code."""
    found: list[tuple[int, str]] = []
    for number, line in prose_lines(path.read_text(encoding="utf-8")):
        reference = REFERENCE.match(line)
        if reference:
            found.append((number, reference.group(1)))
            continue
        without_code = INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line)  # code shows links, not follows them
        found.extend((number, target) for target in LINK.findall(without_code))
    return found


def broken_links(path: Path, root: Path = REPO) -> list[str]:
    """One line per link in ``path`` that does not resolve (paths shown relative to ``root``)."""
    problems: list[str] = []
    where = path.relative_to(root)
    for number, target in links(path):
        if not target or target.startswith(EXTERNAL):
            continue
        file_part, _, anchor = target.partition("#")
        destination = (path.parent / unquote(file_part)).resolve() if file_part else path
        if not destination.exists():
            problems.append(f"{where}:{number}: {target}: no such file {file_part!r}")
            continue
        if not anchor:
            continue
        if destination.suffix != ".md" or destination.is_dir():
            problems.append(f"{where}:{number}: {target}: an anchor into a file that is not Markdown")
        elif unquote(anchor) not in anchors(destination):
            problems.append(f"{where}:{number}: {target}: no heading or <a id> '{anchor}' in {destination.relative_to(root)}")
    return problems


@pytest.mark.parametrize("path", doc_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_relative_link_and_anchor_resolves(path: Path) -> None:
    problems = broken_links(path)
    assert not problems, "broken links:\n" + "\n".join(problems)


def test_every_docs_page_is_linked_from_the_readme() -> None:
    linked = {
        (README.parent / unquote(target.partition("#")[0])).resolve()
        for _, target in links(README)
        if target and not target.startswith(EXTERNAL) and not target.startswith("#")
    }
    pages = [*sorted((REPO / "docs").glob("*.md")), REPO / "benchmarks" / "README.md"]
    missing = [str(p.relative_to(REPO)) for p in pages if p.exists() and p.resolve() not in linked]
    assert not missing, f"README.md does not link to: {', '.join(missing)}"


def test_the_readme_is_a_front_page_of_at_most_300_lines() -> None:
    count = len(README.read_text(encoding="utf-8").splitlines())
    assert count <= README_MAX_LINES, f"README.md has {count} lines; move reference material into docs/"


# The checker itself: it must catch what it is for.


def test_slugs_follow_githubs_rules() -> None:
    assert slug("Layout specs (`specs.yaml`)") == "layout-specs-specsyaml"
    assert slug("Edges: `--edges`") == "edges---edges"
    assert slug("What `harness check` prints") == "what-harness-check-prints"
    assert slug("Parallel, sharded, remote") == "parallel-sharded-remote"
    assert slug("Use it on [your site](x.md)") == "use-it-on-your-site"


def test_the_checker_finds_a_broken_file_an_unknown_anchor_and_counts_duplicates(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Title\n\n## Options\n\n## Options\n\n<a id=\"kept\"></a>\n```\n# not a heading\n```\n")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](other.md#options-1) [ok](other.md#kept) [ok](#here) [web](https://example.com/#x)\n"
        "# Here\n"
        "[bad file](missing.md) [bad anchor](other.md#options-2) [code](other.md#not-a-heading)\n"
        "`[inline code](nowhere.md)`\n"
        "```\n[in a fence](nowhere.md)\n```\n"
    )
    problems = broken_links(page, root=tmp_path)
    assert len(problems) == 3, problems
    assert "missing.md" in problems[0]
    assert "#options-2" in problems[1]
    assert "#not-a-heading" in problems[2]
