"""The pages to test: files in ``pages/`` plus URLs declared in ``pages/pages.yaml``.

A page is ``pages/<name>.html`` or ``pages/<name>/index.html``. Folders and files whose
names start with ``_`` or ``.`` are assets (fonts, shared CSS), never pages. The
optional config file gives pages settings or declares pages that live at a URL::

    pages:
      syria-talks:                 # a local page: settings only
        breakpoints: [narrow-browser-and-phone, landscape-tablet]
      newsroom-dev:                # a page served by something else
        url: http://localhost:3000/world/syria-talks
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

from harness.config.yaml_lines import Node, join_key, load_yaml
from harness.errors import ConfigError

CONFIG_NAME = "pages.yaml"
PAGE_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
PAGE_KEYS = ("url", "breakpoints")


@dataclass(frozen=True)
class Page:
    """One page to render: a file under the pages folder, or a URL."""

    name: str
    file: str | None = None  # path relative to the pages folder, POSIX style
    url: str | None = None
    breakpoints: tuple[str, ...] | None = None  # None: every breakpoint

    @property
    def source(self) -> str:
        return self.url or f"pages/{self.file}"


def load_pages(pages_dir: Path) -> tuple[Page, ...]:
    """Every page, sorted by name; raises ConfigError with the fix for anything wrong."""
    if not pages_dir.exists():
        raise ConfigError(pages_dir, None, "pages folder not found; create it or pass --pages-dir DIR")
    if not pages_dir.is_dir():
        raise ConfigError(pages_dir, None, "is not a folder; pass the folder that holds the pages with --pages-dir")
    files = _discover(pages_dir)
    config = pages_dir / CONFIG_NAME
    settings = _load_config(config, files) if config.exists() else {}
    pages = {name: Page(name, file=file) for name, file in files.items()}
    pages.update(settings)
    if not pages:
        raise ConfigError(
            pages_dir, None, "no pages found; add <name>.html or <name>/index.html, or URLs in pages.yaml"
        )
    return tuple(pages[name] for name in sorted(pages))


def _discover(pages_dir: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for entry in sorted(pages_dir.iterdir()):
        if entry.name.startswith(("_", ".")):
            continue
        if entry.is_file() and entry.suffix == ".html":
            name, rel = entry.stem, entry.name
        elif entry.is_dir() and (entry / "index.html").is_file():
            name, rel = entry.name, f"{entry.name}/index.html"
        else:
            continue
        if not PAGE_NAME_RE.fullmatch(name):
            raise ConfigError(
                entry, None, f"page name {name!r} cannot be used in file names; rename it using only A-Z a-z 0-9 . _ -"
            )
        if name in found:
            raise ConfigError(
                entry, None, f"page {name!r} is defined twice (also {found[name]}); remove or rename one"
            )
        found[name] = rel
    return found


def _load_config(path: Path, files: dict[str, str]) -> dict[str, Page]:
    root = load_yaml(path, missing_fix="create it", empty_fix="add a top-level 'pages:' mapping or delete the file")
    check = _Checker(path)
    table = check.top_level(root)
    pages: dict[str, Page] = {}
    for name, node in table.value.items():
        keypath = join_key("pages", name)
        line = table.key_lines[name]
        if not PAGE_NAME_RE.fullmatch(name):
            check.fail(line, keypath, f"page name {name!r} cannot be used in file names", "use only A-Z a-z 0-9 . _ -")
        pages[name] = check.page(name, node, keypath, line, files.get(name))
    return pages


class _Checker:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, line: int, keypath: str, problem: str, fix: str) -> NoReturn:
        raise ConfigError(self.path, line, f"{keypath}: {problem}; {fix}")

    def top_level(self, root: Node) -> Node:
        if not root.is_mapping or set(root.value) != {"pages"}:
            unknown = [k for k in (root.value if root.is_mapping else {}) if k != "pages"]
            line = root.key_lines.get(unknown[0], root.line) if unknown else root.line
            self.fail(line, "top level", "must be a mapping with the one key 'pages'", "see the README's pages.yaml example")
        table: Node = root.value["pages"]
        if not table.is_mapping:
            self.fail(table.line, "pages", f"must be a mapping of page names, got {table.describe()}", "see the README")
        return table

    def page(self, name: str, node: Node, keypath: str, line: int, file: str | None) -> Page:
        if node.value is None:
            node = Node({}, node.line, {})
        if not node.is_mapping:
            self.fail(node.line, keypath, f"must be a mapping of settings, got {node.describe()}", "e.g. url: http://…")
        for key, key_line in node.key_lines.items():
            if key not in PAGE_KEYS:
                close = difflib.get_close_matches(key, PAGE_KEYS, n=1)
                fix = f"did you mean {close[0]!r}?" if close else "allowed keys: " + ", ".join(PAGE_KEYS)
                self.fail(key_line, join_key(keypath, key), "unknown key", fix)
        url = self.url(node.value.get("url"), f"{keypath}.url")
        if url and file:
            self.fail(line, keypath, f"has both a url and the file pages/{file}", "remove one of them")
        if not url and not file:
            self.fail(line, keypath, f"no file pages/{name}.html or pages/{name}/index.html", "add one, or give a url")
        subset = self.names(node.value.get("breakpoints"), f"{keypath}.breakpoints")
        return Page(name, file=file, url=url, breakpoints=subset)

    def url(self, node: Node | None, keypath: str) -> str | None:
        if node is None:
            return None
        parts = urlsplit(str(node.value)) if isinstance(node.value, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            self.fail(node.line, keypath, f"{node.describe()} is not an http(s) URL", "write e.g. http://localhost:3000/")
        return str(node.value)

    def names(self, node: Node | None, keypath: str) -> tuple[str, ...] | None:
        if node is None:
            return None
        items = node.value if isinstance(node.value, list) else None
        if not items or not all(isinstance(i.value, str) for i in items):
            self.fail(node.line, keypath, "must be a list of breakpoint names", "e.g. [narrow-browser-and-phone]")
        return tuple(i.value for i in items)
