"""Tests for the breakpoints loader: the project's own file, the model, and every error shape."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from harness.config import yaml_lines
from harness.config.breakpoints import Breakpoint, Viewport, load_breakpoints
from harness.errors import ConfigError

PROJECT_FILE = Path(__file__).resolve().parent.parent / "breakpoints.yaml"

EXPECTED_NAMES = (
    "narrow-browser-and-phone",
    "medium-browser-and-portrait-tablet",
    "landscape-tablet",
    "medium-wide-browser",
    "wide-browser-and-larger",
    "medium-browser-and-landscape-tablet",
    "medium-wide-browser-and-larger",
    "above-phone",
    "portrait-tablet-and-above",
    "above-portrait-tablet",
    "landscape-tablet-and-above",
    "landscape-tablet-and-medium-wide-browser",
    "portrait-tablet-and-below",
    "landscape-tablet-and-below",
)

# line 1 breakpoints, 2 name, 3 min_width, 4 max_width, 5 viewport
GOOD = """\
breakpoints:
  phone:
    min_width: 0
    max_width: 639
    viewport: {width: 375, height: 812}
"""


def entry(*lines: str, name: str = "phone") -> str:
    """A one-entry file: line 1 'breakpoints:', line 2 the name, entry keys from line 3."""
    body = "".join(f"    {line}\n" for line in lines)
    return f"breakpoints:\n  {name}:\n{body}"


# --- the project's file ------------------------------------------------------------------


@pytest.fixture(scope="module")
def project() -> tuple[Breakpoint, ...]:
    return load_breakpoints(PROJECT_FILE)


def test_project_file_names_in_order(project: tuple[Breakpoint, ...]) -> None:
    assert tuple(bp.name for bp in project) == EXPECTED_NAMES


def test_project_viewport_widths_distinct_and_inside(project: tuple[Breakpoint, ...]) -> None:
    widths = [bp.viewport.width for bp in project]
    assert len(set(widths)) == len(widths)
    for bp in project:
        assert bp.contains(bp.viewport.width), bp.name


@pytest.mark.parametrize("below, above", [(639, 640), (919, 920), (1280, 1281), (1599, 1600)])
def test_project_boundaries_rendered_on_both_sides(
    project: tuple[Breakpoint, ...], below: int, above: int
) -> None:
    widths = {bp.viewport.width for bp in project}
    assert below in widths and above in widths


def test_project_device_settings(project: tuple[Breakpoint, ...]) -> None:
    by_name = {bp.name: bp for bp in project}
    assert by_name["narrow-browser-and-phone"].device_key == (1.0, True, True)
    assert by_name["landscape-tablet"].device_key == (1.0, False, True)
    assert by_name["wide-browser-and-larger"].max_width is None
    assert all(bp.device_scale_factor == 1.0 for bp in project)


# --- model ---------------------------------------------------------------------------------


def bp(low: int, high: int | None, width: int = 800) -> Breakpoint:
    return Breakpoint("x", low, high, Viewport(width, 600))


@pytest.mark.parametrize(
    "low, high, media, label",
    [
        (640, 919, "(min-width: 640px) and (max-width: 919px)", "640\u2013919 px"),
        (0, 639, "(max-width: 639px)", "0\u2013639 px"),
        (1600, None, "(min-width: 1600px)", "1600+ px"),
        (0, None, "all", "0+ px"),
    ],
)
def test_media_and_range_label(low: int, high: int | None, media: str, label: str) -> None:
    assert bp(low, high).media == media
    assert bp(low, high).range_label == label


@pytest.mark.parametrize(
    "low, high, width, inside",
    [(640, 919, 639, False), (640, 919, 640, True), (640, 919, 919, True), (640, 919, 920, False),
     (1600, None, 99999, True), (0, 639, 0, True)],
)
def test_contains_is_inclusive(low: int, high: int | None, width: int, inside: bool) -> None:
    assert bp(low, high).contains(width) is inside


def test_to_json() -> None:
    data = Breakpoint("above-phone", 640, None, Viewport(640, 900), has_touch=True).to_json()
    assert data == {
        "name": "above-phone", "min_width": 640, "max_width": None,
        "viewport": {"width": 640, "height": 900}, "media": "(min-width: 640px)",
        "device_scale_factor": 1.0, "is_mobile": False, "has_touch": True,
    }


def test_good_minimal_file(tmp_path: Path) -> None:
    path = tmp_path / "bp.yaml"
    path.write_text(GOOD + "  big:\n    min_width: 640\n    viewport: {width: 1000, height: 700}\n")
    phone, big = load_breakpoints(path)
    assert phone == Breakpoint("phone", 0, 639, Viewport(375, 812))
    assert big.max_width is None and big.name == "big"


# --- errors --------------------------------------------------------------------------------

MISSING = object()  # marker: do not create the file

BAD_CASES = [
    pytest.param(entry("min_width: 0", "viewport: width: 375"), "invalid YAML: mapping values", 4, id="malformed"),
    pytest.param("breakpoints:\n\tphone: 1\n", "invalid YAML", 2, id="tab-indent"),
    pytest.param(
        GOOD + "  phone:\n    min_width: 0\n    viewport: {width: 376, height: 9}\n",
        "breakpoints: duplicate key 'phone' (first at line 2); remove or rename one", 6, id="duplicate-name"),
    pytest.param(
        entry("min_width: 0", "min_width: 1", "viewport: {width: 375, height: 812}"),
        "breakpoints.phone: duplicate key 'min_width' (first at line 3); remove", 4, id="duplicate-key-in-entry"),
    pytest.param(
        entry("min_width: 0", "maxwidth: 639", "viewport: {width: 375, height: 812}"),
        "breakpoints.phone.maxwidth: unknown key; did you mean 'max_width'?", 4, id="unknown-key"),
    pytest.param(
        entry("min_width: 0", "viewport: {width: 375, height: 812, dpr: 2}"),
        "breakpoints.phone.viewport.dpr: unknown key; allowed keys: width, height", 4, id="unknown-viewport-key"),
    pytest.param(GOOD + "breakpoint: {}\n", "breakpoint: unknown top-level key; did you mean 'breakpoints'?", 6,
                 id="unknown-top-level-key"),
    pytest.param(GOOD + "pages: {}\n", "pages: unknown top-level key; the only top-level key allowed is 'breakpoints'",
                 6, id="unknown-top-level-key-no-match"),
    pytest.param("- a\n- b\n", "top level: must be a mapping, got a list; it needs a top-level 'breakpoints:'", 1,
                 id="top-level-list"),
    pytest.param(entry("max_width: 639", "viewport: {width: 375, height: 812}"),
                 "breakpoints.phone: missing required key 'min_width'; add 'min_width:'", 2, id="missing-min-width"),
    pytest.param(entry("min_width: 0", "max_width: 639"),
                 "breakpoints.phone: missing required key 'viewport'; add 'viewport:'", 2, id="missing-viewport"),
    pytest.param(entry("min_width: 0", "viewport:", "  width: 375"),
                 "breakpoints.phone.viewport: missing required key 'height'; add 'height:'", 4, id="missing-height"),
    pytest.param(entry("min_width: 0", "viewport:"),
                 "breakpoints.phone.viewport: must be a mapping, got nothing (null); indent", 4, id="null-viewport"),
    pytest.param(entry("min_width: 0", 'viewport: {width: "640", height: 900}'),
                 "breakpoints.phone.viewport.width: must be a whole number of CSS pixels, got '640' (a string); write",
                 4, id="string-width"),
    pytest.param(entry("min_width: 0", "viewport: {width: 640.0, height: 900}"),
                 "breakpoints.phone.viewport.width: must be a whole number of CSS pixels, got 640.0 (a decimal number); write",
                 4, id="float-width"),
    pytest.param(entry("min_width: 0", "viewport: {width: true, height: 900}"),
                 "breakpoints.phone.viewport.width: must be a whole number of CSS pixels, got true (a boolean); write",
                 4, id="bool-width"),
    pytest.param(entry("min_width: 0", "viewport:", "  width: 375", "  height: 10001"),
                 "breakpoints.phone.viewport.height: 10001 is out of range; use a value from 1 to 10000", 6, id="huge-height"),
    pytest.param(entry("min_width: 0", "viewport: {width: 0, height: 900}"),
                 "breakpoints.phone.viewport.width: 0 is out of range; use a value from 1", 4, id="zero-width"),
    pytest.param(entry("min_width: -1", "viewport: {width: 375, height: 812}"),
                 "breakpoints.phone.min_width: -1 is out of range; use 0 or more", 3, id="negative-min"),
    pytest.param(entry("min_width: 0", "viewport: {width: 375, height: 812}", 'is_mobile: "yes"'),
                 "breakpoints.phone.is_mobile: must be true or false, got 'yes' (a string); write true or false", 5,
                 id="is-mobile-string"),
    pytest.param(entry("min_width: 0", "viewport: {width: 375, height: 812}", "device_scale_factor: 0"),
                 "breakpoints.phone.device_scale_factor: 0 is out of range; use a number above 0", 5, id="scale-zero"),
    pytest.param(entry("min_width: 920", "max_width: 919", "viewport: {width: 920, height: 812}"),
                 "breakpoints.phone: min_width 920 is greater than max_width 919; swap them or fix the range", 4,
                 id="min-greater-than-max"),
    pytest.param(entry("min_width: 920", "max_width: 1280", "viewport:", "  width: 700", "  height: 900"),
                 "breakpoints.phone.viewport.width: viewport width 700 is outside the range 920\u20131280 px; "
                 "pick a width inside it", 6, id="viewport-outside-range"),
    pytest.param(entry("min_width: 0", "viewport: {width: 375, height: 812}", name="../evil"),
                 "breakpoints.'../evil': name '../evil' cannot be used as a file name; use only lowercase", 2,
                 id="name-dotdot"),
    pytest.param(entry("min_width: 0", "viewport: {width: 375, height: 812}", name="Has Space"),
                 "breakpoints.'Has Space': name 'Has Space' cannot be used as a file name; use only lowercase", 2,
                 id="name-space"),
    pytest.param(entry("min_width: 0", "viewport: {width: 375, height: 812}", name="a/b"),
                 "name 'a/b' cannot be used as a file name; use only lowercase letters", 2, id="name-slash"),
    pytest.param(entry("min_width: 0", "viewport: {width: 375, height: 812}", name='"a\\nb"'),
                 "name 'a\\nb' cannot be used as a file name", 2, id="name-newline"),
    pytest.param(entry("min_width: 0", "viewport: {width: 375, height: 812}", name='"ab\\n"'),
                 "name 'ab\\n' cannot be used as a file name", 2, id="name-trailing-newline"),
    pytest.param(entry("min_width: 0", "viewport: {width: 375, height: 812}", name="a" * 101),
                 "name is 101 characters long; shorten it to at most 100", 2, id="name-too-long"),
    pytest.param("breakpoints:\n  phone: 5\n", "breakpoints.phone: must be a mapping, got 5 (an integer); indent", 2,
                 id="entry-not-mapping"),
    pytest.param("", "file is empty; it needs a top-level 'breakpoints:' mapping", None, id="empty-file"),
    pytest.param("# just\n# comments\n", "file is empty; it needs a top-level 'breakpoints:'", None, id="comments-only"),
    pytest.param("---\n# nothing\n", "file is empty; it needs", None, id="document-marker-only"),
    pytest.param(MISSING, "file not found; create it or pass --breakpoints FILE", None, id="file-not-found"),
    pytest.param("breakpoints: []\n", "breakpoints: must be a mapping of names to settings, got a list; write", 1,
                 id="breakpoints-list"),
    pytest.param("breakpoints: {}\n", "breakpoints: is empty; add at least one", 1, id="breakpoints-empty"),
    pytest.param("breakpoints:\n", "breakpoints: must be a mapping of names to settings, got nothing (null)", 1,
                 id="breakpoints-null"),
    pytest.param("breakpoints: !!python/object:os.system {}\n", "breakpoints: unsupported tag", 1, id="python-tag"),
    pytest.param("breakpoints:\n  phone: &loop\n    viewport: *loop\n", "breakpoints.phone.viewport: an alias refers to itself",
                 2, id="alias-loop"),  # line of the anchor: composed aliases keep no position of their own
    pytest.param(b"breakpoints:\n  caf\xe9: {}\n", "not valid UTF-8 (byte 0xe9); save the file as UTF-8", 2,
                 id="not-utf8"),
]


@pytest.fixture(params=["libyaml", "pure-python"])
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run error cases with both the C loader and the pure-Python fallback."""
    if request.param == "pure-python":
        monkeypatch.setattr(yaml_lines, "_LineLoader", type("_PyLineLoader", (yaml.SafeLoader,), {}))


@pytest.mark.usefixtures("loader")
@pytest.mark.parametrize("text, expected, line", BAD_CASES)
def test_bad_file(tmp_path: Path, text: object, expected: str, line: int | None) -> None:
    path = tmp_path / "breakpoints.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    elif isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_breakpoints(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}:{line}: " if line else f"{path}: ")
    assert info.value.line == line
    assert expected in message
    assert ";" in message.split(": ", 1)[1]  # every message carries a fix after the problem


def test_directory_is_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a directory") as info:
        load_breakpoints(tmp_path)
    assert "\n" not in str(info.value)


def test_only_config_error_escapes_for_odd_yaml(tmp_path: Path) -> None:
    """Tags, anchors and odd scalars must not leak other exception types."""
    path = tmp_path / "bp.yaml"
    for text in ("breakpoints: !!python/object:os.system {}\n", "a: &x [*x]\n",
                 "breakpoints:\n  p:\n    min_width: 2020-13-45\n", "--- 1\n--- 2\n", "a: \x07\n"):
        path.write_text(text)
        with pytest.raises(ConfigError) as info:
            load_breakpoints(path)
        assert "\n" not in str(info.value), text
