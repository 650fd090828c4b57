"""What a run says on the terminal, from results alone."""

from __future__ import annotations

from harness.results import Results, ShotResult
from harness.run.console import blocked_line, counts_line


def shot(status: str = "pass", blocked: tuple[str, ...] = ()) -> ShotResult:
    return ShotResult(page="home", breakpoint="phone", width=360, height=640, status=status, blocked=list(blocked))


def test_blocked_requests_are_one_line_with_their_origins_and_the_fix() -> None:
    results = Results(browser={}, shots=[
        shot(blocked=("https://fonts.example.net/a.woff2", "https://cdn.example.org/bootstrap.js")),
        shot(blocked=("https://fonts.example.net/a.woff2", "https://fonts.example.net/icons.woff2", "wss://live.example.com/feed")),
    ])
    assert blocked_line(results) == (
        "4 requests to 3 origins were blocked (fonts.example.net, cdn.example.org, live.example.com); "
        "allow them with allow_network / --allow-origin, or record them with --network snapshot"
    )
    assert blocked_line(Results(browser={}, shots=[shot()])) is None


def test_counts_are_plural_aware() -> None:
    assert counts_line(Results(browser={}, shots=[shot()])) == "1 shot: 1 passed"
    assert counts_line(Results(browser={}, shots=[shot("new"), shot("new")])) == "2 shots: 2 new"
