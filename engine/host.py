"""Run a Trainer in the background, behind one interface, `Host`:

    start(spec, state=None, device=None, task_file=None), pause(), resume(), step(n), stop(),
    set(name, value), checkpoint(), flush_every(seconds), send(command),
    poll() -> list of events, shutdown(timeout) -> bool

Each control is a command of engine.commands; a host only says how one is sent.

`ThreadHost` trains on a thread of this process (tests, debugging, the command
line). `ProcessHost` (the window's default) trains on a thread of a separate
engine process: the window's GUI thread then never competes with training for
the GIL (0.57-0.74 of bare-loop speed in process, 1.01 out of it: see
"Measured choices" in docs/ARCHITECTURE.md), and an engine that dies (segfault, out of memory, kill -9) takes
nothing of the window with it; poll() reports the death as a RunFailed.

`state` is a Checkpoint's (arrays, meta): the run continues from there.
"""

from __future__ import annotations

import copy
import logging
import multiprocessing
import signal
import threading
import time
from collections import deque
from typing import Protocol

import numpy as np

from engine.checkpoint import arrays_to_tensors, restore
from engine.commands import (Command, Control, FlushEvery, Pause, Resume, SendCheckpoint, Set, Shutdown, Start, State,
                             Step, Stop)
from engine.errors import SeqLabError
from engine.events import RunFailed, RunFinished, RunStarted, Scalars
from engine.failures import release_memory
from engine.logs import ToTheWindow, trace_faults
from engine.runner import RunControl, log, run_failed, run_training
from engine.spec import ExperimentSpec
from engine.task_file import TaskFile
from engine.training import Trainer, resolve_device
from engine.validation import validate_experiment


class Host(Protocol):
    """What the window drives. The controls are written here once, as the command
    each one sends; ThreadHost and ProcessHost subclass this to inherit them and
    define only start, send, poll and shutdown."""

    flush_interval: float

    @property
    def running(self) -> bool: ...

    def start(self, spec: ExperimentSpec, state: State | None = None, device: str | None = None,
              task_file: TaskFile | None = None) -> None:
        """Validate now (a SpecError is raised here, in the caller), then build and train in
        the background. `task_file`: the content of the file a text_file or csv task learns from."""
        ...

    def send(self, command: Control) -> None: ...

    def poll(self) -> list:
        """Every event since the last poll, in order."""
        ...

    def shutdown(self, timeout: float = 10.0) -> bool:
        """Stop the run and wait for it; True if it ended in time."""
        ...

    def pause(self) -> None:
        self.send(Pause())

    def resume(self) -> None:
        self.send(Resume())

    def step(self, n: int = 1) -> None:
        self.send(Step(n))

    def stop(self) -> None:
        self.send(Stop())

    def set(self, name: str, value: float) -> None:
        self.send(Set(name, value))

    def checkpoint(self) -> None:
        """Ask for the run's complete state now (a Checkpoint arrives through poll())."""
        self.send(SendCheckpoint())

    def flush_every(self, seconds: float) -> None:
        """Batch the events about this often, in this run and the next."""
        self.send(FlushEvery(seconds))


