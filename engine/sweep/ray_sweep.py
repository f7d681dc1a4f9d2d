"""A sweep's trials on Ray Tune: an embedded Ray on this machine's cores by
default, an existing cluster by address.

Ray is imported here and only here, when a sweep starts. Results come back
through Ray, never through a shared disk: a `Collector` actor on the machine
that started the sweep holds each trial's spec, its last checkpoint (a whole run,
kept at every evaluation) and its result, and the driver takes the results from
it as they come. A trial whose worker dies is restarted by Tune and goes on from
the checkpoint the collector kept. The engine's code reaches the workers as a
runtime-environment module, so a cluster needs only the engine's requirements.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import math
import os
import shutil
import signal
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import engine
from engine.errors import SeqLabError, UsageError
from engine.project.model import Run
from engine.translation import (CLUSTER_NOT_REACHED, DEVICE_NEEDS_GPUS, RAY_NOT_INSTALLED, RAY_NOT_STARTED,
                                THIS_MACHINE, TRAILED, TRIAL_TOO_BIG, WORKER_FAILED)
from engine.sweep.trial import (ENDED, FAILED, RUNNING, STOPPED_EARLY, TrialResult, TrialStatus,
                                train_trial)

ENGINE_DIR = str(Path(engine.__file__).parent)
log = logging.getLogger("seqlab.sweep")
POLL_SECONDS = 0.25
RETRIES = 3  # a trial whose worker dies starts again from its last checkpoint this many times


class SweepError(SeqLabError):
    """Ray could not start, or the cluster could not be reached."""


@dataclass
class Placement:
    """Where the trials run and how much each takes."""

    address: str | None = None  # None: an embedded Ray on this machine
    cpus_per_trial: float = 1.0
    gpus_per_trial: float = 0.0
    max_concurrent: int | None = None
    cpus: int | None = None  # an embedded Ray's cores (default: all of this machine's)

    def __post_init__(self):
        if not (0 < self.cpus_per_trial <= 1024) or math.isnan(self.cpus_per_trial):
            raise UsageError(f"--cpus-per-trial must be above 0, not {self.cpus_per_trial}")
        if not (0 <= self.gpus_per_trial <= 64) or math.isnan(self.gpus_per_trial):
            raise UsageError(f"--gpus-per-trial must be 0 or more, not {self.gpus_per_trial}")
        if self.max_concurrent is not None and self.max_concurrent < 1:
            raise UsageError(f"--max-concurrent must be 1 or more, not {self.max_concurrent}")

    @property
    def threads(self) -> int:
        return max(1, int(self.cpus_per_trial))


def _collector_class():
    import ray

    @ray.remote(num_cpus=0)
    class Collector:
        """Lives beside the driver: the trials' specs in, checkpoints and results back."""

        def __init__(self, runs: dict[str, Run], names: dict[str, str]):
            self.start_runs = runs  # key -> the run to train (fresh)
            self.checkpoints: dict[str, Run] = {}
            self.status = {key: TrialStatus(key, names[key], steps=run.spec.training.steps)
                           for key, run in runs.items()}
            self.results: list[TrialResult] = []
            self.workers: dict[str, int] = {}

        def start(self, key: str, pid: int) -> Run:
            status = self.status[key]
            status.state, status.attempts, status.started = RUNNING, status.attempts + 1, time.time()
            self.workers[key] = pid
            return self.checkpoints.get(key, self.start_runs[key])

        def checkpoint(self, key: str, run: Run, numbers: dict) -> None:
            self.checkpoints[key] = run
            status = self.status[key]
            status.step, status.numbers = run.step, numbers

        def finish(self, result: TrialResult) -> None:
            status = self.status[result.key]
            if status.state in ENDED:  # Tune ended it already (stopped early): one result per trial
                return
            status.state, status.step, status.message = result.state, result.run.step, result.message
            status.seconds += result.seconds
            result.attempts = status.attempts
            self.checkpoints.pop(result.key, None)
            self.results.append(result)

        def take_results(self) -> list[TrialResult]:
            results, self.results = self.results, []
            return results

        def start_run(self, key: str) -> Run:
            return self.start_runs[key]

        def last_checkpoint(self, key: str) -> Run | None:
            return self.checkpoints.get(key)

        def table(self) -> dict[str, TrialStatus]:
            return self.status

        def worker(self, key: str) -> int | None:
            return self.workers.get(key)

        def mark(self, key: str, state: str, message: str) -> TrialStatus | None:
            """None when the trial has ended already (its own result came first)."""
            status = self.status[key]
            if status.state in ENDED:
                return None
            status.state, status.message = state, message
            if status.started is not None:  # ended by Tune mid-run: its time until now
                status.seconds += time.time() - status.started
            return status

    return Collector


