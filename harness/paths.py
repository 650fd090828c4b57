"""Where things live by default: the project root and its conventional folders."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_BREAKPOINTS = "breakpoints.yaml"
DEFAULT_PAGES = "pages"
DEFAULT_BASELINES = "baselines"
DEFAULT_OUTPUT = ".harness/output"


def project_root(start: Path | None = None) -> Path:
    """The nearest folder upwards holding breakpoints.yaml (else the current folder).

    So that ``harness check`` works from any subfolder of a project, as git does.
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / DEFAULT_BREAKPOINTS).is_file():
            return folder
    return here


@dataclass(frozen=True)
class ProjectPaths:
    """The files and folders one run reads and writes."""

    root: Path
    breakpoints: Path
    pages: Path
    baselines: Path
    output: Path


def resolve(
    breakpoints: str | os.PathLike[str] | None = None,
    pages: str | os.PathLike[str] | None = None,
    baselines: str | os.PathLike[str] | None = None,
    output: str | os.PathLike[str] | None = None,
    root: Path | None = None,
) -> ProjectPaths:
    """Paths given by the user are taken as given (relative to the current folder);
    the defaults are the conventional folders in the project root."""
    base = project_root(root)

    def pick(given: str | os.PathLike[str] | None, default: str) -> Path:
        return Path(given) if given else base / default

    return ProjectPaths(
        root=base,
        breakpoints=pick(breakpoints, DEFAULT_BREAKPOINTS),
        pages=pick(pages, DEFAULT_PAGES),
        baselines=pick(baselines, DEFAULT_BASELINES),
        output=pick(output, DEFAULT_OUTPUT),
    )


def show(path: Path) -> str:
    """A path as the user should read it: relative to the current folder where it can be."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)