class ThreadHost(Host):
    def __init__(self, flush_interval: float = 1 / 30):
        self.flush_interval = flush_interval
        self._events: deque = deque()
        self._arrived = threading.Condition()
        self._thread: threading.Thread | None = None
        self._control = RunControl()
        self._ended = threading.Event()  # the current run has sent its last event

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, spec: ExperimentSpec, state: State | None = None, device: str | None = None,
              task_file: TaskFile | None = None) -> None:
        if self.running and self._ended.is_set():  # the last run has ended and is letting go of its memory
            self._thread.join(30.0)
        if self.running:
            raise RuntimeError("a run is already in progress; stop it first")
        validate_experiment(spec)
        if state is not None:  # training changes its tensors in place; the caller keeps its own
            state = ({name: np.array(array, copy=True) for name, array in state[0].items()}, copy.deepcopy(state[1]))
        self._control = RunControl()
        self._ended.clear()
        self._thread = threading.Thread(target=self._run, args=(spec, state, device, task_file, self._control),
                                        name="seqlab-training", daemon=True)
        self._thread.start()

    def _emit(self, events: list) -> None:
        with self._arrived:
            self._events.extend(events)
            if any(isinstance(event, (RunFinished, RunFailed)) for event in events):
                self._ended.set()
            self._arrived.notify_all()

    def _run(self, spec: ExperimentSpec, state: State | None, device: str | None, task_file: TaskFile | None,
             control: RunControl) -> None:
        try:
            trainer = Trainer(spec, device, task_file)
            if state is not None:
                restore(trainer, arrays_to_tensors(state[0]), state[1])
        except Exception as exc:  # building can fail on user data (a bad CSV, say) or run out of memory
            failure = run_failed(exc, 0, spec, _device_name(device or spec.training.device))
            del exc
            release_memory()
            self._emit([failure])
            return
        run_training(trainer, control, self._emit, self.flush_interval, checkpoint_at_end=True)
        del trainer
        release_memory()

    def send(self, command: Control) -> None:
        if isinstance(command, FlushEvery):  # the next run's RunControl starts from it
            self.flush_interval = command.seconds
        self._control.apply(command)

    def wait_events(self, timeout: float) -> None:
        """Sleep until events are waiting or `timeout` seconds pass."""
        with self._arrived:
            self._arrived.wait_for(lambda: bool(self._events), timeout)

    def poll(self) -> list:
        events = []
        while self._events:
            events.append(self._events.popleft())
        return events

    def shutdown(self, timeout: float = 10.0) -> bool:
        self._control.stop()
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True


# ---------------------------------------------------------------- the engine process
def _device_name(requested: str) -> str:
    try:
        return str(resolve_device(requested))
    except SeqLabError:
        return requested