def owned(run: Run | None) -> Run | None:
    """A run as Ray hands it over holds read-only arrays (zero-copy from its object
    store): its history could not grow. This copy is the receiver's own."""
    return copy.deepcopy(run)


def _trainable(config: dict) -> None:
    """The Tune function trainable: runs on a worker; everything it needs comes from the collector."""
    import ray
    import torch
    from ray import tune

    collector = ray.get_actor(config["collector"], namespace=config["namespace"])
    key = config["trial"]
    torch.set_num_threads(config["threads"])
    run = owned(ray.get(collector.start.remote(key, os.getpid())))

    def keep(checkpointed: Run, numbers: dict) -> None:  # serialised now, so training may go on changing it
        collector.checkpoint.remote(key, checkpointed, numbers)

    def report(numbers: dict) -> None:
        tune.report({name: value for name, value in numbers.items() if value is not None})

    result = train_trial(key, run, report, keep, device=config["device"])
    ray.get(collector.finish.remote(result))


class _Interrupted:
    """Ctrl-C stops the sweep through Tune's stopper: running trials end, finished ones are kept."""

    def __init__(self):
        self.flag = threading.Event()
        self._previous = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, lambda *_: self.flag.set())
        return self

    def __exit__(self, *exc):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


@dataclass
class SweepOutcome:
    results: list[TrialResult]
    interrupted: bool
    seconds: float
    first_result_seconds: float | None


