"""The pages to test: files in ``pages/`` plus URLs declared in ``pages/pages.yaml``.

A page is ``pages/<name>.html`` or ``pages/<name>/index.html``. Folders and files whose
names start with ``_`` or ``.`` are assets (fonts, shared CSS), never pages. The
optional config file gives pages settings or declares pages that live at a URL::

    defaults:                      # optional: settings for every page
      remove: ['.cookie-banner']
    pages:
      syria-talks:                 # a local page: settings only
        breakpoints: [narrow-browser-and-phone, landscape-tablet]
      newsroom-dev:                # a page served by something else
        url: http://localhost:3000/world/syria-talks
        mask: ['.timestamp']

The settings are described in ``page_settings.py`` and the README.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

from harness.config.page_settings import PageSettings, SettingsParser
from harness.config.yaml_lines import Node, join_key, load_yaml
from harness.errors import ConfigError

CONFIG_NAME = "pages.yaml"
PAGE_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
TOP_KEYS = ("pages", "defaults")
MISSPELT = 0.75  # a name this close to a page's (difflib's ratio) is a misspelling, not another folder's page


@dataclass(frozen=True)
class Page:
    """One page to render: a file under the pages folder, or a URL."""

    name: str
    file: str | None = None  # path relative to the pages folder, POSIX style
    url: str | None = None
    settings: PageSettings = PageSettings()
    kind: str = "page"  # "test": a name given by the plugin's own visual tests, not a page here

    @property
    def breakpoints(self) -> tuple[str, ...] | None:
        """The subset to render (None: every breakpoint)."""
        return self.settings.breakpoints

    @property
    def source(self) -> str:
        return self.url or f"pages/{self.file}"


def load_pages(pages_dir: Path, warnings: list[str] | None = None) -> tuple[Page, ...]:
    """Every page, sorted by name; raises ConfigError with the fix for anything wrong.

    Settings for a page that is not in the folder (nor has a url) are skipped with one
    line in ``warnings``, unless the name is close to a page's: that is a misspelling."""
    if not pages_dir.exists():
        raise ConfigError(pages_dir, None, "pages folder not found; create it or pass --pages-dir DIR")
    if not pages_dir.is_dir():
        raise ConfigError(pages_dir, None, "is not a folder; pass the folder that holds the pages with --pages-dir")
    files = _discover(pages_dir)
    config = pages_dir / CONFIG_NAME
    defaults, configured = _load_config(config, files, warnings) if config.exists() else (PageSettings(), {})
    pages = {name: Page(name, file=file, settings=defaults) for name, file in files.items()}
    pages.update(configured)
    if not pages:
        raise ConfigError(
            pages_dir, None, "no pages found; add <name>.html or <name>/index.html, or URLs in pages.yaml"
        )
    return tuple(pages[name] for name in sorted(pages))


def _discover(pages_dir: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    root = pages_dir.resolve()
    for entry in sorted(pages_dir.iterdir()):
        if entry.name.startswith(("_", ".")):
            continue
        if entry.is_file() and entry.suffix == ".html":
            name, rel = entry.stem, entry.name
        elif entry.is_dir() and (entry / "index.html").is_file():
            name, rel = entry.name, f"{entry.name}/index.html"
        else:
            continue
        target = (pages_dir / rel).resolve()
        if root not in target.parents:  # the page server serves nothing outside the folder
            raise ConfigError(
                pages_dir / rel, None,
                f"the page is a link to {target}, outside the pages folder, whose files alone are served; "
                "move or copy it into the folder, or pass --pages-dir DIR",
            )
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


def _load_config(path: Path, files: dict[str, str], warnings: list[str] | None = None) -> tuple[PageSettings, dict[str, Page]]:
    root = load_yaml(path, missing_fix="create it", empty_fix="add a top-level 'pages:' mapping or delete the file")
    check = _Checker(path, files)
    table, defaults_node = check.top_level(root)
    defaults = PageSettings()
    if defaults_node is not None:
        defaults = check.settings(defaults_node, "defaults").over(PageSettings())
    pages: dict[str, Page] = {}
    absent: list[str] = []
    for name, node in table.value.items():
        keypath = join_key("pages", name)
        line = table.key_lines[name]
        if not PAGE_NAME_RE.fullmatch(name):
            check.fail(line, keypath, f"page name {name!r} cannot be used in file names", "use only A-Z a-z 0-9 . _ -")
        page = check.page(name, node, keypath, line, files.get(name), defaults)
        if page is None:
            absent.append(f"{name} (line {line})")
        else:
            pages[name] = page
    if absent and warnings is not None:
        warnings.append(f"{path}: settings for pages that are not in {path.parent.name}/ are skipped: {', '.join(absent)}")
    return defaults, pages


class _Checker:
    def __init__(self, path: Path, files: Iterable[str] = ()) -> None:
        self.path = path
        self.files = list(files)

    def fail(self, line: int, keypath: str, problem: str, fix: str) -> NoReturn:
        raise ConfigError(self.path, line, f"{keypath}: {problem}; {fix}")

    def top_level(self, root: Node) -> tuple[Node, Node | None]:
        if not root.is_mapping:
            self.fail(root.line, "top level", "must be a mapping with the key 'pages'", "see the README's pages.yaml example")
        for key, line in root.key_lines.items():
            if key not in TOP_KEYS:
                close = difflib.get_close_matches(key, TOP_KEYS, n=1)
                fix = f"did you mean {close[0]!r}?" if close else "the top-level keys are 'pages' and 'defaults'"
                self.fail(line, join_key("", key), "unknown top-level key", fix)
        if "pages" not in root.value and "defaults" not in root.value:
            self.fail(root.line, "top level", "needs 'pages' or 'defaults'", "see the README's pages.yaml example")
        table: Node = root.value.get("pages") or Node({}, root.line, {})
        if not table.is_mapping:
            self.fail(table.line, "pages", f"must be a mapping of page names, got {table.describe()}", "see the README")
        defaults: Node | None = root.value.get("defaults")
        if defaults is not None and not defaults.is_mapping:
            self.fail(defaults.line, "defaults", f"must be a mapping of settings, got {defaults.describe()}", "see the README")
        return table, defaults

    def settings(self, node: Node, keypath: str, extra: tuple[str, ...] = ()) -> PageSettings:
        return SettingsParser(self.fail, str(self.path)).parse(node, keypath, extra)

    def page(self, name: str, node: Node, keypath: str, line: int, file: str | None, defaults: PageSettings) -> Page | None:
        """The page, or None for settings of a page that is not here (a misspelt name is an error)."""
        if node.value is None:
            node = Node({}, node.line, {})
        if not node.is_mapping:
            self.fail(node.line, keypath, f"must be a mapping of settings, got {node.describe()}", "e.g. url: http://…")
        settings = self.settings(node, keypath, extra=("url",)).over(defaults)
        url = self.url(node.value.get("url"), f"{keypath}.url")
        if url and file:
            self.fail(line, keypath, f"has both a url and the file pages/{file}", "remove one of them")
        if not url and not file:
            close = difflib.get_close_matches(name, self.files, n=1, cutoff=MISSPELT)
            if not close:
                return None
            self.fail(line, keypath, f"no file pages/{name}.html or pages/{name}/index.html", f"did you mean {close[0]!r}?")
        return Page(name, file=file, url=url, settings=settings)

    def url(self, node: Node | None, keypath: str) -> str | None:
        if node is None:
            return None
        parts = urlsplit(str(node.value)) if isinstance(node.value, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            self.fail(node.line, keypath, f"{node.describe()} is not an http(s) URL", "write e.g. http://localhost:3000/")
        return str(node.value)
