"""Breakpoint coverage: media query widths, the agreement check, ``harness coverage`` and ``--edges``."""

from __future__ import annotations

import pytest

from harness.inspect import media

# -- media query width conditions (pure) --------------------------------------------------------


@pytest.mark.parametrize(
    "text, boundaries",
    [
        ("(min-width: 640px)", (640,)),
        ("(max-width: 919px)", (920,)),  # the first width where it stops matching
        ("(max-width: 919.98px)", (920,)),
        ("(min-width: 640.5px)", (641,)),
        ("(width >= 640px)", (640,)),
        ("(width > 639px)", (640,)),
        ("(width < 920px)", (920,)),
        ("(width <= 919px)", (920,)),
        ("(400px < width)", (401,)),
        ("(640px <= width < 920px)", (640, 920)),
        ("(920px > width >= 640px)", (640, 920)),
        ("(min-width: 640px) and (max-width: 919px)", (640, 920)),
        ("((min-width: 640px) and (max-width: 919px))", (640, 920)),
        ("screen and (min-width: 640px)", (640,)),
        ("only screen and (min-width: 640px)", (640,)),
        ("(MIN-WIDTH: 640PX)", (640,)),
        ("(min-width:640px)", (640,)),
        ("(min-width: 40em)", (640,)),  # em and rem: 16 px, the initial font size
        ("(max-width: 57.4375rem)", (920,)),
        ("(min-width: 1in)", (96,)),
        ("(min-width: calc(641px))", (641,)),
        ("(min-width: calc(40em + 1px))", (641,)),
        ("(min-width: calc(2 * 320px))", (640,)),
        ("(width: 640px)", (640, 641)),
        ("(min-device-width: 640px)", (640,)),  # Playwright keeps the screen as wide as the viewport
        ("(min-width: 640px), (max-width: 300px)", (301, 640)),
        ("(min-width: 640px) or (max-width: 300px)", (301, 640)),
        ("(min-width: 640px), (min-width: 920px)", (640,)),  # 920 changes nothing: already matching
        ("not all and (min-width: 640px)", (640,)),
        ("not screen and (min-width: 640px)", (640,)),
        ("not (width < 640px)", (640,)),
        ("(min-width: 640px) and (max-width: 500px)", ()),  # never matches
        # other features may be either: their width parts still count
        ("only screen and (min-width: 40em) and (orientation: landscape)", (640,)),
        ("(min-width: 640px) and (hover: hover) and (prefers-reduced-motion: reduce)", (640,)),
        ("(min-width: 640px) and (max-width: 919px) and (min-height: 500px)", (640, 920)),
        ("(orientation: portrait), (min-width: 640px)", (640,)),  # in landscape it switches at 640
        ("(min-width: 640px) and (min-resolution: 2dppx)", (640,)),
        ("(aspect-ratio > 16 / 9)", ()),
        ("(-webkit-min-device-pixel-ratio: 2)", ()),
        ("(prefers-color-scheme: dark)", ()),
        # what never matches a screen, or always does
        ("print and (min-width: 640px)", ()),
        ("(min-width: 640px), print and (max-width: 100px)", (640,)),
        ("not all", ()),
        ("all", ()),
        ("", ()),
        ("(min-width: 0)", ()),
        ("(width)", ()),
    ],
)
def test_boundaries(text: str, boundaries: tuple[int, ...]) -> None:
    reading = media.read(text)
    assert reading.boundaries == boundaries
    assert reading.problems == ()


