"""The step deadline: it ends a body that never returns, and leaves other people's alarms alone."""

from __future__ import annotations

import asyncio
import signal
import threading
import time
from collections.abc import Iterator

import pytest

from harness.capture.watchdog import Expired, deadline

pytestmark = pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="SIGALRM is POSIX only")


class OuterFired(Exception):
    pass


def outer_handler(signum: int, frame: object) -> None:
    raise OuterFired


@pytest.fixture(autouse=True)
def no_alarm_left() -> Iterator[None]:
    handler = signal.getsignal(signal.SIGALRM)
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, handler)


@pytest.fixture(autouse=True)
def outside_any_loop() -> Iterator[None]:
    """Run as plain Python code does: pytest-playwright's sync API, used earlier in this
    process, leaves its event loop marked as running on the main thread."""
    loop = asyncio.events._get_running_loop()
    asyncio.events._set_running_loop(None)
    yield
    asyncio.events._set_running_loop(loop)


def spin(seconds: float = 20) -> None:
    """Busy for a while, but not for ever: a failing test must still end."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(0.005)


def test_a_body_that_does_not_return_is_ended() -> None:
    with pytest.raises(Expired):
        with deadline(0.05):
            spin()


def test_inside_an_event_loop_it_is_raised_between_callbacks_and_escapes_the_loop() -> None:
    # Playwright's sync API waits in a running loop like this one; asyncio lets a
    # KeyboardInterrupt (which Expired is) out of a callback, and nothing else.
    with pytest.raises(Expired):
        with deadline(0.05):
            asyncio.run(asyncio.sleep(20))


def test_a_body_that_returns_in_time_is_left_alone_and_the_alarm_is_gone() -> None:
    with deadline(30):
        value = 42
    assert value == 42
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is not None


def test_someone_elses_later_alarm_is_kept_and_rearmed() -> None:
    signal.signal(signal.SIGALRM, outer_handler)
    signal.setitimer(signal.ITIMER_REAL, 100)
    with deadline(30):
        pass
    assert signal.getsignal(signal.SIGALRM) is outer_handler
    left, _ = signal.getitimer(signal.ITIMER_REAL)
    assert 0 < left <= 100


def test_someone_elses_earlier_alarm_fires_as_it_would_have() -> None:
    signal.signal(signal.SIGALRM, outer_handler)
    signal.setitimer(signal.ITIMER_REAL, 0.05)
    with pytest.raises(OuterFired):
        with deadline(30):
            spin()


def test_outside_the_main_thread_it_does_nothing() -> None:
    seen: list[object] = []

    def body() -> None:
        with deadline(0.01):
            seen.append(signal.getitimer(signal.ITIMER_REAL))

    worker = threading.Thread(target=body)
    worker.start()
    worker.join()
    assert seen == [(0.0, 0.0)]