def run_trials(runs: dict[str, Run], placement: Placement,
               on_progress: Callable[[dict[str, TrialStatus]], None] = lambda table: None,
               on_results: Callable[[list[TrialResult]], None] = lambda results: None,
               stop_early: bool = False, stop: threading.Event | None = None,
               on_started: Callable[[object], None] = lambda collector: None) -> SweepOutcome:
    """Train `runs` (trial key -> fresh run, named) as Tune trials; results reach
    `on_results` as they finish, the table `on_progress` a few times a second.
    `stop` (or Ctrl-C on the main thread) ends the sweep, keeping what finished."""
    os.environ.setdefault("TUNE_DISABLE_AUTO_CALLBACK_LOGGERS", "1")  # no CSV/JSON/TensorBoard files per trial
    os.environ.setdefault("TUNE_DISABLE_SIGINT_HANDLER", "1")  # Ctrl-C is ours: see _Interrupted
    os.environ.setdefault("RAY_AIR_NEW_OUTPUT", "0")
    os.environ.setdefault("RAY_DEDUP_LOGS", "0")
    try:
        import ray
        from ray import tune
        from ray.tune.schedulers import ASHAScheduler
    except ImportError as exc:
        raise SweepError(RAY_NOT_INSTALLED.format(name=exc.name)) from None

    began = time.perf_counter()
    namespace = f"seqlab-{uuid.uuid4().hex[:12]}"
    address = placement.address or os.environ.get("RAY_ADDRESS") or None
    device = trial_device((run.spec for run in runs.values()), placement)
    owned = not ray.is_initialized()  # a Ray someone else started (a test's) stays up after
    first_result: list[float] = []
    storage = None
    try:
        if owned:
            start_ray(address, placement)
        storage = tempfile.mkdtemp(prefix="seqlab-sweep-")  # Tune's own state: gone with the sweep
        _check_fits(ray.cluster_resources(), placement, address)
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        here = NodeAffinitySchedulingStrategy(ray.get_runtime_context().get_node_id(), soft=False)
        collector = _collector_class().options(name="collector", namespace=namespace, scheduling_strategy=here).remote(
            runs, {key: run.name for key, run in runs.items()})  # on the driver's machine: results come home
        on_started(collector)
        interrupted = _Interrupted()
        stopper = _make_stopper(interrupted.flag, stop)
        progress = _make_progress_class()(ray, collector, on_progress, on_results, first_result, began,
                                          stopper)
        scheduler = None
        if stop_early:
            steps = max(run.spec.training.steps for run in runs.values())
            every = min(run.spec.training.eval_every for run in runs.values())
            scheduler = ASHAScheduler(metric="val_loss", mode="min", time_attr="step", max_t=steps + 1,
                                      grace_period=max(every, steps // 8), reduction_factor=3)
        resources = {"cpu": placement.cpus_per_trial, "gpu": placement.gpus_per_trial}
        tuner = tune.Tuner(
            tune.with_resources(_trainable, resources),
            param_space={"trial": tune.grid_search(list(runs)), "collector": "collector", "namespace": namespace,
                         "threads": placement.threads, "device": device},
            tune_config=tune.TuneConfig(max_concurrent_trials=placement.max_concurrent, scheduler=scheduler,
                                        reuse_actors=True),
            run_config=tune.RunConfig(name="sweep", storage_path=storage, verbose=0, stop=stopper,
                                      callbacks=[progress], log_to_file=False,
                                      failure_config=tune.FailureConfig(max_failures=RETRIES)))
        with interrupted:
            tuner.fit()
        progress.collect()
        on_progress(ray.get(collector.table.remote()))
        return SweepOutcome(progress.results, stopper.stopped, time.perf_counter() - began,
                            first_result[0] if first_result else None)
    finally:
        if owned:
            ray.shutdown()
        if storage is not None:
            shutil.rmtree(storage, ignore_errors=True)


def trial_device(specs, placement: Placement) -> str:
    """Trials with GPUs train on the GPU Ray gave them; without, on the CPU (Ray hides
    the GPUs from them). A spec (of `specs`) that names a GPU with no GPUs placed is
    refused now (the window asks before it starts the sweep's process)."""
    if placement.gpus_per_trial > 0:
        return "cuda"
    for spec in specs:
        if spec.training.device.startswith("cuda"):
            raise UsageError(DEVICE_NEEDS_GPUS.format(device=spec.training.device))
    return "cpu"


def _check_fits(resources: dict, placement: Placement, address: str | None) -> None:
    """A trial that asks for more than the whole Ray has would wait for ever: refused now."""
    for kind, asked, key in (("CPUs", placement.cpus_per_trial, "CPU"), ("GPUs", placement.gpus_per_trial, "GPU")):
        has = resources.get(key, 0)
        if asked > has:
            raise SweepError(TRIAL_TOO_BIG.format(asked=f"{asked:g}", kind=kind, where=address or THIS_MACHINE,
                                                  has=f"{has:g}"))


def start_ray(address: str | None, placement: Placement) -> None:
    """Ray for a sweep: the cluster at `address`, or one embedded in this process on this
    machine's cores (no dashboard), with the engine's code shipped to its workers."""
    import ray

    env_vars = {"OMP_NUM_THREADS": str(placement.threads)}
    if address:  # a cluster's machines get the engine's code from Ray
        runtime_env = {"py_modules": [ENGINE_DIR], "excludes": ["__pycache__", "*.pyc"], "env_vars": env_vars}
    else:  # this machine's workers import it from where it is: no package to build and unpack
        path = os.pathsep.join(p for p in (str(Path(ENGINE_DIR).parent), os.environ.get("PYTHONPATH")) if p)
        runtime_env = {"env_vars": {**env_vars, "PYTHONPATH": path}}
    try:
        if address:
            ray.init(address=address, runtime_env=runtime_env, log_to_driver=False, logging_level="ERROR")
        else:
            ray.init(num_cpus=placement.cpus, include_dashboard=False, runtime_env=runtime_env,
                     log_to_driver=False, logging_level="ERROR")
    except (ConnectionError, RuntimeError, ValueError) as exc:
        error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SweepError(CLUSTER_NOT_REACHED.format(address=address, error=error) if address
                         else RAY_NOT_STARTED.format(error=error)) from None


def _make_stopper(*flags):
    from ray.tune import Stopper

    class AnyFlag(Stopper):
        """Tune asks it after each result; it stops everything on Ctrl-C or the caller's stop."""

        def __init__(self, flags):
            self.flags = [f for f in flags if f is not None]
            self.stopped = False

        def __call__(self, trial_id, result) -> bool:
            return False

        def stop_all(self) -> bool:
            self.stopped = self.stopped or any(f.is_set() for f in self.flags)
            return self.stopped

        def __getstate__(self):  # Tune pickles its settings to disk; this lives on the driver only
            return {"flags": [], "stopped": self.stopped}

    return AnyFlag(flags)


def _make_progress_class():
    from ray.tune import Callback

    class Progress(Callback):
        """Polls the collector from Tune's own loop on the driver: the table, and finished results."""

        def __init__(self, ray, collector, on_progress, on_results, first_result, began, stopper):
            self.ray, self.collector, self.stopper = ray, collector, stopper
            self.on_progress, self.on_results = on_progress, on_results
            self.first_result, self.began = first_result, began
            self.results: list[TrialResult] = []
            self.kept: set[str] = set()
            self.last = 0.0

        def __getstate__(self):  # Tune pickles its settings to disk; this lives on the driver only
            return {}

        def on_step_end(self, iteration, trials, **info):
            if time.monotonic() - self.last >= POLL_SECONDS:
                self.last = time.monotonic()
                self.collect()
                self.on_progress(self.ray.get(self.collector.table.remote()))

        def on_trial_complete(self, iteration, trials, trial, **info):
            self.settle(trial.config["trial"], None)

        def on_trial_error(self, iteration, trials, trial, **info):
            error = trial.get_error()
            self.settle(trial.config["trial"], _first_line(error) if error else WORKER_FAILED)

        def settle(self, key: str, error: str | None) -> None:
            """A trial Tune ended without a result of its own: stopped early by the scheduler
            (its run as its last evaluation left it), or failed past its retries (as far as it
            got, with Tune's error). Trials ended by a stop of the whole sweep are not kept."""
            self.collect()
            if key in self.kept or self.stopper.stop_all():
                return
            run = owned(self.ray.get(self.collector.last_checkpoint.remote(key)))
            if error is not None:
                state, message = FAILED, error
            else:
                state, message = STOPPED_EARLY, TRAILED
            if run is None:
                run = owned(self.ray.get(self.collector.start_run.remote(key)))
            status = self.ray.get(self.collector.mark.remote(key, state, message))
            if status is None:  # it finished on its own meanwhile: collected next time
                return
            result = TrialResult(key, run, state, message, status.seconds, status.attempts)
            self.kept.add(key)
            self.results.append(result)
            self.on_results([result])

        def collect(self) -> None:
            results = [dataclasses.replace(r, run=owned(r.run))
                       for r in self.ray.get(self.collector.take_results.remote()) if r.key not in self.kept]
            for result in results:  # a worker's log goes nowhere: its failure's whole text is logged here
                if result.details:
                    log.error("trial %s failed at step %s: %s", result.run.name, result.run.step, result.details)
            if results:
                if not self.first_result:
                    self.first_result.append(time.perf_counter() - self.began)
                self.kept.update(r.key for r in results)
                self.results += results
                self.on_results(results)

    return Progress


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    last = [line for line in text if line.strip()][-1:] or [type(error).__name__]
    return last[0][:300]
