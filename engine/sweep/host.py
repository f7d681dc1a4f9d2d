"""A sweep for the window: Ray and its trials in a spawned process of their own,
so the window never imports Ray and a sweep's crash takes nothing of it.

The window starts it with the trials' runs and where to place them, polls it on
its frame timer for messages (the trial table, finished results, the end), and
may stop it; finished trials are the window's to keep in its project.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from dataclasses import dataclass

from engine.errors import SeqLabError
from engine.logs import ToTheWindow, trace_faults
from engine.project.model import Run
from engine.sweep.trial import TrialResult, TrialStatus
from engine.translation import SWEEP_FAILED, SWEEP_PROCESS_ENDED

log = logging.getLogger("seqlab.sweep")
REAP_SECONDS = 30.0


@dataclass
class SweepTable:
    """Every trial's state, step and last numbers, a few times a second."""

    table: dict[str, TrialStatus]


@dataclass
class SweepResults:
    results: list[TrialResult]


@dataclass
class SweepEnded:
    stopped: bool  # stopped by the person: what finished is kept, the rest can go on later
    seconds: float = 0.0
    error: str = ""  # the sweep could not go on (Ray did not start, the process died)


def _serve(connection, runs: dict[str, Run], placement, stop_early: bool) -> None:
    """The sweep process: runs the trials, sends what happens, stops when told."""
    from engine.sweep.ray_sweep import run_trials

    trace_faults("sweep process")  # a crash in native code sends no log record: leave its stack in faults.log
    sending = threading.Lock()

    def send(message) -> None:
        with sending:  # the log handler sends from whichever thread logs
            connection.send(message)

    seqlab_log = logging.getLogger("seqlab")
    seqlab_log.addHandler(ToTheWindow(send))
    seqlab_log.propagate = False  # logged once, by the window
    stop = threading.Event()

    def listen() -> None:
        try:
            while connection.recv() != "stop":
                pass
        except (EOFError, OSError):  # the window went away: stop too
            pass
        stop.set()

    threading.Thread(target=listen, name="seqlab-sweep-listen", daemon=True).start()
    try:
        outcome = run_trials(runs, placement, on_progress=lambda table: send(SweepTable(table)),
                             on_results=lambda results: send(SweepResults(results)),
                             stop_early=stop_early, stop=stop)
        send(SweepEnded(outcome.interrupted, outcome.seconds))
    except SeqLabError as exc:
        log.warning("the sweep could not go on: %s", exc)
        send(SweepEnded(False, error=str(exc)))
    except Exception as exc:  # the window says it in one line; the log keeps the traceback
        log.exception("the sweep failed")
        send(SweepEnded(False, error=SWEEP_FAILED.format(error=f"{type(exc).__name__}: {exc}")))


class SweepHost:
    def __init__(self):
        self._process = None
        self._connection = None
        self._ended = True

    @property
    def running(self) -> bool:
        return not self._ended

    def start(self, runs: dict[str, Run], placement, stop_early: bool = False) -> None:
        if self.running:
            raise RuntimeError("a sweep is already running; stop it first")
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe(duplex=True)
        self._process = context.Process(target=_serve, args=(theirs, runs, placement, stop_early),
                                        name="seqlab-sweep", daemon=True)
        self._process.start()
        theirs.close()
        self._connection, self._ended = ours, False

    def poll(self) -> list:
        """Messages since the last poll (its log records logged here); a SweepEnded with
        an error if the process died."""
        messages = []
        try:
            while self._connection is not None and self._connection.poll():
                message = self._connection.recv()
                if isinstance(message, logging.LogRecord):
                    logging.getLogger(message.name).handle(message)
                else:
                    messages.append(message)
        except (EOFError, OSError):
            pass
        if any(isinstance(m, SweepEnded) for m in messages):
            self._ended = True
            self.release()
        elif not self._ended and self._process is not None and not self._process.is_alive():
            self._ended = True
            log.error("the sweep process ended with exit code %s", self._process.exitcode)
            messages.append(SweepEnded(False, error=SWEEP_PROCESS_ENDED.format(code=self._process.exitcode)))
        return messages

    def release(self) -> None:
        """The sweep has ended: its process, shutting Ray down, is waited for on a thread
        of its own (ended by force if it hangs), never on the caller's."""
        process, self._process = self._process, None  # once: a second call finds nothing to reap
        if process is None:
            return

        def reap() -> None:
            process.join(REAP_SECONDS)
            if process.is_alive():
                log.warning("the sweep process did not end in %s s: ended by force", REAP_SECONDS)
                process.terminate()
                process.join(5)

        threading.Thread(target=reap, name="seqlab-sweep-reap", daemon=True).start()

    def stop(self) -> None:
        """Finished trials stay; running ones end (they start again from the beginning with `resume`)."""
        if self._connection is not None and self.running:
            try:
                self._connection.send("stop")
            except (BrokenPipeError, OSError):
                pass

    def close(self, timeout: float = 10.0) -> None:
        """Stop and wait for the process, then end it if it does not go."""
        self.stop()
        if self._process is not None:
            self._process.join(timeout)
            if self._process.is_alive():
                self._process.terminate()
                self._process.join(5)
        self._ended = True
