"""The two engine hosts behind one interface: a thread host and a process host.
Both send a Checkpoint before a run ends, continue from a state exactly, and
the process host reports an engine that died."""

import os
import signal
import time

import numpy as np
import pytest

from engine.events import Checkpoint, ProbeSnapshot, RunFailed, RunFinished, RunStarted, Scalars, StateChanged
from engine.host import ProcessHost, ThreadHost
from engine.presets import load_preset
from engine.project import Project


def _spec(steps=30):
    return load_preset("hello-rnn").with_overrides({"training.steps": steps, "training.eval_every": 10,
                                                    "probes.every": 10,
                                                    "probes.max_time_fraction": 1.0})


def _collect(host, until, timeout=120.0):
    events, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        events += host.poll()
        if any(until(e) for e in events):
            return events
        time.sleep(0.02)
    raise AssertionError(f"timed out; got {[type(e).__name__ for e in events]}")


def _losses(events):
    return np.concatenate([e.values["train_loss"] for e in events if isinstance(e, Scalars)])


@pytest.fixture(params=["thread", "process"])
def host(request):
    host = ThreadHost() if request.param == "thread" else ProcessHost()
    yield host
    assert host.shutdown(30)


def test_a_run_streams_its_events_and_ends_with_its_state(host):
    host.start(_spec())
    events = _collect(host, lambda e: isinstance(e, (RunFinished, RunFailed)))
    assert not [e for e in events if isinstance(e, RunFailed)]
    assert isinstance(events[0], RunStarted)
    assert len(_losses(events)) == 30
    assert [e.step for e in events if isinstance(e, ProbeSnapshot)] == [0, 10, 20, 30]
    checkpoint = [e for e in events if isinstance(e, Checkpoint)]
    assert len(checkpoint) == 1 and checkpoint[0].step == 30
    assert all(isinstance(a, np.ndarray) for a in checkpoint[0].tensors.values())


def test_continuing_from_a_checkpoint_gives_the_uninterrupted_losses(host):
    host.start(_spec(40))
    whole = _losses(_collect(host, lambda e: isinstance(e, RunFinished)))
    host.start(_spec(20))
    first = _collect(host, lambda e: isinstance(e, RunFinished))
    state = next(e for e in first if isinstance(e, Checkpoint))
    host.start(_spec(40), state=(state.tensors, state.meta))
    rest = _collect(host, lambda e: isinstance(e, RunFinished))
    np.testing.assert_array_equal(np.concatenate([_losses(first), _losses(rest)]), whole)


def test_a_checkpoint_is_sent_on_request_while_paused(host):
    host.start(_spec(100_000))
    host.pause()
    paused = _collect(host, lambda e: isinstance(e, StateChanged) and e.state == "paused")
    step = next(e.step for e in paused if isinstance(e, StateChanged))
    host.checkpoint()
    checkpoint = next(e for e in _collect(host, lambda e: isinstance(e, Checkpoint)) if isinstance(e, Checkpoint))
    assert checkpoint.step == step
    project = Project()
    run = project.add_run(_spec())
    run.keep(paused + [checkpoint])
    assert run.step == step and len(run.history) == step
    host.stop()
    _collect(host, lambda e: isinstance(e, RunFinished))


@pytest.mark.parametrize("death,cause", [(signal.SIGKILL, "SIGKILL: kill -9, or the system's out-of-memory killer"),
                                         (signal.SIGSEGV, "SIGSEGV: a crash in native code")])
def test_a_dead_engine_process_is_reported_and_a_new_run_can_start(death, cause):
    host = ProcessHost()
    try:
        host.start(_spec(1_000_000))
        _collect(host, lambda e: isinstance(e, Scalars))
        os.kill(host.pid, death)
        events = _collect(host, lambda e: isinstance(e, RunFailed), timeout=10)
        failed = next(e for e in events if isinstance(e, RunFailed))
        assert failed.message.startswith(f"the engine process died (killed by signal {cause}) at step ")
        assert not host.running
        host.start(_spec(5))
        events = _collect(host, lambda e: isinstance(e, (RunFinished, RunFailed)))
        assert isinstance(events[-1], RunFinished) and events[-1].step == 5
    finally:
        host.shutdown(30)


