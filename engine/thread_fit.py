"""Torch's threads fitted to the cores other programs leave free.

Torch starts one intra-op thread per core, and its threads meet at a barrier
in every op: when another program keeps a core busy, the thread the scheduler
sets aside holds up the others. On 2 cores beside one busy process a 2-thread
LSTM ran at half the speed of a 1-thread one (16.8 against 34.0 steps a
second; the Transformer 6.4 against 13.5), and it is as bad beside two.

The signal is the training's own threads: the kernel counts the time each
waited for a core (/proc/self/task/*/schedstat). Waiting more than a quarter of
the time means the cores are shared, and one thread fewer is tried; a thread
more is tried again after a while (sooner when the last try held), and kept if
the waiting stays low. Every run in the process carries the fit on (a window
trains many, some shorter than a check). Where the kernel has no such count, or
the person pinned the count (OMP_NUM_THREADS), nothing changes. Different
thread counts can round a Transformer's sums differently (2e-7 in a loss), as
another machine does.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Callable

import torch

log = logging.getLogger("seqlab.engine")

CHECK_SECONDS = 2.0  # how much running the waiting is measured over
CROWDED = 0.25  # waiting for a core more than this share of the time: one thread fewer
FIRST_RETRY_SECONDS = 10.0  # a thread more is tried this long after a change...
LONGEST_RETRY_SECONDS = 160.0  # ...twice as long after each try that failed, up to this
TASKS = Path("/proc/self/task")
SHARED: dict[int, "ThreadFit"] = {}  # torch's count -> this process's fit, which runs carry on


def read_schedstats() -> dict[str, tuple[int, int]]:
    """{thread id: (ns on a core, ns waiting for one)} of this process's threads."""
    stats = {}
    for task in TASKS.iterdir():
        try:
            on_core, waiting, _slices = (task / "schedstat").read_text().split()
        except (OSError, ValueError):  # the thread ended since listed
            continue
        stats[task.name] = (int(on_core), int(waiting))
    return stats


def waiting_share(before: dict, after: dict) -> float:
    """The share of the time this process's threads wanted a core that they waited for one."""
    on_core = waiting = 0
    for tid, (run_ns, wait_ns) in after.items():
        run_before, wait_before = before.get(tid, (0, 0))
        on_core += run_ns - run_before
        waiting += wait_ns - wait_before
    wanted = on_core + waiting
    return waiting / wanted if wanted > 0 else 0.0


def can_fit() -> bool:
    """The kernel counts the waiting, torch may use more than one thread, and the
    person did not pin the count."""
    if "OMP_NUM_THREADS" in os.environ or torch.get_num_threads() < 2:
        return False
    try:
        return bool(read_schedstats())
    except OSError:
        return False


def fit_for_this_process() -> "ThreadFit | None":
    """The fit each run in this process carries on (short runs each end before a
    check, and a window trains many), or None where the count is not to change."""
    if not can_fit():
        return None
    most = torch.get_num_threads()
    if most not in SHARED:
        SHARED[most] = ThreadFit(most=most)
    return SHARED[most]


class ThreadFit:
    """A run calls `begin()`, `check()` between steps and `restore()` at its end;
    the count changes at most once every CHECK_SECONDS."""

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 read: Callable[[], dict] = read_schedstats,
                 set_threads: Callable[[int], None] = torch.set_num_threads, most: int | None = None):
        self.clock, self.read, self.set_threads = clock, read, set_threads
        self.most = most or torch.get_num_threads()
        self.threads = self.most
        self.retry_after = FIRST_RETRY_SECONDS
        self.changed_at = self.checked_at = clock()
        self.last = read()
        self.trying_more = False

    def begin(self) -> None:
        """A run starts (on its own thread, whose count is torch's own): the fitted count."""
        if self.threads != self.most:
            self.set_threads(self.threads)

    def check(self) -> None:
        now = self.clock()
        if now - self.checked_at < CHECK_SECONDS:
            return
        stats = self.read()
        share = waiting_share(self.last, stats)
        self.last, self.checked_at = stats, now
        if share > CROWDED and self.threads > 1:
            if self.trying_more:  # the try failed: wait longer before the next
                self.retry_after = min(self.retry_after * 2, LONGEST_RETRY_SECONDS)
            self._use(self.threads - 1, now, f"its threads waited for a core {share:.0%} of the time")
            self.trying_more = False
        elif self.trying_more:  # the try held
            self.trying_more = False
            self.retry_after = FIRST_RETRY_SECONDS
        elif self.threads < self.most and now - self.changed_at >= self.retry_after:
            self._use(self.threads + 1, now, "trying whether a core has come free")
            self.trying_more = True

    def _use(self, threads: int, now: float, why: str) -> None:
        log.info("training on %d torch threads instead of %d: %s", threads, self.threads, why)
        self.set_threads(threads)
        self.threads, self.changed_at = threads, now
        self.last = self.read()  # what the new count does, from now
        self.checked_at = now

    def restore(self) -> None:
        """torch's own count back for whatever else this thread runs; the fitted one
        is kept for the next run's `begin()`."""
        if self.threads != self.most:
            self.set_threads(self.most)
