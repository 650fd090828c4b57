"""The files ``harness init`` writes besides ``breakpoints.yaml``: the ``.gitignore`` lines,
a commented ``pages/pages.yaml`` for pages that live at a URL, and an example GitHub
Actions workflow. Text only; the command decides what to write where."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

GITIGNORE_LINES = (".harness/", "baselines/.lock")
WORKFLOW_PATH = ".github/workflows/layout.yml"


def gitignore(existing: str | None) -> tuple[str, list[str]]:
    """``.gitignore`` with the harness's lines added where missing, and the lines added."""
    text = existing or ""
    have = {line.strip() for line in text.splitlines()}
    missing = [line for line in GITIGNORE_LINES if line not in have and "/" + line not in have]
    if not missing:
        return text, []
    head = "" if not text or text.endswith("\n") else "\n"
    block = "# harness: each run's output, and the lock of the baselines folder\n" + "".join(f"{line}\n" for line in missing)
    return text + head + ("\n" if text.strip() else "") + block, missing


def page_name(url: str, taken: Iterable[str]) -> str:
    """A page name for a URL: its last path segment (without an extension), else its host;
    made unique among ``taken`` with -2, -3..."""
    parts = urlsplit(url)
    segments = [re.sub(r"\.[A-Za-z0-9]+$", "", s) for s in parts.path.split("/") if s]
    while segments and segments[-1] in ("index", "default", ""):
        segments.pop()
    base = segments[-1] if segments else f"{parts.hostname or 'page'}" + (f"-{parts.port}" if parts.port else "")
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", base).strip("-._") or "page"
    taken = set(taken)
    unique, n = name, 2
    while unique in taken:
        unique, n = f"{name}-{n}", n + 1
    return unique


def pages_yaml(pages: Sequence[tuple[str, str]]) -> str:
    """``pages.yaml`` declaring these (name, url) pages, with the common settings as comments."""
    lines = [
        "# Pages that live at a URL, written by 'harness init'. Each is rendered at every breakpoint of",
        "# breakpoints.yaml. Pages can also be files in this folder: <name>.html or <name>/index.html.",
        "#",
        "# Settings, for one page or under 'defaults:' for all (docs/configuration.md, per-page settings):",
        "#   mask: ['.timestamp']                        changes on every load: painted over",
        "#   remove: ['.cookie-banner']                  not part of the layout under test: taken out",
        "#   wait_for: 'main h1'                         wait until this is visible before the screenshot",
        "#   allow_network: ['https://cdn.example.com']  other origins are blocked (and listed)",
        "#   landmarks: {lead-story: '.lead'}            elements whose boxes explain a failure in words",
        "pages:",
    ]
    for name, url in pages:
        lines += [f"  {name}:", f"    url: {url}", "    # mask: ['.timestamp']", ""]
    return "\n".join(lines)


def workflow(has_urls: bool) -> str:
    """An example GitHub Actions workflow: install, check, keep the report of a failure."""
    serve = [
        "      # The pages in pages/pages.yaml live at a URL: start the site here first, e.g.",
        "      # - run: npm ci && npm run build && (npm start &) && npx wait-on http://localhost:3000",
    ] if has_urls else []
    return "\n".join([
        "# Layout checks on every pull request, written by 'harness init'.",
        "# Edit the install step to where your team gets the harness (a git URL or a built wheel).",
        "# The baselines must come from the same Chromium build as this job's: approve from its",
        "# artifact (download it into .harness/output/, then 'harness approve'), or pin one build.",
        "name: layout",
        "on: pull_request",
        "jobs:",
        "  layout:",
        "    runs-on: ubuntu-24.04",
        "    steps:",
        "      - uses: actions/checkout@v4",
        "      - uses: actions/setup-python@v5",
        "        with: { python-version: \"3.12\" }",
        "      - name: Install the harness and a Chromium",
        "        run: |",
        "          pip install \"news-layout-harness @ git+https://YOUR-GIT-HOST/news-layout-harness.git\"",
        "          python -m playwright install --with-deps chromium",
        *serve,
        "      - name: Check layouts",
        "        run: harness check --junit layout-junit.xml   # the summary goes to the job page",
        "      - name: Upload the report and the run",
        "        if: failure()",
        "        uses: actions/upload-artifact@v4",
        "        with:",
        "          name: layout-report",
        "          path: .harness/output/   # report/ to look at; results.json and shots/ to approve from",
        "",
    ])
