"""``harness init``: set a project up in the current folder, from its own pages.

It renders the pages (those in ``pages/``, and any ``--url``), reads the width media
queries of their CSS, and writes ``breakpoints.yaml`` with named ranges between the
boundaries it found, each with a comment saying which rule it comes from; the
``.gitignore`` lines; ``pages/pages.yaml`` for the URLs; and an example GitHub Actions
workflow. It never overwrites a file unless told to (``--force``, or a yes under
``--interactive``), and asks nothing unless ``--interactive``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

from harness import options

if TYPE_CHECKING:
    from harness.config.pages import Page
    from harness.config.propose import Proposal
    from harness.inspect.survey import PageCoverage

PROBE_WIDTHS = ((375, 812, True), (1280, 800, False))  # width, height, phone: where the CSS is read


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "init",
        help="set this folder up as a project: breakpoints from the pages' CSS, .gitignore, a CI workflow",
        description="Set up the current folder as a harness project, without questions: render the pages in pages/ "
        "(and any --url), read where their CSS switches layout, and write breakpoints.yaml with a named range between "
        "each two of those widths, the .gitignore lines, pages/pages.yaml for the URLs and an example GitHub Actions "
        "workflow. An existing file is never overwritten without --force. Exit 0 when the files are written, 2 on a "
        "usage error or a file that exists.",
    )
    options.add_to_parser(p, (options.PAGES_DIR, *options.RENDERING))
    p.add_argument(
        "--url", action="append", default=[], metavar="URL",
        help="also test the page at this http(s) URL, e.g. your dev server (repeatable; written to pages/pages.yaml)",
    )
    p.add_argument("--force", action="store_true", help="overwrite the files init writes if they exist")
    p.add_argument("--interactive", action="store_true", help="ask for URLs when there are no pages, and before overwriting a file")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from harness.config.breakpoints import load_breakpoints
    from harness.config.propose import to_yaml
    from harness.config.scaffold import WORKFLOW_PATH, gitignore, pages_yaml, workflow
    from harness.errors import UsageError
    from harness.files import write_atomic
    from harness.paths import DEFAULT_BREAKPOINTS, DEFAULT_PAGES, show

    root = Path.cwd()
    pages_dir = Path(args.pages_dir) if args.pages_dir else root / DEFAULT_PAGES
    local = _local_pages(pages_dir)
    urls = [_url(u) for u in args.url]
    if not local and not urls and args.interactive:
        urls = _ask_urls()
    named = _named(urls, [p.name for p in local])
    files: dict[Path, str | None] = {root / DEFAULT_BREAKPOINTS: None, root / WORKFLOW_PATH: None}
    if named:
        files[pages_dir / "pages.yaml"] = None
    existing = [path for path in files if path.exists()]
    if existing and not args.force:
        if not args.interactive:
            names = [show(p) for p in existing]
            which = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            verb = "exists" if len(existing) == 1 else "exist"
            raise UsageError(f"{which} already {verb}; pass --force to overwrite {'it' if len(existing) == 1 else 'them'}, or move {'it' if len(existing) == 1 else 'them'} away")
        for path in existing:
            if not _yes(f"{show(path)} exists; overwrite it?"):
                del files[path]

    from harness.config.pages import Page

    pages = [*local, *(Page(name, url=url) for name, url in named)]
    label, found = _survey(pages, pages_dir, args) if pages else (None, [])
    proposal = _proposal(found)
    read = _what_was_read(pages, found, pages_dir)
    if root / DEFAULT_BREAKPOINTS in files:
        text = to_yaml(proposal, read)
        files[root / DEFAULT_BREAKPOINTS] = text
    if root / WORKFLOW_PATH in files:
        files[root / WORKFLOW_PATH] = workflow(has_urls=any(p.url for p in pages))
    if pages_dir / "pages.yaml" in files:
        files[pages_dir / "pages.yaml"] = pages_yaml(named)

    ignore = root / ".gitignore"
    ignored, added = gitignore(ignore.read_text(encoding="utf-8") if ignore.exists() else None)
    for path, body in files.items():
        if body is not None:
            write_atomic(path, body.encode())
    if added:
        write_atomic(ignore, ignored.encode())
    if root / DEFAULT_BREAKPOINTS in files:
        load_breakpoints(root / DEFAULT_BREAKPOINTS)  # what init writes, the harness reads; else it is a bug

    if label:
        print(f"browser: {label}")
    for line in _report(found, proposal, read, written=root / DEFAULT_BREAKPOINTS in files):
        print(line)
    for path, body in files.items():
        if body is not None and path.name != DEFAULT_BREAKPOINTS:
            print(f"wrote {show(path)}" + (" (an example CI workflow: edit its install step)" if path.name == "layout.yml" else ""))
    if added:
        print(f"wrote {show(ignore)}: added {', '.join(added)}")
    for path in existing:
        if path not in files:
            print(f"kept {show(path)}")
    if pages:
        print("next: harness check --update missing   writes the first baselines; commit them with breakpoints.yaml")
    else:
        print(f"next: put your built pages in {show(pages_dir)}/ (<name>.html or <name>/index.html), or pass --url URL; "
              "then 'harness init --force' reads their CSS")
    return 0


# -- pages ---------------------------------------------------------------------------------------


def _local_pages(pages_dir: Path) -> list[Page]:
    """The pages already there (files, and URLs of an existing pages.yaml); none is no error."""
    from harness.config.pages import load_pages
    from harness.errors import ConfigError

    if not pages_dir.is_dir():
        return []
    try:
        return list(load_pages(pages_dir))
    except ConfigError as err:
        if "no pages found" in str(err):
            return []
        raise


def _url(text: str) -> str:
    from urllib.parse import urlsplit

    from harness.errors import UsageError

    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"--url {text!r}: not an http(s) URL; write e.g. http://localhost:3000/world/some-article")
    return text


def _named(urls: list[str], taken: list[str]) -> list[tuple[str, str]]:
    from harness.config.scaffold import page_name

    named: list[tuple[str, str]] = []
    for url in dict.fromkeys(urls):
        named.append((page_name(url, [*taken, *(n for n, _ in named)]), url))
    return named


def _ask_urls() -> list[str]:
    from harness.errors import UsageError

    print("No pages in pages/. Give the URLs of a few pages to test (your dev server's), one per line; an empty line ends.")
    urls: list[str] = []
    while line := _ask("URL: "):
        try:
            urls.append(_url(line))
        except UsageError as err:
            print(str(err).split("; ")[0].replace("--url ", "") + "; give an http(s) URL, or an empty line to end")
    return urls


def _yes(question: str) -> bool:
    return _ask(f"{question} [y/N] ").lower() in ("y", "yes")


def _ask(prompt: str) -> str:
    """One answer; the end of the input answers nothing."""
    try:
        return input(prompt).strip()
    except EOFError:
        print()
        return ""


# -- reading the CSS -----------------------------------------------------------------------------


def _survey(pages: list[Page], pages_dir: Path, args: argparse.Namespace) -> tuple[str, list[PageCoverage]]:
    """Each page loaded at a phone's width and a desktop's, its media queries read."""
    from harness.commands.coverage import survey
    from harness.config.breakpoints import Breakpoint, Viewport
    from harness.plan.matrix import Shot

    probes = tuple(
        Breakpoint(f"probe-{w}", 0 if phone else 640, 639 if phone else None, Viewport(w, h), is_mobile=phone, has_touch=phone)
        for w, h, phone in PROBE_WIDTHS
    )
    shots = [Shot(page, bp) for page in pages for bp in probes]
    folder = pages_dir if pages_dir.is_dir() else Path.cwd()
    return survey(SimpleNamespace(pages=folder), probes, shots, args)


def _proposal(found: list[PageCoverage]) -> Proposal:
    from harness.config.propose import propose
    from harness.inspect.survey import css_boundaries

    read = [p for p in found if p.error is None]
    phone = PROBE_WIDTHS[0][0]
    mobile = all(p.css_width.get(phone, phone) == phone for p in read)
    return propose(css_boundaries(read), mobile=mobile)


def _what_was_read(pages: list[Page], found: list[PageCoverage], pages_dir: Path) -> str:
    from harness.paths import show

    read = [p.page for p in found if p.error is None]
    if not pages:
        return f"no pages ({show(pages_dir)}/ holds none, and no --url was given)"
    if not read:
        return f"no page could be loaded ({', '.join(p.name for p in pages)})"
    names = ", ".join(read[:6]) + (f" and {len(read) - 6} more" if len(read) > 6 else "")
    widths = " and ".join(str(w) for w, _, _ in PROBE_WIDTHS)
    return f"the CSS of {len(read)} page{'s' * (len(read) != 1)} ({names}) at {widths} px"


def _report(found: list[PageCoverage], proposal: Proposal, read: str, written: bool) -> list[str]:
    from harness.paths import DEFAULT_BREAKPOINTS

    lines = [f"could not read {p.page}: {p.error}" for p in found if p.error]
    unreadable = sorted({u for p in found for u in (p.media.unreadable if p.media else ())})
    if unreadable:
        from urllib.parse import urlsplit

        hosts = list(dict.fromkeys(urlsplit(u).netloc or u for u in unreadable))
        shown = ", ".join(hosts[:3]) + (f" and {len(hosts) - 3} more" if len(hosts) > 3 else "")
        lines.append(
            f"note: {len(unreadable)} style sheet{'s' * (len(unreadable) != 1)} from other origins could not be read ({shown}), "
            "so their media queries are not counted; --allow-origin ORIGIN lets one load"
        )
    if proposal.default:
        lines.append(f"read: {read}; no width media queries, so the ranges below are the harness's defaults (edit them)")
    else:
        widths = " ".join(str(b.width) for b in proposal.used)
        lines.append(f"read: {read}; the CSS switches at {widths}")
        if proposal.left_out:
            lines.append(f"  also at {' '.join(str(b.width) for b in proposal.left_out[:10])}{' ...' if len(proposal.left_out) > 10 else ''}"
                         " (fewer rules; left out, see the comment in breakpoints.yaml)")
    if not written:
        return lines
    compounds = len(proposal.compounds)
    lines.append(
        f"wrote {DEFAULT_BREAKPOINTS}: {len(proposal.ranges)} ranges"
        + (f" and {compounds} 'and larger'/'and below' name{'s' * (compounds != 1)}" if compounds else "")
    )
    rows = [(r.name, r.label, f"{r.viewport[0]}x{r.viewport[1]}" + (" mobile" if r.mobile else "") + (" touch" if r.touch else "")) for r in proposal.all]
    width = [max(len(r[i]) for r in rows) for i in range(2)]
    lines += [f"  {name.ljust(width[0])}  {label.ljust(width[1])}  {vp}" for name, label, vp in rows]
    if not proposal.mobile:
        lines.append("note: the pages have no <meta name=viewport content='width=device-width'>: phones are rendered without is_mobile")
    return lines
