"""Torch's threads fitted to the cores other programs leave free (engine.thread_fit)."""

import os
import subprocess
import sys
import threading
import time

import pytest
import torch

import engine.runner
import engine.thread_fit
from engine.runner import RunControl, run_training
from engine.thread_fit import (CHECK_SECONDS, CROWDED, FIRST_RETRY_SECONDS, ThreadFit, can_fit, read_schedstats,
                               waiting_share)
from engine.training import Trainer
from tests.engine.helpers import small_spec

HAS_SCHEDSTAT = os.path.exists(f"/proc/self/task/{os.getpid()}/schedstat")


@pytest.fixture(autouse=True)
def nothing_fitted_yet(monkeypatch):
    monkeypatch.setattr(engine.thread_fit, "SHARED", {})


class Machine:
    """A fake clock and kernel: each tick of `seconds` the process's one thread
    runs and waits in the proportion `crowding` says."""

    def __init__(self):
        self.now, self.run_ns, self.wait_ns, self.crowding = 0.0, 0, 0, 0.0
        self.threads_set: list[int] = []
        self.changed_at: list[float] = []

    def set_threads(self, threads: int) -> None:
        self.threads_set.append(threads)
        self.changed_at.append(self.now)

    def tick(self, seconds: float) -> None:
        self.now += seconds
        self.wait_ns += int(seconds * 1e9 * self.crowding)
        self.run_ns += int(seconds * 1e9 * (1 - self.crowding))

    def fit(self, most: int = 2) -> ThreadFit:
        return ThreadFit(clock=lambda: self.now, read=lambda: {"1": (self.run_ns, self.wait_ns)},
                         set_threads=self.set_threads, most=most)

    def run(self, fit: ThreadFit, seconds: float, step: float = 0.1) -> None:
        for _ in range(round(seconds / step)):
            self.tick(step)
            fit.check()


def test_a_crowded_machine_gets_one_thread_fewer_and_an_idle_one_keeps_them_all():
    machine = Machine()
    fit = machine.fit(most=4)
    machine.run(fit, 60)
    assert machine.threads_set == [] and fit.threads == 4  # idle: nothing changes
    machine.crowding, crowded_from = 0.5, machine.now
    machine.run(fit, 3.5 * CHECK_SECONDS + FIRST_RETRY_SECONDS / 2)  # before a thread more is tried
    assert machine.threads_set == [3, 2, 1]  # one fewer at a time, down to one
    first, *later = machine.changed_at
    assert crowded_from < first <= crowded_from + 2 * CHECK_SECONDS + 0.2
    assert all(b - a >= CHECK_SECONDS for a, b in zip(machine.changed_at, later))  # each count measured first
    machine.crowding = CROWDED * 0.8  # waiting, but not enough to give up a thread for
    fit, machine.threads_set[:] = machine.fit(most=2), []
    machine.run(fit, 30)
    assert machine.threads_set == []


def test_a_thread_more_is_tried_again_later_and_kept_once_a_core_is_free():
    machine = Machine()
    fit = machine.fit(most=2)
    machine.crowding = 0.5
    machine.run(fit, CHECK_SECONDS * 1.1)
    assert machine.threads_set == [1]
    machine.crowding = 0.0  # one thread no longer waits: it cannot tell whether a second would
    machine.run(fit, FIRST_RETRY_SECONDS * 0.9)
    assert machine.threads_set == [1]
    machine.crowding = 0.4  # the try: two threads crowd the cores again
    machine.run(fit, FIRST_RETRY_SECONDS * 0.2 + CHECK_SECONDS * 1.1)
    assert machine.threads_set == [1, 2, 1]
    machine.crowding = 0.0
    machine.run(fit, FIRST_RETRY_SECONDS * 1.5)
    assert machine.threads_set == [1, 2, 1]  # a failed try doubles the wait for the next
    machine.run(fit, FIRST_RETRY_SECONDS * 0.6 + CHECK_SECONDS * 1.1)
    assert machine.threads_set == [1, 2, 1, 2] and fit.threads == 2  # held: kept
    machine.run(fit, 120)
    assert machine.threads_set == [1, 2, 1, 2]
    machine.crowding = 0.5
    machine.run(fit, CHECK_SECONDS * 1.1)
    fit.restore()
    assert machine.threads_set[-2:] == [1, 2]


def test_runs_carry_on_the_fit_short_runs_included(monkeypatch):
    """The next run starts from the count that fitted last, and the checks and the
    tries of a thread more go on across runs shorter than a check."""
    monkeypatch.setattr(engine.thread_fit, "can_fit", lambda: True)
    machine = Machine()
    monkeypatch.setattr(engine.thread_fit, "ThreadFit", lambda most: machine.fit(most=2))  # the tests run on one
    fit = engine.thread_fit.fit_for_this_process()
    assert engine.thread_fit.fit_for_this_process() is fit
    machine.crowding = 0.5
    for _ in range(4):  # short runs: 0.8 s each
        fit.begin()
        machine.run(fit, 0.8)
        fit.restore()
    assert machine.threads_set[:3] == [1, 2, 1]  # fitted in the third run, the fourth began with it
    machine.crowding = 0.0
    for _ in range(20):
        fit.begin()
        machine.run(fit, 0.8)
        fit.restore()
    assert fit.threads == 2  # the core came free, and a try found it across runs


