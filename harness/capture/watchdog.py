"""A deadline for one step of a capture, so a page that never answers cannot hang the run.

Playwright's own timeouts cover navigation, waits and screenshots, but not ``evaluate``,
the clock or resizing: those wait for the page's main thread, and a script stuck in
``while (true) {}`` never gives it back. The deadline is a SIGALRM timer. Its handler
does not raise inside whatever code the signal happens to interrupt (that could be
Playwright's own bookkeeping): it queues a callback on Playwright's event loop, which
raises :class:`Expired` between two callbacks. Playwright's sync API hands such an
exception to the waiting call, as it does Ctrl-C, and stays usable afterwards.

SIGALRM exists only on POSIX and only the main thread may use it; elsewhere ``deadline``
does nothing and a step relies on Playwright's timeouts alone. An alarm someone else
set (pytest-timeout) is kept: if it is due first, it is left to fire; otherwise it is
re-armed, with the time it had left, when the step ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any


class Expired(KeyboardInterrupt):
    """The deadline passed.

    A KeyboardInterrupt because asyncio lets only that (and SystemExit) out of a
    callback; ``deadline``'s callers catch it by name, so a real Ctrl-C still stops the run.
    """


class _Alarm:
    def __init__(self) -> None:
        self.active = True
        self.handle: asyncio.Handle | None = None

    def fire(self, signum: int, frame: Any) -> None:
        if not self.active:  # the step ended just before the signal was handled
            return
        self.active = False
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no Playwright call in progress: plain Python, safe to raise here
            raise Expired from None
        self.handle = loop.call_soon_threadsafe(_expire)

    def disarm(self) -> None:
        self.active = False
        if self.handle is not None:
            self.handle.cancel()


def _expire() -> None:
    raise Expired


def available() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise :class:`Expired` in the body once ``seconds`` have passed, even inside a
    Playwright call that waits on a page that never answers."""
    if not available():
        yield
        return
    alarm = _Alarm()
    previous = signal.signal(signal.SIGALRM, alarm.fire)
    outer_left, outer_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    if outer_left and outer_left <= seconds:  # someone else's alarm is due first: leave it in charge
        alarm.disarm()
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
        signal.setitimer(signal.ITIMER_REAL, outer_left, outer_interval)
        yield
        return
    t0 = time.monotonic()
    try:
        yield
    finally:
        alarm.disarm()
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
        if outer_left:
            signal.setitimer(signal.ITIMER_REAL, max(outer_left - (time.monotonic() - t0), 0.001), outer_interval)
