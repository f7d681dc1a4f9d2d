"""Sweeps in the window: Run ▸ Sweep…'s dialog checks what it is given with the
engine, a sweep's tables and results fill the Sweep dock (table, tally, curves,
the sweep plot) and become runs of the project, a finished trial opens as the
current run, the plot exports its numbers; one real sweep on Ray, which the
window's process never imports."""

from __future__ import annotations

import csv
import sys

import pytest
from PySide6.QtWidgets import QApplication, QDialog

from engine.presets import load_preset
from engine.sweep.host import SweepEnded, SweepResults, SweepTable
from engine.sweep.trial import TrialStatus, train_trial
from tests.gui.conftest import wait_until


def small_draft():
    return load_preset("recall-rnn").with_overrides({"training.steps": 40, "training.eval_every": 20})


class FakeHost:
    """SweepHost's face with no Ray: the test says what the sweep sends."""

    def __init__(self):
        self.runs, self.placement, self.stop_early = None, None, None
        self.outbox: list = []
        self.running = False
        self.stops = 0

    def start(self, runs, placement, stop_early=False):
        self.runs, self.placement, self.stop_early, self.running = runs, placement, stop_early, True

    def poll(self):
        messages, self.outbox = self.outbox, []
        if any(isinstance(m, SweepEnded) for m in messages):
            self.running = False
        return messages

    def stop(self):
        self.stops += 1
        self.outbox.append(SweepEnded(True, 1.0))

    def close(self, timeout=10.0):
        self.running = False

    def release(self):
        self.running = False


class FinishingHost(FakeHost):
    """A sweep whose second trial finishes while it stops, as a real one's may."""

    def stop(self):
        self.stops += 1
        self.outbox += [results_of(self, list(self.runs)[1:2]), SweepEnded(True, 1.0)]


def table_at(host, step, loss, state="running"):
    return SweepTable({key: TrialStatus(key, run.name, state, step, 40, {"step": step, "val_loss": loss,
                                                                          "accuracy": 0.25})
                       for key, run in host.runs.items()})


def results_of(host, keys):
    """The trials of `keys` trained for real (no Ray): their runs as a sweep hands them back."""
    return SweepResults([train_trial(key, host.runs[key], lambda numbers: None, lambda run, numbers: None) for key in keys])


def start_with_dialog(qtbot, window, *vary, seeds=1, cores=None):
    """Run ▸ Sweep…, the fields filled as a person does, OK."""
    window.commands.sweep.trigger()
    dialog = window.sweep_dock.dialog
    assert dialog is not None and dialog.isVisible()
    for index, (key, values) in enumerate(vary):
        dialog.vary(index, key, values)
    dialog.seeds.setValue(seeds)
    if cores is not None:
        dialog.cores.setValue(cores)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    return dialog


@pytest.fixture
def swept(qtbot, make_window):
    """A window whose sweep (2 cells x 2 seeds) runs on a FakeHost, started from the dialog."""
    window = make_window()
    window.document.set_draft(small_draft())
    hosts = []
    window.sweeps.make_host = lambda: hosts.append(FakeHost()) or hosts[-1]
    dialog = start_with_dialog(qtbot, window, ("model.cell", "rnn_tanh,gru"), seeds=2)
    assert dialog.result() == QDialog.Accepted, dialog.message.text()
    assert window.sweeps.running and len(hosts[0].runs) == 4
    return window, hosts


