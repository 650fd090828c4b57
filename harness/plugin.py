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
    from harness.pytest_session import HarnessSession, LayoutCheck, ShotCheck

SESSION_KEY: pytest.StashKey[HarnessSession] = pytest.StashKey()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("harness", "responsive layout harness (screenshots at named breakpoints)")
    group.addoption(
        "--harness-update",
        choices=options.UPDATE_CHOICES,
        default=None,
        help="write baselines: 'missing' for new shots only, 'all' also replaces failing ones",
    )
    for name, help_text in (
        ("pages-dir", "the pages folder (default: pages/ in the project root)"),
        ("baselines-dir", "the baselines folder (default: baselines/)"),
        ("output-dir", "where results.json and images go (default: .harness/output/)"),
        ("breakpoints", "breakpoints file (default: breakpoints.yaml)"),
        ("browser", "the Chromium or Chrome executable to use (default: found automatically)"),
        ("junit", "also write the harness's own JUnit XML here (one testcase per page × breakpoint)"),
        ("summary", "also write a Markdown summary here (default: $GITHUB_STEP_SUMMARY when set)"),
    ):
        group.addoption(f"--harness-{name}", default=None, metavar="PATH", help=help_text)
    group.addoption("--harness-page", action="append", default=[], metavar="NAME", help="only this page (repeatable)")
    group.addoption(
        "--harness-breakpoint", action="append", default=[], metavar="NAME", help="only this breakpoint (repeatable)"
    )
    for opt in (*options.DIFF_OPTIONS, *options.SCALE_OPTIONS):
        group.addoption(opt.pytest_flag(), dest=f"harness_{opt.dest}", help=opt.help, **opt.kwargs)
    group.addoption(options.EDGES.pytest_flag(), dest=f"harness_{options.EDGES.dest}", help=options.EDGES.help, **options.EDGES.kwargs)


def pytest_configure(config: pytest.Config) -> None:
    from harness import playwright_bridge
    from harness.pytest_session import HarnessSession

    config.addinivalue_line("markers", "harness_breakpoints(*names): run this test only at these breakpoints")
    session = HarnessSession(config)
    config.stash[SESSION_KEY] = session
    session.validate()  # a broken config stops the run here, as one line, before collection
    if config.pluginmanager.has_plugin("playwright") and not config.pluginmanager.has_plugin("harness-bridge"):
        # Registered now, after pytest-playwright, so that its fixture wraps theirs.
        config.pluginmanager.register(playwright_bridge, "harness-bridge")


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
    from harness.pytest_session import context_args

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
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def harness(request: pytest.FixtureRequest, harness_breakpoint: Breakpoint, page: Any) -> Iterator[LayoutCheck]:
    """Visual checks on pytest-playwright's ``page`` at the current breakpoint."""
    yield request.config.stash[SESSION_KEY].layout_check(harness_breakpoint, page, request)