def test_waiting_share_adds_up_the_threads_including_those_started_since():
    before = {"10": (1000, 0), "11": (500, 500)}
    after = {"10": (2000, 1000), "11": (500, 500), "12": (1000, 1000)}
    assert waiting_share(before, after) == pytest.approx(2000 / 4000)
    assert waiting_share(after, after) == 0.0


@pytest.mark.skipif(not HAS_SCHEDSTAT or not hasattr(os, "sched_setaffinity"),
                    reason="the kernel counts no waiting (/proc/self/task/*/schedstat), or pins nothing")
def test_the_kernel_counts_the_waiting_when_other_processes_share_the_core():
    """The signal itself, measured: this thread spinning on one core with two spinning
    processes waits for it about two thirds of the time; alone there, hardly at all
    (whatever the machine's size: all three are pinned to the same core)."""
    core = min(os.sched_getaffinity(0))
    allowed = os.sched_getaffinity(0)

    def spin_share(seconds: float = 0.6) -> float:
        before = read_schedstats()
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            pass
        return waiting_share(before, read_schedstats())

    os.sched_setaffinity(0, {core})  # this thread only
    spinners = []
    try:
        alone = spin_share()
        spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
        for spinner in spinners:
            os.sched_setaffinity(spinner.pid, {core})
        time.sleep(0.3)
        crowded = spin_share()
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()
        os.sched_setaffinity(0, allowed)
    assert crowded > CROWDED + 0.2, crowded
    assert crowded > alone + 0.2, (crowded, alone)


def test_a_pinned_count_is_left_alone(monkeypatch):
    monkeypatch.setattr(torch, "get_num_threads", lambda: 4)  # the tests run on one thread
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    assert can_fit() == HAS_SCHEDSTAT
    monkeypatch.setenv("OMP_NUM_THREADS", "4")
    assert not can_fit()


def test_torch_trains_on_the_fitted_count_on_the_run_s_thread_and_gets_its_own_back(monkeypatch):
    """The real torch.set_num_threads, on a run's own thread as the hosts run them:
    the steps after a crowded check use one thread fewer, the next run's thread starts
    from the fitted count, and after each run torch's own count is back."""
    machine = Machine()
    machine.crowding = 0.6
    fit = ThreadFit(clock=lambda: machine.now, read=lambda: {"1": (machine.run_ns, machine.wait_ns)}, most=2)
    monkeypatch.setattr(engine.runner, "fit_for_this_process", lambda: fit)
    seen: dict[str, list] = {"first": [], "second": [], "after": []}

    def train(name: str) -> None:
        trainer = Trainer(small_spec(training__steps=30, probes__every=0))
        train_step = trainer.train_step

        def step():
            train_step()
            machine.tick(0.2)
            seen[name].append(torch.get_num_threads())

        trainer.train_step = step
        run_training(trainer, RunControl(), lambda events: None)
        seen["after"].append(torch.get_num_threads())

    def host_thread(name: str) -> None:
        torch.set_num_threads(2)  # what torch starts with on 2 cores
        try:
            train(name)
        finally:
            torch.set_num_threads(1)  # the tests' own count, for the threads after this one

    for name in ("first", "second"):
        thread = threading.Thread(target=host_thread, args=(name,))
        thread.start()
        thread.join()
    assert seen["first"][0] == 2 and 1 in seen["first"]
    assert seen["second"][0] == 1  # began with what fitted
    assert seen["after"] == [2, 2]  # torch's own count back after each run


def test_the_run_loop_fits_the_threads_while_it_trains_and_puts_them_back(monkeypatch):
    """run_training checks between steps and restores torch's count at the end."""
    machine = Machine()
    machine.crowding = 0.6
    monkeypatch.setattr(engine.runner, "fit_for_this_process", lambda: machine.fit(most=2))
    counts_seen = []
    trainer = Trainer(small_spec(training__steps=40, probes__every=0))
    train_step = trainer.train_step

    def step():
        train_step()
        machine.tick(0.2)
        counts_seen.append(machine.threads_set[-1] if machine.threads_set else 2)

    trainer.train_step = step
    before = torch.get_num_threads()
    assert run_training(trainer, RunControl(), lambda events: None) == "completed"
    assert 1 in counts_seen and counts_seen[0] == 2
    assert machine.threads_set[-1] == 2  # restored
    assert torch.get_num_threads() == before
