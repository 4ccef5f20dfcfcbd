"""The guard that keeps SymPy from hanging a check: a wall-clock limit on one step's
symbolic work. It decides no verdict: a step it stops is UNPROVEN and says "timeout", which
depends on the machine, so budgets that decide verdicts count attempts instead."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from derive.kernel import DeriveError, say


class CheckTimeout(DeriveError):
    """A symbolic computation ran past its time limit, a guard against hangs that depends on
    the machine: the step is UNPROVEN (timeout). Raise the limit (``--timeout``) or split
    the step into smaller ones."""


_limit_seconds: float = 30.0


def set_time_limit(seconds: float) -> None:
    """The time limit of one step's symbolic check (default 30 s): a guard against hangs."""
    global _limit_seconds
    if seconds <= 0:
        raise DeriveError(f"the time limit must be positive, not {seconds}")
    _limit_seconds = float(seconds)


@contextmanager
def time_limit(seconds: float | None = None) -> Iterator[None]:
    """Raise CheckTimeout in the block after ``seconds``. SymPy cannot be interrupted from
    another thread, so this uses SIGALRM; off the main thread it cannot, and runs unlimited
    (the CLI and pytest run checks on the main thread)."""
    seconds = _limit_seconds if seconds is None else seconds
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return

    def on_alarm(signum, frame):
        raise CheckTimeout(say("guard.timeout", seconds=f"{seconds:g}"))

    previous = signal.signal(signal.SIGALRM, on_alarm)
    old_remaining, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if old_remaining:
            signal.setitimer(signal.ITIMER_REAL, old_remaining)