@pytest.mark.parametrize(
    "text, boundaries, problem",
    [
        ("(min-width: 30ex)", (), "unit 'ex'"),
        ("(min-width: 10vw)", (), "unit 'vw'"),
        ("(min-width: 640px), (min-width: 30ex)", (640,), "unit 'ex'"),  # the readable part still counts
        ("(min-width: 640px) and (max-width: 30ch)", (640,), "unit 'ch'"),
        ("(min-width: 640)", (), "needs a unit"),
        ("(min-width 640px)", (), "expected ':'"),
        ("(min-width: 640px", (), "ends too early"),
        ("garbage (((", (), "unexpected '('"),
        ("(min-width: 640px) and (hover) or (pointer)", (), "mixed"),
        ("(min-width: 640px) $", (), "cannot read '$'"),
        ("(min-width: min(640px, 50em))", (), "min() is not supported"),
        ("(max-width: 919px) and (min-width: 1e999px)", (920,), "infinite"),
        ("(640px < width > 900px)", (), "point one way"),
    ],
)
def test_unreadable_conditions_are_reported_not_raised(text: str, boundaries: tuple[int, ...], problem: str) -> None:
    reading = media.read(text)
    assert reading.boundaries == boundaries
    assert len(reading.problems) == 1 and problem in reading.problems[0]


def test_an_unreadable_query_may_be_either_so_the_others_still_switch() -> None:
    # If the unreadable query matched, the list would always match; if not, it switches at 640.
    assert media.read("(min-width: 640px), (min-width: 30ex)").boundaries == (640,)
    assert media.matches("(min-width: 640px), (min-width: 30ex)", 700) is True
    assert media.matches("(min-width: 640px), (min-width: 30ex)", 600) is None


@pytest.mark.parametrize(
    "text, width, expected",
    [
        ("(min-width: 640px)", 639, False),
        ("(min-width: 640px)", 640, True),
        ("(max-width: 919.98px)", 919, True),
        ("(max-width: 919.98px)", 920, False),
        ("(640px <= width < 920px)", 920, False),
        ("(min-width: 640px) and (hover: hover)", 700, None),
        ("(min-width: 640px) and (hover: hover)", 600, False),
        ("print", 700, False),
    ],
)
def test_matches(text: str, width: int, expected: bool | None) -> None:
    assert media.matches(text, width) is expected


def test_boundaries_of_many_lists_are_merged_and_sorted() -> None:
    assert media.boundaries(["(min-width: 920px)", "(max-width: 639px)", "(min-width: 640px)"]) == (640, 920)


def _tree(depth: int):  # type: ignore[no-untyped-def]
    """Random width conditions as (CSS text, the same condition in Python)."""
    from hypothesis import strategies as st

    leaf = st.tuples(st.sampled_from(["min-width", "max-width", ">=", "<", "<=", ">"]), st.integers(1, 120)).map(_leaf)
    if depth == 0:
        return leaf

    def join(parts, word):  # type: ignore[no-untyped-def]
        text = f" {word} ".join(f"({p[0]})" if p[0].startswith(("not", "(")) and " " in p[0] else p[0] for p in parts)
        test = (lambda w: all(p[1](w) for p in parts)) if word == "and" else (lambda w: any(p[1](w) for p in parts))
        return f"({text})", test

    sub = _tree(depth - 1)
    return st.one_of(
        leaf,
        st.tuples(st.lists(sub, min_size=2, max_size=3), st.sampled_from(["and", "or"])).map(lambda a: join(*a)),
        sub.map(lambda p: (f"(not {p[0]})", lambda w: not p[1](w))),
    )


def _leaf(spec):  # type: ignore[no-untyped-def]
    op, v = spec
    if op == "min-width":
        return f"(min-width: {v}px)", lambda w: w >= v
    if op == "max-width":
        return f"(max-width: {v}px)", lambda w: w <= v
    tests = {">=": lambda w: w >= v, "<": lambda w: w < v, "<=": lambda w: w <= v, ">": lambda w: w > v}
    return f"(width {op} {v}px)", tests[op]


def test_boundaries_are_exactly_where_the_condition_flips() -> None:
    from hypothesis import given, settings

    @settings(max_examples=100, deadline=None)
    @given(_tree(2))
    def check(cond):  # type: ignore[no-untyped-def]
        text, test = cond
        expected = tuple(w for w in range(1, 200) if test(w - 1) != test(w))
        assert media.read(text).boundaries == expected, text
        assert all(media.matches(text, w) is test(w) for w in (0, 50, 100, 130))

    check()
