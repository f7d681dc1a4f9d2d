"""The training session keeps one source of truth: live edits, their undo and
redo reach the engine; the run's spec follows what the engine took, so Stop
then Train continues the run; and the window and the command line share one
rule for continuing a run or starting a new one."""

import numpy as np
import pytest

from engine.spec import LIVE_SETTINGS
from lab_gui.spec_fields import ALL_FIELDS
from tests.gui.conftest import train_to_end, wait_until
from tests.gui.test_faults import set_up_to_diverge
from tests.gui.test_window import quick, type_into


def engine_lr(run) -> float:
    """The learning rate the engine trained the run's last step with (its own float32 scalar)."""
    return pytest.approx(float(run.history.column("lr")[-1]), rel=1e-6)


def step_once(qtbot, window) -> None:
    run = window.session.run
    before = len(run.history) if run is not None else 0
    window.session.step(1)
    wait_until(qtbot, lambda: window.session.state == "paused" and len(window.session.run.history) > before,
               60, "one step, then paused")


def stop(qtbot, window) -> None:
    window.session.stop()
    wait_until(qtbot, lambda: not window.session.active, 60, "the stop")


def test_every_live_setting_has_a_form_field_marked_live():
    assert {key for key, field in ALL_FIELDS.items() if field.live} == set(LIVE_SETTINGS)


def test_a_live_edit_its_undo_and_its_redo_each_reach_the_engine(qtbot, make_window):
    window = make_window()
    quick(window, 1000)
    first = window.document.draft.training.lr
    step_once(qtbot, window)
    run = window.session.run
    assert engine_lr(run) == first

    type_into(qtbot, window, "training.lr", "0.0123")
    step_once(qtbot, window)
    assert engine_lr(run) == 0.0123 and run.spec.training.lr == 0.0123

    window.commands.undo.trigger()
    assert window.document.draft.training.lr == first
    step_once(qtbot, window)
    assert engine_lr(run) == first and run.spec.training.lr == first

    window.commands.redo.trigger()
    step_once(qtbot, window)
    assert engine_lr(run) == 0.0123 and run.spec.training.lr == 0.0123
    stop(qtbot, window)


def test_stop_then_train_continues_the_run_that_took_a_live_edit(qtbot, make_window):
    window = make_window()
    quick(window, 1000)
    step_once(qtbot, window)
    type_into(qtbot, window, "training.lr", "0.0123")
    step_once(qtbot, window)
    run = window.session.run
    stop(qtbot, window)
    stopped_at = run.step
    assert stopped_at >= 2

    assert window.commands.train.isEnabled()
    window.commands.train.trigger()
    assert window.session.active and window.session.run is run and len(window.document.project.runs) == 1
    window.session.pause()
    step_once(qtbot, window)
    steps = run.history.column("step")
    assert steps[0] == 0 and steps[-1] + 1 > stopped_at and (np.diff(steps) == 1).all()  # one run, going on
    assert engine_lr(run) == 0.0123
    stop(qtbot, window)


def test_the_divergence_retry_offers_a_tenth_of_the_rate_the_run_diverged_at(qtbot, make_window):
    window = make_window()
    set_up_to_diverge(window, 0.05)
    step_once(qtbot, window)
    type_into(qtbot, window, "training.lr", "5")  # live: the rate that makes it diverge
    window.commands.train.trigger()  # resumes
    wait_until(qtbot, lambda: not window.session.active, 120, "the run to diverge")
    run = window.session.run
    assert run.summary["diverged_at"] is not None and run.spec.training.lr == 5.0
    assert window.status.banner.action_labels() == ["Retry with learning rate 0.5"]


def test_a_run_that_trained_all_its_steps_goes_on_only_when_asked(qtbot, make_window):
    """As `main.py train` refuses and names --steps, the window asks with a button."""
    window = make_window()
    quick(window, 20)
    train_to_end(qtbot, window)
    run = window.session.run
    assert run.step == 20
    assert not window.session.train()
    assert "has trained all its 20 steps" in window.status.banner.text()
    window.status.banner.trigger("Train 20 More Steps")
    wait_until(qtbot, lambda: not window.session.active, 120, "20 more steps")
    assert window.session.run is run and run.step == 40 and len(window.document.project.runs) == 1