def _serve(connection, flush_interval: float) -> None:
    """The engine process: a ThreadHost driven by commands from the window.

    A reader thread takes commands as they come, so a command is never stuck
    behind events the window has not read yet; this thread forwards events
    in batches.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in the terminal is the window's to handle
    trace_faults("engine process")  # a crash in native code sends no log record: leave its stack in faults.log
    host = ThreadHost(flush_interval)
    done = threading.Event()
    sending = threading.Lock()

    def send(events: list) -> None:
        with sending:
            connection.send(events)

    log.addHandler(ToTheWindow(lambda record: send([record])))
    log.propagate = False  # logged once, by the window

    def read_commands() -> None:
        try:
            while True:
                command = connection.recv()
                try:
                    match command:
                        case Shutdown():
                            break
                        case Start(spec, state, device, task_file):
                            host.start(spec, state, device, task_file)
                        case _:
                            host.send(command)
                except SeqLabError as exc:  # reported, never a dead engine
                    send([RunFailed(0, str(exc))])
                except Exception as exc:  # a bug: to the log too, with where it happened
                    log.exception("the engine process could not act on %s", type(command).__name__)
                    send([RunFailed(0, f"{type(exc).__name__}: {exc}")])
        except (EOFError, OSError):  # the window went away
            pass
        finally:
            host.shutdown(5.0)
            done.set()

    threading.Thread(target=read_commands, name="seqlab-commands", daemon=True).start()
    try:
        while not done.is_set():
            host.wait_events(host.flush_interval)
            events = host.poll()
            if events:
                send(events)
        events = host.poll()
        if events:
            send(events)
    except (BrokenPipeError, EOFError, OSError):
        pass


_SIGNAL_CAUSES = {"SIGKILL": ": kill -9, or the system's out-of-memory killer",
                  "SIGSEGV": ": a crash in native code", "SIGABRT": ": a crash in native code"}


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "it stopped answering"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            return f"killed by signal {-code}"
        return f"killed by signal {name}{_SIGNAL_CAUSES.get(name, '')}"
    return f"exit code {code}"


class ProcessHost(Host):
    """The same interface as ThreadHost, with training in a spawned engine
    process (spawn: safe with CUDA, and nothing of the window's state is
    copied into it). The process is started once and serves run after run;
    if it dies, the next start() launches a fresh one."""

    def __init__(self, flush_interval: float = 1 / 30):
        self.flush_interval = flush_interval
        self._process = None
        self._connection = None
        self._died_reported = True  # nothing to report before a first start
        self._last_step = 0
        self._running = False
        self._late: list = []  # events read while shutting down, for the next poll

    # -------------------------------------------------------------- process
    def launch(self) -> None:
        """Start the engine process now (it takes a few seconds to import torch)."""
        if self._process is not None and self._process.is_alive():
            return
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe(duplex=True)
        self._process = context.Process(target=_serve, args=(theirs, self.flush_interval),
                                        name="seqlab-engine", daemon=True)
        self._process.start()
        theirs.close()
        self._connection = ours

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    @property
    def running(self) -> bool:
        """A run was started and has not yet finished, failed or died."""
        return self._running

    def _put(self, command: Command) -> None:
        if self._connection is None:
            return
        try:
            self._connection.send(command)
        except (BrokenPipeError, OSError):
            pass  # the death is reported by poll()

    # ------------------------------------------------------------ interface
    def start(self, spec: ExperimentSpec, state: State | None = None, device: str | None = None,
              task_file: TaskFile | None = None) -> None:
        if self._running and self.alive:
            raise RuntimeError("a run is already in progress; stop it first")
        validate_experiment(spec)  # a SpecError is raised here, in the caller
        self.launch()
        self._died_reported = False
        self._running = True
        self._last_step = state[1]["step"] if state is not None else 0
        self._put(Start(spec, state, device, task_file))

    def send(self, command: Control) -> None:
        if isinstance(command, FlushEvery):  # and for an engine process launched later
            self.flush_interval = command.seconds
        self._put(command)

    def poll(self) -> list:
        """Every event since the last poll; a RunFailed if the engine died mid-run."""
        events, self._late = self._late, []
        events += self._receive()
        for event in events:
            if isinstance(event, Scalars) and len(event):
                self._last_step = int(event.steps[-1])
            elif isinstance(event, RunStarted):
                self._last_step = event.start_step
            elif isinstance(event, (RunFinished, RunFailed)):
                self._running = False
        if not self.alive and not self._died_reported:
            self._died_reported = True
            if self._running:
                self._running = False
                code = self._process.exitcode if self._process is not None else None
                events.append(RunFailed(self._last_step, f"the engine process died ({_describe_exit(code)}) "
                                                         f"at step {self._last_step}; what it had sent is kept"))
        return events

    def _receive(self) -> list:
        events: list = []
        if self._connection is None:
            return events
        try:
            while self._connection.poll():
                events.extend(self._connection.recv())
        except (EOFError, OSError):
            pass
        records = [e for e in events if isinstance(e, logging.LogRecord)]  # from ToTheWindow
        for record in records:
            logging.getLogger(record.name).handle(record)
        return [e for e in events if not isinstance(e, logging.LogRecord)] if records else events

    def shutdown(self, timeout: float = 10.0) -> bool:
        """Stop the run and the engine process; True if it ended in time (else it is killed).
        What the engine sends meanwhile is kept for the next poll."""
        if self._process is None:
            return True
        self._put(Shutdown())
        deadline = time.monotonic() + timeout
        while self._process.is_alive() and time.monotonic() < deadline:
            # Read while waiting: an engine blocked sending into a full pipe (the
            # window had stopped reading) could never exit, and was killed after
            # the whole timeout (closing the window mid-training took 10 s).
            self._late += self._receive()
            self._process.join(0.02)
        self._late += self._receive()
        ended = not self._process.is_alive()
        if not ended:
            self._process.kill()
            self._process.join(5.0)
        if self._connection is not None:
            self._connection.close()
        self._process, self._connection, self._running = None, None, False
        return ended