def test_a_sweep_fills_the_dock_and_its_finished_trials_become_runs(qtbot, swept, tmp_path):
    window, hosts = swept
    host, panel, document = hosts[0], window.panels["sweep"], window.document
    project = document.project
    first_run = document.run()
    assert window.docks["sweep"].isVisible() and not window.commands.sweep.isEnabled()
    assert project.sweeps[-1]["id"] == "sweep-1" and document.modified
    assert panel.grid.rowCount() == 4 and panel.stop_button.isEnabled()

    host.outbox.append(table_at(host, 20, 2.0))
    wait_until(qtbot, lambda: panel.grid.item(0, 1).text() == "running", 10, "the first table")
    assert panel.tally.text().startswith("sweep-1 (model.cell): 0/4 trials done · 4 running · best accuracy 0.25")
    assert panel.grid.item(0, 2).text() == "20/40" and panel.grid.item(0, 3).text() == "2"
    assert panel.header_labels()[4] == "accuracy"
    host.outbox.append(table_at(host, 40, 1.5))
    wait_until(qtbot, lambda: all(len(c.xData) == 2 for c in panel.trial_curves.values()), 10, "the curves to grow")
    assert len(panel.trial_curves) == 4 and list(panel.trial_curves.values())[0].yData.tolist() == [2.0, 1.5]
    assert not panel.has_data()  # nothing finished: no sweep plot yet

    keys = list(host.runs)
    host.outbox.append(results_of(host, keys))
    wait_until(qtbot, lambda: len(project.sweep_runs("sweep-1")) == 4, 60, "the results in the project")
    assert document.run() is first_run  # the person's current run stays theirs
    runs = project.sweep_runs("sweep-1")
    assert {run.sweep["key"] for run in runs} == set(keys) and all(run.sweep["state"] == "completed" for run in runs)
    assert {run.name for run in runs} == {"cell=rnn_tanh seed=0", "cell=rnn_tanh seed=1", "cell=gru seed=0",
                                          "cell=gru seed=1"}
    picker = window.run_panel.run_picker
    assert picker.count() == len(project.runs) == 5
    assert panel.grid.item(0, 1).text() == "completed" and panel.grid.item(0, 2).text() == "40/40"
    # a finished trial's curve is its run's evaluations
    assert list(panel.trial_curves.values())[0].xData.tolist() == [20.0, 40.0]
    assert panel.has_data() and panel.tally.text().startswith("sweep-1 (model.cell): 4/4 trials done")
    axis = panel.sweep_plot.getAxis("bottom")
    assert [label for _, label in axis._tickLevels[0]] == ["rnn_tanh", "gru"]  # categorical x, named
    assert "accuracy against model.cell" in panel.sweep_plot.titleLabel.text

    host.outbox.append(SweepEnded(False, 3.0))
    wait_until(qtbot, lambda: not window.sweeps.running, 10, "the end")
    assert window.commands.sweep.isEnabled() and not panel.stop_button.isEnabled()
    assert not panel.continue_button.isEnabled()  # every trial has run

    path = tmp_path / "sweep.csv"
    assert panel.export(path)
    with path.open() as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["series", "model.cell", "accuracy mean", "accuracy spread", "count"]
    assert [row[1] for row in rows[1:]] == ["rnn_tanh", "gru"] and [row[4] for row in rows[1:]] == ["2", "2"]
    assert [float(row[2]) for row in rows[1:]] == pytest.approx([p.mean for p in panel.curve.series[None]])

    from lab_gui.report import build_report

    report = build_report(document, window.panels)  # the project's sweep: its tally, plots and trials
    assert "<h2>Sweep sweep-1: cell</h2>" in report and "<p>4/4 trials done" in report
    assert "Validation loss of each trial, and the task metric" in report and "cell=gru seed=1" in report

    row = panel.row_keys.index(runs[2].sweep["key"])
    panel.grid.cellDoubleClicked.emit(row, 0)
    assert document.run() is runs[2] and document.draft == runs[2].spec  # every other dock shows it


def test_a_stopped_sweep_keeps_its_finished_trials_and_continues_with_the_rest(qtbot, swept):
    window, hosts = swept
    host, panel, project = hosts[0], window.panels["sweep"], window.document.project
    keys = list(host.runs)
    host.outbox += [table_at(host, 20, 2.0), results_of(host, keys[:1])]
    wait_until(qtbot, lambda: panel.grid.item(0, 1).text() == "completed", 30, "the first result")
    assert [panel.grid.item(row, 1).text() for row in range(1, 4)] == ["running"] * 3
    panel.stop_button.click()
    wait_until(qtbot, lambda: not window.sweeps.running, 30, "the stop")
    assert host.stops == 1 and len(project.sweep_runs("sweep-1")) == 1
    # the trials it cut short start afresh on Continue: pending, with no curve
    assert [panel.grid.item(row, 1).text() for row in range(4)] == ["completed", "pending", "pending", "pending"]
    assert [panel.grid.item(row, 2).text() for row in range(1, 4)] == ["0/40"] * 3
    assert sum(curve.xData is not None and len(curve.xData) > 0 for curve in panel.trial_curves.values()) == 1
    assert panel.continue_button.isEnabled() and window.sweeps.progress.left == 3
    panel.continue_button.click()
    dialog = window.sweep_dock.dialog
    assert dialog.windowTitle() == "Continue Sweep" and dialog.message.text() == "3 of 4 trials left to run"
    dialog.accept()
    assert window.sweeps.running and set(hosts[1].runs) == set(keys[1:])
    assert len(project.sweeps) == 1  # the same sweep goes on


