"""When the live plots redraw while a run trains.

The engine's torch threads share the cores with the window, and every
millisecond the window spends drawing is one they wait: so the plots redraw
at most every `cost_factor` times what their last redraw cost (paints
included), at least once a second, and a plot that cannot be seen waits
until its dock is shown. The clock is injectable, so the rule is tested
without a window.
"""

from __future__ import annotations

import os
import time
from typing import Callable, Iterable

FRAME_SECONDS = 0.033
MAX_REDRAW_SECONDS = 1.0  # however much they cost, live plots move at least once a second
# A redraw is due a tenth early: it runs in a pull, two per interval, and Qt's coarse
# timers fire up to 5% early, so a pull landing just short of the interval left the
# plots waiting for the next one (redraws 1.5 s apart for a 1 s interval).
DUE_EARLY = 0.1


def redraw_cost_factor(cores: int) -> float:
    """The training a redraw costs is about twice its share of the cores (torch's
    threads wait at each op for the one the window displaced), so the share is
    kept near 1/120 of the machine: 1/60 of a core on 2 cores, 1/30 on 4, 1/15
    from 8 up (benchmarks/window.py measures the throughput this keeps)."""
    return max(15.0, 120.0 / max(cores, 1))


class RedrawScheduler:
    """`panels`: name -> a plot with redraw(), graphics.take_paint_seconds() and visibleRegion()."""

    def __init__(self, panels: dict, cost_factor: float | None = None,
                 clock: Callable[[], float] = time.perf_counter,
                 on_interval: Callable[[float], None] = lambda seconds: None):
        self.panels = panels
        self.cost_factor = redraw_cost_factor(os.cpu_count() or 1) if cost_factor is None else cost_factor
        self.clock = clock
        self.on_interval = on_interval  # told each new interval (the controller pulls events at half of it)
        self.stale: set[str] = set()
        self.last_redraw = -float("inf")
        self.interval = FRAME_SECONDS
        self.redraws = 0  # how many redraws ran: benchmarks count them

    def mark_stale(self, names: Iterable[str]) -> None:
        self.stale.update(names)

    def redraw(self, force: bool = False) -> bool:
        """Redraw the stale plots that can be seen, if it is time (or `force`: all
        stale ones, seen or not). True when it redrew."""
        now = self.clock()
        if not force and now - self.last_redraw < self.interval * (1 - DUE_EARLY):
            return False
        # the paints that followed the last redraw belong to its cost (Qt paints later)
        painted = sum(panel.graphics.take_paint_seconds() for panel in self.panels.values())
        for name in list(self.stale):
            panel = self.panels[name]
            if not force and panel.visibleRegion().isEmpty():
                continue  # drawn when its dock is shown
            panel.redraw()
            self.stale.discard(name)
        cost = self.clock() - now + painted
        self.last_redraw = self.clock()
        self.interval = min(max(FRAME_SECONDS, self.cost_factor * cost), MAX_REDRAW_SECONDS)
        self.redraws += 1
        self.on_interval(self.interval)
        return True

    def shown(self, name: str, visible: bool) -> None:
        """A dock became visible: its plot catches up now if it fell behind."""
        if visible and name in self.stale:
            self.panels[name].redraw()
            self.stale.discard(name)

    def forget_paints(self) -> None:
        """What was painted before a run started is not its redraws' cost."""
        for panel in self.panels.values():
            panel.graphics.take_paint_seconds()
