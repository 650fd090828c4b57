"""Finding and launching Chromium, with the flags that make rendering repeatable.

The search order: an explicit path (``--browser PATH`` or ``HARNESS_CHROMIUM``), then
Playwright's own Chromium if it is installed, then a system Chromium or Chrome. The
run says which one it used, and says what to install when there is none.
"""

from __future__ import annotations

import os
import platform
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.errors import HarnessError

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

ENV_VAR = "HARNESS_CHROMIUM"

SYSTEM_CANDIDATES = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/lib/chromium/chromium",
    "/snap/bin/chromium",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
    "/opt/google/chrome/chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
)

# Flags for repeatable pixels (colour profile, font rasterisation, no LCD text,
# no scrollbars) and a quiet start on a closed network.
DETERMINISTIC_ARGS = (
    "--force-color-profile=srgb",
    "--font-render-hinting=none",
    "--disable-lcd-text",
    "--disable-font-subpixel-positioning",
    "--hide-scrollbars",
    "--blink-settings=imageAnimationPolicy=2",  # animated GIFs stay on their first frame
    "--disable-gpu",
    "--disable-partial-raster",
    "--disable-skia-runtime-opts",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-domain-reliability",
    "--no-first-run",
    "--no-default-browser-check",
)

NO_BROWSER_HELP = (
    "no Chromium found; install one with 'python -m playwright install chromium' "
    "or 'sudo apt-get install chromium' (Debian/Ubuntu), or pass --browser PATH"
)


@dataclass(frozen=True)
class Chromium:
    """Where the browser came from; ``executable`` None means Playwright's own."""

    source: str
    executable: str | None


def candidates(explicit: str | None = None) -> list[Chromium]:
    """Every browser worth trying, best first."""
    chosen = explicit or os.environ.get(ENV_VAR)
    if chosen:
        path = shutil.which(chosen) or chosen
        if not Path(path).is_file():
            raise HarnessError(f"browser {chosen!r} not found; pass the path of a Chromium or Chrome executable")
        return [Chromium("given", path)]
    found = [Chromium("playwright", None)]
    for path in (*SYSTEM_CANDIDATES, *(shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome"))):
        if path and Path(path).is_file() and os.access(path, os.X_OK):
            if all(c.executable != path for c in found):
                found.append(Chromium("system", path))
    return found


def launch_args(extra: tuple[str, ...] = ()) -> list[str]:
    args = list(DETERMINISTIC_ARGS) + list(extra)
    if running_as_root():
        args.append("--no-sandbox")  # Chromium refuses to start sandboxed as root
    return args


def running_as_root() -> bool:
    return platform.system() != "Windows" and hasattr(os, "geteuid") and os.geteuid() == 0


def launch(pw: Playwright, explicit: str | None = None, endpoint: str | None = None) -> tuple[Browser, str]:
    """Launch the first Chromium that starts; return it with a one-line description."""
    if endpoint:
        browser = pw.chromium.connect(endpoint)
        return browser, f"Chromium {browser.version} (remote, {endpoint})"
    errors = []
    for choice in candidates(explicit):
        options: dict[str, Any] = {"headless": True, "args": launch_args()}
        if choice.executable:
            options["executable_path"] = choice.executable
        try:
            browser = pw.chromium.launch(**options)
        except Exception as err:  # Playwright raises its generic Error for a missing browser
            errors.append(f"{choice.executable or 'Playwright Chromium'}: {str(err).splitlines()[0]}")
            continue
        where = choice.executable or "Playwright's own"
        return browser, f"Chromium {browser.version} ({where})"
    if explicit or os.environ.get(ENV_VAR):
        raise HarnessError(f"could not start {errors[-1]}; check that it is a Chromium or Chrome executable")
    raise HarnessError(NO_BROWSER_HELP)


def playwright_executable_path(pw: Playwright) -> str | None:
    """The executable a plain ``chromium.launch()`` would use, if it is installed."""
    try:
        path = pw.chromium.executable_path
    except Exception:
        return None
    return path if path and Path(path).is_file() else None
