"""A plugin module registered after pytest-playwright, so that its fixture wraps theirs.

It adjusts pytest-playwright's launch settings: a Chromium found by the harness when
Playwright's own is missing, the deterministic flags, and --no-sandbox as root; and with
``--harness-browser-endpoint`` its ``connect_options``, so the browser comes from a server.
"""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], playwright: Any, pytestconfig: pytest.Config
) -> dict[str, Any]:
    from harness.capture.browser import candidates, launch_args, playwright_executable_path

    args = dict(browser_type_launch_args)
    if pytestconfig.getoption("--browser-channel") or "executable_path" in args:
        return args
    args["args"] = [*args.get("args", []), *launch_args()]
    explicit = pytestconfig.getoption("harness_browser")
    if explicit or not playwright_executable_path(playwright):
        found = [c for c in candidates(explicit) if c.executable]
        if found:
            args["executable_path"] = found[0].executable
    return args


@pytest.fixture(scope="session")
def connect_options(connect_options: dict[str, Any] | None, pytestconfig: pytest.Config) -> dict[str, Any] | None:
    """pytest-playwright connects instead of launching when this is set. A
    ``connect_options`` fixture of the project's own conftest takes precedence over this."""
    endpoint = pytestconfig.getoption("harness_browser_endpoint")
    if connect_options or not endpoint:
        return connect_options
    import inspect

    from playwright.sync_api import BrowserType

    from harness.capture.browser import connect_options as options

    # pytest-playwright passes these as keywords; Playwright renamed ws_endpoint to endpoint
    key = "endpoint" if "endpoint" in inspect.signature(BrowserType.connect).parameters else "ws_endpoint"
    return {key: endpoint, **options(pytestconfig.getoption("harness_browser"))}
