"""Tests for finding Chromium and the launch flags; no browser is started."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harness.capture import browser
from harness.capture.browser import ENV_VAR, Chromium, candidates, launch_args
from harness.errors import HarnessError


def executable(path: Path, mode: int = 0o755) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(mode)
    return str(path)


@pytest.fixture(autouse=True)
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)


@pytest.fixture
def no_path_browsers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda *args, **kwargs: None)


# --- an explicit browser ----------------------------------------------------------------------


def test_explicit_executable_is_the_only_candidate(tmp_path: Path) -> None:
    path = executable(tmp_path / "my chrome" / "chrome")
    assert candidates(path) == [Chromium("given", path)]


def test_env_var_executable_is_the_only_candidate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = executable(tmp_path / "chromium")
    monkeypatch.setenv(ENV_VAR, path)
    assert candidates() == [Chromium("given", path)]


def test_explicit_wins_over_env_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    given = executable(tmp_path / "given")
    monkeypatch.setenv(ENV_VAR, executable(tmp_path / "from-env"))
    assert candidates(given) == [Chromium("given", given)]


@pytest.mark.parametrize("how", ["argument", "env"])
@pytest.mark.parametrize("what", ["missing", "folder"])
def test_explicit_not_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str, what: str) -> None:
    path = tmp_path / "no-such-chrome"
    if what == "folder":
        path.mkdir()
    if how == "env":
        monkeypatch.setenv(ENV_VAR, str(path))
    with pytest.raises(HarnessError) as info:
        candidates(str(path) if how == "argument" else None)
    message = str(info.value)
    assert message.startswith(f"browser {str(path)!r} not found; pass the path of a Chromium or Chrome executable")
    assert "\n" not in message


def test_explicit_name_is_looked_up_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = executable(tmp_path / "bin" / "my-chromium")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    assert candidates("my-chromium") == [Chromium("given", path)]


# --- the default search ----------------------------------------------------------------------


@pytest.mark.usefixtures("no_path_browsers")
def test_default_is_playwright_then_existing_system_browsers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = executable(tmp_path / "usr/bin/chromium")
    second = executable(tmp_path / "opt/google/chrome/chrome")
    not_executable = executable(tmp_path / "usr/bin/chromium-browser", mode=0o644)
    monkeypatch.setattr(browser, "SYSTEM_CANDIDATES", (
        str(tmp_path / "snap/bin/chromium"),  # does not exist
        first,
        not_executable,
        str(tmp_path / "usr/bin"),  # a folder
        second,
        first,  # listed twice
    ))
    assert candidates() == [
        Chromium("playwright", None),
        Chromium("system", first),
        Chromium("system", second),
    ]


@pytest.mark.usefixtures("no_path_browsers")
def test_default_with_no_system_browser_is_playwright_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser, "SYSTEM_CANDIDATES", (str(tmp_path / "nothing"),))
    assert candidates() == [Chromium("playwright", None)]


def test_default_adds_path_browsers_without_duplicates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    system = executable(tmp_path / "usr/bin/chromium")
    on_path = executable(tmp_path / "bin/google-chrome")
    found = {"chromium": system, "chromium-browser": None, "google-chrome": on_path}
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: found.get(name))
    monkeypatch.setattr(browser, "SYSTEM_CANDIDATES", (system,))
    assert candidates() == [Chromium("playwright", None), Chromium("system", system), Chromium("system", on_path)]


# --- launch flags and help -------------------------------------------------------------------


@pytest.mark.parametrize("root", [True, False])
def test_no_sandbox_exactly_when_root(monkeypatch: pytest.MonkeyPatch, root: bool) -> None:
    monkeypatch.setattr(browser, "running_as_root", lambda: root)
    args = launch_args()
    assert ("--no-sandbox" in args) is root
    assert args.count("--no-sandbox") == (1 if root else 0)


@pytest.mark.parametrize("root", [True, False])
@pytest.mark.parametrize(
    "flag",
    ["--force-color-profile=srgb", "--hide-scrollbars", "--font-render-hinting=none", "--disable-lcd-text",
     "--disable-font-subpixel-positioning"],
)
def test_determinism_flags_always_present(monkeypatch: pytest.MonkeyPatch, root: bool, flag: str) -> None:
    monkeypatch.setattr(browser, "running_as_root", lambda: root)
    assert flag in launch_args()


def test_extra_args_are_appended(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser, "running_as_root", lambda: False)
    args = launch_args(("--lang=en-GB",))
    assert args[-1] == "--lang=en-GB"
    assert len(args) == len(set(args))


@pytest.mark.parametrize("text", ["playwright install chromium", "apt-get install chromium", "--browser PATH"])
def test_no_browser_help_says_what_to_install(text: str) -> None:
    assert text in browser.NO_BROWSER_HELP
    assert "\n" not in browser.NO_BROWSER_HELP