def test_closing_the_project_stops_the_sweep_and_an_opened_project_shows_its_sweep(qtbot, swept, tmp_path):
    window, hosts = swept
    host, panel, document = hosts[0], window.panels["sweep"], window.document
    host.outbox.append(results_of(host, list(host.runs)[:2]))
    wait_until(qtbot, lambda: len(document.project.sweep_runs("sweep-1")) == 2, 60, "two results")
    path = tmp_path / "swept.seqlab"
    assert document.save_to(path)
    assert document.new_project()  # saved: nothing to ask
    assert host.stops == 1 and not window.sweeps.running
    assert panel.grid.rowCount() == 0 and panel.message.text().startswith("No sweep yet")
    assert panel.grid.isHidden() and panel.tally.isHidden()  # no empty table crowding the line in a short dock
    window.docks["sweep"].hide()
    assert document.open_file(path)
    assert window.docks["sweep"].isVisible()
    assert panel.grid.rowCount() == 4 and [panel.grid.item(r, 1).text() for r in range(4)].count("pending") == 2
    assert panel.grid.isVisible()
    assert panel.tally.text().startswith("sweep-1 (model.cell): 2/4 trials done") and panel.has_data()
    assert panel.continue_button.isEnabled()


@pytest.mark.parametrize("leave", ["new project", "close window", "reopen the file"])
def test_trials_that_finish_while_the_sweep_stops_are_saved_with_the_saved_project(qtbot, make_window, tmp_path,
                                                                                   dialogs, leave):
    from engine.project import open_project

    window = make_window()
    window.document.set_draft(small_draft())
    hosts = []
    window.sweeps.make_host = lambda: hosts.append(FinishingHost()) or hosts[-1]
    start_with_dialog(qtbot, window, ("model.cell", "rnn_tanh,gru"))
    host, document = hosts[0], window.document
    host.outbox.append(results_of(host, list(host.runs)[:1]))
    wait_until(qtbot, lambda: len(document.project.sweep_runs("sweep-1")) == 1, 60, "the first result")
    path = tmp_path / "swept.seqlab"
    assert document.save_to(path) and not document.modified
    if leave == "new project":
        assert document.new_project()  # saved: nothing to ask
    elif leave == "reopen the file":  # read back after the trial that finished as it stopped was saved
        assert document.open_file(path) and not document.modified
        assert len(document.project.sweep_runs("sweep-1")) == 2
    else:
        window.close()
    assert host.stops == 1 and not window.sweeps.running and not dialogs["shown"]
    assert {run.name for run in open_project(path).sweep_runs("sweep-1")} == {"cell=rnn_tanh seed=0",
                                                                               "cell=gru seed=0"}


def test_a_gpu_draft_with_no_gpus_placed_is_refused_in_the_dialog(qtbot, make_window):
    window = make_window()
    window.document.set_draft(small_draft().with_overrides({"training.device": "cuda"}))
    hosts = []
    window.sweeps.make_host = lambda: hosts.append(FakeHost()) or hosts[-1]
    dialog = start_with_dialog(qtbot, window, ("model.cell", "rnn_tanh,gru"))
    assert dialog.isVisible() and "training.device=cuda needs GPUs per trial" in dialog.message.text()
    assert not hosts and not window.document.project.sweeps
    dialog.reject()


def test_a_sweep_that_cannot_go_on_says_why_in_the_banner(qtbot, swept):
    window, hosts = swept
    hosts[0].outbox.append(SweepEnded(False, error="could not start the Ray cluster at 10.0.0.1:6379: "
                                                    "connection refused"))
    wait_until(qtbot, lambda: not window.sweeps.running, 10, "the end")
    assert window.status.banner.text() == ("The sweep could not go on: could not start the Ray cluster at "
                                           "10.0.0.1:6379: connection refused. Its finished trials are kept in "
                                           "the project.")


@pytest.mark.parametrize("vary, message", [
    (("model.cell", "rnn_tanh,foo"), "the trial model.cell=foo: model.cell=\"foo\" must be one of rnn_tanh, "
                                     "rnn_relu, lstm, gru"),
    (("task.distractors", "1:10"), "'task.distractors=1:10': a range is LO:HI:N or log:LO:HI:N"),
    (("task.distractors", ""), "Give the values of task.distractors to try"),
])
def test_the_dialog_refuses_a_bad_value_with_the_engines_message(qtbot, monkeypatch, vary, message):
    from lab_gui import sweep_dialog
    from lab_gui.sweep_dialog import SweepDialog

    monkeypatch.setattr(sweep_dialog, "_local_gpus", lambda: 0)  # a machine with no GPU

    dialog = SweepDialog(small_draft())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.vary(0, *vary)
    dialog.accept()
    assert dialog.isVisible() and dialog.request is None  # still open, beside the fields
    assert dialog.message.text() == message
    dialog.vary(0, "model.cell", "lstm,gru")
    dialog.vary(1, "task.distractors", "log:2:8:3")
    dialog.seeds.setValue(2)
    dialog.gpus.setValue(0.25)
    dialog.accept()  # on this machine, only with a GPU
    assert dialog.message.text() == "This machine has no GPU: give GPUs per trial 0, or run on a Ray cluster"
    dialog.where.setCurrentIndex(1)
    dialog.accept()
    assert dialog.message.text() == "Give the Ray cluster's address as HOST:PORT"
    dialog.address.setText("10.0.0.1:6379")
    dialog.accept()
    assert dialog.request is not None and dialog.message.text() == "This sweep runs 12 trials"
    assert dialog.request.placement.address == "10.0.0.1:6379" and dialog.request.placement.gpus_per_trial == 0.25
    assert [v.text() for v in dialog.request.plan.variations] == ["model.cell=lstm,gru", "task.distractors=log:2:8:3"]


