"""The pytest plugin: thin hooks that hand off to the session object on ``config.stash``.

Options (all ``--harness-*``) share their definitions with the command line. A test
that asks for ``harness_shot`` is parametrised over every page × breakpoint; a test
that asks for ``harness`` (or ``harness_breakpoint``) runs once per breakpoint on
pytest-playwright's ``page``, sized and configured for that breakpoint.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from harness import options

if TYPE_CHECKING:
    from harness.config.breakpoints import Breakpoint
    from harness.pytest.session import HarnessSession, LayoutCheck, ShotCheck

SESSION_KEY: pytest.StashKey[HarnessSession] = pytest.StashKey()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("harness", "responsive layout harness (screenshots at named breakpoints)")
    options.add_to_pytest(group, options.RUN_OPTIONS)


def pytest_configure(config: pytest.Config) -> None:
    from harness.pytest import bridge
    from harness.pytest.session import HarnessSession

    config.addinivalue_line("markers", "harness_breakpoints(*names): run this test only at these breakpoints")
    session = HarnessSession(config)
    config.stash[SESSION_KEY] = session
    session.validate()  # a broken config stops the run here, as one line, before collection
    if config.pluginmanager.has_plugin("playwright") and not config.pluginmanager.has_plugin("harness-bridge"):
        # Registered now, after pytest-playwright, so that its fixture wraps theirs.
        config.pluginmanager.register(bridge, "harness-bridge")


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist: tell each worker if another run holds the output folder."""
    blocked = node.config.stash[SESSION_KEY].blocked
    if blocked:
        node.workerinput["harness_blocked"] = blocked


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    session = metafunc.config.stash[SESSION_KEY]
    if "harness_shot" in metafunc.fixturenames:
        shots = session.shots()
        ids = [f"{s.page.name}-{s.breakpoint.name}" for s in shots]
        metafunc.parametrize("harness_shot", shots, ids=ids, indirect=True)
    elif "harness_breakpoint" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("harness_breakpoints")
        bps = session.breakpoints_for(marker.args if marker else (), metafunc.definition.nodeid)
        metafunc.parametrize("harness_breakpoint", bps, ids=[b.name for b in bps], indirect=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Size pytest-playwright's context for the item's breakpoint (its documented marker)."""
    from harness.pytest.session import context_args

    for item in items:
        bp = getattr(getattr(item, "callspec", None), "params", {}).get("harness_breakpoint")
        if bp is not None:
            item.add_marker(pytest.mark.browser_context_args(**context_args(bp)))


def pytest_sessionfinish(session: pytest.Session) -> None:
    session.config.stash[SESSION_KEY].finish()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    for line in config.stash[SESSION_KEY].summary_lines():
        terminalreporter.write_line(line)


@pytest.fixture
def harness_shot(request: pytest.FixtureRequest) -> ShotCheck:
    """One page at one breakpoint from pages/: ``harness_shot.assert_matches()``."""
    return request.config.stash[SESSION_KEY].shot_check(request.param, request)


@pytest.fixture
def harness_breakpoint(request: pytest.FixtureRequest) -> Breakpoint:
    """The breakpoint this test runs at (parametrised; narrow with @pytest.mark.harness_breakpoints)."""
    return request.param


@pytest.fixture
def harness(request: pytest.FixtureRequest, harness_breakpoint: Breakpoint, page: Any) -> Iterator[LayoutCheck]:
    """Visual checks on pytest-playwright's ``page`` at the current breakpoint."""
    yield request.config.stash[SESSION_KEY].layout_check(harness_breakpoint, page, request)
