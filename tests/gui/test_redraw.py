"""The redraw rule without a window: a fake clock and plots whose redraws cost what the test says."""

from lab_gui.redraw import FRAME_SECONDS, MAX_REDRAW_SECONDS, RedrawScheduler, redraw_cost_factor


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class Region:
    def __init__(self, empty):
        self.empty = empty

    def isEmpty(self):
        return self.empty


class FakePlot:
    """A plot whose redraw takes `cost` seconds of the fake clock, and whose paints took `painted`."""

    def __init__(self, clock, cost=0.0, seen=True):
        self.clock, self.cost, self.seen, self.painted, self.redraws = clock, cost, seen, 0.0, 0
        self.graphics = self

    def redraw(self):
        self.redraws += 1
        self.clock.now += self.cost

    def take_paint_seconds(self):
        painted, self.painted = self.painted, 0.0
        return painted

    def visibleRegion(self):
        return Region(not self.seen)


def scheduler(cost_factor=60.0, **plots):
    clock = Clock()
    intervals = []
    made = {name: FakePlot(clock, **options) for name, options in plots.items()}
    return RedrawScheduler(made, cost_factor, clock, intervals.append), clock, made, intervals


def test_the_cost_factor_keeps_the_window_near_a_120th_of_the_machine():
    assert redraw_cost_factor(2) == 60 and redraw_cost_factor(4) == 30
    assert redraw_cost_factor(8) == redraw_cost_factor(64) == 15
    assert redraw_cost_factor(0) == 120  # os.cpu_count() may say None: taken as one core


def test_the_next_redraw_waits_its_cost_times_the_factor_paints_included():
    redraws, clock, plots, intervals = scheduler(loss=dict(cost=0.004))
    plots["loss"].painted = 0.001  # Qt painted after the last redraw: part of its cost
    redraws.mark_stale(["loss"])
    assert redraws.redraw(force=True) and plots["loss"].redraws == 1
    assert abs(redraws.interval - 60 * 0.005) < 1e-9 and intervals == [redraws.interval]
    redraws.mark_stale(["loss"])
    clock.now += redraws.interval * 0.85
    assert not redraws.redraw() and plots["loss"].redraws == 1  # too soon: training goes on
    clock.now += redraws.interval * 0.07  # a pull a little short of the interval (Qt's timers fire early)
    assert redraws.redraw() and plots["loss"].redraws == 2 and not redraws.stale


def test_the_interval_stays_between_a_frame_and_a_second():
    redraws, clock, plots, _ = scheduler(cheap=dict(cost=0.0))
    redraws.mark_stale(["cheap"])
    redraws.redraw(force=True)
    assert redraws.interval == FRAME_SECONDS
    plots["cheap"].cost = 0.5  # 30 s by the factor: the plots still move once a second
    redraws.mark_stale(["cheap"])
    redraws.redraw(force=True)
    assert redraws.interval == MAX_REDRAW_SECONDS


def test_a_hidden_plot_waits_for_its_dock_and_catches_up_when_shown():
    redraws, clock, plots, _ = scheduler(seen=dict(), hidden=dict(seen=False))
    redraws.mark_stale(["seen", "hidden"])
    assert redraws.redraw()
    assert plots["seen"].redraws == 1 and plots["hidden"].redraws == 0 and redraws.stale == {"hidden"}
    redraws.shown("hidden", True)
    assert plots["hidden"].redraws == 1 and not redraws.stale
    redraws.shown("hidden", True)
    assert plots["hidden"].redraws == 1  # nothing new: nothing redrawn


def test_a_forced_redraw_draws_every_stale_plot_seen_or_not():
    redraws, clock, plots, _ = scheduler(hidden=dict(seen=False))
    redraws.mark_stale(["hidden"])
    assert redraws.redraw(force=True) and plots["hidden"].redraws == 1