def test_the_engines_sweep_messages_are_korean(qtbot):
    """The sweep engine's messages (its templates in engine.translation) come out in Korean in the window."""
    from engine.errors import SeqLabError
    from engine.sweep.plan import SweepPlan, parse_variation
    from engine.sweep.record import Tally
    from lab_gui.engine_text import engine_text
    from lab_gui.language import apply_language
    from lab_gui.sweep_progress import tally_text
    from tests.gui.test_korean import english_words

    tallies = [Tally(8, 3, 2, 1, ("sequence_accuracy", "cell=gru seed=0", 0.5), 300.0), Tally(8, 3, 2, 0, None, 30.0),
               Tally(8, 3, 2, 0, None, 9000.0)]
    assert tally_text(tallies[0]) == ("3/8 trials done · 2 running · 1 failed or diverged · best sequence_accuracy "
                                      "0.5 (cell=gru seed=0) · about 5 min left")
    refused = []
    for bad in ("model.cell=rnn_tanh,foo", "task.distractors=1:10", "task.distractors=5:1:3",
                "training.lr=log:0:1:3", "model.cell=lstm,lstm", "task.distractors=1:3:x", "task.distractors=a:b"):
        with pytest.raises(SeqLabError) as caught:
            SweepPlan(small_draft(), [parse_variation(bad)]).trials()
        refused.append(str(caught.value))
    assert apply_language("ko") == "ko"
    try:
        shown = [tally_text(t) for t in tallies] + [engine_text(message) for message in refused]
    finally:
        apply_language("en")
    for korean in shown:
        assert not english_words(korean, {"cell=gru seed=0", "sequence_accuracy", "log:LO:HI:N"}), korean


def test_a_real_sweep_from_the_dialog_on_ray_without_ray_in_the_window(qtbot, make_window):
    """Ray in the SweepHost's process, never in the window's (modules another test loaded are set aside)."""
    set_aside = {name: module for name, module in sys.modules.items() if name == "ray" or name.startswith("ray.")}
    for name in set_aside:
        del sys.modules[name]
    try:
        window = make_window()
        window.document.set_draft(small_draft())
        dialog = start_with_dialog(qtbot, window, ("model.cell", "rnn_tanh,gru"), cores=2)
        assert dialog.result() == QDialog.Accepted, dialog.message.text()
        assert dialog.request.placement.cpus == 2
        wait_until(qtbot, lambda: not window.sweeps.running, 120, "the sweep to end")
        runs = window.document.project.sweep_runs("sweep-1")
        assert sorted(run.name for run in runs) == ["cell=gru seed=0", "cell=rnn_tanh seed=0"], \
            window.status.banner.text()
        assert all(run.sweep["state"] == "completed" and run.step == 40 for run in runs)
        assert window.panels["sweep"].has_data() and window.panels["sweep"].tally.text().startswith(
            "sweep-1 (model.cell): 2/2 trials done")
        assert not [name for name in sys.modules if name == "ray" or name.startswith("ray.")]
    finally:
        sys.modules.update(set_aside)
    QApplication.processEvents()


def test_the_sweep_dock_speaks_korean(qtbot, make_window):
    from tests.gui.test_korean import data_of, english_words, visible_texts

    window = make_window()
    window.set_language("ko")
    try:
        window.document.set_draft(small_draft())
        host = FakeHost()
        window.sweeps.make_host = lambda: host
        dialog = start_with_dialog(qtbot, window, ("model.cell", "rnn_tanh,gru"), seeds=2)
        assert dialog.result() == QDialog.Accepted, dialog.message.text()
        host.outbox += [table_at(host, 20, 2.0), results_of(host, list(host.runs)[:1])]
        wait_until(qtbot, lambda: len(window.document.project.runs) == 2, 60, "a result")
        window.docks.reveal("sweep")
        # The Playground's hint and modes keep the language of the run it last showed: not this test's
        window.docks["playground"].hide()
        qtbot.wait(100)
        panel = window.panels["sweep"]
        assert panel.grid.item(1, 1).text() == "진행 중" and panel.has_data()
        data = data_of(window) | {run.name for run in host.runs.values()} | {"sweep-1"}
        english = [(where, text, found) for where, text in visible_texts(window)
                   if (found := english_words(text, data))]
        assert not english, english
    finally:
        window.set_language("en")
