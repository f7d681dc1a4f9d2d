"""Soak: train a small model headless for a long time (30 minutes by default)
through the process host, keeping every event in a project run as the window
does, and print memory and event lag over time.

    python benchmarks/soak.py [--minutes 30] [--sample-seconds 60]

What should hold: the engine process's memory stays flat after warm-up; the
receiving side grows only by the scalar history it is meant to keep (every
step, by design) and by the probe history up to its budget; the event lag
(how far the received steps trail the engine's clock) does not grow.
Not run in CI: it takes as long as it is told to.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.events import RunFailed, RunFinished, RunStarted, Scalars  # noqa: E402
from engine.host import ProcessHost  # noqa: E402
from engine.presets import load_preset  # noqa: E402
from engine.project import Project  # noqa: E402

POLL_SECONDS = 0.033  # as the window's frame timer


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def history_mb(run) -> float:
    history = run.history
    return sum(history.column(name).nbytes for name in history.names) / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--sample-seconds", type=float, default=60.0)
    args = parser.parse_args()

    spec = load_preset("hello-rnn").with_overrides({
        "model.cell": "lstm", "model.hidden_size": 64, "task.name": "shakespeare", "task.length": 32,
        "training.steps": 10**9, "training.eval_every": 500, "probes.every": 50, "training.device": "cpu"})
    project = Project(name="soak")
    run = project.add_run(spec)
    host = ProcessHost()
    host.start(spec)
    started = time.monotonic()
    run_started_at = None
    lags, last_step, rows = [], 0, []
    next_sample = started + args.sample_seconds
    print(f"soak: {spec.model.cell} {spec.model.hidden_size} on {spec.task.name}, probes every "
          f"{spec.probes.every} steps, {args.minutes:g} minutes, engine pid {host.pid}", flush=True)
    print(f"{'minute':>6} {'steps':>9} {'steps/s':>8} {'engine MB':>10} {'window MB':>10} "
          f"{'history MB':>10} {'probes MB':>9} {'lag p50 ms':>10} {'lag max ms':>10}", flush=True)
    try:
        while time.monotonic() - started < args.minutes * 60:
            events = host.poll()
            now = time.monotonic()
            run.keep(events)
            for event in events:
                if isinstance(event, RunStarted):
                    run_started_at = now
                elif isinstance(event, Scalars) and len(event) and run_started_at is not None:
                    last_step = int(event.steps[-1]) + 1
                    lags.append((now - run_started_at) - float(event.wall_time[-1]))
                elif isinstance(event, (RunFailed, RunFinished)):
                    print(f"the run ended: {event}", flush=True)
                    return 1
            if now >= next_sample and lags:
                next_sample += args.sample_seconds
                # The lag's constant part is the start-up skew between the two clocks; its growth is what counts.
                row = ((now - started) / 60, last_step, rss_mb(host.pid), rss_mb(os.getpid()), history_mb(run),
                       run.probes.nbytes / 2**20, statistics.median(lags) * 1e3, max(lags) * 1e3)
                rate = (last_step - (rows[-1][1] if rows else 0)) / args.sample_seconds
                rows.append(row)
                lags = []
                print(f"{row[0]:6.1f} {row[1]:9,d} {rate:8.1f} {row[2]:10.1f} {row[3]:10.1f} {row[4]:10.2f} "
                      f"{row[5]:9.2f} {row[6]:10.1f} {row[7]:10.1f}", flush=True)
            time.sleep(POLL_SECONDS)
    finally:
        host.stop()
        host.shutdown(30)
    if len(rows) >= 3:
        warm = rows[1]  # after the first sample: allocator pools and caches are filled
        last = rows[-1]
        hours = (last[0] - warm[0]) / 60
        print(f"\nengine RSS: {warm[2]:.1f} MB at minute {warm[0]:.1f}, {last[2]:.1f} MB at minute {last[0]:.1f} "
              f"({(last[2] - warm[2]) / hours:+.1f} MB/hour)")
        window_growth = (last[3] - warm[3]) - (last[4] - warm[4]) - (last[5] - warm[5])
        print(f"receiving side RSS: {warm[3]:.1f} -> {last[3]:.1f} MB; of that, history "
              f"{last[4] - warm[4]:+.2f} MB and probes {last[5] - warm[5]:+.2f} MB; "
              f"the rest {window_growth:+.1f} MB")
        print(f"event lag p50: {rows[1][6]:.1f} ms at minute {rows[1][0]:.1f}, {last[6]:.1f} ms at the end; "
              f"max over the run {max(r[7] for r in rows[1:]):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
