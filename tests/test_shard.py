"""Sharding: the splitter over many matrices (disjoint, complete, balanced, stable) and
``--shard I/N`` parsing. No browser."""

from __future__ import annotations

import argparse
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.config.breakpoints import Breakpoint, Viewport
from harness.config.pages import Page
from harness.plan.matrix import group, select
from harness.plan.shard import ShardSpec, parse, record, split, take

WIDTHS = (320, 360, 768, 1024)  # few widths, so breakpoints often share a viewport (one render)


@st.composite
def matrices(draw: st.DrawFn) -> tuple[list[Page], list[Breakpoint], int]:
    pages = [Page(f"page-{i}", file=f"page-{i}.html") for i in range(draw(st.integers(1, 7)))]
    breakpoints = []
    for i in range(draw(st.integers(1, 9))):
        width = draw(st.sampled_from(WIDTHS))
        mobile = draw(st.booleans())
        breakpoints.append(Breakpoint(f"bp-{i}", 0, None, Viewport(width, 800), is_mobile=mobile, has_touch=mobile))
    return pages, breakpoints, draw(st.integers(1, 12))


def shard_ids(pages: list[Page], breakpoints: list[Breakpoint], count: int) -> list[list[str]]:
    renders = group(select(pages, breakpoints))
    return [[shot.id for render in part for shot in render.shots] for part in split(renders, count)]


@settings(max_examples=200, deadline=None)
@given(matrices())
def test_shards_are_disjoint_complete_balanced_and_keep_renders_whole(matrix: tuple) -> None:
    pages, breakpoints, count = matrix
    renders = group(select(pages, breakpoints))
    parts = split(renders, count)
    assert len(parts) == count
    ids = [shot.id for part in parts for render in part for shot in render.shots]
    every = [shot.id for shot in select(pages, breakpoints)]
    assert sorted(ids) == sorted(every)  # the union is the matrix, and no shot is in two shards
    assert sum(len(part) for part in parts) == len(renders)  # each render whole, in one shard
    sizes = [sum(len(r.shots) for r in part) for part in parts]
    largest = max(len(r.shots) for r in renders)
    assert max(sizes) - min(sizes) <= (1 if largest == 1 else 2 * largest - 1)
    assert [render for part in parts for render in part] == renders  # contiguous, in plan order


@settings(max_examples=100, deadline=None)
@given(matrices(), st.randoms(use_true_random=False))
def test_the_split_does_not_depend_on_the_order_of_the_configuration(matrix: tuple, rnd: random.Random) -> None:
    pages, breakpoints, count = matrix
    shuffled_pages, shuffled_bps = list(pages), list(breakpoints)
    rnd.shuffle(shuffled_pages)
    rnd.shuffle(shuffled_bps)
    before = [sorted(part) for part in shard_ids(pages, breakpoints, count)]
    after = [sorted(part) for part in shard_ids(shuffled_pages, shuffled_bps, count)]
    assert before == after


def test_one_shot_renders_split_evenly_and_the_records_add_up() -> None:
    pages = [Page(f"p{i}", file=f"p{i}.html") for i in range(5)]
    bps = [Breakpoint(f"b{i}", 0, None, Viewport(300 + i, 800)) for i in range(14)]
    renders = group(select(pages, bps))
    assert [len(take(renders, ShardSpec(i, 4))) for i in range(1, 5)] == [18, 17, 18, 17]
    records = [record(renders, ShardSpec(i, 4)) for i in range(1, 5)]
    assert {r["total"] for r in records} == {70} and len({r["matrix"] for r in records}) == 1
    planned = [shot for r in records for shot in r["planned"]]
    assert len(planned) == len(set(planned)) == 70


def test_more_shards_than_shots_leaves_the_last_ones_empty() -> None:
    renders = group(select([Page("home", file="home.html")], [Breakpoint("a", 0, None, Viewport(400, 800))]))
    assert [len(part) for part in split(renders, 3)] == [1, 0, 0]


@pytest.mark.parametrize(("text", "expected"), [("1/1", ShardSpec(1, 1)), ("2/3", ShardSpec(2, 3)), (" 3 / 3 ", ShardSpec(3, 3))])
def test_parse_accepts_i_of_n(text: str, expected: ShardSpec) -> None:
    assert parse(text) == expected
    assert str(expected) == text.replace(" ", "")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3/2", "3/2: I must be between 1 and N"),
        ("0/2", "0/2: I must be between 1 and N"),
        ("1/0", "1/0: N must be 1 or more"),
        ("2", "'2' is not I/N"),
        ("a/b", "'a/b' is not I/N"),
        ("-1/2", "'-1/2' is not I/N"),
    ],
)
def test_parse_refuses_with_the_valid_form(text: str, message: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError) as err:
        parse(text)
    assert str(err.value).startswith(message)
    assert "the form is I/N with 1 <= I <= N, e.g. 2/3" in str(err.value)