def test_flush_every_makes_the_engine_batch_its_metrics_that_seldom(host):
    """The window asks for batches as often as it redraws; each batch then spans
    that much of the run's own clock (at the default 1/30 s, one did 0.03 s)."""
    host.start(_spec(1_000_000).with_overrides({"training.eval_every": 1_000_000, "probes.every": 0}))
    _collect(host, lambda e: isinstance(e, Scalars))
    host.flush_every(0.4)
    time.sleep(0.5)  # batches begun before the word have gone out by now
    host.poll()
    batches, deadline = [], time.monotonic() + 3.0
    while time.monotonic() < deadline:
        batches += [e for e in host.poll() if isinstance(e, Scalars)]
        time.sleep(0.02)
    assert batches
    # A batch goes out once a step ends 0.4 s after the last one went: its steps span
    # that, less the last step's own time (about its longest gap; a busy CPU stretches it).
    spans = [(float(e.wall_time[-1] - e.wall_time[0]), float(np.diff(e.wall_time).max()))
             for e in batches if len(e) > 1]
    assert spans and min(span + step for span, step in spans) >= 0.35, spans
    assert max(span for span, _ in spans) >= 0.3  # not the default 1/30 s


def test_a_bad_spec_is_refused_in_the_caller():
    from engine.errors import SpecError

    host = ProcessHost()
    with pytest.raises(SpecError, match="model.hidden_size"):
        host.start(_spec().with_overrides({"model.hidden_size": -1}))
    assert host.pid is None  # nothing was launched for it


def test_an_engine_whose_events_were_not_read_ends_in_time_when_shut_down():
    """Closing the window mid-training: the window stops reading, the engine fills the
    pipe and blocks sending, and used to be killed only after the whole timeout."""
    host = ProcessHost()
    try:
        host.start(_spec(1_000_000).with_overrides({"probes.every": 1}))
        _collect(host, lambda e: isinstance(e, Scalars))
        time.sleep(3)  # nothing read: a probe snapshot at every step fills the pipe
        assert host.shutdown(10)  # it ended by itself, not killed
        late = host.poll()  # what it sent meanwhile is kept: the run's end and its state
        assert any(isinstance(e, RunFinished) for e in late) and any(isinstance(e, Checkpoint) for e in late)
    finally:
        host.shutdown(30)


def test_a_bug_in_training_reaches_the_log_with_its_traceback(monkeypatch, caplog):
    """A programming error (not the user's, not out of memory) is logged with the
    traceback that says where it happened; the RunFailed still says what failed."""
    from engine.training import Trainer

    def broken(self):
        return 1 / 0

    monkeypatch.setattr(Trainer, "train_step", broken)
    host = ThreadHost()
    try:
        with caplog.at_level("ERROR", logger="seqlab.engine"):
            host.start(_spec(5))
            failed = _collect(host, lambda e: isinstance(e, RunFailed))[-1]
    finally:
        assert host.shutdown(30)
    assert failed.message.startswith("ZeroDivisionError: division by zero")
    [record] = [r for r in caplog.records if r.name == "seqlab.engine"]
    assert record.exc_info[0] is ZeroDivisionError
    assert "in broken" in caplog.text and "Traceback" in caplog.text


def test_a_bug_in_the_engine_process_reaches_the_windows_log(caplog):
    """The engine process's log records come down the pipe and are logged in the window's process."""
    host = ProcessHost()
    try:
        with caplog.at_level("ERROR", logger="seqlab.engine"):
            spec = _spec(5)
            # arrays that are no arrays: the engine fails restoring them, a caller's bug
            host.start(spec, state=({"model/x": object()}, {"step": 0}))
            failed = next(e for e in _collect(host, lambda e: isinstance(e, RunFailed)) if isinstance(e, RunFailed))
            assert host.running is False
    finally:
        assert host.shutdown(30)
    assert "TypeError" in failed.message
    [record] = [r for r in caplog.records if r.name == "seqlab.engine"]
    assert record.processName == "seqlab-engine" and "Traceback" in record.getMessage(), record.getMessage()


def test_a_user_error_is_no_bug_and_is_not_logged(caplog):
    """A state that does not fit the model is the user's to sort out: a RunFailed, no log record."""
    host = ThreadHost()
    try:
        with caplog.at_level("DEBUG", logger="seqlab.engine"):
            host.start(_spec(5), state=({}, {"step": 0}))
            failed = _collect(host, lambda e: isinstance(e, RunFailed))[-1]
    finally:
        assert host.shutdown(30)
    assert "checkpoint format" in failed.message
    assert not [r for r in caplog.records if r.name == "seqlab.engine"]


def test_each_control_is_one_command_applied_to_the_run():
    from engine.commands import FlushEvery, Pause, Resume, SendCheckpoint, Set, Step, Stop
    from engine.runner import RunControl

    control = RunControl()
    for command in (Pause(), Step(3), Set("lr", 0.5), SendCheckpoint(), FlushEvery(0.25)):
        control.apply(command)
    assert control.paused and control.take_changes() == [("lr", 0.5)] and control.flush_interval == 0.25
    assert control.take_request("checkpoint") and [control.take_step() for _ in range(4)] == [True] * 3 + [False]
    control.apply(Resume())
    assert not control.paused
    control.apply(Stop())
    assert control.stop_requested
    with pytest.raises(TypeError):
        control.apply("pause")
