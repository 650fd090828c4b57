"""Finding and launching Chromium, with the flags that make rendering repeatable.

The search order: an explicit path (``--browser PATH`` or ``HARNESS_CHROMIUM``), then
Playwright's own Chromium if it is installed, then a system Chromium or Chrome. The
run says which one it used, and says what to install when there is none.
"""

from __future__ import annotations

import json
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
LAUNCH_OPTIONS_HEADER = "x-playwright-launch-options"  # how a browser server is told what to launch
CONNECT_TIMEOUT_MS = 60_000

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
    for found_path in (*SYSTEM_CANDIDATES, *(shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome"))):
        path = found_path or ""
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
    """Launch the first Chromium that starts (or connect to ``endpoint``, a browser server);
    return it with a one-line description."""
    if endpoint:
        return connect(pw, endpoint, explicit)
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
        return browser, describe(browser, choice.executable)
    if explicit or os.environ.get(ENV_VAR):
        raise HarnessError(f"could not start {errors[-1]}; check that it is a Chromium or Chrome executable")
    raise HarnessError(NO_BROWSER_HELP)


def remote_launch_options(executable: str | None = None) -> dict[str, Any]:
    """The launch options a Playwright browser server is asked for (camelCase, its protocol).

    ``playwright run-server`` honours ``args`` and ``executablePath`` only when started
    with ``--unsafe``; a server started by ``playwright launch-server`` (or a farm) has
    its browser already running and ignores them. ``--no-sandbox`` is the server's call.
    """
    options: dict[str, Any] = {"headless": True, "args": list(DETERMINISTIC_ARGS)}
    if executable:
        options["executablePath"] = executable
    return options


def connect_options(executable: str | None = None) -> dict[str, Any]:
    """``BrowserType.connect`` keywords besides the address (also pytest-playwright's
    ``connect_options``). ``expose_network`` lets the remote browser reach this machine's
    loopback, where the page server (and a local dev server) listen."""
    return {
        "timeout": CONNECT_TIMEOUT_MS,
        "headers": {LAUNCH_OPTIONS_HEADER: json.dumps(remote_launch_options(executable))},
        "expose_network": "<loopback>",
    }


def unreachable(endpoint: str, timeout: float = 5.0) -> str | None:
    """Why a browser server's address cannot be reached (None if it can): a quick TCP
    check, so a wrong address stops a run at once instead of failing every test."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(endpoint)
    port = parts.port or (443 if parts.scheme == "wss" else 80)
    try:
        socket.create_connection((parts.hostname or "", port), timeout=timeout).close()
    except OSError as err:
        return f"cannot reach {parts.hostname}:{port} ({err.strerror or err})"
    return None


def connect(pw: Playwright, endpoint: str, executable: str | None = None) -> tuple[Browser, str]:
    """Use the browser of a Playwright browser server; say in one line why not if it fails."""
    if reason := unreachable(endpoint):  # at once, rather than after the connect timeout
        raise HarnessError(f"could not use the browser server at {endpoint}: {reason}; {_server_hint(reason)}")
    try:
        browser = pw.chromium.connect(endpoint, **connect_options(executable))
    except Exception as err:  # Playwright's generic Error: refused, timed out, or the server could not launch
        reason = str(err).splitlines()[0].removeprefix("BrowserType.connect: ").strip()
        raise HarnessError(f"could not use the browser server at {endpoint}: {reason}; {_server_hint(reason)}") from None
    return browser, describe(browser, endpoint=endpoint)


def describe(browser: Browser, executable: str | None = None, endpoint: str | None = None) -> str:
    """The one line that says which browser rendered: its build, and where it came from."""
    if endpoint:
        return f"Chromium {browser.version} via {endpoint}"
    where = executable or "Playwright's own"
    return f"Chromium {browser.version} ({where})"


def _server_hint(reason: str) -> str:
    if "Executable doesn't exist" in reason:  # the server answered but has no browser to launch
        return (
            "install Playwright's Chromium where the server runs, or start the server with --unsafe "
            "and pass --browser PATH (a path on the server's machine)"
        )
    return "check the address and that the server runs (see 'Rendering on a browser server' in the README)"


def playwright_executable_path(pw: Playwright) -> str | None:
    """The executable a plain ``chromium.launch()`` would use, if it is installed."""
    try:
        path = pw.chromium.executable_path
    except Exception:
        return None
    return path if path and Path(path).is_file() else None
